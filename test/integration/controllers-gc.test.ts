// The garbage collector against an in-process Skiff with the scheduler and two simulated nodes
// (upstream pkg/controller/garbagecollector behaviour): owner chains built by hand (ConfigMaps
// owning ConfigMaps, a ReplicaSet object owning scheduled pods) deleted with each propagation
// policy; a dependent whose owner reference names a UID the live owner does not have is
// collected; a dependent with one owner left keeps living without the gone one; ownership
// cycles are deleted in foreground without wedging.

import { expect } from 'chai';
import { startSkiff, type Skiff } from '../../src/index.ts';
import { RestClient, isNotFound, resource } from '../../src/client/rest.ts';
import { newGarbageCollectorController } from '../../src/controllers/garbagecollector.ts';
import { newNamespaceController } from '../../src/controllers/namespace.ts';
import { startControllerManager } from '../../src/controllers/manager.ts';
import { sleep, until } from '../helpers.ts';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';

const configmaps = resource('configmaps');
const pods = resource('pods');
const replicasets = resource('apps/replicasets');
const NS = 'default';
const KUBECTL = process.env.KUBECTL ?? '/usr/bin/kubectl';

function kubectl(skiff: Skiff, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(KUBECTL, ['--kubeconfig', skiff.kubeconfigPath, ...args], { timeout: 60_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0, stdout, stderr });
    });
  });
}

interface Ref { apiVersion: string; kind: string; name: string; uid: string; controller?: boolean; blockOwnerDeletion?: boolean }
interface Obj { metadata: { name: string; uid: string; resourceVersion?: string; deletionTimestamp?: string; finalizers?: string[]; ownerReferences?: Ref[] }; spec?: { nodeName?: string } }

describe('Garbage collector', function () {
  this.timeout(120_000);
  let skiff: Skiff;
  let client: RestClient;

  before(async () => {
    skiff = await startSkiff({
      scheduler: true, simNodes: { count: 2 },
      controllers: { names: ['garbagecollector', 'namespace'], factories: { garbagecollector: newGarbageCollectorController, namespace: newNamespaceController } },
    });
    await skiff.components;
    client = new RestClient({ server: skiff.url, ...skiff.credentials });
  });
  after(async () => {
    client?.close();
    await skiff?.close();
  });

  const ref = (kind: string, o: Obj, block = false, apiVersion = kind === 'ReplicaSet' ? 'apps/v1' : 'v1'): Ref =>
    ({ apiVersion, kind, name: o.metadata.name, uid: o.metadata.uid, ...(block ? { blockOwnerDeletion: true } : {}) });
  const cm = (name: string, owners: Ref[] = []) => client.create<Obj>(configmaps, NS, { metadata: { name, ownerReferences: owners.length ? owners : undefined }, data: { k: name } });
  const getCm = async (name: string) => {
    try { return await client.get<Obj>(configmaps, NS, name); } catch (e) { if (isNotFound(e)) return undefined; throw e; }
  };
  const gone = (name: string) => until(`${name} deleted`, async () => (await getCm(name)) === undefined);
  const delCm = (name: string, propagationPolicy?: string) => client.delete(configmaps, NS, name, propagationPolicy ? { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy } : undefined);

  /** A 3-level chain: <p>-a owns <p>-b owns <p>-c (and <p>-c2). */
  async function chain(p: string, block = false): Promise<Obj[]> {
    const a = await cm(`${p}-a`);
    const b = await cm(`${p}-b`, [ref('ConfigMap', a, block)]);
    const c = await cm(`${p}-c`, [ref('ConfigMap', b, block)]);
    const c2 = await cm(`${p}-c2`, [ref('ConfigMap', b, block)]);
    return [a, b, c, c2];
  }

  it('background: deleting the root collects the whole chain', async () => {
    await chain('bg');
    await delCm('bg-a', 'Background');
    expect(await getCm('bg-a')).to.equal(undefined); // the owner goes at once
    for (const n of ['bg-b', 'bg-c', 'bg-c2']) await gone(n);
  });

  it('default propagation (none given) is background', async () => {
    await chain('df');
    await delCm('df-a');
    for (const n of ['df-b', 'df-c', 'df-c2']) await gone(n);
  });

  it('foreground: dependents go first, the owner keeps foregroundDeletion until its blocking dependents are gone', async () => {
    const [, , c] = await chain('fg', true);
    // A finalizer of ours holds the leaf, so the chain's foreground deletion is observable.
    await client.patch(configmaps, NS, c.metadata.name, 'merge', { metadata: { finalizers: ['example.com/hold'] } });
    await delCm('fg-a', 'Foreground');
    const a = await getCm('fg-a');
    expect(a?.metadata.deletionTimestamp).to.be.a('string');
    expect(a?.metadata.finalizers).to.include('foregroundDeletion');
    // The middle is deleted in foreground too, and the leaf is being deleted.
    const b = await until('fg-b deleting in foreground', async () => { const o = await getCm('fg-b'); return o?.metadata.deletionTimestamp ? o : undefined; });
    expect(b.metadata.finalizers).to.include('foregroundDeletion');
    await until('fg-c marked for deletion', async () => !!(await getCm('fg-c'))?.metadata.deletionTimestamp);
    await gone('fg-c2');
    // While the leaf stays, so do its owners.
    await sleep(1000);
    expect(await getCm('fg-b')).to.not.equal(undefined);
    expect(await getCm('fg-a')).to.not.equal(undefined);
    await client.patch(configmaps, NS, 'fg-c', 'merge', { metadata: { finalizers: null } });
    await gone('fg-c');
    await gone('fg-b');
    await gone('fg-a');
  });

  it('foreground: dependents without blockOwnerDeletion do not hold the owner', async () => {
    const a = await cm('fgnb-a');
    const b = await cm('fgnb-b', [ref('ConfigMap', a, false)]);
    await client.patch(configmaps, NS, b.metadata.name, 'merge', { metadata: { finalizers: ['example.com/hold'] } });
    await delCm('fgnb-a', 'Foreground');
    await gone('fgnb-a');
    // The dependent was still deleted (it waits only for its own finalizer).
    await until('fgnb-b marked for deletion', async () => !!(await getCm('fgnb-b'))?.metadata.deletionTimestamp);
    await client.patch(configmaps, NS, 'fgnb-b', 'merge', { metadata: { finalizers: null } });
    await gone('fgnb-b');
  });

  it('orphan (kubectl delete --cascade=orphan): the owner goes, its dependents stay without the reference', async () => {
    const [a, b] = await chain('or');
    await delCm('or-a', 'Orphan');
    await gone('or-a');
    const bAfter = await until('or-b orphaned', async () => { const o = await getCm('or-b'); return o && !o.metadata.ownerReferences && o; });
    expect(bAfter.metadata.uid).to.equal(b.metadata.uid);
    expect(bAfter.metadata.deletionTimestamp).to.equal(undefined);
    // The grandchildren keep their owner, which is alive.
    for (const n of ['or-c', 'or-c2']) {
      const o = await getCm(n);
      expect(o?.metadata.ownerReferences?.map((r) => r.uid)).to.deep.equal([b.metadata.uid]);
    }
    expect(a.metadata.uid).to.be.a('string');
    // ... and are collected with it later.
    await delCm('or-b');
    await gone('or-c');
    await gone('or-c2');
  });

  it('a ReplicaSet object owning scheduled pods: background collects the pods, orphan keeps them', async () => {
    const mkRs = (name: string) => client.create<Obj>(replicasets, NS, {
      metadata: { name },
      spec: { replicas: 0, selector: { matchLabels: { gc: name } }, template: { metadata: { labels: { gc: name } }, spec: { containers: [{ name: 'c', image: 'registry.local/pause:3.10' }] } } },
    });
    const mkPods = (rs: Obj, n: number) => Promise.all(Array.from({ length: n }, (_, i) => client.create<Obj>(pods, NS, {
      metadata: { name: `${rs.metadata.name}-${i}`, labels: { gc: rs.metadata.name }, ownerReferences: [{ ...ref('ReplicaSet', rs, true), controller: true }] },
      spec: { terminationGracePeriodSeconds: 1, containers: [{ name: 'c', image: 'registry.local/pause:3.10' }] },
    })));
    const listPods = async (rs: string) => (await client.list<Obj>(pods, NS, { labelSelector: `gc=${rs}` })).items;

    const bg = await mkRs('gc-rs-bg');
    await mkPods(bg, 3);
    await until('pods scheduled', async () => (await listPods('gc-rs-bg')).every((p) => p.spec?.nodeName));
    await client.delete(replicasets, NS, 'gc-rs-bg', { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Background' });
    await until('the set\'s pods collected', async () => (await listPods('gc-rs-bg')).length === 0);

    const fg = await mkRs('gc-rs-fg');
    await mkPods(fg, 2);
    await until('pods scheduled', async () => (await listPods('gc-rs-fg')).every((p) => p.spec?.nodeName));
    await client.delete(replicasets, NS, 'gc-rs-fg', { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Foreground' });
    await until('the set gone after its pods', async () => {
      try { await client.get(replicasets, NS, 'gc-rs-fg'); return false; } catch (e) { if (!isNotFound(e)) throw e; }
      expect(await listPods('gc-rs-fg')).to.have.length(0);
      return true;
    });

    const or = await mkRs('gc-rs-or');
    await mkPods(or, 2);
    await client.delete(replicasets, NS, 'gc-rs-or', { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Orphan' });
    await until('the pods orphaned', async () => {
      const ps = await listPods('gc-rs-or');
      return ps.length === 2 && ps.every((p) => !p.metadata.ownerReferences && !p.metadata.deletionTimestamp);
    });
    await until('the set gone', async () => { try { await client.get(replicasets, NS, 'gc-rs-or'); return false; } catch (e) { return isNotFound(e); } });
  });

  it('an owner reference whose UID is not the live owner\'s counts as absent: the dependent is collected', async () => {
    const owner = await cm('wu-owner');
    await cm('wu-dep', [{ ...ref('ConfigMap', owner), uid: '00000000-0000-0000-0000-000000000001' }]);
    await gone('wu-dep');
    expect(await getCm('wu-owner')).to.not.equal(undefined);
  });

  it('an owner that never existed: the dependent is collected', async () => {
    await cm('ne-dep', [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'ne-nobody', uid: '00000000-0000-0000-0000-000000000002' }]);
    await gone('ne-dep');
  });

  it('a dependent with one live owner left loses only the reference to the gone one', async () => {
    const o1 = await cm('two-o1');
    const o2 = await cm('two-o2');
    await cm('two-dep', [ref('ConfigMap', o1), ref('ConfigMap', o2)]);
    await delCm('two-o1');
    const dep = await until('reference to the gone owner removed', async () => {
      const o = await getCm('two-dep');
      return o?.metadata.ownerReferences?.length === 1 && o;
    });
    expect(dep.metadata.ownerReferences?.[0].uid).to.equal(o2.metadata.uid);
    expect(dep.metadata.deletionTimestamp).to.equal(undefined);
  });

  it('a dependent created after its owner was deleted is collected', async () => {
    const o = await cm('late-owner');
    await delCm('late-owner');
    await cm('late-dep', [ref('ConfigMap', o)]);
    await gone('late-dep');
  });

  it('kubectl delete --cascade=orphan and --cascade=foreground', async function () {
    if (!existsSync(KUBECTL)) this.skip();
    const [, b] = await chain('ko');
    const orphan = await kubectl(skiff, ['delete', 'configmap', 'ko-a', '-n', NS, '--cascade=orphan']);
    expect(orphan.code, orphan.stderr).to.equal(0);
    expect(orphan.stdout).to.match(/configmap "ko-a" deleted/);
    await gone('ko-a');
    await until('ko-b orphaned', async () => { const o = await getCm('ko-b'); return o && !o.metadata.ownerReferences; });
    // Foreground: kubectl waits for the owner, which goes only after its dependents.
    const fg = await kubectl(skiff, ['delete', 'configmap', 'ko-b', '-n', NS, '--cascade=foreground']);
    expect(fg.code, fg.stderr).to.equal(0);
    expect(await getCm('ko-b')).to.equal(undefined);
    expect(await getCm('ko-c')).to.equal(undefined);
    expect(await getCm('ko-c2')).to.equal(undefined);
    expect(b.metadata.uid).to.be.a('string');
  });

  for (const policy of ['Foreground', 'Background']) {
    it(`an ownership cycle deleted in ${policy.toLowerCase()} does not wedge`, async () => {
      const p = `cy-${policy.toLowerCase()}`;
      const a = await cm(`${p}-a`);
      const b = await cm(`${p}-b`, [ref('ConfigMap', a, true)]);
      const c = await cm(`${p}-c`, [ref('ConfigMap', b, true)]);
      // Close the cycle: a is owned by c.
      await client.patch(configmaps, NS, a.metadata.name, 'merge', { metadata: { ownerReferences: [ref('ConfigMap', c, true)] } });
      await delCm(`${p}-a`, policy);
      for (const n of ['a', 'b', 'c']) await gone(`${p}-${n}`);
    });
  }

  it('a two-object cycle where each blocks the other, deleted in foreground, does not wedge', async () => {
    const a = await cm('cy2-a');
    const b = await cm('cy2-b', [ref('ConfigMap', a, true)]);
    await client.patch(configmaps, NS, a.metadata.name, 'merge', { metadata: { ownerReferences: [ref('ConfigMap', b, true)] } });
    await delCm('cy2-b', 'Foreground');
    await gone('cy2-a');
    await gone('cy2-b');
  });

  it('after a restart: dependents of owners deleted while the collector was down are collected, live owners kept', async () => {
    await skiff.controllerManager?.stop();
    const owner = await cm('rs-owner');
    const keeper = await cm('rs-keeper');
    await cm('rs-dep', [ref('ConfigMap', owner)]);
    await cm('rs-kept', [ref('ConfigMap', keeper)]);
    await delCm('rs-owner');
    await sleep(300);
    expect(await getCm('rs-dep')).to.not.equal(undefined); // nobody collects it yet
    const cm2 = await startControllerManager({ server: skiff.url, ...skiff.credentials }, {
      controllers: ['garbagecollector'], factories: { garbagecollector: newGarbageCollectorController }, leaderElect: false,
    });
    try {
      await gone('rs-dep');
      expect(await getCm('rs-kept')).to.not.equal(undefined);
    } finally {
      await cm2.stop();
    }
  });
});
