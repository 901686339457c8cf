// Upstream: test/e2e/common/node/containers.go, "Containers should be able to override the
// image's default command (container entrypoint)". command replaces ENTRYPOINT and drops the
// image CMD.

import { entrypointTestPod, testContainerOutput } from '../../framework/nodepods.ts';
import type { ConformanceCase } from '../../framework/types.ts';

const testCase: ConformanceCase = {
  id: 'ND-15',
  codename: "[sig-node] Containers should be able to override the image's default command (container entrypoint) [NodeConformance] [Conformance]",
  class: 'run',
  needs: 'agnhost image with an /agnhost-2 alias; command replaces ENTRYPOINT',
  baseName: 'containers',
  podSecurity: 'baseline',
  async run(ctx) {
    const pod = entrypointTestPod(ctx.namespace, 'entrypoint-tester');
    pod.spec.containers[0].command = ['/agnhost-2'];
    await testContainerOutput(ctx, 'override command', pod, 0, ['[/agnhost-2 entrypoint-tester]']);
  },
};

export default testCase;
