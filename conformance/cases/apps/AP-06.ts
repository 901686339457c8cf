// Upstream: test/e2e/apps/deployment.go, "deployment should support proportional scaling"
// (testProportionalScalingDeployment without the TerminationComplete pod replacement policy).
// A ten-replica RollingUpdate Deployment (maxSurge 3, maxUnavailable 2) completes; a rollout
// to an image that cannot be pulled then stalls with the first ReplicaSet at 8 and the new one
// at 5; scaling the Deployment to 30 must spread the extra 20 replicas 12:8 over them.

import { expectEqual, fail, must } from '../../framework/expect.ts';
import {
  WEBSERVER_IMAGE, WEBSERVER_IMAGE_NAME, appsPath, getNewReplicaSet, newDeployment, scaledValue, updateWithRetries, verifyPodsRunning,
  waitFor, waitForDeploymentComplete, waitForObservedDeployment, type Workload,
} from '../../framework/apps.ts';
import type { CaseContext, ConformanceCase } from '../../framework/types.ts';

const POLL_MS = 250;
const POLL_SHORT_TIMEOUT_MS = 60_000;

const rsPath = (ctx: CaseContext, rs: Workload): string => appsPath(ctx.namespace, 'replicasets', rs.metadata.name);

/** e2ereplicaset.WaitForReplicaSetTargetAvailableReplicas */
async function waitForReplicaSetTargetAvailableReplicas(ctx: CaseContext, rs: Workload, target: number): Promise<void> {
  const gen = rs.metadata.generation ?? 0;
  await waitFor(ctx, POLL_MS, POLL_SHORT_TIMEOUT_MS, async () => {
    const cur = await must(ctx.rest.get<Workload>(rsPath(ctx, rs)), `getting replicaset ${rs.metadata.name ?? ''}`);
    return (cur.status?.observedGeneration ?? 0) >= gen && (cur.status?.availableReplicas ?? 0) === target;
  }, `replicaset "${rs.metadata.name ?? ''}" never had desired number of .status.availableReplicas (${target})`);
}

/** waitForReplicaSetTargetSpecReplicas */
async function waitForReplicaSetTargetSpecReplicas(ctx: CaseContext, rs: Workload, target: number): Promise<void> {
  const gen = rs.metadata.generation ?? 0;
  let last: number | undefined;
  await waitFor(ctx, POLL_MS, POLL_SHORT_TIMEOUT_MS, async () => {
    const cur = await must(ctx.rest.get<Workload>(rsPath(ctx, rs)), `getting replicaset ${rs.metadata.name ?? ''}`);
    last = cur.spec.replicas;
    return (cur.status?.observedGeneration ?? 0) >= gen && cur.spec.replicas === target;
  }, () => `replicaset "${rs.metadata.name ?? ''}" never had desired number of .spec.replicas (${target}; last ${String(last)})`);
}

/** waitForReplicaSetDesiredReplicas */
async function waitForReplicaSetDesiredReplicas(ctx: CaseContext, rs: Workload): Promise<void> {
  const gen = rs.metadata.generation ?? 0;
  await waitFor(ctx, POLL_MS, POLL_SHORT_TIMEOUT_MS, async () => {
    const cur = await must(ctx.rest.get<Workload>(rsPath(ctx, rs)), `getting replicaset ${rs.metadata.name ?? ''}`);
    return (cur.status?.observedGeneration ?? 0) >= gen && (cur.status?.replicas ?? 0) === rs.spec.replicas && (cur.status?.replicas ?? 0) === cur.spec.replicas;
  }, `replicaset "${rs.metadata.name ?? ''}" never had desired number of replicas`);
}

const testCase: ConformanceCase = {
  id: 'AP-06',
  codename: '[sig-apps] Deployment deployment should support proportional scaling [Conformance]',
  class: 'run',
  needs: 'Deployment and ReplicaSet controllers (proportional scaling mid-rollout); node agents failing to pull the image "webserver:404"',
  baseName: 'deployment',
  podSecurity: 'baseline',
  async run(ctx) {
    const ns = ctx.namespace;
    const podLabels = { name: WEBSERVER_IMAGE_NAME };
    const replicas = 10;

    const deploymentName = 'webserver-deployment';
    const d = newDeployment(deploymentName, replicas, podLabels, WEBSERVER_IMAGE_NAME, WEBSERVER_IMAGE, 'RollingUpdate');
    d.spec.strategy = { type: 'RollingUpdate', rollingUpdate: { maxSurge: 3, maxUnavailable: 2 } };

    ctx.log(`Creating deployment "${deploymentName}"`);
    let deployment = await must(ctx.rest.post<Workload>(appsPath(ns, 'deployments'), d), `creating deployment ${deploymentName}`);

    ctx.log(`Waiting for observed generation ${deployment.metadata.generation ?? 0}`);
    await waitForObservedDeployment(ctx, deploymentName, deployment.metadata.generation ?? 0);

    ctx.log('Waiting for all required pods to come up');
    await verifyPodsRunning(ctx, WEBSERVER_IMAGE_NAME, deployment.spec.replicas ?? 1);

    ctx.log(`Waiting for deployment "${deploymentName}" to complete`);
    await waitForDeploymentComplete(ctx, deployment);

    let firstRS = await getNewReplicaSet(ctx, deployment) ?? fail(`deployment ${deploymentName} has no new replica set`);

    ctx.log(`Updating deployment "${deploymentName}" with a non-existent image`);
    deployment = await updateWithRetries<Workload>(ctx, appsPath(ns, 'deployments', deploymentName), (u) => {
      const c = u.spec.template.spec?.containers?.[0];
      if (c) c.image = 'webserver:404';
    }, `deployment ${deploymentName}`);

    ctx.log(`Waiting for observed generation ${deployment.metadata.generation ?? 0}`);
    await waitForObservedDeployment(ctx, deploymentName, deployment.metadata.generation ?? 0);

    // The first rollout's replica set.
    const maxUnavailable = scaledValue(deployment.spec.strategy?.rollingUpdate?.maxUnavailable, deployment.spec.replicas ?? 1, false);
    const minAvailableReplicas = replicas - maxUnavailable;
    ctx.log(`Waiting for the first rollout's replicaset to have .status.availableReplicas = ${minAvailableReplicas}`);
    await waitForReplicaSetTargetAvailableReplicas(ctx, firstRS, minAvailableReplicas);

    ctx.log(`Waiting for the first rollout's replicaset to have .spec.replicas = ${minAvailableReplicas}`);
    await waitForReplicaSetTargetSpecReplicas(ctx, firstRS, minAvailableReplicas);

    ctx.log(`Waiting for the first rollout's replicaset of deployment "${deploymentName}" to have desired number of replicas`);
    firstRS = await must(ctx.rest.get<Workload>(rsPath(ctx, firstRS)), `getting replicaset ${firstRS.metadata.name ?? ''}`);
    await waitForReplicaSetDesiredReplicas(ctx, firstRS);

    // The second rollout's replica set.
    let secondRS = await getNewReplicaSet(ctx, deployment) ?? fail(`deployment ${deploymentName} has no replica set for the new template`);
    const maxSurge = scaledValue(deployment.spec.strategy?.rollingUpdate?.maxSurge, deployment.spec.replicas ?? 1, false);

    ctx.log('Verifying that the second rollout\'s replicaset has .status.availableReplicas = 0');
    expectEqual(secondRS.status?.availableReplicas ?? 0, 0, 'second replica set .status.availableReplicas');

    let newReplicas = replicas + maxSurge - minAvailableReplicas;
    ctx.log(`Waiting for the second rollout's replicaset to have .spec.replicas = ${newReplicas}`);
    await waitForReplicaSetTargetSpecReplicas(ctx, secondRS, newReplicas);

    ctx.log(`Waiting for the second rollout's replicaset of deployment "${deploymentName}" to have desired number of replicas`);
    secondRS = await must(ctx.rest.get<Workload>(rsPath(ctx, secondRS)), `getting replicaset ${secondRS.metadata.name ?? ''}`);
    await waitForReplicaSetDesiredReplicas(ctx, secondRS);

    ctx.log(`Verifying that deployment "${deploymentName}" has minimum required number of available replicas`);
    if ((deployment.status?.availableReplicas ?? 0) < minAvailableReplicas) {
      fail(`observed ${deployment.status?.availableReplicas ?? 0} available replicas, less than min required ${minAvailableReplicas}`);
    }

    newReplicas = 30;
    ctx.log(`Scaling up the deployment "${deploymentName}" from ${replicas} to ${newReplicas}`);
    await updateWithRetries<Workload>(ctx, appsPath(ns, 'deployments', deploymentName), (u) => { u.spec.replicas = newReplicas; }, `deployment ${deploymentName}`);

    ctx.log(`Waiting for the replicasets of deployment "${deploymentName}" to have desired number of replicas`);
    firstRS = await must(ctx.rest.get<Workload>(rsPath(ctx, firstRS)), `getting replicaset ${firstRS.metadata.name ?? ''}`);
    secondRS = await must(ctx.rest.get<Workload>(rsPath(ctx, secondRS)), `getting replicaset ${secondRS.metadata.name ?? ''}`);

    // 8 + (30-10)*(8/13) rounds to 20; 5 + (30-10)*(5/13) rounds to 13.
    const expectedFirstRolloutReplicas = 20;
    ctx.log(`Verifying that first rollout's replicaset has .spec.replicas = ${expectedFirstRolloutReplicas}`);
    await waitForReplicaSetTargetSpecReplicas(ctx, firstRS, expectedFirstRolloutReplicas);

    const expectedSecondRolloutReplicas = 13;
    ctx.log(`Verifying that second rollout's replicaset has .spec.replicas = ${expectedSecondRolloutReplicas}`);
    await waitForReplicaSetTargetSpecReplicas(ctx, secondRS, expectedSecondRolloutReplicas);
  },
};

export default testCase;
