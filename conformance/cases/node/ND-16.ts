// Upstream: test/e2e/common/node/containers.go, "Containers should be able to override the
// image's default command and arguments". command and args replace ENTRYPOINT and CMD.

import { entrypointTestPod, testContainerOutput } from '../../framework/nodepods.ts';
import type { ConformanceCase } from '../../framework/types.ts';

const testCase: ConformanceCase = {
  id: 'ND-16',
  codename: "[sig-node] Containers should be able to override the image's default command and arguments [NodeConformance] [Conformance]",
  class: 'run',
  needs: 'agnhost image with an /agnhost-2 alias',
  baseName: 'containers',
  podSecurity: 'baseline',
  async run(ctx) {
    const pod = entrypointTestPod(ctx.namespace, 'entrypoint-tester', 'override', 'arguments');
    pod.spec.containers[0].command = ['/agnhost-2'];
    await testContainerOutput(ctx, 'override all', pod, 0, ['[/agnhost-2 entrypoint-tester override arguments]']);
  },
};

export default testCase;
