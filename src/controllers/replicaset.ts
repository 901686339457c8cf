// The ReplicaSet controller (and, on the same logic, the ReplicationController manager), after
// upstream's pkg/controller/replicaset: for each set, claim the active pods its selector
// matches, create or delete pods until their number is spec.replicas, and report the counts
// in status. Creates go in slow-start batches (1, 2, 4, ...) so a failing create (quota, a bad
// template) fails once rather than hundreds of times; expectations keep a set from acting
// again before the informer has shown it its own writes.

import type { KObject } from '../client/informer.ts';
import { objectKey } from '../client/informer.ts';
import { isConflict, isNotFound, resource, type RestClient } from '../client/rest.ts';
import { referenceTo, type EventRecorder } from '../client/events.ts';
import { matchLabels, fromMetaLabelSelector, sameMap, type LabelSelector, type MetaLabelSelector } from '../registry/selection.ts';
import { Controller, splitKey, type ControllerContext } from './framework/controller.ts';
import { claimObjects, controllerOf, ownerCanAdopt, newControllerRef, isBeingDeleted } from './framework/controllerref.ts';
import { UIDTrackingExpectations } from './framework/expectations.ts';
import { selectorFor, type SharedInformer } from './framework/informers.ts';
import { isPodAvailable, isPodReady } from './podreadiness.ts';
import type { ControllerFactory } from './registry.ts';

/** Most pods one sync creates or deletes (upstream BurstReplicas). */
const BURST_REPLICAS = 500;

export interface Condition { type: string; status: string; reason?: string; message?: string; lastTransitionTime?: string }

export interface Pod extends KObject {
  metadata: KObject['metadata'] & { creationTimestamp?: string; deletionTimestamp?: string; annotations?: Record<string, string> };
  spec?: { nodeName?: string; [k: string]: unknown };
  status?: { phase?: string; conditions?: Condition[]; containerStatuses?: { restartCount?: number }[] };
}

export interface ReplicaSetLike extends KObject {
  metadata: KObject['metadata'] & { generation?: number; deletionTimestamp?: string; annotations?: Record<string, string> };
  spec: {
    replicas?: number;
    minReadySeconds?: number;
    selector?: MetaLabelSelector | Record<string, string>;
    template?: { metadata?: { labels?: Record<string, string>; annotations?: Record<string, string>; finalizers?: string[] }; spec?: unknown };
  };
  status?: {
    replicas?: number; fullyLabeledReplicas?: number; readyReplicas?: number; availableReplicas?: number;
    observedGeneration?: number; conditions?: Condition[];
  };
}

/** What differs between ReplicaSets and ReplicationControllers. */
interface Kind {
  resourceName: string;
  apiVersion: string;
  kind: string;
  component: string;
  selector(set: ReplicaSetLike): LabelSelector | undefined;
}

const REPLICA_SET: Kind = {
  resourceName: 'apps/replicasets', apiVersion: 'apps/v1', kind: 'ReplicaSet', component: 'replicaset-controller',
  selector: (s) => selectorFor(s.spec.selector as MetaLabelSelector | undefined),
};

const REPLICATION_CONTROLLER: Kind = {
  resourceName: 'replicationcontrollers', apiVersion: 'v1', kind: 'ReplicationController', component: 'replication-controller',
  // A map selector; empty or missing selects nothing (defaulting fills it from the template).
  selector: (s) => {
    const m = s.spec.selector as Record<string, string> | undefined;
    return m && Object.keys(m).length > 0 ? fromMetaLabelSelector({ matchLabels: m }) : undefined;
  },
};

const pods = resource('pods');

/** Not terminal and not being deleted (upstream FilterActivePods). */
export const isPodActive = (p: Pod): boolean => p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed' && !p.metadata.deletionTimestamp;

const PHASE_RANK: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };
const restarts = (p: Pod): number => Math.max(0, ...(p.status?.containerStatuses ?? []).map((c) => c.restartCount ?? 0));
const deletionCost = (p: Pod): number => Number(p.metadata.annotations?.['controller.kubernetes.io/pod-deletion-cost'] ?? 0) || 0;
const readySince = (p: Pod): number => {
  const c = p.status?.conditions?.find((x) => x.type === 'Ready' && x.status === 'True');
  return c?.lastTransitionTime ? Date.parse(c.lastTransitionTime) : 0;
};

/**
 * Pods in the order they should go when scaling down (upstream ActivePodsWithRanks): unscheduled
 * before scheduled, pending before unknown before running, not ready before ready, lower
 * deletion cost first, pods sharing a node with more of their siblings first, more recently
 * ready first, more restarts first, newer first.
 */
export function podsToDelete(candidates: Pod[], related: Pod[], count: number): Pod[] {
  const onNode = new Map<string, number>();
  for (const p of related) {
    const n = p.spec?.nodeName;
    if (n && isPodActive(p)) onNode.set(n, (onNode.get(n) ?? 0) + 1);
  }
  const rank = (p: Pod) => (p.spec?.nodeName ? onNode.get(p.spec.nodeName) ?? 0 : 0);
  const sorted = [...candidates].sort((a, b) => {
    const an = a.spec?.nodeName ? 1 : 0, bn = b.spec?.nodeName ? 1 : 0;
    if (an !== bn) return an - bn;
    const ap = PHASE_RANK[a.status?.phase ?? 'Pending'] ?? 0, bp = PHASE_RANK[b.status?.phase ?? 'Pending'] ?? 0;
    if (ap !== bp) return ap - bp;
    const ar = isPodReady(a) ? 1 : 0, br = isPodReady(b) ? 1 : 0;
    if (ar !== br) return ar - br;
    const ac = deletionCost(a), bc = deletionCost(b);
    if (ac !== bc) return ac - bc;
    const ad = rank(a), bd = rank(b);
    if (ad !== bd) return bd - ad;
    if (ar && br) {
      const as = readySince(a), bs = readySince(b);
      if (as !== bs) return bs - as;
    }
    const rr = restarts(b) - restarts(a);
    if (rr !== 0) return rr;
    const at = Date.parse(a.metadata.creationTimestamp ?? '') || 0, bt = Date.parse(b.metadata.creationTimestamp ?? '') || 0;
    return bt - at;
  });
  return sorted.slice(0, count);
}

/** The pod a set creates from its template (upstream GetPodFromTemplate). */
export function podFromTemplate(set: ReplicaSetLike, kind: Kind): Record<string, unknown> {
  const t = set.spec.template ?? {};
  const meta: Record<string, unknown> = {
    generateName: `${set.metadata.name}-`,
    namespace: set.metadata.namespace,
    labels: { ...(t.metadata?.labels ?? {}) },
    ownerReferences: [newControllerRef(set, kind.apiVersion, kind.kind)],
  };
  if (t.metadata?.annotations) meta.annotations = { ...t.metadata.annotations };
  if (t.metadata?.finalizers) meta.finalizers = [...t.metadata.finalizers];
  return { apiVersion: 'v1', kind: 'Pod', metadata: meta, spec: t.spec ?? {} };
}

/** Run fn count times in batches of 1, 2, 4, ... stopping after the first batch with a failure; returns the successes. */
export async function slowStartBatch(count: number, fn: () => Promise<void>): Promise<{ ok: number; error?: unknown }> {
  let ok = 0;
  let batch = Math.min(1, count);
  for (let remaining = count; remaining > 0; batch = Math.min(2 * batch, remaining)) {
    const results = await Promise.allSettled(Array.from({ length: batch }, () => fn()));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    ok += results.filter((r) => r.status === 'fulfilled').length;
    remaining -= batch;
    if (failed) return { ok, error: failed.reason };
  }
  return { ok };
}

const msg = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** A create refused because its namespace is being deleted (a Status cause NamespaceTerminating). */
export function namespaceTerminating(e: unknown): boolean {
  const causes = (e as { status?: { details?: { causes?: { reason?: string }[] } } }).status?.details?.causes;
  return causes?.some((c) => c.reason === 'NamespaceTerminating') ?? false;
}

export class ReplicaSetController extends Controller {
  private readonly sets: SharedInformer<ReplicaSetLike>;
  private readonly pods: SharedInformer<Pod>;
  private readonly expectations = new UIDTrackingExpectations();
  private readonly recorder: EventRecorder;
  private readonly client: RestClient;

  constructor(ctx: ControllerContext, private readonly kind: Kind) {
    super(kind.component, ctx);
    this.client = ctx.client;
    this.recorder = ctx.recorder(kind.component);
    this.sets = ctx.informers.for<ReplicaSetLike>(kind.resourceName);
    this.pods = ctx.informers.for<Pod>('pods');
    this.pods.addIndex('controller-uid', (p) => { const r = controllerOf(p); return r ? [r.uid] : []; });
    this.pods.addIndex('orphan-namespace', (p) => (controllerOf(p) ? [] : [p.metadata.namespace ?? '']));
    this.sets.addHandlers({
      add: (s) => this.enqueue(s),
      update: (_, s) => this.enqueue(s),
      delete: (s) => { this.expectations.delete(objectKey(s)); this.enqueue(s); },
    });
    this.pods.addHandlers({
      add: (p) => this.podAdded(p),
      update: (old, p) => this.podUpdated(old, p),
      delete: (p) => this.podDeleted(p),
    });
  }

  /** The set that controls a pod (by its controller reference), if it is one of ours. */
  private ownerOf(p: Pod): ReplicaSetLike | undefined {
    const ref = controllerOf(p);
    if (!ref || ref.kind !== this.kind.kind) return undefined;
    const set = this.sets.get(p.metadata.namespace, ref.name);
    return set && set.metadata.uid === ref.uid ? set : undefined;
  }

  /** Sets whose selector matches an orphan pod (they may adopt it). */
  private matchingSets(p: Pod): ReplicaSetLike[] {
    return this.sets.list(p.metadata.namespace).filter((s) => {
      const sel = this.kind.selector(s);
      return sel !== undefined && !sel.empty && matchLabels(sel, p.metadata.labels);
    });
  }

  private podAdded(p: Pod): void {
    if (p.metadata.deletionTimestamp) return this.podDeleted(p);
    const owner = this.ownerOf(p);
    if (owner) {
      this.expectations.creationObserved(objectKey(owner));
      this.enqueue(owner);
      return;
    }
    if (!controllerOf(p)) for (const s of this.matchingSets(p)) this.enqueue(s);
  }

  private podUpdated(old: Pod, p: Pod): void {
    if (old.metadata.resourceVersion === p.metadata.resourceVersion) return;
    if (p.metadata.deletionTimestamp && !old.metadata.deletionTimestamp) {
      // Being deleted counts as deleted for expectations (the final DELETED may come much later).
      this.podDeleted(p);
      if (!sameMap(old.metadata.labels, p.metadata.labels)) this.podDeleted(old);
      return;
    }
    const oldRef = controllerOf(old), ref = controllerOf(p);
    if (oldRef && oldRef.uid !== ref?.uid) { const o = this.ownerOf(old); if (o) this.enqueue(o); }
    const owner = this.ownerOf(p);
    if (owner) {
      this.enqueue(owner);
      // Becoming ready (or available after minReadySeconds) changes the owner's status.
      const min = owner.spec.minReadySeconds ?? 0;
      if (min > 0 && !isPodReady(old) && isPodReady(p)) this.enqueueAfter(owner, min * 1000 + 1000);
      return;
    }
    if (!ref && (!sameMap(old.metadata.labels, p.metadata.labels) || !!oldRef)) {
      for (const s of this.matchingSets(p)) this.enqueue(s);
    }
  }

  private podDeleted(p: Pod): void {
    const ref = controllerOf(p);
    if (!ref || ref.kind !== this.kind.kind) return;
    const set = this.sets.get(p.metadata.namespace, ref.name);
    if (!set || set.metadata.uid !== ref.uid) return;
    const key = objectKey(set);
    this.expectations.deletionObservedOf(key, objectKey(p));
    this.enqueue(set);
  }

  protected async sync(key: string): Promise<void> {
    const [namespace, name] = splitKey(key);
    const set = this.sets.get(namespace, name);
    if (!set) {
      this.expectations.delete(key);
      return;
    }
    const selector = this.kind.selector(set);
    if (!selector || selector.empty) {
      this.ctx.logger.debug(`${this.kind.kind} ${key} has an invalid or empty selector`);
      return;
    }
    const needsSync = this.expectations.satisfied(key);
    // Candidates: pods this set controls, and orphans in its namespace it may adopt.
    const owned = this.pods.byIndex('controller-uid', set.metadata.uid as string);
    const orphans = this.pods.byIndex('orphan-namespace', namespace ?? '').filter((p) => matchLabels(selector, p.metadata.labels));
    const candidates = [...owned, ...orphans].filter(isPodActive);
    const claimed = await claimObjects<Pod>({
      client: this.client, resourceName: 'pods', owner: set, ownerApiVersion: this.kind.apiVersion, ownerKind: this.kind.kind,
      selector, candidates, canAdopt: () => this.canAdopt(set),
    });
    let manageError: unknown;
    if (needsSync && !isBeingDeleted(set)) {
      try {
        await this.manageReplicas(claimed, set, key);
      } catch (e) {
        manageError = e;
      }
    }
    await this.updateStatus(set, claimed, manageError);
    if (manageError) throw manageError;
    const min = set.spec.minReadySeconds ?? 0;
    if (min > 0) {
      const ready = claimed.filter(isPodReady).length, available = claimed.filter((p) => isPodAvailable(p, min)).length;
      if (ready === (set.spec.replicas ?? 1) && available !== ready) this.queue.addAfter(key, min * 1000);
    }
  }

  /** Re-read the set from the API server: adopt only if it still exists, is the same object and is not being deleted. */
  private canAdopt(set: ReplicaSetLike): Promise<boolean> { return ownerCanAdopt(this.client, this.kind.resourceName, set); }

  private async manageReplicas(active: Pod[], set: ReplicaSetLike, key: string): Promise<void> {
    const want = set.spec.replicas ?? 1;
    const diff = active.length - want;
    const ref = referenceTo(set, this.kind.kind, this.kind.apiVersion);
    if (diff < 0) {
      const n = Math.min(-diff, BURST_REPLICAS);
      this.expectations.expectCreations(key, n);
      const body = podFromTemplate(set, this.kind);
      const r = await slowStartBatch(n, async () => {
        try {
          const pod = await this.client.create<Pod>(pods, set.metadata.namespace, body);
          this.recorder.event(ref, 'Normal', 'SuccessfulCreate', `Created pod: ${pod.metadata.name}`);
        } catch (e) {
          this.expectations.creationObserved(key);
          // A namespace being deleted takes its sets with it: nothing more to do (as upstream).
          if (namespaceTerminating(e)) return;
          this.recorder.event(ref, 'Warning', 'FailedCreate', `Error creating: ${msg(e)}`);
          throw e;
        }
      });
      // Creates never attempted will never be observed either.
      for (let skipped = n - r.ok - (r.error ? 1 : 0); skipped > 0; skipped--) this.expectations.creationObserved(key);
      if (r.error) throw r.error;
      return;
    }
    if (diff > 0) {
      const n = Math.min(diff, BURST_REPLICAS);
      const related = this.pods.byIndex('controller-uid', set.metadata.uid as string);
      const victims = podsToDelete(active, related, n);
      this.expectations.expectDeletionsOf(key, victims.map(objectKey));
      const results = await Promise.allSettled(victims.map(async (p) => {
        try {
          await this.client.delete(pods, p.metadata.namespace, p.metadata.name, { preconditions: { uid: p.metadata.uid } });
          this.recorder.event(ref, 'Normal', 'SuccessfulDelete', `Deleted pod: ${p.metadata.name}`);
        } catch (e) {
          this.expectations.deletionObservedOf(key, objectKey(p));
          if (isNotFound(e)) return;
          this.recorder.event(ref, 'Warning', 'FailedDelete', `Error deleting: ${msg(e)}`);
          throw e;
        }
      }));
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) throw failed.reason;
    }
  }

  private async updateStatus(set: ReplicaSetLike, claimed: Pod[], manageError: unknown): Promise<void> {
    const min = set.spec.minReadySeconds ?? 0;
    const templateLabels = set.spec.template?.metadata?.labels ?? {};
    const fullyLabeled = claimed.filter((p) => Object.entries(templateLabels).every(([k, v]) => p.metadata.labels?.[k] === v)).length;
    const now = Date.now();
    let conditions = [...(set.status?.conditions ?? [])];
    const failure = conditions.find((c) => c.type === 'ReplicaFailure');
    if (manageError && !failure) {
      const reason = (set.spec.replicas ?? 1) > claimed.length ? 'FailedCreate' : 'FailedDelete';
      conditions.push({ type: 'ReplicaFailure', status: 'True', lastTransitionTime: new Date().toISOString().replace(/\.\d+Z$/, 'Z'), reason, message: msg(manageError) });
    } else if (!manageError && failure) {
      conditions = conditions.filter((c) => c.type !== 'ReplicaFailure');
    }
    const status: NonNullable<ReplicaSetLike['status']> = {
      replicas: claimed.length,
      fullyLabeledReplicas: fullyLabeled,
      readyReplicas: claimed.filter(isPodReady).length,
      availableReplicas: claimed.filter((p) => isPodAvailable(p, min, now)).length,
      observedGeneration: set.metadata.generation,
    };
    if (conditions.length > 0) status.conditions = conditions;
    const cur = set.status ?? {};
    if (cur.replicas === status.replicas && (cur.fullyLabeledReplicas ?? 0) === status.fullyLabeledReplicas && (cur.readyReplicas ?? 0) === status.readyReplicas
      && (cur.availableReplicas ?? 0) === status.availableReplicas && cur.observedGeneration === status.observedGeneration
      && JSON.stringify(cur.conditions ?? []) === JSON.stringify(status.conditions ?? [])) return;
    // Zero counts are omitted on the wire (omitempty), as upstream.
    for (const k of ['fullyLabeledReplicas', 'readyReplicas', 'availableReplicas'] as const) if (!status[k]) delete status[k];
    try {
      await this.client.update(resource(this.kind.resourceName), set.metadata.namespace, set.metadata.name, { ...set, status }, 'status');
    } catch (e) {
      if (isNotFound(e)) return;
      if (isConflict(e)) { this.enqueue(set); return; }
      throw e;
    }
  }
}

export const newReplicaSetController: ControllerFactory = (ctx) => new ReplicaSetController(ctx, REPLICA_SET);
export const newReplicationControllerManager: ControllerFactory = (ctx) => new ReplicaSetController(ctx, REPLICATION_CONTROLLER);
