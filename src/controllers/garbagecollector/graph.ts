// The garbage collector's dependency graph (upstream's GraphBuilder, graph.go): one node per
// object of every watched kind, keyed by UID, with its ownerReferences and the set of nodes
// that name it as an owner. An owner named by a reference but not (yet) observed gets a
// "virtual" node, which the collector verifies with a live GET. The graph is changed only by
// informer events and by verified-absent virtual owners, always on the event loop, so each
// change is applied whole before any worker reads it.

import type { OwnerReference } from '../../registry/object.ts';

export type { OwnerReference };

/** Where an object lives and which one it is. */
export interface Identity {
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
  uid: string;
}

export interface ObjectMeta {
  name: string;
  namespace?: string;
  uid?: string;
  deletionTimestamp?: string;
  finalizers?: string[];
  ownerReferences?: OwnerReference[];
}

export const FINALIZER_ORPHAN = 'orphan';
export const FINALIZER_FOREGROUND = 'foregroundDeletion';

export class GraphNode {
  readonly dependents = new Set<GraphNode>();
  /** Seen through an informer (false while the node stands for an owner only referenced). */
  observed: boolean;
  beingDeleted = false;
  /** Marked for foreground deletion: waits until its blocking dependents are gone. */
  deletingDependents = false;

  constructor(public identity: Identity, public owners: OwnerReference[], observed: boolean) {
    this.observed = observed;
  }

  /** Dependents whose reference to this node has blockOwnerDeletion set. */
  blockingDependents(): GraphNode[] {
    const out: GraphNode[] = [];
    for (const d of this.dependents) {
      if (d.owners.some((r) => r.uid === this.identity.uid && r.blockOwnerDeletion === true)) out.push(d);
    }
    return out;
  }
}

export const groupOf = (apiVersion: string): string => {
  const i = apiVersion.indexOf('/');
  return i < 0 ? '' : apiVersion.slice(0, i);
};

/** Whether a reference names this identity (group, kind and name; versions of a group are one object). */
export function referenceMatches(ref: OwnerReference, id: Identity): boolean {
  return ref.uid === id.uid && ref.name === id.name && ref.kind === id.kind && groupOf(ref.apiVersion) === groupOf(id.apiVersion);
}

export const isBeingDeleted = (m: ObjectMeta): boolean => !!m.deletionTimestamp;
export const hasFinalizer = (m: ObjectMeta, f: string): boolean => !!m.finalizers?.includes(f);

/** ownerReferences added, removed, and changed (blockOwnerDeletion flipped), by UID. */
export function referencesDiff(old: OwnerReference[], now: OwnerReference[]): { added: OwnerReference[]; removed: OwnerReference[]; changed: OwnerReference[] } {
  const before = new Map(old.map((r) => [r.uid, r]));
  const after = new Map(now.map((r) => [r.uid, r]));
  const added: OwnerReference[] = [], removed: OwnerReference[] = [], changed: OwnerReference[] = [];
  for (const r of now) {
    const o = before.get(r.uid);
    if (!o) added.push(r);
    else if (!!o.blockOwnerDeletion !== !!r.blockOwnerDeletion) changed.push(r);
  }
  for (const r of old) if (!after.has(r.uid)) removed.push(r);
  return { added, removed, changed };
}

/** What a graph change asks the collector to look at next. */
export interface GraphQueues {
  /** `verifyOnly`: a new virtual node, to be checked only for existence. */
  attemptToDelete(node: GraphNode, verifyOnly?: boolean): void;
  attemptToOrphan(node: GraphNode): void;
  /** Whether an owner kind is namespaced (undefined when the kind is not served). */
  namespaced(apiVersion: string, kind: string): boolean | undefined;
}

export class DependencyGraph {
  readonly nodes = new Map<string, GraphNode>();

  constructor(private readonly queues: GraphQueues) {}

  get(uid: string): GraphNode | undefined { return this.nodes.get(uid); }

  get size(): number { return this.nodes.size; }

  /** An informer saw the object added or changed (old: its previous state, if any). */
  observe(identity: Identity, meta: ObjectMeta, old: ObjectMeta | undefined): void {
    const owners = meta.ownerReferences ?? [];
    let node = this.nodes.get(identity.uid);
    if (node && !node.observed) {
      // A virtual owner turned up: take its real coordinates; dependents that named it
      // otherwise (another namespace, kind or name) must be looked at again.
      node.observed = true;
      const was = node.identity;
      node.identity = identity;
      if (was.namespace !== identity.namespace || was.kind !== identity.kind || was.name !== identity.name || groupOf(was.apiVersion) !== groupOf(identity.apiVersion)) {
        for (const d of node.dependents) if (!this.dependentMatches(d, node)) this.queues.attemptToDelete(d);
      }
    }
    if (!node) {
      node = new GraphNode(identity, owners, true);
      node.beingDeleted = isBeingDeleted(meta);
      node.deletingDependents = node.beingDeleted && hasFinalizer(meta, FINALIZER_FOREGROUND);
      this.nodes.set(identity.uid, node);
      this.addDependentToOwners(node, owners);
      this.processTransitions(old, meta, node);
      return;
    }
    node.identity = identity;
    const { added, removed, changed } = referencesDiff(node.owners, owners);
    if (added.length || removed.length || changed.length) {
      // An owner waiting for its blocking dependents may be unblocked by this change.
      for (const r of [...removed, ...changed]) {
        const o = this.nodes.get(r.uid);
        if (o?.deletingDependents) this.queues.attemptToDelete(o);
      }
      node.owners = owners;
      this.addDependentToOwners(node, added);
      for (const r of removed) this.nodes.get(r.uid)?.dependents.delete(node);
    }
    if (isBeingDeleted(meta)) node.beingDeleted = true;
    this.processTransitions(old, meta, node);
  }

  /** An informer saw the object deleted. */
  forget(uid: string): void {
    const node = this.nodes.get(uid);
    if (!node) return;
    this.remove(node);
  }

  /** A virtual owner was verified absent: drop it and let its dependents be collected. */
  forgetVirtual(node: GraphNode): void {
    if (node.observed || this.nodes.get(node.identity.uid) !== node) return;
    this.remove(node);
  }

  private remove(node: GraphNode): void {
    this.nodes.delete(node.identity.uid);
    for (const r of node.owners) this.nodes.get(r.uid)?.dependents.delete(node);
    for (const d of node.dependents) this.queues.attemptToDelete(d);
    for (const r of node.owners) {
      const o = this.nodes.get(r.uid);
      if (o?.deletingDependents) this.queues.attemptToDelete(o);
    }
  }

  private addDependentToOwners(node: GraphNode, refs: OwnerReference[]): void {
    for (const ref of refs) {
      let owner = this.nodes.get(ref.uid);
      if (!owner) {
        // Not observed (yet): a virtual node, verified by the collector.
        const namespaced = this.queues.namespaced(ref.apiVersion, ref.kind);
        owner = new GraphNode({
          apiVersion: ref.apiVersion, kind: ref.kind, name: ref.name, uid: ref.uid,
          namespace: namespaced === false ? undefined : node.identity.namespace,
        }, [], false);
        this.nodes.set(ref.uid, owner);
        this.queues.attemptToDelete(owner, true);
      } else if (owner.observed && !this.dependentMatches(node, owner)) {
        // The UID names a real object, but not the one this reference describes.
        this.queues.attemptToDelete(node);
      }
      owner.dependents.add(node);
    }
  }

  private dependentMatches(dep: GraphNode, owner: GraphNode): boolean {
    if (owner.identity.namespace && owner.identity.namespace !== dep.identity.namespace) return false;
    return dep.owners.every((r) => r.uid !== owner.identity.uid || referenceMatches(r, owner.identity));
  }

  /** Deletion with the orphan or foregroundDeletion finalizer starts work on the dependents. */
  private processTransitions(old: ObjectMeta | undefined, now: ObjectMeta, node: GraphNode): void {
    if (startsWaitingFor(FINALIZER_ORPHAN, old, now)) {
      this.queues.attemptToOrphan(node);
      return;
    }
    if (startsWaitingFor(FINALIZER_FOREGROUND, old, now)) {
      node.deletingDependents = true;
      for (const d of node.dependents) this.queues.attemptToDelete(d);
      this.queues.attemptToDelete(node);
    }
  }
}

function startsWaitingFor(finalizer: string, old: ObjectMeta | undefined, now: ObjectMeta): boolean {
  if (!isBeingDeleted(now) || !hasFinalizer(now, finalizer)) return false;
  return !old || !isBeingDeleted(old) || !hasFinalizer(old, finalizer);
}
