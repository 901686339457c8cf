// Upstream: test/e2e/common/node/pods.go, "Pods should be updated". A running pod's label is
// changed; the pod keeps running and is found by the new label.

import { expectLen, must, retryOnConflict } from '../../framework/expect.ts';
import { images } from '../../framework/images.ts';
import type { KList } from '../../framework/json.ts';
import { uuid } from '../../framework/json.ts';
import { createSync, getPod, podsPath, waitForPodRunning, type Pod } from '../../framework/nodepods.ts';
import type { ConformanceCase } from '../../framework/types.ts';

const testCase: ConformanceCase = {
  id: 'ND-40',
  codename: '[sig-node] Pods should be updated [NodeConformance] [Conformance]',
  class: 'run',
  needs: 'nginx image',
  baseName: 'pods',
  podSecurity: 'baseline',
  async run(ctx) {
    ctx.step('creating the pod');
    const name = `pod-update-${uuid()}`;
    let value = String(process.hrtime()[1]);
    const pod: Pod = { metadata: { name, labels: { name: 'foo', time: value } }, spec: { containers: [{ name: 'nginx', image: images.nginx }] } };

    ctx.step('submitting the pod to kubernetes');
    await createSync(ctx, pod);

    ctx.step('verifying the pod is in kubernetes');
    let pods = await must(ctx.rest.get<KList>(podsPath(ctx.namespace), { labelSelector: `time=${value}` }), 'failed to query for pods');
    expectLen(pods.items, 1, 'pods with the time label');

    ctx.step('updating the pod');
    await must(retryOnConflict(async () => {
      const p = await getPod(ctx, name);
      value = String(process.hrtime()[1]);
      p.metadata.labels = { ...p.metadata.labels, time: value };
      await ctx.rest.put(podsPath(ctx.namespace, name), p);
    }), 'failed to update pod');
    await waitForPodRunning(ctx, name);

    ctx.step('verifying the updated pod is in kubernetes');
    pods = await must(ctx.rest.get<KList>(podsPath(ctx.namespace), { labelSelector: `time=${value}` }), 'failed to query for pods');
    expectLen(pods.items, 1, 'pods with the updated time label');
    ctx.log('Pod update OK');
  },
};

export default testCase;
