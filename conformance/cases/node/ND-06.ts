// Upstream: test/e2e/common/node/lifecycle_hook.go, "Container Lifecycle Hook when create a
// pod with lifecycle hook should execute poststart http hook properly". The node agent sends
// the httpGet hook to the netexec helper pod's IP; the helper logs it.

import { runLifecycleHookTest } from '../../framework/nodepods.ts';
import type { ConformanceCase } from '../../framework/types.ts';
import { images } from '../../framework/images.ts';

const testCase: ConformanceCase = {
  id: 'ND-06',
  codename: '[sig-node] Container Lifecycle Hook when create a pod with lifecycle hook should execute poststart http hook properly [NodeConformance] [Conformance]',
  class: 'net',
  needs: 'agnhost netexec helper; the node agent sends HTTP GET hooks to a pod IP on its node',
  baseName: 'container-lifecycle-hook',
  podSecurity: 'baseline',
  async run(ctx) {
    await runLifecycleHookTest(ctx, (target) => ({
      name: 'pod-with-poststart-http-hook',
      image: images.pause,
      lifecycle: { postStart: { httpGet: { path: '/echo?msg=poststart', host: target.ip, port: 8080 } } },
    }), true);
  },
};

export default testCase;
