// Upstream: test/e2e/common/node/ephemeral_containers.go, "Ephemeral Containers will start an
// ephemeral container in an existing pod". A debugger container added through
// pods/ephemeralcontainers runs: exec in it works and its log shows its output.

import { fail, must } from '../../framework/expect.ts';
import { addEphemeralContainerSync, createSync, debuggerContainer, ephemeralTargetPod, eventuallyLogContains, execOk } from '../../framework/nodepods.ts';
import type { ConformanceCase } from '../../framework/types.ts';

const testCase: ConformanceCase = {
  id: 'ND-24',
  codename: '[sig-node] Ephemeral Containers [NodeConformance] will start an ephemeral container in an existing pod [Conformance]',
  class: 'run',
  needs: 'busybox; pods/ephemeralcontainers; the node agent runs ephemeral containers; exec into one',
  baseName: 'ephemeral-containers-test',
  podSecurity: 'baseline',
  async run(ctx) {
    ctx.step('creating a target pod');
    const pod = await createSync(ctx, ephemeralTargetPod());

    ctx.step('adding an ephemeral container');
    const ecName = 'debugger';
    await addEphemeralContainerSync(ctx, pod, debuggerContainer(ecName), 60_000);

    ctx.step('checking pod container endpoints');
    const output = await execOk(ctx, pod.metadata.name, ecName, '/bin/echo', 'marco');
    if (!output.includes('marco')) fail(`exec output ${JSON.stringify(output)} does not contain "marco"`);
    // GetPodLogs once upstream; the container prints polo at once, so a short wait covers the log file's first write.
    await must(eventuallyLogContains(ctx, pod.metadata.name, ecName, 'polo', 5_000), `Failed to get logs for pod ${pod.metadata.name} ephemeral container ${ecName}`);
  },
};

export default testCase;
