// Upstream: test/e2e/common/node/containers.go, "Containers should use the image defaults if
// command and args are blank". agnhost's own ENTRYPOINT + CMD run "pause", which prints
// "Paused".

import { entrypointTestPod, createPod, eventuallyLogContains, waitForPodRunning } from '../../framework/nodepods.ts';
import type { ConformanceCase } from '../../framework/types.ts';

const testCase: ConformanceCase = {
  id: 'ND-17',
  codename: '[sig-node] Containers should use the image defaults if command and args are blank [NodeConformance] [Conformance]',
  class: 'run',
  needs: 'agnhost image whose ENTRYPOINT/CMD are /agnhost pause',
  baseName: 'containers',
  podSecurity: 'baseline',
  async run(ctx) {
    const pod = entrypointTestPod(ctx.namespace);
    delete pod.spec.containers[0].args;
    await createPod(ctx, pod);
    await waitForPodRunning(ctx, pod.metadata.name);
    // gomega.Eventually(pollLogs, 3, framework.Poll): 3 seconds
    await eventuallyLogContains(ctx, pod.metadata.name, pod.spec.containers[0].name, 'Paused', 3_000);
  },
};

export default testCase;
