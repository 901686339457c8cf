// Upstream: test/e2e/common/node/security_context.go, "Security Context When creating a pod
// with privileged should run the container as unprivileged when false". Without privilege the
// container cannot add a network link: `ip link add` says "Operation not permitted".

import { fail, must } from '../../framework/expect.ts';
import { images } from '../../framework/images.ts';
import { uuid } from '../../framework/json.ts';
import { createPod, getPodLogs, waitForPodSuccess } from '../../framework/nodepods.ts';
import type { ConformanceCase } from '../../framework/types.ts';

const testCase: ConformanceCase = {
  id: 'ND-64',
  codename: '[sig-node] Security Context When creating a pod with privileged should run the container as unprivileged when false [LinuxOnly] [NodeConformance] [Conformance]',
  class: 'run',
  needs: 'busybox ip applet; default capabilities without CAP_NET_ADMIN',
  baseName: 'security-context-test',
  podSecurity: 'privileged',
  async run(ctx) {
    // createAndWaitUserPod(false)
    const name = `busybox-privileged-false-${uuid()}`;
    await createPod(ctx, {
      metadata: { name },
      spec: {
        restartPolicy: 'Never',
        containers: [{ name, image: images.busybox, command: ['sh', '-c', 'ip link add dummy0 type dummy || true'], securityContext: { privileged: false } }],
      },
    });
    await waitForPodSuccess(ctx, name);
    const logs = await must(getPodLogs(ctx, name, name), `GetPodLogs for pod ${name}`);
    ctx.log(`Got logs for pod "${name}": ${JSON.stringify(logs)}`);
    if (!logs.includes('Operation not permitted')) fail(`unprivileged container shouldn't be able to create dummy device (log: ${JSON.stringify(logs)})`);
  },
};

export default testCase;
