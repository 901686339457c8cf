// IP and CIDR checks with upstream's messages. Parsing follows k8s.io/utils/net's
// "sloppy" parsers (as v1.32 does): IPv4 octets may carry leading zeros, zones are rejected.

import { fieldInvalid, type FieldError } from '../../server/errors.ts';

export type IPFamily = 'IPv4' | 'IPv6';

export interface ParsedIP {
  family: IPFamily;
  /** The address as an unsigned integer (32 or 128 bits). */
  value: bigint;
}

const ipv4Re = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;
const hexGroupRe = /^[0-9a-fA-F]{1,4}$/;

function parseIPv4(s: string): bigint | undefined {
  const m = ipv4Re.exec(s);
  if (!m) return undefined;
  let v = 0n;
  for (let i = 1; i <= 4; i++) {
    const n = Number(m[i]);
    if (n > 255) return undefined;
    v = (v << 8n) | BigInt(n);
  }
  return v;
}

function parseIPv6(s: string): bigint | undefined {
  if (s.length < 2 || s.includes('%')) return undefined;
  let tail32: bigint | undefined;
  let text = s;
  // An embedded dotted quad supplies the last 32 bits.
  const lastColon = text.lastIndexOf(':');
  if (lastColon >= 0 && text.indexOf('.', lastColon) > lastColon) {
    tail32 = parseIPv4(text.slice(lastColon + 1));
    if (tail32 === undefined) return undefined;
    text = `${text.slice(0, lastColon + 1)}0:0`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const head = halves[0] === '' ? [] : halves[0].split(':');
  const rest = halves.length === 2 ? (halves[1] === '' ? [] : halves[1].split(':')) : [];
  const groups = head.length + rest.length;
  if (halves.length === 1 ? groups !== 8 : groups > 7) return undefined;
  const all = [...head, ...Array<string>(8 - groups).fill('0'), ...rest];
  let v = 0n;
  for (const g of all) {
    if (!hexGroupRe.test(g)) return undefined;
    v = (v << 16n) | BigInt(parseInt(g, 16));
  }
  if (tail32 !== undefined) v = (v & ~0xffffffffn) | tail32;
  return v;
}

export function parseIP(s: string): ParsedIP | undefined {
  if (s.includes(':')) {
    const v = parseIPv6(s);
    if (v === undefined) return undefined;
    // IPv4-mapped IPv6 (::ffff:a.b.c.d) is treated as IPv4, as Go's net.IP does.
    if (v >> 32n === 0xffffn) return { family: 'IPv4', value: v & 0xffffffffn };
    return { family: 'IPv6', value: v };
  }
  const v = parseIPv4(s);
  return v === undefined ? undefined : { family: 'IPv4', value: v };
}

export interface ParsedCIDR {
  family: IPFamily;
  /** Network address (host bits cleared). */
  network: bigint;
  prefix: number;
  bits: 32 | 128;
}

export function parseCIDR(s: string): ParsedCIDR | undefined {
  const slash = s.indexOf('/');
  if (slash < 0) return undefined;
  const prefixText = s.slice(slash + 1);
  if (!/^\d{1,3}$/.test(prefixText)) return undefined;
  const ip = parseIP(s.slice(0, slash));
  if (!ip) return undefined;
  // An IPv4-mapped address with an IPv6-sized prefix is still an IPv6 CIDR in Go; keep it simple
  // and use the textual form to decide the bit width.
  const bits: 32 | 128 = s.slice(0, slash).includes(':') ? 128 : 32;
  const prefix = Number(prefixText);
  if (prefix > bits) return undefined;
  const value = bits === 128 && ip.family === 'IPv4' ? ip.value | (0xffffn << 32n) : ip.value;
  const hostBits = BigInt(bits - prefix);
  const network = (value >> hostBits) << hostBits;
  return { family: bits === 32 ? 'IPv4' : 'IPv6', network, prefix, bits };
}

export function formatIP(value: bigint, family: IPFamily): string {
  if (family === 'IPv4') {
    return [24n, 16n, 8n, 0n].map((s) => String((value >> s) & 0xffn)).join('.');
  }
  const groups: number[] = [];
  for (let i = 7; i >= 0; i--) groups.push(Number((value >> BigInt(i * 16)) & 0xffffn));
  // Compress the longest run of two or more zero groups, as RFC 5952 (and Go) do.
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) { bestStart = i; bestLen = j - i; }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}

export const isIPv4String = (s: string): boolean => parseIP(s)?.family === 'IPv4';
export const isIPv6String = (s: string): boolean => parseIP(s)?.family === 'IPv6';

// --- Field validators --------------------------------------------------------------------------

export function validateIP(path: string, value: string): FieldError[] {
  return parseIP(value) ? [] : [fieldInvalid(path, value, 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)')];
}

export function validateIPv4(path: string, value: string): FieldError[] {
  return isIPv4String(value) ? [] : [fieldInvalid(path, value, 'must be a valid IPv4 address')];
}

export function validateIPv6(path: string, value: string): FieldError[] {
  return isIPv6String(value) ? [] : [fieldInvalid(path, value, 'must be a valid IPv6 address')];
}

export function validateCIDR(path: string, value: string): FieldError[] {
  return parseCIDR(value) ? [] : [fieldInvalid(path, value, 'must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)')];
}

/** Endpoints and external IPs may not be unspecified, loopback or link-local addresses. */
export function validateNonSpecialIP(path: string, value: string): FieldError[] {
  const ip = parseIP(value);
  if (!ip) return [fieldInvalid(path, value, 'must be a valid IP address')];
  const errs: FieldError[] = [];
  const v = ip.value;
  const v4 = ip.family === 'IPv4';
  if (v === 0n) errs.push(fieldInvalid(path, value, `may not be unspecified (${value})`));
  if (v4 ? v >> 24n === 127n : v === 1n) errs.push(fieldInvalid(path, value, 'may not be in the loopback range (127.0.0.0/8, ::1/128)'));
  if (v4 ? v >> 16n === 0xa9fen : v >> 118n === 0x3fan) errs.push(fieldInvalid(path, value, 'may not be in the link-local range (169.254.0.0/16, fe80::/10)'));
  if (v4 ? v >> 8n === 0xe00000n : ((v >> 112n) & 0xff0fn) === 0xff02n) errs.push(fieldInvalid(path, value, 'may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)'));
  return errs;
}
