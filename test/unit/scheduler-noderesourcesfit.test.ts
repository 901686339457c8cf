// NodeResourcesFit, as upstream's noderesources/fit_test.go, least_allocated_test.go,
// most_allocated_test.go and requested_to_capacity_ratio_test.go: the effective request
// (init containers, sidecars, overhead) against what is left on the node, the exact
// failure reasons, and the three scoring strategies over the non-zero requests.

import { expect } from 'chai';
import type { V1Container } from '@kubernetes/client-node';
import { Code } from '../../src/scheduler/framework/types.ts';
import * as fit from '../../src/scheduler/plugins/noderesourcesfit.ts';
import { fakeHandle, node, nodeInfo, pod, runFilter, runScore, scoresOf, view, type PodOptions } from './scheduler-fixtures.ts';

const c = (name: string, requests: Record<string, string> | undefined, restartPolicy?: string): V1Container =>
  ({ name, image: 'x', ...(requests ? { resources: { requests } } : {}), ...(restartPolicy ? { restartPolicy } : {}) });

describe('NodeResourcesFit filter', () => {
  // The node: 10 cpu, 20Gi, 32 pods; an existing pod uses 5 cpu and 19Gi.
  const allocatable = { cpu: '10', memory: '20Gi', pods: '32' };
  const existing = pod('existing', { requests: { cpu: '5', memory: '19Gi' } });
  const ok = { code: Code.Success, reasons: [] as string[] };
  const no = (...reasons: string[]) => ({ code: Code.Unschedulable, reasons });
  const cases: { name: string; pod: PodOptions; existing?: PodOptions[]; allocatable?: Record<string, string>; want: typeof ok }[] = [
    { name: 'no resources requested always fits', pod: {}, want: ok },
    { name: 'fits what is left', pod: { requests: { cpu: '5', memory: '1Gi' } }, want: ok },
    { name: 'too much cpu', pod: { requests: { cpu: '6', memory: '1Gi' } }, want: no('Insufficient cpu') },
    { name: 'too much memory', pod: { requests: { cpu: '1', memory: '2Gi' } }, want: no('Insufficient memory') },
    { name: 'too much of both, all reasons kept', pod: { requests: { cpu: '6', memory: '2Gi' } }, want: no('Insufficient cpu', 'Insufficient memory') },
    { name: 'containers add up', pod: { containers: [c('a', { cpu: '3' }), c('b', { cpu: '3' })] }, want: no('Insufficient cpu') },
    { name: 'an init container larger than the containers counts', pod: { initContainers: [c('i', { cpu: '6' })], containers: [c('a', { cpu: '1' })] }, want: no('Insufficient cpu') },
    { name: 'init containers run one at a time', pod: { initContainers: [c('i1', { cpu: '4' }), c('i2', { cpu: '4' })], containers: [c('a', { cpu: '1' })] }, want: ok },
    {
      name: 'sidecars run alongside the containers and later init containers',
      pod: { initContainers: [c('side', { cpu: '2' }, 'Always'), c('i', { cpu: '3' })], containers: [c('a', { cpu: '2' })] },
      // max(2+2, 2+3) = 5 fits; one more sidecar cpu would not
      want: ok,
    },
    { name: 'sidecar pushes over', pod: { initContainers: [c('side', { cpu: '2' }, 'Always'), c('i', { cpu: '4' })], containers: [c('a', { cpu: '1' })] }, want: no('Insufficient cpu') },
    { name: 'overhead is added', pod: { requests: { cpu: '4' }, overhead: { cpu: '2' } }, want: no('Insufficient cpu') },
    { name: 'ephemeral storage', pod: { requests: { 'ephemeral-storage': '1Gi' } }, allocatable: { ...allocatable, 'ephemeral-storage': '512Mi' }, want: no('Insufficient ephemeral-storage') },
    { name: 'extended resource the node lacks', pod: { requests: { 'example.com/gpu': '1' } }, want: no('Insufficient example.com/gpu') },
    { name: 'extended resource the node has', pod: { requests: { 'example.com/gpu': '2' } }, allocatable: { ...allocatable, 'example.com/gpu': '2' }, want: ok },
    { name: 'extended resource already taken', pod: { requests: { 'example.com/gpu': '1' } }, existing: [{ requests: { 'example.com/gpu': '2' } }], allocatable: { ...allocatable, 'example.com/gpu': '2' }, want: no('Insufficient example.com/gpu') },
    { name: 'too many pods', pod: {}, allocatable: { ...allocatable, pods: '1' }, want: no('Too many pods') },
    { name: 'too many pods comes first', pod: { requests: { cpu: '6' } }, allocatable: { ...allocatable, pods: '1' }, want: no('Too many pods', 'Insufficient cpu') },
  ];
  for (const tc of cases) {
    it(tc.name, () => {
      const pods = [existing, ...(tc.existing ?? []).map((o, i) => pod(`e${i}`, o))];
      const ni = nodeInfo(node('n', { allocatable: tc.allocatable ?? allocatable }), pods);
      const { statuses } = runFilter(fit.factory(fakeHandle([ni])), pod('p', tc.pod), [ni]);
      expect(view(statuses.get('n'))).to.deep.equal(tc.want);
    });
  }

  it('skips extended resources named in ignoredResources and ignoredResourceGroups', () => {
    const ni = nodeInfo(node('n', { allocatable }));
    const p = pod('p', { requests: { 'example.com/gpu': '1', 'other.io/fpga': '1', 'third.org/x': '1' } });
    const pl = fit.factory(fakeHandle([ni]), { ignoredResources: ['example.com/gpu'], ignoredResourceGroups: ['other.io'] });
    expect(view(runFilter(pl, p, [ni]).statuses.get('n'))).to.deep.equal(no('Insufficient third.org/x'));
  });
});

describe('NodeResourcesFit score', () => {
  // Nodes of upstream's tables: milli-cpu and plain-byte memory.
  const sized = (name: string, cpu: string, memory: string) => node(name, { allocatable: { cpu, memory, pods: '110' } });
  const twoContainers: PodOptions = { containers: [c('a', { cpu: '1000m', memory: '2000' }), c('b', { cpu: '2000m', memory: '3000' })] };
  const cases: { name: string; args?: fit.NodeResourcesFitArgs; pod: PodOptions; nodes: [string, string, string, PodOptions[]][]; want: Record<string, number> }[] = [
    {
      name: 'LeastAllocated: nothing scheduled, differently sized nodes',
      pod: twoContainers,
      nodes: [['node1', '4000m', '10000', []], ['node2', '6000m', '10000', []]],
      // node1: cpu (4000-3000)/4000 = 25, memory 50 → 37; node2: 50, 50 → 50
      want: { node1: 37, node2: 50 },
    },
    {
      name: 'LeastAllocated: existing requests count',
      pod: twoContainers,
      nodes: [['node1', '10000m', '20000', [{ requests: { cpu: '3000m', memory: '0' } }]], ['node2', '10000m', '20000', [{ requests: { cpu: '3000m', memory: '5000' } }]]],
      // node1: cpu 40, memory 75 → 57; node2: cpu 40, memory 50 → 45
      want: { node1: 57, node2: 45 },
    },
    {
      name: 'LeastAllocated: containers without requests count 100m and 200Mi',
      pod: {},
      nodes: [['node1', '1000m', '2Gi', []], ['node2', '1000m', '2Gi', [{}]]],
      // node1: cpu 90, memory (2048-200)/2048 = 90 → 90; node2: cpu 80, memory 80 → 80
      want: { node1: 90, node2: 80 },
    },
    {
      name: 'LeastAllocated: over capacity scores 0 for that resource',
      pod: { requests: { cpu: '5000m', memory: '5000' } },
      nodes: [['node1', '4000m', '10000', []]],
      want: { node1: 25 },
    },
    {
      name: 'LeastAllocated: resource weights',
      args: { scoringStrategy: { type: 'LeastAllocated', resources: [{ name: 'cpu', weight: 3 }, { name: 'memory', weight: 1 }] } },
      pod: twoContainers,
      nodes: [['node1', '4000m', '10000', []]],
      // (25*3 + 50) / 4 = 31
      want: { node1: 31 },
    },
    {
      name: 'MostAllocated: nothing scheduled, differently sized nodes',
      args: { scoringStrategy: { type: 'MostAllocated' } },
      pod: twoContainers,
      nodes: [['node1', '4000m', '10000', []], ['node2', '6000m', '10000', []]],
      // node1: cpu 75, memory 50 → 62; node2: 50, 50 → 50
      want: { node1: 62, node2: 50 },
    },
    {
      name: 'MostAllocated: requests over capacity count as full',
      args: { scoringStrategy: { type: 'MostAllocated' } },
      pod: { requests: { cpu: '5000m', memory: '5000' } },
      nodes: [['node1', '4000m', '10000', []]],
      want: { node1: 75 },
    },
    {
      name: 'RequestedToCapacityRatio: a bin-packing shape',
      args: { scoringStrategy: { type: 'RequestedToCapacityRatio', requestedToCapacityRatio: { shape: [{ utilization: 0, score: 0 }, { utilization: 100, score: 10 }] } } },
      pod: twoContainers,
      nodes: [['node1', '4000m', '10000', []], ['node2', '6000m', '10000', []]],
      // node1: cpu 75, memory 50 → round(62.5) = 63; node2: 50
      want: { node1: 63, node2: 50 },
    },
    {
      name: 'RequestedToCapacityRatio: a spreading shape',
      args: { scoringStrategy: { type: 'RequestedToCapacityRatio', requestedToCapacityRatio: { shape: [{ utilization: 0, score: 10 }, { utilization: 100, score: 0 }] } } },
      pod: twoContainers,
      nodes: [['node1', '4000m', '10000', []], ['node2', '6000m', '10000', []]],
      // node1: cpu 25, memory 50 → round(37.5) = 38; node2: 50
      want: { node1: 38, node2: 50 },
    },
    {
      name: 'RequestedToCapacityRatio: resources scoring 0 do not count in the mean',
      args: { scoringStrategy: { type: 'RequestedToCapacityRatio', requestedToCapacityRatio: { shape: [{ utilization: 0, score: 0 }, { utilization: 100, score: 10 }] } } },
      pod: { requests: { cpu: '2000m', memory: '0' } },
      nodes: [['node1', '4000m', '10000', []]],
      // cpu 50, memory 0 (left out) → 50
      want: { node1: 50 },
    },
    {
      name: 'extended resources are scored only when the pod asks for them',
      args: { scoringStrategy: { type: 'LeastAllocated', resources: [{ name: 'cpu', weight: 1 }, { name: 'memory', weight: 1 }, { name: 'example.com/gpu', weight: 2 }] } },
      pod: twoContainers,
      nodes: [['node1', '4000m', '10000', []]],
      want: { node1: 37 },
    },
  ];
  for (const tc of cases) {
    it(tc.name, () => {
      const ns = tc.nodes.map(([name, cpu, mem, pods]) => nodeInfo(sized(name, cpu, mem), pods.map((o, i) => pod(`${name}-${i}`, o))));
      expect(scoresOf(runScore(fit.factory(fakeHandle(ns), tc.args), pod('p', tc.pod), ns))).to.deep.equal(tc.want);
    });
  }

  it('scores an extended resource the pod requests', () => {
    const args: fit.NodeResourcesFitArgs = { scoringStrategy: { type: 'LeastAllocated', resources: [{ name: 'cpu', weight: 1 }, { name: 'memory', weight: 1 }, { name: 'example.com/gpu', weight: 2 }] } };
    const gpuNode = nodeInfo(node('gpu', { allocatable: { cpu: '4000m', memory: '10000', pods: '110', 'example.com/gpu': '4' } }));
    const p = pod('p', { containers: [c('a', { cpu: '3000m', memory: '5000', 'example.com/gpu': '1' })] });
    // cpu 25, memory 50, gpu 75 × 2 → (25 + 50 + 150) / 4 = 56
    expect(scoresOf(runScore(fit.factory(fakeHandle([gpuNode]), args), p, [gpuNode]))).to.deep.equal({ gpu: 56 });
  });
});
