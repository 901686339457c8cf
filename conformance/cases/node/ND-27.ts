// Upstream: test/e2e/common/node/init_container.go, "InitContainer should not start app
// containers and fail the pod if init containers fail on a RestartNever pod". init1 succeeds,
// init2 fails: the pod fails, never initialized, and run1 never leaves waiting.

import { expectEqual, fail, must } from '../../framework/expect.ts';
import { images } from '../../framework/images.ts';
import { createPod, podCondition, POD_START_MS, watchPodUntil, type Pod } from '../../framework/nodepods.ts';
import { uuid } from '../../framework/json.ts';
import type { ConformanceCase } from '../../framework/types.ts';

const testCase: ConformanceCase = {
  id: 'ND-27',
  codename: '[sig-node] InitContainer [NodeConformance] should not start app containers and fail the pod if init containers fail on a RestartNever pod [Conformance]',
  class: 'run',
  needs: 'busybox; init containers run in order, a failed one fails a Never pod',
  baseName: 'init-container',
  podSecurity: 'baseline',
  async run(ctx) {
    ctx.step('creating the pod');
    const name = `pod-init-${uuid()}`;
    const pod: Pod = {
      metadata: { name, labels: { name: 'foo', time: String(Date.now() % 1e9) } },
      spec: {
        restartPolicy: 'Never',
        initContainers: [
          { name: 'init1', image: images.busybox, command: ['/bin/true'] },
          { name: 'init2', image: images.busybox, command: ['/bin/false'] },
        ],
        containers: [{ name: 'run1', image: images.busybox, command: ['/bin/true'], resources: { limits: { cpu: '100m' } } }],
      },
    };
    const started = await createPod(ctx, pod);

    let stage = 0;
    const end = await must(watchPodUntil(ctx, name, started.metadata.resourceVersion ?? '', POD_START_MS, (p) => {
        if (stage === 0) {
          // check for the second container to fail at least once
          for (const s of p.status?.containerStatuses ?? []) {
            if (!s.state?.waiting) fail(`container "${s.name}" should not be out of waiting: ${JSON.stringify(s)}`);
            if (s.state.waiting.reason !== 'PodInitializing') fail(`container "${s.name}" should have reason PodInitializing: ${JSON.stringify(s)}`);
          }
          const init = p.status?.initContainerStatuses ?? [];
          if (init.length !== 2) return false;
          const first = init[0];
          if (!first.state?.terminated) {
            if (first.state?.waiting && first.state.waiting.reason !== 'PodInitializing') fail(`second init container should have reason PodInitializing: ${JSON.stringify(first)}`);
            return false;
          }
          if (first.state.terminated.exitCode !== 0) fail(`first init container should have exitCode != 0: ${JSON.stringify(first)}`);
          const second = init[1];
          if (!second.state?.terminated) return false;
          if (second.state.terminated.exitCode === 0) fail(`second init container should have failed: ${JSON.stringify(second)}`);
          stage = 1;
        }
        // conditions.PodCompleted
        return p.status?.phase === 'Failed' || p.status?.phase === 'Succeeded';
      }), 'waiting for the init containers to fail and the pod to complete');

    expectEqual(end.status?.phase, 'Failed', 'pod phase');
    const init = podCondition(end, 'Initialized');
    if (!init) fail('the pod has no Initialized condition');
    expectEqual(init.status, 'False', 'Initialized status');
    expectEqual(init.reason, 'ContainersNotInitialized', 'Initialized reason');
    expectEqual(init.message, 'containers with incomplete status: [init2]', 'Initialized message');
    expectEqual(end.status?.initContainerStatuses?.length, 2, 'number of init container statuses');
    if (!end.status?.containerStatuses?.[0]?.state?.waiting) fail(`run1 should still be waiting: ${JSON.stringify(end.status?.containerStatuses?.[0])}`);
  },
};

export default testCase;
