// Upstream: test/e2e/common/node/kubelet.go, "Kubelet when scheduling a busybox command that
// always fails in a pod should have an terminated reason". The crashed container reports a
// terminated state with a non-zero exit code and a reason.

import { fail, sleep } from '../../framework/expect.ts';
import { binFalsePod, createPod, getPod, POD_START_MS, within } from '../../framework/nodepods.ts';
import type { ConformanceCase } from '../../framework/types.ts';

const testCase: ConformanceCase = {
  id: 'ND-31',
  codename: '[sig-node] Kubelet when scheduling a busybox command that always fails in a pod should have an terminated reason [NodeConformance] [Conformance]',
  class: 'run',
  needs: 'busybox; terminated state with reason',
  baseName: 'kubelet-test',
  podSecurity: 'baseline',
  async run(ctx) {
    const pod = binFalsePod();
    await createPod(ctx, pod);
    const deadline = Date.now() + within(ctx, POD_START_MS);
    let last = '';
    for (;;) {
      const p = await getPod(ctx, pod.metadata.name);
      const statuses = p.status?.containerStatuses ?? [];
      const t = statuses[0]?.state?.terminated;
      if (statuses.length !== 1) last = `expected only one container in the pod "${pod.metadata.name}"`;
      else if (!t) last = `expected state to be terminated. Got pod status: ${JSON.stringify(p.status)}`;
      else if (t.exitCode === 0 || !t.reason) last = `expected non-zero exitCode and non-empty terminated state reason. Got exitCode: ${t.exitCode} and terminated state reason: ${t.reason ?? ''}`;
      else return;
      if (Date.now() + 1_000 > deadline) fail(last);
      await sleep(1_000);
    }
  },
};

export default testCase;
