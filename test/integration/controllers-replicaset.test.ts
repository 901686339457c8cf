// The ReplicaSet controller and ReplicationController manager against an in-process Skiff with
// the scheduler and three simulated nodes: pods created to match replicas and reported in
// status, scale up and down (unscheduled and not-ready pods go first), replacement of deleted
// pods, adoption of matching orphans, release of pods that stop matching, and events.

import { expect } from 'chai';
import { startSkiff, type Skiff } from '../../src/index.ts';
import { RestClient, resource } from '../../src/client/rest.ts';
import { newReplicaSetController, newReplicationControllerManager, podsToDelete, type Pod } from '../../src/controllers/replicaset.ts';
import { sleep, until } from '../helpers.ts';

const pods = resource('pods');
const replicasets = resource('apps/replicasets');
const rcs = resource('replicationcontrollers');
const events = resource('events');
const NS = 'default';

interface RS { metadata: { name: string; uid: string; generation?: number }; spec: { replicas: number }; status?: { replicas?: number; readyReplicas?: number; availableReplicas?: number; fullyLabeledReplicas?: number; observedGeneration?: number } }
interface PodObj { metadata: { name: string; labels?: Record<string, string>; ownerReferences?: { uid: string; controller?: boolean; kind: string }[]; deletionTimestamp?: string }; status?: { phase?: string } }

describe('ReplicaSet controller', function () {
  this.timeout(90_000);
  let skiff: Skiff;
  let client: RestClient;

  before(async () => {
    skiff = await startSkiff({
      scheduler: true, simNodes: { count: 3 },
      controllers: { names: ['replicaset', 'replicationcontroller'], factories: { replicaset: newReplicaSetController, replicationcontroller: newReplicationControllerManager } },
    });
    await skiff.components;
    client = new RestClient({ server: skiff.url, ...skiff.credentials });
  });
  after(async () => {
    client?.close();
    await skiff?.close();
  });

  const template = (app: string, annotations: Record<string, string> = {}) => ({
    metadata: { labels: { app }, annotations },
    spec: { containers: [{ name: 'c', image: 'registry.local/pause:3.10', resources: { requests: { cpu: '10m' } } }] },
  });
  const rs = (name: string, replicas: number, app = name) => ({
    apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name },
    spec: { replicas, selector: { matchLabels: { app } }, template: template(app) },
  });
  const podsOf = async (app: string) => (await client.list<PodObj>(pods, NS, { labelSelector: `app=${app}` })).items.filter((p) => !p.metadata.deletionTimestamp);
  const getRs = (name: string) => client.get<RS>(replicasets, NS, name);
  const scale = (name: string, replicas: number) => client.patch(replicasets, NS, name, 'merge', { spec: { replicas } });

  it('creates pods to match replicas, owned by the set, and reports them ready in status', async () => {
    const created = await client.create<RS>(replicasets, NS, rs('web', 3));
    const st = await until('3 ready replicas', async () => { const r = await getRs('web'); return r.status?.readyReplicas === 3 && r; });
    expect(st.status).to.include({ replicas: 3, fullyLabeledReplicas: 3, readyReplicas: 3, availableReplicas: 3, observedGeneration: 1 });
    const ps = await podsOf('web');
    expect(ps).to.have.length(3);
    for (const p of ps) {
      expect(p.metadata.name).to.match(/^web-[a-z0-9]{5}$/);
      expect(p.metadata.ownerReferences).to.deep.equal([{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid: created.metadata.uid, controller: true, blockOwnerDeletion: true }]);
    }
    const evs = await until('SuccessfulCreate events', async () => {
      const list = (await client.list<{ reason: string; message: string; involvedObject: { name: string }; source?: { component?: string } }>(events, NS)).items
        .filter((e) => e.involvedObject.name === 'web' && e.reason === 'SuccessfulCreate');
      return list.length === 3 && list;
    });
    expect(evs[0].message).to.match(/^Created pod: web-/);
    expect(evs[0].source?.component).to.equal('replicaset-controller');
  });

  it('scales up and down; status follows', async () => {
    await scale('web', 5);
    await until('5 ready', async () => (await getRs('web')).status?.readyReplicas === 5);
    await scale('web', 1);
    await until('1 replica', async () => { const r = await getRs('web'); return r.status?.replicas === 1 && r.status.readyReplicas === 1 && (await podsOf('web')).length === 1; });
    const r = await getRs('web');
    expect(r.status?.observedGeneration).to.equal(r.metadata.generation);
  });

  it('replaces a deleted pod', async () => {
    const [victim] = await podsOf('web');
    await client.delete(pods, NS, victim.metadata.name);
    const replacement = await until('a replacement pod', async () => {
      const ps = await podsOf('web');
      return ps.length === 1 && ps[0].metadata.name !== victim.metadata.name && ps[0];
    });
    expect(replacement.metadata.name).to.match(/^web-/);
  });

  it('adopts a matching orphan instead of creating a pod, and releases a pod whose labels stop matching', async () => {
    await client.create(pods, NS, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'orphan', labels: { app: 'adopt' } }, spec: template('adopt').spec });
    const set = await client.create<RS>(replicasets, NS, rs('adopt', 2));
    await until('2 replicas', async () => (await getRs('adopt')).status?.replicas === 2);
    await sleep(300);
    const ps = await podsOf('adopt');
    expect(ps.map((p) => p.metadata.name)).to.include('orphan');
    expect(ps).to.have.length(2);
    const orphan = ps.find((p) => p.metadata.name === 'orphan')!;
    expect(orphan.metadata.ownerReferences?.[0]).to.include({ uid: set.metadata.uid, controller: true, kind: 'ReplicaSet' });

    // Relabel it: the set releases it and makes another.
    await client.patch(pods, NS, 'orphan', 'merge', { metadata: { labels: { app: 'elsewhere' } } });
    const released = await until('the pod released', async () => {
      const p = await client.get<PodObj>(pods, NS, 'orphan');
      return !(p.metadata.ownerReferences ?? []).some((r) => r.uid === set.metadata.uid) && p;
    });
    expect(released.metadata.labels).to.deep.equal({ app: 'elsewhere' });
    await until('2 pods again', async () => (await podsOf('adopt')).length === 2 && (await getRs('adopt')).status?.replicas === 2);
  });

  it('never adopts a pod controlled by another owner', async () => {
    const other = await client.create<RS>(replicasets, NS, rs('owner-a', 1, 'shared'));
    await until('owner-a ready', async () => (await getRs('owner-a')).status?.readyReplicas === 1);
    // A second set with the same selector must not steal owner-a's pod.
    await client.create<RS>(replicasets, NS, rs('owner-b', 1, 'shared'));
    await until('owner-b has its own pod', async () => (await getRs('owner-b')).status?.replicas === 1);
    const ps = await podsOf('shared');
    expect(ps).to.have.length(2);
    expect(ps.filter((p) => p.metadata.ownerReferences?.[0]?.uid === other.metadata.uid)).to.have.length(1);
  });

  it('runs ReplicationControllers with map selectors', async () => {
    await client.create(rcs, NS, {
      apiVersion: 'v1', kind: 'ReplicationController', metadata: { name: 'legacy' },
      spec: { replicas: 2, selector: { app: 'legacy' }, template: template('legacy') },
    });
    await until('2 ready', async () => (await client.get<RS>(rcs, NS, 'legacy')).status?.readyReplicas === 2);
    const ps = await podsOf('legacy');
    expect(ps.every((p) => p.metadata.ownerReferences?.[0]?.kind === 'ReplicationController')).to.equal(true);
  });

  it('picks unscheduled, then not-ready, then newer pods to delete first', () => {
    const mk = (name: string, node: string | undefined, ready: boolean, created: string): Pod => ({
      metadata: { name, namespace: NS, creationTimestamp: created },
      spec: node ? { nodeName: node } : {},
      status: { phase: node ? 'Running' : 'Pending', conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
    });
    const all = [
      mk('old-ready', 'n1', true, '2024-01-01T00:00:00Z'),
      mk('new-ready', 'n2', true, '2024-01-02T00:00:00Z'),
      mk('not-ready', 'n3', false, '2024-01-01T00:00:00Z'),
      mk('unscheduled', undefined, false, '2023-01-01T00:00:00Z'),
    ];
    expect(podsToDelete(all, all, 3).map((p) => p.metadata.name)).to.deep.equal(['unscheduled', 'not-ready', 'new-ready']);
  });
});
