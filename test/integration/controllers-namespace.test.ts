// The namespace controller against an in-process Skiff with the scheduler, two simulated nodes
// and the garbage collector (upstream pkg/controller/namespace): deleting a namespace marks it
// Terminating, refuses new content, deletes every namespaced kind (pods running on nodes
// included, after their graceful termination), reports progress in the upstream status
// conditions, waits for content finalizers, then removes the `kubernetes` finalizer so the
// namespace disappears. A namespace holding 100 objects goes within a reasonable time.

import { expect } from 'chai';
import { startSkiff, type Skiff } from '../../src/index.ts';
import { RestClient, apiErrorCode, isNotFound, resource } from '../../src/client/rest.ts';
import { newGarbageCollectorController } from '../../src/controllers/garbagecollector.ts';
import { newNamespaceController } from '../../src/controllers/namespace.ts';
import { sleep, until } from '../helpers.ts';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';

const namespaces = resource('namespaces');
const configmaps = resource('configmaps');
const secrets = resource('secrets');
const services = resource('services');
const pods = resource('pods');
const replicasets = resource('apps/replicasets');
const deployments = resource('apps/deployments');
const leases = resource('coordination.k8s.io/leases');
const serviceaccounts = resource('serviceaccounts');

interface Condition { type: string; status: string; reason: string; message: string; lastTransitionTime?: string }
interface Ns { metadata: { name: string; deletionTimestamp?: string }; spec?: { finalizers?: string[] }; status?: { phase?: string; conditions?: Condition[] } }
interface Obj { metadata: { name: string; uid: string; deletionTimestamp?: string; finalizers?: string[] }; spec?: { nodeName?: string }; status?: { phase?: string } }

describe('Namespace controller', function () {
  this.timeout(180_000);
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

  const getNs = async (name: string) => {
    try { return await client.get<Ns>(namespaces, undefined, name); } catch (e) { if (isNotFound(e)) return undefined; throw e; }
  };
  const nsGone = (name: string, timeoutMs?: number) => until(`namespace ${name} gone`, async () => (await getNs(name)) === undefined, timeoutMs);
  const podSpec = { terminationGracePeriodSeconds: 2, containers: [{ name: 'c', image: 'registry.local/pause:3.10' }] };

  it('deletes every kind in the namespace, pods on nodes included, reports the conditions, then the namespace goes', async () => {
    const ns = 'nsdel-all';
    await client.create(namespaces, undefined, { metadata: { name: ns } });
    await client.create(configmaps, ns, { metadata: { name: 'cm' }, data: { a: 'b' } });
    await client.create(secrets, ns, { metadata: { name: 's' }, stringData: { a: 'b' } });
    await client.create(serviceaccounts, ns, { metadata: { name: 'sa' } });
    await client.create(services, ns, { metadata: { name: 'svc' }, spec: { selector: { app: 'x' }, ports: [{ port: 80 }] } });
    await client.create(leases, ns, { metadata: { name: 'l' }, spec: { holderIdentity: 'x' } });
    await client.create(deployments, ns, {
      metadata: { name: 'd' },
      spec: { replicas: 0, selector: { matchLabels: { app: 'd' } }, template: { metadata: { labels: { app: 'd' } }, spec: podSpec } },
    });
    const rs = await client.create<Obj>(replicasets, ns, {
      metadata: { name: 'rs' },
      spec: { replicas: 0, selector: { matchLabels: { app: 'rs' } }, template: { metadata: { labels: { app: 'rs' } }, spec: podSpec } },
    });
    for (let i = 0; i < 4; i++) {
      await client.create(pods, ns, {
        metadata: { name: `p${i}`, labels: { app: 'rs' }, ownerReferences: i < 2 ? [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: rs.metadata.uid, controller: true, blockOwnerDeletion: true }] : undefined },
        spec: podSpec,
      });
    }
    await until('pods running on nodes', async () => {
      const ps = (await client.list<Obj>(pods, ns)).items;
      return ps.length === 4 && ps.every((p) => p.spec?.nodeName && p.status?.phase === 'Running');
    });
    // A finalizer of ours holds one object, so the terminating state can be looked at.
    await client.create(configmaps, ns, { metadata: { name: 'held', finalizers: ['example.com/hold'] } });

    await client.delete(namespaces, undefined, ns);
    const terminating = await until('Terminating with the finalizer condition', async () => {
      const n = await getNs(ns);
      const cs = n?.status?.conditions ?? [];
      const done = cs.some((c) => c.type === 'NamespaceFinalizersRemaining' && c.status === 'True') && cs.some((c) => c.type === 'NamespaceDeletionContentFailure' && c.status === 'False');
      return n?.status?.phase === 'Terminating' && done && n;
    });
    const byType = new Map((terminating.status?.conditions ?? []).map((c) => [c.type, c]));
    expect(byType.get('NamespaceDeletionDiscoveryFailure')).to.include({ status: 'False', reason: 'ResourcesDiscovered', message: 'All resources successfully discovered' });
    expect(byType.get('NamespaceDeletionGroupVersionParsingFailure')).to.include({ status: 'False', reason: 'ParsedGroupVersions', message: 'All legacy kube types successfully parsed' });
    expect(byType.get('NamespaceDeletionContentFailure')).to.include({ status: 'False', reason: 'ContentDeleted', message: 'All content successfully deleted, may be waiting on finalization' });
    expect(byType.get('NamespaceFinalizersRemaining')).to.include({ status: 'True', reason: 'SomeFinalizerRemain', message: 'Some finalizers are remaining: example.com/hold in 1 resource instances' });
    await until('only the held object remaining', async () => {
      const c = (await getNs(ns))?.status?.conditions?.find((x) => x.type === 'NamespaceContentRemaining');
      return c?.status === 'True' && c.reason === 'SomeResourcesRemain' && c.message === 'Some resources are remaining: configmaps. has 1 resource instances';
    });
    expect(terminating.spec?.finalizers).to.deep.equal(['kubernetes']);

    // New content is refused while terminating.
    const refused = await client.create(configmaps, ns, { metadata: { name: 'late' } }).then(() => 0, (e: unknown) => apiErrorCode(e));
    expect(refused).to.equal(403);

    // Everything else is gone, pods included.
    for (const r of [secrets, serviceaccounts, services, leases, deployments, replicasets, pods]) {
      await until(`${r.plural} emptied`, async () => (await client.list(r, ns)).items.length === 0);
    }
    expect((await client.list<Obj>(configmaps, ns)).items.map((o) => o.metadata.name)).to.deep.equal(['held']);

    await client.patch(configmaps, ns, 'held', 'merge', { metadata: { finalizers: null } });
    await nsGone(ns);
  });

  it('a namespace with 100 objects is gone within a reasonable time', async () => {
    const ns = 'nsdel-100';
    await client.create(namespaces, undefined, { metadata: { name: ns } });
    const creates: Promise<unknown>[] = [];
    for (let i = 0; i < 60; i++) creates.push(client.create(configmaps, ns, { metadata: { name: `cm-${i}` }, data: { i: String(i) } }));
    for (let i = 0; i < 20; i++) creates.push(client.create(secrets, ns, { metadata: { name: `s-${i}` }, stringData: { i: String(i) } }));
    for (let i = 0; i < 10; i++) creates.push(client.create(services, ns, { metadata: { name: `svc-${i}` }, spec: { selector: { app: 'x' }, ports: [{ port: 80 }] } }));
    for (let i = 0; i < 10; i++) creates.push(client.create(pods, ns, { metadata: { name: `p-${i}` }, spec: podSpec }));
    await Promise.all(creates);
    await until('pods running', async () => (await client.list<Obj>(pods, ns)).items.every((p) => p.status?.phase === 'Running'));

    const t0 = Date.now();
    await client.delete(namespaces, undefined, ns);
    await nsGone(ns, 90_000);
    const ms = Date.now() - t0;
    console.log(`      namespace with 100 objects (10 running pods) gone in ${ms} ms`);
    expect(ms).to.be.below(90_000);
  });

  it('kubectl delete namespace waits until the namespace and its content are gone', async function () {
    const bin = process.env.KUBECTL ?? '/usr/bin/kubectl';
    if (!existsSync(bin)) this.skip();
    const ns = 'nsdel-kubectl';
    await client.create(namespaces, undefined, { metadata: { name: ns } });
    await client.create(configmaps, ns, { metadata: { name: 'cm' } });
    await client.create(pods, ns, { metadata: { name: 'p' }, spec: podSpec });
    await until('pod running', async () => (await client.get<Obj>(pods, ns, 'p')).status?.phase === 'Running');
    const r = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(bin, ['--kubeconfig', skiff.kubeconfigPath, 'delete', 'namespace', ns], { timeout: 90_000 }, (err, stdout, stderr) =>
        resolve({ code: err ? 1 : 0, stdout, stderr }));
    });
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.match(/namespace "nsdel-kubectl" deleted/);
    expect(await getNs(ns)).to.equal(undefined);
  });

  it('a namespace whose content is all gone already is finalized at once; an active one is left alone', async () => {
    await client.create(namespaces, undefined, { metadata: { name: 'nsdel-empty' } });
    await client.create(namespaces, undefined, { metadata: { name: 'nsdel-keep' } });
    await client.delete(namespaces, undefined, 'nsdel-empty');
    await nsGone('nsdel-empty');
    await sleep(500);
    const keep = await getNs('nsdel-keep');
    expect(keep?.status?.phase).to.equal('Active');
    expect(keep?.spec?.finalizers).to.deep.equal(['kubernetes']);
  });
});
