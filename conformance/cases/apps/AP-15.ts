// Upstream: test/e2e/apps/replica_set.go, "should validate Replicaset Status endpoints"
// (testRSStatus). A one-replica ReplicaSet comes up; its /status is read, replaced with an
// extra StatusUpdate condition and merge-patched with a StatusPatched condition, and a watch
// from before the create sees each write.

import { must, retryOnConflict } from '../../framework/expect.ts';
import { WEBSERVER_IMAGE, WEBSERVER_IMAGE_NAME, appsPath, newRS, selectorFromSet, verifyPodsRunning, type Workload } from '../../framework/apps.ts';
import { brief, type KList } from '../../framework/json.ts';
import type { CaseContext, ConformanceCase } from '../../framework/types.ts';
import { watchUntil, type WatchEvent } from '../../framework/watch.ts';

const RS_RETRY_TIMEOUT_MS = 120_000;

/** The watchtools.Until of both status checks: the set itself (same name, namespace and labels) carrying `hasCondition`. */
function statusWatch(ctx: CaseContext, labelSelector: string, rv: string, want: Workload, hasCondition: (c: { type: string; reason?: string; message?: string }) => boolean): Promise<WatchEvent<Workload>> {
  return watchUntil<Workload>(ctx.rest, appsPath(ctx.namespace, 'replicasets'), { labelSelector }, rv, Math.min(RS_RETRY_TIMEOUT_MS, ctx.remaining()), (ev) => {
    const rs = ev.object;
    const found = rs.metadata.name === want.metadata.name && rs.metadata.namespace === want.metadata.namespace
      && rs.metadata.labels?.name === want.metadata.labels?.name && rs.metadata.labels?.pod === want.metadata.labels?.pod;
    if (!found) {
      ctx.log(`Observed replicaset ${rs.metadata.name ?? ''} in namespace ${rs.metadata.namespace ?? ''} with annotations: ${brief(rs.metadata.annotations)} & Conditions: ${brief(rs.status?.conditions)}`);
      return false;
    }
    for (const cond of rs.status?.conditions ?? []) {
      if (hasCondition(cond)) {
        ctx.log(`Found replicaset ${rs.metadata.name ?? ''} in namespace ${rs.metadata.namespace ?? ''} with labels: ${brief(rs.metadata.labels)} & Conditions: ${brief(cond)}`);
        return true;
      }
      ctx.log(`Observed replicaset ${rs.metadata.name ?? ''} in namespace ${rs.metadata.namespace ?? ''} with Conditions: ${brief(cond)}`);
    }
    ctx.log(`Observed ReplicaSet event: ${ev.type}`);
    return false;
  }, ctx.signal);
}

const testCase: ConformanceCase = {
  id: 'AP-15',
  codename: '[sig-apps] ReplicaSet should validate Replicaset Status endpoints [Conformance]',
  class: 'run',
  needs: 'ReplicaSet controller; node agents running the pods; replicasets/status get, update and merge patch; label-selector watch resumed from a list resourceVersion',
  baseName: 'replicaset',
  podSecurity: 'baseline',
  async run(ctx) {
    const ns = ctx.namespace;
    const rsPodLabels = { name: 'sample-pod', pod: WEBSERVER_IMAGE_NAME };
    const labelSelector = selectorFromSet(rsPodLabels);
    const rsName = 'test-rs';
    const replicas = 1;

    const rsList = await must(ctx.rest.get<KList<Workload>>('/apis/apps/v1/replicasets', { labelSelector }), 'failed to list Replicasets');
    const rv = rsList.metadata.resourceVersion ?? '';

    ctx.step('Create a Replicaset');
    const testReplicaSet = await must(ctx.rest.post<Workload>(appsPath(ns, 'replicasets'), newRS(rsName, replicas, rsPodLabels, WEBSERVER_IMAGE_NAME, WEBSERVER_IMAGE)), `creating replica set ${rsName}`);

    ctx.step('Verify that the required pods have come up.');
    await verifyPodsRunning(ctx, 'sample-pod', replicas);

    ctx.step('Getting /status');
    const rsStatus = await must(ctx.rest.get<Workload>(appsPath(ns, 'replicasets', rsName, 'status')), `Failed to fetch the status of replicaset ${rsName} in namespace ${ns}`);
    ctx.log(`Replicaset ${rsName} has Conditions: ${brief(rsStatus.status?.conditions)}`);

    ctx.step('updating the Replicaset Status');
    const updatedStatus = await must(retryOnConflict(async () => {
      const statusToUpdate = await must(ctx.rest.get<Workload>(appsPath(ns, 'replicasets', rsName)), `Unable to retrieve replicaset ${rsName}`);
      statusToUpdate.status = {
        ...statusToUpdate.status,
        conditions: [...statusToUpdate.status?.conditions ?? [], { type: 'StatusUpdate', status: 'True', lastTransitionTime: null, reason: 'E2E', message: 'Set from e2e test' }],
      };
      return ctx.rest.put<Workload>(appsPath(ns, 'replicasets', rsName, 'status'), statusToUpdate);
    }), 'Failed to update status');
    ctx.log(`updatedStatus.Conditions: ${brief(updatedStatus.status?.conditions)}`);

    ctx.step('watching for the ReplicaSet status to be updated');
    await must(statusWatch(ctx, labelSelector, rv, testReplicaSet, (c) => c.type === 'StatusUpdate' && c.reason === 'E2E' && c.message === 'Set from e2e test'),
      `failed to locate replicaset ${rsName} in namespace ${ns}`);
    ctx.log(`Replicaset ${rsName} has an updated status`);

    ctx.step('patching the Replicaset Status');
    const payload = '{"status":{"conditions":[{"type":"StatusPatched","status":"True"}]}}';
    ctx.log(`Patch payload: ${payload}`);
    const patched = await must(ctx.rest.patch<Workload>(appsPath(ns, 'replicasets', rsName, 'status'), 'merge', payload), 'Failed to patch status');
    ctx.log(`Patched status conditions: ${brief(patched.status?.conditions)}`);

    ctx.step('watching for the Replicaset status to be patched');
    await must(statusWatch(ctx, labelSelector, rv, testReplicaSet, (c) => c.type === 'StatusPatched'), `failed to locate replicaset ${rsName} in namespace ${ns}`);
    ctx.log(`Replicaset ${rsName} has a patched status`);
  },
};

export default testCase;
