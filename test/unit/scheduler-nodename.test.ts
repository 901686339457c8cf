// NodeName, as upstream's nodename/node_name_test.go.

import { expect } from 'chai';
import { Code } from '../../src/scheduler/framework/types.ts';
import * as nodeName from '../../src/scheduler/plugins/nodename.ts';
import { fakeHandle, node, nodeInfo, pod, runFilter, view, type PodOptions } from './scheduler-fixtures.ts';

describe('NodeName filter', () => {
  const ok = { code: Code.Success, reasons: [] as string[] };
  const cases: { name: string; pod: PodOptions; want: typeof ok }[] = [
    { name: 'no host specified', pod: {}, want: ok },
    { name: 'host matches', pod: { nodeName: 'foo' }, want: ok },
    { name: 'host does not match', pod: { nodeName: 'bar' }, want: { code: Code.UnschedulableAndUnresolvable, reasons: ["node(s) didn't match the requested node name"] } },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const ni = nodeInfo(node('foo'));
      const { statuses } = runFilter(nodeName.factory(fakeHandle([ni])), pod('p', c.pod), [ni]);
      expect(view(statuses.get('foo'))).to.deep.equal(c.want);
    });
  }
});
