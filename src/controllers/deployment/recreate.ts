// Recreate (upstream recreate.go): scale every old ReplicaSet to zero, wait until none of
// their pods is left running, and only then create and scale up the new one.

import { activeReplicaSets, deploymentComplete, replicasOf, sumActualReplicas, type Deployment, type ReplicaSet } from './util.ts';
import { cleanupDeployment, getAllReplicaSetsAndSyncRevision, scaleReplicaSetAndRecordEvent, type SyncContext } from './sync.ts';
import { syncRolloutStatus } from './progress.ts';

export interface PodPhase { status?: { phase?: string } }

export async function rolloutRecreate(ctx: SyncContext, d: Deployment, rsList: ReplicaSet[], podsByRS: Map<string, PodPhase[]>): Promise<void> {
  let [newRS, oldRSs] = await getAllReplicaSetsAndSyncRevision(ctx, d, rsList, false);
  let allRSs: (ReplicaSet | undefined)[] = [...oldRSs, newRS];

  let scaledDown = false;
  for (const rs of activeReplicaSets(oldRSs)) {
    if ((await scaleReplicaSetAndRecordEvent(ctx, rs, 0, d))[0]) scaledDown = true;
  }
  if (scaledDown || oldPodsRunning(newRS, oldRSs, podsByRS)) return syncRolloutStatus(ctx, allRSs, newRS, d);

  if (!newRS) {
    [newRS, oldRSs] = await getAllReplicaSetsAndSyncRevision(ctx, d, rsList, true);
    allRSs = [...oldRSs, newRS];
  }
  await scaleReplicaSetAndRecordEvent(ctx, newRS as ReplicaSet, replicasOf(d), d);
  if (d.status && deploymentComplete(d, d.status)) await cleanupDeployment(ctx, oldRSs, d);
  return syncRolloutStatus(ctx, allRSs, newRS, d);
}

/** Any old set still reports pods, or any pod of an old set is not yet terminal (being deleted counts as running). */
export function oldPodsRunning(newRS: ReplicaSet | undefined, oldRSs: ReplicaSet[], podsByRS: Map<string, PodPhase[]>): boolean {
  if (sumActualReplicas(oldRSs) > 0) return true;
  for (const [uid, pods] of podsByRS) {
    if (newRS && newRS.metadata.uid === uid) continue;
    if (pods.some((p) => p.status?.phase !== 'Failed' && p.status?.phase !== 'Succeeded')) return true;
  }
  return false;
}
