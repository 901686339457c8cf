// Upstream: test/e2e/common/node/container_probe.go, "Probing container should have monotonically increasing restart count".
// Five liveness restarts, the count only ever growing.

import { DEFAULT_OBSERVATION_MS, livenessPodSpec, runLivenessTest } from '../../framework/nodepods.ts';
import type { ConformanceCase } from '../../framework/types.ts';

const testCase: ConformanceCase = {
  id: 'ND-56',
  codename: '[sig-node] Probing container should have monotonically increasing restart count [NodeConformance] [Conformance]',
  class: 'run',
  needs: 'agnhost liveness; restart back-off over five restarts (several minutes)',
  baseName: 'container-probe',
  podSecurity: 'baseline',
  async run(ctx) {
    const livenessProbe = { httpGet: { path: '/healthz', port: 8080 }, initialDelaySeconds: 5, failureThreshold: 1 };
    // ~2 minutes backoff timeouts + 4 minutes defaultObservationTimeout + 2 minutes for each pod restart
    await runLivenessTest(ctx, livenessPodSpec(ctx.namespace, undefined, livenessProbe), 5, 120_000 + DEFAULT_OBSERVATION_MS + 4 * 120_000);
  },
};

export default testCase;
