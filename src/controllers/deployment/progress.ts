// Rollout progress (upstream progress.go): after each rollout step the Progressing condition
// says whether the new ReplicaSet is progressing, has become available, or has made no
// progress for progressDeadlineSeconds; ReplicaSet failures surface as ReplicaFailure; a
// deployment that shows no progress is looked at again when its deadline would pass.

import {
  REASON, calculateStatus, deploymentComplete, deploymentProgressing, deploymentTimedOut, getCondition, hasProgressDeadline,
  newCondition, removeCondition, setCondition, statusEqual, type Condition, type Deployment, type DeploymentStatus, type ReplicaSet,
} from './util.ts';
import { updateDeploymentStatus, type SyncContext } from './sync.ts';

/** The status after a rollout step, with Progressing and ReplicaFailure brought up to date. */
export function rolloutStatus(allRSs: (ReplicaSet | undefined)[], newRS: ReplicaSet | undefined, d: Deployment, now: number): DeploymentStatus {
  const status = calculateStatus(allRSs, newRS, d, now);
  if (!hasProgressDeadline(d)) removeCondition(status, 'Progressing');
  const current = getCondition(d.status, 'Progressing');
  const complete = status.replicas === status.updatedReplicas && current?.reason === REASON.newRSAvailable;
  if (hasProgressDeadline(d) && !complete) {
    const subject = newRS ? `ReplicaSet "${newRS.metadata.name}"` : `Deployment "${d.metadata.name}"`;
    if (deploymentComplete(d, status)) {
      setCondition(status, newCondition('Progressing', 'True', REASON.newRSAvailable, `${subject} has successfully progressed.`, now));
    } else if (deploymentProgressing(d, status)) {
      // Progress refreshes lastUpdateTime even with the same reason; the transition time stays while True.
      const c = newCondition('Progressing', 'True', REASON.replicaSetUpdated, `${subject} is progressing.`, now);
      if (current) {
        if (current.status === 'True') c.lastTransitionTime = current.lastTransitionTime;
        removeCondition(status, 'Progressing');
      }
      setCondition(status, c);
    } else if (deploymentTimedOut(d, status, now)) {
      setCondition(status, newCondition('Progressing', 'False', REASON.timedOut, `${subject} has timed out progressing.`, now));
    }
  }
  const failure = replicaFailures(allRSs, newRS)[0];
  if (failure) setCondition(status, failure);
  else removeCondition(status, 'ReplicaFailure');
  return status;
}

/** ReplicaFailure conditions of the new set, else of any set, as deployment conditions. */
function replicaFailures(allRSs: (ReplicaSet | undefined)[], newRS: ReplicaSet | undefined): Condition[] {
  const of = (rs: ReplicaSet | undefined): Condition[] => (rs?.status?.conditions ?? [])
    .filter((c) => c.type === 'ReplicaFailure')
    .map((c) => ({
      type: c.type, status: c.status as Condition['status'],
      lastUpdateTime: c.lastTransitionTime, lastTransitionTime: c.lastTransitionTime, reason: c.reason, message: c.message,
    }));
  const mine = of(newRS);
  if (mine.length > 0) return mine;
  return allRSs.flatMap(of);
}

/** Write the rollout status, or when nothing changed make sure the deployment is checked again at its deadline. */
export async function syncRolloutStatus(ctx: SyncContext, allRSs: (ReplicaSet | undefined)[], newRS: ReplicaSet | undefined, d: Deployment): Promise<void> {
  const status = rolloutStatus(allRSs, newRS, d, ctx.now());
  if (statusEqual(d.status, status)) {
    requeueStuckDeployment(ctx, d, status);
    return;
  }
  await updateDeploymentStatus(ctx, { ...d, status });
}

/** How long until a deployment without progress would time out (undefined: no need to look). */
export function stuckRequeueDelay(d: Deployment, status: DeploymentStatus, now: number): number | undefined {
  const current = getCondition(d.status, 'Progressing');
  if (!hasProgressDeadline(d) || !current) return undefined;
  if (deploymentComplete(d, status) || current.reason === REASON.timedOut) return undefined;
  const from = Date.parse(current.lastUpdateTime ?? '');
  if (Number.isNaN(from)) return undefined;
  return from + (d.spec.progressDeadlineSeconds as number) * 1000 - now;
}

function requeueStuckDeployment(ctx: SyncContext, d: Deployment, status: DeploymentStatus): void {
  const after = stuckRequeueDelay(d, status, ctx.now());
  if (after === undefined) return;
  ctx.enqueueAfter(d, after < 1000 ? 1000 : after + 1000);
}
