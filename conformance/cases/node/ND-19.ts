// Upstream: test/e2e/common/node/downwardapi.go, "Downward API should provide default
// limits.cpu/memory from node allocatable". Without limits, limits.* resourceFieldRefs take
// the node's allocatable CPU and memory.

import { downwardAPIPod, resourceEnv, testContainerOutput } from '../../framework/nodepods.ts';
import type { ConformanceCase } from '../../framework/types.ts';

const testCase: ConformanceCase = {
  id: 'ND-19',
  codename: '[sig-node] Downward API should provide default limits.cpu/memory from node allocatable [NodeConformance] [Conformance]',
  class: 'run',
  needs: 'busybox; node allocatable as the default limits',
  baseName: 'downward-api',
  podSecurity: 'baseline',
  async run(ctx) {
    const pod = downwardAPIPod(ctx.namespace, [resourceEnv('CPU_LIMIT', 'limits.cpu'), resourceEnv('MEMORY_LIMIT', 'limits.memory')]);
    await testContainerOutput(ctx, 'downward api env vars', pod, 0, ['CPU_LIMIT=[1-9]', 'MEMORY_LIMIT=[1-9]'], 'regexp');
  },
};

export default testCase;
