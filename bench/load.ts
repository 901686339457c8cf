// A reusable HTTP(S) load generator: N concurrent loops over keep-alive connections,
// for a fixed duration or request count, latencies into a histogram. The connections are
// the API client's lean HTTP/1.1 connections (src/client/transport.ts, counting the body
// rather than keeping it), so that the client's own CPU (it shares this machine's two cores
// with the server measured) stays small.
//
//   const r = await runLoad({ url: 'https://127.0.0.1:8443', path: '/x', concurrency: 32, durationMs: 5000, tls: { ca } });
//   // r = { count, errors, seconds, rps, p50, p90, p99, max, mean, statuses, firstError }
//
// runLoad() runs the loops in a worker thread so the client never shares an event loop
// with an in-process server; runLoadHere() runs them on the calling thread.
// Paths and bodies are templates: {{i}} is the request's sequence number (0, 1, ...),
// {{i%N}} that number modulo N.

import https from 'node:https';
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { Histogram } from './histogram.ts';
import { errorText, now, runWorker } from './util.ts';
import { HttpConnection, headLines } from '../src/client/transport.ts';

export interface TlsOptions {
  ca?: string;
  cert?: string;
  key?: string;
  rejectUnauthorized?: boolean;
}

export interface LoadOptions {
  url: string; // base URL, e.g. https://127.0.0.1:6443
  method?: string; // GET
  path: string; // template
  body?: string; // template
  headers?: Record<string, string>;
  concurrency: number;
  durationMs?: number; // stop issuing after this long
  count?: number; // or after this many requests
  maxMs?: number; // hard bound when only count is given (default 60 s)
  tls?: TlsOptions;
  okStatus?: number[]; // default: any 2xx
  // Before the timed requests, receive this many bytes twice over TLS from a throw-away server
  // inside the load generator's own thread (never the target). A fresh worker's first large
  // response otherwise pays for the worker's cold TLS read path, allocator and JIT (~200 ms for
  // a 50 MB body here), which is the client's cost and not the target's; the target sees
  // nothing of this, so its own cold costs stay in the figures.
  warmClientBytes?: number;
}

export interface LoadResult {
  count: number; // successful requests
  errors: number;
  seconds: number;
  rps: number;
  p50: number; // ms
  p90: number;
  p99: number;
  max: number;
  mean: number;
  bytes: number; // response body bytes received (successful requests)
  statuses: Record<string, number>;
  firstError?: string;
}

type Template = (i: number) => string;

function compile(template: string): Template {
  const re = /\{\{i(?:%(\d+))?\}\}/g;
  const parts: Array<string | number> = []; // string literal, or modulus (0 = none)
  let last = 0;
  for (let m = re.exec(template); m; m = re.exec(template)) {
    parts.push(template.slice(last, m.index));
    parts.push(m[1] ? Number(m[1]) : 0);
    last = m.index + m[0].length;
  }
  parts.push(template.slice(last));
  if (parts.length === 1) return () => template;
  return (i) => {
    let s = '';
    for (const p of parts) s += typeof p === 'string' ? p : String(p > 0 ? i % p : i);
    return s;
  };
}

/** The warm-up of LoadOptions.warmClientBytes: a local HTTPS server streams the bytes to a local client, twice. */
async function warmClient(bytes: number, tls: TlsOptions | undefined): Promise<void> {
  if (!tls?.cert || !tls.key) throw new Error('warmClientBytes needs tls.cert and tls.key (used as the throw-away server\'s certificate)');
  const slice = Buffer.alloc(256 * 1024, 'x');
  const server = https.createServer({ cert: tls.cert, key: tls.key }, (_req, res) => {
    res.writeHead(200, { 'content-length': Math.ceil(bytes / slice.length) * slice.length });
    let left = Math.ceil(bytes / slice.length);
    const pump = (): void => {
      while (left > 0) {
        left--;
        if (left === 0) return void res.end(slice);
        if (!res.write(slice)) return void res.once('drain', pump);
      }
    };
    pump();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  // The same client the timed requests use, so that its read path is the one warmed.
  const conn = new HttpConnection(new URL(`https://127.0.0.1:${port}`), { rejectUnauthorized: false }, false);
  try {
    for (let i = 0; i < 2; i++) await conn.request('GET', '/', '');
  } finally {
    conn.destroy();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

export async function runLoadHere(opts: LoadOptions): Promise<LoadResult> {
  if (opts.warmClientBytes) await warmClient(opts.warmClientBytes, opts.tls);
  const base = new URL(opts.url);
  const method = opts.method ?? 'GET';
  const pathT = compile(opts.path);
  const bodyT = opts.body !== undefined ? compile(opts.body) : null;
  const baseHeaders: Record<string, string> = { Accept: 'application/json', ...(opts.headers ?? {}) };
  if (bodyT && !Object.keys(baseHeaders).some((h) => h.toLowerCase() === 'content-type')) {
    baseHeaders['Content-Type'] = 'application/json';
  }
  const headers = headLines(baseHeaders);
  const okStatus = opts.okStatus;
  const isOk = (s: number): boolean => (okStatus ? okStatus.includes(s) : s >= 200 && s < 300);

  const hist = new Histogram();
  const statuses: Record<string, number> = {};
  let errors = 0;
  let bytes = 0;
  let firstError: string | undefined;
  let seq = 0;
  const maxCount = opts.count ?? Infinity;
  const durationMs = opts.durationMs ?? (opts.count !== undefined ? (opts.maxMs ?? 60_000) : 5_000);
  const start = now();
  const deadline = start + durationMs;
  const connections: HttpConnection[] = [];

  // Each loop is one client: one keep-alive connection, one request at a time.
  const loop = async (): Promise<void> => {
    const conn = new HttpConnection(base, opts.tls, false);
    connections.push(conn);
    while (seq < maxCount && now() < deadline) {
      const i = seq++;
      const t0 = now();
      try {
        const res = await conn.request(method, pathT(i), headers, bodyT ? bodyT(i) : undefined);
        statuses[res.status] = (statuses[res.status] ?? 0) + 1;
        if (isOk(res.status)) {
          hist.record(now() - t0);
          bytes += res.bytes;
        } else {
          errors++;
          firstError ??= `HTTP ${res.status} for ${method} ${pathT(i)}`;
        }
      } catch (err) {
        errors++;
        firstError ??= errorText(err);
      }
      // A dead target must not make the loops spin: back off once errors dominate.
      if (errors > 100 && errors > hist.count) await new Promise((r) => setTimeout(r, 10));
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency }, loop));
  const seconds = (now() - start) / 1000;
  for (const c of connections) c.destroy();
  return {
    count: hist.count,
    errors,
    seconds,
    rps: hist.count / seconds,
    p50: hist.percentile(50),
    p90: hist.percentile(90),
    p99: hist.percentile(99),
    max: hist.max,
    mean: hist.mean(),
    bytes,
    statuses,
    firstError,
  };
}

interface LoadWorkerData {
  skiffBenchLoad: LoadOptions;
}

/** Run the load in a worker thread (client and server never share an event loop). */
export function runLoad(opts: LoadOptions): Promise<LoadResult> {
  const bound = (opts.durationMs ?? opts.maxMs ?? 60_000) + 30_000;
  const data: LoadWorkerData = { skiffBenchLoad: opts };
  return runWorker<LoadResult>(import.meta.url, data, bound);
}

// Worker entry: this same module, started by runLoad().
const wd: unknown = workerData;
if (!isMainThread && parentPort && typeof wd === 'object' && wd !== null && 'skiffBenchLoad' in wd) {
  const port = parentPort;
  runLoadHere((wd as LoadWorkerData).skiffBenchLoad).then(
    (result) => port.postMessage({ result }),
    (err: unknown) => port.postMessage({ error: errorText(err) }),
  );
}
