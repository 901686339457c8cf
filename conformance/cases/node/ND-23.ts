// Upstream: test/e2e/common/node/ephemeral_containers.go, "Ephemeral Containers should update
// the ephemeral containers in an existing pod". One debugger added by patch runs (exec, log);
// a second one is added by an update of pods/ephemeralcontainers; the pod then lists two.

import { expectEqual, fail, must, retryOnConflict } from '../../framework/expect.ts';
import {
  addEphemeralContainerSync, createSync, debuggerContainer, ephemeralTargetPod, eventuallyLogContains, execOk, getPod, podsPath,
} from '../../framework/nodepods.ts';
import type { ConformanceCase } from '../../framework/types.ts';

const testCase: ConformanceCase = {
  id: 'ND-23',
  codename: '[sig-node] Ephemeral Containers [NodeConformance] should update the ephemeral containers in an existing pod [Conformance]',
  class: 'run',
  needs: 'busybox; pods/ephemeralcontainers patch and update; the node agent runs ephemeral containers',
  baseName: 'ephemeral-containers-test',
  podSecurity: 'baseline',
  async run(ctx) {
    ctx.step('creating a target pod');
    const pod = await createSync(ctx, ephemeralTargetPod());
    const name = pod.metadata.name;

    ctx.step('adding an ephemeral container');
    const ecName = 'debugger';
    await addEphemeralContainerSync(ctx, pod, debuggerContainer(ecName), 60_000);

    ctx.step('checking pod container endpoints');
    const output = await execOk(ctx, name, ecName, '/bin/echo', 'marco');
    if (!output.includes('marco')) fail(`exec output ${JSON.stringify(output)} does not contain "marco"`);
    await must(eventuallyLogContains(ctx, name, ecName, 'polo', 5_000), `Failed to get logs for pod ${name} ephemeral container ${ecName}`);

    ctx.step(`checking pod "${name}" has only one ephemeralcontainer`);
    expectEqual((await getPod(ctx, name)).spec.ephemeralContainers?.length ?? 0, 1, 'number of ephemeral containers');

    ctx.step(`adding another ephemeralcontainer to pod "${name}"`);
    await must(retryOnConflict(async () => {
      const p = await getPod(ctx, name);
      p.spec.ephemeralContainers = [...(p.spec.ephemeralContainers ?? []), debuggerContainer('debugger2')];
      await ctx.rest.put(podsPath(ctx.namespace, name, 'ephemeralcontainers'), p);
    }), 'Failed to update status');

    ctx.step(`checking pod "${name}" has only two ephemeralcontainers`);
    expectEqual((await getPod(ctx, name)).spec.ephemeralContainers?.length ?? 0, 2, 'number of ephemeral containers');
  },
};

export default testCase;
