// Watches: a line-delimited JSON event stream with a pull interface (what a Go test reads
// from watch.Interface.ResultChan()), and `watchUntil`, the equivalent of client-go's
// watchtools.Until over a RetryWatcher.

import type http from 'node:http';
import { ApiError, type Query, type RestClient } from './client.ts';
import { isRecord, type KObject, type Status } from './json.ts';

export interface WatchEvent<T extends KObject = KObject> {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR' | string;
  object: T;
}

export class WatchClosedError extends Error {
  constructor(what: string) { super(`watch closed unexpectedly: ${what}`); this.name = 'WatchClosedError'; }
}

export class WatchStream<T extends KObject = KObject> {
  private readonly queue: WatchEvent<T>[] = [];
  private waiters: (() => void)[] = [];
  private buf = '';
  private ended = false;
  private failure?: Error;
  private constructor(private readonly req: http.ClientRequest, readonly path: string) {}

  /** Opens a watch (adds watch=true); resolves once the server has answered the request. */
  static async open<T extends KObject = KObject>(client: RestClient, path: string, query: Query = {}, signal?: AbortSignal): Promise<WatchStream<T>> {
    const { req, res } = await client.open('GET', path, { query: { ...query, watch: 'true' }, signal });
    if ((res.statusCode ?? 0) !== 200) {
      const chunks: Buffer[] = [];
      for await (const c of res) chunks.push(c as Buffer);
      const text = Buffer.concat(chunks).toString('utf8');
      let st: Status | undefined;
      try { const j: unknown = JSON.parse(text); if (isRecord(j)) st = j as Status; } catch { /* not JSON */ }
      throw new ApiError(res.statusCode ?? 0, st, 'WATCH', path, text);
    }
    const w = new WatchStream<T>(req, path);
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => w.feed(chunk));
    res.on('end', () => { w.ended = true; w.wake(); });
    res.on('error', (e) => { w.failure = e; w.ended = true; w.wake(); });
    req.on('error', (e) => { w.failure ??= e; w.ended = true; w.wake(); });
    return w;
  }

  private feed(chunk: string): void {
    this.buf += chunk;
    let i: number;
    while ((i = this.buf.indexOf('\n')) >= 0) {
      const line = this.buf.slice(0, i).trim();
      this.buf = this.buf.slice(i + 1);
      if (!line) continue;
      try {
        const ev: unknown = JSON.parse(line);
        if (isRecord(ev) && typeof ev.type === 'string' && isRecord(ev.object)) this.queue.push(ev as unknown as WatchEvent<T>);
        else this.failure = new Error(`malformed watch event: ${line.slice(0, 200)}`);
      } catch {
        this.failure = new Error(`watch event is not JSON: ${line.slice(0, 200)}`);
      }
    }
    this.wake();
  }

  private wake(): void {
    const ws = this.waiters;
    this.waiters = [];
    for (const f of ws) f();
  }

  get closed(): boolean { return this.ended && this.queue.length === 0; }

  /**
   * The next event, or null when none arrives within timeoutMs. Throws WatchClosedError when
   * the stream has ended and everything it delivered has been read.
   */
  async next(timeoutMs: number): Promise<WatchEvent<T> | null> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const ev = this.queue.shift();
      if (ev) return ev;
      if (this.failure) throw this.failure;
      if (this.ended) throw new WatchClosedError(this.path);
      const left = deadline - Date.now();
      if (left <= 0) return null;
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => { clearTimeout(t); resolve(); });
      });
    }
  }

  stop(): void {
    this.ended = true;
    this.req.destroy();
    this.wake();
  }
}

/**
 * watchtools.Until: watch `path` from `resourceVersion` (never "" or "0"), re-opening from the
 * last seen resourceVersion if the server ends the stream, until `condition` accepts an
 * event. Bookmarks only move the resourceVersion on. Returns the accepted event.
 */
export async function watchUntil<T extends KObject = KObject>(
  client: RestClient,
  path: string,
  query: Query,
  resourceVersion: string,
  timeoutMs: number,
  condition: (ev: WatchEvent<T>) => boolean,
  signal?: AbortSignal,
): Promise<WatchEvent<T>> {
  if (!resourceVersion || resourceVersion === '0') throw new Error(`watchUntil needs a concrete resourceVersion, got ${JSON.stringify(resourceVersion)}`);
  const deadline = Date.now() + timeoutMs;
  let rv = resourceVersion;
  let seen = 0;
  while (Date.now() < deadline) {
    const w = await WatchStream.open<T>(client, path, { ...query, resourceVersion: rv, allowWatchBookmarks: 'true' }, signal);
    try {
      for (;;) {
        const left = deadline - Date.now();
        if (left <= 0) break;
        let ev: WatchEvent<T> | null;
        try {
          ev = await w.next(left);
        } catch (e) {
          if (e instanceof WatchClosedError) break; // re-open from rv
          throw e;
        }
        if (!ev) break;
        if (ev.type === 'ERROR') {
          const st = ev.object as unknown as Status;
          throw new Error(`watch error event: ${st.code ?? ''} ${st.reason ?? ''} ${st.message ?? ''}`.trim());
        }
        const evRv = ev.object.metadata?.resourceVersion;
        if (evRv) rv = evRv;
        if (ev.type === 'BOOKMARK') continue;
        seen++;
        if (condition(ev)) return ev;
      }
    } finally {
      w.stop();
    }
  }
  throw new Error(`timed out after ${Math.round(timeoutMs / 1000)}s waiting for the condition on a watch of ${path} (${seen} events seen)`);
}
