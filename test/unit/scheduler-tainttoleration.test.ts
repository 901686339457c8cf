// TaintToleration, as upstream's tainttoleration/taint_toleration_test.go: NoSchedule
// and NoExecute taints filter with the first untolerated taint in the message;
// PreferNoSchedule taints only lower the score, fewer untolerated being better.

import { expect } from 'chai';
import type { V1Taint, V1Toleration } from '@kubernetes/client-node';
import { Code } from '../../src/scheduler/framework/types.ts';
import * as taintToleration from '../../src/scheduler/plugins/tainttoleration.ts';
import { fakeHandle, node, nodeInfo, pod, runFilter, runScore, scoresOf, view } from './scheduler-fixtures.ts';

describe('TaintToleration filter', () => {
  const ok = { code: Code.Success, reasons: [] as string[] };
  const untolerated = (key: string, value: string) => ({ code: Code.UnschedulableAndUnresolvable, reasons: [`node(s) had untolerated taint {${key}: ${value}}`] });
  const cases: { name: string; tolerations?: V1Toleration[]; taints: V1Taint[]; want: typeof ok }[] = [
    { name: 'no tolerations, tainted node', taints: [{ key: 'dedicated', value: 'user1', effect: 'NoSchedule' }], want: untolerated('dedicated', 'user1') },
    { name: 'toleration with key, value and effect', tolerations: [{ key: 'dedicated', value: 'user1', effect: 'NoSchedule' }], taints: [{ key: 'dedicated', value: 'user1', effect: 'NoSchedule' }], want: ok },
    { name: 'toleration with a different value', tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'user2', effect: 'NoSchedule' }], taints: [{ key: 'dedicated', value: 'user1', effect: 'NoSchedule' }], want: untolerated('dedicated', 'user1') },
    { name: 'Exists toleration without value', tolerations: [{ key: 'foo', operator: 'Exists', effect: 'NoSchedule' }], taints: [{ key: 'foo', value: 'bar', effect: 'NoSchedule' }], want: ok },
    { name: 'toleration for a different effect', tolerations: [{ key: 'foo', operator: 'Equal', value: 'bar', effect: 'PreferNoSchedule' }], taints: [{ key: 'foo', value: 'bar', effect: 'NoSchedule' }], want: untolerated('foo', 'bar') },
    { name: 'toleration without effect tolerates every effect', tolerations: [{ key: 'foo', operator: 'Equal', value: 'bar' }], taints: [{ key: 'foo', value: 'bar', effect: 'NoSchedule' }], want: ok },
    { name: 'PreferNoSchedule taints do not filter', taints: [{ key: 'foo', value: 'bar', effect: 'PreferNoSchedule' }], want: ok },
    { name: 'NoExecute taints filter', taints: [{ key: 'foo', value: 'bar', effect: 'NoExecute' }], want: untolerated('foo', 'bar') },
    { name: 'a taint without value', taints: [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }], want: untolerated('node-role.kubernetes.io/control-plane', '') },
    {
      name: 'the first untolerated taint is reported',
      tolerations: [{ key: 'a', operator: 'Exists' }],
      taints: [{ key: 'a', value: '1', effect: 'NoSchedule' }, { key: 'p', value: 'x', effect: 'PreferNoSchedule' }, { key: 'b', value: '2', effect: 'NoExecute' }, { key: 'c', value: '3', effect: 'NoSchedule' }],
      want: untolerated('b', '2'),
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const ni = nodeInfo(node('n', { taints: c.taints }));
      const { statuses } = runFilter(taintToleration.factory(fakeHandle([ni])), pod('p', { tolerations: c.tolerations }), [ni]);
      expect(view(statuses.get('n'))).to.deep.equal(c.want);
    });
  }
});

describe('TaintToleration score', () => {
  const prefer = (key: string, value: string): V1Taint => ({ key, value, effect: 'PreferNoSchedule' });
  const cases: { name: string; tolerations?: V1Toleration[]; taints: Record<string, V1Taint[]>; want: Record<string, number> }[] = [
    {
      name: 'a node with more untolerated PreferNoSchedule taints scores lower',
      taints: { n1: [], n2: [prefer('a', '1')], n3: [prefer('a', '1'), prefer('b', '2')] },
      want: { n1: 100, n2: 50, n3: 0 },
    },
    {
      name: 'tolerated taints do not count',
      tolerations: [{ key: 'a', operator: 'Equal', value: '1', effect: 'PreferNoSchedule' }],
      taints: { n1: [prefer('a', '1')], n2: [prefer('b', '2')] },
      want: { n1: 100, n2: 0 },
    },
    {
      name: 'only tolerations for PreferNoSchedule (or any effect) apply',
      tolerations: [{ key: 'a', operator: 'Exists', effect: 'NoSchedule' }, { key: 'b', operator: 'Exists' }],
      taints: { n1: [prefer('a', '1')], n2: [prefer('b', '2')] },
      want: { n1: 0, n2: 100 },
    },
    {
      name: 'NoSchedule taints do not affect the score',
      taints: { n1: [{ key: 'a', value: '1', effect: 'NoSchedule' }], n2: [] },
      want: { n1: 100, n2: 100 },
    },
    {
      name: 'three levels normalise against the worst node',
      taints: { n1: [prefer('a', '1')], n2: [prefer('a', '1'), prefer('b', '1'), prefer('c', '1')], n3: [] },
      // raw 1, 3, 0 → reversed 100 - 100*raw/3
      want: { n1: 67, n2: 0, n3: 100 },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const ns = Object.entries(c.taints).map(([name, taints]) => nodeInfo(node(name, { taints })));
      expect(scoresOf(runScore(taintToleration.factory(fakeHandle(ns)), pod('p', { tolerations: c.tolerations }), ns))).to.deep.equal(c.want);
    });
  }
});
