// Upstream: test/e2e/common/node/sysctl.go, "should reject invalid sysctls". Creating a pod
// with two malformed sysctl names is refused, and the error names exactly those two.

import { describeError, expectTrue, mustFail } from '../../framework/expect.ts';
import { apiErrorOf } from '../../framework/client.ts';
import { images } from '../../framework/images.ts';
import { uuid } from '../../framework/json.ts';
import type { ConformanceCase } from '../../framework/types.ts';

const testCase: ConformanceCase = {
  id: 'ND-69',
  codename: '[sig-node] Sysctls [LinuxOnly] [NodeConformance] should reject invalid sysctls [MinimumKubeletVersion:1.21] [Conformance]',
  class: 'API',
  needs: 'pod validation of spec.securityContext.sysctls names',
  baseName: 'sysctl',
  podSecurity: 'privileged',
  async run(ctx) {
    const pod = {
      apiVersion: 'v1', kind: 'Pod',
      metadata: { name: `sysctl-${uuid()}`, annotations: {}, creationTimestamp: null },
      spec: {
        containers: [{ name: 'test-container', image: images.busybox, resources: {} }],
        restartPolicy: 'Never',
        securityContext: {
          sysctls: [
            { name: 'foo-', value: 'bar' },
            { name: 'kernel.shmmax', value: '100000000' },
            { name: 'safe-and-unsafe', value: '100000000' },
            { name: 'bar..', value: '42' },
          ],
        },
      },
      status: {},
    };

    ctx.step('Creating a pod with one valid and two invalid sysctls');
    const err = await mustFail(ctx.rest.post(`/api/v1/namespaces/${ctx.namespace}/pods`, pod), 'creating the pod succeeded; expected it to be refused');
    // err.Error() of a StatusError is the Status message.
    const message = apiErrorOf(err)?.message ?? describeError(err);
    expectTrue(message.includes('Invalid value: "foo-"'), `error should contain 'Invalid value: "foo-"': ${message}`);
    expectTrue(message.includes('Invalid value: "bar.."'), `error should contain 'Invalid value: "bar.."': ${message}`);
    expectTrue(!message.includes('safe-and-unsafe'), `error should not mention safe-and-unsafe: ${message}`);
    expectTrue(!message.includes('kernel.shmmax'), `error should not mention kernel.shmmax: ${message}`);
  },
};

export default testCase;
