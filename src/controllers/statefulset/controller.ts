// The StatefulSet controller (upstream pkg/controller/statefulset). Each sync claims the set's
// pods, finds (or records) its current and update ControllerRevisions, then walks the ordinals:
// missing pods are created (their claims first), failed ones replaced, and, unless the set is
// Parallel, nothing further happens while any pod is not yet Running and Ready — so pods come
// up 0..N-1 one at a time and go away N-1..0. Then the rolling update replaces, from the
// highest ordinal down to the partition, the pods not at the update revision, one (or
// maxUnavailable) at a time. Status counts and revisions are written back, and revisions past
// revisionHistoryLimit that no pod uses are deleted.

import { isAlreadyExists, isConflict, isNotFound, resource, type RestClient } from '../../client/rest.ts';
import { referenceTo, type EventRecorder, type ObjectReference } from '../../client/events.ts';
import { matchLabels, type LabelSelector } from '../../registry/selection.ts';
import { Controller, splitKey, type ControllerContext } from '../framework/controller.ts';
import { claimObjects, controllerOf, ownerCanAdopt } from '../framework/controllerref.ts';
import { selectorFor, type SharedInformer } from '../framework/informers.ts';
import {
  adoptRevision, createRevision, deleteRevision, findEqualRevisions, equalRevision, newRevision, nextRevision, ownedRevisions,
  sortRevisions, templateOf, updateRevisionNumber, type ControllerRevision,
} from '../history.ts';
import type { Pod } from '../podreadiness.ts';
import {
  SET_API_VERSION, SET_KIND, allowsBurst, claimIsStale, claimOwnerRefsFor, claimsFor, endOrdinal, identityMatches, inOrdinalRange,
  isClaimOwnerUpToDate, isCreated, isFailed, isMemberOf, isPending, isRunningAndAvailable, isRunningAndReady, isSucceeded,
  isTerminating, isUnavailable, newVersionedPod, ordinalOf, podRevision, startOrdinal, storageMatches, updateIdentity,
  updateStorage, type Claim, type StatefulSet,
} from './identity.ts';

const pods = resource('pods');
const claimsResource = resource('persistentvolumeclaims');
const statefulSets = resource('apps/statefulsets');

/** Most creates or deletes in flight at once in Parallel mode (upstream MaxBatchSize). */
const MAX_BATCH = 500;

type Status = NonNullable<StatefulSet['status']>;

const msg = (e: unknown) => (e instanceof Error ? e.message : String(e));
const cap = (s: string) => s[0].toUpperCase() + s.slice(1);

/** Upstream slowStartBatch: fn for each index in batches of 1, 2, 4, ... until one fails. */
async function slowStartBatch(count: number, fn: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  for (let batch = Math.min(1, count); batch > 0; batch = Math.min(2 * batch, count - next, MAX_BATCH)) {
    const results = await Promise.allSettled(Array.from({ length: batch }, (_, k) => fn(next + k)));
    next += batch;
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }
}

/** intstr percentages scaled down, as upstream's maxUnavailable for StatefulSets (at least 1). */
function maxUnavailableOf(v: number | string | undefined, replicas: number): number {
  if (v === undefined) return 1;
  const n = typeof v === 'number' ? v : v.endsWith('%') ? Math.floor((Number(v.slice(0, -1)) * replicas) / 100) : Number(v);
  return Number.isFinite(n) && n >= 1 ? n : 1;
}

export class StatefulSetController extends Controller {
  private readonly sets: SharedInformer<StatefulSet>;
  private readonly pods: SharedInformer<Pod>;
  private readonly revisions: SharedInformer<ControllerRevision>;
  private readonly claims: SharedInformer<Claim>;
  private readonly recorder: EventRecorder;
  private readonly client: RestClient;

  constructor(ctx: ControllerContext) {
    super('statefulset-controller', ctx);
    this.client = ctx.client;
    this.recorder = ctx.recorder('statefulset-controller');
    this.sets = ctx.informers.for<StatefulSet>('apps/statefulsets');
    this.pods = ctx.informers.for<Pod>('pods');
    this.revisions = ctx.informers.for<ControllerRevision>('apps/controllerrevisions');
    this.claims = ctx.informers.for<Claim>('persistentvolumeclaims');
    this.pods.addIndex('controller-uid', (p) => { const r = controllerOf(p); return r ? [r.uid] : []; });
    this.pods.addIndex('orphan-namespace', (p) => (controllerOf(p) ? [] : [p.metadata.namespace ?? '']));
    this.sets.addHandlers({ add: (s) => this.enqueue(s), update: (_, s) => this.enqueue(s), delete: (s) => this.enqueue(s) });
    this.pods.addHandlers({
      add: (p) => this.podChanged(undefined, p),
      update: (old, p) => this.podChanged(old, p),
      delete: (p) => { const s = this.ownerOf(p); if (s) this.enqueue(s); },
    });
  }

  private ownerOf(p: Pod): StatefulSet | undefined {
    const ref = controllerOf(p);
    if (!ref || ref.kind !== SET_KIND) return undefined;
    const set = this.sets.get(p.metadata.namespace, ref.name);
    return set && set.metadata.uid === ref.uid ? set : undefined;
  }

  private podChanged(old: Pod | undefined, p: Pod): void {
    if (old && old.metadata.resourceVersion === p.metadata.resourceVersion) return;
    if (old) {
      const oldRef = controllerOf(old);
      if (oldRef && oldRef.uid !== controllerOf(p)?.uid) { const o = this.ownerOf(old); if (o) this.enqueue(o); }
    }
    const owner = this.ownerOf(p);
    if (owner) {
      this.enqueue(owner);
      const min = owner.spec.minReadySeconds ?? 0;
      if (min > 0 && old && !isRunningAndReady(old) && isRunningAndReady(p)) this.enqueueAfter(owner, min * 1000 + 500);
      return;
    }
    if (controllerOf(p)) return;
    // An orphan: the sets that may adopt it.
    for (const s of this.sets.list(p.metadata.namespace)) {
      const sel = selectorFor(s.spec.selector);
      if (sel && !sel.empty && isMemberOf(s, p) && matchLabels(sel, p.metadata.labels)) this.enqueue(s);
    }
  }

  protected async sync(key: string): Promise<void> {
    const [namespace, name] = splitKey(key);
    const set = this.sets.get(namespace, name);
    if (!set) return;
    const selector = selectorFor(set.spec.selector);
    if (!selector || selector.empty) {
      this.recorder.event(this.ref(set), 'Warning', 'InvalidSelector', 'Empty or invalid selector');
      return;
    }
    const revisions = await this.listRevisions(set, selector);
    const claimed = await this.podsFor(set, selector);
    const status = await this.updateStatefulSet(set, claimed, revisions);
    const min = set.spec.minReadySeconds ?? 0;
    if (status && min > 0 && (status.availableReplicas ?? 0) !== (status.readyReplicas ?? 0)) this.queue.addAfter(key, min * 1000);
  }

  private ref(set: StatefulSet): ObjectReference { return referenceTo(set, SET_KIND, SET_API_VERSION); }

  /** Re-read the set: adopt only while it exists as the same object and is not being deleted. */
  private canAdopt(set: StatefulSet): Promise<boolean> { return ownerCanAdopt(this.client, 'apps/statefulsets', set); }

  /** The set's revisions, orphans matching its selector adopted (upstream ListRevisions + AdoptOrphanRevisions). */
  private async listRevisions(set: StatefulSet, selector: LabelSelector): Promise<ControllerRevision[]> {
    const revs = ownedRevisions(this.revisions.list(set.metadata.namespace), set, selector);
    if (revs.some((r) => !controllerOf(r)) && !set.metadata.deletionTimestamp && await this.canAdopt(set)) {
      for (let i = 0; i < revs.length; i++) {
        if (!controllerOf(revs[i])) revs[i] = await adoptRevision(this.client, set, SET_API_VERSION, SET_KIND, revs[i]);
      }
    }
    return sortRevisions(revs);
  }

  /** Pods the set controls, adopting orphans that match its selector and carry its name. */
  private podsFor(set: StatefulSet, selector: LabelSelector): Promise<Pod[]> {
    const ns = set.metadata.namespace ?? '';
    const owned = this.pods.byIndex('controller-uid', set.metadata.uid as string);
    const orphans = this.pods.byIndex('orphan-namespace', ns).filter((p) => isMemberOf(set, p) && matchLabels(selector, p.metadata.labels));
    return claimObjects<Pod>({
      client: this.client, resourceName: 'pods', owner: set, ownerApiVersion: SET_API_VERSION, ownerKind: SET_KIND,
      selector, candidates: [...owned, ...orphans], canAdopt: () => this.canAdopt(set),
    });
  }

  // --- revisions ------------------------------------------------------------------------

  /** The current and update revisions (upstream getStatefulSetRevisions); may create or renumber one. */
  private async setRevisions(set: StatefulSet, revisions: ControllerRevision[]): Promise<{ current: ControllerRevision; update: ControllerRevision; collisionCount: number }> {
    let collisionCount = set.status?.collisionCount ?? 0;
    const candidate = newRevision(set, SET_API_VERSION, SET_KIND, nextRevision(revisions), collisionCount);
    const equal = findEqualRevisions(revisions, candidate);
    let update: ControllerRevision;
    if (equal.length > 0 && equalRevision(revisions[revisions.length - 1], equal[equal.length - 1])) {
      update = revisions[revisions.length - 1];
    } else if (equal.length > 0) {
      // An earlier template again (a rollback): that revision becomes the newest.
      update = await updateRevisionNumber(this.client, equal[equal.length - 1], candidate.revision);
    } else {
      const r = await createRevision(this.client, set, candidate, collisionCount);
      update = r.revision;
      collisionCount = r.collisionCount;
    }
    const current = revisions.find((r) => r.metadata.name === set.status?.currentRevision) ?? update;
    return { current, update, collisionCount };
  }

  /** A copy of the set with the template the revision holds (upstream ApplyRevision). */
  private applyRevision(set: StatefulSet, rev: ControllerRevision): StatefulSet {
    const template = templateOf(rev);
    return template ? { ...set, spec: { ...set.spec, template: structuredClone(template) as StatefulSet['spec']['template'] } } : set;
  }

  /** Delete revisions beyond revisionHistoryLimit, oldest first, sparing those in use (upstream truncateHistory). */
  private async truncateHistory(set: StatefulSet, claimed: Pod[], revisions: ControllerRevision[], current?: ControllerRevision, update?: ControllerRevision): Promise<void> {
    const live = new Set<string>();
    if (current) live.add(current.metadata.name);
    if (update) live.add(update.metadata.name);
    for (const p of claimed) live.add(podRevision(p));
    const history = revisions.filter((r) => !live.has(r.metadata.name));
    const limit = set.spec.revisionHistoryLimit ?? 10;
    if (limit < 0 || history.length <= limit) return;
    for (const r of history.slice(0, history.length - limit)) await deleteRevision(this.client, r);
  }

  // --- the update loop -------------------------------------------------------------------

  private async updateStatefulSet(set: StatefulSet, claimed: Pod[], revisions: ControllerRevision[]): Promise<Status | undefined> {
    let current: ControllerRevision | undefined, update: ControllerRevision | undefined;
    let status: Status | undefined;
    let error: unknown;
    try {
      const r = await this.setRevisions(set, revisions);
      current = r.current; update = r.update;
      const result = await this.performUpdate(set, claimed, r.current, r.update, r.collisionCount);
      status = result.status;
      error = result.error;
      await this.updateStatus(set, status);
    } catch (e) {
      error ??= e;
    }
    try {
      await this.truncateHistory(set, claimed, revisions, current, update);
    } catch (e) {
      error ??= e;
    }
    if (error) throw error;
    return status;
  }

  /** Counts of pods by readiness and revision (upstream computeReplicaStatus). */
  private countInto(status: Status, min: number, current: ControllerRevision, update: ControllerRevision, ...lists: Pod[][]): void {
    let replicas = 0, ready = 0, available = 0, cur = 0, upd = 0;
    for (const list of lists) {
      for (const p of list) {
        if (isCreated(p)) replicas++;
        if (isRunningAndReady(p)) {
          ready++;
          if (isRunningAndAvailable(p, min)) available++;
        }
        if (isCreated(p) && !isTerminating(p)) {
          const rev = podRevision(p);
          if (rev === current.metadata.name) cur++;
          if (rev === update.metadata.name) upd++;
        }
      }
    }
    Object.assign(status, { replicas, readyReplicas: ready, availableReplicas: available, currentReplicas: cur, updatedReplicas: upd });
  }

  private async performUpdate(set: StatefulSet, claimed: Pod[], current: ControllerRevision, update: ControllerRevision, collisionCount: number): Promise<{ status: Status; error?: unknown }> {
    const currentSet = this.applyRevision(set, current);
    const updateSet = this.applyRevision(set, update);
    const min = set.spec.minReadySeconds ?? 0;
    const status: Status = {
      observedGeneration: set.metadata.generation, currentRevision: current.metadata.name, updateRevision: update.metadata.name, collisionCount,
    };
    this.countInto(status, min, current, update, claimed);

    // Pods in [start, end] by ordinal; the rest with a valid ordinal are condemned.
    const start = startOrdinal(set), end = endOrdinal(set);
    const replicas: Pod[] = new Array<Pod>(Math.max(0, end - start + 1));
    const condemned: Pod[] = [];
    for (const p of claimed) {
      if (inOrdinalRange(p, set)) replicas[ordinalOf(p) - start] = p;
      else if (ordinalOf(p) >= 0) condemned.push(p);
    }
    for (let ord = start; ord <= end; ord++) {
      if (!replicas[ord - start]) replicas[ord - start] = newVersionedPod(currentSet, updateSet, current.metadata.name, update.metadata.name, ord);
    }
    condemned.sort((a, b) => ordinalOf(b) - ordinalOf(a));
    let firstUnavailable: Pod | undefined;
    for (const p of replicas) if (!firstUnavailable && isUnavailable(p, min)) firstUnavailable = p;
    for (let i = condemned.length - 1; i >= 0 && !firstUnavailable; i--) if (isUnavailable(condemned[i], min)) firstUnavailable = condemned[i];

    if (set.metadata.deletionTimestamp) return { status };
    const monotonic = !allowsBurst(set);
    const finish = (error?: unknown) => { this.countInto(status, min, current, update, replicas, condemned); return { status, error }; };

    try {
      if (await this.runForAll(replicas, (i) => this.processReplica(set, updateSet, monotonic, replicas, i), monotonic)) return finish();
      // Claims of condemned pods follow the retention policy (whenScaled) before the pods go.
      if (await this.runForAll(condemned, async (i) => {
        if (!this.claimsMatchRetentionPolicy(updateSet, condemned[i])) await this.updateClaimsForRetentionPolicy(updateSet, condemned[i]);
        return false;
      }, monotonic)) return finish();
      if (await this.runForAll(condemned, (i) => this.processCondemned(set, firstUnavailable, monotonic, condemned, i), monotonic)) return finish();
    } catch (e) {
      return finish(e);
    }
    this.countInto(status, min, current, update, replicas, condemned);

    if (set.spec.updateStrategy?.type === 'OnDelete') return { status };
    const ru = set.spec.updateStrategy?.rollingUpdate;
    const updateMin = ru?.partition ?? 0;
    try {
      if (ru?.maxUnavailable !== undefined) {
        // maxUnavailable (upstream's MaxUnavailableStatefulSet): replace up to that many at once, counting those already down.
        const maxUnavailable = maxUnavailableOf(ru.maxUnavailable, replicas.length);
        const unavailable = replicas.filter((p) => isUnavailable(p, min)).length;
        if (unavailable > maxUnavailable) return { status };
        let deleted = 0;
        for (let target = replicas.length - 1; target >= updateMin && deleted < maxUnavailable - unavailable; target--) {
          const p = replicas[target];
          if (podRevision(p) !== update.metadata.name && !isTerminating(p)) {
            await this.deletePod(set, p);
            deleted++;
            status.currentReplicas = (status.currentReplicas ?? 0) - 1;
          }
        }
        return { status };
      }
      // One at a time from the highest ordinal; wait while the pod just replaced is not yet available.
      for (let target = replicas.length - 1; target >= updateMin; target--) {
        const p = replicas[target];
        if (podRevision(p) !== update.metadata.name && !isTerminating(p)) {
          await this.deletePod(set, p);
          status.currentReplicas = (status.currentReplicas ?? 0) - 1;
          return { status };
        }
        if (isUnavailable(p, min)) return { status };
      }
    } catch (e) {
      return { status, error: e };
    }
    return { status };
  }

  /** In order, stopping at the first that asks to (OrderedReady); else all in slow-start batches. True when the sync should stop. */
  private async runForAll(list: Pod[], fn: (i: number) => Promise<boolean>, monotonic: boolean): Promise<boolean> {
    if (monotonic) {
      for (let i = 0; i < list.length; i++) if (await fn(i)) return true;
      return false;
    }
    await slowStartBatch(list.length, fn);
    return false;
  }

  /** One ordinal in range (upstream processReplica); true when an ordered set must wait. */
  private async processReplica(set: StatefulSet, updateSet: StatefulSet, monotonic: boolean, replicas: Pod[], i: number): Promise<boolean> {
    const pod = replicas[i];
    // A terminated pod (Failed, or Succeeded after an eviction or reboot) is replaced once it is gone.
    if (isFailed(pod) || isSucceeded(pod)) {
      if (!isTerminating(pod)) await this.deletePod(set, pod);
      return true;
    }
    if (!isCreated(pod)) {
      if (this.podClaimIsStale(set, pod)) return true;
      await this.createPod(set, pod);
      if (monotonic) return true;
    }
    if (isPending(pod)) await this.createMissingClaims(set, pod);
    if (monotonic && (isTerminating(pod) || !isRunningAndReady(pod) || !isRunningAndAvailable(pod, set.spec.minReadySeconds ?? 0))) return true;
    const retentionMatch = isCreated(pod) ? this.claimsMatchRetentionPolicy(updateSet, pod) : true;
    if (identityMatches(set, pod) && storageMatches(set, pod) && retentionMatch) return false;
    await this.updatePod(updateSet, pod);
    return false;
  }

  /** One pod past the end (upstream processCondemned); true when an ordered set must wait. */
  private async processCondemned(set: StatefulSet, firstUnavailable: Pod | undefined, monotonic: boolean, condemned: Pod[], i: number): Promise<boolean> {
    const pod = condemned[i];
    if (isTerminating(pod)) return monotonic;
    const min = set.spec.minReadySeconds ?? 0;
    if (monotonic && pod !== firstUnavailable && (!isRunningAndReady(pod) || !isRunningAndAvailable(pod, min))) return true;
    await this.deletePod(set, pod);
    return true;
  }

  // --- pods and claims (upstream StatefulPodControl) --------------------------------------

  private podEvent(verb: string, set: StatefulSet, pod: Pod, err?: unknown): void {
    if (err === undefined) this.recorder.event(this.ref(set), 'Normal', `Successful${cap(verb)}`, `${verb} Pod ${pod.metadata.name} in StatefulSet ${set.metadata.name} successful`);
    else this.recorder.event(this.ref(set), 'Warning', `Failed${cap(verb)}`, `${verb} Pod ${pod.metadata.name} in StatefulSet ${set.metadata.name} failed error: ${msg(err)}`);
  }

  private claimEvent(verb: string, set: StatefulSet, pod: Pod, claim: Claim, err?: unknown): void {
    if (err === undefined) this.recorder.event(this.ref(set), 'Normal', `Successful${cap(verb)}`, `${verb} Claim ${claim.metadata.name} Pod ${pod.metadata.name} in StatefulSet ${set.metadata.name} success`);
    else this.recorder.event(this.ref(set), 'Warning', `Failed${cap(verb)}`, `${verb} Claim ${claim.metadata.name} for Pod ${pod.metadata.name} in StatefulSet ${set.metadata.name} failed error: ${msg(err)}`);
  }

  private cachedClaim(c: Claim): Claim | undefined { return this.claims.get(c.metadata.namespace, c.metadata.name); }

  /** Creates the pod's missing claims; a claim being deleted is an error (the pod must wait for a new one). */
  private async createClaims(set: StatefulSet, pod: Pod): Promise<void> {
    const errors: string[] = [];
    for (const claim of claimsFor(set, pod).values()) {
      const existing = this.cachedClaim(claim);
      if (existing) {
        if (existing.metadata.deletionTimestamp) errors.push(`pvc ${claim.metadata.name} is being deleted`);
        continue;
      }
      try {
        await this.client.create(claimsResource, claim.metadata.namespace, claim);
        this.claimEvent('create', set, pod, claim);
      } catch (e) {
        if (isAlreadyExists(e)) continue; // the cache has not seen it yet
        errors.push(`failed to create PVC ${claim.metadata.name}: ${msg(e)}`);
        this.claimEvent('create', set, pod, claim, e);
      }
    }
    if (errors.length) throw new Error(errors.join('; '));
  }

  private async createMissingClaims(set: StatefulSet, pod: Pod): Promise<void> {
    await this.createClaims(set, pod);
    try {
      await this.updateClaimsForRetentionPolicy(set, pod);
    } catch (e) {
      this.podEvent('update', set, pod, e);
      throw e;
    }
  }

  private podClaimIsStale(set: StatefulSet, pod: Pod): boolean {
    for (const claim of claimsFor(set, pod).values()) {
      const c = this.cachedClaim(claim);
      if (c && claimIsStale(c, pod)) return true;
    }
    return false;
  }

  private claimsMatchRetentionPolicy(set: StatefulSet, pod: Pod): boolean {
    for (const claim of claimsFor(set, pod).values()) {
      const c = this.cachedClaim(claim);
      if (c && !isClaimOwnerUpToDate(c, set, pod)) return false;
    }
    return true;
  }

  /** Sets the claims' owner references for persistentVolumeClaimRetentionPolicy (set and/or pod own them). */
  private async updateClaimsForRetentionPolicy(set: StatefulSet, pod: Pod): Promise<void> {
    for (const claim of claimsFor(set, pod).values()) {
      const c = this.cachedClaim(claim);
      if (!c || isClaimOwnerUpToDate(c, set, pod)) continue;
      const ownerReferences = claimOwnerRefsFor(c, set, pod);
      try {
        await this.client.patch(claimsResource, c.metadata.namespace, c.metadata.name, 'merge', {
          metadata: { ownerReferences, resourceVersion: c.metadata.resourceVersion },
        });
      } catch (e) {
        if (isNotFound(e)) continue;
        throw new Error(`could not update claim ${c.metadata.name} for delete policy ownerRefs: ${msg(e)}`);
      }
    }
  }

  private async createPod(set: StatefulSet, pod: Pod): Promise<void> {
    try {
      await this.createClaims(set, pod);
    } catch (e) {
      this.podEvent('create', set, pod, e);
      throw e;
    }
    let created: Pod;
    try {
      created = await this.client.create<Pod>(pods, set.metadata.namespace, pod);
    } catch (e) {
      if (!isAlreadyExists(e)) this.podEvent('create', set, pod, e);
      throw e;
    }
    try {
      await this.updateClaimsForRetentionPolicy(set, created);
    } catch (e) {
      this.podEvent('update', set, created, e);
      throw e;
    }
    this.podEvent('create', set, created);
  }

  /** Restores a pod's identity, storage and claim ownership (upstream UpdateStatefulPod). */
  private async updatePod(set: StatefulSet, cached: Pod): Promise<void> {
    let pod = structuredClone(cached);
    let attempted = false;
    for (let attempt = 0; ; attempt++) {
      let consistent = true;
      if (!identityMatches(set, pod)) { updateIdentity(set, pod); consistent = false; }
      if (!storageMatches(set, pod)) {
        updateStorage(set, pod);
        consistent = false;
        try {
          await this.createClaims(set, pod);
        } catch (e) {
          this.podEvent('update', set, pod, e);
          throw e;
        }
      }
      if (!this.claimsMatchRetentionPolicy(set, pod)) {
        try {
          await this.updateClaimsForRetentionPolicy(set, pod);
        } catch (e) {
          this.podEvent('update', set, pod, e);
          throw e;
        }
      }
      if (consistent) {
        if (attempted) this.podEvent('update', set, pod);
        return;
      }
      attempted = true;
      try {
        await this.client.update(pods, pod.metadata.namespace, pod.metadata.name, pod);
        this.podEvent('update', set, pod);
        return;
      } catch (e) {
        if (!isConflict(e) || attempt >= 5) {
          this.podEvent('update', set, pod, e);
          throw e;
        }
        pod = await this.client.get<Pod>(pods, pod.metadata.namespace, pod.metadata.name);
      }
    }
  }

  private async deletePod(set: StatefulSet, pod: Pod): Promise<void> {
    try {
      await this.client.delete(pods, pod.metadata.namespace, pod.metadata.name, { preconditions: { uid: pod.metadata.uid } });
      this.podEvent('delete', set, pod);
    } catch (e) {
      if (isNotFound(e)) return;
      this.podEvent('delete', set, pod, e);
      throw e;
    }
  }

  // --- status ----------------------------------------------------------------------------

  /** Writes the status when it changed; a finished rolling update makes the update revision current. */
  private async updateStatus(set: StatefulSet, status: Status): Promise<void> {
    if (set.spec.updateStrategy?.type === 'RollingUpdate' && status.updatedReplicas === status.replicas && status.readyReplicas === status.replicas) {
      status.currentReplicas = status.updatedReplicas;
      status.currentRevision = status.updateRevision;
    }
    const cur = set.status ?? {};
    const same = (status.observedGeneration ?? 0) <= (cur.observedGeneration ?? 0) && (cur.replicas ?? 0) === status.replicas
      && (cur.currentReplicas ?? 0) === status.currentReplicas && (cur.readyReplicas ?? 0) === status.readyReplicas
      && (cur.updatedReplicas ?? 0) === status.updatedReplicas && (cur.currentRevision ?? '') === status.currentRevision
      && (cur.availableReplicas ?? 0) === status.availableReplicas && (cur.updateRevision ?? '') === status.updateRevision
      && (cur.collisionCount ?? 0) === (status.collisionCount ?? 0);
    if (same) return;
    // Counters with omitempty upstream are left out at zero.
    const body: Status = { ...status };
    for (const k of ['readyReplicas', 'currentReplicas', 'updatedReplicas'] as const) if (!body[k]) delete body[k];
    let target: StatefulSet = set;
    for (let attempt = 0; ; attempt++) {
      try {
        await this.client.update(statefulSets, target.metadata.namespace, target.metadata.name, { ...target, status: body }, 'status');
        return;
      } catch (e) {
        if (isNotFound(e)) return;
        if (!isConflict(e) || attempt >= 5) throw e;
        target = await this.client.get<StatefulSet>(statefulSets, set.metadata.namespace, set.metadata.name);
        if (target.metadata.uid !== set.metadata.uid) return;
      }
    }
  }
}
