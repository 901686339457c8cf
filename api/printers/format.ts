// Cell formatting shared by the printers, matching what upstream's helpers produce:
// durations (AGE), label maps and selectors, host:port, "a,b,c + N more...", container lists.

/** metav1.Time's zero value (0001-01-01T00:00:00Z) in epoch milliseconds: Go prints it as unset. */
const GO_ZERO_TIME_MS = -62135596800000;

/** Epoch ms of an RFC 3339 timestamp, or undefined when absent, null, unparseable or Go's zero time. */
export function timeMs(ts: unknown): number | undefined {
  if (typeof ts !== 'string' || ts.length === 0) return undefined;
  const ms = Date.parse(ts);
  return Number.isNaN(ms) || ms === GO_ZERO_TIME_MS ? undefined : ms;
}

/**
 * duration.HumanDuration: two or three significant figures, e.g. "45s", "3m12s", "17m",
 * "5h3m", "2d3h", "400d", "3y20d". Up to a second of clock skew into the future reads "0s".
 */
export function humanDuration(ms: number): string {
  const seconds = Math.trunc(ms / 1000);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.trunc(seconds / 60);
  if (minutes < 10) {
    const s = seconds % 60;
    return s === 0 ? `${minutes}m` : `${minutes}m${s}s`;
  }
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.trunc(minutes / 60);
  if (hours < 8) {
    const m = minutes % 60;
    return m === 0 ? `${hours}h` : `${hours}h${m}m`;
  }
  if (hours < 48) return `${hours}h`;
  const days = Math.trunc(hours / 24);
  if (hours < 24 * 8) {
    const h = hours % 24;
    return h === 0 ? `${days}d` : `${days}d${h}h`;
  }
  if (hours < 24 * 365 * 2) return `${days}d`;
  const years = Math.trunc(days / 365);
  if (hours < 24 * 365 * 8) {
    const d = days % 365;
    return d === 0 ? `${years}y` : `${years}y${d}d`;
  }
  return `${years}y`;
}

/** translateTimestampSince: the AGE of a timestamp, "<unknown>" when it is unset. */
export function since(ts: unknown, now: number): string {
  const ms = timeMs(ts);
  return ms === undefined ? '<unknown>' : humanDuration(now - ms);
}

/**
 * A cell that says how long ago something happened, as of when the table is printed:
 * `${before}${humanDuration(now - at)}${after}` ("5m", "3 (2d ago)").
 */
export class Ago {
  constructor(readonly at: number, readonly before = '', readonly after = '') {}
}

/** The AGE cell of a timestamp: an Ago, or "<unknown>" when it is unset (see since). */
export function age(ts: unknown): string | Ago {
  const ms = timeMs(ts);
  return ms === undefined ? '<unknown>' : new Ago(ms);
}

const isStringMap = (v: unknown): v is Record<string, string> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** labels.FormatLabels: "k1=v1,k2=v2" sorted by key, "<none>" when empty. */
export function formatLabels(map: unknown): string {
  if (!isStringMap(map)) return '<none>';
  const keys = Object.keys(map);
  if (keys.length === 0) return '<none>';
  if (keys.length > 1) keys.sort();
  let out = '';
  for (let i = 0; i < keys.length; i++) out += `${i ? ',' : ''}${keys[i]}=${map[keys[i]]}`;
  return out;
}

interface SelectorRequirement { key?: string; operator?: string; values?: string[] }
interface LabelSelector { matchLabels?: Record<string, string>; matchExpressions?: SelectorRequirement[] }

const OPERATORS: Readonly<Record<string, string>> = { In: ' in ', NotIn: ' notin ', Exists: '', DoesNotExist: '' };

/**
 * metav1.LabelSelectorAsSelector(...).String(): requirements sorted by key, set values sorted
 * ("app=web,tier in (a,b),!legacy"); "" for a nil or empty selector; undefined when the
 * selector cannot be converted (unknown operator, or values that do not fit the operator).
 */
export function labelSelectorString(sel: unknown): string | undefined {
  if (typeof sel !== 'object' || sel === null) return '';
  const { matchLabels, matchExpressions } = sel as LabelSelector;
  const reqs: { key: string; text: string }[] = [];
  if (isStringMap(matchLabels)) for (const k of Object.keys(matchLabels)) reqs.push({ key: k, text: `${k}=${matchLabels[k]}` });
  if (Array.isArray(matchExpressions)) {
    for (const e of matchExpressions) {
      const key = e.key ?? '';
      const op = e.operator ?? '';
      const values = Array.isArray(e.values) ? e.values : [];
      if (!(op in OPERATORS)) return undefined;
      if (op === 'In' || op === 'NotIn') {
        if (values.length === 0) return undefined;
        const sorted = values.length > 1 ? [...values].sort() : values;
        reqs.push({ key, text: `${key}${OPERATORS[op]}(${sorted.join(',')})` });
      } else {
        if (values.length > 0) return undefined;
        reqs.push({ key, text: op === 'DoesNotExist' ? `!${key}` : key });
      }
    }
  }
  if (reqs.length > 1) reqs.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  let out = '';
  for (let i = 0; i < reqs.length; i++) out += (i ? ',' : '') + reqs[i].text;
  return out;
}

/** metav1.FormatLabelSelector: the selector string, "<none>" when it selects by nothing, "<error>" when invalid. */
export function formatLabelSelector(sel: unknown): string {
  const s = labelSelectorString(sel);
  if (s === undefined) return '<error>';
  return s === '' ? '<none>' : s;
}

/** net.JoinHostPort: IPv6 literals go in brackets. */
export const joinHostPort = (host: string, port: number | string): string => (host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`);

/** The first `max` entries joined by commas, then " + N more..." for the rest (upstream's list cells). */
export function listWithMore(list: readonly string[], count: number, max: number, empty: string): string {
  const head = list.join(',');
  if (count > max) return `${head} + ${count - max} more...`;
  return head === '' ? empty : head;
}

interface ContainerLike { name?: string; image?: string }

/** layoutContainerCells: container names and images, each comma-joined, in spec order. */
export function containerCells(containers: unknown): [string, string] {
  if (!Array.isArray(containers) || containers.length === 0) return ['', ''];
  let names = '';
  let images = '';
  for (let i = 0; i < containers.length; i++) {
    const c = containers[i] as ContainerLike;
    const sep = i ? ',' : '';
    names += sep + (c.name ?? '');
    images += sep + (c.image ?? '');
  }
  return [names, images];
}

/** An integer field of the wire object, 0 when absent (Go's zero value). */
export const int = (v: unknown): number => (typeof v === 'number' ? v : 0);

/** A string field of the wire object, "" when absent (Go's zero value). */
export const text = (v: unknown): string => (typeof v === 'string' ? v : '');
