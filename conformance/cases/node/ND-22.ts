// Upstream: test/e2e/common/node/downwardapi.go, "Downward API should provide pod name,
// namespace and IP address as env vars".

import { downwardAPIPod, fieldEnv, testContainerOutput } from '../../framework/nodepods.ts';
import type { ConformanceCase } from '../../framework/types.ts';

const testCase: ConformanceCase = {
  id: 'ND-22',
  codename: '[sig-node] Downward API should provide pod name, namespace and IP address as env vars [NodeConformance] [Conformance]',
  class: 'run',
  needs: 'busybox; metadata.name/namespace and status.podIP fieldRefs',
  baseName: 'downward-api',
  podSecurity: 'baseline',
  async run(ctx) {
    const pod = downwardAPIPod(ctx.namespace, [
      fieldEnv('POD_NAME', 'metadata.name'),
      fieldEnv('POD_NAMESPACE', 'metadata.namespace'),
      fieldEnv('POD_IP', 'status.podIP'),
    ]);
    await testContainerOutput(ctx, 'downward api env vars', pod, 0, [
      `POD_NAME=${pod.metadata.name}`,
      `POD_NAMESPACE=${ctx.namespace}`,
      'POD_IP=(?:\\d+)\\.(?:\\d+)\\.(?:\\d+)\\.(?:\\d+)',
    ], 'regexp');
  },
};

export default testCase;
