// Upstream: test/e2e/common/node/container_probe.go, "Probing container should *not* be restarted with a exec "cat /tmp/health" liveness probe".
// An exec probe that keeps succeeding restarts nothing in 4 minutes.

import { busyBoxPodSpec, DEFAULT_OBSERVATION_MS, runLivenessTest } from '../../framework/nodepods.ts';
import type { ConformanceCase } from '../../framework/types.ts';

const testCase: ConformanceCase = {
  id: 'ND-51',
  codename: '[sig-node] Probing container should *not* be restarted with a exec "cat /tmp/health" liveness probe [NodeConformance] [Conformance]',
  class: 'run',
  needs: 'busybox; exec liveness probe; observes for 4 minutes',
  baseName: 'container-probe',
  podSecurity: 'baseline',
  async run(ctx) {
    const cmd = ['/bin/sh', '-c', 'echo ok >/tmp/health; sleep 600'];
    const livenessProbe = { exec: { command: ['cat', '/tmp/health'] }, initialDelaySeconds: 15, timeoutSeconds: 5, failureThreshold: 1 };
    await runLivenessTest(ctx, busyBoxPodSpec(undefined, livenessProbe, cmd), 0, DEFAULT_OBSERVATION_MS);
  },
};

export default testCase;
