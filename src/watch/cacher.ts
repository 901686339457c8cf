// The watch cache: an in-memory mirror of the store fed by the backend's revision log.
// It serves consistent lists (also at a past revision, for paging and Exact reads), keeps
// the retained event history for watch resume, and fans events out to watchers, indexed
// by namespace and by spec.nodeName so that each event reaches only interested watchers.

import type { Backend, Event, KeyValue } from '../registry/store/backend.ts';
import { CompactedError } from '../registry/store/backend.ts';
import type { KubeObject } from '../registry/object.ts';
import { type FieldSelector, type LabelSelector, matchFields, matchLabels, requiredFieldValue } from '../registry/selection.ts';

/** Computes the field-selectable attributes of an object of one resource. */
export type FieldsFn = (obj: KubeObject) => Record<string, string>;

/**
 * Computes what else a resource's readers need of each stored object (the server keeps its
 * Table row cells this way), once per object version: while a live write's decoded object is
 * at hand, or else from a parse that is not kept. Must not keep or mutate obj.
 */
export type DeriveFn = (obj: KubeObject) => unknown;

/** One stored object version. Parsing and attribute extraction happen at most once, on demand. */
export class Entry {
  private parsed?: KubeObject;
  private fieldsCache?: Record<string, string>;
  private bytes?: Buffer;
  private derivedCache?: unknown;

  constructor(
    readonly key: string,
    readonly json: string,
    readonly modRevision: number,
    readonly createRevision: number,
    private readonly fieldsFn: FieldsFn,
    decoded?: KubeObject,
    private readonly deriveFn?: DeriveFn,
  ) {
    this.parsed = decoded;
  }

  /** Drop the decoded form (it is parsed again from json when needed). */
  release(): void {
    this.parsed = undefined;
  }

  /**
   * This version is no longer the current one: only the event history and lists at a past
   * revision still read it, rarely, so its UTF-8 copy and its decoded form (kept once a read
   * or write of the then current object asked for it) go; either is made again if asked for.
   * Every version stays for the retained window, so these copies otherwise made up most of
   * the server's heap under churn (a decoded pod is some hundred objects for the collector).
   */
  superseded(): void {
    this.bytes = undefined;
    this.parsed = undefined;
  }

  /** The decoded object; shared and therefore never to be mutated. */
  get object(): KubeObject {
    return (this.parsed ??= JSON.parse(this.json) as KubeObject);
  }

  /** The decoded object if it is kept, else a fresh parse that this entry does not keep. */
  decode(): KubeObject {
    return this.parsed ?? (JSON.parse(this.json) as KubeObject);
  }

  /** The resource's derived data for this version (see DeriveFn); undefined when it has none. */
  get derived(): unknown {
    if (this.derivedCache === undefined && this.deriveFn) this.derivedCache = this.deriveFn(this.decode()) ?? null;
    return this.derivedCache ?? undefined;
  }

  /**
   * The UTF-8 encoding of json, made once: lists write these without re-encoding. Each has
   * memory of its own rather than a slice of Buffer's shared 8 KiB pool: a pooled slab stays
   * as long as any slice of it does, and with older versions letting theirs go, most slabs
   * ended up held by a single live object's bytes.
   */
  get buffer(): Buffer {
    if (this.bytes === undefined) {
      const b = Buffer.allocUnsafeSlow(Buffer.byteLength(this.json));
      b.write(this.json);
      this.bytes = b;
    }
    return this.bytes;
  }

  private labelsCache?: Record<string, string> | null;

  get labels(): Record<string, string> | undefined {
    if (this.labelsCache === undefined) this.labelsCache = this.object.metadata?.labels ?? null;
    return this.labelsCache ?? undefined;
  }

  get fields(): Record<string, string> {
    return (this.fieldsCache ??= this.fieldsFn(this.object));
  }

  /** The same object as of a later revision (a deletion's last state carries the deletion's resourceVersion). */
  atRevision(revision: number): Entry {
    const obj = JSON.parse(this.json) as KubeObject;
    obj.metadata.resourceVersion = String(revision);
    return new Entry(this.key, JSON.stringify(obj), revision, this.createRevision, this.fieldsFn, obj, this.deriveFn);
  }
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

/** A watch event as handed to sinks; line() is the JSON-stream form, built once and shared by all watchers. */
export class EventView {
  private cached?: string;
  constructor(readonly type: WatchEventType, readonly entry: Entry) {}
  line(): string {
    return (this.cached ??= `{"type":"${this.type}","object":${this.entry.json}}\n`);
  }
}

export interface WatchSink {
  event(view: EventView): void;
  /** Called once after each batch of events so that sinks can write what they buffered. */
  flush(): void;
}

interface HistoryEvent {
  revision: number;
  resource: string;
  key: string;
  /** The object after the event; undefined for deletes. */
  cur?: Entry;
  /** The object before the event; undefined for creates (or when compacted away before we saw it). */
  prev?: Entry;
  /** Whether prev is known: false only for replayed updates whose prior value left the log. */
  prevKnown: boolean;
}

export interface WatchOptions {
  resource: string;
  namespace?: string;
  label: LabelSelector;
  field: FieldSelector;
  /** Deliver events with revision > fromRevision. */
  fromRevision: number;
  /** Before live events, send the state at fromRevision as ADDED events (RV unset/"0", or sendInitialEvents). */
  initialEvents: boolean;
}

export class Watcher {
  stopped = false;
  constructor(
    readonly opts: WatchOptions,
    readonly prefix: string,
    readonly sink: WatchSink,
    readonly indexValue: string | undefined,
    readonly indexField: string | undefined,
  ) {}

  matches(e: Entry | undefined): boolean {
    if (!e || !e.key.startsWith(this.prefix)) return false;
    if (!this.opts.label.empty && !matchLabels(this.opts.label, e.labels)) return false;
    if (!this.opts.field.empty && !matchFields(this.opts.field, e.fields)) return false;
    return true;
  }

  /** Translate a change into this watcher's view (selector transitions become ADDED/DELETED). */
  deliver(h: HistoryEvent, views: ViewCache): boolean {
    const curOk = this.matches(h.cur);
    const prevOk = this.matches(h.prev);
    if (curOk) {
      this.sink.event(prevOk ? views.get('MODIFIED', h) : views.get('ADDED', h));
      return true;
    }
    if (prevOk) {
      this.sink.event(views.get('DELETED', h));
      return true;
    }
    return false;
  }
}

/** Per-event cache of the three possible views, so every watcher shares one serialisation. */
class ViewCache {
  private h?: HistoryEvent;
  private added?: EventView;
  private modified?: EventView;
  private deleted?: EventView;

  reset(h: HistoryEvent): void {
    this.h = h;
    this.added = this.modified = this.deleted = undefined;
  }

  get(type: WatchEventType, h: HistoryEvent): EventView {
    if (this.h !== h) this.reset(h);
    switch (type) {
      case 'ADDED': return (this.added ??= new EventView('ADDED', h.cur!));
      case 'MODIFIED': return (this.modified ??= new EventView('MODIFIED', h.cur!));
      case 'DELETED': return (this.deleted ??= new EventView('DELETED', h.prev!.atRevision(h.revision)));
    }
  }
}

/** Fields by which watchers are indexed, most selective first. */
const INDEXED_FIELDS = ['spec.nodeName', 'metadata.name', 'metadata.namespace'];

class ResourceCache {
  readonly entries = new Map<string, Entry>();
  private sortedKeys: string[] | null = null;
  /** Revision of the last event that touched this resource. */
  lastChange = 0;
  readonly unindexed = new Set<Watcher>();
  readonly indexed = new Map<string, Map<string, Set<Watcher>>>();

  constructor(readonly name: string, readonly fieldsFn: FieldsFn, readonly deriveFn: DeriveFn | undefined) {}

  set(e: Entry): void {
    const prev = this.entries.get(e.key);
    if (prev) prev.superseded();
    else this.sortedKeys = null;
    this.entries.set(e.key, e);
  }

  delete(key: string): void {
    const prev = this.entries.get(key);
    if (!prev) return;
    prev.superseded();
    this.entries.delete(key);
    this.sortedKeys = null;
  }

  keys(): string[] {
    return (this.sortedKeys ??= [...this.entries.keys()].sort());
  }

  addWatcher(w: Watcher): void {
    if (w.indexField === undefined || w.indexValue === undefined) { this.unindexed.add(w); return; }
    let byValue = this.indexed.get(w.indexField);
    if (!byValue) this.indexed.set(w.indexField, (byValue = new Map()));
    let set = byValue.get(w.indexValue);
    if (!set) byValue.set(w.indexValue, (set = new Set()));
    set.add(w);
  }

  removeWatcher(w: Watcher): void {
    if (w.indexField === undefined || w.indexValue === undefined) { this.unindexed.delete(w); return; }
    const byValue = this.indexed.get(w.indexField);
    const set = byValue?.get(w.indexValue);
    set?.delete(w);
    if (set && set.size === 0) byValue!.delete(w.indexValue);
  }

  /** Watchers that may care about this change: unindexed ones plus those indexed on the old or new value. */
  candidates(h: HistoryEvent, out: Set<Watcher>): void {
    for (const w of this.unindexed) out.add(w);
    for (const [field, byValue] of this.indexed) {
      const a = h.cur?.fields[field];
      const b = h.prev?.fields[field];
      if (a !== undefined) byValue.get(a)?.forEach((w) => out.add(w));
      if (b !== undefined && b !== a) byValue.get(b)?.forEach((w) => out.add(w));
    }
  }
}

export interface CacherOptions {
  /** Maps a resource's storage name ("pods") to its field-selectable attributes. */
  fieldsFor: (resource: string) => FieldsFn;
  /** Maps a resource's storage name to what else to derive from each of its objects, if anything. */
  deriveFor?: (resource: string) => DeriveFn | undefined;
  /** Keep at most this many events in memory (older resumes are served from the backend log). */
  maxHistory?: number;
}

export interface ListOptions {
  namespace?: string;
  label: LabelSelector;
  field: FieldSelector;
  /** Read at this revision (continue tokens, resourceVersionMatch=Exact); current when undefined. */
  revision?: number;
  /** Return keys strictly after this one. */
  startKey?: string;
  limit?: number;
}

export interface ListResult {
  revision: number;
  items: Entry[];
  /** Key of the last returned item when more remain. */
  continueKey?: string;
  remainingItemCount?: number;
}

/** Extracts the resource name from a storage key: /registry/<resource>/... */
export function resourceOfKey(key: string): string {
  const end = key.indexOf('/', 10);
  return key.slice(10, end < 0 ? undefined : end);
}

export class Cacher {
  private readonly resources = new Map<string, ResourceCache>();
  private history: HistoryEvent[] = [];
  /** Revision of history[0]; history is contiguous in revision. */
  private historyStart = 1;
  private revision = 0;
  private stopBackendWatch?: () => void;
  private readonly maxHistory: number;
  private readonly views = new ViewCache();
  /** Objects the writer already decoded, by revision: saves re-parsing what we just serialised. */
  private readonly decoded = new Map<number, KubeObject>();
  private readonly waiters: { revision: number; resolve: () => void }[] = [];
  private readonly watchers = new Set<Watcher>();

  constructor(private readonly backend: Backend, private readonly options: CacherOptions) {
    this.maxHistory = options.maxHistory ?? 500_000;
  }

  private cache(resource: string): ResourceCache {
    let c = this.resources.get(resource);
    if (!c) this.resources.set(resource, (c = new ResourceCache(resource, this.options.fieldsFor(resource), this.options.deriveFor?.(resource))));
    return c;
  }

  private entry(kv: KeyValue, resource: ResourceCache): Entry {
    const decoded = this.decoded.get(kv.modRevision);
    if (decoded) this.decoded.delete(kv.modRevision);
    const e = new Entry(kv.key, kv.value, kv.modRevision, kv.createRevision, resource.fieldsFn, decoded, resource.deriveFn);
    if (decoded) {
      // Encode live writes now, a few microseconds each, so that a large list never pays for
      // thousands at once; take the selectable fields (and derived data such as Table cells)
      // from the decoded object, then let it go: keeping every object decoded as well as
      // serialised doubles the heap a collection walks.
      void e.buffer;
      void e.fields;
      void e.labels;
      void e.derived;
      e.release();
    }
    return e;
  }

  async start(): Promise<void> {
    const { revision, kvs } = await this.backend.list('/registry/');
    for (const kv of kvs) {
      const rc = this.cache(resourceOfKey(kv.key));
      rc.set(this.entry(kv, rc));
    }
    this.revision = revision;
    const from = this.backend.compactRevision();
    this.historyStart = from + 1;
    this.stopBackendWatch = this.backend.watch(from, (events) => this.onEvents(events, revision));
  }

  stop(): void {
    this.stopBackendWatch?.();
    for (const w of this.watchers) w.stopped = true;
    this.watchers.clear();
  }

  currentRevision(): number { return this.revision; }

  /** Hand over an object that is about to be written at this revision, already decoded. */
  noteDecoded(revision: number, obj: KubeObject): void {
    this.decoded.set(revision, obj);
  }

  forgetDecoded(revision: number): void {
    this.decoded.delete(revision);
  }

  /** Resolves when the cache has seen revision (read-your-writes for a client that wrote through another path). */
  waitForRevision(revision: number): Promise<void> {
    if (this.revision >= revision) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ revision, resolve }));
  }

  private onEvents(events: Event[], loadedAt: number): void {
    const touched = new Set<Watcher>();
    const candidates = new Set<Watcher>();
    for (const ev of events) {
      const rc = this.cache(resourceOfKey(ev.key));
      if (ev.revision <= loadedAt) {
        // Replay of the retained log at start: history only; the state already includes it.
        const cur = ev.kv ? this.entry(ev.kv, rc) : undefined;
        const prev = ev.prevKv ? this.entry(ev.prevKv, rc) : undefined;
        const isCreate = ev.type === 'put' && ev.kv?.createRevision === ev.revision;
        rc.lastChange = Math.max(rc.lastChange, ev.revision);
        this.pushHistory({ revision: ev.revision, resource: rc.name, key: ev.key, cur, prev, prevKnown: isCreate || prev !== undefined });
        continue;
      }
      const prev = rc.entries.get(ev.key);
      let cur: Entry | undefined;
      if (ev.type === 'put' && ev.kv) {
        cur = this.entry(ev.kv, rc);
        rc.set(cur);
      } else {
        rc.delete(ev.key);
      }
      rc.lastChange = ev.revision;
      const h: HistoryEvent = { revision: ev.revision, resource: rc.name, key: ev.key, cur, prev, prevKnown: true };
      this.pushHistory(h);
      this.revision = ev.revision;
      candidates.clear();
      rc.candidates(h, candidates);
      for (const w of candidates) {
        if (!w.stopped && w.deliver(h, this.views)) touched.add(w);
      }
    }
    for (const w of touched) w.sink.flush();
    this.trimHistory();
    if (this.waiters.length > 0) {
      for (let i = this.waiters.length - 1; i >= 0; i--) {
        if (this.waiters[i].revision <= this.revision) { this.waiters[i].resolve(); this.waiters.splice(i, 1); }
      }
    }
  }

  private pushHistory(h: HistoryEvent): void {
    if (this.history.length === 0) this.historyStart = h.revision;
    this.history.push(h);
  }

  private trimHistory(): void {
    // Follow the backend's compaction (the retained window) and our own memory cap.
    const keepFrom = Math.max(this.backend.compactRevision() + 1, this.revision - this.maxHistory + 1);
    const drop = keepFrom - this.historyStart;
    if (drop > 1024 || (drop > 0 && drop >= this.history.length / 4)) {
      this.history = this.history.slice(Math.min(drop, this.history.length));
      this.historyStart = keepFrom;
    }
  }

  /** The oldest revision a watch or paged list may start from. */
  oldestRevision(): number {
    return Math.max(this.historyStart - 1, this.backend.compactRevision());
  }

  get(resource: string, key: string): Entry | undefined {
    return this.resources.get(resource)?.entries.get(key);
  }

  /** Entries of a resource whose keys start with prefix, in key order. */
  list(resource: string, prefix: string, opts: ListOptions): ListResult {
    const rc = this.cache(resource);
    const revision = opts.revision ?? this.revision;
    if (revision < this.oldestRevision()) throw new CompactedError(revision, this.oldestRevision());
    const state = revision >= rc.lastChange ? undefined : this.stateAt(rc, prefix, revision);
    const keys = state ? [...state.keys()].sort() : rc.keys();
    const entries = state ?? rc.entries;
    let i = lowerBound(keys, opts.startKey !== undefined ? opts.startKey + '\0' : prefix);
    const limit = opts.limit && opts.limit > 0 ? opts.limit : Infinity;
    const filtered = !opts.label.empty || !opts.field.empty;
    const items: Entry[] = [];
    let continueKey: string | undefined;
    for (; i < keys.length; i++) {
      const key = keys[i];
      if (!key.startsWith(prefix)) break;
      const e = entries.get(key)!;
      if (filtered) {
        if (!opts.label.empty && !matchLabels(opts.label, e.labels)) continue;
        if (!opts.field.empty && !matchFields(opts.field, e.fields)) continue;
      }
      if (items.length >= limit) { continueKey = items[items.length - 1].key; break; }
      items.push(e);
    }
    let remainingItemCount: number | undefined;
    if (continueKey !== undefined && !filtered) {
      let rest = 0;
      for (; i < keys.length && keys[i].startsWith(prefix); i++) rest++;
      remainingItemCount = rest;
    }
    return { revision, items, continueKey, remainingItemCount };
  }

  /** Reconstruct the entries under prefix as of revision by undoing later history. */
  private stateAt(rc: ResourceCache, prefix: string, revision: number): Map<string, Entry> {
    const state = new Map<string, Entry>();
    for (const [k, e] of rc.entries) if (k.startsWith(prefix)) state.set(k, e);
    for (let i = this.history.length - 1; i >= 0; i--) {
      const h = this.history[i];
      if (h.revision <= revision) break;
      if (h.resource !== rc.name || !h.key.startsWith(prefix)) continue;
      if (!h.prevKnown) throw new CompactedError(revision, h.revision);
      if (h.prev) state.set(h.key, h.prev);
      else state.delete(h.key);
    }
    return state;
  }

  /**
   * Start a watch. Events after opts.fromRevision (and, when asked, the state at that
   * revision as ADDED events) are delivered synchronously from history before this returns;
   * live events follow. Throws CompactedError when fromRevision is too old.
   */
  watch(opts: WatchOptions, sink: WatchSink, prefix: string): () => void {
    const rc = this.cache(opts.resource);
    const from = Math.min(opts.fromRevision, this.revision);
    if (from < this.oldestRevision()) throw new CompactedError(from, this.oldestRevision());
    let indexField: string | undefined;
    let indexValue: string | undefined;
    for (const f of INDEXED_FIELDS) {
      const v = f === 'metadata.namespace' && opts.namespace !== undefined ? opts.namespace : requiredFieldValue(opts.field, f);
      if (v !== undefined) { indexField = f; indexValue = v; break; }
    }
    const w = new Watcher(opts, prefix, sink, indexValue, indexField);
    if (opts.initialEvents) {
      const { items } = this.list(opts.resource, prefix, { namespace: opts.namespace, label: opts.label, field: opts.field, revision: from });
      for (const e of items) sink.event(new EventView('ADDED', e));
    }
    for (let i = from + 1 - this.historyStart; i < this.history.length; i++) {
      if (i < 0) continue;
      const h = this.history[i];
      if (h.resource === rc.name && h.key.startsWith(prefix)) w.deliver(h, this.views);
    }
    sink.flush();
    rc.addWatcher(w);
    this.watchers.add(w);
    return () => {
      w.stopped = true;
      rc.removeWatcher(w);
      this.watchers.delete(w);
    };
  }

  /** Number of registered watchers (for tests and metrics). */
  watcherCount(): number {
    return this.watchers.size;
  }
}

function lowerBound(keys: string[], target: string): number {
  let lo = 0, hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (keys[mid] < target) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
