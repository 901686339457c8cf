// The HTTP side of a watch: a chunked stream of newline-delimited WatchEvents whose headers
// go out at once, with bookmarks, timeouts and a cap on what a slow client may leave buffered.

import type { ServerResponse } from 'node:http';
import type { EventView, WatchSink } from '../watch/cacher.ts';

/** A watcher that lets this much pile up unread is cut off, as upstream drops slow watchers. */
const MAX_BUFFERED_BYTES = 64 * 1024 * 1024;
/**
 * One watcher is written at most this often: events that come sooner after a write go out
 * together with the next one. A quiet watcher's event is written at once; a busy one's (a
 * namespace under a thousand writes/s) share writes, each of which costs a socket write and,
 * over TLS, a record of its own.
 */
const MIN_WRITE_INTERVAL_MS = 5;

/**
 * The last chunk written in this turn, encoded once and framed for chunked transfer coding
 * (its size line and trailing CRLF included): watchers of the same events (a namespace's
 * hundred watchers) flush the same lines one after another in the same turn, and each after
 * the first writes the bytes already made instead of joining and encoding the lines again.
 * It is let go at the end of the turn, so that a large chunk (a watch's initial events) is
 * not kept until some later write.
 */
let lastLines: readonly string[] = [];
let lastChunk: Buffer | undefined;

function forgetChunk(): void {
  lastLines = [];
  lastChunk = undefined;
}

const CRLF = 0x0d0a;

function encodeChunk(lines: readonly string[]): Buffer {
  if (lastChunk !== undefined && lines.length === lastLines.length) {
    let same = true;
    for (let i = 0; i < lines.length && same; i++) same = lines[i] === lastLines[i];
    if (same) return lastChunk;
  }
  if (lastChunk === undefined) setImmediate(forgetChunk);
  const data = lines.length === 1 ? lines[0] : lines.join('');
  const size = Buffer.byteLength(data);
  const head = `${size.toString(16)}\r\n`;
  const chunk = Buffer.allocUnsafe(head.length + size + 2);
  chunk.write(head, 0, 'latin1');
  chunk.write(data, head.length, 'utf8');
  chunk.writeUInt16BE(CRLF, head.length + size);
  lastChunk = chunk;
  lastLines = lines;
  return chunk;
}

export interface WatchStreamOptions {
  kind: string;
  apiVersion: string;
  bookmarks: boolean;
  bookmarkIntervalMs: number;
  timeoutMs: number;
  currentRevision: () => number;
  /** Converts an event's object to the served form (events.k8s.io) or to a Table row; identity when undefined. */
  transform?: (view: EventView) => string;
}

export class WatchStream implements WatchSink {
  private buffered: string[] = [];
  private closed = false;
  private timers: NodeJS.Timeout[] = [];
  private lastWrite = -Infinity;
  private writeTimer?: NodeJS.Timeout;
  onClose?: () => void;

  constructor(private readonly res: ServerResponse, private readonly opts: WatchStreamOptions) {
    res.writeHead(200, {
      'Content-Type': 'application/json',
      'Cache-Control': 'no-cache, private',
      'Transfer-Encoding': 'chunked',
    });
    res.flushHeaders();
    res.socket?.setNoDelay(true);
    res.on('close', () => this.close());
    this.timers.push(setTimeout(() => this.end(), opts.timeoutMs));
    if (opts.bookmarks) {
      this.timers.push(setInterval(() => this.bookmark(opts.currentRevision()), opts.bookmarkIntervalMs));
    }
  }

  event(view: EventView): void {
    if (this.closed) return;
    this.buffered.push(this.opts.transform ? this.opts.transform(view) : view.line());
  }

  bookmark(revision: number, initialEventsEnd = false): void {
    if (this.closed) return;
    const annotations = initialEventsEnd ? ',"annotations":{"k8s.io/initial-events-end":"true"}' : '';
    this.buffered.push(`{"type":"BOOKMARK","object":{"kind":"${this.opts.kind}","apiVersion":"${this.opts.apiVersion}","metadata":{"resourceVersion":"${revision}","creationTimestamp":null${annotations}}}}\n`);
    this.flush();
  }

  /** Write an error event (e.g. 410 Expired) and end the stream. */
  error(status: object): void {
    if (this.closed) return;
    this.buffered.push(`{"type":"ERROR","object":${JSON.stringify(status)}}\n`);
    this.flush();
    this.end();
  }

  /** Writes what is buffered, now or (shortly after the last write) at the next turn. */
  flush(): void {
    if (this.closed || this.buffered.length === 0 || this.writeTimer !== undefined) return;
    const wait = this.lastWrite + MIN_WRITE_INTERVAL_MS - performance.now();
    if (wait > 0) {
      this.writeTimer = setTimeout(() => {
        this.writeTimer = undefined;
        this.write();
      }, wait);
      return;
    }
    this.write();
  }

  private write(): void {
    if (this.closed || this.buffered.length === 0) return;
    this.lastWrite = performance.now();
    const lines = this.buffered;
    this.buffered = [];
    const chunk = encodeChunk(lines);
    // Once the response has its socket (it has unless it waits behind a pipelined one), the
    // framed chunk goes to the socket as it is: one buffer, so TLS encrypts it in place,
    // where the response's own write would send size line, data and CRLF as three pieces
    // (joined again by a copy before encryption) through a cork until the next tick.
    const socket = this.res.socket;
    if (socket !== null) socket.write(chunk);
    else this.res.write(chunk.subarray(chunk.indexOf(0x0a) + 1, chunk.length - 2)); // the data alone: the response frames it
    if (this.res.writableLength > MAX_BUFFERED_BYTES) {
      this.res.destroy();
      this.close();
    }
  }

  end(): void {
    if (this.closed) return;
    this.write();
    this.res.end();
    this.close();
  }

  private close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    if (this.writeTimer !== undefined) clearTimeout(this.writeTimer);
    this.onClose?.();
  }
}
