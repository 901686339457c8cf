// The StatefulSet controller against an in-process Skiff with the scheduler and three simulated
// nodes (upstream pkg/controller/statefulset behaviour): OrderedReady creation 0..N-1 each after
// its predecessor is Running and Ready and deletion N-1..0, observed through a watch; halting on
// an unhealthy pod; Parallel; stable identity (hostname, subdomain, labels); one PVC per pod per
// claim template, reused by the replacement pod; partition canary and full rolling update from the
// highest ordinal; OnDelete; ControllerRevisions and `kubectl rollout undo`.

import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { startSkiff, type Skiff } from '../../src/index.ts';
import { RestClient, resource, resourcePath } from '../../src/client/rest.ts';
import { watchStream, type WatchEvent } from '../../src/client/informer.ts';
import { newStatefulSetController } from '../../src/controllers/statefulset/index.ts';
import { newPersistentVolumeBinderController } from '../../src/controllers/volume/binder.ts';
import { newLocalPathProvisionerController } from '../../src/controllers/volume/localpath.ts';
import { sleep, until } from '../helpers.ts';

const run = promisify(execFile);
const pods = resource('pods');
const statefulsets = resource('apps/statefulsets');
const revisions = resource('apps/controllerrevisions');
const pvcs = resource('persistentvolumeclaims');
const pvs = resource('persistentvolumes');
const services = resource('services');
const events = resource('events');
const NS = 'default';

interface PodObj {
  metadata: { name: string; uid: string; labels?: Record<string, string>; ownerReferences?: { uid: string; kind: string; controller?: boolean }[]; deletionTimestamp?: string; resourceVersion?: string };
  spec: { hostname?: string; subdomain?: string; containers: { image: string }[]; volumes?: { name: string; persistentVolumeClaim?: { claimName: string } }[] };
  status?: { phase?: string; conditions?: { type: string; status: string }[] };
}
interface StsObj {
  metadata: { name: string; uid: string; generation?: number };
  status?: { replicas?: number; readyReplicas?: number; currentReplicas?: number; updatedReplicas?: number; availableReplicas?: number; currentRevision?: string; updateRevision?: string; observedGeneration?: number; collisionCount?: number };
}
interface RevObj { metadata: { name: string; labels?: Record<string, string>; ownerReferences?: { uid: string; controller?: boolean; kind: string }[] }; revision: number; data: { spec: { template: { $patch?: string; spec: { containers: { image: string }[] } } } } }

const isReady = (p: PodObj) => p.status?.phase === 'Running' && !!p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');

describe('StatefulSet controller', function () {
  this.timeout(180_000);
  let skiff: Skiff;
  let client: RestClient;

  before(async () => {
    skiff = await startSkiff({
      scheduler: true, simNodes: { count: 3 },
      controllers: {
        names: ['statefulset', 'persistentvolume-binder', 'local-path-provisioner'],
        factories: { statefulset: newStatefulSetController, 'persistentvolume-binder': newPersistentVolumeBinderController, 'local-path-provisioner': newLocalPathProvisionerController },
      },
    });
    await skiff.components;
    client = new RestClient({ server: skiff.url, ...skiff.credentials });
  });
  after(async () => {
    client?.close();
    await skiff?.close();
  });

  const sts = (name: string, replicas: number, extra: { spec?: Record<string, unknown>; annotations?: Record<string, string>; image?: string } = {}) => ({
    apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name },
    spec: {
      replicas, serviceName: name, selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name }, annotations: extra.annotations ?? {} },
        spec: { containers: [{ name: 'c', image: extra.image ?? 'registry.local/app:1', resources: { requests: { cpu: '10m' } } }] },
      },
      ...extra.spec,
    },
  });
  const podsOf = async (app: string) => (await client.list<PodObj>(pods, NS, { labelSelector: `app=${app}` })).items;
  const getSts = (name: string) => client.get<StsObj>(statefulsets, NS, name);
  const scale = (name: string, replicas: number) => client.patch(statefulsets, NS, name, 'merge', { spec: { replicas } });
  const setImage = (name: string, image: string) => client.patch(statefulsets, NS, name, 'strategic', { spec: { template: { spec: { containers: [{ name: 'c', image }] } } } });
  const readyCount = async (name: string, n: number) => {
    const s = await getSts(name);
    return s.status?.readyReplicas === n && s.status.replicas === n && s.status.observedGeneration === s.metadata.generation && s;
  };

  /** Every watch event on the app's pods, from before the set exists. */
  function recordPods(app: string): { events: WatchEvent<PodObj>[]; stop: () => void } {
    const signal: { aborted: boolean; onAbort?: () => void } = { aborted: false };
    const out: WatchEvent<PodObj>[] = [];
    const path = `${resourcePath(pods, NS)}?watch=1&labelSelector=${encodeURIComponent(`app=${app}`)}`;
    void watchStream<PodObj>(client, path, (e) => { out.push(e); }, signal).catch(() => undefined);
    return { events: out, stop: () => { signal.aborted = true; signal.onAbort?.(); } };
  }

  it('OrderedReady: creates pods 0..N-1, each only once its predecessor is Running and Ready, and deletes them in reverse', async () => {
    await client.create(services, NS, { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { clusterIP: 'None', selector: { app: 'web' }, ports: [{ port: 80 }] } });
    const watch = recordPods('web');
    await sleep(300);
    const created = await client.create<StsObj>(statefulsets, NS, sts('web', 3));
    const st = await until('3 ready replicas', () => readyCount('web', 3));
    expect(st.status).to.include({ replicas: 3, readyReplicas: 3, currentReplicas: 3, updatedReplicas: 3, availableReplicas: 3 });
    expect(st.status?.currentRevision).to.equal(st.status?.updateRevision);
    expect(st.status?.currentRevision).to.match(/^web-[a-z0-9]+$/);

    // Replay the watch: each pod appears only after the one before it was seen Running and Ready.
    const ready = new Set<string>();
    const addedOrder: string[] = [];
    for (const e of watch.events) {
      if (e.type === 'ADDED') {
        const ord = Number(e.object.metadata.name.split('-').pop());
        if (ord > 0) expect(ready.has(`web-${ord - 1}`), `web-${ord} created before web-${ord - 1} was ready`).to.equal(true);
        addedOrder.push(e.object.metadata.name);
      }
      if (isReady(e.object)) ready.add(e.object.metadata.name);
    }
    expect(addedOrder).to.deep.equal(['web-0', 'web-1', 'web-2']);

    // Identity: hostname, subdomain, labels and the controller reference.
    for (const p of await podsOf('web')) {
      const ord = p.metadata.name.split('-').pop();
      expect(p.spec.hostname).to.equal(p.metadata.name);
      expect(p.spec.subdomain).to.equal('web');
      expect(p.metadata.labels).to.include({
        'statefulset.kubernetes.io/pod-name': p.metadata.name, 'apps.kubernetes.io/pod-index': ord, 'controller-revision-hash': st.status?.updateRevision,
      });
      expect(p.metadata.ownerReferences?.[0]).to.include({ kind: 'StatefulSet', uid: created.metadata.uid, controller: true });
    }
    const evs = await until('SuccessfulCreate events', async () => {
      const list = (await client.list<{ reason: string; message: string; involvedObject: { name: string; kind: string } }>(events, NS)).items
        .filter((e) => e.involvedObject.kind === 'StatefulSet' && e.involvedObject.name === 'web' && e.reason === 'SuccessfulCreate');
      return list.length === 3 && list;
    });
    expect(evs.map((e) => e.message).sort()).to.deep.equal([0, 1, 2].map((i) => `create Pod web-${i} in StatefulSet web successful`));

    // Scale down to 1: web-2 goes first and is gone before web-1 is touched.
    const mark = watch.events.length;
    await scale('web', 1);
    await until('1 replica', async () => (await podsOf('web')).length === 1 && (await readyCount('web', 1)));
    watch.stop();
    const gone: string[] = [];
    let web1DeletionStartedAfterWeb2Gone: boolean | undefined;
    for (const e of watch.events.slice(mark)) {
      if (e.type === 'DELETED') gone.push(e.object.metadata.name);
      if (e.object.metadata.name === 'web-1' && e.object.metadata.deletionTimestamp && web1DeletionStartedAfterWeb2Gone === undefined) {
        web1DeletionStartedAfterWeb2Gone = gone.includes('web-2');
      }
    }
    expect(gone).to.deep.equal(['web-2', 'web-1']);
    expect(web1DeletionStartedAfterWeb2Gone).to.equal(true);
    expect((await podsOf('web')).map((p) => p.metadata.name)).to.deep.equal(['web-0']);
  });

  it('OrderedReady halts while a pod is not Ready; Parallel creates all at once', async () => {
    const bad = { 'sim.skiff.dev/start-error': 'boom' };
    await client.create(statefulsets, NS, sts('halt', 3, { annotations: bad }));
    await client.create(statefulsets, NS, sts('par', 3, { annotations: bad, spec: { podManagementPolicy: 'Parallel' } }));
    await until('3 parallel pods', async () => (await podsOf('par')).length === 3);
    await until('halt-0 created', async () => (await podsOf('halt')).length === 1);
    await sleep(2000);
    expect((await podsOf('halt')).map((p) => p.metadata.name)).to.deep.equal(['halt-0']);
    const s = await until('status of halt', async () => { const x = await getSts('halt'); return x.status?.replicas === 1 && x; });
    expect(s.status?.readyReplicas ?? 0).to.equal(0);
  });

  it('creates one PVC per pod per claim template before the pod, and the replacement pod reuses it', async () => {
    // Claims for ordinals 0 and 1 exist already, bound to PVs (as the binder would leave them).
    for (const i of [0, 1]) {
      await client.create(pvs, undefined, {
        apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name: `pv-db-${i}` },
        spec: { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], hostPath: { path: `/tmp/pv-db-${i}` }, storageClassName: '', claimRef: { namespace: NS, name: `data-db-${i}` } },
      });
      await client.create(pvcs, NS, {
        apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: `data-db-${i}`, annotations: { 'pv.kubernetes.io/bind-completed': 'yes' } },
        spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, storageClassName: '', volumeName: `pv-db-${i}` },
      });
    }
    const claimTemplate = { metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], storageClassName: '', resources: { requests: { storage: '1Gi' } } } };
    await client.create(statefulsets, NS, sts('db', 2, { spec: { volumeClaimTemplates: [claimTemplate] } }));
    await until('2 ready', () => readyCount('db', 2));
    const before = await client.get<{ metadata: { uid: string } }>(pvcs, NS, 'data-db-0');
    const p0 = (await podsOf('db')).find((p) => p.metadata.name === 'db-0')!;
    expect(p0.spec.volumes?.find((v) => v.name === 'data')?.persistentVolumeClaim?.claimName).to.equal('data-db-0');

    await client.delete(pods, NS, 'db-0');
    const replacement = await until('a new db-0, ready', async () => {
      const p = (await podsOf('db')).find((x) => x.metadata.name === 'db-0');
      return p && p.metadata.uid !== p0.metadata.uid && isReady(p) && p;
    });
    expect(replacement.spec.volumes?.find((v) => v.name === 'data')?.persistentVolumeClaim?.claimName).to.equal('data-db-0');
    expect((await client.get<{ metadata: { uid: string } }>(pvcs, NS, 'data-db-0')).metadata.uid).to.equal(before.metadata.uid);

    // A new ordinal gets a new claim from the template, labelled with the selector's labels.
    await scale('db', 3);
    const claim = await until('data-db-2', () => client.get<{ metadata: { labels?: Record<string, string> }; spec: { resources: { requests: { storage: string } } } }>(pvcs, NS, 'data-db-2'));
    expect(claim.metadata.labels).to.deep.equal({ app: 'db' });
    expect(claim.spec.resources.requests.storage).to.equal('1Gi');
    const p2 = await until('db-2', async () => (await podsOf('db')).find((p) => p.metadata.name === 'db-2'));
    expect(p2.spec.volumes?.find((v) => v.name === 'data')?.persistentVolumeClaim?.claimName).to.equal('data-db-2');
    const evs = await until('claim event', async () => (await client.list<{ reason: string; message: string }>(events, NS)).items.find((e) => e.message === 'create Claim data-db-2 Pod db-2 in StatefulSet db success'));
    expect(evs.reason).to.equal('SuccessfulCreate');
  });

  it('with the binder and local-path provisioner, each pod mounts its own provisioned volume, and its replacement the same one', async () => {
    const claimTemplate = { metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } };
    await client.create(statefulsets, NS, sts('dyn', 2, { spec: { volumeClaimTemplates: [claimTemplate] } }));
    await until('2 ready', () => readyCount('dyn', 2), 90_000);
    type PvcObj = { metadata: { uid: string }; spec: { volumeName?: string; storageClassName?: string }; status?: { phase?: string } };
    const claims = await Promise.all([0, 1].map((i) => client.get<PvcObj>(pvcs, NS, `data-dyn-${i}`)));
    for (const c of claims) expect(c.status?.phase).to.equal('Bound');
    const old = (await podsOf('dyn')).find((p) => p.metadata.name === 'dyn-0')!;
    await client.delete(pods, NS, 'dyn-0');
    await until('a new dyn-0, ready', async () => {
      const p = (await podsOf('dyn')).find((x) => x.metadata.name === 'dyn-0');
      return p && p.metadata.uid !== old.metadata.uid && isReady(p);
    }, 90_000);
    const after = await client.get<PvcObj>(pvcs, NS, 'data-dyn-0');
    expect(after.metadata.uid).to.equal(claims[0].metadata.uid);
    expect(after.spec.volumeName).to.equal(claims[0].spec.volumeName);
  });

  it('persistentVolumeClaimRetentionPolicy whenDeleted: Delete puts the set as controller of its claims', async () => {
    const claimTemplate = { metadata: { name: 'vol' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } };
    const set = await client.create<StsObj>(statefulsets, NS, sts('ret', 1, { spec: { podManagementPolicy: 'Parallel', volumeClaimTemplates: [claimTemplate], persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Delete', whenScaled: 'Retain' } } }));
    const claim = await until('vol-ret-0 owned by the set', async () => {
      const c = await client.get<{ metadata: { ownerReferences?: { uid: string; kind: string; controller?: boolean }[] } }>(pvcs, NS, 'vol-ret-0');
      return (c.metadata.ownerReferences?.length ?? 0) > 0 && c;
    });
    expect(claim.metadata.ownerReferences).to.have.length(1);
    expect(claim.metadata.ownerReferences?.[0]).to.include({ kind: 'StatefulSet', uid: set.metadata.uid, controller: true });
  });

  it('RollingUpdate with a partition updates only ordinals >= partition, highest first; then the rest', async () => {
    await client.create(statefulsets, NS, sts('canary', 3));
    const first = await until('3 ready', () => readyCount('canary', 3));
    const rev1 = first.status?.updateRevision;
    const watch = recordPods('canary');
    await client.patch(statefulsets, NS, 'canary', 'merge', { spec: { updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 2 } } } });
    await setImage('canary', 'registry.local/app:2');
    const canary = await until('one pod updated', async () => {
      const s = await getSts('canary');
      return s.status?.updatedReplicas === 1 && s.status.readyReplicas === 3 && s;
    });
    const rev2 = canary.status?.updateRevision;
    expect(rev2).to.not.equal(rev1);
    expect(canary.status?.currentRevision).to.equal(rev1);
    expect(canary.status?.currentReplicas).to.equal(2);
    await sleep(1500);
    const byName = Object.fromEntries((await podsOf('canary')).map((p) => [p.metadata.name, p]));
    expect(byName['canary-2'].metadata.labels?.['controller-revision-hash']).to.equal(rev2);
    expect(byName['canary-2'].spec.containers[0].image).to.equal('registry.local/app:2');
    for (const n of ['canary-0', 'canary-1']) {
      expect(byName[n].metadata.labels?.['controller-revision-hash']).to.equal(rev1);
      expect(byName[n].spec.containers[0].image).to.equal('registry.local/app:1');
    }

    // Lift the partition: the others follow, highest ordinal first, and the update revision becomes current.
    await client.patch(statefulsets, NS, 'canary', 'merge', { spec: { updateStrategy: { rollingUpdate: { partition: 0 } } } });
    const done = await until('rollout complete', async () => {
      const s = await getSts('canary');
      return s.status?.updatedReplicas === 3 && s.status.readyReplicas === 3 && s.status.currentRevision === rev2 && s;
    });
    watch.stop();
    expect(done.status).to.include({ currentReplicas: 3, updateRevision: rev2 });
    const deletedOrder = watch.events.filter((e) => e.type === 'DELETED').map((e) => e.object.metadata.name);
    expect(deletedOrder).to.deep.equal(['canary-2', 'canary-1', 'canary-0']);
    for (const p of await podsOf('canary')) expect(p.spec.containers[0].image).to.equal('registry.local/app:2');
  });

  it('records ControllerRevisions, and `kubectl rollout undo` restores the previous template', async () => {
    const set = await getSts('canary');
    const revs = (await client.list<RevObj>(revisions, NS, { labelSelector: 'app=canary' })).items.sort((a, b) => a.revision - b.revision);
    expect(revs.map((r) => r.revision)).to.deep.equal([1, 2]);
    for (const r of revs) {
      expect(r.metadata.ownerReferences?.[0]).to.include({ kind: 'StatefulSet', uid: set.metadata.uid, controller: true });
      expect(r.metadata.labels?.['controller.kubernetes.io/hash']).to.be.a('string');
      expect(r.data.spec.template.$patch).to.equal('replace');
    }
    expect(revs[1].metadata.name).to.equal(set.status?.updateRevision);
    expect(revs[0].data.spec.template.spec.containers[0].image).to.equal('registry.local/app:1');

    const history = await run('kubectl', ['--kubeconfig', skiff.kubeconfigPath, 'rollout', 'history', 'statefulset/canary']);
    expect(history.stdout).to.match(/REVISION/);
    const undo = await run('kubectl', ['--kubeconfig', skiff.kubeconfigPath, 'rollout', 'undo', 'statefulset/canary']);
    expect(undo.stdout).to.match(/rolled back/);
    const back = await until('rolled back', async () => {
      const s = await getSts('canary');
      return s.status?.updateRevision === revs[0].metadata.name && s.status.currentRevision === revs[0].metadata.name && s.status.updatedReplicas === 3 && s.status.readyReplicas === 3 && s;
    });
    expect(back.status?.updateRevision).to.equal(revs[0].metadata.name);
    for (const p of await podsOf('canary')) expect(p.spec.containers[0].image).to.equal('registry.local/app:1');
    // The old revision was reused and renumbered, not copied.
    const after = (await client.list<RevObj>(revisions, NS, { labelSelector: 'app=canary' })).items;
    expect(after.map((r) => [r.metadata.name, r.revision]).sort()).to.deep.equal([[revs[0].metadata.name, 3], [revs[1].metadata.name, 2]].sort());
    const status = await run('kubectl', ['--kubeconfig', skiff.kubeconfigPath, 'rollout', 'status', 'statefulset/canary', '--timeout=30s']);
    expect(status.stdout).to.match(/partitioned roll out complete|rolling update complete/);
  });

  it('RollingUpdate with maxUnavailable 2 replaces up to two pods at a time, never more', async () => {
    await client.create(statefulsets, NS, sts('mu', 4, { spec: { podManagementPolicy: 'Parallel', updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 2 } } } }));
    await until('4 ready', () => readyCount('mu', 4));
    const list = await client.list<PodObj>(pods, NS, { labelSelector: 'app=mu' });
    const watch = recordPods('mu');
    await sleep(300);
    await setImage('mu', 'registry.local/app:2');
    await until('all updated', async () => {
      const s = await getSts('mu');
      return s.status?.updatedReplicas === 4 && s.status.readyReplicas === 4 && s.status.currentRevision === s.status.updateRevision;
    });
    watch.stop();
    const state = new Map(list.items.map((p) => [p.metadata.name, p]));
    for (const e of watch.events) {
      if (e.type === 'DELETED') state.delete(e.object.metadata.name);
      else state.set(e.object.metadata.name, e.object);
      const up = [...state.values()].filter((p) => !p.metadata.deletionTimestamp && isReady(p)).length;
      expect(up, 'ready pods').to.be.at.least(2);
    }
  });

  it('persistentVolumeClaimRetentionPolicy whenScaled: Delete hands a scaled-down pod\'s claim to the pod', async () => {
    const claimTemplate = { metadata: { name: 'scr' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } };
    await client.create(statefulsets, NS, sts('sc', 2, { spec: { volumeClaimTemplates: [claimTemplate], persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Delete' } } }));
    await until('2 ready', () => readyCount('sc', 2), 90_000);
    const pod1 = (await podsOf('sc')).find((p) => p.metadata.name === 'sc-1')!;
    type PvcRefs = { metadata: { ownerReferences?: { uid: string; kind: string; controller?: boolean }[] } };
    expect((await client.get<PvcRefs>(pvcs, NS, 'scr-sc-1')).metadata.ownerReferences ?? []).to.deep.equal([]);
    await scale('sc', 1);
    const claim = await until('scr-sc-1 owned by its pod', async () => {
      const c = await client.get<PvcRefs>(pvcs, NS, 'scr-sc-1');
      return (c.metadata.ownerReferences ?? []).some((r) => r.uid === pod1.metadata.uid) && c;
    });
    expect(claim.metadata.ownerReferences?.[0]).to.include({ kind: 'Pod', uid: pod1.metadata.uid, controller: true });
    expect((await client.get<PvcRefs>(pvcs, NS, 'scr-sc-0')).metadata.ownerReferences ?? []).to.deep.equal([]);
  });

  it('OnDelete: a template change replaces a pod only when it is deleted', async () => {
    await client.create(statefulsets, NS, sts('ondel', 2, { spec: { updateStrategy: { type: 'OnDelete' } } }));
    const first = await until('2 ready', () => readyCount('ondel', 2));
    await setImage('ondel', 'registry.local/app:2');
    const s = await until('a new update revision', async () => { const x = await getSts('ondel'); return x.status?.updateRevision !== first.status?.updateRevision && x; });
    await sleep(1500);
    for (const p of await podsOf('ondel')) expect(p.metadata.labels?.['controller-revision-hash']).to.equal(first.status?.currentRevision);
    expect(s.status?.currentRevision).to.equal(first.status?.currentRevision);
    await client.delete(pods, NS, 'ondel-1');
    const p1 = await until('ondel-1 at the update revision', async () => {
      const p = (await podsOf('ondel')).find((x) => x.metadata.name === 'ondel-1');
      return p?.metadata.labels?.['controller-revision-hash'] === s.status?.updateRevision && p;
    });
    expect(p1.spec.containers[0].image).to.equal('registry.local/app:2');
    const p0 = (await podsOf('ondel')).find((x) => x.metadata.name === 'ondel-0')!;
    expect(p0.spec.containers[0].image).to.equal('registry.local/app:1');
    await until('status counts', async () => { const x = await getSts('ondel'); return x.status?.updatedReplicas === 1 && x.status.currentReplicas === 1; });
  });
});
