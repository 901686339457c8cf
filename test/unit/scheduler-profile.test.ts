// The plugin registry and the default profile (upstream default_plugins.go): which
// plugins run at which extension point, in which order, with which Score weights, and
// that the scheduler's services reach DefaultBinder and DefaultPreemption. Also
// DefaultBinder itself.

import { expect } from 'chai';
import { Framework } from '../../src/scheduler/framework/runtime.ts';
import { Code, CycleState, Status, isBind, type NodeInfo, type Pod } from '../../src/scheduler/framework/types.ts';
import type { ProfileBuilder } from '../../src/scheduler/scheduler.ts';
import * as defaultBinder from '../../src/scheduler/plugins/defaultbinder.ts';
import { DEFAULT_PROFILE, REGISTRY, buildProfile, defaultProfile, prioritySortLess, type PluginServices } from '../../src/scheduler/plugins/index.ts';
import { fakeHandle, node, nodeInfo, pod } from './scheduler-fixtures.ts';

function services() {
  const calls: string[] = [];
  const s: PluginServices = {
    bind: async (p, n) => { calls.push(`bind ${p.metadata?.name} ${n}`); },
    deletePod: async (p) => { calls.push(`delete ${p.metadata?.name}`); },
    setNominatedNodeName: async (p, n) => { calls.push(`nominate ${p.metadata?.name} ${n}`); },
  };
  return { s, calls };
}

const names = (list: { name: string }[]) => list.map((p) => p.name);

describe('default profile', () => {
  it('registers every default plugin', () => {
    for (const { name } of DEFAULT_PROFILE.plugins) expect(REGISTRY, name).to.have.property(name);
    expect(REGISTRY).to.have.property(DEFAULT_PROFILE.queueSort);
  });

  it('places each plugin at its extension points in upstream\'s order, with upstream\'s weights', () => {
    const nodes = [nodeInfo(node('n'))];
    const fw = new Framework('default-scheduler', buildProfile(fakeHandle(nodes), services().s));
    expect(names(fw.preFilters)).to.deep.equal(['NodeAffinity', 'NodePorts', 'NodeResourcesFit', 'VolumeBinding', 'PodTopologySpread', 'InterPodAffinity']);
    expect(names(fw.filters)).to.deep.equal(['NodeUnschedulable', 'NodeName', 'TaintToleration', 'NodeAffinity', 'NodePorts', 'NodeResourcesFit', 'VolumeBinding', 'PodTopologySpread', 'InterPodAffinity']);
    expect(names(fw.postFilters)).to.deep.equal(['DefaultPreemption']);
    expect(names(fw.preScores)).to.deep.equal(['TaintToleration', 'NodeAffinity', 'NodeResourcesFit', 'PodTopologySpread', 'InterPodAffinity', 'NodeResourcesBalancedAllocation']);
    expect(fw.scores.map((s) => [s.plugin.name, s.weight])).to.deep.equal([
      ['TaintToleration', 3], ['NodeAffinity', 2], ['NodeResourcesFit', 1], ['PodTopologySpread', 2], ['InterPodAffinity', 2], ['NodeResourcesBalancedAllocation', 1],
    ]);
    expect(names(fw.reserves)).to.deep.equal(['VolumeBinding']);
    expect(names(fw.preBinds)).to.deep.equal(['VolumeBinding']);
    expect(names(fw.binds)).to.deep.equal(['DefaultBinder']);
  });

  it('is a ProfileBuilder for the scheduler, with PrioritySort as its queue order', () => {
    const builder: ProfileBuilder = defaultProfile;
    const built = defaultProfile(fakeHandle([]), services().s);
    expect(typeof builder).to.equal('function');
    expect(built.less).to.equal(prioritySortLess);
  });

  it('passes plugin args through pluginConfig', () => {
    const nodes = [nodeInfo(node('full', { allocatable: { cpu: '4', memory: '8Gi', pods: '110' } }), [pod('x', { requests: { cpu: '3' } })]), nodeInfo(node('empty'))];
    const p = pod('p', { requests: { cpu: '500m' } });
    const pick = (fitArgs?: Record<string, unknown>) => {
      const fw = new Framework('t', buildProfile(fakeHandle(nodes), services().s, { ...DEFAULT_PROFILE, plugins: [{ name: 'NodeResourcesFit', weight: 1 }], pluginConfig: fitArgs ? { NodeResourcesFit: fitArgs } : undefined }));
      const state = new CycleState();
      fw.runPreFilter(state, p, nodes);
      fw.runPreScore(state, p, nodes);
      const scores = fw.runScore(state, p, nodes);
      return nodes[scores.indexOf(Math.max(...scores))].name;
    };
    expect(pick()).to.equal('empty');
    expect(pick({ scoringStrategy: { type: 'MostAllocated' } })).to.equal('full');
  });

  it('rejects unknown plugins', () => {
    expect(() => buildProfile(fakeHandle([]), services().s, { queueSort: 'PrioritySort', plugins: [{ name: 'Nope' }] })).to.throw('plugin "Nope" does not exist');
    expect(() => buildProfile(fakeHandle([]), services().s, { queueSort: 'NodeName', plugins: [] })).to.throw('queue sort plugin "NodeName" does not exist');
    expect(() => buildProfile(fakeHandle([]), services().s, { queueSort: 'PrioritySort', plugins: [{ name: 'NodeName' }, { name: 'NodeName' }] })).to.throw('plugin "NodeName" already registered');
  });

  it('schedules, binds and preempts through the scheduler\'s services', async () => {
    const taint = { key: 'dedicated', value: 'infra', effect: 'NoSchedule' };
    const nodes: NodeInfo[] = [
      nodeInfo(node('tainted', { taints: [taint] })),
      nodeInfo(node('busy', { allocatable: { cpu: '1', memory: '8Gi', pods: '110' } }), [pod('low', { priority: 0, requests: { cpu: '1' } })]),
    ];
    const { s, calls } = services();
    const fw = new Framework('default-scheduler', buildProfile(fakeHandle(nodes), s));
    const p: Pod = pod('p', { priority: 100, requests: { cpu: '500m' } });
    const state = new CycleState();
    expect(fw.runPreFilter(state, p, nodes).status.isSuccess()).to.equal(true);
    const statuses = new Map<string, Status>();
    for (const ni of nodes) statuses.set(ni.name, fw.runFilter(state, p, ni));
    expect([...statuses.values()].map((st) => [st.plugin, st.code, st.reasons])).to.deep.equal([
      ['TaintToleration', Code.UnschedulableAndUnresolvable, ['node(s) had untolerated taint {dedicated: infra}']],
      ['NodeResourcesFit', Code.Unschedulable, ['Insufficient cpu']],
    ]);
    const r = await fw.runPostFilter(state, p, statuses);
    expect(r.nominatedNodeName).to.equal('busy');
    expect((await fw.runBind(state, p, 'busy')).code).to.equal(Code.Success);
    expect(calls).to.deep.equal(['delete low', 'bind p busy']);
  });
});

describe('DefaultBinder', () => {
  it('binds through the injected function', async () => {
    const bound: string[] = [];
    const pl = defaultBinder.factory(fakeHandle([]), { bind: async (p: Pod, n: string) => { bound.push(`${p.metadata?.name}->${n}`); } });
    if (!isBind(pl)) throw new Error('Bind expected');
    expect((await pl.bind(new CycleState(), pod('p'), 'n1')).code).to.equal(Code.Success);
    expect(bound).to.deep.equal(['p->n1']);
  });

  it('turns a failed API call into an Error status', async () => {
    const pl = defaultBinder.factory(fakeHandle([]), { bind: async () => { throw new Error('pods "p" not found'); } });
    if (!isBind(pl)) throw new Error('Bind expected');
    const st = await pl.bind(new CycleState(), pod('p'), 'n1');
    expect([st.code, st.reasons]).to.deep.equal([Code.Error, ['pods "p" not found']]);
  });

  it('without a bind function, fails instead of pretending', async () => {
    const pl = defaultBinder.factory(fakeHandle([]));
    if (!isBind(pl)) throw new Error('Bind expected');
    expect((await pl.bind(new CycleState(), pod('p'), 'n1')).code).to.equal(Code.Error);
  });
});
