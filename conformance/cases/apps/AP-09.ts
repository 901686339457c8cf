// Upstream: test/e2e/apps/deployment.go, "should validate Deployment Status endpoints". A
// one-replica Deployment labelled e2e=testing rolls out and completes; its /status is read,
// replaced with an extra StatusUpdate condition and merge-patched with a StatusPatched
// condition, and a watch from before the create sees each write.

import { must, retryOnConflict } from '../../framework/expect.ts';
import {
  WEBSERVER_IMAGE, WEBSERVER_IMAGE_NAME, appsPath, newDeployment, waitForDeploymentComplete, waitForDeploymentRevisionAndImage,
  type Condition, type Workload,
} from '../../framework/apps.ts';
import { brief, randString, type KList } from '../../framework/json.ts';
import type { CaseContext, ConformanceCase } from '../../framework/types.ts';
import { watchUntil, type WatchEvent } from '../../framework/watch.ts';

const D_RETRY_TIMEOUT_MS = 300_000;

function statusWatch(ctx: CaseContext, labelSelector: string, rv: string, want: Workload, hasCondition: (c: Condition) => boolean): Promise<WatchEvent<Workload>> {
  return watchUntil<Workload>(ctx.rest, appsPath(ctx.namespace, 'deployments'), { labelSelector }, rv, Math.min(D_RETRY_TIMEOUT_MS, ctx.remaining()), (ev) => {
    const d = ev.object;
    const found = d.metadata.name === want.metadata.name && d.metadata.namespace === want.metadata.namespace && d.metadata.labels?.e2e === want.metadata.labels?.e2e;
    if (!found) {
      ctx.log(`Observed Deployment ${d.metadata.name ?? ''} in namespace ${d.metadata.namespace ?? ''} with annotations: ${brief(d.metadata.annotations)} & Conditions: ${brief(d.status?.conditions)}`);
      return false;
    }
    for (const cond of d.status?.conditions ?? []) {
      if (hasCondition(cond)) {
        ctx.log(`Found Deployment ${d.metadata.name ?? ''} in namespace ${d.metadata.namespace ?? ''} with labels: ${brief(d.metadata.labels)} & Conditions: ${brief(cond)}`);
        return true;
      }
      ctx.log(`Observed Deployment ${d.metadata.name ?? ''} in namespace ${d.metadata.namespace ?? ''} with Conditions: ${brief(cond)}`);
    }
    ctx.log(`Observed Deployment event: ${ev.type}`);
    return false;
  }, ctx.signal);
}

const testCase: ConformanceCase = {
  id: 'AP-09',
  codename: '[sig-apps] Deployment should validate Deployment Status endpoints [Conformance]',
  class: 'run',
  needs: 'Deployment and ReplicaSet controllers; node agents running the pods; deployments/status get, update and merge patch; label-selector watch',
  baseName: 'deployment',
  podSecurity: 'baseline',
  async run(ctx) {
    const ns = ctx.namespace;
    const dName = `test-deployment-${randString(5)}`;
    const labelSelector = 'e2e=testing';

    const dList = await must(ctx.rest.get<KList<Workload>>('/apis/apps/v1/deployments', { labelSelector }), 'failed to list Deployments');
    const rv = dList.metadata.resourceVersion ?? '';

    ctx.step('creating a Deployment');
    const podLabels = { name: WEBSERVER_IMAGE_NAME, e2e: 'testing' };
    ctx.log(`Creating simple deployment ${dName}`);
    const d = newDeployment(dName, 1, podLabels, WEBSERVER_IMAGE_NAME, WEBSERVER_IMAGE, 'RollingUpdate');
    const deploy = await must(ctx.rest.post<Workload>(appsPath(ns, 'deployments'), d), `creating deployment ${dName}`);

    await waitForDeploymentRevisionAndImage(ctx, dName, '1', WEBSERVER_IMAGE);
    await waitForDeploymentComplete(ctx, deploy);

    const testDeployment = await must(ctx.rest.get<Workload>(appsPath(ns, 'deployments', dName)), `getting deployment ${dName}`);

    ctx.step('Getting /status');
    const dStatus = await must(ctx.rest.get<Workload>(appsPath(ns, 'deployments', dName, 'status')), `Failed to fetch the status of deployment ${dName} in namespace ${ns}`);
    ctx.log(`Deployment ${dName} has Conditions: ${brief(dStatus.status?.conditions)}`);

    ctx.step('updating Deployment Status');
    const updatedStatus = await must(retryOnConflict(async () => {
      const statusToUpdate = await must(ctx.rest.get<Workload>(appsPath(ns, 'deployments', dName)), `Unable to retrieve deployment ${dName}`);
      statusToUpdate.status = {
        ...statusToUpdate.status,
        conditions: [...statusToUpdate.status?.conditions ?? [], { type: 'StatusUpdate', status: 'True', lastUpdateTime: null, lastTransitionTime: null, reason: 'E2E', message: 'Set from e2e test' }],
      };
      return ctx.rest.put<Workload>(appsPath(ns, 'deployments', dName, 'status'), statusToUpdate);
    }), 'Failed to update status');
    ctx.log(`updatedStatus.Conditions: ${brief(updatedStatus.status?.conditions)}`);

    ctx.step('watching for the Deployment status to be updated');
    await must(statusWatch(ctx, labelSelector, rv, testDeployment, (c) => c.type === 'StatusUpdate' && c.reason === 'E2E' && c.message === 'Set from e2e test'),
      `failed to locate Deployment ${dName} in namespace ${ns}`);
    ctx.log(`Deployment ${dName} has an updated status`);

    ctx.step('patching the Statefulset Status');
    const payload = '{"status":{"conditions":[{"type":"StatusPatched","status":"True"}]}}';
    ctx.log(`Patch payload: ${payload}`);
    const patched = await must(ctx.rest.patch<Workload>(appsPath(ns, 'deployments', dName, 'status'), 'merge', payload), 'Failed to patch status');
    ctx.log(`Patched status conditions: ${brief(patched.status?.conditions)}`);

    ctx.step('watching for the Deployment status to be patched');
    await must(statusWatch(ctx, labelSelector, rv, testDeployment, (c) => c.type === 'StatusPatched'), `failed to locate deployment ${dName} in namespace ${ns}`);
    ctx.log(`Deployment ${dName} has a patched status`);
  },
};

export default testCase;
