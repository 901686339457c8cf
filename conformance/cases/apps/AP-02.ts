// Upstream: test/e2e/apps/deployment.go, "Deployment should have a working scale subresource"
// (testDeploymentSubresources). A one-replica Deployment rolls out to revision 1 and
// completes; its /scale is read, replaced (2 replicas, unconditionally) and strategic-merge
// patched (4 replicas), and the Deployment's spec.replicas follows each write.

import { expectEqual, fail, must } from '../../framework/expect.ts';
import {
  WEBSERVER_IMAGE, WEBSERVER_IMAGE_NAME, appsPath, newDeployment, waitForDeploymentComplete, waitForDeploymentRevisionAndImage,
  type Scale, type Workload,
} from '../../framework/apps.ts';
import type { ConformanceCase } from '../../framework/types.ts';

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

const testCase: ConformanceCase = {
  id: 'AP-02',
  codename: '[sig-apps] Deployment Deployment should have a working scale subresource [Conformance]',
  class: 'run',
  needs: 'Deployment and ReplicaSet controllers; node agents running the pods; deployments/scale get, update and patch',
  baseName: 'deployment',
  podSecurity: 'baseline',
  async run(ctx) {
    const ns = ctx.namespace;
    const deploymentName = 'test-new-deployment';
    ctx.log(`Creating simple deployment ${deploymentName}`);
    const d = newDeployment(deploymentName, 1, { name: WEBSERVER_IMAGE_NAME }, WEBSERVER_IMAGE_NAME, WEBSERVER_IMAGE, 'RollingUpdate');
    const deploy = await must(ctx.rest.post<Workload>(appsPath(ns, 'deployments'), d), `creating deployment ${deploymentName}`);

    // Revision 1, then complete.
    await waitForDeploymentRevisionAndImage(ctx, deploymentName, '1', WEBSERVER_IMAGE);
    await waitForDeploymentComplete(ctx, deploy);
    await must(ctx.rest.get(appsPath(ns, 'deployments', deploymentName)), `getting deployment ${deploymentName}`);

    ctx.step('getting scale subresource');
    const scalePath = appsPath(ns, 'deployments', deploymentName, 'scale');
    const scale = await ctx.rest.get<Scale>(scalePath).catch((e: unknown) => fail(`Failed to get scale subresource: ${message(e)}`));
    expectEqual(scale.spec?.replicas ?? 0, 1, 'scale.spec.replicas');
    expectEqual(scale.status?.replicas ?? 0, 1, 'scale.status.replicas');

    ctx.step('updating a scale subresource');
    scale.metadata.resourceVersion = ''; // an unconditional update
    scale.spec = { ...scale.spec, replicas: 2 };
    const scaleResult = await ctx.rest.put<Scale>(scalePath, scale).catch((e: unknown) => fail(`Failed to put scale subresource: ${message(e)}`));
    expectEqual(scaleResult.spec?.replicas ?? 0, 2, 'updated scale.spec.replicas');

    ctx.step('verifying the deployment Spec.Replicas was modified');
    let deployment = await ctx.rest.get<Workload>(appsPath(ns, 'deployments', deploymentName)).catch((e: unknown) => fail(`Failed to get deployment resource: ${message(e)}`));
    expectEqual(deployment.spec.replicas, 2, 'deployment spec.replicas');

    ctx.step('Patch a scale subresource');
    // json.Marshal(autoscalingv1.Scale{Spec: {Replicas: 4}}): the zero metadata and status come along.
    const payload = { metadata: { creationTimestamp: null }, spec: { replicas: 4 }, status: { replicas: 0 } };
    await must(ctx.rest.patch(scalePath, 'strategic', payload), 'Failed to patch deployment');

    deployment = await must(ctx.rest.get<Workload>(appsPath(ns, 'deployments', deploymentName)), 'Failed to get deployment resource');
    expectEqual(deployment.spec.replicas, 4, 'deployment should have 4 replicas');
  },
};

export default testCase;
