// Upstream: test/e2e/common/node/pods.go, "Pods should support remote command execution over
// websockets". pods/exec on a WebSocket with the channel.k8s.io subprotocol: every message
// of the echo command is on channel 1 (stdout) and holds its output.

import { fail, must } from '../../framework/expect.ts';
import { images } from '../../framework/images.ts';
import { uuid } from '../../framework/json.ts';
import { createSync, eventually, execInContainer, mixinRestrictedPodSecurity } from '../../framework/nodepods.ts';
import type { ConformanceCase } from '../../framework/types.ts';

const testCase: ConformanceCase = {
  id: 'ND-46',
  codename: '[sig-node] Pods should support remote command execution over websockets [NodeConformance] [Conformance]',
  class: 'run',
  needs: 'busybox; pods/exec over a channel.k8s.io WebSocket',
  baseName: 'pods',
  podSecurity: 'baseline',
  async run(ctx) {
    ctx.step('creating the pod');
    const name = `pod-exec-websocket-${uuid()}`;
    const pod = mixinRestrictedPodSecurity({
      metadata: { name },
      spec: { containers: [{ name: 'main', image: images.busybox, command: ['/bin/sh', '-c', 'echo container is alive; sleep 600'] }] },
    });
    ctx.step('submitting the pod to kubernetes');
    await createSync(ctx, pod);

    await eventually(ctx, 60_000, 10_000, async () => {
      const r = await must(execInContainer(ctx, name, 'main', ['echo', 'remote execution test'], ['channel.k8s.io'], true), 'opening the exec WebSocket');
      const other = r.frames.find((f) => f[0] !== 1 && f.length > 1);
      if (other) fail(`Got message from server that didn't start with channel 1 (STDOUT): ${JSON.stringify([...other])}`);
      if (r.stdout.length === 0) fail('unexpected output from server');
      if (!r.stdout.includes('remote execution test')) fail(`expected to find 'remote execution test' in ${JSON.stringify(r.stdout)}`);
    });
  },
};

export default testCase;
