// Upstream: test/e2e/common/node/downwardapi.go, "Downward API should provide pod UID as env
// vars". A metadata.uid fieldRef holds the pod's UID.

import { downwardAPIPod, fieldEnv, testContainerOutput } from '../../framework/nodepods.ts';
import type { ConformanceCase } from '../../framework/types.ts';

const testCase: ConformanceCase = {
  id: 'ND-21',
  codename: '[sig-node] Downward API should provide pod UID as env vars [NodeConformance] [Conformance]',
  class: 'run',
  needs: 'busybox; metadata.uid fieldRef',
  baseName: 'downward-api',
  podSecurity: 'baseline',
  async run(ctx) {
    const pod = downwardAPIPod(ctx.namespace, [fieldEnv('POD_UID', 'metadata.uid')]);
    await testContainerOutput(ctx, 'downward api env vars', pod, 0, ['POD_UID=[a-z0-9]{8}-[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{12}'], 'regexp');
  },
};

export default testCase;
