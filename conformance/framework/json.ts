// Plain-JSON helpers shared by the cases: loose Kubernetes object shapes, a semantic deep
// comparison in the spirit of apimachinery's equality.Semantic, a two-way merge-patch
// builder, and a few generators the e2e framework uses for names.

import { randomInt, randomUUID } from 'node:crypto';

/** Any Kubernetes object as decoded from JSON; cases narrow further with their own interfaces. */
export interface KObject {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
  [key: string]: unknown;
}

export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string | null;
  deletionTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  finalizers?: string[];
  managedFields?: unknown[] | null;
  [key: string]: unknown;
}

export interface KList<T extends KObject = KObject> {
  apiVersion?: string;
  kind?: string;
  metadata: { resourceVersion?: string; continue?: string };
  items: T[];
}

/** metav1.Status, the body of every API error. */
export interface Status {
  kind?: string;
  status?: string;
  message?: string;
  reason?: string;
  code?: number;
  details?: { name?: string; kind?: string; causes?: { type?: string; message?: string; field?: string }[] };
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A deep copy through JSON (what DeepCopy is to a Go struct here). */
export function clone<T>(v: T): T {
  return JSON.parse(JSON.stringify(v)) as T;
}

// ---------------------------------------------------------------------------------------
// Semantic equality

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/;

/**
 * A timestamp (metav1.Time or MicroTime on the wire) as a comparable instant string:
 * UTC, nanosecond precision. Undefined when `s` is not an RFC 3339 timestamp.
 */
export function canonicalTime(s: string): string | undefined {
  const m = RFC3339.exec(s);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, se, frac = '', zone] = m;
  const nanos = frac.padEnd(9, '0');
  if (zone === 'Z') return `${y}-${mo}-${d}T${h}:${mi}:${se}.${nanos}Z`;
  // An offset: shift through Date (fine for the years real servers write).
  const ms = Date.parse(`${y}-${mo}-${d}T${h}:${mi}:${se}${zone}`);
  if (Number.isNaN(ms)) return undefined;
  return `${new Date(ms).toISOString().slice(0, 19)}.${nanos}Z`;
}

/** Empty containers and null stand for "unset", as nil and empty slices/maps do for equality.Semantic. */
function isUnset(v: unknown): boolean {
  if (v === undefined || v === null) return true;
  if (Array.isArray(v)) return v.length === 0;
  if (isRecord(v)) return Object.values(v).every(isUnset);
  return false;
}

/**
 * Returns undefined when `a` and `b` are semantically equal, else the path and values of
 * the first difference. Timestamps compare as instants; null, missing and empty
 * lists/maps are interchangeable.
 */
export function semanticDiff(a: unknown, b: unknown, path = ''): string | undefined {
  if (isUnset(a) && isUnset(b)) return undefined;
  if (typeof a === 'string' && typeof b === 'string') {
    if (a === b) return undefined;
    const ta = canonicalTime(a);
    const tb = canonicalTime(b);
    if (ta !== undefined && ta === tb) return undefined;
    return `${path || '.'}: ${JSON.stringify(a)} != ${JSON.stringify(b)}`;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return `${path || '.'}: ${a.length} items != ${b.length} items`;
    for (let i = 0; i < a.length; i++) {
      const d = semanticDiff(a[i], b[i], `${path}[${i}]`);
      if (d) return d;
    }
    return undefined;
  }
  if (isRecord(a) && isRecord(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    for (const k of keys) {
      const d = semanticDiff(a[k], b[k], `${path}.${k}`);
      if (d) return d;
    }
    return undefined;
  }
  if (a === b) return undefined;
  return `${path || '.'}: ${brief(a)} != ${brief(b)}`;
}

export function semanticEqual(a: unknown, b: unknown): boolean {
  return semanticDiff(a, b) === undefined;
}

export function brief(v: unknown, max = 200): string {
  const s = v === undefined ? 'undefined' : JSON.stringify(v);
  return s.length > max ? `${s.slice(0, max)}…` : s;
}

// ---------------------------------------------------------------------------------------
// Patches

/**
 * The patch that turns `original` into `modified` for objects without list merge keys
 * (what strategicpatch.CreateTwoWayMergePatch yields for them): changed and added map keys
 * carry their new value, removed ones null, lists are replaced whole.
 */
export function twoWayMergePatch(original: unknown, modified: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const o = isRecord(original) ? original : {};
  const m = isRecord(modified) ? modified : {};
  for (const k of Object.keys(m)) {
    const ov = o[k];
    const mv = m[k];
    if (isRecord(ov) && isRecord(mv)) {
      const sub = twoWayMergePatch(ov, mv);
      if (Object.keys(sub).length > 0) out[k] = sub;
    } else if (JSON.stringify(ov) !== JSON.stringify(mv)) {
      out[k] = mv === undefined ? null : mv;
    }
  }
  for (const k of Object.keys(o)) if (!(k in m) && o[k] !== undefined) out[k] = null;
  return out;
}

// ---------------------------------------------------------------------------------------
// Names and times the way the e2e framework makes them

/** uuid.NewUUID() */
export function uuid(): string {
  return randomUUID();
}

const RAND_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** utilrand.String(n): lowercase consonants and digits. */
export function randString(n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += RAND_ALPHABET[randomInt(RAND_ALPHABET.length)];
  return s;
}

/** framework.RandomSuffix(): a number below 10000. */
export function randomSuffix(): string {
  return String(randomInt(10000));
}

/**
 * A metav1.MicroTime as Go's JSON encoder writes it (RFC 3339, six fractional digits,
 * UTC) for `seconds` after the Unix epoch.
 */
export function microTimeFromUnix(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

/** time.Time{}.Add(seconds) as a MicroTime: an instant in year 1. */
export function microTimeFromZero(seconds: number): string {
  const d = new Date(Date.UTC(2000, 0, 1, 0, 0, 0) + seconds * 1000);
  d.setUTCFullYear(1);
  const iso = d.toISOString(); // "0001-01-01T00:00:02.000Z"
  return iso.replace(/\.(\d{3})Z$/, '.$1000Z');
}
