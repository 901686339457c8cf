// Upstream: test/e2e/apps/deployment.go, "RecreateDeployment should delete old pods and
// create new ones" (testRecreateDeployment). A one-replica Recreate Deployment of agnhost
// completes; its template is switched to httpd, and a watch on the Deployment from the
// update on must never see new pods alongside old ones (updatedReplicas > 0 while replicas
// differs) before the rollout completes.

import { fail, must } from '../../framework/expect.ts';
import {
  AGNHOST_IMAGE, AGNHOST_IMAGE_NAME, WEBSERVER_IMAGE, WEBSERVER_IMAGE_NAME, appsPath, newDeployment, updateWithRetries,
  waitForDeploymentComplete, waitForDeploymentRevisionAndImage, type Workload,
} from '../../framework/apps.ts';
import { brief } from '../../framework/json.ts';
import type { CaseContext, ConformanceCase } from '../../framework/types.ts';
import { watchUntil } from '../../framework/watch.ts';

/** watchRecreateDeployment: no new pods run with old ones until the Deployment is complete. */
async function watchRecreateDeployment(ctx: CaseContext, d: Workload): Promise<void> {
  if (d.spec.strategy?.type !== 'Recreate') fail(`deployment ${d.metadata.name ?? ''} does not use a Recreate strategy: ${d.spec.strategy?.type ?? ''}`);
  let status = d.status;
  try {
    await watchUntil<Workload>(ctx.rest, appsPath(ctx.namespace, 'deployments'), { fieldSelector: `metadata.name=${d.metadata.name ?? ''}` },
      d.metadata.resourceVersion ?? '', Math.min(120_000, ctx.remaining()), (ev) => {
        const cur = ev.object;
        status = cur.status;
        const s = cur.status ?? {};
        if ((s.updatedReplicas ?? 0) > 0 && (s.replicas ?? 0) !== (s.updatedReplicas ?? 0)) {
          fail(`deployment ${cur.metadata.name ?? ''} is running new pods alongside old pods: ${brief(status, 400)}`);
        }
        const want = cur.spec.replicas ?? 1;
        return want === (s.replicas ?? 0) && want === (s.updatedReplicas ?? 0) && (cur.metadata.generation ?? 0) <= (s.observedGeneration ?? 0);
      }, ctx.signal);
  } catch (e) {
    if (e instanceof Error && /^timed out/.test(e.message)) fail(`deployment ${d.metadata.name ?? ''} never completed: ${brief(status, 400)}`);
    throw e;
  }
}

const testCase: ConformanceCase = {
  id: 'AP-03',
  codename: '[sig-apps] Deployment RecreateDeployment should delete old pods and create new ones [Conformance]',
  class: 'run',
  needs: 'Deployment and ReplicaSet controllers with the Recreate strategy; node agents running and stopping the pods; field-selector watch',
  baseName: 'deployment',
  podSecurity: 'baseline',
  async run(ctx) {
    const ns = ctx.namespace;
    const deploymentName = 'test-recreate-deployment';
    ctx.log(`Creating deployment "${deploymentName}"`);
    const d = newDeployment(deploymentName, 1, { name: 'sample-pod-3' }, AGNHOST_IMAGE_NAME, AGNHOST_IMAGE, 'Recreate');
    let deployment = await must(ctx.rest.post<Workload>(appsPath(ns, 'deployments'), d), `creating deployment ${deploymentName}`);

    ctx.log(`Waiting deployment "${deploymentName}" to be updated to revision 1`);
    await waitForDeploymentRevisionAndImage(ctx, deploymentName, '1', AGNHOST_IMAGE);

    ctx.log(`Waiting deployment "${deploymentName}" to complete`);
    await waitForDeploymentComplete(ctx, deployment);

    ctx.log(`Triggering a new rollout for deployment "${deploymentName}"`);
    deployment = await updateWithRetries<Workload>(ctx, appsPath(ns, 'deployments', deploymentName), (u) => {
      const c = u.spec.template.spec?.containers?.[0];
      if (c) { c.name = WEBSERVER_IMAGE_NAME; c.image = WEBSERVER_IMAGE; }
    }, `deployment ${deploymentName}`);

    ctx.log(`Watching deployment "${deploymentName}" to verify that new pods will not run with olds pods`);
    await watchRecreateDeployment(ctx, deployment);
  },
};

export default testCase;
