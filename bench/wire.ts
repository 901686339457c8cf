// A lean HTTP/1.1 keep-alive client for the load generator: one request at a time on one
// socket, the request written in one piece, the response parsed in place (status line,
// Content-Length or chunked body, counted and never kept). node:http's client machinery
// (agent bookkeeping, header objects, streams per response) costs as much CPU per small
// request as the API server's own handler; on a 2-core machine where the load generator
// shares the cores with the server, that cost would be measured as the server's.

import net from 'node:net';
import tls from 'node:tls';
import type { TlsOptions } from './load.ts';

export interface WireResponse {
  status: number;
  bytes: number; // body bytes
}

const CRLFCRLF = Buffer.from('\r\n\r\n');

const enum State { Head, Length, ChunkSize, ChunkData, ChunkDataEnd, Trailer }

/** One persistent connection; request() must not be called again before the last one settled. */
export class WireConnection {
  private socket?: net.Socket;
  private connecting?: Promise<net.Socket>;
  private pending?: { resolve: (r: WireResponse) => void; reject: (e: Error) => void };
  private head: Buffer[] = [];
  private headBytes = 0;
  private state = State.Head;
  private status = 0;
  private left = 0; // body bytes (Length) or chunk bytes (ChunkData) still to come
  private bytes = 0;
  private line = ''; // a chunk-size or trailer line split across reads
  private close = false; // the server said Connection: close

  constructor(private readonly url: URL, private readonly tlsOptions?: TlsOptions) {}

  async request(method: string, path: string, headers: string, body?: string): Promise<WireResponse> {
    const socket = this.socket ?? (await this.connect());
    const bodyLength = body === undefined ? 0 : Buffer.byteLength(body);
    const text = `${method} ${path} HTTP/1.1\r\nHost: ${this.url.host}\r\n${headers}` +
      (body === undefined ? '\r\n' : `Content-Length: ${bodyLength}\r\n\r\n${body}`);
    return new Promise<WireResponse>((resolve, reject) => {
      this.pending = { resolve, reject };
      this.state = State.Head;
      this.bytes = 0;
      socket.write(text);
    });
  }

  destroy(): void {
    this.socket?.destroy();
    this.socket = undefined;
  }

  private connect(): Promise<net.Socket> {
    this.connecting ??= new Promise<net.Socket>((resolve, reject) => {
      const port = Number(this.url.port || (this.url.protocol === 'https:' ? 443 : 80));
      const host = this.url.hostname;
      const s: net.Socket = this.url.protocol === 'https:'
        ? tls.connect({ host, port, servername: net.isIP(host) ? undefined : host, ...this.tlsOptions }, () => done())
        : net.connect({ host, port }, () => done());
      const done = (): void => {
        s.setNoDelay(true);
        this.socket = s;
        this.connecting = undefined;
        resolve(s);
      };
      s.on('data', (chunk: Buffer) => this.onData(chunk));
      s.on('error', (err) => {
        this.connecting = undefined;
        this.fail(err);
        reject(err);
      });
      s.on('close', () => {
        if (this.socket === s) this.socket = undefined;
        this.fail(new Error('connection closed'));
      });
    });
    return this.connecting;
  }

  private fail(err: Error): void {
    const p = this.pending;
    this.pending = undefined;
    this.socket?.destroy();
    this.socket = undefined;
    p?.reject(err);
  }

  private finish(): void {
    const p = this.pending;
    this.pending = undefined;
    this.state = State.Head;
    if (this.close) this.destroy();
    p?.resolve({ status: this.status, bytes: this.bytes });
  }

  private onData(chunk: Buffer): void {
    let at = 0;
    while (at < chunk.length) {
      switch (this.state) {
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
        case State.Length: {
          const n = Math.min(this.left, chunk.length - at);
          this.left -= n;
          this.bytes += n;
          at += n;
          if (this.left === 0) this.finish();
          break;
        }
        case State.ChunkData: {
          const n = Math.min(this.left, chunk.length - at);
          this.left -= n;
          this.bytes += n;
          at += n;
          if (this.left === 0) this.state = State.ChunkDataEnd;
          break;
        }
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
    for (const line of head.split('\r\n')) {
      const colon = line.indexOf(':');
      if (colon < 0) continue;
      const name = line.slice(0, colon).toLowerCase();
      if (name === 'content-length') length = Number(line.slice(colon + 1).trim());
      else if (name === 'transfer-encoding') chunked = /chunked/i.test(line.slice(colon + 1));
      else if (name === 'connection') this.close = /close/i.test(line.slice(colon + 1));
    }
    if (chunked) this.state = State.ChunkSize;
    else {
      // No length and not chunked: only bodiless answers are expected from the servers measured.
      this.state = State.Length;
      this.left = length > 0 ? length : 0;
    }
  }
}
