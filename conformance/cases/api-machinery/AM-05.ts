// Upstream: test/e2e/apimachinery/garbage_collector.go, "should not be blocked by dependency
// circle". Three pods own each other in a ring (pod1 <- pod3, pod2 <- pod1, pod3 <- pod2,
// each reference controller and blockOwnerDeletion); deleting pod1 in the foreground must
// end with no pods at all.

import { fail, must } from '../../framework/expect.ts';
import { appsImages, corePath, waitFor, type Pod } from '../../framework/apps.ts';
import { brief, type KList } from '../../framework/json.ts';
import type { ConformanceCase } from '../../framework/types.ts';

const GC_RESYNC_RETRY_MS = 60_000;

/** newGCPod */
function newGCPod(name: string): Pod {
  return {
    kind: 'Pod', apiVersion: 'v1',
    metadata: { name, creationTimestamp: null },
    spec: { terminationGracePeriodSeconds: 0, containers: [{ name: 'nginx', image: appsImages.nginx, resources: {} }] },
    status: {},
  };
}

const addRefPatch = (name: string, uid: string): string =>
  `{"metadata":{"ownerReferences":[{"apiVersion":"v1","kind":"Pod","name":"${name}","uid":"${uid}","controller":true,"blockOwnerDeletion":true}]}}`;

const testCase: ConformanceCase = {
  id: 'AM-05',
  codename: '[sig-api-machinery] Garbage collector should not be blocked by dependency circle [Conformance]',
  class: 'API+ctrl',
  needs: 'the garbage collector (foreground deletion through an ownership cycle); node agents finishing pod deletion',
  baseName: 'gc',
  podSecurity: 'baseline',
  async run(ctx) {
    const ns = ctx.namespace;
    const pods = corePath(ns, 'pods');
    let pod1 = await must(ctx.rest.post<Pod>(pods, newGCPod('pod1')), `failed to create pod pod1 in namespace: ${ns}`);
    let pod2 = await must(ctx.rest.post<Pod>(pods, newGCPod('pod2')), `failed to create pod pod2 in namespace: ${ns}`);
    let pod3 = await must(ctx.rest.post<Pod>(pods, newGCPod('pod3')), `failed to create pod pod3 in namespace: ${ns}`);

    // The dependency circle.
    const patch1 = addRefPatch(pod3.metadata.name ?? '', pod3.metadata.uid ?? '');
    pod1 = await must(ctx.rest.patch<Pod>(corePath(ns, 'pods', 'pod1'), 'strategic', patch1), `failed to apply to pod pod1 in namespace ${ns}, a strategic merge patch: ${patch1}`);
    ctx.log(`pod1.ObjectMeta.OwnerReferences=${brief(pod1.metadata.ownerReferences)}`);
    const patch2 = addRefPatch(pod1.metadata.name ?? '', pod1.metadata.uid ?? '');
    pod2 = await must(ctx.rest.patch<Pod>(corePath(ns, 'pods', 'pod2'), 'strategic', patch2), `failed to apply to pod pod2 in namespace ${ns}, a strategic merge patch: ${patch2}`);
    ctx.log(`pod2.ObjectMeta.OwnerReferences=${brief(pod2.metadata.ownerReferences)}`);
    const patch3 = addRefPatch(pod2.metadata.name ?? '', pod2.metadata.uid ?? '');
    pod3 = await must(ctx.rest.patch<Pod>(corePath(ns, 'pods', 'pod3'), 'strategic', patch3), `failed to apply to pod pod3 in namespace ${ns}, a strategic merge patch: ${patch3}`);
    ctx.log(`pod3.ObjectMeta.OwnerReferences=${brief(pod3.metadata.ownerReferences)}`);

    // Deleting one pod must delete them all.
    await must(ctx.rest.delete(corePath(ns, 'pods', 'pod1'), undefined, { propagationPolicy: 'Foreground', preconditions: { uid: pod1.metadata.uid } }),
      `failed to delete pod pod1 in namespace: ${ns}`);
    let left: Pod[] = [];
    try {
      await waitFor(ctx, 1000, 90_000 + GC_RESYNC_RETRY_MS, async () => {
        left = (await must(ctx.rest.get<KList<Pod>>(pods), 'failed to list pods')).items;
        return left.length === 0;
      }, 'timed out waiting for the condition');
    } catch (e) {
      ctx.log(`pods are ${JSON.stringify(left.map((p) => p.metadata))}`);
      fail(`failed to wait for all pods to be deleted: ${e instanceof Error ? e.message : String(e)} (left: ${left.map((p) => `${p.metadata.name ?? ''} finalizers=${brief(p.metadata.finalizers)}`).join(', ')})`);
    }
  },
};

export default testCase;
