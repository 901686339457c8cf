// activeDeadlineSeconds on the node (upstream's activeDeadlineHandler): a pod running past its
// deadline, counted from its start on the node, is killed and fails with DeadlineExceeded;
// shortening the deadline of a running pod takes effect at once.

import { expect } from 'chai';
import { resource } from '../../src/client/rest.ts';
import type { Pod } from '../../src/agent/index.ts';
import { until } from '../helpers.ts';
import { startSimNode, type SimNode } from './simnode.ts';

const pods = resource('pods');
const events = resource('events');
const NS = 'default';
const NODE = 'deadline-node';

describe('agent: activeDeadlineSeconds', function () {
  this.timeout(30_000);
  let n: SimNode;

  before(async () => {
    n = await startSimNode({ nodeName: NODE, userAgent: 'deadline-test', podCIDR: '10.200.41.0/24', nodeIP: '192.0.2.41' });
  });
  after(async () => { await n?.stop(); });

  const create = (name: string, activeDeadlineSeconds?: number) => n.client.create(pods, NS, {
    apiVersion: 'v1', kind: 'Pod', metadata: { name },
    spec: { nodeName: NODE, activeDeadlineSeconds, terminationGracePeriodSeconds: 1, containers: [{ name: 'app', image: 'busybox:1.36' }] },
  });
  const failed = (name: string) => until(`${name} failed`, async () => {
    const p = await n.client.get<Pod>(pods, NS, name);
    return p.status?.phase === 'Failed' ? p : undefined;
  }, 20_000);

  it('kills a pod that runs past its deadline: Failed, DeadlineExceeded, containers terminated, a DeadlineExceeded event', async () => {
    await create('short', 2);
    await until('short running', async () => ((await n.client.get<Pod>(pods, NS, 'short')).status?.phase === 'Running' ? true : undefined), 10_000);
    const p = await failed('short');
    expect(p.status).to.include({ reason: 'DeadlineExceeded', message: 'Pod was active on the node longer than the specified deadline' });
    expect(p.status?.containerStatuses?.[0].state?.terminated).to.not.equal(undefined);
    expect(p.status?.conditions?.find((c) => c.type === 'Ready')?.status).to.equal('False');
    expect(p.status?.conditions?.some((c) => c.type === 'DisruptionTarget')).to.equal(false);
    const started = Date.parse(p.status!.startTime!);
    expect(Date.parse(p.status!.containerStatuses![0].state!.terminated!.finishedAt!)).to.be.at.least(started + 2000 - 1000);
    const list = await n.client.list<{ reason: string; type: string; involvedObject: { name: string } }>(events, NS);
    expect(list.items.some((e) => e.involvedObject.name === 'short' && e.reason === 'DeadlineExceeded' && e.type === 'Normal')).to.equal(true);
  });

  it('applies a deadline shortened while the pod runs', async () => {
    await create('long', 3600);
    await until('long running', async () => ((await n.client.get<Pod>(pods, NS, 'long')).status?.phase === 'Running' ? true : undefined), 10_000);
    await n.client.patch(pods, NS, 'long', 'merge', { spec: { activeDeadlineSeconds: 1 } });
    const p = await failed('long');
    expect(p.status?.reason).to.equal('DeadlineExceeded');
  });
});
