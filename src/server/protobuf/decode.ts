// Kubernetes protobuf request bodies → the JSON object the client meant.
//
// Envelope: the 4 bytes "k8s\0" then runtime.Unknown { 1: TypeMeta{1 apiVersion, 2 kind}, 2: raw,
// 3: contentEncoding, 4: contentType }; `raw` is the kind's generated.proto message, decoded with
// the schema table into the same shape encoding/json gives the Go object: JSON field names, zero
// scalars dropped where the Go field is omitempty, IntOrString as number|string, Quantity as its
// string, Time/MicroTime as RFC 3339, Duration as Go's duration string, []byte as base64,
// RawExtension/FieldsV1 as embedded JSON. Unknown field numbers are skipped.

import { isObject } from '../../registry/object.ts';
import { StatusError, badRequest } from '../errors.ts';
import {
  type FieldSpec, type MessageSpec, messageSpec, schemaForKind,
  T_BOOL, T_BYTES, T_DOUBLE, T_DURATION, T_FIELDSV1, T_INT32, T_INT64, T_INTORSTRING, T_MESSAGE,
  T_MICROTIME, T_QUANTITY, T_RAWEXTENSION, T_STRING, T_STRINGLIST, T_TIME,
} from './schema.ts';
import { ProtoReader, WIRE_BYTES, WIRE_FIXED64, WIRE_VARINT, malformed } from './wire.ts';

export const PROTOBUF_MEDIA_TYPE = 'application/vnd.kubernetes.protobuf';

type JsonObject = Record<string, unknown>;

export interface DecodedBody {
  apiVersion: string;
  kind: string;
  /** The JSON form, apiVersion and kind included, ready for the JSON code path. */
  object: JsonObject;
}

const MAGIC_0 = 0x6b; // k
const MAGIC_1 = 0x38; // 8
const MAGIC_2 = 0x73; // s
const MAGIC_3 = 0x00;

/** Nesting limit for messages (and RawExtensions holding envelopes): real objects stay far below. */
const MAX_DEPTH = 100;

/** Whether the bytes start with the Kubernetes protobuf envelope prefix "k8s\0". */
export function isProtobufEnvelope(buf: Uint8Array): boolean {
  return buf.length >= 4 && buf[0] === MAGIC_0 && buf[1] === MAGIC_1 && buf[2] === MAGIC_2 && buf[3] === MAGIC_3;
}

/**
 * Decode an `application/vnd.kubernetes.protobuf` request body. Malformed bytes → 400 BadRequest;
 * a kind without a schema here, or a non-protobuf inner encoding, → 415 UnsupportedMediaType.
 */
export function decodeProtobufBody(buf: Buffer): DecodedBody {
  return decodeEnvelope(buf, 0);
}

/** Decode one bare message of the schema table (no envelope); mainly for tests and tools. */
export function decodeProtobufMessage(buf: Buffer, messageName: string): JsonObject {
  const spec = messageSpec(messageName);
  if (!spec) throw new Error(`no protobuf schema for message ${messageName}`);
  const out: JsonObject = {};
  decodeFields(new ProtoReader(buf), spec, out, 0);
  return out;
}

function unsupported(message: string): StatusError {
  return new StatusError(415, 'UnsupportedMediaType', message);
}

function decodeEnvelope(buf: Buffer, depth: number): DecodedBody {
  if (!isProtobufEnvelope(buf)) throw malformed('the body does not start with the "k8s\\x00" protobuf envelope prefix');
  const r = new ProtoReader(buf, 4);
  let apiVersion = '';
  let kind = '';
  let rawStart = 0;
  let rawEnd = 0;
  let contentEncoding = '';
  let contentType = '';
  while (r.pos < r.end) {
    const tag = r.tag();
    const num = tag >>> 3;
    const wt = tag & 7;
    if (num >= 1 && num <= 4 && wt !== WIRE_BYTES) throw malformed(`wrong wire type ${wt} for runtime.Unknown field ${num}`);
    switch (num) {
      case 1: {
        const end = r.delimited();
        const outer = r.end;
        r.end = end;
        while (r.pos < r.end) {
          const t = r.tag();
          const n = t >>> 3;
          if ((n === 1 || n === 2) && (t & 7) !== WIRE_BYTES) throw malformed(`wrong wire type ${t & 7} for TypeMeta field ${n}`);
          if (n === 1) apiVersion = r.string();
          else if (n === 2) kind = r.string();
          else r.skip(t & 7, n);
        }
        r.end = outer;
        break;
      }
      case 2:
        rawEnd = r.delimited();
        rawStart = r.pos;
        r.pos = rawEnd;
        break;
      case 3:
        contentEncoding = r.string();
        break;
      case 4:
        contentType = r.string();
        break;
      default:
        r.skip(wt, num);
    }
  }
  if (kind === '') throw badRequest("Object 'Kind' is missing in the protobuf body");
  if (contentEncoding !== '') throw unsupported(`protobuf bodies with content encoding "${contentEncoding}" are not supported`);

  const object: JsonObject = {};
  if (apiVersion !== '') object.apiVersion = apiVersion;
  object.kind = kind;

  if (contentType !== '' && contentType !== PROTOBUF_MEDIA_TYPE) {
    const mt = contentType.split(';')[0].trim().toLowerCase();
    if (mt !== 'application/json') throw unsupported(`protobuf envelope with inner content type "${contentType}" is not supported`);
    const inner = parseJson(buf, rawStart, rawEnd, 'the embedded JSON object');
    if (inner === null || typeof inner !== 'object' || Array.isArray(inner)) throw malformed('the embedded JSON is not an object');
    return { apiVersion, kind, object: { ...object, ...(inner as JsonObject) } };
  }

  const spec = schemaForKind(apiVersion, kind);
  if (!spec) {
    throw unsupported(`this server cannot decode ${kind} (${apiVersion || 'no apiVersion'}) from ${PROTOBUF_MEDIA_TYPE}; send application/json`);
  }
  r.pos = rawStart;
  r.end = rawEnd;
  decodeFields(r, spec, object, depth + 1);
  return { apiVersion, kind, object };
}

function fieldName(spec: MessageSpec, f: FieldSpec): string {
  return `${spec.name}.${f.json || `(inline #${f.number})`}`;
}

function expectWire(actual: number, expected: number, spec: MessageSpec, f: FieldSpec): void {
  if (actual !== expected) throw malformed(`wrong wire type ${actual} for field ${fieldName(spec, f)}`);
}


/** Sets an own property even for the key "__proto__" (as JSON.parse does). */
function setKey(obj: JsonObject, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(obj, key, { value, writable: true, enumerable: true, configurable: true });
  else obj[key] = value;
}

/** Decodes fields from r.pos up to r.end into `out`. */
function decodeFields(r: ProtoReader, spec: MessageSpec, out: JsonObject, depth: number): void {
  if (depth > MAX_DEPTH) throw malformed('messages nested too deeply');
  const fields = spec.fields;
  while (r.pos < r.end) {
    const tag = r.tag();
    const num = tag >>> 3;
    const wt = tag & 7;
    const f = num < fields.length ? fields[num] : undefined;
    if (f === undefined) {
      r.skip(wt, num);
      continue;
    }
    if (f.map) {
      decodeMapEntry(r, spec, f, wt, out, depth);
      continue;
    }
    if (f.repeated) {
      let list = out[f.json];
      if (!Array.isArray(list)) {
        list = [];
        out[f.json] = list;
      }
      const items = list as unknown[];
      if (wt === WIRE_BYTES && (f.type === T_BOOL || f.type === T_INT32 || f.type === T_INT64 || f.type === T_DOUBLE)) {
        // Packed encoding (gogo writes k8s protos unpacked, but parsers must accept both).
        const end = r.delimited();
        const outer = r.end;
        r.end = end;
        while (r.pos < end) items.push(readValue(r, spec, f, f.type === T_DOUBLE ? WIRE_FIXED64 : WIRE_VARINT, depth));
        r.end = outer;
      } else {
        items.push(readValue(r, spec, f, wt, depth) ?? null);
      }
      continue;
    }
    if (f.type === T_MESSAGE) {
      expectWire(wt, WIRE_BYTES, spec, f);
      const end = r.delimited();
      let target: JsonObject;
      if (f.inline) {
        target = out;
      } else {
        const cur = out[f.json];
        // A repeated occurrence of a singular message merges into the first, as in protobuf.
        if (isObject(cur)) target = cur;
        else out[f.json] = target = {};
      }
      decodeNested(r, f.message as MessageSpec, target, end, depth + 1);
      continue;
    }
    const v = readValue(r, spec, f, wt, depth);
    if (v === undefined || (f.dropZero && (v === '' || v === 0 || v === false))) {
      // Zero/unset: absent in JSON (and a later zero overrides an earlier value: last one wins).
      if (Object.hasOwn(out, f.json)) delete out[f.json];
      continue;
    }
    out[f.json] = v;
  }
}

function decodeNested(r: ProtoReader, spec: MessageSpec, out: JsonObject, end: number, depth: number): void {
  const outer = r.end;
  r.end = end;
  decodeFields(r, spec, out, depth);
  r.end = outer;
}

/** One value of field f (a list element or a map value for repeated/map fields). undefined = JSON null/absent. */
function readValue(r: ProtoReader, spec: MessageSpec, f: FieldSpec, wt: number, depth: number): unknown {
  switch (f.type) {
    case T_STRING:
      expectWire(wt, WIRE_BYTES, spec, f);
      return r.string();
    case T_BOOL:
      expectWire(wt, WIRE_VARINT, spec, f);
      return r.bool();
    case T_INT32:
      expectWire(wt, WIRE_VARINT, spec, f);
      return r.int32();
    case T_INT64:
      expectWire(wt, WIRE_VARINT, spec, f);
      return r.int64();
    case T_DOUBLE:
      expectWire(wt, WIRE_FIXED64, spec, f);
      return r.double();
    case T_BYTES:
      expectWire(wt, WIRE_BYTES, spec, f);
      return r.base64();
    case T_MESSAGE: {
      expectWire(wt, WIRE_BYTES, spec, f);
      const end = r.delimited();
      const obj: JsonObject = {};
      decodeNested(r, f.message as MessageSpec, obj, end, depth + 1);
      return obj;
    }
    default: {
      expectWire(wt, WIRE_BYTES, spec, f);
      const end = r.delimited();
      const outer = r.end;
      r.end = end;
      const v = readBuiltin(r, f.type, depth);
      r.pos = end;
      r.end = outer;
      return v;
    }
  }
}

function decodeMapEntry(r: ProtoReader, spec: MessageSpec, f: FieldSpec, wt: number, out: JsonObject, depth: number): void {
  expectWire(wt, WIRE_BYTES, spec, f);
  const end = r.delimited();
  const outer = r.end;
  r.end = end;
  let key = '';
  let value: unknown;
  let hasValue = false;
  while (r.pos < end) {
    const tag = r.tag();
    const num = tag >>> 3;
    if (num === 1) {
      if ((tag & 7) !== WIRE_BYTES) throw malformed(`wrong wire type ${tag & 7} for the key of ${fieldName(spec, f)}`);
      key = r.string();
    } else if (num === 2) {
      value = readValue(r, spec, f, tag & 7, depth);
      hasValue = true;
    } else {
      r.skip(tag & 7, num);
    }
  }
  r.end = outer;
  if (!hasValue) value = zeroValue(f);
  let m = out[f.json];
  if (!isObject(m)) {
    m = {};
    out[f.json] = m;
  }
  setKey(m as JsonObject, key, value === undefined ? null : value);
}

/** What Go's JSON shows for a map value that the wire left out (the zero value of the type). */
function zeroValue(f: FieldSpec): unknown {
  switch (f.type) {
    case T_STRING:
    case T_BYTES:
      return '';
    case T_BOOL:
      return false;
    case T_INT32:
    case T_INT64:
    case T_DOUBLE:
    case T_INTORSTRING:
      return 0;
    case T_QUANTITY:
      return '0';
    case T_DURATION:
      return '0s';
    case T_MESSAGE:
      return {};
    default:
      return null;
  }
}

// ---------------------------------------------------------------------------------------------
// Well-known apimachinery types with custom JSON forms. Each reads a message in [r.pos, r.end).

function readBuiltin(r: ProtoReader, type: number, depth: number): unknown {
  switch (type) {
    case T_TIME:
    case T_MICROTIME: {
      // metav1.Time marshals the zero time as an empty message; JSON shows null.
      if (r.pos === r.end) return undefined;
      let seconds = 0;
      let nanos = 0;
      while (r.pos < r.end) {
        const tag = r.tag();
        if (tag === 0x08) seconds = r.int64();
        else if (tag === 0x10) nanos = r.int32();
        else r.skip(tag & 7, tag >>> 3);
      }
      return type === T_TIME ? formatTime(seconds) : formatMicroTime(seconds, nanos);
    }
    case T_DURATION: {
      let ns = 0n;
      while (r.pos < r.end) {
        const tag = r.tag();
        if (tag === 0x08) ns = r.int64Big();
        else r.skip(tag & 7, tag >>> 3);
      }
      return formatDuration(ns);
    }
    case T_QUANTITY: {
      let s = '';
      while (r.pos < r.end) {
        const tag = r.tag();
        if (tag === 0x0a) s = r.string();
        else r.skip(tag & 7, tag >>> 3);
      }
      return s === '' ? '0' : s;
    }
    case T_INTORSTRING: {
      let kind = 0;
      let intVal = 0;
      let strVal = '';
      while (r.pos < r.end) {
        const tag = r.tag();
        if (tag === 0x08) kind = r.int64();
        else if (tag === 0x10) intVal = r.int32();
        else if (tag === 0x1a) strVal = r.string();
        else r.skip(tag & 7, tag >>> 3);
      }
      return kind === 1 ? strVal : intVal;
    }
    case T_RAWEXTENSION:
    case T_FIELDSV1: {
      let start = -1;
      let end = -1;
      while (r.pos < r.end) {
        const tag = r.tag();
        if (tag === 0x0a) {
          end = r.delimited();
          start = r.pos;
          r.pos = end;
        } else {
          r.skip(tag & 7, tag >>> 3);
        }
      }
      if (start < 0 || start === end) return undefined;
      if (type === T_RAWEXTENSION && isProtobufEnvelope(r.buf.subarray(start, end))) {
        // An embedded object in protobuf form: decode it like a body of its own.
        if (depth + 1 > MAX_DEPTH) throw malformed('messages nested too deeply');
        return decodeEnvelope(r.buf.subarray(start, end), depth + 1).object;
      }
      return parseJson(r.buf, start, end, type === T_RAWEXTENSION ? 'a RawExtension' : 'a FieldsV1');
    }
    case T_STRINGLIST: {
      const items: string[] = [];
      while (r.pos < r.end) {
        const tag = r.tag();
        if (tag === 0x0a) items.push(r.string());
        else r.skip(tag & 7, tag >>> 3);
      }
      return items;
    }
    default:
      throw new Error(`protobuf decoder: unhandled type ${type}`);
  }
}

function parseJson(buf: Buffer, start: number, end: number, what: string): unknown {
  try {
    return JSON.parse(buf.toString('utf8', start, end));
  } catch (e) {
    throw malformed(`${what} is neither JSON nor protobuf: ${(e as Error).message}`);
  }
}

// 0000-01-01T00:00:00Z .. 9999-12-31T23:59:59Z: what Go's RFC 3339 JSON can represent.
const MIN_SECONDS = -62167219200;
const MAX_SECONDS = 253402300799;

function isoSeconds(seconds: number): string {
  if (!(seconds >= MIN_SECONDS && seconds <= MAX_SECONDS)) throw malformed(`timestamp ${seconds} is out of range`);
  // toISOString: "YYYY-MM-DDTHH:mm:ss.sssZ"; whole seconds only here.
  return new Date(seconds * 1000).toISOString().slice(0, 19);
}

/** metav1.Time: RFC 3339 in UTC with whole seconds (the nanos are dropped, as upstream does). */
export function formatTime(seconds: number): string {
  return `${isoSeconds(seconds)}Z`;
}

/** metav1.MicroTime: RFC 3339 in UTC with exactly six fractional digits. */
export function formatMicroTime(seconds: number, nanos: number): string {
  if (nanos < 0 || nanos >= 1e9) {
    const carry = Math.floor(nanos / 1e9);
    seconds += carry;
    nanos -= carry * 1e9;
  }
  const micros = Math.floor(nanos / 1000);
  return `${isoSeconds(seconds)}.${String(micros).padStart(6, '0')}Z`;
}

/** Go's time.Duration.String(): "1h2m3.5s", "1.5ms", "0s", "-2m0s". */
export function formatDuration(ns: bigint): string {
  if (ns === 0n) return '0s';
  const neg = ns < 0n;
  let u = neg ? -ns : ns;
  let out: string;
  if (u < 1_000_000_000n) {
    // Below a second: the largest unit that keeps an integer part.
    if (u < 1_000n) out = `${u}ns`;
    else if (u < 1_000_000n) out = `${fraction(u, 3)}µs`;
    else out = `${fraction(u, 6)}ms`;
  } else {
    const secs = fraction(u % 60_000_000_000n, 9);
    u /= 60_000_000_000n; // whole minutes
    if (u === 0n) {
      out = `${secs}s`;
    } else {
      const mins = u % 60n;
      const hours = u / 60n;
      out = hours > 0n ? `${hours}h${mins}m${secs}s` : `${mins}m${secs}s`;
    }
  }
  return neg ? `-${out}` : out;
}

/** v / 10^prec with the fraction's trailing zeros (and a bare ".") dropped. */
function fraction(v: bigint, prec: number): string {
  const p = 10n ** BigInt(prec);
  const whole = v / p;
  const frac = v % p;
  if (frac === 0n) return String(whole);
  return `${whole}.${String(frac).padStart(prec, '0').replace(/0+$/, '')}`;
}
