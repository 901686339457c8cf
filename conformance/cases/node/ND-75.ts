// Upstream: test/e2e/common/node/expansion.go, "Variable Expansion should fail substituting
// values in a volume subpath with absolute path". A subPathExpr expanding to an absolute path must
// keep the container from starting: it waits with CreateContainerConfigError.

import { newVarExpansionPod, testPodFailSubpath } from '../../framework/nodepods.ts';
import type { ConformanceCase } from '../../framework/types.ts';

const testCase: ConformanceCase = {
  id: 'ND-75',
  codename: '[sig-node] Variable Expansion should fail substituting values in a volume subpath with absolute path [Slow] [Conformance]',
  class: 'run',
  needs: 'busybox; subPathExpr validated when the container is created',
  baseName: 'var-expansion',
  podSecurity: 'baseline',
  async run(ctx) {
    const pod = newVarExpansionPod(ctx.namespace, undefined, [{ name: 'POD_NAME', value: '/tmp' }],
      [{ name: 'workdir1', mountPath: '/logscontainer', subPathExpr: '$(POD_NAME)' }], [{ name: 'workdir1', emptyDir: {} }]);
    // Pod should fail
    await testPodFailSubpath(ctx, pod);
  },
};

export default testCase;
