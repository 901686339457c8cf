// Reconciling a deployment's ReplicaSets outside a rollout (upstream sync.go): finding or
// creating the new set with its revision, resizing the sets proportionally when the
// deployment is scaled mid-rollout or while paused, deleting old sets beyond
// revisionHistoryLimit, and writing the status the sets add up to.

import { isAlreadyExists, isNotFound, resource, type RestClient } from '../../client/rest.ts';
import { referenceTo, type EventRecorder } from '../../client/events.ts';
import { newControllerRef } from '../framework/controllerref.ts';
import {
  POD_TEMPLATE_HASH_LABEL, REASON, REVISION_ANNOTATION, activeReplicaSets, byRevision, calculateStatus, computeHash, equalIgnoreHash,
  findActiveOrLatest, findNewReplicaSet, findOldReplicaSets, getCondition, hasProgressDeadline, hasRevisionHistoryLimit, isRollingUpdate,
  isSaturated, maxRevision, maxSurge, newCondition, newRSNewReplicas, proportionalSizes, replicasAnnotationsNeedUpdate, replicasOf,
  setCondition, setDeploymentRevision, setNewReplicaSetAnnotations, setReplicasAnnotations, statusEqual, desiredReplicasAnnotation, wireStatus,
  type Deployment, type ReplicaSet,
} from './util.ts';

export const replicaSets = resource('apps/replicasets');
export const deployments = resource('apps/deployments');

/** What the sync steps need from the controller. */
export interface SyncContext {
  client: RestClient;
  recorder: EventRecorder;
  /** The cached ReplicaSet of that name. */
  cachedReplicaSet(namespace: string | undefined, name: string): ReplicaSet | undefined;
  enqueueAfter(d: Deployment, ms: number): void;
  now(): number;
}

const msg = (e: unknown) => (e instanceof Error ? e.message : String(e));

export const deploymentRef = (d: Deployment) => referenceTo(d, 'Deployment', 'apps/v1');

/** Write d's status; d takes the stored resourceVersion so later writes of this sync do not conflict. */
export async function updateDeploymentStatus(ctx: SyncContext, d: Deployment): Promise<void> {
  // Zero counts are omitted on the wire, as upstream's omitempty fields.
  const body = { ...d, status: wireStatus(d.status) };
  const stored = await ctx.client.update<Deployment>(deployments, d.metadata.namespace, d.metadata.name, body, 'status');
  d.metadata.resourceVersion = stored.metadata.resourceVersion;
}

/**
 * The new set and all old ones, with the new set's annotations and the deployment's revision
 * brought up to date; the new set is created when asked and missing (upstream
 * getAllReplicaSetsAndSyncRevision).
 */
export async function getAllReplicaSetsAndSyncRevision(ctx: SyncContext, d: Deployment, rsList: ReplicaSet[], createIfMissing: boolean): Promise<[ReplicaSet | undefined, ReplicaSet[]]> {
  const oldRSs = findOldReplicaSets(d, rsList);
  const newRS = await getNewReplicaSet(ctx, d, rsList, oldRSs, createIfMissing);
  return [newRS, oldRSs];
}

async function getNewReplicaSet(ctx: SyncContext, d: Deployment, rsList: ReplicaSet[], oldRSs: ReplicaSet[], createIfMissing: boolean): Promise<ReplicaSet | undefined> {
  const existing = findNewReplicaSet(d, rsList);
  const newRevision = maxRevision(oldRSs) + 1;
  if (existing) {
    const rs = structuredClone(existing);
    const annotationsUpdated = setNewReplicaSetAnnotations(d, rs, newRevision, true);
    if (annotationsUpdated || (rs.spec.minReadySeconds ?? 0) !== (d.spec.minReadySeconds ?? 0)) {
      rs.spec.minReadySeconds = d.spec.minReadySeconds ?? 0;
      return ctx.client.update<ReplicaSet>(replicaSets, rs.metadata.namespace, rs.metadata.name, rs);
    }
    let needsUpdate = setDeploymentRevision(d, rs.metadata.annotations?.[REVISION_ANNOTATION] ?? '');
    // Deployments that had no Progressing condition start being measured from now.
    if (hasProgressDeadline(d) && !getCondition(d.status, 'Progressing')) {
      d.status ??= {};
      setCondition(d.status, newCondition('Progressing', 'True', REASON.foundNewRS, `Found new replica set "${rs.metadata.name}"`, ctx.now()));
      needsUpdate = true;
    }
    if (needsUpdate) await updateDeploymentStatus(ctx, d);
    return rs;
  }
  if (!createIfMissing) return undefined;

  const template = structuredClone(d.spec.template);
  const hash = computeHash(template, d.status?.collisionCount);
  template.metadata = { ...template.metadata, labels: { ...template.metadata?.labels, [POD_TEMPLATE_HASH_LABEL]: hash } };
  const selector = structuredClone(d.spec.selector ?? {});
  selector.matchLabels = { ...selector.matchLabels, [POD_TEMPLATE_HASH_LABEL]: hash };
  const rs: ReplicaSet = {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: `${d.metadata.name}-${hash}`,
      namespace: d.metadata.namespace,
      ownerReferences: [newControllerRef(d, 'apps/v1', 'Deployment')],
      labels: { ...template.metadata.labels },
    },
    spec: { replicas: 0, minReadySeconds: d.spec.minReadySeconds ?? 0, selector, template },
  };
  const newReplicas = newRSNewReplicas(d, [...oldRSs, rs], rs);
  rs.spec.replicas = newReplicas;
  setNewReplicaSetAnnotations(d, rs, newRevision, false);

  let created: ReplicaSet;
  let alreadyExists = false;
  try {
    created = await ctx.client.create<ReplicaSet>(replicaSets, d.metadata.namespace, rs);
  } catch (e) {
    if (isAlreadyExists(e)) {
      // Ours with our template (a stale cache), or a hash collision: then bump collisionCount and retry.
      const found = ctx.cachedReplicaSet(d.metadata.namespace, rs.metadata.name);
      const ref = found?.metadata.ownerReferences as { uid: string; controller?: boolean }[] | undefined;
      if (found && ref?.some((r) => r.controller && r.uid === d.metadata.uid) && equalIgnoreHash(d.spec.template, found.spec.template)) {
        created = found;
        alreadyExists = true;
      } else {
        d.status ??= {};
        d.status.collisionCount = (d.status.collisionCount ?? 0) + 1;
        await updateDeploymentStatus(ctx, d);
        throw e;
      }
    } else {
      const message = `Failed to create new replica set "${rs.metadata.name}": ${msg(e)}`;
      if (hasProgressDeadline(d)) {
        d.status ??= {};
        setCondition(d.status, newCondition('Progressing', 'False', REASON.failedRSCreate, message, ctx.now()));
        await updateDeploymentStatus(ctx, d).catch(() => undefined);
      }
      ctx.recorder.event(deploymentRef(d), 'Warning', REASON.failedRSCreate, message);
      throw e;
    }
  }
  if (!alreadyExists && newReplicas > 0) {
    ctx.recorder.event(deploymentRef(d), 'Normal', 'ScalingReplicaSet', `Scaled up replica set ${created.metadata.name} from 0 to ${newReplicas}`);
  }
  let needsUpdate = setDeploymentRevision(d, String(newRevision));
  if (!alreadyExists && hasProgressDeadline(d)) {
    d.status ??= {};
    setCondition(d.status, newCondition('Progressing', 'True', REASON.newReplicaSet, `Created new replica set "${created.metadata.name}"`, ctx.now()));
    needsUpdate = true;
  }
  if (needsUpdate) await updateDeploymentStatus(ctx, d);
  return created;
}

/** Resize one set and, when its size changed, record ScalingReplicaSet. Returns whether it scaled and the set as stored. */
export async function scaleReplicaSet(ctx: SyncContext, rs: ReplicaSet, newScale: number, d: Deployment, operation: string): Promise<[boolean, ReplicaSet]> {
  const oldScale = rs.spec.replicas ?? 1;
  const sizeNeedsUpdate = oldScale !== newScale;
  const max = replicasOf(d) + maxSurge(d);
  if (!sizeNeedsUpdate && !replicasAnnotationsNeedUpdate(rs, replicasOf(d), max)) return [false, rs];
  const copy = structuredClone(rs);
  copy.spec.replicas = newScale;
  setReplicasAnnotations(copy, replicasOf(d), max);
  const stored = await ctx.client.update<ReplicaSet>(replicaSets, copy.metadata.namespace, copy.metadata.name, copy);
  if (sizeNeedsUpdate) {
    ctx.recorder.event(deploymentRef(d), 'Normal', 'ScalingReplicaSet', `Scaled ${operation} replica set ${stored.metadata.name} from ${oldScale} to ${newScale}`);
  }
  return [sizeNeedsUpdate, stored];
}

export async function scaleReplicaSetAndRecordEvent(ctx: SyncContext, rs: ReplicaSet, newScale: number, d: Deployment): Promise<[boolean, ReplicaSet]> {
  const cur = rs.spec.replicas ?? 1;
  if (cur === newScale) return [false, rs];
  return scaleReplicaSet(ctx, rs, newScale, d, cur < newScale ? 'up' : 'down');
}

/**
 * Resize the sets to the deployment's size: the only active set takes it all; a saturated new
 * set lets the old ones go to zero; otherwise a rolling deployment's sets share the change in
 * proportion to their sizes (upstream DeploymentController.scale).
 */
export async function scale(ctx: SyncContext, d: Deployment, newRS: ReplicaSet | undefined, oldRSs: ReplicaSet[]): Promise<void> {
  const only = findActiveOrLatest(newRS, oldRSs);
  if (only) {
    if ((only.spec.replicas ?? 1) === replicasOf(d)) return;
    await scaleReplicaSetAndRecordEvent(ctx, only, replicasOf(d), d);
    return;
  }
  if (isSaturated(d, newRS)) {
    for (const old of activeReplicaSets(oldRSs)) await scaleReplicaSetAndRecordEvent(ctx, old, 0, d);
    return;
  }
  if (!isRollingUpdate(d)) return;
  const { sets, sizes, operation } = proportionalSizes(d, activeReplicaSets([...oldRSs, newRS]));
  for (const rs of sets) await scaleReplicaSet(ctx, rs, sizes.get(rs.metadata.name) ?? 0, d, operation);
}

/** Delete the oldest scaled-down sets beyond revisionHistoryLimit (upstream cleanupDeployment). */
export async function cleanupDeployment(ctx: SyncContext, oldRSs: ReplicaSet[], d: Deployment): Promise<void> {
  if (!hasRevisionHistoryLimit(d)) return;
  const cleanable = oldRSs.filter((rs) => !rs.metadata.deletionTimestamp);
  const diff = cleanable.length - (d.spec.revisionHistoryLimit as number);
  if (diff <= 0) return;
  cleanable.sort(byRevision);
  for (const rs of cleanable.slice(0, diff)) {
    // Only sets that are down to zero and whose controller has seen that.
    if ((rs.status?.replicas ?? 0) !== 0 || (rs.spec.replicas ?? 1) !== 0 || (rs.metadata.generation ?? 0) > (rs.status?.observedGeneration ?? 0)) continue;
    try {
      await ctx.client.delete(replicaSets, rs.metadata.namespace, rs.metadata.name, { preconditions: { uid: rs.metadata.uid } });
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
  }
}

/** Write the status the sets add up to, when it differs from the stored one. */
export async function syncDeploymentStatus(ctx: SyncContext, allRSs: (ReplicaSet | undefined)[], newRS: ReplicaSet | undefined, d: Deployment): Promise<void> {
  const status = calculateStatus(allRSs, newRS, d, ctx.now());
  if (statusEqual(d.status, status)) return;
  await updateDeploymentStatus(ctx, { ...d, status });
}

/** Only the status: for deployments being deleted. */
export async function syncStatusOnly(ctx: SyncContext, d: Deployment, rsList: ReplicaSet[]): Promise<void> {
  const [newRS, oldRSs] = await getAllReplicaSetsAndSyncRevision(ctx, d, rsList, false);
  await syncDeploymentStatus(ctx, [...oldRSs, newRS], newRS, d);
}

/** Scaling events and paused deployments: resize without rolling out. */
export async function sync(ctx: SyncContext, d: Deployment, rsList: ReplicaSet[]): Promise<void> {
  const [newRS, oldRSs] = await getAllReplicaSetsAndSyncRevision(ctx, d, rsList, false);
  await scale(ctx, d, newRS, oldRSs);
  if (d.spec.paused) await cleanupDeployment(ctx, oldRSs, d);
  await syncDeploymentStatus(ctx, [...oldRSs, newRS], newRS, d);
}

/** Progressing=Unknown DeploymentPaused/DeploymentResumed, so time spent paused never counts against the deadline. */
export async function checkPausedConditions(ctx: SyncContext, d: Deployment): Promise<void> {
  if (!hasProgressDeadline(d)) return;
  const cond = getCondition(d.status, 'Progressing');
  if (cond?.reason === REASON.timedOut) return;
  const pausedCondExists = cond?.reason === REASON.paused;
  d.status ??= {};
  if (d.spec.paused && !pausedCondExists) {
    setCondition(d.status, newCondition('Progressing', 'Unknown', REASON.paused, 'Deployment is paused', ctx.now()));
  } else if (!d.spec.paused && pausedCondExists) {
    setCondition(d.status, newCondition('Progressing', 'Unknown', REASON.resumed, 'Deployment is resumed', ctx.now()));
  } else {
    return;
  }
  await updateDeploymentStatus(ctx, d);
}

/** Whether the deployment was resized since its active sets were last annotated with its size. */
export async function isScalingEvent(ctx: SyncContext, d: Deployment, rsList: ReplicaSet[]): Promise<boolean> {
  const [newRS, oldRSs] = await getAllReplicaSetsAndSyncRevision(ctx, d, rsList, false);
  for (const rs of activeReplicaSets([...oldRSs, newRS])) {
    const desired = desiredReplicasAnnotation(rs);
    if (desired !== undefined && desired !== replicasOf(d)) return true;
  }
  return false;
}
