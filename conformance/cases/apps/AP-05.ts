// Upstream: test/e2e/apps/deployment.go, "deployment should delete old replica sets"
// (testDeploymentCleanUpPolicy). A bare ReplicaSet of httpd pods comes up; a Deployment with
// revisionHistoryLimit 0 whose selector matches them adopts it and rolls out agnhost. A watch
// on the namespace's pods from before the Deployment must see exactly one pod created (the
// agnhost one), and the adopted, superseded ReplicaSet must be cleaned up.

import { fail, must } from '../../framework/expect.ts';
import {
  AGNHOST_IMAGE, AGNHOST_IMAGE_NAME, WEBSERVER_IMAGE, WEBSERVER_IMAGE_NAME, appsPath, corePath, getOldReplicaSets, newDeployment, newRS,
  verifyPodsRunning, waitFor, type Pod, type Workload,
} from '../../framework/apps.ts';
import { brief, type KList } from '../../framework/json.ts';
import type { CaseContext, ConformanceCase } from '../../framework/types.ts';
import { WatchClosedError, type WatchStream } from '../../framework/watch.ts';

/** waitForDeploymentOldRSsNum: polls until the deployment has exactly `desired` old ReplicaSets. */
async function waitForDeploymentOldRSsNum(ctx: CaseContext, name: string, desired: number, failure: () => string | undefined): Promise<void> {
  let oldRSs: Workload[] = [];
  await waitFor(ctx, 500, 300_000, async () => {
    const f = failure();
    if (f) fail(f);
    const d = await must(ctx.rest.get<Workload>(appsPath(ctx.namespace, 'deployments', name)), `getting deployment ${name}`);
    oldRSs = (await getOldReplicaSets(ctx, d)).allOldRSs;
    return oldRSs.length === desired;
  }, () => `${oldRSs.length - desired} old replica sets were not cleaned up for deployment "${name}": ${oldRSs.map((rs) => rs.metadata.name ?? '').join(', ')}`);
}

/** The upstream goroutine: only one pod may be created from here on, and it must be the agnhost one. */
function watchPodCreations(w: WatchStream<Pod>, stopped: () => boolean): { done: Promise<void>; failure: () => string | undefined } {
  let failure: string | undefined;
  let numPodCreation = 1;
  const done = (async () => {
    while (!stopped() && !failure) {
      let ev;
      try {
        ev = await w.next(200);
      } catch (e) {
        if (!(e instanceof WatchClosedError) && !stopped()) failure = `pod watch failed: ${e instanceof Error ? e.message : String(e)}`;
        return;
      }
      if (!ev || ev.type !== 'ADDED') continue;
      numPodCreation--;
      if (numPodCreation < 0) failure = `Expect only one pod creation, the second creation event: ${ev.type} ${ev.object.metadata.name ?? ''}`;
      else if (ev.object.spec?.containers?.[0]?.name !== AGNHOST_IMAGE_NAME) failure = `Expect the created pod to have container name ${AGNHOST_IMAGE_NAME}, got pod ${brief(ev.object.spec?.containers)}`;
    }
  })();
  return { done, failure: () => failure };
}

const testCase: ConformanceCase = {
  id: 'AP-05',
  codename: '[sig-apps] Deployment deployment should delete old replica sets [Conformance]',
  class: 'run',
  needs: 'Deployment and ReplicaSet controllers (adoption, revisionHistoryLimit cleanup); node agents running the pods; pod watch from a list resourceVersion',
  baseName: 'deployment',
  podSecurity: 'baseline',
  async run(ctx) {
    const ns = ctx.namespace;
    const deploymentPodLabels = { name: 'cleanup-pod' };
    const rsPodLabels = { name: 'cleanup-pod', pod: WEBSERVER_IMAGE_NAME };
    const rsName = 'test-cleanup-controller';
    const replicas = 1;
    const revisionHistoryLimit = 0;
    await must(ctx.rest.post(appsPath(ns, 'replicasets'), newRS(rsName, replicas, rsPodLabels, WEBSERVER_IMAGE_NAME, WEBSERVER_IMAGE)), `creating replica set ${rsName}`);

    await verifyPodsRunning(ctx, 'cleanup-pod', replicas);

    const deploymentName = 'test-cleanup-deployment';
    ctx.log(`Creating deployment ${deploymentName}`);
    const pods = await must(ctx.rest.get<KList<Pod>>(corePath(ns, 'pods')), 'Failed to query for pods');
    const w = await must(ctx.watch<Pod>(corePath(ns, 'pods'), { resourceVersion: pods.metadata.resourceVersion }), 'watching pods');
    let stop = false;
    const watcher = watchPodCreations(w, () => stop);
    try {
      const d = newDeployment(deploymentName, replicas, deploymentPodLabels, AGNHOST_IMAGE_NAME, AGNHOST_IMAGE, 'RollingUpdate');
      d.spec.revisionHistoryLimit = revisionHistoryLimit;
      await must(ctx.rest.post(appsPath(ns, 'deployments'), d), `creating deployment ${deploymentName}`);

      ctx.step(`Waiting for deployment ${deploymentName} history to be cleaned up`);
      await waitForDeploymentOldRSsNum(ctx, deploymentName, revisionHistoryLimit, watcher.failure);
    } finally {
      stop = true;
      w.stop();
      await watcher.done;
    }
    const f = watcher.failure();
    if (f) fail(f);
  },
};

export default testCase;
