// Upstream: test/e2e/node/pre_stop.go, "PreStop should call prestop when killing a pod". A
// tester pod's preStop hook posts {"Source": "prestop"} to an agnhost nettest server pod's
// /write; after the tester is deleted, the server's /read (fetched through the API server's
// pods/proxy) must count a "prestop" request.

import { describeError, fail, must, sleep } from '../../framework/expect.ts';
import { images } from '../../framework/images.ts';
import { createPod, podsPath, waitForPodRunning } from '../../framework/nodepods.ts';
import type { ConformanceCase } from '../../framework/types.ts';

/** State of agnhost nettest's /read. */
interface State { Received?: Record<string, number> }

const testCase: ConformanceCase = {
  id: 'ND-48',
  codename: '[sig-node] PreStop should call prestop when killing a pod [Conformance]',
  class: 'net',
  needs: 'agnhost nettest server; busybox wget in a preStop hook; pods/proxy to the server pod',
  baseName: 'prestop',
  podSecurity: 'baseline',
  async run(ctx) {
    const ns = ctx.namespace;
    ctx.step(`Creating server pod server in namespace ${ns}`);
    await createPod(ctx, {
      metadata: { name: 'server' },
      spec: { containers: [{ name: 'agnhost-container', image: images.agnhost, args: ['nettest'], ports: [{ containerPort: 8080 }] }] },
    });
    try {
      ctx.step('Waiting for pods to come up.');
      const server = await waitForPodRunning(ctx, 'server');
      const ip = server.status?.podIP ?? '';
      const val = '{"Source": "prestop"}';

      ctx.step(`Creating tester pod tester in namespace ${ns}`);
      await createPod(ctx, {
        metadata: { name: 'tester' },
        spec: {
          containers: [{
            name: 'tester', image: images.busybox, command: ['sleep', '600'],
            lifecycle: { preStop: { exec: { command: ['wget', '-O-', `--post-data=${val}`, `http://${ip}:8080/write`] } } },
          }],
        },
      });
      await waitForPodRunning(ctx, 'tester');

      ctx.step('Deleting pre-stop pod');
      await must(ctx.rest.delete(podsPath(ns, 'tester')), 'deleting pod: tester');

      // Validate that the server received the web poke: every 5 s for a minute.
      const deadline = Date.now() + 60_000;
      let last = '';
      for (;;) {
        const r = await ctx.rest.raw('GET', `${podsPath(ns, 'server')}/proxy/read`).catch((e: unknown) => ({ statusCode: 0, text: describeError(e) }));
        if (r.statusCode === 200) {
          ctx.log(`Saw: ${r.text}`);
          try {
            const state = JSON.parse(r.text) as State;
            if ((state.Received?.prestop ?? 0) !== 0) return;
          } catch (e) {
            ctx.log(`Error parsing: ${describeError(e)}`);
          }
          last = r.text;
        } else {
          last = `${r.statusCode} ${r.text.slice(0, 200)}`;
          ctx.step(`Error validating prestop: ${last}`);
        }
        if (Date.now() + 5_000 > deadline) fail(`validating pre-stop: timed out; last answer ${last}`);
        await sleep(5_000);
      }
    } finally {
      ctx.step('Deleting the server pod');
      await ctx.rest.delete(podsPath(ns, 'server')).catch(() => undefined);
    }
  },
};

export default testCase;
