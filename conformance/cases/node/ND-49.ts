// Upstream: test/e2e/common/node/container_probe.go, "Probing container should *not* be restarted with a /healthz http liveness probe".
// An HTTP liveness probe on an always-healthy server restarts nothing in 4 minutes.

import { DEFAULT_OBSERVATION_MS, runLivenessTest, testWebServerPodSpec } from '../../framework/nodepods.ts';
import type { ConformanceCase } from '../../framework/types.ts';

const testCase: ConformanceCase = {
  id: 'ND-49',
  codename: '[sig-node] Probing container should *not* be restarted with a /healthz http liveness probe [NodeConformance] [Conformance]',
  class: 'run',
  needs: 'agnhost test-webserver; HTTP liveness probe; observes for 4 minutes',
  baseName: 'container-probe',
  podSecurity: 'baseline',
  async run(ctx) {
    const livenessProbe = { httpGet: { path: '/', port: 80 }, initialDelaySeconds: 15, timeoutSeconds: 5, failureThreshold: 5 };
    const pod = testWebServerPodSpec(undefined, livenessProbe, 'test-webserver', 80);
    await runLivenessTest(ctx, pod, 0, DEFAULT_OBSERVATION_MS);
  },
};

export default testCase;
