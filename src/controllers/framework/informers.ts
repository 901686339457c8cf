// Shared informers with indexers (client-go's SharedInformerFactory + Indexer + Lister):
// one list+watch per resource however many controllers read it; each informer keeps a
// namespace index and any indexes controllers add (e.g. pods by owner UID), updated before
// any controller's handler runs, so handlers and reconcilers read a consistent cache.

import { Informer, objectKey, type Handlers, type KObject } from '../../client/informer.ts';
import { RestClient, resource } from '../../client/rest.ts';
import { fromMetaLabelSelector, matchLabels, type LabelSelector, type MetaLabelSelector } from '../../registry/selection.ts';

export type IndexFunc<T> = (obj: T) => string[];

export class SharedInformer<T extends KObject> {
  readonly informer: Informer<T>;
  private readonly indexFuncs = new Map<string, IndexFunc<T>>();
  private readonly indexes = new Map<string, Map<string, Set<string>>>();
  private started = false;

  constructor(client: RestClient, readonly resourceName: string, onError?: (e: Error) => void) {
    this.informer = new Informer<T>(client, resource(resourceName), {}, onError);
    this.addIndex('namespace', (o) => [o.metadata.namespace ?? '']);
    // Indexes first: every controller handler sees them up to date.
    this.informer.addHandlers({
      add: (o) => this.index(o, undefined),
      update: (old, o) => this.index(o, old),
      delete: (o) => this.unindex(o),
    });
  }

  /** Add an index; must come before start(). */
  addIndex(name: string, fn: IndexFunc<T>): this {
    if (this.indexFuncs.has(name)) return this;
    if (this.started) throw new Error(`index ${name} added to ${this.resourceName} after start`);
    this.indexFuncs.set(name, fn);
    this.indexes.set(name, new Map());
    return this;
  }

  addHandlers(h: Handlers<T>): this {
    this.informer.addHandlers(h);
    return this;
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    this.informer.start();
  }

  get synced(): Promise<void> { return this.informer.synced; }

  stop(): Promise<void> { return this.informer.stop(); }

  /** The cached object by namespace and name (name alone for cluster-scoped kinds). */
  get(namespace: string | undefined, name: string): T | undefined {
    return this.informer.store.get(namespace ? `${namespace}/${name}` : name);
  }

  getByKey(key: string): T | undefined { return this.informer.store.get(key); }

  /** Cached objects, in one namespace when given, optionally those whose labels match. */
  list(namespace?: string, selector?: LabelSelector): T[] {
    const objs = namespace === undefined ? this.informer.store.values() : this.byIndex('namespace', namespace);
    const out: T[] = [];
    for (const o of objs) if (!selector || matchLabels(selector, o.metadata.labels)) out.push(o);
    return out;
  }

  /** Objects whose index `name` holds `value`. */
  byIndex(name: string, value: string): T[] {
    const keys = this.indexes.get(name)?.get(value);
    if (!keys) return [];
    const out: T[] = [];
    for (const k of keys) {
      const o = this.informer.store.get(k);
      if (o) out.push(o);
    }
    return out;
  }

  private index(obj: T, old: T | undefined): void {
    if (old) this.unindex(old);
    const key = objectKey(obj);
    for (const [name, fn] of this.indexFuncs) {
      const idx = this.indexes.get(name) as Map<string, Set<string>>;
      for (const v of fn(obj)) {
        let set = idx.get(v);
        if (!set) idx.set(v, (set = new Set()));
        set.add(key);
      }
    }
  }

  private unindex(obj: T): void {
    const key = objectKey(obj);
    for (const [name, fn] of this.indexFuncs) {
      const idx = this.indexes.get(name) as Map<string, Set<string>>;
      for (const v of fn(obj)) {
        const set = idx.get(v);
        if (!set) continue;
        set.delete(key);
        if (set.size === 0) idx.delete(v);
      }
    }
  }
}

export class InformerFactory {
  private readonly informers = new Map<string, SharedInformer<KObject>>();

  constructor(private readonly client: RestClient, private readonly onError?: (e: Error) => void) {}

  /** The shared informer of a resource ('pods', 'apps/replicasets', ...); created on first ask. */
  for<T extends KObject>(resourceName: string): SharedInformer<T> {
    let inf = this.informers.get(resourceName);
    if (!inf) {
      inf = new SharedInformer<KObject>(this.client, resourceName, this.onError);
      this.informers.set(resourceName, inf);
    }
    return inf as unknown as SharedInformer<T>;
  }

  start(): void { for (const inf of this.informers.values()) inf.start(); }

  async synced(): Promise<void> { await Promise.all([...this.informers.values()].map((i) => i.synced)); }

  async stop(): Promise<void> { await Promise.all([...this.informers.values()].map((i) => i.stop())); }
}

/** A metav1.LabelSelector as a matcher; a missing selector matches nothing (upstream's rule for controllers). */
export function selectorFor(ls: MetaLabelSelector | undefined): LabelSelector | undefined {
  if (!ls || typeof ls !== 'object') return undefined;
  try {
    return fromMetaLabelSelector(ls);
  } catch {
    return undefined; // an invalid operator: validation refuses it, so only an old object has one
  }
}

/** Index function: the UIDs of an object's owners (for "dependents of X" lookups). */
export const byOwnerUid: IndexFunc<KObject> = (o) => {
  const refs = (o.metadata as { ownerReferences?: { uid: string }[] }).ownerReferences;
  return refs ? refs.map((r) => r.uid) : [];
};
