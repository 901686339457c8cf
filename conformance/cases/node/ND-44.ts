// Upstream: test/e2e/common/node/pods.go, "Pods should patch a pod status". A merge patch of
// /status on a running pod sets an annotation, status.message and status.reason, and the
// answer shows them.

import { expectEqual, must } from '../../framework/expect.ts';
import { images } from '../../framework/images.ts';
import { randString } from '../../framework/json.ts';
import { createPod, podsPath, waitForPodRunning, type Pod } from '../../framework/nodepods.ts';
import type { ConformanceCase } from '../../framework/types.ts';

const testCase: ConformanceCase = {
  id: 'ND-44',
  codename: '[sig-node] Pods should patch a pod status [Conformance]',
  class: 'run',
  needs: 'agnhost pause; pods/status merge patch on a running pod',
  baseName: 'pods',
  podSecurity: 'baseline',
  async run(ctx) {
    const name = `pod-${randString(5)}`;
    ctx.step('Create a pod');
    await createPod(ctx, {
      metadata: { name, labels: { e2e: name } },
      spec: { containers: [{ name: 'agnhost', image: images.agnhost, args: ['pause'] }], terminationGracePeriodSeconds: 0 },
    });
    await waitForPodRunning(ctx, name);

    ctx.step('patching /status');
    const patch = `{"metadata":{"annotations":{"patchedstatus":"true"}},"status":${JSON.stringify({ message: 'Patched by e2e test', reason: 'E2E' })}}`;
    const p = await must(ctx.rest.request<Pod>('PATCH', podsPath(ctx.namespace, name, 'status'), { body: patch, contentType: 'application/merge-patch+json' }), 'failed to patch pod status');
    expectEqual(p.metadata.annotations?.patchedstatus, 'true', 'patched pod annotation patchedstatus');
    expectEqual(p.status?.message, 'Patched by e2e test', 'patched pod status.message');
    expectEqual(p.status?.reason, 'E2E', 'patched pod status.reason');
    ctx.log(`Status Message: "${p.status?.message ?? ''}" and Reason: "${p.status?.reason ?? ''}"`);
  },
};

export default testCase;
