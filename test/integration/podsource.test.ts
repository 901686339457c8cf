// The shared pod source of simulated nodes against a real API server: one watch of bound
// pods handed out by node name, with a node that subscribes late getting the pods already
// bound to it, and each node seeing only its own adds, updates and deletes.

import { expect } from 'chai';
import { startSkiff, type Skiff } from '../../src/index.ts';
import { SharedPodSource } from '../../src/agent/podsource.ts';
import type { Pod } from '../../src/agent/types.ts';
import { RestClient, resource } from '../../src/client/rest.ts';
import { until } from '../helpers.ts';

describe('SharedPodSource', () => {
  let skiff: Skiff;
  let client: RestClient;
  let source: SharedPodSource;
  const pods = resource('pods');

  before(async () => {
    skiff = await startSkiff({});
    client = new RestClient({ server: skiff.url, ...skiff.credentials });
    source = new SharedPodSource(client);
  });
  after(async () => {
    await source?.stop();
    client?.close();
    await skiff?.close();
  });

  const podOn = (name: string, nodeName?: string) => ({ metadata: { name, labels: { v: '1' } }, spec: { ...(nodeName ? { nodeName } : {}), containers: [{ name: 'c', image: 'busybox' }] } });
  const recorder = () => {
    const seen: string[] = [];
    return { seen, handlers: { add: (p: Pod) => seen.push(`add ${p.metadata.name} ${p.metadata.labels?.v}`), update: (_o: Pod, p: Pod) => seen.push(`update ${p.metadata.name} ${p.metadata.labels?.v}`), delete: (p: Pod) => seen.push(`delete ${p.metadata.name}`) } };
  };

  it('hands each node its own pods, also to a node that subscribes after they were bound', async () => {
    const a = recorder();
    const subA = source.subscribe('node-a', a.handlers, () => undefined);
    await subA.synced;
    // on-b is bound first: the watch delivers in order, so once node-a has its pod the
    // source has indexed on-b too and node-b's late subscription must find it.
    await client.create(pods, 'default', podOn('on-b', 'node-b'));
    await client.create(pods, 'default', podOn('unbound'));
    await client.create(pods, 'default', podOn('on-a', 'node-a'));
    await until('node-a sees its pod', () => a.seen.includes('add on-a 1'));

    const b = recorder();
    const subB = source.subscribe('node-b', b.handlers, () => undefined);
    await subB.synced;
    expect(b.seen).to.deep.equal(['add on-b 1']);

    await client.patch(pods, 'default', 'on-a', 'merge', { metadata: { labels: { v: '2' } } });
    await client.delete(pods, 'default', 'on-b', { gracePeriodSeconds: 0 });
    await until('node-a sees the update', () => a.seen.includes('update on-a 2'));
    await until('node-b sees the delete', () => b.seen.includes('delete on-b'));
    expect(a.seen).to.deep.equal(['add on-a 1', 'update on-a 2']);
    expect(b.seen).to.deep.equal(['add on-b 1', 'delete on-b']);

    // After stop, the node hears nothing more.
    await subA.stop();
    await client.patch(pods, 'default', 'on-a', 'merge', { metadata: { labels: { v: '3' } } });
    const c = recorder();
    await source.subscribe('node-a', c.handlers, () => undefined).synced;
    await until('the new subscriber sees the third version', () => c.seen.includes('add on-a 3') || c.seen.includes('update on-a 3'));
    expect(a.seen).to.deep.equal(['add on-a 1', 'update on-a 2']);
  });

  it('hands nothing to a node that stopped before the first list arrived', async () => {
    await client.create(pods, 'default', podOn('on-z', 'node-z'));
    const fresh = new SharedPodSource(client);
    try {
      const d = recorder();
      const sub = fresh.subscribe('node-z', d.handlers, () => undefined);
      await sub.stop();
      await sub.synced;
      const e = recorder();
      await fresh.subscribe('node-z', e.handlers, () => undefined).synced;
      expect(e.seen).to.deep.equal(['add on-z 1']);
      expect(d.seen).to.deep.equal([]);
    } finally {
      await fresh.stop();
    }
  });
});
