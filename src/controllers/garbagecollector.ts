// The garbage collector (upstream's pkg/controller/garbagecollector): it watches every served
// kind that can own or be owned, keeps the dependency graph of their ownerReferences, and
// deletes what nothing owns any more.
//   background: an object all of whose owners are gone (absent, or present with another UID)
//     is deleted; an object with some owners left only loses the references to the gone ones.
//   foreground: an owner deleted with the foregroundDeletion finalizer has its dependents
//     deleted (in foreground too); the finalizer goes once no dependent with
//     blockOwnerDeletion is left, and the owner with it.
//   orphan: an owner deleted with the orphan finalizer has its references removed from its
//     dependents, then loses the finalizer.
// Ownership cycles never wedge it: a dependent that must be deleted in foreground while one of
// its own dependents already is, stops blocking its owners first.
// Absence of an owner is always confirmed by a live GET, never by the cache alone.

import { groupVersion, isStored, resources, type ResourceInfo } from '../../api/resources.ts';
import type { KObject } from '../client/informer.ts';
import { isConflict, isNotFound, type RestClient } from '../client/rest.ts';
import { Controller, type ControllerContext } from './framework/controller.ts';
import type { InformerFactory, SharedInformer } from './framework/informers.ts';
import {
  DependencyGraph, FINALIZER_FOREGROUND, FINALIZER_ORPHAN, groupOf, hasFinalizer,
  type GraphNode, type Identity, type ObjectMeta, type OwnerReference,
} from './garbagecollector/graph.ts';
import type { ControllerFactory } from './registry.ts';

type GCObject = KObject & { metadata: KObject['metadata'] & ObjectMeta };

/** Kinds the collector never looks at (upstream ignores events: high churn, never owners). */
const IGNORED = new Set(['/events', 'events.k8s.io/events']);

/** Upstream's --concurrent-gc-syncs is 20; two cores serve us well with fewer. */
const WORKERS = 10;

/** Owners confirmed absent, remembered so their many dependents need not ask again. */
const ABSENT_CACHE_SIZE = 1000;

/** The served resources the collector watches: one per group and plural, the preferred version. */
export function collectedResources(): ResourceInfo[] {
  const seen = new Set<string>();
  const out: ResourceInfo[] = [];
  for (const r of resources) {
    const id = `${r.group}/${r.plural}`;
    if (seen.has(id) || IGNORED.has(id) || !isStored(r)) continue;
    if (!r.verbs.includes('list') || !r.verbs.includes('watch') || !r.verbs.includes('delete')) continue;
    seen.add(id);
    out.push(r);
  }
  return out;
}

/** The resource serving a kind of an apiVersion's group (the served version when the asked one is not). */
function resourceForKind(apiVersion: string, kind: string): ResourceInfo | undefined {
  const group = groupOf(apiVersion);
  const version = apiVersion.slice(apiVersion.indexOf('/') + 1);
  let any: ResourceInfo | undefined;
  for (const r of resources) {
    if (r.group !== group || r.kind !== kind || !isStored(r)) continue;
    if (r.version === version) return r;
    any ??= r;
  }
  return any;
}

const resourceName = (r: ResourceInfo) => (r.group ? `${r.group}/${r.plural}` : r.plural);

class AbsentOwners {
  private readonly keys = new Set<string>();

  private static key(id: Identity): string { return `${id.uid}|${id.namespace ?? ''}|${groupOf(id.apiVersion)}|${id.kind}|${id.name}`; }

  add(id: Identity): void {
    const k = AbsentOwners.key(id);
    this.keys.delete(k);
    this.keys.add(k);
    if (this.keys.size > ABSENT_CACHE_SIZE) this.keys.delete(this.keys.values().next().value as string);
  }

  has(id: Identity): boolean { return this.keys.has(AbsentOwners.key(id)); }
}

const deleteKey = (uid: string) => `delete/${uid}`;
const orphanKey = (uid: string) => `orphan/${uid}`;

export class GarbageCollector extends Controller {
  readonly graph: DependencyGraph;
  private readonly client: RestClient;
  private readonly informers = new Map<string, SharedInformer<GCObject>>();
  private readonly absent = new AbsentOwners();
  /** Virtual owners that exist but are not yet observed: how often each was looked at. */
  private readonly unobservedPolls = new Map<string, number>();
  /**
   * Virtual owners queued only to check that they exist: once the informer has shown them
   * there is nothing left to do (at start-up, every owner whose kind syncs after its
   * dependents' is one of these).
   */
  private readonly verifyOnly = new Set<string>();

  constructor(ctx: ControllerContext) {
    super('garbagecollector', ctx, WORKERS);
    this.client = ctx.client;
    this.graph = new DependencyGraph({
      attemptToDelete: (n, verifyOnly) => {
        if (verifyOnly) this.verifyOnly.add(n.identity.uid);
        else this.verifyOnly.delete(n.identity.uid);
        this.queue.add(deleteKey(n.identity.uid));
      },
      attemptToOrphan: (n) => this.queue.add(orphanKey(n.identity.uid)),
      namespaced: (apiVersion, kind) => resourceForKind(apiVersion, kind)?.namespaced,
    });
    for (const r of collectedResources()) this.watch(ctx.informers, r);
  }

  private watch(factory: InformerFactory, r: ResourceInfo): void {
    const inf = factory.for<GCObject>(resourceName(r));
    this.informers.set(`${r.group}/${r.plural}`, inf);
    const apiVersion = groupVersion(r);
    const identity = (o: GCObject): Identity => ({
      apiVersion, kind: r.kind, name: o.metadata.name, namespace: r.namespaced ? o.metadata.namespace : undefined, uid: o.metadata.uid ?? '',
    });
    inf.addHandlers({
      add: (o) => { if (o.metadata.uid) this.graph.observe(identity(o), o.metadata, undefined); },
      update: (old, o) => { if (o.metadata.uid) this.graph.observe(identity(o), o.metadata, old.metadata); },
      delete: (o) => {
        if (!o.metadata.uid) return;
        const node = this.graph.get(o.metadata.uid);
        if (node && node.dependents.size > 0) this.absent.add(node.identity);
        this.graph.forget(o.metadata.uid);
      },
    });
  }

  protected async sync(key: string): Promise<void> {
    const slash = key.indexOf('/');
    const uid = key.slice(slash + 1);
    const node = this.graph.get(uid);
    if (key.startsWith('orphan/')) return node ? this.attemptToOrphan(node) : undefined;
    const verifyOnly = this.verifyOnly.delete(uid);
    if (!node || (verifyOnly && node.observed)) { this.unobservedPolls.delete(uid); return; }
    return this.attemptToDelete(node);
  }

  // ---- reading the world ----

  /** The live object of an identity; undefined when absent or when the name now has another UID. */
  private async getLive(id: Identity): Promise<GCObject | undefined> {
    const r = resourceForKind(id.apiVersion, id.kind);
    if (!r) throw new Error(`garbage collector: no served resource for ${id.apiVersion}, Kind=${id.kind}`);
    try {
      const o = await this.client.get<GCObject>(r, r.namespaced ? id.namespace : undefined, id.name);
      return o.metadata.uid === id.uid ? o : undefined;
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw e;
    }
  }

  /**
   * An owner as a reference from `item` names it: the informer's copy when that has the same
   * UID (a stale cache only delays us: its later events bring us back), else a live GET.
   * 'invalid' for a namespaced owner of a cluster-scoped object (never valid; left alone).
   */
  private async ownerOf(item: GraphNode, ref: OwnerReference): Promise<GCObject | 'absent' | 'invalid'> {
    const r = resourceForKind(ref.apiVersion, ref.kind);
    if (!r) throw new Error(`garbage collector: no served resource for ${ref.apiVersion}, Kind=${ref.kind}`);
    if (r.namespaced && !item.identity.namespace) return 'invalid';
    const id: Identity = { apiVersion: ref.apiVersion, kind: ref.kind, name: ref.name, uid: ref.uid, namespace: r.namespaced ? item.identity.namespace : undefined };
    if (this.absent.has(id)) return 'absent';
    const cached = this.informers.get(`${r.group}/${r.plural}`)?.get(id.namespace, ref.name);
    if (cached?.metadata.uid === ref.uid) return cached;
    const live = await this.getLive(id);
    if (!live) { this.absent.add(id); return 'absent'; }
    return live;
  }

  // ---- attemptToDelete ----

  private async attemptToDelete(item: GraphNode): Promise<void> {
    const uid = item.identity.uid;
    if (!item.observed) return this.verifyVirtual(item);
    this.unobservedPolls.delete(uid);
    // Being deleted without foreground: one way to the end; its deletion event brings the dependents.
    if (item.beingDeleted && !item.deletingDependents) return;
    const latest = await this.getLive(item.identity);
    if (!latest) return; // gone or replaced: the informer's delete event follows
    if (item.deletingDependents) return this.processDeletingDependents(item);
    const refs = latest.metadata.ownerReferences ?? [];
    if (refs.length === 0) return;

    const solid: OwnerReference[] = [], dangling: OwnerReference[] = [], waiting: OwnerReference[] = [];
    for (const ref of refs) {
      const owner = await this.ownerOf(item, ref);
      if (owner === 'invalid') {
        this.ctx.logger.warn('garbage collector: a cluster-scoped object names a namespaced owner', { item: describe(item.identity), owner: `${ref.kind}/${ref.name}` });
        return;
      }
      if (owner === 'absent') dangling.push(ref);
      else if (owner.metadata.deletionTimestamp && hasFinalizer(owner.metadata, FINALIZER_FOREGROUND)) waiting.push(ref);
      else solid.push(ref);
    }

    if (solid.length > 0) {
      if (dangling.length === 0 && waiting.length === 0) return;
      // Some owner is alive: the object stays, without references to the owners going away.
      const drop = new Set([...dangling, ...waiting].map((r) => r.uid));
      await this.patchOwnerReferences(item, latest, (rs) => rs.filter((r) => !drop.has(r.uid)));
      return;
    }
    if (waiting.length > 0 && item.dependents.size > 0) {
      // A dependent that already waits on its own dependents means a cycle: stop blocking our
      // owners first, or each would wait on the other for ever.
      if ([...item.dependents].some((d) => d.deletingDependents)) {
        await this.patchOwnerReferences(item, latest, (rs) => rs.map((r) => (r.blockOwnerDeletion ? { ...r, blockOwnerDeletion: false } : r)));
      }
      return this.deleteObject(item.identity, 'Foreground');
    }
    // No owner left: collect it, honouring how it was itself being deleted.
    const policy = hasFinalizer(latest.metadata, FINALIZER_ORPHAN) ? 'Orphan'
      : hasFinalizer(latest.metadata, FINALIZER_FOREGROUND) ? 'Foreground' : 'Background';
    return this.deleteObject(item.identity, policy);
  }

  /** A virtual owner: absent (or another UID) → forget it and collect its dependents. */
  private async verifyVirtual(item: GraphNode): Promise<void> {
    const id = item.identity;
    const r = resourceForKind(id.apiVersion, id.kind);
    if (r?.namespaced && !id.namespace) {
      // Only cluster-scoped dependents name it: such references are invalid, never collected.
      this.graph.forgetVirtual(item);
      return;
    }
    const live = await this.getLive(id);
    if (item.observed) return this.attemptToDelete(item);
    if (!live) {
      this.unobservedPolls.delete(id.uid);
      if (item.dependents.size > 0) this.absent.add(id);
      this.graph.forgetVirtual(item);
      return;
    }
    // It exists but the informer has not shown it yet: look again until it does, so an object
    // created and deleted while a watch was down cannot leave a virtual node behind.
    const n = (this.unobservedPolls.get(id.uid) ?? 0) + 1;
    this.unobservedPolls.set(id.uid, n);
    this.verifyOnly.add(id.uid);
    this.queue.addAfter(deleteKey(id.uid), Math.min(100 * 2 ** n, 30_000));
  }

  private async processDeletingDependents(item: GraphNode): Promise<void> {
    const blocking = item.blockingDependents();
    if (blocking.length === 0) {
      await this.removeFinalizer(item, FINALIZER_FOREGROUND);
      return;
    }
    for (const d of blocking) if (!d.deletingDependents) this.queue.add(deleteKey(d.identity.uid));
  }

  // ---- attemptToOrphan ----

  private async attemptToOrphan(owner: GraphNode): Promise<void> {
    const uid = owner.identity.uid;
    await Promise.all([...owner.dependents].map(async (d) => {
      const latest = await this.getLive(d.identity);
      if (!latest) return;
      await this.patchOwnerReferences(d, latest, (rs) => rs.filter((r) => r.uid !== uid));
    }));
    await this.removeFinalizer(owner, FINALIZER_ORPHAN);
  }

  // ---- writes ----

  private async deleteObject(id: Identity, propagationPolicy: 'Background' | 'Foreground' | 'Orphan'): Promise<void> {
    const r = resourceForKind(id.apiVersion, id.kind);
    if (!r) return;
    try {
      await this.client.delete(r, r.namespaced ? id.namespace : undefined, id.name, {
        kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy, preconditions: { uid: id.uid },
      });
    } catch (e) {
      // Gone already, or the name now belongs to another object: nothing of ours to delete.
      if (isNotFound(e) || (isConflict(e) && (e as Error).message.includes('Precondition failed: UID'))) return;
      throw e;
    }
  }

  /**
   * Rewrite an object's ownerReferences (a merge patch guarded by the resourceVersion read, so
   * a concurrent change is never overwritten: a conflict retries the key).
   */
  private async patchOwnerReferences(item: GraphNode, latest: GCObject, change: (refs: OwnerReference[]) => OwnerReference[]): Promise<void> {
    const refs = latest.metadata.ownerReferences ?? [];
    const next = change(refs);
    if (next.length === refs.length && next.every((r, i) => r === refs[i])) return;
    const r = resourceForKind(item.identity.apiVersion, item.identity.kind);
    if (!r) return;
    try {
      await this.client.patch(r, r.namespaced ? item.identity.namespace : undefined, item.identity.name, 'merge', {
        metadata: { ownerReferences: next.length > 0 ? next : null, resourceVersion: latest.metadata.resourceVersion, uid: item.identity.uid },
      });
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
  }

  private async removeFinalizer(item: GraphNode, finalizer: string): Promise<void> {
    const r = resourceForKind(item.identity.apiVersion, item.identity.kind);
    if (!r) return;
    for (let attempt = 0; ; attempt++) {
      const latest = await this.getLive(item.identity);
      if (!latest || !hasFinalizer(latest.metadata, finalizer)) return;
      const rest = (latest.metadata.finalizers ?? []).filter((f) => f !== finalizer);
      try {
        await this.client.patch(r, r.namespaced ? item.identity.namespace : undefined, item.identity.name, 'merge', {
          metadata: { finalizers: rest.length > 0 ? rest : null, resourceVersion: latest.metadata.resourceVersion, uid: item.identity.uid },
        });
        return;
      } catch (e) {
        if (isNotFound(e)) return;
        if (isConflict(e) && attempt < 5) continue;
        throw e;
      }
    }
  }
}

function describe(id: Identity): string {
  return `${id.kind}${id.namespace ? ` ${id.namespace}/` : ' '}${id.name} (${id.uid})`;
}

export const newGarbageCollectorController: ControllerFactory = (ctx) => new GarbageCollector(ctx);

