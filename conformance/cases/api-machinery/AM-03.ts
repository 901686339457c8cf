// Upstream: test/e2e/apimachinery/garbage_collector.go, "should delete RS created by
// deployment when not orphaning". A two-replica Deployment creates its ReplicaSet; deleting
// the Deployment with background propagation (UID precondition) must leave no Deployment,
// ReplicaSet or pod in the namespace.

import { fail, must } from '../../framework/expect.ts';
import { appsImages, appsPath, corePath, newDeployment, waitFor, type Workload } from '../../framework/apps.ts';
import { brief, type KList } from '../../framework/json.ts';
import type { CaseContext, ConformanceCase } from '../../framework/types.ts';

/** gcInformerResyncRetryTimeout */
const GC_RESYNC_RETRY_MS = 60_000;

let labelCount = 0;
/** getUniqLabel: a label key and value made unique by a counter. */
export function getUniqLabel(key: string, value: string): Record<string, string> {
  labelCount++;
  const n = String(labelCount).padStart(5, '0');
  return { [`${key}-${n}`]: `${value}-${n}` };
}

/** verifyRemainingObjects: whether the namespace holds exactly these numbers of objects. */
export async function verifyRemainingObjects(ctx: CaseContext, objects: Record<string, number>): Promise<boolean> {
  const paths: Record<string, [string, string]> = {
    Pods: [corePath(ctx.namespace, 'pods'), 'pods'],
    Deployments: [appsPath(ctx.namespace, 'deployments'), 'Deployments'],
    ReplicaSets: [appsPath(ctx.namespace, 'replicasets'), 'rs'],
    ReplicationControllers: [corePath(ctx.namespace, 'replicationcontrollers'), 'RCs'],
  };
  let ret = true;
  for (const [object, num] of Object.entries(objects)) {
    const p = paths[object] ?? fail(`object ${object} is not supported`);
    const list = await must(ctx.rest.get<KList>(p[0]), `failed to list ${p[1]}`);
    if (list.items.length !== num) {
      ret = false;
      ctx.step(`expected ${num} ${p[1]}, got ${list.items.length} ${p[1]}`);
    }
  }
  return ret;
}

/** gatherMetrics: the e2e metrics grabber finds no component metrics endpoints to scrape here and, as upstream then, only logs. */
export function gatherMetrics(ctx: CaseContext): void {
  ctx.step('Gathering metrics');
  ctx.log('Skipping metrics gathering: no metrics grabber in this runner.');
}

const testCase: ConformanceCase = {
  id: 'AM-03',
  codename: '[sig-api-machinery] Garbage collector should delete RS created by deployment when not orphaning [Conformance]',
  class: 'API+ctrl',
  needs: 'Deployment and ReplicaSet controllers, the garbage collector; node agents finishing pod deletion',
  baseName: 'gc',
  podSecurity: 'baseline',
  async run(ctx) {
    const ns = ctx.namespace;
    const deploymentName = 'simpletest.deployment';
    const uniqLabels = getUniqLabel('gctest', 'delete_rs');
    const deployment = newDeployment(deploymentName, 2, uniqLabels, 'nginx', appsImages.nginx, 'RollingUpdate');

    ctx.step('create the deployment');
    const created = await ctx.rest.post<Workload>(appsPath(ns, 'deployments'), deployment)
      .catch((e: unknown) => fail(`Failed to create deployment: ${e instanceof Error ? e.message : String(e)}`));

    ctx.step('Wait for the Deployment to create new ReplicaSet');
    await waitFor(ctx, 500, 60_000, async () => {
      const rsList = await must(ctx.rest.get<KList>(appsPath(ns, 'replicasets')), 'failed to list rs');
      return rsList.items.length > 0;
    }, 'Failed to wait for the Deployment to create some ReplicaSet');

    ctx.step('delete the deployment');
    await must(ctx.rest.delete(appsPath(ns, 'deployments', deploymentName), undefined, { propagationPolicy: 'Background', preconditions: { uid: created.metadata.uid } }),
      'failed to delete the deployment');

    ctx.step('wait for all rs to be garbage collected');
    try {
      await waitFor(ctx, 500, 60_000 + GC_RESYNC_RETRY_MS, () => verifyRemainingObjects(ctx, { Deployments: 0, ReplicaSets: 0, Pods: 0 }), 'timed out waiting for the condition');
    } catch (e) {
      const remaining = await ctx.rest.get<KList>(appsPath(ns, 'replicasets')).then((l) => `remaining rs are: ${brief(l.items.map((i) => i.metadata.name))}`,
        (err: unknown) => `failed to list RSs post mortem: ${err instanceof Error ? err.message : String(err)}`);
      fail(`Failed to wait for all rs to be garbage collected: ${e instanceof Error ? e.message : String(e)}, ${remaining}`);
    }

    gatherMetrics(ctx);
  },
};

export default testCase;
