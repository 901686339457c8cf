// Upstream: test/e2e/common/node/security_context.go, "Security Context when creating containers
// with AllowPrivilegeEscalation should not allow privilege escalation when false". Run as uid
// 1000 with allowPrivilegeEscalation: false, the image's setuid-root helper stays uid 1000:
// no_new_privs keeps the kernel from honouring the setuid bit.

import { images } from '../../framework/images.ts';
import { uuid } from '../../framework/json.ts';
import { createPod, matchContainerOutput, waitForPodSuccess } from '../../framework/nodepods.ts';
import type { ConformanceCase } from '../../framework/types.ts';

const NON_ROOT_TEST_USER_ID = 1000;

const testCase: ConformanceCase = {
  id: 'ND-68',
  codename: '[sig-node] Security Context when creating containers with AllowPrivilegeEscalation should not allow privilege escalation when false [LinuxOnly] [NodeConformance] [Conformance]',
  class: 'run',
  needs: 'nonewprivs image (setuid-root helper); no_new_privs in the runtime spec',
  baseName: 'security-context-test',
  podSecurity: 'privileged',
  async run(ctx) {
    // createAndMatchOutput(podName, "Effective uid: 1000", &false, nonRootTestUserID)
    const name = `alpine-nnp-false-${uuid()}`;
    await createPod(ctx, {
      metadata: { name },
      spec: {
        restartPolicy: 'Never',
        containers: [{ name, image: images.nonewprivs, securityContext: { allowPrivilegeEscalation: false, runAsUser: NON_ROOT_TEST_USER_ID } }],
      },
    });
    await waitForPodSuccess(ctx, name);
    await matchContainerOutput(ctx, name, name, /Effective uid: 1000/);
  },
};

export default testCase;
