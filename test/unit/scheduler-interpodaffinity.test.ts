// InterPodAffinity, as upstream's interpodaffinity/filtering_test.go and
// scoring_test.go: required affinity and anti-affinity of the incoming pod, existing
// pods' required anti-affinity, the first pod of a self-affine group, namespaces and
// namespaceSelector, the PreFilter AddPod/RemovePod updates, and preferred-term scoring
// in both directions with hardPodAffinityWeight.

import { expect } from 'chai';
import type { V1PodAffinityTerm, V1WeightedPodAffinityTerm } from '@kubernetes/client-node';
import { newPodInfo } from '../../src/scheduler/framework/nodeinfo.ts';
import { Code, CycleState, isFilter, isPreFilter, type NodeInfo } from '../../src/scheduler/framework/types.ts';
import * as ipa from '../../src/scheduler/plugins/interpodaffinity.ts';
import { fakeHandle, node, nodeInfo, pod, runFilter, runScore, scoresOf, view, type PodOptions } from './scheduler-fixtures.ts';

const term = (matchLabels: Record<string, string>, topologyKey: string, more: Partial<V1PodAffinityTerm> = {}): V1PodAffinityTerm =>
  ({ labelSelector: { matchLabels }, topologyKey, ...more });
const inExpr = (key: string, ...values: string[]): V1PodAffinityTerm['labelSelector'] => ({ matchExpressions: [{ key, operator: 'In', values }] });
const affinity = (...terms: V1PodAffinityTerm[]): PodOptions['affinity'] => ({ podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: terms } });
const antiAffinity = (...terms: V1PodAffinityTerm[]): PodOptions['affinity'] => ({ podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: terms } });

const namespaces: Record<string, Record<string, string>> = { default: { team: 'a' }, other: { team: 'b' }, third: { team: 'a' } };
const handleFor = (nodes: NodeInfo[]) => fakeHandle(nodes, { namespaceLabels: (n) => namespaces[n] });

describe('InterPodAffinity filter', () => {
  const ok = { code: Code.Success, reasons: [] as string[] };
  const noAffinity = { code: Code.UnschedulableAndUnresolvable, reasons: ["node(s) didn't match pod affinity rules"] };
  const noAnti = { code: Code.Unschedulable, reasons: ["node(s) didn't match pod anti-affinity rules"] };
  const noExisting = { code: Code.Unschedulable, reasons: ["node(s) didn't satisfy existing pods anti-affinity rules"] };
  const region = { region: 'r1', zone: 'z11' };

  const cases: { name: string; pod: PodOptions; existing: PodOptions[]; nodeLabels?: Record<string, string>; want: typeof ok }[] = [
    { name: 'no required rules, no existing pods', pod: {}, existing: [], want: ok },
    {
      name: 'affinity In matches an existing pod in the domain',
      pod: { labels: { foo: 'bar' }, affinity: affinity({ labelSelector: inExpr('service', 'securityscan', 'value2'), topologyKey: 'region' }) },
      existing: [{ labels: { service: 'securityscan' } }], want: ok,
    },
    {
      name: 'affinity NotIn matches an existing pod',
      pod: { affinity: affinity({ labelSelector: { matchExpressions: [{ key: 'service', operator: 'NotIn', values: ['securityscan3', 'value3'] }] }, topologyKey: 'region' }) },
      existing: [{ labels: { service: 'securityscan' } }], want: ok,
    },
    {
      name: 'affinity does not match a pod of another namespace',
      pod: { affinity: affinity(term({ service: 'securityscan' }, 'region', { namespaces: ['DiffNameSpace'] })) },
      existing: [{ labels: { service: 'securityscan' } }], want: noAffinity,
    },
    {
      name: 'affinity with an unmatched selector',
      pod: { affinity: affinity({ labelSelector: inExpr('service', 'antivirusscan', 'value2'), topologyKey: 'region' }) },
      existing: [{ labels: { service: 'securityscan' } }], want: noAffinity,
    },
    {
      name: 'affinity needs the topology label on the node',
      pod: { labels: { service: 'securityscan' }, affinity: affinity(term({ service: 'securityscan' }, 'rack')) },
      existing: [{ labels: { service: 'securityscan' } }], want: noAffinity,
    },
    {
      name: 'all affinity terms must match the same pod',
      pod: { affinity: affinity(term({ service: 'securityscan' }, 'region'), term({ app: 'web' }, 'zone')) },
      existing: [{ labels: { service: 'securityscan' } }, { labels: { app: 'web' } }], want: noAffinity,
    },
    {
      name: 'the first pod of a group may match its own affinity',
      pod: { labels: { service: 'securityscan' }, affinity: affinity(term({ service: 'securityscan' }, 'region')) },
      existing: [], want: ok,
    },
    {
      name: 'the first pod that does not match its own affinity stays out',
      pod: { labels: { service: 'other' }, affinity: affinity(term({ service: 'securityscan' }, 'region')) },
      existing: [], want: noAffinity,
    },
    {
      name: 'anti-affinity against an existing pod in the domain',
      pod: { affinity: antiAffinity(term({ service: 'securityscan' }, 'zone')) },
      existing: [{ labels: { service: 'securityscan' } }], want: noAnti,
    },
    {
      name: 'anti-affinity with a topology key the node lacks does not apply',
      pod: { affinity: antiAffinity(term({ service: 'securityscan' }, 'rack')) },
      existing: [{ labels: { service: 'securityscan' } }], want: ok,
    },
    {
      name: 'an existing pod\'s anti-affinity keeps the pod out',
      pod: { labels: { service: 'securityscan' } },
      existing: [{ labels: { app: 'db' }, affinity: antiAffinity(term({ service: 'securityscan' }, 'zone')) }], want: noExisting,
    },
    {
      name: 'an existing pod\'s anti-affinity for another label',
      pod: { labels: { service: 'web' } },
      existing: [{ affinity: antiAffinity(term({ service: 'securityscan' }, 'zone')) }], want: ok,
    },
    {
      name: 'affinity and anti-affinity both satisfied',
      pod: { affinity: { ...affinity(term({ service: 'securityscan' }, 'region')), ...antiAffinity(term({ service: 'antivirusscan' }, 'zone')) } },
      existing: [{ labels: { service: 'securityscan' } }], want: ok,
    },
    {
      name: 'namespaceSelector selects the existing pod\'s namespace by its labels',
      pod: { affinity: affinity(term({ service: 'securityscan' }, 'region', { namespaceSelector: { matchLabels: { team: 'b' } } })) },
      existing: [{ namespace: 'other', labels: { service: 'securityscan' } }], want: ok,
    },
    {
      name: 'namespaceSelector that selects other namespaces',
      pod: { affinity: affinity(term({ service: 'securityscan' }, 'region', { namespaceSelector: { matchLabels: { team: 'c' } } })) },
      existing: [{ namespace: 'other', labels: { service: 'securityscan' } }], want: noAffinity,
    },
    {
      name: 'an empty namespaceSelector selects every namespace',
      pod: { affinity: antiAffinity(term({ service: 'securityscan' }, 'region', { namespaceSelector: {} })) },
      existing: [{ namespace: 'other', labels: { service: 'securityscan' } }], want: noAnti,
    },
    {
      name: 'an existing pod\'s namespaceSelector is evaluated against the incoming pod\'s namespace',
      pod: { namespace: 'third', labels: { service: 'securityscan' } },
      existing: [{ affinity: antiAffinity(term({ service: 'securityscan' }, 'zone', { namespaceSelector: { matchLabels: { team: 'a' } } })) }], want: noExisting,
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const ni = nodeInfo(node('n1', { labels: c.nodeLabels ?? region }), c.existing.map((o, i) => pod(`e${i}`, o)));
      const { statuses } = runFilter(ipa.factory(handleFor([ni])), pod('p', c.pod), [ni]);
      expect(view(statuses.get('n1'))).to.deep.equal(c.want);
    });
  }

  it('applies anti-affinity per topology domain across nodes', () => {
    const nodes = [
      nodeInfo(node('a1', { labels: { zone: 'a' } }), [pod('db', { labels: { app: 'db' } })]),
      nodeInfo(node('a2', { labels: { zone: 'a' } })),
      nodeInfo(node('b1', { labels: { zone: 'b' } })),
    ];
    const { statuses } = runFilter(ipa.factory(handleFor(nodes)), pod('p', { affinity: antiAffinity(term({ app: 'db' }, 'zone')) }), nodes);
    expect(Object.fromEntries([...statuses].map(([n, s]) => [n, s.code]))).to.deep.equal({ a1: Code.Unschedulable, a2: Code.Unschedulable, b1: Code.Success });
  });

  it('skips when neither the pod nor any existing pod has required terms', () => {
    const ni = nodeInfo(node('n1'), [pod('x', { labels: { a: 'b' } })]);
    const pl = ipa.factory(handleFor([ni]));
    if (!isPreFilter(pl)) throw new Error('PreFilter expected');
    expect(pl.preFilter(new CycleState(), pod('p'), [ni]).status.code).to.equal(Code.Skip);
  });

  it('updates its counts when preemption removes or adds a pod', () => {
    const victim = pod('victim', { labels: { app: 'db' } });
    const ni = nodeInfo(node('n1', { labels: { zone: 'a' } }), [victim]);
    const pl = ipa.factory(handleFor([ni]));
    if (!isPreFilter(pl) || !isFilter(pl)) throw new Error('PreFilter and Filter expected');
    const p = pod('p', { affinity: antiAffinity(term({ app: 'db' }, 'zone')) });
    const state = new CycleState();
    pl.preFilter(state, p, [ni]);
    expect(pl.filter(state, p, ni).code).to.equal(Code.Unschedulable);
    const copy = state.clone();
    pl.removePod!(copy, p, newPodInfo(victim), ni);
    expect(pl.filter(copy, p, ni).code).to.equal(Code.Success);
    expect(pl.filter(state, p, ni).code, 'the original state is untouched').to.equal(Code.Unschedulable);
    pl.addPod!(copy, p, newPodInfo(victim), ni);
    expect(pl.filter(copy, p, ni).code).to.equal(Code.Unschedulable);
  });
});

describe('InterPodAffinity score', () => {
  const preferred = (weight: number, t: V1PodAffinityTerm): V1WeightedPodAffinityTerm => ({ weight, podAffinityTerm: t });
  const nodes = (pods: Record<string, PodOptions[]>) => [
    nodeInfo(node('node1', { labels: { region: 'China' } }), (pods.node1 ?? []).map((o, i) => pod(`n1-${i}`, o))),
    nodeInfo(node('node2', { labels: { region: 'India' } }), (pods.node2 ?? []).map((o, i) => pod(`n2-${i}`, o))),
    nodeInfo(node('node3', { labels: { az: 'az1' } }), (pods.node3 ?? []).map((o, i) => pod(`n3-${i}`, o))),
  ];
  const cases: { name: string; args?: ipa.InterPodAffinityArgs; pod: PodOptions; pods: Record<string, PodOptions[]>; want: Record<string, number> }[] = [
    { name: 'no existing pods: all zero', pod: { affinity: { podAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [preferred(5, term({ security: 'S1' }, 'region'))] } } }, pods: {}, want: { node1: 0, node2: 0, node3: 0 } },
    {
      name: 'preferred affinity: the domain with a matching pod scores highest',
      pod: { affinity: { podAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [preferred(5, term({ security: 'S1' }, 'region'))] } } },
      pods: { node1: [{ labels: { security: 'S1' } }], node2: [{ labels: { security: 'S2' } }] },
      want: { node1: 100, node2: 0, node3: 0 },
    },
    {
      name: 'preferred anti-affinity: the domain with a matching pod scores lowest',
      pod: { affinity: { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [preferred(5, term({ security: 'S1' }, 'region'))] } } },
      pods: { node1: [{ labels: { security: 'S1' } }], node2: [{ labels: { security: 'S2' } }] },
      want: { node1: 0, node2: 100, node3: 100 },
    },
    {
      name: 'affinity and anti-affinity weights combine, scaled between min and max',
      pod: { affinity: {
        podAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [preferred(8, term({ security: 'S1' }, 'region'))] },
        podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [preferred(4, term({ disk: 'ssd' }, 'region'))] },
      } },
      // node1: +8 -4 = 4; node2: -4; node3: 0 → (4+4)/8, 0, (0+4)/8
      pods: { node1: [{ labels: { security: 'S1', disk: 'ssd' } }], node2: [{ labels: { disk: 'ssd' } }] },
      want: { node1: 100, node2: 0, node3: 50 },
    },
    {
      name: 'an existing pod\'s preferred affinity draws the pod to its domain',
      pod: { labels: { app: 'web' } },
      pods: { node2: [{ affinity: { podAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [preferred(3, term({ app: 'web' }, 'region'))] } } }] },
      want: { node1: 0, node2: 100, node3: 0 },
    },
    {
      name: 'an existing pod\'s preferred anti-affinity pushes the pod away',
      pod: { labels: { app: 'web' } },
      pods: { node2: [{ affinity: { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [preferred(3, term({ app: 'web' }, 'region'))] } } }] },
      want: { node1: 100, node2: 0, node3: 100 },
    },
    {
      name: 'an existing pod\'s required affinity counts with hardPodAffinityWeight',
      pod: { labels: { app: 'web' } },
      pods: {
        node1: [{ affinity: affinity(term({ app: 'web' }, 'region')) }],
        node2: [{ affinity: { podAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [preferred(1, term({ app: 'web' }, 'region'))] } } }],
      },
      want: { node1: 100, node2: 100, node3: 0 },
    },
    {
      name: 'hardPodAffinityWeight from the args',
      args: { hardPodAffinityWeight: 4 },
      pod: { labels: { app: 'web' } },
      pods: {
        node1: [{ affinity: affinity(term({ app: 'web' }, 'region')) }],
        node2: [{ affinity: { podAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [preferred(1, term({ app: 'web' }, 'region'))] } } }],
      },
      want: { node1: 100, node2: 25, node3: 0 },
    },
    {
      name: 'ignorePreferredTermsOfExistingPods',
      args: { ignorePreferredTermsOfExistingPods: true },
      pod: { labels: { app: 'web' } },
      pods: { node2: [{ affinity: { podAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [preferred(3, term({ app: 'web' }, 'region'))] } } }] },
      want: { node1: 0, node2: 0, node3: 0 },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const ns = nodes(c.pods);
      expect(scoresOf(runScore(ipa.factory(handleFor(ns), c.args), pod('p', c.pod), ns))).to.deep.equal(c.want);
    });
  }
});
