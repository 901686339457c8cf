// Persistent volumes end to end, against an in-process Skiff with the scheduler, three
// simulated nodes, the PV controller (persistentvolume-binder) and the local-path
// provisioner: static PVs bind to claims by class, access modes, smallest fitting capacity
// and selector (upstream pv_controller binding rules); a claim of the default class waits
// for its first consumer, is provisioned on the node the scheduler picks, and its pod runs
// there; reclaim policies Delete (volume and directory go) and Retain (volume Released).

import { expect } from 'chai';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { startSkiff, type Skiff } from '../../src/index.ts';
import { ApiError, RestClient, resource } from '../../src/client/rest.ts';
import { newPersistentVolumeBinderController } from '../../src/controllers/volume/binder.ts';
import { newLocalPathProvisionerController } from '../../src/controllers/volume/localpath.ts';
import { sleep } from '../helpers.ts';

const pods = resource('pods');
const pvs = resource('persistentvolumes');
const pvcs = resource('persistentvolumeclaims');
const events = resource('events');
const storageClasses = resource('storage.k8s.io/storageclasses');

interface Obj { metadata: { name: string; uid?: string; annotations?: Record<string, string>; labels?: Record<string, string> }; spec?: Record<string, unknown>; status?: Record<string, unknown> }
interface PV extends Obj { spec: { claimRef?: { name?: string; namespace?: string; uid?: string }; hostPath?: { path: string }; nodeAffinity?: { required: { nodeSelectorTerms: { matchExpressions: { values: string[] }[] }[] } }; storageClassName?: string; persistentVolumeReclaimPolicy?: string }; status?: { phase?: string } }
interface PVC extends Obj { spec: { volumeName?: string; storageClassName?: string }; status?: { phase?: string; capacity?: Record<string, string>; accessModes?: string[] } }
interface Event { reason: string; message: string; involvedObject: { name: string; kind: string } }

describe('persistent volumes: binder and local-path provisioner', function () {
  this.timeout(120_000);
  let skiff: Skiff;
  let client: RestClient;

  before(async () => {
    skiff = await startSkiff({
      scheduler: true,
      simNodes: { count: 3 },
      controllers: {
        names: ['persistentvolume-binder', 'local-path-provisioner'],
        factories: { 'persistentvolume-binder': newPersistentVolumeBinderController, 'local-path-provisioner': newLocalPathProvisionerController },
      },
    });
    client = new RestClient({ server: skiff.url, ...skiff.credentials });
  });
  after(async () => {
    client?.close();
    await skiff?.close();
  });

  async function until<T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs = 60_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const v = await fn().catch((e: unknown) => { if (e instanceof ApiError && e.code === 404) return undefined; throw e; });
      if (v) return v;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await sleep(100);
    }
  }

  const getPV = (name: string) => client.get<PV>(pvs, undefined, name);
  const getPVC = (name: string) => client.get<PVC>(pvcs, 'default', name);
  const gone = async (get: () => Promise<unknown>) => {
    try { await get(); return false; } catch (e) { if (e instanceof ApiError && e.code === 404) return true; throw e; }
  };

  function pv(name: string, o: { cls: string; size: string; modes?: string[]; labels?: Record<string, string>; reclaim?: string }): Obj {
    return {
      metadata: { name, ...(o.labels ? { labels: o.labels } : {}) },
      spec: {
        capacity: { storage: o.size }, accessModes: o.modes ?? ['ReadWriteOnce'], storageClassName: o.cls,
        persistentVolumeReclaimPolicy: o.reclaim ?? 'Retain', hostPath: { path: `/tmp/skiff-static/${name}` },
      },
    };
  }

  function pvc(name: string, o: { cls?: string; size: string; modes?: string[]; selector?: Record<string, unknown> }): Obj {
    return {
      metadata: { name },
      spec: {
        accessModes: o.modes ?? ['ReadWriteOnce'], resources: { requests: { storage: o.size } },
        ...(o.cls !== undefined ? { storageClassName: o.cls } : {}), ...(o.selector ? { selector: o.selector } : {}),
      },
    };
  }

  const claimEvents = async (name: string) =>
    (await client.list<Event>(events, 'default', { fieldSelector: `involvedObject.name=${name}` })).items;

  it('makes a default local-path StorageClass that binds WaitForFirstConsumer', async () => {
    const sc = await until('the local-path class', () => client.get<{ provisioner: string; reclaimPolicy: string; volumeBindingMode: string; metadata: Obj['metadata'] }>(storageClasses, undefined, 'local-path'));
    expect(sc.metadata.annotations?.['storageclass.kubernetes.io/is-default-class']).to.equal('true');
    expect(sc).to.include({ provisioner: 'skiff.dev/local-path', reclaimPolicy: 'Delete', volumeBindingMode: 'WaitForFirstConsumer' });
  });

  it('gives a claim without a class the default class (DefaultStorageClass admission), and keeps an explicit ""', async () => {
    await until('the local-path class', () => client.get(storageClasses, undefined, 'local-path'));
    const a = await client.create<PVC>(pvcs, 'default', pvc('defaulted', { size: '1Mi' }));
    expect(a.spec.storageClassName).to.equal('local-path');
    const b = await client.create<PVC>(pvcs, 'default', pvc('classless', { cls: '', size: '1Mi' }));
    expect(b.spec.storageClassName).to.equal('');
    await client.delete(pvcs, 'default', 'defaulted');
    await client.delete(pvcs, 'default', 'classless');
  });

  describe('static volumes, Immediate binding', () => {
    before(async () => {
      await client.create(storageClasses, undefined, { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'manual' }, provisioner: 'kubernetes.io/no-provisioner' });
      await client.create(storageClasses, undefined, { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'other' }, provisioner: 'kubernetes.io/no-provisioner' });
      for (const v of [
        pv('manual-1g', { cls: 'manual', size: '1Gi' }),
        pv('manual-5g', { cls: 'manual', size: '5Gi' }),
        pv('manual-10g', { cls: 'manual', size: '10Gi' }),
        pv('manual-rwx', { cls: 'manual', size: '3Gi', modes: ['ReadWriteMany', 'ReadWriteOnce'] }),
        pv('other-2g', { cls: 'other', size: '2Gi' }),
        pv('manual-ssd', { cls: 'manual', size: '20Gi', labels: { disk: 'ssd' } }),
      ]) await client.create(pvs, undefined, v);
      for (const name of ['manual-1g', 'manual-5g', 'manual-10g', 'manual-rwx', 'other-2g', 'manual-ssd']) {
        await until(`${name} Available`, async () => (await getPV(name)).status?.phase === 'Available');
      }
    });

    const cases: { name: string; claim: Obj; want: string }[] = [
      { name: 'the smallest volume of the class that fits', claim: pvc('wants-2g', { cls: 'manual', size: '2Gi' }), want: 'manual-5g' },
      { name: 'an exact fit', claim: pvc('wants-1g', { cls: 'manual', size: '1Gi' }), want: 'manual-1g' },
      { name: 'only a volume of its own class', claim: pvc('wants-other', { cls: 'other', size: '1Gi' }), want: 'other-2g' },
      { name: 'only a volume with every access mode it asks for', claim: pvc('wants-rwx', { cls: 'manual', size: '1Gi', modes: ['ReadWriteMany'] }), want: 'manual-rwx' },
      { name: 'only a volume its selector matches', claim: pvc('wants-ssd', { cls: 'manual', size: '1Gi', selector: { matchLabels: { disk: 'ssd' } } }), want: 'manual-ssd' },
    ];
    for (const c of cases) {
      it(`binds ${c.name}`, async () => {
        await client.create(pvcs, 'default', c.claim);
        const bound = await until(`${c.claim.metadata.name} Bound`, async () => { const x = await getPVC(c.claim.metadata.name); return x.status?.phase === 'Bound' && x; });
        expect(bound.spec.volumeName).to.equal(c.want);
        expect(bound.metadata.annotations).to.include({ 'pv.kubernetes.io/bind-completed': 'yes', 'pv.kubernetes.io/bound-by-controller': 'yes' });
        expect(bound.status?.capacity).to.have.property('storage');
        const v = await until(`${c.want} Bound`, async () => { const x = await getPV(c.want); return x.status?.phase === 'Bound' && x; });
        expect(v.spec.claimRef).to.include({ name: c.claim.metadata.name, namespace: 'default', uid: bound.metadata.uid });
        expect(v.metadata.annotations).to.include({ 'pv.kubernetes.io/bound-by-controller': 'yes' });
      });
    }

    it('leaves a claim no volume fits Pending', async () => {
      await client.create(pvcs, 'default', pvc('too-big', { cls: 'other', size: '100Gi' }));
      await until('an ExternalProvisioning event', async () => (await claimEvents('too-big')).some((e) => e.reason === 'ExternalProvisioning'));
      const c = await getPVC('too-big');
      expect(c.status?.phase).to.equal('Pending');
      expect(c.spec.volumeName).to.equal(undefined);
    });

    it('binds a claim to the volume it names', async () => {
      await client.create(pvs, undefined, pv('named', { cls: 'manual', size: '50Gi' }));
      await client.create(pvcs, 'default', { ...pvc('wants-named', { cls: 'manual', size: '1Gi' }), spec: { ...pvc('x', { cls: 'manual', size: '1Gi' }).spec, volumeName: 'named' } });
      const bound = await until('wants-named Bound', async () => { const x = await getPVC('wants-named'); return x.status?.phase === 'Bound' && x; });
      expect(bound.spec.volumeName).to.equal('named');
      expect((await getPV('named')).spec.claimRef?.name).to.equal('wants-named');
    });

    it('Retain: deleting the claim leaves its volume Released, claimRef kept', async () => {
      await client.delete(pvcs, 'default', 'wants-2g');
      const v = await until('manual-5g Released', async () => { const x = await getPV('manual-5g'); return x.status?.phase === 'Released' && x; });
      expect(v.spec.claimRef?.name).to.equal('wants-2g');
      // A Released volume is not offered to new claims.
      await client.create(pvcs, 'default', pvc('after-release', { cls: 'manual', size: '4Gi' }));
      const c = await until('after-release Bound', async () => { const x = await getPVC('after-release'); return x.status?.phase === 'Bound' && x; });
      expect(c.spec.volumeName).to.equal('manual-10g');
    });
  });

  describe('static local volumes, WaitForFirstConsumer binding', () => {
    it('binds the claim to the local volume the scheduler picks, and the pod goes to its node', async () => {
      await client.create(storageClasses, undefined, {
        apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'local-static' }, provisioner: 'kubernetes.io/no-provisioner', volumeBindingMode: 'WaitForFirstConsumer',
      });
      const node = skiff.nodeNames[2];
      await client.create(pvs, undefined, {
        ...pv('local-on-node', { cls: 'local-static', size: '2Gi' }),
        spec: {
          ...pv('x', { cls: 'local-static', size: '2Gi' }).spec,
          nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [node] }] }] } },
        },
      });
      await until('local-on-node Available', async () => (await getPV('local-on-node')).status?.phase === 'Available');
      await client.create(pvcs, 'default', pvc('local-claim', { cls: 'local-static', size: '1Gi' }));
      await until('the WaitForFirstConsumer event', async () => (await claimEvents('local-claim')).some((e) => e.reason === 'WaitForFirstConsumer'));
      expect((await getPVC('local-claim')).status?.phase).to.equal('Pending');
      await client.create(pods, 'default', {
        metadata: { name: 'local-user' },
        spec: { containers: [{ name: 'c', image: 'registry.local/pause:3.10' }], volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'local-claim' } }] },
      });
      const p = await until('local-user scheduled', async () => { const x = await client.get<{ spec: { nodeName?: string } }>(pods, 'default', 'local-user'); return x.spec.nodeName ? x : undefined; });
      expect(p.spec.nodeName).to.equal(node);
      const c = await getPVC('local-claim');
      expect(c.status?.phase).to.equal('Bound');
      expect(c.spec.volumeName).to.equal('local-on-node');
      expect((await getPV('local-on-node')).metadata.annotations).to.include({ 'pv.kubernetes.io/bound-by-controller': 'yes' });
      await client.delete(pods, 'default', 'local-user', { gracePeriodSeconds: 0 });
    });
  });

  describe('local-path: WaitForFirstConsumer and dynamic provisioning', () => {
    let volumeName = '';

    it('keeps a claim of the default class Pending until a pod uses it', async () => {
      await until('the local-path class', () => client.get(storageClasses, undefined, 'local-path'));
      await client.create(pvcs, 'default', pvc('data', { size: '1Gi' }));
      await until('the WaitForFirstConsumer event', async () =>
        (await claimEvents('data')).some((e) => e.reason === 'WaitForFirstConsumer' && e.message === 'waiting for first consumer to be created before binding'));
      const c = await getPVC('data');
      expect(c.status?.phase).to.equal('Pending');
      expect(c.spec.volumeName).to.equal(undefined);
      expect(c.metadata.annotations?.['volume.kubernetes.io/selected-node']).to.equal(undefined);
    });

    it('provisions a volume on the node the scheduler picks, and the pod runs there', async () => {
      await client.create(pods, 'default', {
        metadata: { name: 'user' },
        spec: { containers: [{ name: 'c', image: 'registry.local/pause:3.10' }], volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'data' } }] },
      });
      const p = await until('the pod Running', async () => {
        const x = await client.get<{ spec: { nodeName?: string }; status?: { phase?: string } }>(pods, 'default', 'user');
        return x.status?.phase === 'Running' && x;
      });
      const node = p.spec.nodeName ?? '';
      expect(skiff.nodeNames).to.include(node);
      const c = await getPVC('data');
      expect(c.status?.phase).to.equal('Bound');
      expect(c.metadata.annotations).to.include({
        'volume.kubernetes.io/selected-node': node,
        'volume.kubernetes.io/storage-provisioner': 'skiff.dev/local-path',
        'pv.kubernetes.io/bind-completed': 'yes',
      });
      volumeName = c.spec.volumeName ?? '';
      expect(volumeName).to.equal(`pvc-${c.metadata.uid}`);
      const v = await getPV(volumeName);
      expect(v.status?.phase).to.equal('Bound');
      expect(v.metadata.annotations?.['pv.kubernetes.io/provisioned-by']).to.equal('skiff.dev/local-path');
      expect(v.spec.persistentVolumeReclaimPolicy).to.equal('Delete');
      expect(v.spec.storageClassName).to.equal('local-path');
      expect(v.spec.nodeAffinity?.required.nodeSelectorTerms[0].matchExpressions[0].values).to.deep.equal([node]);
      expect(v.spec.hostPath?.path).to.equal(join(skiff.dataDir, 'volumes', volumeName));
      expect(existsSync(join(skiff.dataDir, 'volumes', volumeName))).to.equal(true);
      const reasons = (await claimEvents('data')).map((e) => e.reason);
      expect(reasons).to.include.members(['WaitForFirstConsumer', 'ExternalProvisioning', 'Provisioning', 'ProvisioningSucceeded']);
    });

    it('a second pod of the same claim goes to the volume\'s node', async () => {
      const v = await getPV(volumeName);
      const node = v.spec.nodeAffinity?.required.nodeSelectorTerms[0].matchExpressions[0].values[0];
      await client.create(pods, 'default', {
        metadata: { name: 'user-2' },
        spec: { containers: [{ name: 'c', image: 'registry.local/pause:3.10' }], volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'data' } }] },
      });
      const p = await until('user-2 scheduled', async () => { const x = await client.get<{ spec: { nodeName?: string } }>(pods, 'default', 'user-2'); return x.spec.nodeName ? x : undefined; });
      expect(p.spec.nodeName).to.equal(node);
    });

    it('Delete: deleting the claim deletes the volume and its directory', async () => {
      for (const name of ['user', 'user-2']) await client.delete(pods, 'default', name, { gracePeriodSeconds: 0 });
      await until('the pods gone', async () => (await gone(() => client.get(pods, 'default', 'user'))) && gone(() => client.get(pods, 'default', 'user-2')));
      await client.delete(pvcs, 'default', 'data');
      await until('the volume gone', () => gone(() => getPV(volumeName)));
      await until('the directory gone', async () => !existsSync(join(skiff.dataDir, 'volumes', volumeName)));
    });

    it('a pod whose claim can be provisioned nowhere stays Pending', async () => {
      await client.create(storageClasses, undefined, {
        apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'nowhere' }, provisioner: 'skiff.dev/local-path',
        volumeBindingMode: 'WaitForFirstConsumer', allowedTopologies: [{ matchLabelExpressions: [{ key: 'kubernetes.io/hostname', values: ['no-such-node'] }] }],
      });
      await client.create(pvcs, 'default', pvc('unplaceable', { cls: 'nowhere', size: '1Gi' }));
      await client.create(pods, 'default', {
        metadata: { name: 'stuck' },
        spec: { containers: [{ name: 'c', image: 'registry.local/pause:3.10' }], volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'unplaceable' } }] },
      });
      const ev = await until('FailedScheduling', async () => (await claimEvents('stuck')).find((e) => e.reason === 'FailedScheduling'));
      expect(ev.message).to.contain("didn't find available persistent volumes to bind");
      await sleep(500);
      expect((await getPVC('unplaceable')).status?.phase).to.equal('Pending');
    });
  });
  it('gives a claim made while there was no default class the default class once there is one', async () => {
    const setDefault = (v: string) => client.patch(storageClasses, undefined, 'local-path', 'merge', { metadata: { annotations: { 'storageclass.kubernetes.io/is-default-class': v } } });
    await setDefault('false');
    try {
      const c = await client.create<PVC>(pvcs, 'default', pvc('late-default', { size: '1Mi' }));
      expect(c.spec.storageClassName).to.equal(undefined);
      await setDefault('true');
      await until('the class assigned', async () => (await getPVC('late-default')).spec.storageClassName === 'local-path');
      await until('the WaitForFirstConsumer event', async () => (await claimEvents('late-default')).some((e) => e.reason === 'WaitForFirstConsumer'));
    } finally {
      await setDefault('true');
    }
  });
});
