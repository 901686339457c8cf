// Upstream: test/e2e/common/node/expansion.go, "should allow substituting values in a
// container's args". $(TEST_VAR) in args is expanded by the node agent before the start.

import type { ConformanceCase } from '../../framework/types.ts';
import { newVarExpansionPod, testContainerOutput } from '../../framework/nodepods.ts';

const testCase: ConformanceCase = {
  id: 'ND-72',
  codename: "[sig-node] Variable Expansion should allow substituting values in a container's args [NodeConformance] [Conformance]",
  class: 'run',
  needs: 'busybox; $(VAR) expansion in args',
  baseName: 'var-expansion',
  podSecurity: 'baseline',
  async run(ctx) {
    const pod = newVarExpansionPod(ctx.namespace, ['sh', '-c'], [{ name: 'TEST_VAR', value: 'test-value' }]);
    pod.spec.containers[0].args = ['TEST_VAR=wrong echo "$(TEST_VAR)"'];
    await testContainerOutput(ctx, "substitution in container's args", pod, 0, ['test-value']);
  },
};

export default testCase;
