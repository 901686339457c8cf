// The DaemonSet controller (upstream pkg/controller/daemon): one pod per eligible node. A node
// is eligible when it matches the template's nodeSelector and required node affinity and its
// taints are tolerated, counting the tolerations every daemon pod gets (not-ready, unreachable,
// the pressure conditions, unschedulable); a pod already running stays while it tolerates the
// node's NoExecute taints. Pods are created with required node affinity to their node and go
// through the scheduler. The template's snapshots are ControllerRevisions; pods carry the
// current one's hash in controller-revision-hash, and RollingUpdate replaces old pods within
// maxUnavailable (deleting first) or maxSurge (creating first).

import type { V1Node, V1Taint, V1Toleration } from '@kubernetes/client-node';
import type { KObject } from '../client/informer.ts';
import { objectKey } from '../client/informer.ts';
import { isAlreadyExists, isConflict, isNotFound, resource, type RestClient } from '../client/rest.ts';
import { referenceTo, type EventRecorder, type ObjectReference } from '../client/events.ts';
import { matchLabels, type LabelSelector, type MetaLabelSelector } from '../registry/selection.ts';
import { requiredNodeAffinity } from '../scheduler/plugins/nodeselector.ts';
import { findUntoleratedTaint, isDoNotScheduleTaint } from '../scheduler/plugins/taints.ts';
import type { Pod as SchedPod } from '../scheduler/framework/types.ts';
import { Controller, splitKey, type ControllerContext } from './framework/controller.ts';
import { claimObjects, controllerOf, ownerCanAdopt, newControllerRef } from './framework/controllerref.ts';
import { Expectations, UIDTrackingExpectations } from './framework/expectations.ts';
import { selectorFor, type SharedInformer } from './framework/informers.ts';
import {
  adoptRevision, canonicalJson, controllerRevisions, deleteRevision, fnv32, ownedRevisions, revisionData, safeEncode, templatePatch,
  updateRevisionNumber, type ControllerRevision,
} from './history.ts';
import { isPodAvailable, isPodReady, type Pod } from './podreadiness.ts';
import type { ControllerFactory } from './registry.ts';

export const HASH_LABEL = 'controller-revision-hash';
export const TEMPLATE_GENERATION_LABEL = 'pod-template-generation';
const TEMPLATE_GENERATION_ANNOTATION = 'deprecated.daemonset.template.generation';
const API_VERSION = 'apps/v1';
const KIND = 'DaemonSet';
const COMPONENT = 'daemonset-controller';
/** Most pods one sync creates or deletes (upstream BurstReplicas). */
const BURST_REPLICAS = 250;
const FAILED_POD_BACKOFF_MS = 1000, FAILED_POD_MAX_BACKOFF_MS = 15 * 60_000;

const pods = resource('pods');
const daemonSets = resource('apps/daemonsets');

type Node = V1Node & KObject;

export interface DaemonSet extends KObject {
  metadata: KObject['metadata'] & { generation?: number; deletionTimestamp?: string; annotations?: Record<string, string> };
  spec: {
    selector?: MetaLabelSelector;
    minReadySeconds?: number;
    revisionHistoryLimit?: number;
    updateStrategy?: { type?: string; rollingUpdate?: { maxUnavailable?: number | string; maxSurge?: number | string } };
    template?: {
      metadata?: { labels?: Record<string, string>; annotations?: Record<string, string>; finalizers?: string[] };
      spec?: Record<string, unknown> & { nodeName?: string; tolerations?: V1Toleration[]; hostNetwork?: boolean; affinity?: Record<string, unknown> };
    };
  };
  status?: {
    currentNumberScheduled?: number; numberMisscheduled?: number; desiredNumberScheduled?: number; numberReady?: number;
    observedGeneration?: number; updatedNumberScheduled?: number; numberAvailable?: number; numberUnavailable?: number;
    collisionCount?: number; conditions?: unknown[];
  };
}

/** The tolerations every daemon pod gets (upstream AddOrUpdateDaemonPodTolerations). */
export function daemonPodTolerations(spec: { tolerations?: V1Toleration[]; hostNetwork?: boolean }): V1Toleration[] {
  const wanted: V1Toleration[] = [
    { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' },
    { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' },
    { key: 'node.kubernetes.io/disk-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/memory-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/pid-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' },
  ];
  if (spec.hostNetwork) wanted.push({ key: 'node.kubernetes.io/network-unavailable', operator: 'Exists', effect: 'NoSchedule' });
  const out = [...(spec.tolerations ?? [])];
  for (const t of wanted) {
    const i = out.findIndex((x) => x.key === t.key && x.effect === t.effect);
    if (i >= 0) out[i] = t; else out.push(t);
  }
  return out;
}

/** Whether a daemon pod should be on the node, and whether one there may stay (upstream NodeShouldRunDaemonPod). */
export function nodeShouldRunDaemonPod(node: Node, ds: DaemonSet): { shouldRun: boolean; shouldContinueRunning: boolean } {
  const spec = ds.spec.template?.spec ?? {};
  if (spec.nodeName && spec.nodeName !== node.metadata.name) return { shouldRun: false, shouldContinueRunning: false };
  const pod = { metadata: { name: '' }, spec: { ...spec, nodeName: node.metadata.name } } as unknown as SchedPod;
  if (!requiredNodeAffinity(pod).match(node)) return { shouldRun: false, shouldContinueRunning: false };
  const tolerations = daemonPodTolerations(spec);
  const taints = (node.spec?.taints ?? []) as V1Taint[];
  if (findUntoleratedTaint(taints, tolerations, isDoNotScheduleTaint)) {
    return { shouldRun: false, shouldContinueRunning: !findUntoleratedTaint(taints, tolerations, (t) => t.effect === 'NoExecute') };
  }
  return { shouldRun: true, shouldContinueRunning: true };
}

/** The node a daemon pod is for: its nodeName, else the one its required affinity pins by metadata.name. */
export function targetNodeName(p: Pod): string | undefined {
  if (p.spec?.nodeName) return p.spec.nodeName;
  const terms = (p.spec?.affinity as { nodeAffinity?: { requiredDuringSchedulingIgnoredDuringExecution?: { nodeSelectorTerms?: { matchFields?: { key: string; operator: string; values?: string[] }[] }[] } } } | undefined)
    ?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
  for (const t of terms ?? []) {
    for (const f of t.matchFields ?? []) if (f.key === 'metadata.name' && f.operator === 'In' && f.values?.length === 1) return f.values[0];
  }
  return undefined;
}

/** The affinity of a pod for one node: required terms replaced by metadata.name In [node] (upstream ReplaceDaemonSetPodNodeNameNodeAffinity). */
function pinnedAffinity(affinity: Record<string, unknown> | undefined, nodeName: string): Record<string, unknown> {
  const required = { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: [nodeName] }] }] };
  const nodeAffinity = { ...((affinity?.nodeAffinity as Record<string, unknown> | undefined) ?? {}), requiredDuringSchedulingIgnoredDuringExecution: required };
  return { ...(affinity ?? {}), nodeAffinity };
}

/** intstr as a count of total, percentages rounded up (upstream GetScaledValueFromIntOrPercent(..., true)). */
function scaled(v: number | string | undefined, total: number): number {
  if (v === undefined) return 0;
  if (typeof v === 'number') return v;
  if (v.endsWith('%')) return Math.ceil((Number(v.slice(0, -1)) * total) / 100) || 0;
  return Number(v) || 0;
}

const templateGeneration = (ds: DaemonSet): string | undefined => ds.metadata.annotations?.[TEMPLATE_GENERATION_ANNOTATION];

/** At the current template: its revision hash, or the template generation it was made at. */
function isPodUpdated(p: Pod, hash: string, generation: string | undefined): boolean {
  const labels = p.metadata.labels ?? {};
  return (!!hash && labels[HASH_LABEL] === hash) || (generation !== undefined && labels[TEMPLATE_GENERATION_LABEL] === generation);
}

/** Scheduled before unscheduled, then oldest first (upstream podByCreationTimestampAndPhase). */
function byScheduledThenAge(a: Pod, b: Pod): number {
  const an = a.spec?.nodeName ? 0 : 1, bn = b.spec?.nodeName ? 0 : 1;
  if (an !== bn) return an - bn;
  const at = Date.parse(a.metadata.creationTimestamp ?? '') || 0, bt = Date.parse(b.metadata.creationTimestamp ?? '') || 0;
  if (at !== bt) return at - bt;
  return a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0;
}

const msg = (e: unknown) => (e instanceof Error ? e.message : String(e));

function nodeChangeMatters(old: Node, cur: Node): boolean {
  const conds = (n: Node) => JSON.stringify((n.status?.conditions ?? []).map((c) => [c.type, c.status]).sort());
  return JSON.stringify(old.metadata.labels ?? {}) !== JSON.stringify(cur.metadata.labels ?? {})
    || JSON.stringify(old.spec?.taints ?? []) !== JSON.stringify(cur.spec?.taints ?? [])
    || !!old.spec?.unschedulable !== !!cur.spec?.unschedulable
    || conds(old) !== conds(cur);
}

export class DaemonSetController extends Controller {
  private readonly sets: SharedInformer<DaemonSet>;
  private readonly pods: SharedInformer<Pod>;
  private readonly nodes: SharedInformer<Node>;
  private readonly revisions: SharedInformer<ControllerRevision>;
  private readonly creations = new Expectations();
  private readonly deletions = new UIDTrackingExpectations();
  private readonly failedBackoff = new Map<string, { until: number; delay: number }>();
  private readonly recorder: EventRecorder;
  private readonly client: RestClient;

  constructor(ctx: ControllerContext) {
    super(COMPONENT, ctx);
    this.client = ctx.client;
    this.recorder = ctx.recorder(COMPONENT);
    this.sets = ctx.informers.for<DaemonSet>('apps/daemonsets');
    this.pods = ctx.informers.for<Pod>('pods');
    this.nodes = ctx.informers.for<Node>('nodes');
    this.revisions = ctx.informers.for<ControllerRevision>('apps/controllerrevisions');
    this.pods.addIndex('controller-uid', (p) => { const r = controllerOf(p); return r ? [r.uid] : []; });
    this.pods.addIndex('orphan-namespace', (p) => (controllerOf(p) ? [] : [p.metadata.namespace ?? '']));
    this.sets.addHandlers({
      add: (s) => this.enqueue(s),
      update: (_, s) => this.enqueue(s),
      delete: (s) => { this.forgetExpectations(objectKey(s)); this.enqueue(s); },
    });
    this.pods.addHandlers({
      add: (p) => this.podAdded(p),
      update: (old, p) => this.podUpdated(old, p),
      delete: (p) => this.podDeleted(p),
    });
    this.nodes.addHandlers({
      add: () => this.enqueueAll(),
      update: (old, n) => { if (nodeChangeMatters(old, n)) this.enqueueAll(); },
      delete: () => this.enqueueAll(),
    });
  }

  private enqueueAll(): void { for (const s of this.sets.list()) this.enqueue(s); }

  private forgetExpectations(key: string): void { this.creations.delete(key); this.deletions.delete(key); }

  private satisfied(key: string): boolean { return this.creations.satisfied(key) && this.deletions.satisfied(key); }

  private ownerOf(p: Pod): DaemonSet | undefined {
    const ref = controllerOf(p);
    if (!ref || ref.kind !== KIND) return undefined;
    const ds = this.sets.get(p.metadata.namespace, ref.name);
    return ds && ds.metadata.uid === ref.uid ? ds : undefined;
  }

  private matchingSets(p: Pod): DaemonSet[] {
    return this.sets.list(p.metadata.namespace).filter((s) => {
      const sel = selectorFor(s.spec.selector);
      return sel !== undefined && !sel.empty && matchLabels(sel, p.metadata.labels);
    });
  }

  private podAdded(p: Pod): void {
    if (p.metadata.deletionTimestamp) return this.podDeleted(p);
    const owner = this.ownerOf(p);
    if (owner) {
      this.creations.creationObserved(objectKey(owner));
      this.enqueue(owner);
      return;
    }
    if (!controllerOf(p)) for (const s of this.matchingSets(p)) this.enqueue(s);
  }

  private podUpdated(old: Pod, p: Pod): void {
    if (old.metadata.resourceVersion === p.metadata.resourceVersion) return;
    if (p.metadata.deletionTimestamp && !old.metadata.deletionTimestamp) return this.podDeleted(p);
    const oldRef = controllerOf(old);
    if (oldRef && oldRef.uid !== controllerOf(p)?.uid) { const o = this.ownerOf(old); if (o) this.enqueue(o); }
    const owner = this.ownerOf(p);
    if (owner) {
      this.enqueue(owner);
      const min = owner.spec.minReadySeconds ?? 0;
      if (min > 0 && !isPodReady(old) && isPodReady(p)) this.enqueueAfter(owner, min * 1000 + 500);
      return;
    }
    if (!controllerOf(p)) for (const s of this.matchingSets(p)) this.enqueue(s);
  }

  private podDeleted(p: Pod): void {
    const owner = this.ownerOf(p);
    if (!owner) return;
    this.deletions.deletionObservedOf(objectKey(owner), objectKey(p));
    this.enqueue(owner);
  }

  private ref(ds: DaemonSet): ObjectReference { return referenceTo(ds, KIND, API_VERSION); }

  protected async sync(key: string): Promise<void> {
    const [namespace, name] = splitKey(key);
    const ds = this.sets.get(namespace, name);
    if (!ds) { this.forgetExpectations(key); return; }
    const selector = selectorFor(ds.spec.selector);
    if (!selector || selector.empty) {
      this.recorder.event(this.ref(ds), 'Warning', 'SelectingAll', 'This daemon set is selecting all pods. A non-empty selector is required.');
      return;
    }
    if (ds.metadata.deletionTimestamp) return;
    const nodes = this.nodes.list();
    const { cur, old } = await this.constructHistory(ds, selector);
    const hash = cur.metadata.labels?.[HASH_LABEL] ?? '';
    if (!this.satisfied(key)) {
      await this.updateStatus(ds, selector, nodes, hash, false);
      return;
    }
    await this.manage(ds, selector, nodes, hash, key);
    if (this.satisfied(key)) {
      if ((ds.spec.updateStrategy?.type ?? 'RollingUpdate') === 'RollingUpdate') await this.rollingUpdate(ds, selector, nodes, hash, key);
      await this.cleanupHistory(ds, selector, old);
    }
    await this.updateStatus(ds, selector, nodes, hash, true);
  }

  // --- history ---------------------------------------------------------------------------

  private canAdopt(ds: DaemonSet): Promise<boolean> { return ownerCanAdopt(this.client, 'apps/daemonsets', ds); }

  /** The revision matching the template (made if missing, renumbered to be newest) and the others (upstream constructHistory). */
  private async constructHistory(ds: DaemonSet, selector: LabelSelector): Promise<{ cur: ControllerRevision; old: ControllerRevision[] }> {
    const histories = ownedRevisions(this.revisions.list(ds.metadata.namespace), ds, selector);
    if (histories.some((r) => !controllerOf(r)) && await this.canAdopt(ds)) {
      for (let i = 0; i < histories.length; i++) if (!controllerOf(histories[i])) histories[i] = await adoptRevision(this.client, ds, API_VERSION, KIND, histories[i]);
    }
    const patch = templatePatch(ds);
    const current: ControllerRevision[] = [];
    const old: ControllerRevision[] = [];
    for (let h of histories) {
      if (!h.metadata.labels?.[HASH_LABEL]) {
        h = await this.client.patch<ControllerRevision>(controllerRevisions, h.metadata.namespace, h.metadata.name, 'merge', { metadata: { labels: { [HASH_LABEL]: h.metadata.name } } });
      }
      (revisionData(h) === patch ? current : old).push(h);
    }
    const next = Math.max(0, ...old.map((r) => r.revision)) + 1;
    if (current.length === 0) return { cur: await this.snapshot(ds, next, patch), old };
    // Duplicates of the current template: keep the newest.
    current.sort((a, b) => b.revision - a.revision);
    for (const dup of current.slice(1)) await deleteRevision(this.client, dup);
    let cur = current[0];
    if (cur.revision < next) cur = await updateRevisionNumber(this.client, cur, next);
    return { cur, old };
  }

  /** Saves the template as a revision; a name taken by another template bumps status.collisionCount and retries. */
  private async snapshot(ds: DaemonSet, revision: number, patch: string): Promise<ControllerRevision> {
    const collisionCount = ds.status?.collisionCount;
    const hash = safeEncode(String(fnv32(canonicalJson(ds.spec.template ?? {}) + (collisionCount === undefined ? '' : String(collisionCount)))));
    const meta: ControllerRevision['metadata'] = {
      name: `${ds.metadata.name}-${hash}`,
      namespace: ds.metadata.namespace,
      labels: { ...(ds.spec.template?.metadata?.labels ?? {}), [HASH_LABEL]: hash },
      ownerReferences: [newControllerRef(ds, API_VERSION, KIND)],
    };
    if (ds.metadata.annotations) meta.annotations = { ...ds.metadata.annotations };
    const body: ControllerRevision = { apiVersion: 'apps/v1', kind: 'ControllerRevision', metadata: meta, data: JSON.parse(patch), revision };
    try {
      return await this.client.create<ControllerRevision>(controllerRevisions, ds.metadata.namespace, body);
    } catch (e) {
      if (!isAlreadyExists(e)) throw e;
    }
    const existing = await this.client.get<ControllerRevision>(controllerRevisions, ds.metadata.namespace, meta.name);
    if (revisionData(existing) === patch && controllerOf(existing)?.uid === ds.metadata.uid) return existing;
    const fresh = await this.client.get<DaemonSet>(daemonSets, ds.metadata.namespace, ds.metadata.name);
    await this.client.update(daemonSets, ds.metadata.namespace, ds.metadata.name, { ...fresh, status: { ...(fresh.status ?? {}), collisionCount: (fresh.status?.collisionCount ?? 0) + 1 } }, 'status');
    throw new Error(`found a hash collision for DaemonSet ${ds.metadata.name}: bumped collisionCount to retry`);
  }

  /** Delete old revisions beyond revisionHistoryLimit that no pod still carries, oldest first. */
  private async cleanupHistory(ds: DaemonSet, selector: LabelSelector, old: ControllerRevision[]): Promise<void> {
    const limit = ds.spec.revisionHistoryLimit ?? 10;
    let toKill = old.length - limit;
    if (toKill <= 0) return;
    const live = new Set<string>();
    for (const list of (await this.nodesToDaemonPods(ds, selector, false)).values()) for (const p of list) { const h = p.metadata.labels?.[HASH_LABEL]; if (h) live.add(h); }
    for (const r of [...old].sort((a, b) => a.revision - b.revision)) {
      if (toKill <= 0) break;
      if (live.has(r.metadata.labels?.[HASH_LABEL] ?? '')) continue;
      await deleteRevision(this.client, r);
      toKill--;
    }
  }

  // --- pods ------------------------------------------------------------------------------

  /** Claimed pods by the node they are for; terminal pods being deleted left out unless asked for. */
  private async nodesToDaemonPods(ds: DaemonSet, selector: LabelSelector, includeDeletedTerminal: boolean): Promise<Map<string, Pod[]>> {
    const owned = this.pods.byIndex('controller-uid', ds.metadata.uid as string);
    const orphans = this.pods.byIndex('orphan-namespace', ds.metadata.namespace ?? '').filter((p) => matchLabels(selector, p.metadata.labels));
    const claimed = await claimObjects<Pod>({
      client: this.client, resourceName: 'pods', owner: ds, ownerApiVersion: API_VERSION, ownerKind: KIND,
      selector, candidates: [...owned, ...orphans], canAdopt: () => this.canAdopt(ds),
    });
    const out = new Map<string, Pod[]>();
    for (const p of claimed) {
      const terminal = p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed';
      if (!includeDeletedTerminal && terminal && p.metadata.deletionTimestamp) continue;
      const node = targetNodeName(p);
      if (!node) continue;
      let list = out.get(node);
      if (!list) out.set(node, (list = []));
      list.push(p);
    }
    return out;
  }

  /** Create missing daemon pods, delete those on nodes they should leave, replace failed ones (upstream manage). */
  private async manage(ds: DaemonSet, selector: LabelSelector, nodes: Node[], hash: string, key: string): Promise<void> {
    const byNode = await this.nodesToDaemonPods(ds, selector, true);
    const needing: string[] = [];
    const toDelete: Pod[] = [];
    const us = ds.spec.updateStrategy;
    const surge = (us?.type ?? 'RollingUpdate') === 'RollingUpdate' && scaled(us?.rollingUpdate?.maxSurge, 1) > 0;
    let retryAfter: number | undefined;
    for (const node of nodes) {
      const { shouldRun, shouldContinueRunning } = nodeShouldRunDaemonPod(node, ds);
      const daemonPods = byNode.get(node.metadata.name) ?? [];
      if (shouldRun && daemonPods.length === 0) { needing.push(node.metadata.name); continue; }
      if (shouldContinueRunning) {
        const running: Pod[] = [];
        for (const p of daemonPods) {
          if (p.metadata.deletionTimestamp) continue;
          if (p.status?.phase === 'Failed') {
            const bkey = `${key}/${node.metadata.name}`;
            const b = this.failedBackoff.get(bkey);
            const now = Date.now();
            if (b && now < b.until) { retryAfter = Math.min(retryAfter ?? Infinity, b.until - now); continue; }
            const delay = b ? Math.min(b.delay * 2, FAILED_POD_MAX_BACKOFF_MS) : FAILED_POD_BACKOFF_MS;
            this.failedBackoff.set(bkey, { until: now + delay, delay });
            this.recorder.event(this.ref(ds), 'Warning', 'FailedDaemonPod', `Found failed daemon pod ${p.metadata.namespace}/${p.metadata.name} on node ${node.metadata.name}, will try to kill it`);
            toDelete.push(p);
            continue;
          }
          running.push(p);
        }
        if (running.length <= 1) continue;
        running.sort(byScheduledThenAge);
        if (!surge) { toDelete.push(...running.slice(1)); continue; }
        // With surge: keep the oldest new pod and the oldest old one.
        let keptNew = false, keptOld = false;
        for (const p of running) {
          const isNew = p.metadata.labels?.[HASH_LABEL] === hash;
          if (isNew && !keptNew) { keptNew = true; continue; }
          if (!isNew && !keptOld) { keptOld = true; continue; }
          toDelete.push(p);
        }
      } else {
        for (const p of daemonPods) if (!p.metadata.deletionTimestamp) toDelete.push(p);
      }
    }
    // Unscheduled pods for nodes that no longer exist.
    const known = new Set(nodes.map((n) => n.metadata.name));
    for (const [node, list] of byNode) {
      if (known.has(node)) continue;
      for (const p of list) if (!p.spec?.nodeName && !p.metadata.deletionTimestamp) toDelete.push(p);
    }
    await this.syncNodes(ds, toDelete, needing, hash, key);
    if (retryAfter !== undefined) this.enqueueAfter(ds, retryAfter);
  }

  /** The pod template daemon pods are made from (upstream CreatePodTemplate). */
  private podFor(ds: DaemonSet, hash: string, nodeName: string): Record<string, unknown> {
    const t = ds.spec.template ?? {};
    const labels: Record<string, string> = { ...(t.metadata?.labels ?? {}) };
    const generation = templateGeneration(ds);
    if (generation !== undefined) labels[TEMPLATE_GENERATION_LABEL] = generation;
    if (hash) labels[HASH_LABEL] = hash;
    const meta: Record<string, unknown> = {
      generateName: `${ds.metadata.name}-`, namespace: ds.metadata.namespace, labels, ownerReferences: [newControllerRef(ds, API_VERSION, KIND)],
    };
    if (t.metadata?.annotations) meta.annotations = { ...t.metadata.annotations };
    if (t.metadata?.finalizers) meta.finalizers = [...t.metadata.finalizers];
    const spec = structuredClone(t.spec ?? {});
    spec.tolerations = daemonPodTolerations(spec);
    spec.affinity = pinnedAffinity(spec.affinity, nodeName);
    return { apiVersion: 'v1', kind: 'Pod', metadata: meta, spec };
  }

  private async syncNodes(ds: DaemonSet, toDelete: Pod[], needing: string[], hash: string, key: string): Promise<void> {
    const create = needing.slice(0, BURST_REPLICAS);
    const del = toDelete.slice(0, BURST_REPLICAS);
    this.creations.expectCreations(key, create.length);
    this.deletions.expectDeletionsOf(key, del.map(objectKey));
    const ref = this.ref(ds);
    // Deletes first, then creates in slow-start batches (1, 2, 4, ...): a create that fails stops the rest.
    const results = await Promise.allSettled(del.map(async (p) => {
      try {
        await this.client.delete(pods, p.metadata.namespace, p.metadata.name, { preconditions: { uid: p.metadata.uid } });
        this.recorder.event(ref, 'Normal', 'SuccessfulDelete', `Deleted pod: ${p.metadata.name}`);
      } catch (e) {
        this.deletions.deletionObservedOf(key, objectKey(p));
        if (isNotFound(e)) return;
        this.recorder.event(ref, 'Warning', 'FailedDelete', `Error deleting: ${msg(e)}`);
        throw e;
      }
    }));
    const failedDelete = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    let createError: unknown;
    let next = 0;
    for (let batch = Math.min(1, create.length); batch > 0 && createError === undefined; batch = Math.min(2 * batch, create.length - next)) {
      const results = await Promise.allSettled(create.slice(next, next + batch).map(async (nodeName) => {
        try {
          const pod = await this.client.create<Pod>(pods, ds.metadata.namespace, this.podFor(ds, hash, nodeName));
          this.recorder.event(ref, 'Normal', 'SuccessfulCreate', `Created pod: ${pod.metadata.name}`);
        } catch (e) {
          this.creations.creationObserved(key);
          this.recorder.event(ref, 'Warning', 'FailedCreate', `Error creating: ${msg(e)}`);
          throw e;
        }
      }));
      next += batch;
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) createError = failed.reason;
    }
    for (; next < create.length; next++) this.creations.creationObserved(key);
    const error = createError ?? failedDelete?.reason;
    if (error !== undefined) throw error;
  }

  /** maxSurge and maxUnavailable scaled to the nodes that want a pod; every such node is in the map (upstream updatedDesiredNodeCounts). */
  private desiredCounts(ds: DaemonSet, nodes: Node[], byNode: Map<string, Pod[]>): { maxSurge: number; maxUnavailable: number } {
    let desired = 0;
    for (const n of nodes) {
      if (!nodeShouldRunDaemonPod(n, ds).shouldRun) continue;
      desired++;
      if (!byNode.has(n.metadata.name)) byNode.set(n.metadata.name, []);
    }
    const ru = ds.spec.updateStrategy?.rollingUpdate;
    const maxUnavailable = scaled(ru?.maxUnavailable ?? 1, desired);
    const maxSurge = scaled(ru?.maxSurge ?? 0, desired);
    return { maxSurge, maxUnavailable: maxUnavailable === 0 && maxSurge === 0 ? 1 : maxUnavailable };
  }

  /** The updated and the old pod on a node; not ok when there are two of either. */
  private updatedPodsOnNode(ds: DaemonSet, list: Pod[], hash: string): { ok: boolean; newPod?: Pod; oldPod?: Pod } {
    let newPod: Pod | undefined, oldPod: Pod | undefined;
    const generation = templateGeneration(ds);
    for (const p of list) {
      if (p.metadata.deletionTimestamp) continue;
      if (isPodUpdated(p, hash, generation)) { if (newPod) return { ok: false }; newPod = p; } else { if (oldPod) return { ok: false }; oldPod = p; }
    }
    return { ok: true, newPod, oldPod };
  }

  /** Replace old pods within maxUnavailable (delete first) or maxSurge (create first) (upstream rollingUpdate). */
  private async rollingUpdate(ds: DaemonSet, selector: LabelSelector, nodes: Node[], hash: string, key: string): Promise<void> {
    const byNode = await this.nodesToDaemonPods(ds, selector, false);
    const { maxSurge, maxUnavailable } = this.desiredCounts(ds, nodes, byNode);
    const min = ds.spec.minReadySeconds ?? 0;
    const now = Date.now();
    if (maxSurge === 0) {
      let unavailable = 0;
      const replaceNow: Pod[] = [], candidates: Pod[] = [];
      for (const list of byNode.values()) {
        const { ok, newPod, oldPod } = this.updatedPodsOnNode(ds, list, hash);
        if (!ok) { unavailable++; continue; }
        if ((!oldPod && !newPod) || (oldPod && newPod)) { unavailable++; continue; }
        if (newPod) { if (!isPodAvailable(newPod, min, now)) unavailable++; continue; }
        if (!oldPod) continue;
        if (!isPodAvailable(oldPod, min, now)) replaceNow.push(oldPod);
        else if (unavailable < maxUnavailable) candidates.push(oldPod);
      }
      const room = Math.min(Math.max(0, maxUnavailable - unavailable), candidates.length);
      return this.syncNodes(ds, [...replaceNow, ...candidates.slice(0, room)], [], hash, key);
    }
    let surging = 0;
    const oldToDelete: Pod[] = [], allowedNew: string[] = [], candidateNew: string[] = [];
    for (const [nodeName, list] of byNode) {
      const { ok, newPod, oldPod } = this.updatedPodsOnNode(ds, list, hash);
      if (!ok) continue;
      if (!newPod) {
        if (!oldPod) continue;
        if (!isPodAvailable(oldPod, min, now)) allowedNew.push(nodeName);
        else if (surging < maxSurge) candidateNew.push(nodeName);
        continue;
      }
      if (!oldPod) continue;
      if (!isPodAvailable(newPod, min, now)) surging++;
      else oldToDelete.push(oldPod);
    }
    const room = Math.min(Math.max(0, maxSurge - surging), candidateNew.length);
    return this.syncNodes(ds, oldToDelete, [...allowedNew, ...candidateNew.slice(0, room)], hash, key);
  }

  // --- status ----------------------------------------------------------------------------

  private async updateStatus(ds: DaemonSet, selector: LabelSelector, nodes: Node[], hash: string, updateObservedGeneration: boolean): Promise<void> {
    const byNode = await this.nodesToDaemonPods(ds, selector, false);
    let desired = 0, current = 0, misscheduled = 0, ready = 0, updated = 0, available = 0;
    const min = ds.spec.minReadySeconds ?? 0;
    const now = Date.now();
    const generation = templateGeneration(ds);
    for (const node of nodes) {
      const { shouldRun } = nodeShouldRunDaemonPod(node, ds);
      const list = byNode.get(node.metadata.name) ?? [];
      if (!shouldRun) { if (list.length > 0) misscheduled++; continue; }
      desired++;
      if (list.length === 0) continue;
      current++;
      const pod = [...list].sort(byScheduledThenAge)[0];
      if (isPodReady(pod)) {
        ready++;
        if (isPodAvailable(pod, min, now)) available++;
      }
      if (isPodUpdated(pod, hash, generation)) updated++;
    }
    const cur = ds.status ?? {};
    const status: NonNullable<DaemonSet['status']> = {
      ...cur,
      desiredNumberScheduled: desired, currentNumberScheduled: current, numberMisscheduled: misscheduled, numberReady: ready,
      updatedNumberScheduled: updated, numberAvailable: available, numberUnavailable: desired - available,
    };
    if (updateObservedGeneration) status.observedGeneration = ds.metadata.generation;
    if (min > 0 && ready !== available) this.enqueueAfter(ds, min * 1000);
    const keys = ['desiredNumberScheduled', 'currentNumberScheduled', 'numberMisscheduled', 'numberReady', 'updatedNumberScheduled', 'numberAvailable', 'numberUnavailable'] as const;
    if (keys.every((k) => (cur[k] ?? 0) === status[k]) && (cur.observedGeneration ?? 0) >= (ds.metadata.generation ?? 0)) return;
    // Omitted at zero on the wire (omitempty upstream).
    for (const k of ['updatedNumberScheduled', 'numberAvailable', 'numberUnavailable'] as const) if (!status[k]) delete status[k];
    let target: DaemonSet = ds;
    for (let attempt = 0; ; attempt++) {
      try {
        await this.client.update(daemonSets, target.metadata.namespace, target.metadata.name, { ...target, status: { ...status, collisionCount: target.status?.collisionCount } }, 'status');
        return;
      } catch (e) {
        if (isNotFound(e)) return;
        if (!isConflict(e) || attempt >= 5) throw e;
        target = await this.client.get<DaemonSet>(daemonSets, ds.metadata.namespace, ds.metadata.name);
        if (target.metadata.uid !== ds.metadata.uid) return;
      }
    }
  }
}

export const newDaemonSetController: ControllerFactory = (ctx) => new DaemonSetController(ctx);
