// Upstream: test/e2e/apps/replica_set.go, "Replicaset should have a working scale
// subresource" (testRSScaleSubresources). A one-replica ReplicaSet comes up; its /scale is
// read, replaced (2 replicas, unconditionally) and strategic-merge patched (4 replicas), and
// the ReplicaSet's spec.replicas follows each write.

import { expectEqual, fail, must } from '../../framework/expect.ts';
import { WEBSERVER_IMAGE, WEBSERVER_IMAGE_NAME, appsPath, newRS, verifyPodsRunning, type Scale, type Workload } from '../../framework/apps.ts';
import type { ConformanceCase } from '../../framework/types.ts';

const testCase: ConformanceCase = {
  id: 'AP-11',
  codename: '[sig-apps] ReplicaSet Replicaset should have a working scale subresource [Conformance]',
  class: 'run',
  needs: 'ReplicaSet controller; node agents running the pods; replicasets/scale get, update and patch',
  baseName: 'replicaset',
  podSecurity: 'baseline',
  async run(ctx) {
    const ns = ctx.namespace;
    const rsPodLabels = { name: 'sample-pod', pod: WEBSERVER_IMAGE_NAME };
    const rsName = 'test-rs';
    const replicas = 1;

    ctx.step(`Creating replica set "${rsName}" that asks for more than the allowed pod quota`);
    await must(ctx.rest.post(appsPath(ns, 'replicasets'), newRS(rsName, replicas, rsPodLabels, WEBSERVER_IMAGE_NAME, WEBSERVER_IMAGE)), `creating replica set ${rsName}`);

    await verifyPodsRunning(ctx, 'sample-pod', replicas);

    ctx.step('getting scale subresource');
    const scalePath = appsPath(ns, 'replicasets', rsName, 'scale');
    const scale = await ctx.rest.get<Scale>(scalePath).catch((e: unknown) => fail(`Failed to get scale subresource: ${e instanceof Error ? e.message : String(e)}`));
    expectEqual(scale.spec?.replicas ?? 0, 1, 'scale.spec.replicas');
    expectEqual(scale.status?.replicas ?? 0, 1, 'scale.status.replicas');

    ctx.step('updating a scale subresource');
    scale.metadata.resourceVersion = ''; // an unconditional update
    scale.spec = { ...scale.spec, replicas: 2 };
    const scaleResult = await ctx.rest.put<Scale>(scalePath, scale).catch((e: unknown) => fail(`Failed to put scale subresource: ${e instanceof Error ? e.message : String(e)}`));
    expectEqual(scaleResult.spec?.replicas ?? 0, 2, 'updated scale.spec.replicas');

    ctx.step('verifying the replicaset Spec.Replicas was modified');
    let rs = await ctx.rest.get<Workload>(appsPath(ns, 'replicasets', rsName)).catch((e: unknown) => fail(`Failed to get statefulset resource: ${e instanceof Error ? e.message : String(e)}`));
    expectEqual(rs.spec.replicas, 2, 'replicaset spec.replicas');

    ctx.step('Patch a scale subresource');
    // json.Marshal(autoscalingv1.Scale{Spec: {Replicas: 4}}): the zero metadata and status come along.
    const payload = { metadata: { creationTimestamp: null }, spec: { replicas: 4 }, status: { replicas: 0 } };
    await must(ctx.rest.patch(scalePath, 'strategic', payload), 'Failed to patch replicaset');

    rs = await must(ctx.rest.get<Workload>(appsPath(ns, 'replicasets', rsName)), 'Failed to get replicaset resource');
    expectEqual(rs.spec.replicas, 4, 'replicaset should have 4 replicas');
  },
};

export default testCase;
