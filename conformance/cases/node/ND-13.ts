// Upstream: test/e2e/common/node/runtime.go, "Container Runtime blackbox test when starting a
// container that exits should run with the expected status". A script fails its first run,
// succeeds its second and then runs forever; under Always, OnFailure and Never the container
// must end with the restart count, phase, readiness and state each policy implies.

import { ConformanceContainer, containerState, isPodReady } from '../../framework/nodepods.ts';
import { fail } from '../../framework/expect.ts';
import type { ConformanceCase } from '../../framework/types.ts';
import { images } from '../../framework/images.ts';

const SCRIPT = `
f=%s
count=$(echo 'hello' >> $f ; wc -l $f | awk {'print $1'})
if [ $count -eq 1 ]; then
	exit 1
fi
if [ $count -eq 2 ]; then
	exit 0
fi
while true; do sleep 1; done
`;

const CASES = [
  { name: 'terminate-cmd-rpa', restartPolicy: 'Always', phase: 'Running', state: 'Running', restartCount: 2, ready: true },
  { name: 'terminate-cmd-rpof', restartPolicy: 'OnFailure', phase: 'Succeeded', state: 'Terminated', restartCount: 1, ready: false },
  { name: 'terminate-cmd-rpn', restartPolicy: 'Never', phase: 'Failed', state: 'Terminated', restartCount: 0, ready: false },
] as const;

const testCase: ConformanceCase = {
  id: 'ND-13',
  codename: '[sig-node] Container Runtime blackbox test when starting a container that exits should run with the expected status [NodeConformance] [Conformance]',
  class: 'run',
  needs: 'busybox; restart policies with back-off; Memory emptyDir kept across restarts',
  baseName: 'container-runtime',
  podSecurity: 'baseline',
  async run(ctx) {
    const volumePath = '/restart-count';
    for (const tc of CASES) {
      const c = new ConformanceContainer(ctx, {
        name: tc.name,
        image: images.busybox,
        command: ['sh', '-c', SCRIPT.replace('%s', `${volumePath}/restartCount`)],
        volumeMounts: [{ mountPath: volumePath, name: 'restart-count' }],
      }, tc.restartPolicy, [{ name: 'restart-count', emptyDir: { medium: 'Memory' } }]);
      await c.create();
      try {
        ctx.step(`Container '${tc.name}': should get the expected 'RestartCount'`);
        await c.eventually('restartCount', async () => (await c.status()).restartCount, tc.restartCount);

        ctx.step(`Container '${tc.name}': should get the expected 'Phase'`);
        await c.eventually('phase', async () => (await c.get()).status?.phase, tc.phase);

        ctx.step(`Container '${tc.name}': should get the expected 'Ready' condition`);
        const ready = isPodReady(await c.get());
        if (ready !== tc.ready) fail(`pod Ready: expected ${tc.ready}, got ${ready}`);

        const status = await c.status();
        ctx.step(`Container '${tc.name}': should get the expected 'State'`);
        if (containerState(status) !== tc.state) fail(`container state: expected ${tc.state}, got ${containerState(status)}`);

        ctx.step(`Container '${tc.name}': should be possible to delete`);
        await c.delete();
        await c.eventually('pod present', () => c.present(), false);
      } finally {
        await c.delete();
      }
    }
  },
};

export default testCase;
