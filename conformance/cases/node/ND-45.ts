// Upstream: test/e2e/common/node/pods.go, "Pods should run through the lifecycle of Pods and
// PodStatus". A labelled pod is watched to Running, patched with a new label and a new image
// (agnhost → httpd), has its Ready and ContainersReady conditions set False through
// UpdateStatus, and is removed by a label-selected deletecollection, watched until Deleted.

import { isNotFound } from '../../framework/client.ts';
import { expectEqual, fail, must, retryOnConflict } from '../../framework/expect.ts';
import { images } from '../../framework/images.ts';
import type { KList } from '../../framework/json.ts';
import { getPod, podsPath, POD_START_MS, type Pod } from '../../framework/nodepods.ts';
import type { ConformanceCase } from '../../framework/types.ts';
import { watchUntil } from '../../framework/watch.ts';

const testCase: ConformanceCase = {
  id: 'ND-45',
  codename: '[sig-node] Pods should run through the lifecycle of Pods and PodStatus [Conformance]',
  class: 'run',
  needs: 'agnhost then httpd (in-place image change); watch; UpdateStatus; deletecollection',
  baseName: 'pods',
  podSecurity: 'baseline',
  async run(ctx) {
    const ns = ctx.namespace;
    const name = 'pod-test';
    const labelsFlat = 'test-pod-static=true';
    const podsList = await must(ctx.rest.get<KList>('/api/v1/pods', { labelSelector: labelsFlat }), 'failed to list Pods');

    ctx.step('creating a Pod with a static label');
    await must(ctx.rest.post(podsPath(ns), {
      apiVersion: 'v1', kind: 'Pod',
      metadata: { name, labels: { 'test-pod-static': 'true' } },
      spec: { terminationGracePeriodSeconds: 1, containers: [{ name, image: images.agnhost }] },
    }), `failed to create Pod ${name} in namespace ${ns}`);

    ctx.step('watching for Pod to be ready');
    await watchUntil(ctx.rest, podsPath(ns), { labelSelector: labelsFlat }, podsList.metadata.resourceVersion ?? '',
      Math.min(POD_START_MS, ctx.remaining() - 20_000), ({ object }) => {
        const p = object as unknown as Pod;
        const found = p.metadata.name === name && p.metadata.namespace === ns && p.metadata.labels?.['test-pod-static'] === 'true' && p.status?.phase === 'Running';
        ctx.log(`${found ? 'Found' : 'observed'} Pod ${p.metadata.name} in namespace ${p.metadata.namespace ?? ''} in phase ${p.status?.phase ?? ''}`);
        return found;
      }, ctx.signal).catch((e: unknown) => { ctx.log(`failed to see event that pod is created: ${String(e)}`); });
    const p = await getPod(ctx, name);
    expectEqual(p.status?.phase, 'Running', `phase of Pod ${name} in namespace ${ns}`);

    ctx.step('patching the Pod with a new Label and updated data');
    await must(ctx.rest.patch(podsPath(ns, name), 'strategic', {
      metadata: { labels: { 'test-pod': 'patched' }, creationTimestamp: null },
      spec: { terminationGracePeriodSeconds: 1, containers: [{ name, image: images.httpd, resources: {} }] },
      status: {},
    }), 'failed to patch Pod');

    ctx.step("getting the Pod and ensuring that it's patched");
    const pod = await getPod(ctx, name);
    expectEqual(pod.metadata.labels?.['test-pod'], 'patched', 'failed to patch Pod - missing label');
    expectEqual(pod.spec.containers[0].image, images.httpd, 'failed to patch Pod - wrong image');

    ctx.step("replacing the Pod's status Ready condition to False");
    const updated = await must(retryOnConflict(async () => {
      const st = await ctx.rest.get<Pod>(podsPath(ns, name, 'status'));
      let patched = 0;
      for (const c of st.status?.conditions ?? []) {
        if ((c.type === 'Ready' || c.type === 'ContainersReady') && c.status === 'True') {
          c.status = 'False';
          patched++;
        }
      }
      expectEqual(patched, 2, 'failed to patch all relevant Pod conditions');
      return ctx.rest.put<Pod>(podsPath(ns, name, 'status'), st);
    }), 'failed to update PodStatus');

    ctx.step("check the Pod again to ensure its Ready conditions are False");
    const falseCount = (updated.status?.conditions ?? []).filter((c) => (c.type === 'Ready' || c.type === 'ContainersReady') && c.status === 'False').length;
    expectEqual(falseCount, 2, "failed to update PodStatus - field patch count doesn't match the total");

    ctx.step('deleting the Pod via a Collection with a LabelSelector');
    const preDelete = updated.metadata.resourceVersion ?? '';
    await must(ctx.rest.delete(podsPath(ns), { labelSelector: labelsFlat }, { apiVersion: 'v1', kind: 'DeleteOptions', gracePeriodSeconds: 0 }), 'failed to delete Pod by collection');

    ctx.step('watching for the Pod to be deleted');
    await watchUntil(ctx.rest, podsPath(ns), { labelSelector: labelsFlat }, preDelete, Math.min(60_000, ctx.remaining() - 5_000),
      ({ type, object: o }) => type === 'DELETED' && o.metadata.name === name && o.metadata.labels?.['test-pod-static'] === 'true', ctx.signal)
      .catch((e: unknown) => { ctx.log(`failed to see DELETED event: ${String(e)}`); });
    try {
      const left = await ctx.rest.get(podsPath(ns, name));
      fail(`pod ${name} found in namespace ${ns}, but it should be deleted: ${JSON.stringify(left).slice(0, 300)}`);
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
  },
};

export default testCase;
