// Upstream: test/e2e/common/node/expansion.go, "Variable Expansion should allow substituting
// values in a volume subpath". subPathExpr $(POD_NAME) mounts the pod-named subdirectory of
// the emptyDir, which the second, plain mount of the volume then shows.

import { newVarExpansionPod, testContainerOutput } from '../../framework/nodepods.ts';
import type { ConformanceCase } from '../../framework/types.ts';

const testCase: ConformanceCase = {
  id: 'ND-74',
  codename: '[sig-node] Variable Expansion should allow substituting values in a volume subpath [Conformance]',
  class: 'run',
  needs: 'busybox; subPathExpr',
  baseName: 'var-expansion',
  podSecurity: 'baseline',
  async run(ctx) {
    const env = [{ name: 'POD_NAME', value: 'foo' }];
    const pod = newVarExpansionPod(ctx.namespace, [], env, [
      { name: 'workdir1', mountPath: '/logscontainer', subPathExpr: '$(POD_NAME)' },
      { name: 'workdir1', mountPath: '/testcontainer' },
    ], [{ name: 'workdir1', emptyDir: {} }]);
    env[0].value = pod.metadata.name;
    pod.spec.containers[0].command = ['sh', '-c', `test -d /testcontainer/${pod.metadata.name};echo $?`];
    await testContainerOutput(ctx, 'substitution in volume subpath', pod, 0, ['0']);
  },
};

export default testCase;
