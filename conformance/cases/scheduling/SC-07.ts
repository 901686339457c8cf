// Upstream: test/e2e/architecture/conformance.go, Conformance Tests "should have at least
// two untainted nodes". After all nodes are schedulable, at least two are Ready,
// schedulable and free of NoSchedule/NoExecute taints.

import type { V1Node } from '@kubernetes/client-node';
import { fail, must, sleep } from '../../framework/expect.ts';
import type { ConformanceCase } from '../../framework/types.ts';

/** The framework's default --non-blocking-taints. */
const NONBLOCKING_TAINTS = ['node-role.kubernetes.io/control-plane'];

function condition(node: V1Node, type: string): string | undefined {
  return node.status?.conditions?.find((c) => c.type === type)?.status;
}

/** e2enode.IsNodeReady: Ready=True and the network not reported unavailable. */
function isNodeReady(node: V1Node): boolean {
  const net = condition(node, 'NetworkUnavailable');
  return condition(node, 'Ready') === 'True' && (net === undefined || net === 'False');
}

/** e2enode.IsNodeSchedulable */
function isNodeSchedulable(node: V1Node): boolean {
  return !node.spec?.unschedulable && isNodeReady(node);
}

/** isNodeUntainted: no taint a plain pod would not tolerate (NoSchedule / NoExecute). */
function isNodeUntainted(node: V1Node, ignore: string[] = []): boolean {
  return !(node.spec?.taints ?? []).some((t) => (t.effect === 'NoSchedule' || t.effect === 'NoExecute') && !ignore.includes(t.key));
}

/** readyForTests, as WaitForAllNodesSchedulable applies it. */
function readyForTests(node: V1Node): boolean {
  const nonblocking = (node.spec?.taints ?? []).some((t) => NONBLOCKING_TAINTS.includes(t.key));
  if (nonblocking) return isNodeReady(node) && isNodeUntainted(node, NONBLOCKING_TAINTS);
  return isNodeSchedulable(node) && isNodeUntainted(node);
}

const testCase: ConformanceCase = {
  id: 'SC-07',
  codename: '[sig-architecture] Conformance Tests should have at least two untainted nodes [Conformance]',
  class: 'API',
  needs: '>= 2 registered, Ready, untainted nodes (a node agent)',
  baseName: 'conformance-tests',
  podSecurity: 'privileged',
  async run(ctx) {
    ctx.step('Getting node addresses');
    // WaitForAllNodesSchedulable (AllowedNotReadyNodes 0): poll every 30s, up to 10 minutes.
    const deadline = Date.now() + Math.min(10 * 60_000, ctx.remaining());
    for (;;) {
      const nodes = await must(ctx.core.listNode({ resourceVersion: '0', fieldSelector: 'spec.unschedulable=false' }), 'listing nodes');
      const notReady = nodes.items.filter((n) => !readyForTests(n));
      if (notReady.length === 0) break;
      ctx.log(`Unschedulable nodes= ${notReady.length}: ${notReady.map((n) => n.metadata?.name).join(', ')}`);
      if (Date.now() + 30_000 > deadline) fail(`timed out waiting for all nodes to be schedulable: ${notReady.length} are not`);
      await sleep(Math.min(30_000, deadline - Date.now()));
    }

    // GetReadySchedulableNodes
    const nodes = await must(ctx.core.listNode({ fieldSelector: 'spec.unschedulable=false' }), 'listing nodes');
    const ready = nodes.items.filter((n) => isNodeSchedulable(n) && isNodeUntainted(n));
    if (ready.length === 0) fail('there are currently no ready, schedulable nodes in the cluster');
    if (ready.length < 2) fail(`Conformance requires at least two nodes (found ${ready.length}: ${ready.map((n) => n.metadata?.name).join(', ')})`);
  },
};

export default testCase;
