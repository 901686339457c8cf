// PrioritySort, as upstream's queuesort/priority_sort_test.go: higher priority first,
// then the pod queued earlier.

import { expect } from 'chai';
import * as prioritySort from '../../src/scheduler/plugins/prioritysort.ts';
import { pod } from './scheduler-fixtures.ts';

describe('PrioritySort less', () => {
  const cases: { name: string; a: [number | undefined, number]; b: [number | undefined, number]; want: boolean }[] = [
    { name: 'p1.priority less than p2.priority', a: [1, 2], b: [2, 1], want: false },
    { name: 'p1.priority greater than p2.priority', a: [2, 2], b: [1, 1], want: true },
    { name: 'equal priority, p1 added earlier', a: [2, 1], b: [2, 2], want: true },
    { name: 'equal priority, p1 added later', a: [2, 2], b: [2, 1], want: false },
    { name: 'equal priority and time', a: [2, 1], b: [2, 1], want: false },
    { name: 'no priority counts as 0', a: [undefined, 2], b: [-1, 1], want: true },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const a = { pod: pod('a', { priority: c.a[0] }), timestamp: c.a[1] };
      const b = { pod: pod('b', { priority: c.b[0] }), timestamp: c.b[1] };
      expect(prioritySort.less(a, b)).to.equal(c.want);
    });
  }

  it('is what the QueueSort plugin object exposes', () => {
    const pl = prioritySort.factory({} as never) as prioritySort.QueueSortPlugin;
    expect(pl.name).to.equal('PrioritySort');
    expect(pl.less({ pod: pod('a', { priority: 10 }), timestamp: 5 }, { pod: pod('b', { priority: 0 }), timestamp: 1 })).to.equal(true);
  });
});
