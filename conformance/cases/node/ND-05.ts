// Upstream: test/e2e/common/node/lifecycle_hook.go, "Container Lifecycle Hook when create a
// pod with lifecycle hook should execute poststart exec hook properly". The hook curls a
// netexec helper pod on the same node, whose log must show the request.

import { runLifecycleHookTest } from '../../framework/nodepods.ts';
import type { ConformanceCase } from '../../framework/types.ts';
import { images } from '../../framework/images.ts';

const testCase: ConformanceCase = {
  id: 'ND-05',
  codename: '[sig-node] Container Lifecycle Hook when create a pod with lifecycle hook should execute poststart exec hook properly [NodeConformance] [Conformance]',
  class: 'net',
  needs: 'agnhost netexec helper logging requests; curl in the agnhost image; pod-to-pod IP',
  baseName: 'container-lifecycle-hook',
  podSecurity: 'baseline',
  async run(ctx) {
    await runLifecycleHookTest(ctx, (target) => ({
      name: 'pod-with-poststart-exec-hook',
      image: images.agnhost,
      lifecycle: { postStart: { exec: { command: ['sh', '-c', `curl http://${target.url}:8080/echo?msg=poststart`] } } },
    }), false);
  },
};

export default testCase;
