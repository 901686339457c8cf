// The scheduling queue: order, backoff, unschedulable parking and move requests.

import { expect } from 'chai';
import { SchedulingQueue } from '../../src/scheduler/queue.ts';
import type { Pod } from '../../src/scheduler/framework/types.ts';

const pod = (name: string, priority = 0): Pod => ({ metadata: { name, namespace: 'ns', uid: name }, spec: { containers: [], priority } });

describe('scheduling queue', () => {
  let clock = 1_000_000;
  const now = () => clock;
  let q: SchedulingQueue;
  beforeEach(() => { clock = 1_000_000; q = new SchedulingQueue({ now }); });
  afterEach(() => q.close());

  it('pops higher priority first, then the older pod', async () => {
    q.add(pod('low', 0));
    clock++;
    q.add(pod('high', 10));
    clock++;
    q.add(pod('low2', 0));
    const order = [];
    for (let i = 0; i < 3; i++) order.push((await q.pop())!.pod.metadata!.name);
    expect(order).to.deep.equal(['high', 'low', 'low2']);
  });

  it('hands a pod added later to a waiting pop', async () => {
    const p = q.pop();
    q.add(pod('a'));
    expect((await p)!.key).to.equal('ns/a');
  });

  it('parks a failed pod until a cluster event moves it, then backs it off', async () => {
    q.add(pod('a'));
    const p = (await q.pop())!;
    q.addUnschedulableIfNotPresent(p, new Set(['NodeResourcesFit']));
    expect(q.length).to.deep.equal({ active: 0, backoff: 0, unschedulable: 1 });
    q.moveAllToActiveOrBackoff();
    expect(q.length).to.deep.equal({ active: 0, backoff: 1, unschedulable: 0 });
    clock += 999;
    q.flushBackoffCompleted();
    expect(q.length.backoff).to.equal(1);
    clock += 2;
    q.flushBackoffCompleted();
    expect(q.length).to.deep.equal({ active: 1, backoff: 0, unschedulable: 0 });
  });

  it('doubles the backoff with each attempt up to the maximum', async () => {
    q.add(pod('a'));
    for (let attempt = 1; attempt <= 6; attempt++) {
      const p = (await q.pop())!;
      q.addUnschedulableIfNotPresent(p, new Set(), true);
      const want = Math.min(1000 * 2 ** (attempt - 1), 10_000);
      clock += want - 1;
      q.flushBackoffCompleted();
      expect(q.length.active, `attempt ${attempt}: still backing off`).to.equal(0);
      clock += 1;
      q.flushBackoffCompleted();
      expect(q.length.active, `attempt ${attempt}: backoff ${want} ms over`).to.equal(1);
    }
  });

  it('sends a pod that failed after a move request to backoff, not unschedulable', async () => {
    q.add(pod('a'));
    const p = (await q.pop())!;
    q.moveAllToActiveOrBackoff(); // e.g. a node was added while the pod was being scheduled
    q.addUnschedulableIfNotPresent(p, new Set(['NodeResourcesFit']));
    expect(q.length).to.deep.equal({ active: 0, backoff: 1, unschedulable: 0 });
  });

  it('retries an unschedulable pod whose spec changed, and forgets a deleted one', async () => {
    q.add(pod('a'));
    const p = (await q.pop())!;
    q.addUnschedulableIfNotPresent(p, new Set());
    clock += 20_000;
    const changed = { ...p.pod, spec: { ...p.pod.spec!, nodeSelector: { a: 'b' } } };
    q.update(p.pod, changed);
    expect(q.length.active).to.equal(1);
    q.delete(changed);
    expect(q.length).to.deep.equal({ active: 0, backoff: 0, unschedulable: 0 });
  });

  it('retries unschedulable pods after five minutes without events', async () => {
    q.add(pod('a'));
    const p = (await q.pop())!;
    q.addUnschedulableIfNotPresent(p, new Set());
    clock += 5 * 60_000 - 1;
    q.flushUnschedulableLeftover();
    expect(q.length.unschedulable).to.equal(1);
    clock += 2;
    q.flushUnschedulableLeftover();
    expect(q.length.active).to.equal(1);
  });
});
