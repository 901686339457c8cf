// Upstream: test/e2e/common/node/expansion.go, "should allow substituting values in a
// container's command". $(TEST_VAR) in the command is expanded before the start.

import type { ConformanceCase } from '../../framework/types.ts';
import { newVarExpansionPod, testContainerOutput } from '../../framework/nodepods.ts';

const testCase: ConformanceCase = {
  id: 'ND-73',
  codename: "[sig-node] Variable Expansion should allow substituting values in a container's command [NodeConformance] [Conformance]",
  class: 'run',
  needs: 'busybox; $(VAR) expansion in command',
  baseName: 'var-expansion',
  podSecurity: 'baseline',
  async run(ctx) {
    const pod = newVarExpansionPod(ctx.namespace, ['sh', '-c', 'TEST_VAR=wrong echo "$(TEST_VAR)"'], [{ name: 'TEST_VAR', value: 'test-value' }]);
    await testContainerOutput(ctx, "substitution in container's command", pod, 0, ['test-value']);
  },
};

export default testCase;
