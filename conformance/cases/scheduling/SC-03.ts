// Upstream: test/e2e/scheduling/predicates.go, SchedulerPredicates "validates that
// NodeSelector is respected if not matching". Once every pod in the cluster is bound, a pause
// pod selecting `label=nonempty` (on no node) must draw a FailedScheduling event and stay the
// namespace's one unbound pod.

import type { ConformanceCase } from '../../framework/types.ts';
import {
  createPausePod, predicatesBeforeEach, verifyResult, waitForSchedulerFailureAfterAction, waitForStableCluster, type PausePodConfig,
} from './SC-01.ts';

const testCase: ConformanceCase = {
  id: 'SC-03',
  codename: '[sig-scheduling] SchedulerPredicates [Serial] validates that NodeSelector is respected if not matching [Conformance]',
  class: 'API+ctrl',
  needs: 'a scheduler that reports pods no node fits (FailedScheduling event) and leaves them unbound',
  baseName: 'sched-pred',
  podSecurity: 'privileged',
  async run(ctx) {
    const { workerNodes } = await predicatesBeforeEach(ctx);

    ctx.step('Trying to schedule Pod with nonempty NodeSelector.');
    const podName = 'restricted-pod';

    await waitForStableCluster(ctx, workerNodes);

    const conf: PausePodConfig = {
      name: podName,
      labels: { name: 'restricted' },
      nodeSelector: { label: 'nonempty' },
    };
    await waitForSchedulerFailureAfterAction(ctx, async () => { await createPausePod(ctx, conf); }, podName);
    await verifyResult(ctx, workerNodes, 0, 1);
  },
};

export default testCase;
