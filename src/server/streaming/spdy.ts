// SPDY/3.1 as Kubernetes streaming uses it (k8s.io/apimachinery/pkg/util/httpstream/spdy over
// moby/spdystream): one upgraded connection multiplexing streams, each opened by a SYN_STREAM
// whose headers say what it carries (streamtype, port, requestid), answered by a SYN_REPLY,
// then DATA frames until FIN. Header blocks are compressed with one zlib context per direction
// for the connection's life, primed with the SPDY/3 dictionary. Flow control (WINDOW_UPDATE)
// is accepted and ignored, as spdystream does: the TCP connection is the only back-pressure.

import { EventEmitter } from 'node:events';
import { Duplex } from 'node:stream';
import zlib from 'node:zlib';

export const SPDY_VERSION = 3;

export const FrameType = {
  SYN_STREAM: 1, SYN_REPLY: 2, RST_STREAM: 3, SETTINGS: 4, PING: 6, GOAWAY: 7, HEADERS: 8, WINDOW_UPDATE: 9,
} as const;

export const FLAG_FIN = 0x01;
export const FLAG_UNIDIRECTIONAL = 0x02;

/** RST_STREAM status codes. */
export const RstStatus = {
  PROTOCOL_ERROR: 1, INVALID_STREAM: 2, REFUSED_STREAM: 3, UNSUPPORTED_VERSION: 4, CANCEL: 5,
  INTERNAL_ERROR: 6, FLOW_CONTROL_ERROR: 7, STREAM_IN_USE: 8, STREAM_ALREADY_CLOSED: 9,
} as const;

/** Header names are lower case; several values of one name are joined by NUL on the wire. */
export type SpdyHeaders = Record<string, string>;

export type Frame =
  | { type: 'data'; streamId: number; fin: boolean; data: Buffer }
  | { type: 'syn_stream'; streamId: number; associatedTo: number; priority: number; fin: boolean; unidirectional: boolean; headers: SpdyHeaders }
  | { type: 'syn_reply'; streamId: number; fin: boolean; headers: SpdyHeaders }
  | { type: 'rst_stream'; streamId: number; status: number }
  | { type: 'settings'; entries: { flags: number; id: number; value: number }[] }
  | { type: 'ping'; id: number }
  | { type: 'goaway'; lastGoodStreamId: number; status: number }
  | { type: 'headers'; streamId: number; fin: boolean; headers: SpdyHeaders }
  | { type: 'window_update'; streamId: number; delta: number };

// The SPDY/3 header compression dictionary (draft 3, section 2.6.10.1): a run of
// length-prefixed header names and common values, then a run of raw common strings.
const DICTIONARY_WORDS = [
  'options', 'head', 'post', 'put', 'delete', 'trace', 'accept', 'accept-charset', 'accept-encoding',
  'accept-language', 'accept-ranges', 'age', 'allow', 'authorization', 'cache-control', 'connection',
  'content-base', 'content-encoding', 'content-language', 'content-length', 'content-location',
  'content-md5', 'content-range', 'content-type', 'date', 'etag', 'expect', 'expires', 'from', 'host',
  'if-match', 'if-modified-since', 'if-none-match', 'if-range', 'if-unmodified-since', 'last-modified',
  'location', 'max-forwards', 'pragma', 'proxy-authenticate', 'proxy-authorization', 'range', 'referer',
  'retry-after', 'server', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'user-agent', 'vary', 'via',
  'warning', 'www-authenticate', 'method', 'get', 'status', '200 OK', 'version', 'HTTP/1.1', 'url',
  'public', 'set-cookie', 'keep-alive', 'origin',
];
const DICTIONARY_TAIL = '100101201202205206300302303304305306307402405406407408409410411412413414415416417502504505'
  + '203 Non-Authoritative Information204 No Content301 Moved Permanently400 Bad Request401 Unauthorized'
  + '403 Forbidden404 Not Found500 Internal Server Error501 Not Implemented503 Service Unavailable'
  + 'Jan Feb Mar Apr May Jun Jul Aug Sept Oct Nov Dec 00:00:00 Mon, Tue, Wed, Thu, Fri, Sat, Sun, GMT'
  + 'chunked,text/html,image/png,image/jpg,image/gif,application/xml,application/xhtml+xml,text/plain,'
  + 'text/javascript,publicprivatemax-age=gzip,deflate,sdchcharset=utf-8charset=iso-8859-1,utf-,*,enq=0.';

export const HEADER_DICTIONARY: Buffer = Buffer.concat([
  ...DICTIONARY_WORDS.map((w) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(w.length);
    return Buffer.concat([len, Buffer.from(w, 'latin1')]);
  }),
  Buffer.from(DICTIONARY_TAIL, 'latin1'),
]);

/**
 * A zlib context fed synchronously, one header block at a time, keeping its state between
 * blocks (as SPDY requires). Node's zlib has no public API for that, so this drives the
 * native handle the way zlib's own *Sync helpers do, without closing it afterwards.
 */
class SyncZlib {
  private readonly z: zlib.Deflate | zlib.Inflate;
  private readonly handle: NativeZlibHandle;
  private readonly state: Uint32Array;
  private error: string | undefined;

  constructor(kind: 'deflate' | 'inflate') {
    this.z = kind === 'deflate' ? zlib.createDeflate({ dictionary: HEADER_DICTIONARY }) : zlib.createInflate({ dictionary: HEADER_DICTIONARY });
    const internals = this.z as unknown as { _handle: NativeZlibHandle; _writeState: Uint32Array };
    this.handle = internals._handle;
    this.state = internals._writeState;
    this.handle.onerror = (message: string) => { this.error = message; };
  }

  /** Processes a block with Z_SYNC_FLUSH; returns all output it produced. */
  process(input: Buffer): Buffer {
    if (this.error) throw new Error(this.error);
    const out: Buffer[] = [];
    let inOff = 0;
    let availIn = input.length;
    for (;;) {
      const chunk = Buffer.allocUnsafe(16 * 1024);
      this.handle.writeSync(zlib.constants.Z_SYNC_FLUSH, input, inOff, availIn, chunk, 0, chunk.length);
      if (this.error) throw new Error(this.error);
      const availOut = this.state[0]!;
      const remainingIn = this.state[1]!;
      if (chunk.length - availOut > 0) out.push(chunk.subarray(0, chunk.length - availOut));
      inOff += availIn - remainingIn;
      availIn = remainingIn;
      // Output space left over means zlib has flushed everything it had.
      if (availOut !== 0) break;
    }
    return Buffer.concat(out);
  }

  close(): void {
    this.z.close();
  }
}

interface NativeZlibHandle {
  writeSync(flush: number, input: Buffer, inOff: number, inLen: number, out: Buffer, outOff: number, outLen: number): void;
  onerror: (message: string, errno: number) => void;
}

const MAX_FRAME_LENGTH = 0xffffff;

/**
 * Encodes and decodes the frames of one connection. Holds the two header compression
 * contexts, so one codec serves exactly one connection.
 */
export class FrameCodec {
  private readonly deflate = new SyncZlib('deflate');
  private readonly inflate = new SyncZlib('inflate');
  private pending: Buffer = Buffer.alloc(0);

  /** Frees the compression contexts. */
  close(): void {
    this.deflate.close();
    this.inflate.close();
  }

  encode(f: Frame): Buffer {
    if (f.type === 'data') {
      if (f.data.length > MAX_FRAME_LENGTH) throw new Error('spdy: data frame too long');
      const head = Buffer.alloc(8);
      head.writeUInt32BE(f.streamId & 0x7fffffff, 0);
      head.writeUInt32BE(((f.fin ? FLAG_FIN : 0) << 24) | f.data.length, 4);
      return Buffer.concat([head, f.data]);
    }
    let type: number;
    let flags = 0;
    let body: Buffer;
    switch (f.type) {
      case 'syn_stream': {
        type = FrameType.SYN_STREAM;
        flags = (f.fin ? FLAG_FIN : 0) | (f.unidirectional ? FLAG_UNIDIRECTIONAL : 0);
        const fixed = Buffer.alloc(10);
        fixed.writeUInt32BE(f.streamId & 0x7fffffff, 0);
        fixed.writeUInt32BE(f.associatedTo & 0x7fffffff, 4);
        fixed.writeUInt8((f.priority & 0x7) << 5, 8);
        body = Buffer.concat([fixed, this.compress(f.headers)]);
        break;
      }
      case 'syn_reply':
      case 'headers': {
        type = f.type === 'syn_reply' ? FrameType.SYN_REPLY : FrameType.HEADERS;
        flags = f.fin ? FLAG_FIN : 0;
        const fixed = Buffer.alloc(4);
        fixed.writeUInt32BE(f.streamId & 0x7fffffff, 0);
        body = Buffer.concat([fixed, this.compress(f.headers)]);
        break;
      }
      case 'rst_stream':
        type = FrameType.RST_STREAM;
        body = Buffer.alloc(8);
        body.writeUInt32BE(f.streamId & 0x7fffffff, 0);
        body.writeUInt32BE(f.status, 4);
        break;
      case 'settings':
        type = FrameType.SETTINGS;
        body = Buffer.alloc(4 + 8 * f.entries.length);
        body.writeUInt32BE(f.entries.length, 0);
        f.entries.forEach((e, i) => {
          body.writeUInt32BE(((e.flags & 0xff) << 24 | (e.id & 0xffffff)) >>> 0, 4 + 8 * i);
          body.writeUInt32BE(e.value >>> 0, 8 + 8 * i);
        });
        break;
      case 'ping':
        type = FrameType.PING;
        body = Buffer.alloc(4);
        body.writeUInt32BE(f.id >>> 0, 0);
        break;
      case 'goaway':
        type = FrameType.GOAWAY;
        body = Buffer.alloc(8);
        body.writeUInt32BE(f.lastGoodStreamId & 0x7fffffff, 0);
        body.writeUInt32BE(f.status, 4);
        break;
      case 'window_update':
        type = FrameType.WINDOW_UPDATE;
        body = Buffer.alloc(8);
        body.writeUInt32BE(f.streamId & 0x7fffffff, 0);
        body.writeUInt32BE(f.delta & 0x7fffffff, 4);
        break;
    }
    const head = Buffer.alloc(8);
    head.writeUInt16BE(0x8000 | SPDY_VERSION, 0);
    head.writeUInt16BE(type, 2);
    head.writeUInt32BE(((flags << 24) | body.length) >>> 0, 4);
    return Buffer.concat([head, body]);
  }

  /** Feeds bytes read from the connection; returns the frames they complete. Unknown control frames are skipped. */
  decode(chunk: Buffer): Frame[] {
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    const frames: Frame[] = [];
    while (this.pending.length >= 8) {
      const length = this.pending.readUInt32BE(4) & 0xffffff;
      if (this.pending.length < 8 + length) break;
      const frame = this.pending.subarray(0, 8 + length);
      this.pending = this.pending.subarray(8 + length);
      const f = this.parse(frame, length);
      if (f) frames.push(f);
    }
    return frames;
  }

  private parse(b: Buffer, length: number): Frame | undefined {
    const flags = b.readUInt8(4);
    const body = b.subarray(8, 8 + length);
    if ((b.readUInt8(0) & 0x80) === 0) {
      return { type: 'data', streamId: b.readUInt32BE(0) & 0x7fffffff, fin: (flags & FLAG_FIN) !== 0, data: Buffer.from(body) };
    }
    const version = b.readUInt16BE(0) & 0x7fff;
    if (version !== SPDY_VERSION) throw new SpdyProtocolError(`unsupported SPDY version ${version}`);
    const fin = (flags & FLAG_FIN) !== 0;
    switch (b.readUInt16BE(2)) {
      case FrameType.SYN_STREAM:
        if (body.length < 10) throw new SpdyProtocolError('short SYN_STREAM');
        return {
          type: 'syn_stream', streamId: body.readUInt32BE(0) & 0x7fffffff, associatedTo: body.readUInt32BE(4) & 0x7fffffff,
          priority: body.readUInt8(8) >> 5, fin, unidirectional: (flags & FLAG_UNIDIRECTIONAL) !== 0, headers: this.decompress(body.subarray(10)),
        };
      case FrameType.SYN_REPLY:
      case FrameType.HEADERS: {
        if (body.length < 4) throw new SpdyProtocolError('short SYN_REPLY/HEADERS');
        const type = b.readUInt16BE(2) === FrameType.SYN_REPLY ? 'syn_reply' : 'headers';
        return { type, streamId: body.readUInt32BE(0) & 0x7fffffff, fin, headers: this.decompress(body.subarray(4)) };
      }
      case FrameType.RST_STREAM:
        if (body.length < 8) throw new SpdyProtocolError('short RST_STREAM');
        return { type: 'rst_stream', streamId: body.readUInt32BE(0) & 0x7fffffff, status: body.readUInt32BE(4) };
      case FrameType.SETTINGS: {
        const n = body.length >= 4 ? body.readUInt32BE(0) : 0;
        const entries: { flags: number; id: number; value: number }[] = [];
        for (let i = 0; i < n && 12 + 8 * i <= body.length; i++) {
          const fi = body.readUInt32BE(4 + 8 * i);
          entries.push({ flags: fi >>> 24, id: fi & 0xffffff, value: body.readUInt32BE(8 + 8 * i) });
        }
        return { type: 'settings', entries };
      }
      case FrameType.PING:
        if (body.length < 4) throw new SpdyProtocolError('short PING');
        return { type: 'ping', id: body.readUInt32BE(0) };
      case FrameType.GOAWAY:
        if (body.length < 4) throw new SpdyProtocolError('short GOAWAY');
        return { type: 'goaway', lastGoodStreamId: body.readUInt32BE(0) & 0x7fffffff, status: body.length >= 8 ? body.readUInt32BE(4) : 0 };
      case FrameType.WINDOW_UPDATE:
        if (body.length < 8) throw new SpdyProtocolError('short WINDOW_UPDATE');
        return { type: 'window_update', streamId: body.readUInt32BE(0) & 0x7fffffff, delta: body.readUInt32BE(4) & 0x7fffffff };
      default:
        return undefined;
    }
  }

  private compress(headers: SpdyHeaders): Buffer {
    const names = Object.keys(headers);
    const parts: Buffer[] = [u32(names.length)];
    for (const name of names) {
      const n = Buffer.from(name.toLowerCase(), 'utf8');
      const v = Buffer.from(headers[name]!, 'utf8');
      parts.push(u32(n.length), n, u32(v.length), v);
    }
    return this.deflate.process(Buffer.concat(parts));
  }

  private decompress(block: Buffer): SpdyHeaders {
    let raw: Buffer;
    try {
      raw = this.inflate.process(block);
    } catch (e) {
      throw new SpdyProtocolError(`header block: ${(e as Error).message}`);
    }
    const headers: SpdyHeaders = {};
    if (raw.length < 4) throw new SpdyProtocolError('short header block');
    const n = raw.readUInt32BE(0);
    let at = 4;
    const take = (): string => {
      if (at + 4 > raw.length) throw new SpdyProtocolError('truncated header block');
      const len = raw.readUInt32BE(at);
      at += 4;
      if (at + len > raw.length) throw new SpdyProtocolError('truncated header block');
      const s = raw.toString('utf8', at, at + len);
      at += len;
      return s;
    };
    for (let i = 0; i < n; i++) {
      const name = take().toLowerCase();
      const value = take();
      headers[name] = headers[name] === undefined ? value : `${headers[name]}\0${value}`;
    }
    return headers;
  }
}

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b;
}

export class SpdyProtocolError extends Error {}

/** Payload size of the DATA frames we write: small enough to interleave streams fairly. */
const DATA_CHUNK = 32 * 1024;

/**
 * One stream: writable toward the peer (DATA frames, FIN on end()), readable from the peer's
 * DATA until its FIN. Emits 'reply' (headers) when a stream we opened is answered and
 * 'reset' (status) when the peer resets it.
 */
export class SpdyStream extends Duplex {
  replied = false;
  private remoteFin = false;
  private localFin = false;

  constructor(private readonly conn: SpdyConnection, readonly id: number, readonly headers: SpdyHeaders) {
    super({ allowHalfOpen: true });
  }

  /** SYN_REPLY to a stream the peer opened; it may send DATA only after this. */
  reply(headers: SpdyHeaders = {}): void {
    if (this.replied) return;
    this.replied = true;
    this.conn.send({ type: 'syn_reply', streamId: this.id, fin: false, headers });
  }

  /** RST_STREAM: abandons the stream in both directions. */
  reset(status: number = RstStatus.CANCEL): void {
    if (this.remoteFin && this.localFin) return;
    this.conn.send({ type: 'rst_stream', streamId: this.id, status });
    this.closeBoth();
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (e?: Error | null) => void): void {
    if (this.localFin) {
      cb(new Error('write after FIN'));
      return;
    }
    let ok = true;
    for (let at = 0; at < chunk.length; at += DATA_CHUNK) {
      ok = this.conn.send({ type: 'data', streamId: this.id, fin: false, data: chunk.subarray(at, at + DATA_CHUNK) });
    }
    if (ok) cb();
    else this.conn.onDrain(() => cb());
  }

  override _final(cb: (e?: Error | null) => void): void {
    if (!this.localFin) {
      this.localFin = true;
      this.conn.send({ type: 'data', streamId: this.id, fin: true, data: Buffer.alloc(0) });
      this.maybeDone();
    }
    cb();
  }

  override _read(): void {
    // Data is pushed as frames arrive.
  }

  /** @internal */ receive(data: Buffer, fin: boolean): void {
    if (this.remoteFin) return;
    if (data.length) this.push(data);
    if (fin) this.remoteEnded();
  }

  /** @internal */ remoteEnded(): void {
    if (this.remoteFin) return;
    this.remoteFin = true;
    this.push(null);
    this.maybeDone();
  }

  /** @internal */ closeBoth(): void {
    this.localFin = true;
    if (!this.remoteFin) {
      this.remoteFin = true;
      this.push(null);
    }
    this.conn.forget(this.id);
    // Ends the writable side without a frame (localFin is set), so buffered input is still read.
    if (!this.writableEnded) this.end();
  }

  private maybeDone(): void {
    if (this.remoteFin && this.localFin) this.conn.forget(this.id);
  }
}

export interface SpdyConnectionOptions {
  /** The server side opens even-numbered streams and the client odd ones. */
  server: boolean;
}

/**
 * A SPDY/3.1 session over an upgraded socket (or anything duplex). Emits 'stream' for each
 * stream the peer opens (answer it with reply()), and 'close' once the transport is gone.
 */
export class SpdyConnection extends EventEmitter {
  private readonly codec = new FrameCodec();
  private readonly streams = new Map<number, SpdyStream>();
  private nextStreamId: number;
  private nextPingId: number;
  private lastRemoteStreamId = 0;
  private closed = false;
  private goneAway = false;

  constructor(private readonly transport: Duplex, opts: SpdyConnectionOptions) {
    super();
    this.nextStreamId = opts.server ? 2 : 1;
    this.nextPingId = opts.server ? 2 : 1;
    transport.on('data', (chunk: Buffer) => this.onData(chunk));
    transport.on('end', () => this.teardown());
    transport.on('close', () => this.teardown());
    transport.on('error', () => this.teardown());
  }

  get isClosed(): boolean { return this.closed; }

  /** Opens a stream (SYN_STREAM); wait for its 'reply' before expecting data. */
  createStream(headers: SpdyHeaders, opts: { fin?: boolean } = {}): SpdyStream {
    if (this.closed || this.goneAway) throw new Error('spdy: connection closed');
    const id = this.nextStreamId;
    this.nextStreamId += 2;
    const stream = new SpdyStream(this, id, headers);
    this.streams.set(id, stream);
    this.send({ type: 'syn_stream', streamId: id, associatedTo: 0, priority: 0, fin: opts.fin ?? false, unidirectional: false, headers });
    if (opts.fin) stream.end();
    return stream;
  }

  /** Resolves when a stream we opened is replied to; rejects when it is reset or the connection ends. */
  static waitReply(stream: SpdyStream): Promise<SpdyHeaders> {
    return new Promise((resolve, reject) => {
      if (stream.replied) { resolve({}); return; }
      const onReply = (h: SpdyHeaders) => { cleanup(); resolve(h); };
      const onReset = () => { cleanup(); reject(new Error('spdy: stream reset')); };
      const onClose = () => { cleanup(); reject(new Error('spdy: stream closed before reply')); };
      const cleanup = () => { stream.off('reply', onReply); stream.off('reset', onReset); stream.off('close', onClose); };
      stream.on('reply', onReply);
      stream.on('reset', onReset);
      stream.on('close', onClose);
    });
  }

  ping(): void {
    const id = this.nextPingId;
    this.nextPingId += 2;
    this.send({ type: 'ping', id });
  }

  /** Stops reading frames (back-pressure from whoever consumes the streams' data). */
  pause(): void { this.transport.pause(); }

  resume(): void { this.transport.resume(); }

  /** GOAWAY, then closes the transport once written. */
  close(): void {
    if (this.closed) return;
    if (!this.goneAway) {
      this.goneAway = true;
      this.send({ type: 'goaway', lastGoodStreamId: this.lastRemoteStreamId, status: 0 });
    }
    this.transport.end();
    this.teardown();
  }

  /** Drops the transport at once. */
  destroy(): void {
    this.transport.destroy();
    this.teardown();
  }

  /** @internal Writes a frame; false when the transport wants the caller to wait for drain. */
  send(f: Frame): boolean {
    if (this.closed || this.transport.destroyed || this.transport.writableEnded) return true;
    return this.transport.write(this.codec.encode(f));
  }

  /** @internal */ onDrain(cb: () => void): void {
    if (this.closed) { cb(); return; }
    const done = () => { this.transport.off('drain', done); this.off('close', done); cb(); };
    this.transport.once('drain', done);
    this.once('close', done);
  }

  /** @internal */ forget(id: number): void {
    this.streams.delete(id);
  }

  private onData(chunk: Buffer): void {
    let frames: Frame[];
    try {
      frames = this.codec.decode(chunk);
    } catch (e) {
      this.emit('protocolError', e);
      if (!this.goneAway) {
        this.goneAway = true;
        this.send({ type: 'goaway', lastGoodStreamId: this.lastRemoteStreamId, status: 1 });
      }
      this.destroy();
      return;
    }
    for (const f of frames) this.onFrame(f);
  }

  private onFrame(f: Frame): void {
    switch (f.type) {
      case 'syn_stream': {
        if (this.goneAway || this.streams.has(f.streamId) || f.streamId === 0) {
          this.send({ type: 'rst_stream', streamId: f.streamId, status: this.goneAway ? RstStatus.REFUSED_STREAM : RstStatus.PROTOCOL_ERROR });
          return;
        }
        this.lastRemoteStreamId = f.streamId;
        const stream = new SpdyStream(this, f.streamId, f.headers);
        this.streams.set(f.streamId, stream);
        if (f.fin || f.unidirectional) stream.remoteEnded();
        this.emit('stream', stream);
        return;
      }
      case 'syn_reply': {
        const s = this.streams.get(f.streamId);
        if (!s || s.replied) return;
        s.replied = true;
        s.emit('reply', f.headers);
        if (f.fin) s.remoteEnded();
        return;
      }
      case 'headers': {
        const s = this.streams.get(f.streamId);
        if (!s) return;
        s.emit('headers', f.headers);
        if (f.fin) s.remoteEnded();
        return;
      }
      case 'data':
        this.streams.get(f.streamId)?.receive(f.data, f.fin);
        return;
      case 'rst_stream': {
        const s = this.streams.get(f.streamId);
        if (!s) return;
        s.emit('reset', f.status);
        s.closeBoth();
        return;
      }
      case 'ping':
        // Pings of the peer's parity are echoed; ours coming back need nothing.
        if ((f.id & 1) !== (this.nextPingId & 1)) this.send(f);
        else this.emit('pong', f.id);
        return;
      case 'goaway':
        this.goneAway = true;
        this.emit('goaway', f.lastGoodStreamId, f.status);
        return;
      case 'settings':
      case 'window_update':
        return;
    }
  }

  private teardown(): void {
    if (this.closed) return;
    this.closed = true;
    this.codec.close();
    for (const s of [...this.streams.values()]) s.closeBoth();
    this.streams.clear();
    this.emit('close');
  }
}
