// Upstream: test/e2e/apps/replica_set.go, "should list and delete a collection of
// ReplicaSets" (listRSDeleteCollection). A three-replica ReplicaSet labelled with a random
// e2e value comes up, is found by a cluster-wide list on that label, and a deletecollection
// on the label (gracePeriodSeconds 1) leaves none.

import { expectEqual, expectLen, must } from '../../framework/expect.ts';
import { WEBSERVER_IMAGE, WEBSERVER_IMAGE_NAME, appsPath, newRS, verifyPodsRunning, type Workload } from '../../framework/apps.ts';
import { brief, randString, type KList } from '../../framework/json.ts';
import type { ConformanceCase } from '../../framework/types.ts';

const testCase: ConformanceCase = {
  id: 'AP-13',
  codename: '[sig-apps] ReplicaSet should list and delete a collection of ReplicaSets [Conformance]',
  class: 'run',
  needs: 'ReplicaSet controller; node agents running the pods; cross-namespace list and deletecollection of replicasets',
  baseName: 'replicaset',
  podSecurity: 'baseline',
  async run(ctx) {
    const ns = ctx.namespace;
    const rsName = 'test-rs';
    const replicas = 3;
    const e2eValue = randString(5);
    const rsPodLabels = { name: 'sample-pod', pod: WEBSERVER_IMAGE_NAME, e2e: e2eValue };
    const selector = `e2e=${e2eValue}`;

    ctx.step('Create a ReplicaSet');
    await must(ctx.rest.post(appsPath(ns, 'replicasets'), newRS(rsName, replicas, rsPodLabels, WEBSERVER_IMAGE_NAME, WEBSERVER_IMAGE)), `creating replica set ${rsName}`);

    ctx.step('Verify that the required pods have come up');
    await verifyPodsRunning(ctx, 'sample-pod', replicas);
    const r = await must(ctx.rest.get<Workload>(appsPath(ns, 'replicasets', rsName)), 'failed to get ReplicaSets');
    ctx.log(`Replica Status: ${brief(r.status, 400)}`);

    ctx.step('Listing all ReplicaSets');
    let rsList = await must(ctx.rest.get<KList<Workload>>('/apis/apps/v1/replicasets', { labelSelector: selector }), 'failed to list ReplicaSets');
    expectEqual(rsList.items.length, 1, 'filtered list wasn\'t found');

    ctx.step('DeleteCollection of the ReplicaSets');
    await must(ctx.rest.delete(appsPath(ns, 'replicasets'), { labelSelector: selector }, { gracePeriodSeconds: 1 }), 'failed to delete ReplicaSets');

    ctx.step('After DeleteCollection verify that ReplicaSets have been deleted');
    rsList = await must(ctx.rest.get<KList<Workload>>('/apis/apps/v1/replicasets', { labelSelector: selector }), 'failed to list ReplicaSets');
    expectLen(rsList.items, 0, 'filtered list should have no replicas');
  },
};

export default testCase;
