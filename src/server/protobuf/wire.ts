// Protocol-buffers wire format, reading side: varints, length-delimited ranges, fixed32/64.
// One reader walks the whole request buffer; nested messages narrow `end` instead of allocating
// sub-readers. Every read is bounds-checked and a violation is a 400, never an exception from
// the Buffer API.

import { StatusError, badRequest } from '../errors.ts';

export const WIRE_VARINT = 0;
export const WIRE_FIXED64 = 1;
export const WIRE_BYTES = 2;
export const WIRE_START_GROUP = 3;
export const WIRE_END_GROUP = 4;
export const WIRE_FIXED32 = 5;

const TWO_32 = 4294967296;
const MAX_GROUP_DEPTH = 32;
const SHORT_STRING = 16;

/** A 400 for a protobuf body that is not valid wire format (or not what its schema says). */
export function malformed(detail: string): StatusError {
  return badRequest(`the body of the request was in an unknown format - could not decode protobuf: ${detail}`);
}

export class ProtoReader {
  pos: number;
  end: number;
  /** High 32 bits (unsigned) of the last varint read by varint(). */
  hi = 0;

  constructor(readonly buf: Buffer, start = 0, end = buf.length) {
    this.pos = start;
    this.end = end;
  }

  /** Reads a varint of up to 64 bits; returns the low 32 bits unsigned and leaves the high 32 in `hi`. */
  varint(): number {
    const buf = this.buf;
    const end = this.end;
    let pos = this.pos;
    if (pos >= end) throw malformed('unexpected end of data in varint');
    let b = buf[pos++];
    if (b < 0x80) {
      this.pos = pos;
      this.hi = 0;
      return b;
    }
    let lo = b & 0x7f;
    for (let shift = 7; shift < 28; shift += 7) {
      if (pos >= end) throw malformed('unexpected end of data in varint');
      b = buf[pos++];
      lo |= (b & 0x7f) << shift;
      if (b < 0x80) {
        this.pos = pos;
        this.hi = 0;
        return lo >>> 0;
      }
    }
    // Fifth byte: 4 bits complete the low word, 3 bits start the high word.
    if (pos >= end) throw malformed('unexpected end of data in varint');
    b = buf[pos++];
    lo = (lo | ((b & 0x0f) << 28)) >>> 0;
    let hi = (b & 0x7f) >>> 4;
    if (b < 0x80) {
      this.pos = pos;
      this.hi = hi;
      return lo;
    }
    for (let shift = 3; shift < 32; shift += 7) {
      if (pos >= end) throw malformed('unexpected end of data in varint');
      b = buf[pos++];
      hi |= (b & 0x7f) << shift;
      if (b < 0x80) {
        this.pos = pos;
        this.hi = hi >>> 0;
        return lo;
      }
    }
    throw malformed('varint longer than 10 bytes');
  }

  /** A field tag: (field number << 3) | wire type. Field number 0 is invalid. */
  tag(): number {
    const t = this.varint();
    if (this.hi !== 0 || t < 8) throw malformed(`invalid field tag ${this.hi !== 0 ? 'overflow' : t}`);
    return t;
  }

  int32(): number {
    return this.varint() | 0;
  }

  /** int64 as a JS number (exact up to 2^53, like JSON readers of the same value). */
  int64(): number {
    const lo = this.varint();
    return (this.hi | 0) * TWO_32 + lo;
  }

  /** int64 exactly, for the rare consumer that needs all 64 bits (Duration). */
  int64Big(): bigint {
    const lo = this.varint();
    return BigInt.asIntN(64, (BigInt(this.hi) << 32n) | BigInt(lo));
  }

  bool(): boolean {
    const lo = this.varint();
    return lo !== 0 || this.hi !== 0;
  }

  double(): number {
    if (this.end - this.pos < 8) throw malformed('unexpected end of data in fixed64');
    const v = this.buf.readDoubleLE(this.pos);
    this.pos += 8;
    return v;
  }

  /** Reads a length prefix and returns the end offset of the delimited range (pos is at its start). */
  delimited(): number {
    const len = this.varint();
    if (this.hi !== 0 || len > this.end - this.pos) throw malformed('length-delimited field exceeds the message');
    return this.pos + len;
  }

  string(): string {
    const e = this.delimited();
    const s = this.pos;
    this.pos = e;
    if (s === e) return '';
    if (e - s <= SHORT_STRING) {
      // Short ASCII strings (names, keys, enums) are built in JS: cheaper than the native call.
      const buf = this.buf;
      let out = '';
      for (let i = s; i < e; i++) {
        const c = buf[i];
        if (c >= 0x80) return buf.toString('utf8', s, e);
        out += String.fromCharCode(c);
      }
      return out;
    }
    return this.buf.toString('utf8', s, e);
  }

  /** A bytes field as JSON shows []byte: standard base64. */
  base64(): string {
    const e = this.delimited();
    const s = this.pos;
    this.pos = e;
    return s === e ? '' : this.buf.toString('base64', s, e);
  }

  /** Skips one field's value of the given wire type (unknown fields are forward compatible). */
  skip(wireType: number, fieldNumber: number, depth = 0): void {
    switch (wireType) {
      case WIRE_VARINT:
        this.varint();
        return;
      case WIRE_FIXED64:
        if (this.end - this.pos < 8) throw malformed('unexpected end of data in fixed64');
        this.pos += 8;
        return;
      case WIRE_BYTES:
        this.pos = this.delimited();
        return;
      case WIRE_FIXED32:
        if (this.end - this.pos < 4) throw malformed('unexpected end of data in fixed32');
        this.pos += 4;
        return;
      case WIRE_START_GROUP:
        // Deprecated groups: skip nested fields until the matching end-group tag.
        if (depth >= MAX_GROUP_DEPTH) throw malformed('groups nested too deeply');
        for (;;) {
          if (this.pos >= this.end) throw malformed(`unterminated group ${fieldNumber}`);
          const t = this.tag();
          if ((t & 7) === WIRE_END_GROUP) {
            if (t >>> 3 !== fieldNumber) throw malformed(`mismatched end of group ${fieldNumber}`);
            return;
          }
          this.skip(t & 7, t >>> 3, depth + 1);
        }
      default:
        throw malformed(`invalid wire type ${wireType} for field ${fieldNumber}`);
    }
  }
}
