// NodeResourcesBalancedAllocation, as upstream's balanced_allocation_test.go: the score
// is (1 - std of the used fractions) × 100 over the plain requests with the pod added.

import { expect } from 'chai';
import * as balanced from '../../src/scheduler/plugins/balancedallocation.ts';
import { fakeHandle, node, nodeInfo, pod, runScore, scoresOf, type PodOptions } from './scheduler-fixtures.ts';

describe('NodeResourcesBalancedAllocation score', () => {
  const sized = (name: string, cpu: string, memory: string, extra: Record<string, string> = {}) => node(name, { allocatable: { cpu, memory, pods: '110', ...extra } });
  const cases: { name: string; args?: balanced.BalancedAllocationArgs; pod: PodOptions; nodes: [string, string, string, PodOptions[], Record<string, string>?][]; want: Record<string, number> }[] = [
    {
      name: 'nothing scheduled, nothing requested: equally balanced',
      pod: {},
      nodes: [['node1', '4000m', '10000', []], ['node2', '4000m', '10000', []]],
      want: { node1: 100, node2: 100 },
    },
    {
      name: 'nothing scheduled, resources requested, differently sized nodes',
      pod: { requests: { cpu: '3000m', memory: '5000' } },
      nodes: [['node1', '4000m', '10000', []], ['node2', '6000m', '10000', []]],
      // node1: 0.75 vs 0.5 → std 0.125 → 87; node2: 0.5 vs 0.5 → 100
      want: { node1: 87, node2: 100 },
    },
    {
      name: 'existing pods are counted with their plain requests',
      pod: {},
      nodes: [['node1', '10000m', '20000', [{ requests: { cpu: '3000m', memory: '0' } }]], ['node2', '10000m', '20000', [{ requests: { cpu: '3000m', memory: '5000' } }]]],
      // node1: 0.3 vs 0 → 85; node2: 0.3 vs 0.25 → 97
      want: { node1: 85, node2: 97 },
    },
    {
      name: 'fractions over 1 are capped',
      pod: { requests: { cpu: '8000m', memory: '5000' } },
      nodes: [['node1', '4000m', '10000', []]],
      // 1 vs 0.5 → 75
      want: { node1: 75 },
    },
    {
      name: 'three resources use the standard deviation',
      args: { resources: [{ name: 'cpu', weight: 1 }, { name: 'memory', weight: 1 }, { name: 'example.com/gpu', weight: 1 }] },
      pod: { requests: { cpu: '2000m', memory: '2000', 'example.com/gpu': '1' } },
      nodes: [['node1', '4000m', '10000', [], { 'example.com/gpu': '4' }]],
      // 0.5, 0.2, 0.25 → mean 0.3167, std 0.1312 → 86
      want: { node1: 86 },
    },
    {
      name: 'an extended resource the pod does not request is left out',
      args: { resources: [{ name: 'cpu', weight: 1 }, { name: 'memory', weight: 1 }, { name: 'example.com/gpu', weight: 1 }] },
      pod: { requests: { cpu: '3000m', memory: '5000' } },
      nodes: [['node1', '4000m', '10000', [], { 'example.com/gpu': '4' }]],
      want: { node1: 87 },
    },
  ];
  for (const tc of cases) {
    it(tc.name, () => {
      const ns = tc.nodes.map(([name, cpu, mem, pods, extra]) => nodeInfo(sized(name, cpu, mem, extra), pods.map((o, i) => pod(`${name}-${i}`, o))));
      expect(scoresOf(runScore(balanced.factory(fakeHandle(ns), tc.args), pod('p', tc.pod), ns))).to.deep.equal(tc.want);
    });
  }
});
