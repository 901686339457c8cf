// DefaultPreemption, as upstream's defaultpreemption/default_preemption_test.go: who may
// preempt, which nodes are tried (Unschedulable only), victim selection (lower priority
// only, reprieving the most important first, PreFilter state kept in step through
// AddPod/RemovePod), the node choice criteria, the deletions, and the messages when
// preemption cannot help. The filters are the real plugins run by the framework.

import { expect } from 'chai';
import { Framework } from '../../src/scheduler/framework/runtime.ts';
import { Code, CycleState, Status, type NodeInfo, type Plugin, type Pod } from '../../src/scheduler/framework/types.ts';
import * as fit from '../../src/scheduler/plugins/noderesourcesfit.ts';
import * as ipa from '../../src/scheduler/plugins/interpodaffinity.ts';
import * as nodeAffinity from '../../src/scheduler/plugins/nodeaffinity.ts';
import * as preemption from '../../src/scheduler/plugins/defaultpreemption.ts';
import { fakeHandle, node, nodeInfo, pod, type PodOptions } from './scheduler-fixtures.ts';

interface Recorder { deleted: string[]; nominated: [string, string][] }

/** A framework of NodeAffinity, NodeResourcesFit, InterPodAffinity and DefaultPreemption over the nodes. */
function setup(nodes: NodeInfo[], extraArgs: Partial<preemption.DefaultPreemptionArgs> = {}): { fw: Framework; rec: Recorder } {
  const handle = fakeHandle(nodes);
  const rec: Recorder = { deleted: [], nominated: [] };
  const filters: Plugin[] = [nodeAffinity.factory(handle), fit.factory(handle), ipa.factory(handle)];
  const pf = preemption.factory(handle, {
    runFilters: (s: CycleState, p: Pod, ni: NodeInfo) => fw.runFilter(s, p, ni),
    preFilterPlugins: () => fw.preFilters,
    preempt: {
      deletePod: async (p: Pod) => { rec.deleted.push(p.metadata?.name ?? ''); },
      setNominatedNodeName: async (p: Pod, n: string) => { rec.nominated.push([p.metadata?.name ?? '', n]); },
    },
    offset: () => 0,
    ...extraArgs,
  });
  // The closures above run only after fw exists.
  const fw: Framework = new Framework('test', { preFilter: filters, filter: filters, postFilter: [pf], preScore: [], score: [], reserve: [], preBind: [], bind: [] });
  return { fw, rec };
}

/** One failed scheduling cycle followed by PostFilter. */
async function attempt(fw: Framework, p: Pod, nodes: NodeInfo[]) {
  const state = new CycleState();
  const statuses = new Map<string, Status>();
  const pre = fw.runPreFilter(state, p, nodes);
  if (!pre.status.isSuccess()) for (const ni of nodes) statuses.set(ni.name, pre.status);
  else for (const ni of nodes) {
    const st = fw.runFilter(state, p, ni);
    if (!st.isSuccess()) statuses.set(ni.name, st);
  }
  if (statuses.size < nodes.length) throw new Error('the pod fits somewhere; nothing to preempt');
  return fw.runPostFilter(state, p, statuses);
}

const small = { cpu: '2', memory: '4Gi', pods: '110' };
const sized = (name: string, pods: Pod[], labels?: Record<string, string>) => nodeInfo(node(name, { allocatable: small, labels }), pods);
const running = (name: string, priority: number, cpu: string, o: PodOptions = {}) => pod(name, { priority, requests: { cpu }, status: { startTime: new Date('2024-01-01T00:00:00Z') }, ...o });
const started = (iso: string) => ({ status: { startTime: iso as unknown as Date } });

describe('DefaultPreemption', () => {
  it('does not preempt for a pod with preemptionPolicy Never', async () => {
    const nodes = [sized('node1', [running('low', 0, '2')])];
    const { fw, rec } = setup(nodes);
    const r = await attempt(fw, pod('p', { priority: 100, preemptionPolicy: 'Never', requests: { cpu: '1' } }), nodes);
    expect([r.status.code, r.status.message()]).to.deep.equal([Code.Unschedulable, 'preemption: not eligible due to preemptionPolicy=Never.']);
    expect(rec.deleted).to.deep.equal([]);
  });

  it('preempts the lower-priority pod that blocks the node', async () => {
    const nodes = [sized('node1', [running('low', 0, '2')])];
    const { fw, rec } = setup(nodes);
    const r = await attempt(fw, pod('p', { priority: 100, requests: { cpu: '1' } }), nodes);
    expect(r).to.deep.include({ nominatedNodeName: 'node1' });
    expect(r.status.code).to.equal(Code.Success);
    expect(rec.deleted).to.deep.equal(['low']);
  });

  const failing: { name: string; nodes: () => NodeInfo[]; pod: PodOptions; want: string }[] = [
    {
      name: 'only unresolvable nodes: not helpful anywhere',
      nodes: () => [sized('node1', [running('low', 0, '1')], { zone: 'a' }), sized('node2', [], { zone: 'a' })],
      pod: { priority: 100, nodeSelector: { zone: 'b' } },
      want: 'preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.',
    },
    {
      name: 'no pod of lower priority',
      nodes: () => [sized('node1', [running('high', 1000, '2')])],
      pod: { priority: 100, requests: { cpu: '1' } },
      want: 'preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.',
    },
    {
      name: 'removing every lower-priority pod is not enough',
      nodes: () => [sized('node1', [running('low', 0, '1'), running('high', 1000, '1')])],
      pod: { priority: 100, requests: { cpu: '2' } },
      want: 'preemption: 0/1 nodes are available: 1 Insufficient cpu.',
    },
    {
      name: 'mixed: unresolvable, no victims and not enough',
      nodes: () => [
        sized('node1', [running('high', 1000, '2')], { zone: 'a' }),
        sized('node2', [running('low', 0, '1'), running('high2', 1000, '1')], { zone: 'a' }),
        sized('node3', [], { zone: 'b' }),
      ],
      pod: { priority: 100, nodeSelector: { zone: 'a' }, requests: { cpu: '2' } },
      want: 'preemption: 0/3 nodes are available: 1 Insufficient cpu, 1 No preemption victims found for incoming pod, 1 Preemption is not helpful for scheduling.',
    },
  ];
  for (const c of failing) {
    it(c.name, async () => {
      const nodes = c.nodes();
      const { fw, rec } = setup(nodes);
      const r = await attempt(fw, pod('p', c.pod), nodes);
      expect([r.status.code, r.status.message()]).to.deep.equal([Code.Unschedulable, c.want]);
      expect(r.nominatedNodeName).to.equal(undefined);
      expect(rec.deleted).to.deep.equal([]);
    });
  }

  it('clears a nomination preemption can no longer back', async () => {
    const nodes = [sized('node1', [running('high', 1000, '2')])];
    const { fw, rec } = setup(nodes);
    await attempt(fw, pod('p', { priority: 100, requests: { cpu: '1' }, status: { nominatedNodeName: 'node1' } }), nodes);
    expect(rec.nominated).to.deep.equal([['p', '']]);
  });

  it('waits while an earlier victim on the nominated node is terminating', async () => {
    const terminating = running('old-victim', 0, '1', { meta: { deletionTimestamp: new Date() } });
    const nodes = [sized('node1', [terminating, running('other', 0, '1')])];
    const { fw, rec } = setup(nodes);
    const r = await attempt(fw, pod('p', { priority: 100, requests: { cpu: '1' }, status: { nominatedNodeName: 'node1' } }), nodes);
    expect(r.status.message()).to.equal('preemption: not eligible due to a terminating pod on the nominated node.');
    expect(rec.deleted).to.deep.equal([]);
  });

  it('evicts as few pods as it must, reprieving the most important first', async () => {
    // 2 cpu node with three 0.5-cpu pods of priorities 10, 20, 30 and 0.5 free; the pod needs 1.
    const nodes = [sized('node1', [running('p10', 10, '500m'), running('p30', 30, '500m'), running('p20', 20, '500m')])];
    const { fw, rec } = setup(nodes);
    const r = await attempt(fw, pod('p', { priority: 100, requests: { cpu: '1500m' } }), nodes);
    expect(r.nominatedNodeName).to.equal('node1');
    expect(rec.deleted).to.deep.equal(['p20', 'p10']);
  });

  it('does not touch the real NodeInfo during dry runs', async () => {
    const nodes = [sized('node1', [running('low', 0, '2')])];
    const before = nodes[0].pods.map((p) => p.pod.metadata?.name);
    const { fw } = setup(nodes);
    await attempt(fw, pod('p', { priority: 100, requests: { cpu: '1' } }), nodes);
    expect(nodes[0].pods.map((p) => p.pod.metadata?.name)).to.deep.equal(before);
    expect(nodes[0].requested.milliCPU).to.equal(2000);
  });

  it('removes a pod whose anti-affinity keeps the preemptor out (PreFilter RemovePod)', async () => {
    const anti = { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app: 'web' } }, topologyKey: 'kubernetes.io/hostname' }] } };
    const nodes = [sized('node1', [running('guard', 0, '100m', { affinity: anti }), running('keeper', 0, '100m')])];
    const { fw, rec } = setup(nodes);
    const r = await attempt(fw, pod('web', { priority: 100, labels: { app: 'web' }, requests: { cpu: '100m' } }), nodes);
    expect(r.nominatedNodeName).to.equal('node1');
    expect(rec.deleted).to.deep.equal(['guard']);
  });

  const choices: { name: string; nodes: () => NodeInfo[]; want: string }[] = [
    {
      name: 'the node whose highest victim priority is lowest',
      nodes: () => [sized('node1', [running('a', 20, '2')]), sized('node2', [running('b', 10, '2')])],
      want: 'node2',
    },
    {
      name: 'then the smallest sum of victim priorities',
      nodes: () => [sized('node1', [running('a1', 10, '1'), running('a2', 10, '1')]), sized('node2', [running('b1', 10, '1'), running('b2', 5, '1')])],
      want: 'node2',
    },
    {
      name: 'then the fewest victims',
      nodes: () => [sized('node1', [running('a1', 0, '1'), running('a2', 0, '1')]), sized('node2', [running('b1', 0, '2')])],
      want: 'node2',
    },
    {
      name: 'then the latest start of the highest-priority victims',
      nodes: () => [sized('node1', [running('a', 10, '2', started('2024-01-01T00:00:00Z'))]), sized('node2', [running('b', 10, '2', started('2024-06-01T00:00:00Z'))])],
      want: 'node2',
    },
    {
      name: 'then the first node',
      nodes: () => [sized('node1', [running('a', 10, '2')]), sized('node2', [running('b', 10, '2')])],
      want: 'node1',
    },
  ];
  for (const c of choices) {
    it(`picks ${c.name}`, async () => {
      const nodes = c.nodes();
      const { fw } = setup(nodes);
      const r = await attempt(fw, pod('p', { priority: 100, requests: { cpu: '2' } }), nodes);
      expect(r.nominatedNodeName).to.equal(c.want);
    });
  }

  it('stops the dry runs once it has minCandidateNodesAbsolute candidates', async () => {
    const nodes = [sized('node1', [running('a', 10, '2')]), sized('node2', [running('b', 0, '2')])];
    const { fw, rec } = setup(nodes, { minCandidateNodesAbsolute: 1, minCandidateNodesPercentage: 0 });
    const r = await attempt(fw, pod('p', { priority: 100, requests: { cpu: '2' } }), nodes);
    // node2 would be the better choice, but only node1 (the offset) was tried.
    expect([r.nominatedNodeName, rec.deleted]).to.deep.equal(['node1', ['a']]);
  });
});

describe('pickOneNodeForPreemption', () => {
  it('returns undefined without candidates', () => {
    expect(preemption.pickOneNodeForPreemption([])).to.equal(undefined);
  });

  it('counts negative priorities with the 2^31 offset, so more victims never sum smaller', () => {
    const neg = (n: string) => pod(n, { priority: -5 });
    expect(preemption.pickOneNodeForPreemption([
      { name: 'two', victims: [neg('a'), neg('b')] },
      { name: 'one', victims: [neg('c')] },
    ])).to.equal('one');
  });
});
