// The controllers' work queue: deduplication, one worker per key, requeue on done, backoff.

import { expect } from 'chai';
import { RateLimiter, WorkQueue } from '../../src/controllers/framework/queue.ts';

describe('controller work queue', () => {
  let q: WorkQueue;
  beforeEach(() => { q = new WorkQueue(); });
  afterEach(() => q.shutDown());

  it('queues a key once however often it is added, in order of first add', async () => {
    q.add('a'); q.add('b'); q.add('a');
    expect(q.length).to.equal(2);
    expect(await q.get()).to.equal('a');
    expect(await q.get()).to.equal('b');
  });

  it('never hands a key being processed to a second worker; re-queues it on done', async () => {
    q.add('a');
    const k = await q.get();
    q.add('a'); // changed while being processed
    expect(q.length).to.equal(0);
    q.done(k!);
    expect(q.length).to.equal(1);
    expect(await q.get()).to.equal('a');
  });

  it('hands a key to a waiting worker', async () => {
    const p = q.get();
    q.add('x');
    expect(await p).to.equal('x');
  });

  it('adds after a delay', async () => {
    q.addAfter('later', 20);
    expect(q.length).to.equal(0);
    await new Promise((r) => setTimeout(r, 40));
    expect(q.length).to.equal(1);
  });

  it('wakes waiting workers with undefined on shutdown', async () => {
    const p = q.get();
    q.shutDown();
    expect(await p).to.equal(undefined);
  });

  it('backs a failing key off exponentially from 5 ms, and forgets it', () => {
    const r = new RateLimiter();
    expect([r.when('k'), r.when('k'), r.when('k'), r.when('k')]).to.deep.equal([5, 10, 20, 40]);
    r.forget('k');
    expect(r.when('k')).to.equal(5);
    expect(r.retries('k')).to.equal(1);
  });
});
