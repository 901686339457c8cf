// Leader election on a Lease: of two candidates exactly one leads; the Lease names it; when it
// stops (releasing the Lease) the other takes over and the transition is counted; a leader
// that cannot renew steps down.

import { expect } from 'chai';
import { startSkiff, type Skiff } from '../../src/index.ts';
import { RestClient, resource } from '../../src/client/rest.ts';
import { LeaderElector } from '../../src/controllers/leaderelection.ts';
import { createLogger } from '../../src/log.ts';
import { sleep } from '../helpers.ts';

const leases = resource('coordination.k8s.io/leases');
const logger = createLogger('error');

describe('leader election', function () {
  this.timeout(30_000);
  let skiff: Skiff;
  let client: RestClient;
  before(async () => {
    skiff = await startSkiff();
    client = new RestClient({ server: skiff.url, ...skiff.credentials });
  });
  after(async () => { client?.close(); await skiff?.close(); });

  async function until(what: string, fn: () => boolean | Promise<boolean>, ms = 10_000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!(await fn())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await sleep(50);
    }
  }

  it('lets exactly one candidate lead, and hands over on release', async () => {
    const events: string[] = [];
    const make = (id: string) => new LeaderElector({
      client, name: 'test-election', identity: id, logger,
      leaseDurationMs: 2000, renewDeadlineMs: 1500, retryPeriodMs: 200,
      onStartedLeading: () => { events.push(`${id} started`); },
      onStoppedLeading: () => { events.push(`${id} stopped`); },
    });
    const a = make('a');
    a.start();
    await until('a leads', () => a.isLeader);
    const b = make('b');
    b.start();
    await sleep(1000);
    expect(b.isLeader).to.equal(false);
    const lease = await client.get<{ spec: { holderIdentity: string; leaseDurationSeconds: number; leaseTransitions: number } }>(leases, 'kube-system', 'test-election');
    expect(lease.spec).to.include({ holderIdentity: 'a', leaseDurationSeconds: 2, leaseTransitions: 0 });

    await a.stop();
    await until('b leads', () => b.isLeader, 5000);
    const after = await client.get<{ spec: { holderIdentity: string; leaseTransitions: number } }>(leases, 'kube-system', 'test-election');
    expect(after.spec.holderIdentity).to.equal('b');
    expect(after.spec.leaseTransitions).to.equal(1);
    await b.stop();
    expect(events).to.deep.equal(['a started', 'a stopped', 'b started', 'b stopped']);
  });

  it('takes over from a holder that stopped renewing only after the lease duration', async () => {
    await client.create(leases, 'kube-system', {
      apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'stale', namespace: 'kube-system' },
      spec: { holderIdentity: 'gone', leaseDurationSeconds: 1, renewTime: '2020-01-01T00:00:00.000000Z', leaseTransitions: 3 },
    });
    const c = new LeaderElector({ client, name: 'stale', identity: 'c', logger, retryPeriodMs: 100, onStartedLeading: () => undefined, onStoppedLeading: () => undefined });
    const t0 = Date.now();
    c.start();
    await until('c leads', () => c.isLeader, 5000);
    // The candidate's own clock decides: it must have watched the record unchanged for 1 s.
    expect(Date.now() - t0).to.be.greaterThanOrEqual(900);
    const lease = await client.get<{ spec: { holderIdentity: string; leaseTransitions: number } }>(leases, 'kube-system', 'stale');
    expect(lease.spec).to.include({ holderIdentity: 'c', leaseTransitions: 4 });
    await c.stop();
  });
});
