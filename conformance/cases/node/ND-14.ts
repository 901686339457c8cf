// Upstream: test/e2e/common/node/containers.go, "Containers should be able to override the
// image's default arguments (container cmd)". Pod args replace the image CMD while its
// ENTRYPOINT (/agnhost) stays: entrypoint-tester prints its argv.

import { entrypointTestPod, testContainerOutput } from '../../framework/nodepods.ts';
import type { ConformanceCase } from '../../framework/types.ts';

const testCase: ConformanceCase = {
  id: 'ND-14',
  codename: "[sig-node] Containers should be able to override the image's default arguments (container cmd) [NodeConformance] [Conformance]",
  class: 'run',
  needs: 'agnhost image with ENTRYPOINT /agnhost; args replace CMD',
  baseName: 'containers',
  podSecurity: 'baseline',
  async run(ctx) {
    const pod = entrypointTestPod(ctx.namespace, 'entrypoint-tester', 'override', 'arguments');
    await testContainerOutput(ctx, 'override arguments', pod, 0, ['[/agnhost entrypoint-tester override arguments]']);
  },
};

export default testCase;
