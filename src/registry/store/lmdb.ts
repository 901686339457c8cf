// The embedded backend: LMDB with one global revision counter. Each write puts the object
// and appends to the revision log in one transaction; writes issued together share one
// durable commit (group commit) and are acknowledged only once it is on disk.

import { open, type Database, type RootDatabase } from 'lmdb';
import {
  type Backend, type Encoder, type Event, type KeyValue, type ListResult, type WatchCallback,
  CompactedError, KeyExistsError, KeyNotFoundError, RevisionConflictError,
} from './backend.ts';

interface ObjectRecord { v: string; c: number; m: number }
interface LogRecord { k: string; t: 0 | 1; v?: string; c: number; p: number; ts: number }

interface PendingWrite {
  event: Event;
  log: LogRecord;
  resolve: () => void;
  reject: (e: unknown) => void;
}

export interface LmdbBackendOptions {
  path: string;
  /** How long log entries are kept for watch resume and consistent paging (default 5 minutes). */
  retainWindowMs?: number;
  /** Skip fsync (tests of throughput only; never for real use). */
  noSync?: boolean;
}

const COMPACTED_KEY = 'compacted';

export class LmdbBackend implements Backend {
  private readonly root: RootDatabase;
  private readonly objects: Database<ObjectRecord, string>;
  private readonly log: Database<LogRecord, number>;
  private readonly meta: Database<number, string>;
  /** modRevision/createRevision per key, including writes not yet acknowledged, for the guards. */
  private readonly index = new Map<string, { c: number; m: number }>();
  private assigned = 0;
  private acked = 0;
  private compacted = 0;
  private pending: PendingWrite[] = [];
  private flushScheduled = false;
  /** A commit is on its way to disk; later writes queue for the next one. */
  private committing = false;
  private inflight: Promise<void> = Promise.resolve();
  private readonly watchers = new Set<WatchCallback>();
  private readonly retainWindowMs: number;
  private compactTimer?: NodeJS.Timeout;
  private closed = false;

  constructor(options: LmdbBackendOptions) {
    this.root = open({
      path: options.path,
      mapSize: 2 * 1024 * 1024 * 1024,
      overlappingSync: false,
      noSync: options.noSync ?? false,
      // Values are our own JSON strings inside small records; structured cloning would only cost time.
      sharedStructuresKey: undefined,
    });
    this.objects = this.root.openDB<ObjectRecord, string>({ name: 'objects' });
    this.log = this.root.openDB<LogRecord, number>({ name: 'log', keyEncoding: 'uint32' });
    this.meta = this.root.openDB<number, string>({ name: 'meta' });
    this.retainWindowMs = options.retainWindowMs ?? 5 * 60_000;
    this.load();
    const every = Math.max(50, Math.min(this.retainWindowMs / 2, 30_000));
    this.compactTimer = setInterval(() => void this.compactByWindow(), every);
    this.compactTimer.unref();
  }

  private load(): void {
    for (const { key, value } of this.objects.getRange()) this.index.set(key, { c: value.c, m: value.m });
    this.compacted = this.meta.get(COMPACTED_KEY) ?? 0;
    let last = this.compacted;
    for (const key of this.log.getKeys({ reverse: true, limit: 1 })) last = Math.max(last, key);
    this.assigned = this.acked = last;
  }

  currentRevision(): number { return this.acked; }
  compactRevision(): number { return this.compacted; }

  async get(key: string): Promise<KeyValue | undefined> {
    const r = this.objects.get(key);
    return r ? { key, value: r.v, createRevision: r.c, modRevision: r.m } : undefined;
  }

  async list(prefix: string, options: { startKey?: string; limit?: number } = {}): Promise<ListResult> {
    const revision = this.acked;
    const kvs: KeyValue[] = [];
    const limit = options.limit && options.limit > 0 ? options.limit : Infinity;
    let more = false;
    const start = options.startKey !== undefined && options.startKey >= prefix ? options.startKey + '\0' : prefix;
    for (const { key, value } of this.objects.getRange({ start, end: prefix + '\uffff' })) {
      if (kvs.length >= limit) { more = true; break; }
      kvs.push({ key, value: value.v, createRevision: value.c, modRevision: value.m });
    }
    return { revision, kvs, more };
  }

  create(key: string, encode: Encoder): Promise<KeyValue> {
    if (this.index.has(key)) return Promise.reject(new KeyExistsError(key));
    const revision = ++this.assigned;
    const kv: KeyValue = { key, value: encode(revision), createRevision: revision, modRevision: revision };
    this.index.set(key, { c: revision, m: revision });
    return this.enqueue({ type: 'put', revision, key, kv }, { k: key, t: 0, v: kv.value, c: revision, p: 0, ts: Date.now() }).then(() => kv);
  }

  update(key: string, expectedRevision: number, encode: Encoder): Promise<KeyValue> {
    const cur = this.index.get(key);
    if (!cur) return Promise.reject(new KeyNotFoundError(key));
    if (cur.m !== expectedRevision) return Promise.reject(new RevisionConflictError(key, expectedRevision, cur.m));
    const revision = ++this.assigned;
    const kv: KeyValue = { key, value: encode(revision), createRevision: cur.c, modRevision: revision };
    const prev = cur.m;
    cur.m = revision;
    return this.enqueue({ type: 'put', revision, key, kv }, { k: key, t: 0, v: kv.value, c: cur.c, p: prev, ts: Date.now() }).then(() => kv);
  }

  async delete(key: string, expectedRevision?: number): Promise<{ revision: number; prevKv: KeyValue }> {
    const cur = this.index.get(key);
    if (!cur) throw new KeyNotFoundError(key);
    if (expectedRevision !== undefined && cur.m !== expectedRevision) throw new RevisionConflictError(key, expectedRevision, cur.m);
    // The previous value is needed by watchers (the DELETED event carries the last state).
    let prevValue = this.pendingValue(key, cur.m);
    if (prevValue === undefined) prevValue = this.objects.get(key)?.v ?? '';
    const prevKv: KeyValue = { key, value: prevValue, createRevision: cur.c, modRevision: cur.m };
    const revision = ++this.assigned;
    this.index.delete(key);
    await this.enqueue({ type: 'delete', revision, key, prevKv }, { k: key, t: 1, c: cur.c, p: cur.m, ts: Date.now() });
    return { revision, prevKv };
  }

  private pendingValue(key: string, revision: number): string | undefined {
    for (let i = this.pending.length - 1; i >= 0; i--) {
      const w = this.pending[i];
      if (w.event.key === key && w.event.revision === revision) return w.event.kv?.value;
    }
    return undefined;
  }

  private enqueue(event: Event, log: LogRecord): Promise<void> {
    if (this.closed) return Promise.reject(new Error('store is closed'));
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ event, log, resolve, reject });
      // One commit in flight at a time: writes that arrive while one is being flushed wait
      // and go together in the next (group commit), which starts as soon as it is acknowledged.
      if (!this.flushScheduled && !this.committing) {
        this.flushScheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /** Commit everything queued since the last flush as one transaction; acknowledge in revision order. */
  private flush(): void {
    this.flushScheduled = false;
    if (this.committing) return;
    const batch = this.pending;
    if (batch.length === 0) return;
    this.pending = [];
    // Writes issued in one event turn form one LMDB transaction (lmdb-js batches them and
    // commits them together), so the last put's promise settles for the whole batch.
    let committed: Promise<boolean> = Promise.resolve(true);
    for (const w of batch) {
      const e = w.event;
      if (e.type === 'put' && e.kv) void this.objects.put(e.key, { v: e.kv.value, c: e.kv.createRevision, m: e.kv.modRevision });
      else void this.objects.remove(e.key);
      committed = this.log.put(e.revision, w.log);
    }
    this.committing = true;
    this.inflight = committed.then(
      () => this.settle(batch, undefined),
      (err: unknown) => this.settle(batch, err),
    );
  }

  private settle(batch: PendingWrite[], err: unknown): void {
    this.committing = false;
    if (err === undefined) this.acknowledge(batch);
    else this.fail(batch, err);
    if (this.pending.length > 0 && !this.flushScheduled) this.flush();
  }

  private acknowledge(batch: PendingWrite[]): void {
    this.acked = batch[batch.length - 1].event.revision;
    const events = batch.map((w) => w.event);
    for (const cb of this.watchers) cb(events);
    for (const w of batch) w.resolve();
  }

  private logValue(key: string, revision: number): KeyValue | undefined {
    if (revision <= this.compacted) return undefined;
    const rec = this.log.get(revision);
    if (!rec || rec.t !== 0 || rec.v === undefined) return undefined;
    return { key, value: rec.v, createRevision: rec.c, modRevision: revision };
  }

  private fail(batch: PendingWrite[], err: unknown): void {
    // The commit did not happen: forget the optimistic index entries and rebuild from disk.
    this.index.clear();
    this.load();
    for (const w of batch) w.reject(err);
  }

  async sync(): Promise<void> {
    while (this.committing || this.pending.length > 0) {
      if (!this.committing) this.flush();
      await this.inflight;
    }
  }

  watch(fromRevision: number, callback: WatchCallback): () => void {
    if (fromRevision < this.compacted) throw new CompactedError(fromRevision, this.compacted);
    if (fromRevision < this.acked) {
      const replay: Event[] = [];
      for (const { key: revision, value: rec } of this.log.getRange({ start: fromRevision + 1, end: this.acked + 1 })) {
        replay.push(this.eventFromLog(revision, rec));
      }
      if (replay.length > 0) callback(replay);
    }
    this.watchers.add(callback);
    return () => { this.watchers.delete(callback); };
  }

  private eventFromLog(revision: number, rec: LogRecord): Event {
    const prevKv = rec.p ? this.logValue(rec.k, rec.p) : undefined;
    if (rec.t === 1) return { type: 'delete', revision, key: rec.k, prevKv };
    return { type: 'put', revision, key: rec.k, kv: { key: rec.k, value: rec.v ?? '', createRevision: rec.c, modRevision: revision }, prevKv };
  }

  async compact(revision: number): Promise<void> {
    const upTo = Math.min(revision, this.acked - 1);
    if (upTo <= this.compacted) return;
    const from = this.compacted;
    this.compacted = upTo;
    await this.root.transaction(() => {
      for (const key of this.log.getKeys({ start: from + 1, end: upTo + 1 })) void this.log.remove(key);
      void this.meta.put(COMPACTED_KEY, upTo);
    });
  }

  /** Compact everything older than the retained window. */
  private async compactByWindow(): Promise<void> {
    if (this.closed) return;
    const cutoff = Date.now() - this.retainWindowMs;
    let upTo = this.compacted;
    for (const { key, value } of this.log.getRange({ start: this.compacted + 1 })) {
      if (value.ts >= cutoff) break;
      upTo = key;
    }
    if (upTo > this.compacted) await this.compact(upTo);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await this.sync();
    this.closed = true;
    clearInterval(this.compactTimer);
    this.watchers.clear();
    await this.root.close();
  }
}
