// HTTP/1.1 connection upgrades as a proxy sees them (upstream's UpgradeAwareHandler): dial the
// backend with the client's upgrade request, then either hand back its 101 and both sockets to
// splice, or its refusal (status and body) to relay.

import http from 'node:http';
import https from 'node:https';
import type { Duplex } from 'node:stream';
import type { Socket } from 'node:net';

export type UpgradeResult =
  | { upgraded: true; socket: Socket; head: Buffer; rawHeaders: string[] }
  | { upgraded: false; statusCode: number; headers: http.IncomingHttpHeaders; body: Buffer };

export interface DialOptions {
  url: URL;
  method: string;
  /** Header name → value(s); arrays are sent as repeated header lines. */
  headers: Record<string, string | string[]>;
  /** TLS client identity and (optional) CA for https URLs. */
  tls?: { certPem: string; keyPem: string; caPem?: string };
  timeoutMs?: number;
}

/** Largest refusal body read from a backend. */
const MAX_ERROR_BODY = 64 * 1024;

export function dialUpgrade(o: DialOptions): Promise<UpgradeResult> {
  return new Promise((resolve, reject) => {
    const base = {
      method: o.method, host: o.url.hostname.replace(/^\[|\]$/g, ''), port: o.url.port, path: o.url.pathname + o.url.search,
      headers: o.headers, agent: false as const, timeout: o.timeoutMs ?? 30_000,
    };
    const req = o.url.protocol === 'https:'
      ? https.request({ ...base, cert: o.tls?.certPem, key: o.tls?.keyPem, ca: o.tls?.caPem, rejectUnauthorized: o.tls?.caPem !== undefined })
      : http.request(base);
    req.on('upgrade', (res, socket, head) => {
      socket.setTimeout(0);
      resolve({ upgraded: true, socket, head, rawHeaders: res.rawHeaders });
    });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => { if (size < MAX_ERROR_BODY) { chunks.push(c); size += c.length; } });
      res.on('end', () => resolve({ upgraded: false, statusCode: res.statusCode ?? 502, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`timed out connecting to ${o.url.host}`)));
    req.on('error', reject);
    req.end();
  });
}

/** Writes a 101 carrying the backend's upgrade headers (Connection, Upgrade, the negotiated protocol). */
export function write101(socket: Duplex, rawHeaders: string[]): void {
  const lines = ['HTTP/1.1 101 Switching Protocols'];
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) lines.push(`${rawHeaders[i]}: ${rawHeaders[i + 1]}`);
  socket.write(`${lines.join('\r\n')}\r\n\r\n`);
}

/** Answers an upgrade request with a plain HTTP response and closes the connection. */
export function writeResponse(socket: Duplex, statusCode: number, contentType: string, body: Buffer | string): void {
  if (socket.destroyed) return;
  const b = typeof body === 'string' ? Buffer.from(body) : body;
  const reason = http.STATUS_CODES[statusCode] ?? 'Unknown';
  socket.end(Buffer.concat([
    Buffer.from(`HTTP/1.1 ${statusCode} ${reason}\r\nContent-Type: ${contentType}\r\nContent-Length: ${b.length}\r\nConnection: close\r\n\r\n`),
    b,
  ]));
}

/** Splices two upgraded connections; either side closing closes the other. */
export function splice(a: Duplex, b: Duplex, headA: Buffer = Buffer.alloc(0), headB: Buffer = Buffer.alloc(0)): void {
  if (headA.length) b.write(headA);
  if (headB.length) a.write(headB);
  a.pipe(b);
  b.pipe(a);
  const end = () => { a.destroy(); b.destroy(); };
  a.on('close', end);
  b.on('close', end);
  a.on('error', end);
  b.on('error', end);
}

/** Headers whose repeated values a proxied upgrade must keep apart (Go servers read each line as one value). */
const LIST_HEADERS = new Set(['x-stream-protocol-version', 'sec-websocket-protocol', 'sec-websocket-extensions']);

/** The client's request headers that a proxied upgrade must carry: the upgrade and its protocol negotiation. */
export function upgradeHeaders(req: http.IncomingMessage): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = { Connection: 'Upgrade', 'Content-Length': '0' };
  for (const [name, values] of Object.entries(req.headersDistinct)) {
    if (!values?.length) continue;
    if (LIST_HEADERS.has(name)) {
      // Some clients send one comma-joined line: split it into values, as Go's header parsing sees them.
      out[name] = values.flatMap((v) => v.split(',').map((s) => s.trim()).filter(Boolean));
    } else if (name === 'upgrade' || name === 'sec-websocket-key' || name === 'sec-websocket-version') {
      out[name] = values[0]!;
    }
  }
  return out;
}
