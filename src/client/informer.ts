// Informers: list, then watch from the list's resourceVersion, keeping a local cache of
// the objects and telling handlers about adds, updates and deletes (client-go's
// Reflector + Store + SharedInformer, reduced). A watch that ends is resumed from the
// last seen revision; a 410 Expired (or a watch that cannot resume) relists and
// reports the difference as events, so handlers never miss a change.

import type { IncomingMessage } from 'node:http';
import type { ResourceInfo } from '../../api/resources.ts';
import { ApiError, RestClient, isGone, resourcePath, withQuery, type Query } from './rest.ts';

export interface KObject {
  apiVersion?: string;
  kind?: string;
  metadata: { name: string; namespace?: string; uid?: string; resourceVersion?: string; labels?: Record<string, string>; [k: string]: unknown };
  [k: string]: unknown;
}

export interface WatchEvent<T> { type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR'; object: T }

export interface Handlers<T> {
  add?(obj: T): void;
  update?(oldObj: T, newObj: T): void;
  delete?(obj: T): void;
}

export const objectKey = (o: KObject): string => (o.metadata.namespace ? `${o.metadata.namespace}/${o.metadata.name}` : o.metadata.name);

export interface InformerOptions {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  /** Watch timeout asked of the server (it ends the watch; the informer resumes). */
  timeoutSeconds?: number;
  /**
   * Keep metadata.managedFields on cached objects. Off by default, as upstream's controller
   * manager trims them in its informers: no component reads them, and they are some 40 % of
   * a pod's JSON, kept for every cached object and walked by every collection of its heap.
   */
  keepManagedFields?: boolean;
}

/**
 * Streams watch events of one GET ?watch=1 as they arrive (newline-delimited JSON).
 * Resolves when the stream ends; the caller decides whether to resume.
 */
export function watchStream<T>(client: RestClient, path: string, onEvent: (e: WatchEvent<T>) => void, signal: { aborted: boolean; onAbort?: () => void }): Promise<void> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const done = (err?: Error) => {
      if (settled) return;
      settled = true;
      if (err) reject(err); else resolve();
    };
    const req = client.stream(path, (res: IncomingMessage) => {
      if (res.statusCode !== 200) {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          let st: { reason?: string; message?: string } = {};
          try { st = JSON.parse(Buffer.concat(chunks).toString('utf8')); } catch { /* not a Status */ }
          done(new ApiError(res.statusCode ?? 0, st.reason ?? '', st.message ?? `watch ${path}: HTTP ${res.statusCode}`));
        });
        return;
      }
      let pending = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        pending += chunk;
        let nl: number;
        while ((nl = pending.indexOf('\n')) >= 0) {
          const line = pending.slice(0, nl);
          pending = pending.slice(nl + 1);
          if (!line.trim()) continue;
          let ev: WatchEvent<T>;
          try { ev = JSON.parse(line) as WatchEvent<T>; } catch { continue; }
          try { onEvent(ev); } catch (e) { req.destroy(); done(e as Error); return; }
        }
      });
      res.on('end', () => done());
      res.on('error', (e) => done(e));
      res.on('aborted', () => done());
    }, (e) => done(signal.aborted ? undefined : e));
    signal.onAbort = () => { req.destroy(); done(); };
  });
}

export class Informer<T extends KObject> {
  readonly store = new Map<string, T>();
  private readonly handlers: Handlers<T>[] = [];
  private resourceVersion = '';
  private readonly signal: { aborted: boolean; onAbort?: () => void } = { aborted: false };
  private syncedResolve!: () => void;
  /** Resolves once the first list has been delivered to the handlers. */
  readonly synced: Promise<void> = new Promise((r) => { this.syncedResolve = r; });
  private running: Promise<void> | undefined;

  constructor(private readonly client: RestClient, private readonly res: ResourceInfo, private readonly opts: InformerOptions = {}, private readonly onError?: (e: Error) => void) {}

  addHandlers(h: Handlers<T>): this {
    this.handlers.push(h);
    return this;
  }

  get(key: string): T | undefined { return this.store.get(key); }

  list(): T[] { return [...this.store.values()]; }

  start(): this {
    this.running ??= this.run();
    return this;
  }

  async stop(): Promise<void> {
    this.signal.aborted = true;
    this.signal.onAbort?.();
    await this.running;
  }

  private query(extra: Query): Query {
    return { labelSelector: this.opts.labelSelector, fieldSelector: this.opts.fieldSelector, ...extra };
  }

  private async run(): Promise<void> {
    let backoff = 100;
    let needList = true;
    while (!this.signal.aborted) {
      try {
        if (needList) {
          await this.relist();
          needList = false;
          this.syncedResolve();
        }
        const path = withQuery(resourcePath(this.res, this.opts.namespace), this.query({
          watch: 1, resourceVersion: this.resourceVersion, allowWatchBookmarks: true,
          timeoutSeconds: this.opts.timeoutSeconds ?? 300 + Math.floor(Math.random() * 300),
        }));
        await watchStream<T>(this.client, path, (ev) => this.onEvent(ev), this.signal);
        backoff = 100;
      } catch (e) {
        if (this.signal.aborted) break;
        if (isGone(e)) { needList = true; continue; }
        this.onError?.(e as Error);
        await new Promise((r) => setTimeout(r, backoff));
        backoff = Math.min(backoff * 2, 5000);
      }
    }
  }

  private onEvent(ev: WatchEvent<T>): void {
    if (ev.type === 'ERROR') {
      const st = ev.object as unknown as { code?: number; reason?: string; message?: string };
      throw new ApiError(st.code ?? 500, st.reason ?? '', st.message ?? 'watch error');
    }
    const obj = ev.object;
    if (obj.metadata.resourceVersion) this.resourceVersion = obj.metadata.resourceVersion;
    if (ev.type === 'BOOKMARK') return;
    this.trim(obj);
    const key = objectKey(obj);
    const old = this.store.get(key);
    if (ev.type === 'DELETED') {
      this.store.delete(key);
      for (const h of this.handlers) h.delete?.(obj);
      return;
    }
    this.store.set(key, obj);
    if (old) for (const h of this.handlers) h.update?.(old, obj);
    else for (const h of this.handlers) h.add?.(obj);
  }

  private trim(obj: T): T {
    // Set to undefined rather than deleted: a delete would turn every metadata into a slow dictionary object.
    if (!this.opts.keepManagedFields && obj.metadata.managedFields !== undefined) obj.metadata.managedFields = undefined;
    return obj;
  }

  /** List everything (by pages) and reconcile the cache with it. */
  private async relist(): Promise<void> {
    const seen = new Map<string, T>();
    let cont: string | undefined;
    let rv = '';
    do {
      const page = await this.client.list<T>(this.res, this.opts.namespace, this.query({ limit: 500, continue: cont }));
      for (const o of page.items) seen.set(objectKey(this.trim(o)), o);
      rv = page.metadata.resourceVersion;
      cont = page.metadata.continue || undefined;
    } while (cont);
    for (const [key, old] of this.store) {
      if (!seen.has(key)) {
        this.store.delete(key);
        for (const h of this.handlers) h.delete?.(old);
      }
    }
    for (const [key, obj] of seen) {
      const old = this.store.get(key);
      this.store.set(key, obj);
      if (!old) for (const h of this.handlers) h.add?.(obj);
      else if (old.metadata.resourceVersion !== obj.metadata.resourceVersion) for (const h of this.handlers) h.update?.(old, obj);
    }
    this.resourceVersion = rv;
  }
}
