// Upstream: test/e2e/scheduling/predicates.go, SchedulerPredicates "validates that
// NodeSelector is respected if matching". A throwaway pause pod finds a node that can run
// pods; that node gets a random `kubernetes.io/e2e-<uuid>=42` label, and a pod selecting the
// label must leave Pending on exactly that node. (Upstream checks "not pending" rather than
// Running: the node agent may not have seen the new label yet.)

import { expectEqual, must } from '../../framework/expect.ts';
import { uuid } from '../../framework/json.ts';
import type { ConformanceCase } from '../../framework/types.ts';
import {
  addOrUpdateLabelOnNode, cleanup, createPausePod, expectNodeHasLabel, getNodeThatCanRunPod, predicatesBeforeEach, removeLabelOffNode,
  waitForPodNotPending, type Pod,
} from './SC-01.ts';

const testCase: ConformanceCase = {
  id: 'SC-02',
  codename: '[sig-scheduling] SchedulerPredicates [Serial] validates that NodeSelector is respected if matching [Conformance]',
  class: 'run',
  needs: 'a scheduler honouring nodeSelector; node agents running pause pods; node label patch/update',
  baseName: 'sched-pred',
  podSecurity: 'privileged',
  async run(ctx) {
    await predicatesBeforeEach(ctx);

    const nodeName = await getNodeThatCanRunPod(ctx);

    ctx.step('Trying to apply a random label on the found node.');
    const k = `kubernetes.io/e2e-${uuid()}`;
    const v = '42';
    await addOrUpdateLabelOnNode(ctx, nodeName, k, v);
    let failed = true;
    try {
      await expectNodeHasLabel(ctx, nodeName, k, v);

      ctx.step('Trying to relaunch the pod, now with labels.');
      const labelPodName = 'with-labels';
      await createPausePod(ctx, { name: labelPodName, nodeSelector: { [k]: v } });

      // Scheduled is enough: not Running, which would race the node agent seeing the label.
      await waitForPodNotPending(ctx, labelPodName);
      const labelPod = await must(ctx.rest.get<Pod>(`/api/v1/namespaces/${ctx.namespace}/pods/${labelPodName}`), `getting pod ${labelPodName}`);
      expectEqual(labelPod.spec?.nodeName, nodeName, `node of pod ${labelPodName}`);
      failed = false;
    } finally {
      await cleanup(ctx, failed, () => removeLabelOffNode(ctx, nodeName, k));
    }
  },
};

export default testCase;
