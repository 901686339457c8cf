// PodTopologySpread, as upstream's podtopologyspread/filtering_test.go and
// scoring_test.go: skew per domain against the global minimum, minDomains, the missing
// label case, node inclusion policies, matchLabelKeys, the PreFilter AddPod/RemovePod
// updates, and the ScheduleAnyway scores including the system default constraints.

import { expect } from 'chai';
import type { V1TopologySpreadConstraint } from '@kubernetes/client-node';
import { addPod, newPodInfo, removePod, setNode } from '../../src/scheduler/framework/nodeinfo.ts';
import { Code, CycleState, isFilter, isPreFilter, type NodeInfo, type Pod } from '../../src/scheduler/framework/types.ts';
import * as pts from '../../src/scheduler/plugins/podtopologyspread.ts';
import { Cache } from '../../src/scheduler/cache.ts';
import { fakeHandle, node, nodeInfo, pod, runFilter, runScore, scoresOf, type PodOptions } from './scheduler-fixtures.ts';

const HOST = 'kubernetes.io/hostname';
const fooExists = { matchExpressions: [{ key: 'foo', operator: 'Exists' }] };
const barExists = { matchExpressions: [{ key: 'bar', operator: 'Exists' }] };
const spread = (maxSkew: number, topologyKey: string, whenUnsatisfiable: string, labelSelector: object | undefined = fooExists, more: Partial<V1TopologySpreadConstraint> = {}): V1TopologySpreadConstraint =>
  ({ maxSkew, topologyKey, whenUnsatisfiable, ...(labelSelector ? { labelSelector } : {}), ...more });

/** Nodes as [name, labels]; pods as node name → how many pods with these labels (repeatable). */
type NodeSpec = [string, Record<string, string>];
type PodsOn = Record<string, ({ n: number } & PodOptions)[]>;
function cluster(nodes: NodeSpec[], pods: PodsOn, opts: Record<string, Parameters<typeof node>[1]> = {}): NodeInfo[] {
  return nodes.map(([name, labels]) => {
    const list = (pods[name] ?? []).flatMap(({ n, ...o }, j) => Array.from({ length: n }, (_, k) => pod(`${name}-${j}-${k}`, o)));
    return nodeInfo(node(name, { labels, ...opts[name] }), list);
  });
}
const foo = (n: number, o: PodOptions = {}) => ({ n, labels: { foo: '' }, ...o });

const zoned: NodeSpec[] = [['node-a', { zone: 'zone1' }], ['node-b', { zone: 'zone1' }], ['node-x', { zone: 'zone2' }], ['node-y', { zone: 'zone2' }]];

describe('PodTopologySpread filter', () => {
  const S = Code.Success, U = Code.Unschedulable, R = Code.UnschedulableAndUnresolvable;
  const cases: { name: string; pod: PodOptions; nodes?: NodeSpec[]; pods: PodsOn; want: Record<string, Code> }[] = [
    { name: 'no existing pods', pod: { labels: { foo: '' }, topologySpreadConstraints: [spread(1, 'zone', 'DoNotSchedule')] }, pods: {}, want: { 'node-a': S, 'node-b': S, 'node-x': S, 'node-y': S } },
    { name: 'no existing pods, the pod does not match itself', pod: { labels: { bar: '' }, topologySpreadConstraints: [spread(1, 'zone', 'DoNotSchedule')] }, pods: {}, want: { 'node-a': S, 'node-b': S, 'node-x': S, 'node-y': S } },
    {
      name: 'pods in another namespace do not count',
      pod: { labels: { foo: '' }, topologySpreadConstraints: [spread(1, 'zone', 'DoNotSchedule')] },
      pods: { 'node-a': [foo(1, { namespace: 'ns1' })], 'node-x': [foo(2, { namespace: 'ns2' })] },
      want: { 'node-a': S, 'node-b': S, 'node-x': S, 'node-y': S },
    },
    {
      name: 'pods spread 3/3 across zones: all fit',
      pod: { labels: { foo: '' }, topologySpreadConstraints: [spread(1, 'zone', 'DoNotSchedule')] },
      pods: { 'node-a': [foo(2)], 'node-b': [foo(1)], 'node-x': [foo(1)], 'node-y': [foo(2)] },
      want: { 'node-a': S, 'node-b': S, 'node-x': S, 'node-y': S },
    },
    {
      name: 'pods spread 3/2 across zones: only zone2 fits',
      pod: { labels: { foo: '' }, topologySpreadConstraints: [spread(1, 'zone', 'DoNotSchedule')] },
      pods: { 'node-a': [foo(2)], 'node-b': [foo(1)], 'node-y': [foo(2)] },
      want: { 'node-a': U, 'node-b': U, 'node-x': S, 'node-y': S },
    },
    {
      name: 'terminating pods do not count',
      pod: { labels: { foo: '' }, topologySpreadConstraints: [spread(1, 'zone', 'DoNotSchedule')] },
      pods: { 'node-a': [foo(2)], 'node-b': [foo(1)], 'node-y': [foo(1), foo(2, { meta: { deletionTimestamp: new Date(0) } })] },
      want: { 'node-a': U, 'node-b': U, 'node-x': S, 'node-y': S },
    },
    {
      name: 'a node without the topology label is unresolvable',
      pod: { labels: { foo: '' }, topologySpreadConstraints: [spread(1, 'zone', 'DoNotSchedule')] },
      nodes: [['node-a', { zone: 'zone1' }], ['node-b', {}], ['node-x', { zone: 'zone2' }]],
      pods: { 'node-a': [foo(1)], 'node-b': [foo(1)] },
      want: { 'node-a': U, 'node-b': R, 'node-x': S },
    },
    {
      name: 'no node has the label',
      pod: { labels: { foo: '' }, topologySpreadConstraints: [spread(1, 'rack', 'DoNotSchedule')] },
      pods: {}, want: { 'node-a': R, 'node-b': R, 'node-x': R, 'node-y': R },
    },
    {
      name: 'pods spread 2/1/0/3 on nodes: only node-x fits',
      pod: { labels: { foo: '' }, topologySpreadConstraints: [spread(1, HOST, 'DoNotSchedule')] },
      pods: { 'node-a': [foo(2)], 'node-b': [foo(1)], 'node-y': [foo(3)] },
      want: { 'node-a': U, 'node-b': U, 'node-x': S, 'node-y': U },
    },
    {
      name: 'pods spread 2/1/0/3 on nodes, maxSkew 2: node-b and node-x fit',
      pod: { labels: { foo: '' }, topologySpreadConstraints: [spread(2, HOST, 'DoNotSchedule')] },
      pods: { 'node-a': [foo(2)], 'node-b': [foo(1)], 'node-y': [foo(3)] },
      want: { 'node-a': U, 'node-b': S, 'node-x': S, 'node-y': U },
    },
    {
      name: 'pods spread 2/1/0/3 on nodes, the pod does not match itself: node-b fits too',
      pod: { labels: { bar: '' }, topologySpreadConstraints: [spread(1, HOST, 'DoNotSchedule')] },
      pods: { 'node-a': [foo(2)], 'node-b': [foo(1)], 'node-y': [foo(3)] },
      want: { 'node-a': U, 'node-b': S, 'node-x': S, 'node-y': U },
    },
    {
      name: 'ScheduleAnyway constraints do not filter',
      pod: { labels: { foo: '' }, topologySpreadConstraints: [spread(1, HOST, 'ScheduleAnyway')] },
      pods: { 'node-a': [foo(5)] },
      want: { 'node-a': S, 'node-b': S, 'node-x': S, 'node-y': S },
    },
    {
      name: 'minDomains above the domain count makes the minimum 0',
      pod: { labels: { foo: '' }, topologySpreadConstraints: [spread(2, 'zone', 'DoNotSchedule', fooExists, { minDomains: 3 })] },
      // zone1: 2, zone2: 1 → minimum taken as 0: zone1 would reach 3 > 2
      pods: { 'node-a': [foo(2)], 'node-x': [foo(1)] },
      want: { 'node-a': U, 'node-b': U, 'node-x': S, 'node-y': S },
    },
    {
      name: 'minDomains met: the real minimum applies',
      pod: { labels: { foo: '' }, topologySpreadConstraints: [spread(2, 'zone', 'DoNotSchedule', fooExists, { minDomains: 2 })] },
      pods: { 'node-a': [foo(2)], 'node-x': [foo(1)] },
      want: { 'node-a': S, 'node-b': S, 'node-x': S, 'node-y': S },
    },
    {
      name: 'two constraints: both must hold',
      pod: { labels: { foo: '' }, topologySpreadConstraints: [spread(1, 'zone', 'DoNotSchedule'), spread(1, HOST, 'DoNotSchedule')] },
      // zone1: 3, zone2: 1 (node-x 0, node-y 1) → only zone2; node-y has 1 vs min 0
      pods: { 'node-a': [foo(2)], 'node-b': [foo(1)], 'node-y': [foo(1)] },
      want: { 'node-a': U, 'node-b': U, 'node-x': S, 'node-y': U },
    },
    {
      name: 'nodeAffinityPolicy Honor: nodes outside the pod\'s node affinity do not count',
      pod: { labels: { foo: '' }, nodeSelector: { zone: 'zone1' }, topologySpreadConstraints: [spread(1, HOST, 'DoNotSchedule')] },
      // node-x/node-y (0 pods, 3 pods) are not counted, so the minimum is node-b's 1; on
      // them the pod counts as a new domain (NodeAffinity is what keeps it off them)
      pods: { 'node-a': [foo(2)], 'node-b': [foo(1)], 'node-y': [foo(3)] },
      want: { 'node-a': U, 'node-b': S, 'node-x': S, 'node-y': S },
    },
    {
      name: 'nodeAffinityPolicy Ignore: every node counts',
      pod: { labels: { foo: '' }, nodeSelector: { zone: 'zone1' }, topologySpreadConstraints: [spread(1, HOST, 'DoNotSchedule', fooExists, { nodeAffinityPolicy: 'Ignore' })] },
      pods: { 'node-a': [foo(2)], 'node-b': [foo(1)], 'node-y': [foo(3)] },
      want: { 'node-a': U, 'node-b': U, 'node-x': S, 'node-y': U },
    },
    {
      name: 'matchLabelKeys add the pod\'s values to the selector',
      pod: { labels: { foo: '', version: 'v2' }, topologySpreadConstraints: [spread(1, HOST, 'DoNotSchedule', fooExists, { matchLabelKeys: ['version'] })] },
      // only node-b's pod is v2
      pods: { 'node-a': [foo(2, { labels: { foo: '', version: 'v1' } })], 'node-b': [foo(1, { labels: { foo: '', version: 'v2' } })] },
      want: { 'node-a': S, 'node-b': U, 'node-x': S, 'node-y': S },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const ns = cluster(c.nodes ?? zoned, c.pods);
      const { statuses } = runFilter(pts.factory(fakeHandle(ns)), pod('p', c.pod), ns);
      expect(Object.fromEntries([...statuses].map(([n, s]) => [n, s.code]))).to.deep.equal(c.want);
    });
  }

  it('reports the upstream reasons', () => {
    const ns = cluster([['a', { zone: 'z1' }], ['b', {}], ['c', { zone: 'z2' }]], { a: [foo(1)] });
    const { statuses } = runFilter(pts.factory(fakeHandle(ns)), pod('p', { labels: { foo: '' }, topologySpreadConstraints: [spread(1, 'zone', 'DoNotSchedule')] }), ns);
    expect(statuses.get('a')?.reasons).to.deep.equal(["node(s) didn't match pod topology spread constraints"]);
    expect(statuses.get('b')?.reasons).to.deep.equal(["node(s) didn't match pod topology spread constraints (missing required label)"]);
  });

  it('nodeTaintsPolicy Honor leaves out nodes with taints the pod does not tolerate', () => {
    const taint = { key: 'k', value: 'v', effect: 'NoSchedule' };
    const p = (policy: string) => pod('p', { labels: { foo: '' }, topologySpreadConstraints: [spread(1, HOST, 'DoNotSchedule', fooExists, { nodeTaintsPolicy: policy })] });
    const mk = () => cluster([['a', {}], ['b', {}]], { a: [foo(1)] }, { b: { taints: [taint] } });
    let ns = mk();
    expect(runFilter(pts.factory(fakeHandle(ns)), p('Ignore'), ns).statuses.get('a')?.code, 'tainted b counts with 0').to.equal(Code.Unschedulable);
    ns = mk();
    expect(runFilter(pts.factory(fakeHandle(ns)), p('Honor'), ns).statuses.get('a')?.code, 'tainted b does not count').to.equal(Code.Success);
  });

  it('skips pods without DoNotSchedule constraints in PreFilter', () => {
    const ns = cluster(zoned, {});
    const pl = pts.factory(fakeHandle(ns));
    if (!isPreFilter(pl)) throw new Error('PreFilter expected');
    expect(pl.preFilter(new CycleState(), pod('p', { topologySpreadConstraints: [spread(1, 'zone', 'ScheduleAnyway')] }), ns).status.code).to.equal(Code.Skip);
    expect(pl.preFilter(new CycleState(), pod('p'), ns).status.code).to.equal(Code.Skip);
  });

  it('updates its counts when preemption removes or adds a pod', () => {
    const ns = cluster([['a', {}], ['b', {}]], { a: [foo(1)] });
    const pl = pts.factory(fakeHandle(ns));
    if (!isPreFilter(pl) || !isFilter(pl)) throw new Error('PreFilter and Filter expected');
    const p = pod('p', { labels: { foo: '' }, topologySpreadConstraints: [spread(1, HOST, 'DoNotSchedule')] });
    const state = new CycleState();
    pl.preFilter(state, p, ns);
    expect(pl.filter(state, p, ns[0]).code).to.equal(Code.Unschedulable);
    const copy = state.clone();
    pl.removePod!(copy, p, ns[0].pods[0], ns[0]);
    expect(pl.filter(copy, p, ns[0]).code).to.equal(Code.Success);
    expect(pl.filter(state, p, ns[0]).code, 'the original state is untouched').to.equal(Code.Unschedulable);
    pl.addPod!(copy, p, newPodInfo(pod('other', { labels: { foo: '' } })), ns[1]);
    pl.addPod!(copy, p, newPodInfo(pod('other2', { labels: { foo: '' } })), ns[1]);
    expect(pl.filter(copy, p, ns[0]).code).to.equal(Code.Success);
    expect(pl.filter(copy, p, ns[1]).code).to.equal(Code.Unschedulable);
  });

  it('sees pods added to a node after an earlier cycle (count cache follows the NodeInfo generation)', () => {
    const ns = cluster([['a', {}], ['b', {}]], {});
    const pl = pts.factory(fakeHandle(ns));
    const p = pod('p', { labels: { foo: '' }, topologySpreadConstraints: [spread(1, HOST, 'DoNotSchedule')] });
    expect(runFilter(pl, p, ns).statuses.get('a')?.code).to.equal(Code.Success);
    const [a] = cluster([['a', {}]], { a: [foo(1)] });
    ns[0].pods.push(...a.pods);
    ns[0].generation++;
    expect(runFilter(pl, p, ns).statuses.get('a')?.code).to.equal(Code.Unschedulable);
  });
});

describe('PodTopologySpread counts kept across cycles', () => {
  it('agree with a fresh count after pods come and go and nodes change zones', () => {
    // A fixed node list changed in place, as the scheduler cache does, checked against a
    // new plugin instance (no remembered counts) after every change.
    let seed = 7;
    const rnd = (n: number) => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed % n; };
    const zones = ['z1', 'z2', 'z3', undefined];
    const nodeOf = (i: number, zone: string | undefined) => node(`n${i}`, { labels: zone ? { zone } : {} });
    const ns = Array.from({ length: 12 }, (_, i) => nodeInfo(nodeOf(i, zones[i % 3])));
    const cached = pts.factory(fakeHandle(ns));
    const probe = (selector: object) => pod('p', { labels: { foo: '' }, nodeSelector: undefined, topologySpreadConstraints: [spread(1, 'zone', 'DoNotSchedule', selector), spread(2, HOST, 'DoNotSchedule', selector)] });
    let uid = 0;
    for (let step = 0; step < 300; step++) {
      const ni = ns[rnd(ns.length)];
      const what = rnd(10);
      if (what < 5) addPod(ni, newPodInfo(pod(`x${uid++}`, { labels: rnd(2) ? { foo: '' } : { bar: '' }, nodeName: ni.name })));
      else if (what < 8 && ni.pods.length > 0) removePod(ni, ni.pods[rnd(ni.pods.length)].pod.metadata!.uid!);
      else setNode(ni, nodeOf(Number(ni.name.slice(1)), zones[rnd(zones.length)]));
      for (const selector of [fooExists, barExists]) {
        const p = probe(selector);
        const got = runFilter(cached, p, ns).statuses;
        const want = runFilter(pts.factory(fakeHandle(ns)), p, ns).statuses;
        expect([...got].map(([n, st]) => [n, st.code]), `step ${step}`).to.deep.equal([...want].map(([n, st]) => [n, st.code]));
      }
    }
  });
});

describe('PodTopologySpread counts kept across cycles of the scheduler cache', () => {
  it('agree with a fresh count when only the nodes the journal names are looked at again', () => {
    // The cache names each changed node in its journal and the plugin revisits only those,
    // while the node list stays the same: pods come and go, nodes change labels (other than
    // their zone, which rebuilds the list), and a burst of changes outruns the journal.
    let seed = 11;
    const rnd = (n: number) => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed % n; };
    const zones = ['z1', 'z2', 'z3'];
    const nodeOf = (i: number, zone: string, extra: Record<string, string> = {}) => node(`n${i}`, { labels: { zone, ...extra } });
    const cache = new Cache();
    for (let i = 0; i < 12; i++) cache.addNode(nodeOf(i, zones[i % 3]));
    const handle = { ...fakeHandle([]), snapshot: () => cache.snapshot() };
    const cached = pts.factory(handle);
    const probe = (selector: object) => pod('p', { labels: { foo: '' }, topologySpreadConstraints: [spread(1, 'zone', 'DoNotSchedule', selector), spread(2, HOST, 'DoNotSchedule', selector)] });
    const placed: Pod[] = [];
    let uid = 0;
    const first = cache.snapshot().nodeInfos;
    for (let step = 0; step < 300; step++) {
      const i = rnd(12);
      const what = rnd(10);
      if (what < 5) {
        const p = pod(`x${uid++}`, { labels: rnd(2) ? { foo: '' } : { bar: '' }, nodeName: `n${i}` });
        placed.push(p);
        if (rnd(2)) cache.addOrUpdatePod(p); else cache.assumePod(p, `n${i}`);
      } else if (what < 8 && placed.length > 0) {
        cache.removePod(placed.splice(rnd(placed.length), 1)[0]);
      } else {
        cache.addNode(nodeOf(i, zones[i % 3], rnd(2) ? { disk: 'ssd' } : {}));
      }
      if (step === 150) {
        // More changes than the journal keeps: the next cycle counts every node again.
        const p = pod('burst', { labels: { foo: '' }, nodeName: 'n0' });
        for (let k = 0; k < 5000; k++) { cache.addOrUpdatePod(p); cache.removePod(p); }
      }
      const nodes = cache.snapshot().nodeInfos;
      expect(nodes, 'the node list is kept').to.equal(first);
      for (const selector of [fooExists, barExists]) {
        const p = probe(selector);
        const got = runFilter(cached, p, nodes).statuses;
        const want = runFilter(pts.factory(fakeHandle(nodes)), p, nodes).statuses;
        expect([...got].map(([n, st]) => [n, st.code]), `step ${step}`).to.deep.equal([...want].map(([n, st]) => [n, st.code]));
      }
    }
  });
});

describe('PodTopologySpread score', () => {
  const hostNodes = (...names: string[]): NodeSpec[] => names.map((n) => [n, {}]);
  const cases: { name: string; pod: PodOptions; nodes: NodeSpec[]; failed?: string[]; pods: PodsOn; want: Record<string, number> }[] = [
    {
      name: 'one constraint on node, no existing pods',
      pod: { labels: { foo: '' }, topologySpreadConstraints: [spread(1, HOST, 'ScheduleAnyway')] },
      nodes: hostNodes('node-a', 'node-b'), pods: {}, want: { 'node-a': 100, 'node-b': 100 },
    },
    {
      name: 'one constraint on node, 2/1/0/3, maxSkew 2',
      pod: { labels: { foo: '' }, topologySpreadConstraints: [spread(2, HOST, 'ScheduleAnyway')] },
      nodes: hostNodes('node-a', 'node-b', 'node-c', 'node-d'),
      pods: { 'node-a': [foo(2)], 'node-b': [foo(1)], 'node-d': [foo(3)] },
      want: { 'node-a': 33, 'node-b': 66, 'node-c': 100, 'node-d': 16 },
    },
    {
      name: 'one constraint on node, 4/3/2/1, maxSkew 3',
      pod: { labels: { foo: '' }, topologySpreadConstraints: [spread(3, HOST, 'ScheduleAnyway')] },
      nodes: hostNodes('node-a', 'node-b', 'node-c', 'node-d'),
      pods: { 'node-a': [foo(4)], 'node-b': [foo(3)], 'node-c': [foo(2)], 'node-d': [foo(1)] },
      want: { 'node-a': 44, 'node-b': 66, 'node-c': 77, 'node-d': 100 },
    },
    {
      name: 'one constraint on node, 3 of 4 nodes are candidates',
      pod: { labels: { foo: '' }, topologySpreadConstraints: [spread(1, HOST, 'ScheduleAnyway')] },
      nodes: hostNodes('node-a', 'node-b', 'node-x', 'node-y'), failed: ['node-y'],
      pods: { 'node-a': [foo(4)], 'node-b': [foo(2)], 'node-x': [foo(1)], 'node-y': [foo(3)] },
      want: { 'node-a': 33, 'node-b': 83, 'node-x': 100 },
    },
    {
      name: 'a candidate without the topology key scores 0',
      pod: { labels: { foo: '' }, topologySpreadConstraints: [spread(1, 'node', 'ScheduleAnyway')] },
      nodes: [['node-a', { node: 'node-a' }], ['node-b', { n: 'node-b' }], ['node-x', { node: 'node-x' }], ['node-y', { node: 'node-y' }]], failed: ['node-y'],
      pods: { 'node-a': [foo(4)], 'node-b': [foo(2)], 'node-x': [foo(1)], 'node-y': [foo(3)] },
      want: { 'node-a': 16, 'node-b': 0, 'node-x': 100 },
    },
    {
      name: 'one constraint on zone, 3 of 4 nodes are candidates',
      pod: { labels: { foo: '' }, topologySpreadConstraints: [spread(1, 'zone', 'ScheduleAnyway')] },
      nodes: zoned, failed: ['node-y'],
      pods: { 'node-a': [foo(4)], 'node-b': [foo(2)], 'node-x': [foo(1)], 'node-y': [foo(3)] },
      want: { 'node-a': 75, 'node-b': 75, 'node-x': 100 },
    },
    {
      name: 'two constraints on zone and node, 2 of 4 nodes are candidates',
      pod: { labels: { foo: '' }, topologySpreadConstraints: [spread(1, 'zone', 'ScheduleAnyway'), spread(1, HOST, 'ScheduleAnyway')] },
      nodes: zoned, failed: ['node-b', 'node-y'],
      pods: { 'node-a': [foo(2)], 'node-b': [foo(1)], 'node-x': [foo(2)], 'node-y': [foo(4)] },
      want: { 'node-a': 100, 'node-x': 63 },
    },
    {
      name: 'two constraints with different selectors',
      pod: { labels: { foo: '', bar: '' }, topologySpreadConstraints: [spread(1, 'zone', 'ScheduleAnyway'), spread(1, HOST, 'ScheduleAnyway', barExists)] },
      nodes: zoned,
      pods: { 'node-a': [foo(1)], 'node-b': [{ n: 1, labels: { foo: '', bar: '' } }], 'node-y': [foo(1), { n: 1, labels: { bar: '' } }] },
      want: { 'node-a': 60, 'node-b': 20, 'node-x': 100, 'node-y': 60 },
    },
    {
      name: 'DoNotSchedule constraints do not score',
      pod: { labels: { foo: '' }, topologySpreadConstraints: [spread(1, HOST, 'DoNotSchedule')] },
      nodes: hostNodes('node-a', 'node-b'), pods: { 'node-a': [foo(3)] }, want: { 'node-a': 0, 'node-b': 0 },
    },
    {
      name: 'system defaults for a ReplicaSet\'s pod, nodes without zones',
      pod: { labels: { foo: '' }, meta: { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: 'rs-1', controller: true }] } },
      nodes: hostNodes('node-a', 'node-b', 'node-c', 'node-d'),
      pods: { 'node-a': [foo(4)], 'node-b': [foo(3)], 'node-c': [foo(2)], 'node-d': [foo(1)] },
      // as one hostname constraint with maxSkew 3
      want: { 'node-a': 44, 'node-b': 66, 'node-c': 77, 'node-d': 100 },
    },
    {
      name: 'no system defaults for a pod without a controller',
      pod: { labels: { foo: '' } },
      nodes: hostNodes('node-a', 'node-b'), pods: { 'node-a': [foo(4)] }, want: { 'node-a': 0, 'node-b': 0 },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const all = cluster(c.nodes, c.pods);
      const candidates = all.filter((n) => !c.failed?.includes(n.name));
      expect(scoresOf(runScore(pts.factory(fakeHandle(all)), pod('p', c.pod), candidates))).to.deep.equal(c.want);
    });
  }

  it('defaultSelector leaves out the labels a StatefulSet sets per pod', () => {
    const p = pod('web-0', {
      labels: { app: 'web', 'statefulset.kubernetes.io/pod-name': 'web-0', 'apps.kubernetes.io/pod-index': '0', 'controller-revision-hash': 'abc' },
      meta: { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'web', uid: 'u', controller: true }] },
    });
    expect(pts.defaultSelector(p)).to.deep.equal({ matchLabels: { app: 'web' } });
  });
});
