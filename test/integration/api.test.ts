// The API server through @kubernetes/client-node and raw HTTPS, against an in-process Skiff.

import { expect } from 'chai';
import { KubeConfig, KubernetesObjectApi, CoreV1Api, AppsV1Api, Watch, ApiException, PatchStrategy, setHeaderOptions, type KubernetesObject } from '@kubernetes/client-node';
import { startSkiff, type Skiff } from '../../src/index.ts';
import { sampleObjects, sampleClusterObjects } from '../fixtures/objects.ts';
import { request, WatchCollector, sleep } from '../helpers.ts';

async function expectApiError(p: Promise<unknown>, code: number): Promise<{ reason?: string; message?: string; details?: { causes?: { field?: string }[] } }> {
  try {
    await p;
  } catch (e) {
    expect(e).to.be.instanceOf(ApiException);
    const err = e as ApiException<unknown>;
    expect(err.code).to.equal(code);
    const body = typeof err.body === 'string' ? JSON.parse(err.body) as Record<string, unknown> : err.body as Record<string, unknown>;
    return body as { reason?: string };
  }
  throw new Error(`expected an error with code ${code}`);
}

describe('API server (client-node, in-process)', function () {
  this.timeout(30_000);
  let skiff: Skiff;
  let kc: KubeConfig;
  let objects: KubernetesObjectApi;
  let core: CoreV1Api;
  let apps: AppsV1Api;

  before(async () => {
    skiff = await startSkiff();
    kc = new KubeConfig();
    kc.loadFromString(skiff.kubeconfig);
    objects = KubernetesObjectApi.makeApiClient(kc);
    core = kc.makeApiClient(CoreV1Api);
    apps = kc.makeApiClient(AppsV1Api);
    await core.createNamespace({ body: { metadata: { name: 'it' } } });
  });
  after(async () => { await skiff?.close(); });

  describe('CRUD for every served kind', () => {
    for (const sample of [...sampleObjects('it'), ...sampleClusterObjects('crud')]) {
      it(`${sample.apiVersion} ${sample.kind}: create, get, list, replace, patch, delete`, async () => {
        const spec = JSON.parse(JSON.stringify(sample)) as KubernetesObject;
        const created = await objects.create(spec);
        expect(created.metadata?.uid).to.be.a('string');
        expect(created.metadata?.resourceVersion).to.match(/^\d+$/);
        expect(created.metadata?.creationTimestamp).to.be.instanceOf(Date);

        const read = await objects.read({ apiVersion: sample.apiVersion!, kind: sample.kind!, metadata: { name: sample.metadata.name!, namespace: sample.metadata.namespace } });
        expect(read.metadata?.uid).to.equal(created.metadata?.uid);

        const list = await objects.list(sample.apiVersion!, sample.kind!, sample.metadata.namespace);
        expect(list.items.map((i) => i.metadata?.name)).to.include(sample.metadata.name);

        const labelled = { ...read, metadata: { ...read.metadata, labels: { ...read.metadata?.labels, touched: 'yes' } } };
        const replaced = await objects.replace(labelled);
        expect(replaced.metadata?.labels?.touched).to.equal('yes');
        expect(Number(replaced.metadata?.resourceVersion)).to.be.greaterThan(Number(created.metadata?.resourceVersion));

        const patched = await objects.patch(
          { apiVersion: sample.apiVersion, kind: sample.kind, metadata: { name: sample.metadata.name, namespace: sample.metadata.namespace, annotations: { note: 'merged' } } },
          undefined, undefined, undefined, undefined, PatchStrategy.MergePatch,
        );
        expect(patched.metadata?.annotations?.note).to.equal('merged');
        expect((patched as KubernetesObject).metadata?.labels?.touched).to.equal('yes');

        await objects.delete({ apiVersion: sample.apiVersion, kind: sample.kind, metadata: { name: sample.metadata.name, namespace: sample.metadata.namespace } });
        if (sample.kind === 'Namespace') {
          // Namespaces go Terminating and wait for the namespace controller to finalize them.
          const ns = await core.readNamespace({ name: sample.metadata.name! });
          expect(ns.status?.phase).to.equal('Terminating');
          return;
        }
        await expectApiError(objects.read({ apiVersion: sample.apiVersion!, kind: sample.kind!, metadata: { name: sample.metadata.name!, namespace: sample.metadata.namespace } }), 404);
      });
    }
  });

  describe('metadata and validation', () => {
    it('generateName makes a unique name', async () => {
      const a = await core.createNamespacedConfigMap({ namespace: 'it', body: { metadata: { generateName: 'gen-' } } });
      const b = await core.createNamespacedConfigMap({ namespace: 'it', body: { metadata: { generateName: 'gen-' } } });
      expect(a.metadata?.name).to.match(/^gen-[a-z0-9]{5}$/);
      expect(a.metadata?.name).to.not.equal(b.metadata?.name);
    });

    it('rejects a duplicate name with 409 AlreadyExists', async () => {
      await core.createNamespacedConfigMap({ namespace: 'it', body: { metadata: { name: 'dup' } } });
      const s = await expectApiError(core.createNamespacedConfigMap({ namespace: 'it', body: { metadata: { name: 'dup' } } }), 409);
      expect(s.reason).to.equal('AlreadyExists');
      expect(s.message).to.equal('configmaps "dup" already exists');
    });

    it('rejects an invalid object with 422 Invalid and causes', async () => {
      const s = await expectApiError(core.createNamespacedPod({ namespace: 'it', body: { metadata: { name: 'Bad_Name' }, spec: { containers: [] } } }), 422);
      expect(s.reason).to.equal('Invalid');
      expect(s.details?.causes?.map((c) => c.field)).to.include('metadata.name');
    });

    it('refuses creates in a namespace that does not exist', async () => {
      const s = await expectApiError(core.createNamespacedConfigMap({ namespace: 'nope', body: { metadata: { name: 'x' } } }), 404);
      expect(s.message).to.equal('namespaces "nope" not found');
    });

    it('bumps generation on spec changes only', async () => {
      const d = await apps.createNamespacedDeployment({ namespace: 'it', body: {
        metadata: { name: 'gen' }, spec: { selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'busybox' }] } } },
      } });
      expect(d.metadata?.generation).to.equal(1);
      const l = await apps.patchNamespacedDeployment({ namespace: 'it', name: 'gen', body: { metadata: { labels: { x: 'y' } } } }, setMerge());
      expect(l.metadata?.generation).to.equal(1);
      const s = await apps.patchNamespacedDeployment({ namespace: 'it', name: 'gen', body: { spec: { replicas: 3 } } }, setMerge());
      expect(s.metadata?.generation).to.equal(2);
    });

    it('conflicts on a stale resourceVersion (409)', async () => {
      const cm = await core.createNamespacedConfigMap({ namespace: 'it', body: { metadata: { name: 'occ' }, data: { v: '1' } } });
      await core.replaceNamespacedConfigMap({ namespace: 'it', name: 'occ', body: { ...cm, data: { v: '2' } } });
      const s = await expectApiError(core.replaceNamespacedConfigMap({ namespace: 'it', name: 'occ', body: { ...cm, data: { v: '3' } } }), 409);
      expect(s.reason).to.equal('Conflict');
    });

    it('keeps an object with finalizers until they are removed', async () => {
      await core.createNamespacedConfigMap({ namespace: 'it', body: { metadata: { name: 'fin', finalizers: ['example.com/hold'] } } });
      await core.deleteNamespacedConfigMap({ namespace: 'it', name: 'fin' });
      const held = await core.readNamespacedConfigMap({ namespace: 'it', name: 'fin' });
      expect(held.metadata?.deletionTimestamp).to.be.instanceOf(Date);
      await core.patchNamespacedConfigMap({ namespace: 'it', name: 'fin', body: { metadata: { finalizers: null } } }, setMerge());
      await expectApiError(core.readNamespacedConfigMap({ namespace: 'it', name: 'fin' }), 404);
    });

    it('records propagationPolicy as finalizers for the garbage collector', async () => {
      await core.createNamespacedConfigMap({ namespace: 'it', body: { metadata: { name: 'fg', finalizers: ['example.com/hold'] } } });
      await core.deleteNamespacedConfigMap({ namespace: 'it', name: 'fg', propagationPolicy: 'Foreground' });
      const held = await core.readNamespacedConfigMap({ namespace: 'it', name: 'fg' });
      expect(held.metadata?.finalizers).to.include('foregroundDeletion');
      await core.createNamespacedConfigMap({ namespace: 'it', body: { metadata: { name: 'orph' } } });
      await core.deleteNamespacedConfigMap({ namespace: 'it', name: 'orph', propagationPolicy: 'Orphan' });
      const orph = await core.readNamespacedConfigMap({ namespace: 'it', name: 'orph' });
      expect(orph.metadata?.finalizers).to.deep.equal(['orphan']);
    });

    it('checks delete preconditions', async () => {
      await core.createNamespacedConfigMap({ namespace: 'it', body: { metadata: { name: 'pre' } } });
      await expectApiError(core.deleteNamespacedConfigMap({ namespace: 'it', name: 'pre', body: { preconditions: { uid: 'not-the-uid' } } }), 409);
    });

    it('gives a bound pod a grace period and deletes an unbound one at once', async () => {
      await core.createNamespacedPod({ namespace: 'it', body: { metadata: { name: 'bound' }, spec: { nodeName: 'n1', containers: [{ name: 'c', image: 'busybox' }] } } });
      await core.deleteNamespacedPod({ namespace: 'it', name: 'bound' });
      const p = await core.readNamespacedPod({ namespace: 'it', name: 'bound' });
      expect(p.metadata?.deletionGracePeriodSeconds).to.equal(30);
      await core.deleteNamespacedPod({ namespace: 'it', name: 'bound', gracePeriodSeconds: 0 });
      await expectApiError(core.readNamespacedPod({ namespace: 'it', name: 'bound' }), 404);
    });

    it('allocates distinct ClusterIPs and NodePorts, and none for headless services', async () => {
      const a = await core.createNamespacedService({ namespace: 'it', body: { metadata: { name: 'svc-a' }, spec: { type: 'NodePort', selector: { a: 'b' }, ports: [{ port: 80 }] } } });
      const b = await core.createNamespacedService({ namespace: 'it', body: { metadata: { name: 'svc-b' }, spec: { selector: { a: 'b' }, ports: [{ port: 80 }] } } });
      const h = await core.createNamespacedService({ namespace: 'it', body: { metadata: { name: 'svc-h' }, spec: { clusterIP: 'None', selector: { a: 'b' }, ports: [{ port: 80 }] } } });
      expect(a.spec?.clusterIP).to.match(/^10\.(9[6-9]|10[0-9]|11[01])\./);
      expect(a.spec?.clusterIP).to.not.equal(b.spec?.clusterIP);
      expect(a.spec?.ports?.[0].nodePort).to.be.within(30000, 32767);
      expect(a.spec?.ports?.[0].targetPort).to.equal(80);
      expect(h.spec?.clusterIP).to.equal('None');
      const dupe = await expectApiError(core.createNamespacedService({ namespace: 'it', body: { metadata: { name: 'svc-c' }, spec: { clusterIP: a.spec?.clusterIP, ports: [{ port: 80 }] } } }), 422);
      expect(dupe.reason).to.equal('Invalid');
    });
  });

  describe('subresources', () => {
    it('scale reads and writes spec.replicas', async () => {
      await apps.createNamespacedReplicaSet({ namespace: 'it', body: {
        metadata: { name: 'scaled' }, spec: { replicas: 1, selector: { matchLabels: { s: 'x' } }, template: { metadata: { labels: { s: 'x' } }, spec: { containers: [{ name: 'c', image: 'busybox' }] } } },
      } });
      const s = await apps.readNamespacedReplicaSetScale({ namespace: 'it', name: 'scaled' });
      expect(s.spec?.replicas).to.equal(1);
      expect(s.status?.selector).to.equal('s=x');
      await apps.patchNamespacedReplicaSetScale({ namespace: 'it', name: 'scaled', body: { spec: { replicas: 4 } } }, setMerge());
      const rs = await apps.readNamespacedReplicaSet({ namespace: 'it', name: 'scaled' });
      expect(rs.spec?.replicas).to.equal(4);
    });

    it('status updates change status only, main updates keep status', async () => {
      const rs = await apps.readNamespacedReplicaSet({ namespace: 'it', name: 'scaled' });
      await apps.replaceNamespacedReplicaSetStatus({ namespace: 'it', name: 'scaled', body: { ...rs, spec: { ...rs.spec!, replicas: 9 }, status: { replicas: 2 } } });
      const after = await apps.readNamespacedReplicaSet({ namespace: 'it', name: 'scaled' });
      expect(after.status?.replicas).to.equal(2);
      expect(after.spec?.replicas).to.equal(4);
      await apps.replaceNamespacedReplicaSet({ namespace: 'it', name: 'scaled', body: { ...after, status: { replicas: 7 } } });
      const again = await apps.readNamespacedReplicaSet({ namespace: 'it', name: 'scaled' });
      expect(again.status?.replicas).to.equal(2);
    });

    it('binding assigns a pod to a node once', async () => {
      await core.createNamespacedPod({ namespace: 'it', body: { metadata: { name: 'tobind' }, spec: { containers: [{ name: 'c', image: 'busybox' }] } } });
      await core.createNamespacedBinding({ namespace: 'it', body: { metadata: { name: 'tobind' }, target: { kind: 'Node', name: 'node-a' } } });
      const p = await core.readNamespacedPod({ namespace: 'it', name: 'tobind' });
      expect(p.spec?.nodeName).to.equal('node-a');
      expect(p.status?.conditions?.find((c) => c.type === 'PodScheduled')?.status).to.equal('True');
      await expectApiError(core.createNamespacedBinding({ namespace: 'it', body: { metadata: { name: 'tobind' }, target: { kind: 'Node', name: 'node-b' } } }), 409);
    });

    it('namespaces/finalize edits spec.finalizers and completes a terminating namespace', async () => {
      await core.createNamespace({ body: { metadata: { name: 'to-finalize' } } });
      await core.deleteNamespace({ name: 'to-finalize' });
      const ns = await core.readNamespace({ name: 'to-finalize' });
      expect(ns.spec?.finalizers).to.deep.equal(['kubernetes']);
      await core.replaceNamespaceFinalize({ name: 'to-finalize', body: { ...ns, spec: { finalizers: [] } } });
      await expectApiError(core.readNamespace({ name: 'to-finalize' }), 404);
    });
  });

  describe('lists', () => {
    before(async () => {
      await core.createNamespace({ body: { metadata: { name: 'paging' } } });
      for (let i = 0; i < 25; i++) {
        await core.createNamespacedConfigMap({ namespace: 'paging', body: { metadata: { name: `cm-${String(i).padStart(2, '0')}`, labels: { parity: i % 2 ? 'odd' : 'even', idx: String(i) } } } });
      }
    });

    it('pages with limit/continue on a consistent snapshot', async () => {
      const first = await core.listNamespacedConfigMap({ namespace: 'paging', limit: 10 });
      expect(first.items).to.have.length(10);
      expect(first.metadata?.remainingItemCount).to.equal(15);
      // A change after the first page does not show up in later pages of the same list.
      await core.createNamespacedConfigMap({ namespace: 'paging', body: { metadata: { name: 'cm-99' } } });
      await core.deleteNamespacedConfigMap({ namespace: 'paging', name: 'cm-15' });
      const names = first.items.map((i) => i.metadata!.name!);
      let cont = first.metadata?._continue;
      while (cont) {
        const page = await core.listNamespacedConfigMap({ namespace: 'paging', limit: 10, _continue: cont });
        expect(page.metadata?.resourceVersion).to.equal(first.metadata?.resourceVersion);
        names.push(...page.items.map((i) => i.metadata!.name!));
        cont = page.metadata?._continue;
      }
      expect(names).to.have.length(25);
      expect(names).to.include('cm-15');
      expect(names).to.not.include('cm-99');
      expect(names).to.deep.equal([...names].sort());
    });

    it('filters by label selectors', async () => {
      const cases: [string, number][] = [
        // cm-15 was deleted and cm-99 (no labels) added by the paging test.
        ['parity=odd', 11], ['parity!=odd', 14], ['parity in (odd,even)', 24], ['parity notin (odd)', 14], ['idx', 24], ['!idx', 1], ['parity==even,idx in (0,2,4)', 3],
      ];
      for (const [sel, n] of cases) {
        const l = await core.listNamespacedConfigMap({ namespace: 'paging', labelSelector: sel });
        expect(l.items, sel).to.have.length(n);
      }
    });

    it('filters by field selectors and lists across namespaces', async () => {
      const l = await core.listConfigMapForAllNamespaces({ fieldSelector: 'metadata.name=cm-03' });
      expect(l.items.map((i) => i.metadata?.namespace)).to.deep.equal(['paging']);
      const p = await core.listPodForAllNamespaces({ fieldSelector: 'spec.nodeName=node-a' });
      expect(p.items.map((i) => i.metadata?.name)).to.deep.equal(['tobind']);
    });

    it('rejects unknown field selectors with 400', async () => {
      const s = await expectApiError(core.listNamespacedConfigMap({ namespace: 'paging', fieldSelector: 'spec.bogus=1' }), 400);
      expect(s.message).to.contain('field label not supported');
    });

    it('serves resourceVersionMatch=Exact from history', async () => {
      const before = await core.listNamespacedConfigMap({ namespace: 'paging' });
      await core.createNamespacedConfigMap({ namespace: 'paging', body: { metadata: { name: 'cm-later' } } });
      const exact = await core.listNamespacedConfigMap({ namespace: 'paging', resourceVersion: before.metadata!.resourceVersion!, resourceVersionMatch: 'Exact' });
      expect(exact.items.map((i) => i.metadata?.name)).to.not.include('cm-later');
      expect(exact.items).to.have.length(before.items.length);
    });
  });

  describe('watch', () => {
    it('resumes from a resourceVersion and delivers every change once, in order', async () => {
      await core.createNamespace({ body: { metadata: { name: 'w1' } } });
      const start = await core.listNamespacedConfigMap({ namespace: 'w1' });
      const rv = start.metadata!.resourceVersion!;
      await core.createNamespacedConfigMap({ namespace: 'w1', body: { metadata: { name: 'a' } } });
      await core.patchNamespacedConfigMap({ namespace: 'w1', name: 'a', body: { data: { x: '1' } } }, setMerge());
      await core.deleteNamespacedConfigMap({ namespace: 'w1', name: 'a' });
      const seen: string[] = [];
      const rvs: number[] = [];
      const watch = new Watch(kc);
      const ctl = await watch.watch('/api/v1/namespaces/w1/configmaps', { resourceVersion: rv }, (type, obj: KubernetesObject) => {
        seen.push(`${type} ${obj.metadata?.name}`);
        rvs.push(Number(obj.metadata?.resourceVersion));
      }, () => undefined);
      await core.createNamespacedConfigMap({ namespace: 'w1', body: { metadata: { name: 'b' } } });
      for (let i = 0; i < 50 && seen.length < 4; i++) await sleep(20);
      ctl.abort();
      expect(seen).to.deep.equal(['ADDED a', 'MODIFIED a', 'DELETED a', 'ADDED b']);
      expect(rvs).to.deep.equal([...rvs].sort((x, y) => x - y));
    });

    it('turns selector transitions into ADDED and DELETED', async () => {
      await core.createNamespace({ body: { metadata: { name: 'w2' } } });
      const start = await core.listNamespacedConfigMap({ namespace: 'w2' });
      const w = await WatchCollector.open(skiff, `/api/v1/namespaces/w2/configmaps?watch=true&labelSelector=tier%3Dfront&resourceVersion=${start.metadata!.resourceVersion}`);
      await core.createNamespacedConfigMap({ namespace: 'w2', body: { metadata: { name: 'c', labels: { tier: 'back' } } } });
      await core.patchNamespacedConfigMap({ namespace: 'w2', name: 'c', body: { metadata: { labels: { tier: 'front' } } } }, setMerge());
      await core.patchNamespacedConfigMap({ namespace: 'w2', name: 'c', body: { data: { k: 'v' } } }, setMerge());
      await core.patchNamespacedConfigMap({ namespace: 'w2', name: 'c', body: { metadata: { labels: { tier: 'back' } } } }, setMerge());
      const events = await w.waitFor(3);
      w.close();
      expect(events.map((e) => e.type)).to.deep.equal(['ADDED', 'MODIFIED', 'DELETED']);
      // The DELETED of a transition carries the last matching state at the transition's revision.
      expect((events[2].object as { metadata: { labels: Record<string, string> } }).metadata.labels.tier).to.equal('front');
    });

    it('sends the current state first when no resourceVersion is given', async () => {
      const w = await WatchCollector.open(skiff, '/api/v1/namespaces/paging/configmaps?watch=1&labelSelector=parity%3Dodd');
      const events = await w.waitFor(11);
      w.close();
      expect(events.filter((e) => e.type === 'ADDED')).to.have.length(11);
    });

    it('answers sendInitialEvents with an initial-events-end bookmark', async () => {
      const w = await WatchCollector.open(skiff, '/api/v1/namespaces/paging/configmaps?watch=1&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true&labelSelector=parity%3Dodd');
      const events = await w.waitFor(12);
      w.close();
      expect(events.slice(0, 11).every((e) => e.type === 'ADDED')).to.equal(true);
      expect(events[11].type).to.equal('BOOKMARK');
      expect(events[11].object.metadata.annotations?.['k8s.io/initial-events-end']).to.equal('true');
    });

    it('ends at timeoutSeconds', async () => {
      const w = await WatchCollector.open(skiff, '/api/v1/namespaces/w1/configmaps?watch=1&timeoutSeconds=1&resourceVersion=1');
      const t0 = Date.now();
      await w.waitFor(1000, 3000);
      expect(w.ended).to.equal(true);
      expect(Date.now() - t0).to.be.lessThan(2500);
    });
  });

  describe('wire-level errors', () => {
    const cases: { name: string; method: string; path: string; opts?: Parameters<typeof request>[3]; status: number; reason: string }[] = [
      { name: 'anonymous request', method: 'GET', path: '/api/v1/namespaces', opts: { anonymous: true }, status: 401, reason: 'Unauthorized' },
      { name: 'unknown resource', method: 'GET', path: '/api/v1/widgets', status: 404, reason: 'NotFound' },
      { name: 'missing object', method: 'GET', path: '/api/v1/namespaces/default/configmaps/none', status: 404, reason: 'NotFound' },
      { name: 'malformed JSON', method: 'POST', path: '/api/v1/namespaces/default/configmaps', opts: { rawBody: '{"metadata":' }, status: 400, reason: 'BadRequest' },
      { name: 'unsupported media type', method: 'POST', path: '/api/v1/namespaces/default/configmaps', opts: { rawBody: '<x/>', contentType: 'application/xml' }, status: 415, reason: 'UnsupportedMediaType' },
      { name: 'too large body', method: 'POST', path: '/api/v1/namespaces/default/configmaps', opts: { rawBody: JSON.stringify({ metadata: { name: 'big' }, data: { x: 'y'.repeat(3 * 1024 * 1024 + 10) } }) }, status: 413, reason: 'RequestEntityTooLarge' },
      { name: 'wrong method', method: 'POST', path: '/api/v1/namespaces/default/configmaps/x', opts: { body: {} }, status: 405, reason: 'MethodNotAllowed' },
      { name: 'wrong kind in body', method: 'POST', path: '/api/v1/namespaces/default/configmaps', opts: { body: { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'k' } } }, status: 400, reason: 'BadRequest' },
      { name: 'body that is not an object', method: 'POST', path: '/api/v1/namespaces/default/configmaps', opts: { rawBody: '[1,2]' }, status: 400, reason: 'BadRequest' },
      { name: 'bad label selector', method: 'GET', path: '/api/v1/configmaps?labelSelector=a%20in%20(', status: 400, reason: 'BadRequest' },
      { name: 'bad continue token', method: 'GET', path: '/api/v1/configmaps?limit=1&continue=zzz', status: 400, reason: 'BadRequest' },
      { name: 'too old resourceVersion for Exact', method: 'GET', path: '/api/v1/configmaps?resourceVersion=abc', status: 400, reason: 'BadRequest' },
      { name: 'bad json patch', method: 'PATCH', path: '/api/v1/namespaces/default/configmaps/x', opts: { rawBody: '{}', contentType: 'application/json-patch+json' }, status: 404, reason: 'NotFound' },
      { name: 'unacceptable Accept', method: 'GET', path: '/api/v1/namespaces', opts: { accept: 'text/html' }, status: 406, reason: 'NotAcceptable' },
    ];
    for (const c of cases) {
      it(`${c.name} → ${c.status} ${c.reason}`, async () => {
        const r = await request(skiff, c.method, c.path, c.opts);
        expect(r.status, r.text).to.equal(c.status);
        const status = r.json as { kind: string; code: number; reason: string };
        expect(status.kind).to.equal('Status');
        expect(status.code).to.equal(c.status);
        expect(status.reason).to.equal(c.reason);
      });
    }

    it('serves health and version without credentials', async () => {
      for (const p of ['/healthz', '/livez', '/readyz', '/version']) {
        const r = await request(skiff, 'GET', p, { anonymous: true });
        expect(r.status, p).to.equal(200);
      }
      const v = await request(skiff, 'GET', '/version', { anonymous: true });
      expect((v.json as { minor: string }).minor).to.equal('32');
    });

    it('serves aggregated discovery with the content type kubectl asks for', async () => {
      const accept = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json';
      const r = await request(skiff, 'GET', '/apis', { accept });
      expect(r.headers['content-type']).to.equal('application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList');
      const groups = (r.json as { items: { metadata: { name: string } }[] }).items.map((i) => i.metadata.name);
      expect(groups).to.include.members(['apps', 'coordination.k8s.io', 'discovery.k8s.io', 'events.k8s.io']);
      const old = await request(skiff, 'GET', '/api', { accept: 'application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json' });
      expect(old.headers['content-type']).to.equal('application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList');
    });
  });
});

/** client-node 1.x picks the patch content type through a header option. */
function setMerge() {
  return setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
}
