// Upstream: test/e2e/common/node/pods.go, "Pods should get a host IP". A running pod reports
// its node's address in status.hostIP (and hostIPs).

import { fail } from '../../framework/expect.ts';
import { images } from '../../framework/images.ts';
import { uuid } from '../../framework/json.ts';
import { createSync, getPod, POLL_MS } from '../../framework/nodepods.ts';
import { sleep } from '../../framework/expect.ts';
import type { ConformanceCase } from '../../framework/types.ts';

const testCase: ConformanceCase = {
  id: 'ND-43',
  codename: '[sig-node] Pods should get a host IP [NodeConformance] [Conformance]',
  class: 'run',
  needs: 'pause image; status.hostIP',
  baseName: 'pods',
  podSecurity: 'baseline',
  async run(ctx) {
    ctx.step('creating pod');
    const name = `pod-hostip-${uuid()}`;
    await createSync(ctx, { metadata: { name }, spec: { containers: [{ name: 'test', image: images.pause }] } });
    // testHostIP: poll (up to a minute) until status.hostIP is set
    const deadline = Date.now() + 60_000;
    for (;;) {
      const p = await getPod(ctx, name);
      const hostIP = p.status?.hostIP;
      if (hostIP) {
        ctx.log(`Pod ${name} has hostIP: ${hostIP}`);
        const ips = (p.status?.hostIPs ?? []).map((h) => h.ip);
        if (ips.length && ips[0] !== hostIP) fail(`status.hostIPs[0] ${ips[0]} differs from status.hostIP ${hostIP}`);
        return;
      }
      if (Date.now() > deadline) fail(`Timed out after 60s waiting for hostIP of pod ${name}`);
      ctx.log(`Pod ${name} has no hostIP yet`);
      await sleep(POLL_MS);
    }
  },
};

export default testCase;
