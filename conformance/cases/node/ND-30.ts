// Upstream: test/e2e/common/node/kubelet.go, "Kubelet when scheduling a busybox command that
// always fails in a pod should be possible to delete". A pod whose container exits 1 can be
// deleted.

import { must } from '../../framework/expect.ts';
import { binFalsePod, createPod, podsPath } from '../../framework/nodepods.ts';
import type { ConformanceCase } from '../../framework/types.ts';

const testCase: ConformanceCase = {
  id: 'ND-30',
  codename: '[sig-node] Kubelet when scheduling a busybox command that always fails in a pod should be possible to delete [NodeConformance] [Conformance]',
  class: 'run',
  needs: 'busybox',
  baseName: 'kubelet-test',
  podSecurity: 'baseline',
  async run(ctx) {
    const pod = binFalsePod();
    await createPod(ctx, pod);
    await must(ctx.rest.delete(podsPath(ctx.namespace, pod.metadata.name)), 'deleting Pod');
  },
};

export default testCase;
