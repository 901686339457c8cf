// Upstream: test/e2e/common/node/container_probe.go, "Probing container should be restarted with a /healthz http liveness probe".
// agnhost liveness answers /healthz with 500 after 10 s: the probe restarts the container.

import { DEFAULT_OBSERVATION_MS, livenessPodSpec, runLivenessTest } from '../../framework/nodepods.ts';
import type { ConformanceCase } from '../../framework/types.ts';

const testCase: ConformanceCase = {
  id: 'ND-53',
  codename: '[sig-node] Probing container should be restarted with a /healthz http liveness probe [NodeConformance] [Conformance]',
  class: 'run',
  needs: 'agnhost liveness (unhealthy after 10 s); HTTP liveness probe',
  baseName: 'container-probe',
  podSecurity: 'baseline',
  async run(ctx) {
    const livenessProbe = { httpGet: { path: '/healthz', port: 8080 }, initialDelaySeconds: 15, failureThreshold: 1 };
    await runLivenessTest(ctx, livenessPodSpec(ctx.namespace, undefined, livenessProbe), 1, DEFAULT_OBSERVATION_MS);
  },
};

export default testCase;
