// Upstream: test/e2e/common/node/init_container.go, "InitContainer should not start app
// containers if init containers fail on a RestartAlways pod". init1 keeps failing: it is
// restarted with back-off (restartCount reaches 3), init2 and run1 never start and the pod
// stays Pending, not initialized.

import { expectEqual, fail, must } from '../../framework/expect.ts';
import { images } from '../../framework/images.ts';
import { createPod, podCondition, POD_START_MS, watchPodUntil, type Pod } from '../../framework/nodepods.ts';
import { uuid } from '../../framework/json.ts';
import type { ConformanceCase } from '../../framework/types.ts';

const testCase: ConformanceCase = {
  id: 'ND-28',
  codename: '[sig-node] InitContainer [NodeConformance] should not start app containers if init containers fail on a RestartAlways pod [Conformance]',
  class: 'run',
  needs: 'busybox + pause; init container restart back-off (10+20+40 s)',
  baseName: 'init-container',
  podSecurity: 'baseline',
  async run(ctx) {
    ctx.step('creating the pod');
    const name = `pod-init-${uuid()}`;
    const pod: Pod = {
      metadata: { name, labels: { name: 'foo', time: String(Date.now() % 1e9) } },
      spec: {
        initContainers: [
          { name: 'init1', image: images.busybox, command: ['/bin/false'] },
          { name: 'init2', image: images.busybox, command: ['/bin/true'] },
        ],
        containers: [{ name: 'run1', image: images.pause, resources: { limits: { cpu: '100m' } } }],
      },
    };
    const started = await createPod(ctx, pod);

    let stage = 0;
    const end = await must(watchPodUntil(ctx, name, started.metadata.resourceVersion ?? '', POD_START_MS, (p) => {
        if (stage === 0) {
          // check for the first container to fail at least once
          for (const s of p.status?.containerStatuses ?? []) {
            if (!s.state?.waiting) fail(`container "${s.name}" should not be out of waiting: ${JSON.stringify(s)}`);
            if (s.state.waiting.reason !== 'PodInitializing') fail(`container "${s.name}" should have reason PodInitializing: ${JSON.stringify(s)}`);
          }
          const init = p.status?.initContainerStatuses ?? [];
          if (init.length !== 2) return false;
          const second = init[1];
          if (!second.state?.waiting) fail(`second init container should not be out of waiting: ${JSON.stringify(second)}`);
          if (second.state.waiting.reason !== 'PodInitializing') fail(`second init container should have reason PodInitializing: ${JSON.stringify(second)}`);
          const first = init[0];
          if (first.state?.terminated && first.state.terminated.exitCode === 0) fail(`first init container should have exitCode != 0: ${JSON.stringify(first)}`);
          // continue until we see an attempt to restart the pod
          if (!first.lastState?.terminated) return false;
          stage = 1;
        }
        // verify we get two restarts
        const first = p.status?.initContainerStatuses?.[0];
        if ((first?.restartCount ?? 0) < 3) return false;
        ctx.log(`init container has failed twice: ${JSON.stringify(p.status)}`);
        return true;
      }), 'waiting for the first init container to be restarted three times');

    expectEqual(end.status?.phase, 'Pending', 'pod phase');
    const init = podCondition(end, 'Initialized');
    if (!init) fail('the pod has no Initialized condition');
    expectEqual(init.status, 'False', 'Initialized status');
    expectEqual(init.reason, 'ContainersNotInitialized', 'Initialized reason');
    expectEqual(init.message, 'containers with incomplete status: [init1 init2]', 'Initialized message');
    expectEqual(end.status?.initContainerStatuses?.length, 2, 'number of init container statuses');
  },
};

export default testCase;
