// RollingUpdate (upstream rolling.go): grow the new ReplicaSet up to replicas + maxSurge
// pods in all, and shrink old ones while at least replicas - maxUnavailable stay available;
// unhealthy old pods go first, as they count against availability anyway.

import {
  activeReplicaSets, byCreation, deploymentComplete, maxUnavailable, newRSNewReplicas, replicasOf, sumAvailableKept, sumReplicas,
  type Deployment, type ReplicaSet,
} from './util.ts';
import { cleanupDeployment, getAllReplicaSetsAndSyncRevision, scaleReplicaSetAndRecordEvent, type SyncContext } from './sync.ts';
import { syncRolloutStatus } from './progress.ts';

export async function rolloutRolling(ctx: SyncContext, d: Deployment, rsList: ReplicaSet[]): Promise<void> {
  const [newRS, oldRSs] = await getAllReplicaSetsAndSyncRevision(ctx, d, rsList, true);
  const created = newRS as ReplicaSet;
  const allRSs = [...oldRSs, created];
  if (await reconcileNewReplicaSet(ctx, allRSs, created, d)) return syncRolloutStatus(ctx, allRSs, created, d);
  if (await reconcileOldReplicaSets(ctx, allRSs, activeReplicaSets(oldRSs), created, d)) return syncRolloutStatus(ctx, allRSs, created, d);
  if (d.status && deploymentComplete(d, d.status)) await cleanupDeployment(ctx, oldRSs, d);
  return syncRolloutStatus(ctx, allRSs, created, d);
}

async function reconcileNewReplicaSet(ctx: SyncContext, allRSs: ReplicaSet[], newRS: ReplicaSet, d: Deployment): Promise<boolean> {
  const want = replicasOf(d);
  const have = newRS.spec.replicas ?? 1;
  if (have === want) return false;
  const target = have > want ? want : newRSNewReplicas(d, allRSs, newRS);
  return (await scaleReplicaSetAndRecordEvent(ctx, newRS, target, d))[0];
}

/**
 * How far old sets may shrink now: all pods, less the minimum available, less the new set's
 * pods not yet available (they may never become available, so they cannot be counted on).
 */
export function maxOldScaleDown(d: Deployment, allRSs: ReplicaSet[], newRS: ReplicaSet): number {
  const minAvailable = replicasOf(d) - maxUnavailable(d);
  const newRSUnavailable = (newRS.spec.replicas ?? 1) - (newRS.status?.availableReplicas ?? 0);
  return sumReplicas(allRSs) - minAvailable - newRSUnavailable;
}

async function reconcileOldReplicaSets(ctx: SyncContext, allRSs: ReplicaSet[], oldRSs: ReplicaSet[], newRS: ReplicaSet, d: Deployment): Promise<boolean> {
  if (sumReplicas(oldRSs) === 0) return false;
  const maxScaledDown = maxOldScaleDown(d, allRSs, newRS);
  if (maxScaledDown <= 0) return false;
  const [cleaned, cleanupCount] = await cleanupUnhealthyReplicas(ctx, oldRSs, d, maxScaledDown);
  const scaledDown = await scaleDownOldReplicaSetsForRollingUpdate(ctx, [...cleaned, newRS], cleaned, d);
  return cleanupCount + scaledDown > 0;
}

/** Drop old sets' unavailable replicas first, oldest set first, at most maxCleanup in all. */
async function cleanupUnhealthyReplicas(ctx: SyncContext, oldRSs: ReplicaSet[], d: Deployment, maxCleanup: number): Promise<[ReplicaSet[], number]> {
  const sets = [...oldRSs].sort(byCreation);
  let total = 0;
  for (let i = 0; i < sets.length; i++) {
    if (total >= maxCleanup) break;
    const rs = sets[i];
    const replicas = rs.spec.replicas ?? 1;
    const available = rs.status?.availableReplicas ?? 0;
    // available > replicas: the set's controller has not caught up with its last scale-down yet.
    if (replicas === 0 || replicas <= available) continue;
    const n = Math.min(maxCleanup - total, replicas - available);
    const [, stored] = await scaleReplicaSetAndRecordEvent(ctx, rs, replicas - n, d);
    total += n;
    sets[i] = stored;
  }
  return [sets, total];
}

/** Shrink old sets, oldest first, while more than the minimum would remain available (pods being deleted not counted). */
async function scaleDownOldReplicaSetsForRollingUpdate(ctx: SyncContext, allRSs: ReplicaSet[], oldRSs: ReplicaSet[], d: Deployment): Promise<number> {
  const minAvailable = replicasOf(d) - maxUnavailable(d);
  const available = sumAvailableKept(allRSs);
  if (available <= minAvailable) return 0;
  const budget = available - minAvailable;
  let total = 0;
  for (const rs of [...oldRSs].sort(byCreation)) {
    if (total >= budget) break;
    const replicas = rs.spec.replicas ?? 1;
    if (replicas === 0) continue;
    const n = Math.min(replicas, budget - total);
    await scaleReplicaSetAndRecordEvent(ctx, rs, replicas - n, d);
    total += n;
  }
  return total;
}
