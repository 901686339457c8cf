// The API client's HTTP/1.1 transport for ordinary requests: a pool of keep-alive TLS
// connections, one request at a time on each, the request written in one piece and the
// response parsed in place (status line, Content-Length or chunked body). node:https's
// client machinery (agent bookkeeping, header objects, a stream per response) cost the
// scheduler and the node agents about as much CPU per small request as the API server's
// handler; watches, which are long-lived streams, still go through node:https.

import net from 'node:net';
import tls from 'node:tls';

export interface HttpResponse {
  status: number;
  /** The body (empty when the connection was told to discard it). */
  body: Buffer;
  /** Body bytes received. */
  bytes: number;
}

/** Header fields as the block of request-head lines request() takes. */
export const headLines = (headers: Record<string, string>): string =>
  Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('');

const CRLFCRLF = Buffer.from('\r\n\r\n');
const EMPTY = Buffer.alloc(0);

const enum State { Idle, Head, Length, ChunkSize, ChunkData, ChunkDataEnd, Trailer }

/**
 * One persistent connection; request() must not be called again before the last one settled.
 * With keepBody false the body is only counted (load generators).
 */
export class HttpConnection {
  private socket?: net.Socket;
  private connecting?: Promise<net.Socket>;
  private pending?: { resolve: (r: HttpResponse) => void; reject: (e: Error) => void };
  private head: Buffer[] = [];
  private headBytes = 0;
  private state = State.Idle;
  private status = 0;
  private left = 0; // body bytes (Length) or chunk bytes (ChunkData) still to come
  private bytes = 0;
  private chunks: Buffer[] = [];
  private line = ''; // a chunk-size or trailer line split across reads
  private close = false; // the server said Connection: close
  /** Bytes of a response have arrived for the request in flight (a retry could duplicate it). */
  answered = false;
  /** The connection has carried a request before (it may have been closed by the server since). */
  reused = false;
  onClose?: () => void;

  constructor(
    private readonly url: URL,
    private readonly tlsOptions?: tls.ConnectionOptions,
    private readonly keepBody = true,
    private readonly onSession?: (session: Buffer) => void,
    /** A local socket to connect to instead of the URL's host and port (plain HTTP; the URL names the Host). */
    private readonly socketPath?: string,
  ) {}

  get open(): boolean { return this.socket !== undefined && !this.socket.destroyed; }

  async request(method: string, path: string, headers: string, body?: string | Buffer): Promise<HttpResponse> {
    const socket = this.socket ?? (await this.connect());
    const bodyLength = body === undefined ? 0 : Buffer.byteLength(body);
    const head = `${method} ${path} HTTP/1.1\r\nHost: ${this.url.host}\r\n${headers}` +
      (body === undefined ? '\r\n' : `Content-Length: ${bodyLength}\r\n\r\n`);
    return new Promise<HttpResponse>((resolve, reject) => {
      this.pending = { resolve, reject };
      // A fresh parse: a connection that failed mid-response may be asked again (it reconnects).
      this.state = State.Head;
      this.head = [];
      this.headBytes = 0;
      this.chunks = [];
      this.line = '';
      this.bytes = 0;
      this.answered = false;
      if (body === undefined) socket.write(head);
      else if (typeof body === 'string') socket.write(head + body);
      else {
        socket.cork();
        socket.write(head);
        socket.write(body);
        socket.uncork();
      }
    });
  }

  destroy(): void {
    const s = this.socket;
    this.socket = undefined;
    s?.destroy();
  }

  private connect(): Promise<net.Socket> {
    this.connecting ??= new Promise<net.Socket>((resolve, reject) => {
      const port = Number(this.url.port || (this.url.protocol === 'https:' ? 443 : 80));
      const host = this.url.hostname;
      const s: net.Socket = this.socketPath !== undefined
        ? net.connect({ path: this.socketPath }, () => done())
        : this.url.protocol === 'https:'
        ? tls.connect({ host, port, servername: net.isIP(host) ? undefined : host, ...this.tlsOptions }, () => done())
        : net.connect({ host, port }, () => done());
      const done = (): void => {
        s.setNoDelay(true);
        this.socket = s;
        this.connecting = undefined;
        resolve(s);
      };
      if (this.onSession) s.on('session', this.onSession);
      s.on('data', (chunk: Buffer) => this.onData(chunk));
      s.on('error', (err) => {
        if (this.connecting) {
          this.connecting = undefined;
          reject(err);
        }
        this.fail(err);
      });
      s.on('close', () => {
        if (this.socket === s) this.socket = undefined;
        this.fail(new Error('connection closed'));
        this.onClose?.();
      });
    });
    return this.connecting;
  }

  private fail(err: Error): void {
    const p = this.pending;
    this.pending = undefined;
    this.state = State.Idle;
    this.destroy();
    p?.reject(err);
  }

  private finish(): void {
    const p = this.pending;
    this.pending = undefined;
    this.state = State.Idle;
    this.reused = true;
    const body = this.chunks.length === 0 ? EMPTY : this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks);
    this.chunks = [];
    if (this.close) this.destroy();
    p?.resolve({ status: this.status, body, bytes: this.bytes });
  }

  private take(chunk: Buffer, at: number, n: number): void {
    this.bytes += n;
    if (this.keepBody) this.chunks.push(at === 0 && n === chunk.length ? chunk : chunk.subarray(at, at + n));
  }

  private onData(chunk: Buffer): void {
    if (this.state === State.Idle) {
      // Nothing asked: a server closing with a message, or a protocol error; either way this
      // connection is done.
      this.destroy();
      return;
    }
    this.answered = true;
    let at = 0;
    while (at < chunk.length) {
      switch (this.state as State) {
        case State.Head: {
          // The head may arrive split: keep the pieces until the blank line.
          this.head.push(at === 0 ? chunk : chunk.subarray(at));
          this.headBytes += chunk.length - at;
          const all = this.head.length === 1 ? this.head[0] : Buffer.concat(this.head, this.headBytes);
          const end = all.indexOf(CRLFCRLF);
          if (end < 0) {
            this.head = [all];
            return;
          }
          this.head = [];
          this.headBytes = 0;
          this.parseHead(all.toString('latin1', 0, end));
          at = chunk.length - (all.length - (end + 4));
          if ((this.state as State) === State.Length && this.left === 0) this.finish();
          break;
        }
        case State.Length:
        case State.ChunkData: {
          const n = Math.min(this.left, chunk.length - at);
          this.take(chunk, at, n);
          this.left -= n;
          at += n;
          if (this.left === 0) {
            if (this.state === State.Length) this.finish();
            else this.state = State.ChunkDataEnd;
          }
          break;
        }
        case State.Idle:
          // A response ended inside this read and more bytes followed it: not ours to read.
          this.destroy();
          return;
        default: {
          // ChunkSize, ChunkDataEnd (the CRLF after a chunk) and Trailer are line-wise.
          const nl = chunk.indexOf(10, at);
          if (nl < 0) {
            this.line += chunk.toString('latin1', at);
            return;
          }
          const line = (this.line + chunk.toString('latin1', at, nl)).replace(/\r$/, '');
          this.line = '';
          at = nl + 1;
          if (this.state === State.ChunkDataEnd) this.state = State.ChunkSize;
          else if (this.state === State.ChunkSize) {
            this.left = parseInt(line, 16);
            if (Number.isNaN(this.left)) return this.fail(new Error(`bad chunk size ${JSON.stringify(line)}`));
            this.state = this.left === 0 ? State.Trailer : State.ChunkData;
          } else if (line === '') this.finish();
        }
      }
    }
  }

  private parseHead(head: string): void {
    this.status = Number(head.slice(9, 12));
    this.close = false;
    let length = -1;
    let chunked = false;
    let start = head.indexOf('\r\n') + 2;
    while (start > 1 && start < head.length) {
      let end = head.indexOf('\r\n', start);
      if (end < 0) end = head.length;
      const colon = head.indexOf(':', start);
      if (colon > 0 && colon < end) {
        const name = head.slice(start, colon).toLowerCase();
        if (name === 'content-length') length = Number(head.slice(colon + 1, end).trim());
        else if (name === 'transfer-encoding') chunked = /chunked/i.test(head.slice(colon + 1, end));
        else if (name === 'connection') this.close = /close/i.test(head.slice(colon + 1, end));
      }
      start = end + 2;
    }
    if (chunked) this.state = State.ChunkSize;
    else {
      // Neither a length nor chunked: the servers this talks to send one or the other for a
      // body, so there is none (204, 304, or an empty answer).
      this.state = State.Length;
      this.left = length > 0 ? length : 0;
    }
  }
}

/** Idle connections are closed well before the API server's keep-alive timeout (65 s). */
const IDLE_MS = 30_000;
/**
 * Idle connections beyond this many are closed after EXTRA_IDLE_MS: a burst (informers'
 * first lists at start) opens more, which would otherwise linger, each with its TLS state on
 * both ends, while closing them at once made a controller's next burst of writes pay for new
 * handshakes.
 */
const MAX_IDLE = 4;
const EXTRA_IDLE_MS = 2_000;

/** A pool of HttpConnections to one server: at most maxSockets at once, requests queued beyond. */
export class HttpPool {
  private readonly idle: { conn: HttpConnection; timer: NodeJS.Timeout }[] = [];
  private readonly waiting: ((conn: HttpConnection) => void)[] = [];
  private active = 0;
  private closed = false;

  constructor(
    private readonly url: URL,
    /** Read for each new connection (so that it can offer the latest TLS session). */
    private readonly tlsOptions: () => tls.ConnectionOptions,
    private readonly maxSockets: number,
    private readonly onSession?: (session: Buffer) => void,
    private readonly socketPath?: string,
  ) {}

  async request(method: string, path: string, headers: string, body?: string | Buffer): Promise<HttpResponse> {
    for (let attempt = 0; ; attempt++) {
      const conn = await this.acquire();
      try {
        const res = await conn.request(method, path, headers, body);
        this.release(conn);
        return res;
      } catch (err) {
        conn.destroy();
        this.release(conn);
        // A kept connection the server had already closed: the request never reached it, so
        // a read is sent again on a fresh one (writes are not: they may have been applied).
        if (attempt === 0 && conn.reused && !conn.answered && (method === 'GET' || method === 'HEAD')) continue;
        throw err;
      }
    }
  }

  close(): void {
    this.closed = true;
    for (const { conn, timer } of this.idle.splice(0)) {
      clearTimeout(timer);
      conn.destroy();
    }
  }

  private acquire(): Promise<HttpConnection> {
    if (this.closed) return Promise.reject(new Error('the client is closed'));
    while (this.idle.length > 0) {
      const { conn, timer } = this.idle.pop()!;
      clearTimeout(timer);
      if (conn.open) {
        this.active++;
        return Promise.resolve(conn);
      }
    }
    if (this.active < this.maxSockets) {
      this.active++;
      return Promise.resolve(this.connection());
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private connection(): HttpConnection {
    return this.socketPath !== undefined
      ? new HttpConnection(this.url, undefined, true, undefined, this.socketPath)
      : new HttpConnection(this.url, this.tlsOptions(), true, this.onSession);
  }

  private release(conn: HttpConnection): void {
    const next = this.waiting.shift();
    if (next) {
      // Handed straight on: a destroyed connection makes way for a new one.
      next(conn.open ? conn : this.connection());
      return;
    }
    this.active--;
    if (!conn.open || this.closed) {
      conn.destroy();
      return;
    }
    const entry = { conn, timer: setTimeout(() => this.drop(entry), this.idle.length >= MAX_IDLE ? EXTRA_IDLE_MS : IDLE_MS) };
    entry.timer.unref();
    conn.onClose = () => this.drop(entry);
    this.idle.push(entry);
  }

  private drop(entry: { conn: HttpConnection; timer: NodeJS.Timeout }): void {
    clearTimeout(entry.timer);
    const i = this.idle.indexOf(entry);
    if (i >= 0) this.idle.splice(i, 1);
    entry.conn.destroy();
  }
}
