// NodeAffinity, as upstream's nodeaffinity/node_affinity_test.go: nodeSelector and
// required node affinity (operators, ORed terms, matchFields on metadata.name with the
// PreFilter narrowing), scheduler-enforced addedAffinity, and preferred-term scoring.

import { expect } from 'chai';
import type { V1NodeSelectorRequirement, V1NodeSelectorTerm, V1PreferredSchedulingTerm } from '@kubernetes/client-node';
import { Code } from '../../src/scheduler/framework/types.ts';
import * as nodeAffinity from '../../src/scheduler/plugins/nodeaffinity.ts';
import { fakeHandle, node, nodeInfo, pod, runFilter, runScore, scoresOf, view, type PodOptions } from './scheduler-fixtures.ts';

const required = (...terms: V1NodeSelectorTerm[]): PodOptions => ({ affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: terms } } } });
const expr = (key: string, operator: string, ...values: string[]): V1NodeSelectorRequirement => ({ key, operator, ...(values.length ? { values } : {}) });
const field = (operator: string, ...values: string[]): V1NodeSelectorRequirement => ({ key: 'metadata.name', operator, values });

describe('NodeAffinity filter', () => {
  const ok = { code: Code.Success, reasons: [] as string[] };
  const no = { code: Code.UnschedulableAndUnresolvable, reasons: ["node(s) didn't match Pod's node affinity/selector"] };
  const cases: { name: string; pod: PodOptions; labels?: Record<string, string>; nodeName?: string; want: typeof ok; wantPreFilter?: string[] }[] = [
    { name: 'no selector', pod: {}, want: ok },
    { name: 'missing labels', pod: { nodeSelector: { foo: 'bar' } }, want: no },
    { name: 'same labels', pod: { nodeSelector: { foo: 'bar' } }, labels: { foo: 'bar' }, want: ok },
    { name: 'node labels are superset', pod: { nodeSelector: { foo: 'bar' } }, labels: { foo: 'bar', baz: 'blah' }, want: ok },
    { name: 'node labels are subset', pod: { nodeSelector: { foo: 'bar', baz: 'blah' } }, labels: { foo: 'bar' }, want: no },
    { name: 'In matches', pod: required({ matchExpressions: [expr('foo', 'In', 'bar', 'value2')] }), labels: { foo: 'bar' }, want: ok },
    { name: 'Gt matches', pod: required({ matchExpressions: [expr('kernel-version', 'Gt', '0204')] }), labels: { 'kernel-version': '0206' }, want: ok },
    { name: 'Lt does not match', pod: required({ matchExpressions: [expr('kernel-version', 'Lt', '0204')] }), labels: { 'kernel-version': '0206' }, want: no },
    { name: 'Gt on a non-integer label does not match', pod: required({ matchExpressions: [expr('v', 'Gt', '1')] }), labels: { v: 'abc' }, want: no },
    { name: 'NotIn matches a missing label', pod: required({ matchExpressions: [expr('mem-type', 'NotIn', 'DDR', 'DDR2')] }), labels: {}, want: ok },
    { name: 'NotIn excludes', pod: required({ matchExpressions: [expr('mem-type', 'NotIn', 'DDR', 'DDR2')] }), labels: { 'mem-type': 'DDR' }, want: no },
    { name: 'Exists', pod: required({ matchExpressions: [expr('GPU', 'Exists')] }), labels: { GPU: 'NVIDIA-GRID-K1' }, want: ok },
    { name: 'DoesNotExist', pod: required({ matchExpressions: [expr('GPU', 'DoesNotExist')] }), labels: { GPU: 'NVIDIA-GRID-K1' }, want: no },
    { name: 'expressions in one term are ANDed', pod: required({ matchExpressions: [expr('foo', 'In', 'bar'), expr('GPU', 'Exists')] }), labels: { foo: 'bar' }, want: no },
    { name: 'terms are ORed', pod: required({ matchExpressions: [expr('foo', 'In', 'nope')] }, { matchExpressions: [expr('GPU', 'Exists')] }), labels: { GPU: 'x' }, want: ok },
    { name: 'an empty term list matches nothing', pod: required(), labels: { foo: 'bar' }, want: no },
    { name: 'an empty term matches nothing', pod: required({}), labels: { foo: 'bar' }, want: no },
    { name: 'an unknown operator makes the term match nothing', pod: required({ matchExpressions: [expr('foo', 'Like', 'bar')] }), labels: { foo: 'bar' }, want: no },
    { name: 'nodeSelector and affinity must both match', pod: { nodeSelector: { foo: 'bar' }, ...required({ matchExpressions: [expr('GPU', 'Exists')] }) }, labels: { foo: 'bar' }, want: no },
    { name: 'matchFields metadata.name In', pod: required({ matchFields: [field('In', 'node1')] }), nodeName: 'node1', want: ok, wantPreFilter: ['node1'] },
    { name: 'matchFields metadata.name In, other node', pod: required({ matchFields: [field('In', 'node1')] }), nodeName: 'node2', want: no, wantPreFilter: ['node1'] },
    { name: 'matchFields NotIn', pod: required({ matchFields: [field('NotIn', 'node1')] }), nodeName: 'node1', want: no },
    { name: 'matchFields and matchExpressions in one term', pod: required({ matchFields: [field('In', 'node1')], matchExpressions: [expr('foo', 'In', 'bar')] }), nodeName: 'node1', labels: { foo: 'bar' }, want: ok, wantPreFilter: ['node1'] },
    { name: 'names from ORed terms are united', pod: required({ matchFields: [field('In', 'node1')] }, { matchFields: [field('In', 'node2')] }), nodeName: 'node2', want: ok, wantPreFilter: ['node1', 'node2'] },
    { name: 'a term without a name requirement admits all nodes', pod: required({ matchFields: [field('In', 'node1')] }, { matchExpressions: [expr('foo', 'Exists')] }), nodeName: 'node2', labels: { foo: 'x' }, want: ok },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const ni = nodeInfo(node(c.nodeName ?? 'n', { labels: c.labels }));
      const { preFilter, statuses } = runFilter(nodeAffinity.factory(fakeHandle([ni])), pod('p', c.pod), [ni]);
      expect(view(statuses.get(ni.name))).to.deep.equal(c.want);
      expect(preFilter?.nodeNames ? [...preFilter.nodeNames].sort() : undefined).to.deep.equal(c.wantPreFilter);
    });
  }

  it('rejects in PreFilter when the terms pin no node at all', () => {
    const ni = nodeInfo(node('node1'));
    const { statuses } = runFilter(nodeAffinity.factory(fakeHandle([ni])), pod('p', required({ matchFields: [field('In', 'node1'), field('In', 'node2')] })), [ni]);
    expect(view(statuses.get('node1'))).to.deep.equal({ code: Code.UnschedulableAndUnresolvable, reasons: ['pod affinity terms conflict'] });
  });

  it('enforces addedAffinity from the args before the pod\'s own affinity', () => {
    const zoneA = nodeInfo(node('a', { labels: { zone: 'a' } }));
    const zoneB = nodeInfo(node('b', { labels: { zone: 'b' } }));
    const pl = nodeAffinity.factory(fakeHandle([zoneA, zoneB]), { addedAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [expr('zone', 'In', 'a')] }] } } });
    const { statuses } = runFilter(pl, pod('p'), [zoneA, zoneB]);
    expect(view(statuses.get('a'))).to.deep.equal({ code: Code.Success, reasons: [] });
    expect(view(statuses.get('b'))).to.deep.equal({ code: Code.UnschedulableAndUnresolvable, reasons: ["node(s) didn't match scheduler-enforced node affinity"] });
  });
});

describe('NodeAffinity score', () => {
  const preferred = (...terms: V1PreferredSchedulingTerm[]): PodOptions => ({ affinity: { nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: terms } } });
  const nodes = () => [
    nodeInfo(node('node1', { labels: { foo: 'bar' } })),
    nodeInfo(node('node2', { labels: { key: 'value' } })),
    nodeInfo(node('node3', { labels: { foo: 'bar', key: 'value', az: 'az1' } })),
  ];
  const cases: { name: string; pod: PodOptions; want: Record<string, number> }[] = [
    { name: 'no preferred affinity: all zero', pod: {}, want: { node1: 0, node2: 0, node3: 0 } },
    { name: 'no node matches', pod: preferred({ weight: 2, preference: { matchExpressions: [expr('foo', 'In', 'nope')] } }), want: { node1: 0, node2: 0, node3: 0 } },
    { name: 'one term: matching nodes get the maximum', pod: preferred({ weight: 2, preference: { matchExpressions: [expr('foo', 'In', 'bar')] } }), want: { node1: 100, node2: 0, node3: 100 } },
    {
      name: 'weights add up and normalise to the best node',
      pod: preferred(
        { weight: 2, preference: { matchExpressions: [expr('foo', 'In', 'bar')] } },
        { weight: 4, preference: { matchExpressions: [expr('key', 'In', 'value')] } },
        { weight: 5, preference: { matchExpressions: [expr('az', 'In', 'az1')] } },
      ),
      // raw 2, 4, 11 → 100*2/11 = 18, 100*4/11 = 36, 100
      want: { node1: 18, node2: 36, node3: 100 },
    },
    { name: 'zero-weight and empty terms are ignored', pod: preferred({ weight: 0, preference: { matchExpressions: [expr('foo', 'In', 'bar')] } }, { weight: 3, preference: {} }), want: { node1: 0, node2: 0, node3: 0 } },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const ns = nodes();
      expect(scoresOf(runScore(nodeAffinity.factory(fakeHandle(ns)), pod('p', c.pod), ns))).to.deep.equal(c.want);
    });
  }

  it('adds addedAffinity preferred terms to the pod\'s', () => {
    const ns = nodes();
    const pl = nodeAffinity.factory(fakeHandle(ns), { addedAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 5, preference: { matchExpressions: [expr('key', 'Exists')] } }] } });
    // raw: node1 0, node2 5, node3 5+1
    expect(scoresOf(runScore(pl, pod('p', preferred({ weight: 1, preference: { matchExpressions: [expr('az', 'Exists')] } })), ns))).to.deep.equal({ node1: 0, node2: 83, node3: 100 });
  });
});
