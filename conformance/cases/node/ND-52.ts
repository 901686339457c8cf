// Upstream: test/e2e/common/node/container_probe.go, "Probing container should *not* be restarted with a tcp:8080 liveness probe".
// A TCP probe on a port that stays open restarts nothing in 4 minutes.

import { DEFAULT_OBSERVATION_MS, livenessPodSpec, runLivenessTest } from '../../framework/nodepods.ts';
import type { ConformanceCase } from '../../framework/types.ts';

const testCase: ConformanceCase = {
  id: 'ND-52',
  codename: '[sig-node] Probing container should *not* be restarted with a tcp:8080 liveness probe [NodeConformance] [Conformance]',
  class: 'run',
  needs: 'agnhost liveness; TCP liveness probe; observes for 4 minutes',
  baseName: 'container-probe',
  podSecurity: 'baseline',
  async run(ctx) {
    const livenessProbe = { tcpSocket: { port: 8080 }, initialDelaySeconds: 15, failureThreshold: 1 };
    await runLivenessTest(ctx, livenessPodSpec(ctx.namespace, undefined, livenessProbe), 0, DEFAULT_OBSERVATION_MS);
  },
};

export default testCase;
