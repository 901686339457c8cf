// Small HTTP helpers for tests that look at the wire: status codes, headers, raw streams.

import https from 'node:https';
import type { Skiff } from '../src/skiff.ts';

export interface RawResponse { status: number; headers: Record<string, string | string[] | undefined>; text: string; json: unknown }

export interface RequestOptions { body?: unknown; rawBody?: string | Buffer; contentType?: string; accept?: string; anonymous?: boolean; headers?: Record<string, string> }

export function agentFor(skiff: Skiff, anonymous = false): https.Agent {
  const c = skiff.credentials;
  return new https.Agent(anonymous ? { ca: c.caPem, keepAlive: true } : { ca: c.caPem, cert: c.certPem, key: c.keyPem, keepAlive: true });
}

const agents = new WeakMap<Skiff, { auth: https.Agent; anon: https.Agent }>();

function agentsOf(skiff: Skiff) {
  let a = agents.get(skiff);
  if (!a) agents.set(skiff, (a = { auth: agentFor(skiff), anon: agentFor(skiff, true) }));
  return a;
}

export function request(skiff: Skiff, method: string, path: string, opts: RequestOptions = {}): Promise<RawResponse> {
  const body = opts.rawBody ?? (opts.body !== undefined ? JSON.stringify(opts.body) : undefined);
  const a = agentsOf(skiff);
  return new Promise((resolve, reject) => {
    const req = https.request(`${skiff.url}${path}`, {
      method,
      agent: opts.anonymous ? a.anon : a.auth,
      headers: {
        ...(body !== undefined ? { 'Content-Type': opts.contentType ?? 'application/json' } : {}),
        ...(opts.accept ? { Accept: opts.accept } : {}),
        ...opts.headers,
      },
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: unknown;
        try { json = JSON.parse(text); } catch { json = undefined; }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
      });
    });
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

export interface WatchEvent { type: string; object: { metadata: { name?: string; resourceVersion?: string; annotations?: Record<string, string> }; [k: string]: unknown } }

/** An open watch stream collecting events; `next(n)` waits for n more. */
export class WatchCollector {
  readonly events: WatchEvent[] = [];
  status = 0;
  private buf = '';
  private waiters: (() => void)[] = [];
  private req?: ReturnType<typeof https.request>;
  ended = false;

  static open(skiff: Skiff, path: string): Promise<WatchCollector> {
    const w = new WatchCollector();
    return new Promise((resolve, reject) => {
      w.req = https.request(`${skiff.url}${path}`, { agent: agentFor(skiff) }, (res) => {
        w.status = res.statusCode ?? 0;
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          w.buf += chunk;
          let i;
          while ((i = w.buf.indexOf('\n')) >= 0) {
            const line = w.buf.slice(0, i);
            w.buf = w.buf.slice(i + 1);
            if (line.trim()) w.events.push(JSON.parse(line) as WatchEvent);
          }
          w.wake();
        });
        res.on('end', () => { w.ended = true; w.wake(); });
        resolve(w);
      });
      w.req.on('error', (e) => { if (!w.ended) reject(e); });
      w.req.end();
    });
  }

  private wake(): void {
    const ws = this.waiters;
    this.waiters = [];
    for (const f of ws) f();
  }

  async waitFor(count: number, timeoutMs = 5000): Promise<WatchEvent[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.events.length < count && !this.ended) {
      const left = deadline - Date.now();
      if (left <= 0) break;
      await new Promise<void>((r) => { const t = setTimeout(r, left); this.waiters.push(() => { clearTimeout(t); r(); }); });
    }
    return this.events;
  }

  close(): void {
    this.req?.destroy();
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Poll fn until it returns something truthy and resolve with it; an error fn throws counts as
 * "not yet". Fails after timeoutMs naming what it waited for and the last error seen.
 */
export async function until<T>(what: string, fn: () => T | undefined | null | false | Promise<T | undefined | null | false>, timeoutMs = 60_000, intervalMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) { last = e; }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
