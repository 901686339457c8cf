// Upstream: test/e2e/common/node/container_probe.go, "Probing container should be restarted
// with a GRPC liveness probe". The probe asks a port nothing serves (2333, the server is on
// 5000) after a 60 s initial delay: it fails once and the container is restarted.

import { DEFAULT_OBSERVATION_MS, gRPCServerPodSpec, runLivenessTest } from '../../framework/nodepods.ts';
import type { ConformanceCase } from '../../framework/types.ts';

/** probeTestInitialDelaySeconds upstream. */
const PROBE_TEST_INITIAL_DELAY_SECONDS = 15;

const testCase: ConformanceCase = {
  id: 'ND-54',
  codename: '[sig-node] Probing container should be restarted with a GRPC liveness probe [NodeConformance] [Conformance]',
  class: 'run',
  needs: 'agnhost grpc-health-checking that stays up; gRPC liveness probe to a port with no server',
  baseName: 'container-probe',
  podSecurity: 'baseline',
  async run(ctx) {
    const livenessProbe = {
      grpc: { port: 2333 }, // this port is wrong
      initialDelaySeconds: PROBE_TEST_INITIAL_DELAY_SECONDS * 4,
      timeoutSeconds: 5, // default 1s can be pretty aggressive in CI environments with low resources
      failureThreshold: 1,
    };
    await runLivenessTest(ctx, gRPCServerPodSpec(undefined, livenessProbe, 'agnhost'), 1, DEFAULT_OBSERVATION_MS);
  },
};

export default testCase;
