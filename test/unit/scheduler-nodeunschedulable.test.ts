// NodeUnschedulable, as upstream's nodeunschedulable/node_unschedulable_test.go.

import { expect } from 'chai';
import { Code } from '../../src/scheduler/framework/types.ts';
import * as nodeUnschedulable from '../../src/scheduler/plugins/nodeunschedulable.ts';
import { fakeHandle, node, nodeInfo, pod, runFilter, view, type PodOptions } from './scheduler-fixtures.ts';

describe('NodeUnschedulable filter', () => {
  const ok = { code: Code.Success, reasons: [] as string[] };
  const unsched = { code: Code.UnschedulableAndUnresolvable, reasons: ['node(s) were unschedulable'] };
  const cases: { name: string; unschedulable: boolean; pod: PodOptions; want: typeof ok }[] = [
    { name: 'schedulable node', unschedulable: false, pod: {}, want: ok },
    { name: 'cordoned node', unschedulable: true, pod: {}, want: unsched },
    { name: 'cordoned node, pod tolerates the unschedulable taint', unschedulable: true,
      pod: { tolerations: [{ key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' }] }, want: ok },
    { name: 'cordoned node, toleration for another effect', unschedulable: true,
      pod: { tolerations: [{ key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoExecute' }] }, want: unsched },
    { name: 'cordoned node, toleration with a wrong value', unschedulable: true,
      pod: { tolerations: [{ key: 'node.kubernetes.io/unschedulable', value: 'x', effect: 'NoSchedule' }] }, want: unsched },
    { name: 'cordoned node, tolerate-everything toleration', unschedulable: true, pod: { tolerations: [{ operator: 'Exists' }] }, want: ok },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const ni = nodeInfo(node('n', { unschedulable: c.unschedulable }));
      const { statuses } = runFilter(nodeUnschedulable.factory(fakeHandle([ni])), pod('p', c.pod), [ni]);
      expect(view(statuses.get('n'))).to.deep.equal(c.want);
    });
  }
});
