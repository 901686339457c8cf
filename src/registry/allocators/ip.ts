// Service ClusterIP allocation from one CIDR (upstream's ipallocator, in memory). Addresses are
// handed out sequentially from the first usable one, so the `kubernetes` Service created first
// gets .1; the network address (and the IPv4 broadcast address) is never handed out.

import { formatIP, parseCIDR, parseIP, type IPFamily } from '../validation/net.ts';
import { AllocationError } from './errors.ts';

export const DEFAULT_SERVICE_CIDR = '10.96.0.0/12';

export class IPAllocator {
  readonly cidr: string;
  readonly family: IPFamily;
  private readonly network: bigint;
  /** Offsets (from the network address) of the first and last allocatable address. */
  private readonly first: bigint;
  private readonly last: bigint;
  private readonly used = new Set<bigint>();
  /** Next offset to try, so sequential allocation does not rescan the allocated prefix. */
  private cursor: bigint;

  constructor(cidr: string = DEFAULT_SERVICE_CIDR) {
    const parsed = parseCIDR(cidr);
    if (!parsed) throw new AllocationError('Invalid', `invalid CIDR address: ${cidr}`);
    this.family = parsed.family;
    this.network = parsed.network;
    const size = 1n << BigInt(parsed.bits - parsed.prefix);
    this.first = 1n;
    // IPv4 ranges lose the broadcast address as well; tiny ranges have nothing to hand out.
    this.last = parsed.family === 'IPv4' ? size - 2n : size - 1n;
    this.cidr = `${formatIP(parsed.network, parsed.family)}/${parsed.prefix}`;
    this.cursor = this.first;
  }

  /** Number of allocatable addresses. */
  get size(): bigint {
    return this.last >= this.first ? this.last - this.first + 1n : 0n;
  }

  get allocated(): number {
    return this.used.size;
  }

  private notInRange(ip: string): AllocationError {
    return new AllocationError('NotInRange', `the provided IP (${ip}) is not in the valid range. The range of valid IPs is ${this.cidr}`);
  }

  private offsetOf(ip: string): bigint {
    const parsed = parseIP(ip);
    if (!parsed || parsed.family !== this.family) throw this.notInRange(ip);
    const off = parsed.value - this.network;
    if (off < this.first || off > this.last) throw this.notInRange(formatIP(parsed.value, this.family));
    return off;
  }

  /** Allocate the given address, or the next free one. Returns it in canonical form. */
  allocate(ip?: string): string {
    if (ip !== undefined && ip !== '') {
      const off = this.offsetOf(ip);
      if (this.used.has(off)) throw new AllocationError('AlreadyAllocated', 'provided IP is already allocated');
      this.used.add(off);
      return formatIP(this.network + off, this.family);
    }
    if (BigInt(this.used.size) >= this.size) throw new AllocationError('Full', 'range is full');
    let off = this.cursor;
    for (;;) {
      if (off > this.last) off = this.first;
      if (!this.used.has(off)) break;
      off++;
    }
    this.used.add(off);
    this.cursor = off + 1n;
    return formatIP(this.network + off, this.family);
  }

  /** Give an address back; unknown or out-of-range addresses are ignored. */
  release(ip: string): void {
    const parsed = parseIP(ip);
    if (!parsed || parsed.family !== this.family) return;
    const off = parsed.value - this.network;
    if (this.used.delete(off) && off < this.cursor) this.cursor = off;
  }

  has(ip: string): boolean {
    const parsed = parseIP(ip);
    return !!parsed && parsed.family === this.family && this.used.has(parsed.value - this.network);
  }

  /** Whether the address lies in the allocatable range (allocated or not). */
  contains(ip: string): boolean {
    const parsed = parseIP(ip);
    if (!parsed || parsed.family !== this.family) return false;
    const off = parsed.value - this.network;
    return off >= this.first && off <= this.last;
  }
}
