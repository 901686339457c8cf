// Upstream: test/e2e/common/node/downwardapi.go, "Downward API should provide container's
// limits.cpu/memory and requests.cpu/memory as env vars". resourceFieldRef values are rounded
// up to whole cores and bytes.

import { downwardAPIPod, resourceEnv, testContainerOutput } from '../../framework/nodepods.ts';
import type { ConformanceCase } from '../../framework/types.ts';

const testCase: ConformanceCase = {
  id: 'ND-18',
  codename: "[sig-node] Downward API should provide container's limits.cpu/memory and requests.cpu/memory as env vars [NodeConformance] [Conformance]",
  class: 'run',
  needs: 'busybox; resourceFieldRef env vars',
  baseName: 'downward-api',
  podSecurity: 'baseline',
  async run(ctx) {
    const pod = downwardAPIPod(ctx.namespace, [
      resourceEnv('CPU_LIMIT', 'limits.cpu'),
      resourceEnv('MEMORY_LIMIT', 'limits.memory'),
      resourceEnv('CPU_REQUEST', 'requests.cpu'),
      resourceEnv('MEMORY_REQUEST', 'requests.memory'),
    ], { requests: { cpu: '250m', memory: '32Mi' }, limits: { cpu: '1250m', memory: '64Mi' } });
    await testContainerOutput(ctx, 'downward api env vars', pod, 0, [
      'CPU_LIMIT=2', 'MEMORY_LIMIT=67108864', 'CPU_REQUEST=1', 'MEMORY_REQUEST=33554432',
    ]);
  },
};

export default testCase;
