// Addresses for simulated nodes. They are data only: nothing ever sends a packet to them.
// Node addresses come from ranges that are never routed (TEST-NET-1/2/3 of RFC 5737, then
// the benchmarking range 198.18.0.0/15 of RFC 2544); pod CIDRs are /24s cut from
// 10.128.0.0/9 by node index (32,768 of them).

import { createHash } from 'node:crypto';

const TEST_NETS = ['192.0.2', '198.51.100', '203.0.113'];
const PER_TEST_NET = 254;

/** The InternalIP of simulated node i. */
export function simNodeIP(i: number): string {
  if (i < TEST_NETS.length * PER_TEST_NET) return `${TEST_NETS[Math.floor(i / PER_TEST_NET)]}.${(i % PER_TEST_NET) + 1}`;
  const n = i - TEST_NETS.length * PER_TEST_NET + 1;
  if (n >= 2 ** 17 - 1) throw new Error(`no simulated node address for index ${i}`);
  return `198.${18 + (n >> 16)}.${(n >> 8) & 255}.${n & 255}`;
}

export const SIM_POD_CIDR_COUNT = 2 ** 15;

/** The pod CIDR of simulated node i: 10.128.0.0/24, 10.128.1.0/24, ... 10.255.255.0/24. */
export function simPodCIDR(i: number): string {
  if (i < 0 || i >= SIM_POD_CIDR_COUNT) throw new Error(`no simulated pod CIDR for index ${i}`);
  return `10.${128 + (i >> 8)}.${i & 255}.0/24`;
}

/** A stable index for a node name (for agents started without an explicit address or CIDR). */
export function nameIndex(name: string, modulo: number): number {
  return createHash('sha256').update(name).digest().readUInt32BE(0) % modulo;
}
