// NodePort allocation from an inclusive port range (upstream's portallocator, in memory),
// handed out sequentially from the low end.

import { AllocationError } from './errors.ts';

export const DEFAULT_NODE_PORT_MIN = 30000;
export const DEFAULT_NODE_PORT_MAX = 32767;

export class PortAllocator {
  readonly min: number;
  readonly max: number;
  private readonly used = new Set<number>();
  private cursor: number;

  constructor(min = DEFAULT_NODE_PORT_MIN, max = DEFAULT_NODE_PORT_MAX) {
    if (!Number.isInteger(min) || !Number.isInteger(max) || min < 1 || max > 65535 || min > max) {
      throw new AllocationError('Invalid', `invalid port range: ${min}-${max}`);
    }
    this.min = min;
    this.max = max;
    this.cursor = min;
  }

  /** "30000-32767", as upstream prints the range. */
  get range(): string {
    return `${this.min}-${this.max}`;
  }

  get size(): number {
    return this.max - this.min + 1;
  }

  get allocated(): number {
    return this.used.size;
  }

  /** Allocate the given port, or the next free one. */
  allocate(port?: number): number {
    if (port !== undefined && port !== 0) {
      if (!Number.isInteger(port) || port < this.min || port > this.max) {
        throw new AllocationError('NotInRange', `provided port is not in the valid range. The range of valid ports is ${this.range}`);
      }
      if (this.used.has(port)) throw new AllocationError('AlreadyAllocated', 'provided port is already allocated');
      this.used.add(port);
      return port;
    }
    if (this.used.size >= this.size) throw new AllocationError('Full', 'range is full');
    let p = this.cursor;
    for (;;) {
      if (p > this.max) p = this.min;
      if (!this.used.has(p)) break;
      p++;
    }
    this.used.add(p);
    this.cursor = p + 1;
    return p;
  }

  release(port: number): void {
    if (this.used.delete(port) && port < this.cursor) this.cursor = port;
  }

  has(port: number): boolean {
    return this.used.has(port);
  }

  contains(port: number): boolean {
    return Number.isInteger(port) && port >= this.min && port <= this.max;
  }
}
