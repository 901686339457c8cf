// Upstream: test/e2e/node/security_context.go, "Security Context should support
// pod.Spec.SecurityContext.RunAsUser And pod.Spec.SecurityContext.RunAsGroup". `id` in the container shows the
// expected uid and gid.

import { images } from '../../framework/images.ts';
import { uuid } from '../../framework/json.ts';
import { testContainerOutput, type Pod } from '../../framework/nodepods.ts';
import type { ConformanceCase } from '../../framework/types.ts';

/** scTestPod(false, false) */
function scTestPod(): Pod {
  const name = `security-context-${uuid()}`;
  return {
    metadata: { name, labels: { name }, annotations: {} },
    spec: {
      hostIPC: false,
      hostPID: false,
      securityContext: {},
      containers: [{ name: 'test-container', image: images.busybox }],
      restartPolicy: 'Never',
    },
  };
}

const testCase: ConformanceCase = {
  id: 'ND-67',
  codename: '[sig-node] Security Context should support pod.Spec.SecurityContext.RunAsUser And pod.Spec.SecurityContext.RunAsGroup [LinuxOnly] [Conformance]',
  class: 'run',
  needs: 'busybox id; runAsUser/runAsGroup honoured by the runtime',
  baseName: 'security-context',
  podSecurity: 'privileged',
  async run(ctx) {
    const pod = scTestPod();
    pod.spec.securityContext = { runAsUser: 1001, runAsGroup: 2002 };
    pod.spec.containers[0].command = ['sh', '-c', 'id'];
    await testContainerOutput(ctx, 'pod.Spec.SecurityContext.RunAsUser', pod, 0, ['uid=1001', 'gid=2002']);
  },
};

export default testCase;
