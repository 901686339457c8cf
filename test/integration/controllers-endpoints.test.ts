// The Endpoints and EndpointSlice controllers against an in-process Skiff with the scheduler and
// three simulated nodes: pods' readiness decides addresses vs notReadyAddresses (ready=false in
// slices), named target ports resolve per pod (pods resolving differently land in different
// subsets and slices), publishNotReadyAddresses and its legacy annotation, hostnames for pods
// under a headless Service, terminal pods left out, slices capped at 100 endpoints, the reserved
// slice labels and owner, and cleanup when pods, selectors or Services go away.

import { expect } from 'chai';
import { startSkiff, type Skiff } from '../../src/index.ts';
import { RestClient, resource, isNotFound } from '../../src/client/rest.ts';
import { newEndpointsController } from '../../src/controllers/endpoints.ts';
import { newEndpointSliceController } from '../../src/controllers/endpointslice.ts';
import { newEndpointSliceMirroringController } from '../../src/controllers/endpointslicemirroring.ts';
import { sleep, until } from '../helpers.ts';

const pods = resource('pods');
const services = resource('services');
const endpointsRes = resource('endpoints');
const slicesRes = resource('discovery.k8s.io/endpointslices');
const NS = 'default';
const GATE = 'skiff.test/serving';

interface Address { ip: string; hostname?: string; nodeName?: string; targetRef?: { kind: string; name: string; namespace: string; uid: string } }
interface Subset { addresses?: Address[]; notReadyAddresses?: Address[]; ports?: { name?: string; port: number; protocol: string }[] }
interface Endpoints { metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> }; subsets?: Subset[] }
interface SliceEndpoint {
  addresses: string[]; hostname?: string; nodeName?: string;
  conditions: { ready?: boolean; serving?: boolean; terminating?: boolean };
  targetRef?: { kind: string; name: string; uid: string };
}
interface Slice {
  metadata: { name: string; generateName?: string; labels?: Record<string, string>; annotations?: Record<string, string>; ownerReferences?: { kind: string; name: string; uid: string; controller?: boolean }[] };
  addressType: string; endpoints?: SliceEndpoint[] | null; ports?: { name?: string; port?: number; protocol?: string }[] | null;
}
interface PodObj { metadata: { name: string; uid: string }; status?: { podIP?: string; phase?: string; conditions?: { type: string; status: string }[] } }
interface Svc { metadata: { name: string; uid: string } }

describe('Endpoints and EndpointSlice controllers', function () {
  this.timeout(180_000);
  let skiff: Skiff;
  let client: RestClient;

  before(async () => {
    skiff = await startSkiff({
      scheduler: true, simNodes: { count: 3 },
      controllers: {
        names: ['endpoint', 'endpointslice', 'endpointslicemirroring'],
        factories: { endpoint: newEndpointsController, endpointslice: newEndpointSliceController, endpointslicemirroring: newEndpointSliceMirroringController },
      },
    });
    await skiff.components;
    client = new RestClient({ server: skiff.url, ...skiff.credentials });
  });
  after(async () => {
    client?.close();
    await skiff?.close();
  });

  interface PodOpts {
    ports?: { name: string; containerPort: number }[];
    /** Not ready until the test sets its readiness gate. */
    gated?: boolean;
    hostname?: string;
    subdomain?: string;
    annotations?: Record<string, string>;
    restartPolicy?: string;
  }
  const podBody = (name: string, labels: Record<string, string>, o: PodOpts = {}) => ({
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name, labels, annotations: o.annotations ?? {} },
    spec: {
      containers: [{ name: 'c', image: 'registry.local/pause:3.10', ports: o.ports ?? [] }],
      ...(o.gated ? { readinessGates: [{ conditionType: GATE }] } : {}),
      ...(o.hostname ? { hostname: o.hostname } : {}),
      ...(o.subdomain ? { subdomain: o.subdomain } : {}),
      ...(o.restartPolicy ? { restartPolicy: o.restartPolicy } : {}),
    },
  });
  const createPod = (name: string, labels: Record<string, string>, o?: PodOpts) => client.create<PodObj>(pods, NS, podBody(name, labels, o));
  const getPod = (name: string) => client.get<PodObj>(pods, NS, name);
  const isReady = (p: PodObj) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
  /** A pod that has an IP (and, unless gated, is Ready). */
  const running = (name: string, gated = false) => until(`pod ${name} running`, async () => {
    const p = await getPod(name);
    return !!p.status?.podIP && p.status.phase === 'Running' && (gated || isReady(p)) && p;
  });
  const setGate = (name: string, status: 'True' | 'False') =>
    client.patch(pods, NS, name, 'strategic', { status: { conditions: [{ type: GATE, status }] } }, { subresource: 'status' });

  const createService = (name: string, spec: Record<string, unknown>, meta: Record<string, unknown> = {}) =>
    client.create<Svc>(services, NS, { apiVersion: 'v1', kind: 'Service', metadata: { name, ...meta }, spec });
  const getEndpoints = async (name: string) => {
    try { return await client.get<Endpoints>(endpointsRes, NS, name); } catch (e) { if (isNotFound(e)) return undefined; throw e; }
  };
  const slicesOf = async (svc: string) => (await client.list<Slice>(slicesRes, NS, { labelSelector: `kubernetes.io/service-name=${svc}` })).items;
  const allEndpoints = (slices: Slice[]) => slices.flatMap((s) => s.endpoints ?? []);
  const byPod = (slices: Slice[]) => new Map(allEndpoints(slices).map((e) => [e.targetRef?.name, e]));
  const ready = (ep: Endpoints | undefined) => (ep?.subsets ?? []).flatMap((s) => (s.addresses ?? []).map((a) => a.targetRef?.name)).sort();
  const notReady = (ep: Endpoints | undefined) => (ep?.subsets ?? []).flatMap((s) => (s.notReadyAddresses ?? []).map((a) => a.targetRef?.name)).sort();

  it('lists ready pods as addresses and others as notReadyAddresses, following readiness; slices say ready/serving', async () => {
    const svc = await createService('web', { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] }, { labels: { tier: 'front' } });
    await createPod('web-a', { app: 'web' }, { ports: [{ name: 'http', containerPort: 8080 }] });
    await createPod('web-b', { app: 'web' }, { ports: [{ name: 'http', containerPort: 8080 }], gated: true });
    const a = await running('web-a');
    const b = await running('web-b', true);

    const ep = await until('endpoints with a ready and b not ready', async () => {
      const e = await getEndpoints('web');
      return JSON.stringify(ready(e)) === '["web-a"]' && JSON.stringify(notReady(e)) === '["web-b"]' && e;
    });
    expect(ep.subsets).to.have.length(1);
    expect(ep.subsets?.[0].ports).to.deep.equal([{ name: 'http', port: 8080, protocol: 'TCP' }]);
    const addr = ep.subsets?.[0].addresses?.[0];
    expect(addr?.ip).to.equal(a.status?.podIP);
    expect(addr?.nodeName).to.be.a('string').and.not.equal('');
    expect(addr?.targetRef).to.deep.equal({ kind: 'Pod', namespace: NS, name: 'web-a', uid: a.metadata.uid });
    expect(ep.metadata.labels).to.deep.equal({ tier: 'front' });

    const slices = await until('one slice with both pods', async () => {
      const ss = await slicesOf('web');
      return ss.length === 1 && allEndpoints(ss).length === 2 && byPod(ss).get('web-b')?.conditions.ready === false && ss;
    });
    const [slice] = slices;
    expect(slice.metadata.generateName).to.equal('web-');
    expect(slice.metadata.name).to.match(/^web-[a-z0-9]{5}$/);
    expect(slice.metadata.labels).to.deep.equal({
      tier: 'front', 'kubernetes.io/service-name': 'web', 'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io',
    });
    expect(slice.metadata.ownerReferences).to.have.length(1);
    expect(slice.metadata.ownerReferences?.[0]).to.include({ kind: 'Service', name: 'web', uid: svc.metadata.uid, controller: true });
    expect(slice.addressType).to.equal('IPv4');
    expect(slice.ports).to.deep.equal([{ name: 'http', port: 8080, protocol: 'TCP' }]);
    const ea = byPod(slices).get('web-a');
    expect(ea?.addresses).to.deep.equal([a.status?.podIP]);
    expect(ea?.conditions).to.deep.equal({ ready: true, serving: true, terminating: false });
    expect(ea?.nodeName).to.equal(addr?.nodeName);
    expect(ea?.targetRef).to.include({ kind: 'Pod', name: 'web-a', uid: a.metadata.uid });
    expect(byPod(slices).get('web-b')?.addresses).to.deep.equal([b.status?.podIP]);
    expect(byPod(slices).get('web-b')?.conditions).to.deep.equal({ ready: false, serving: false, terminating: false });

    // b turns ready: both addresses ready; then a is deleted: only b is left.
    await setGate('web-b', 'True');
    await until('b ready in endpoints and slices', async () => {
      const e = await getEndpoints('web');
      const ss = await slicesOf('web');
      return JSON.stringify(ready(e)) === '["web-a","web-b"]' && notReady(e).length === 0 && byPod(ss).get('web-b')?.conditions.ready === true;
    });
    await client.delete(pods, NS, 'web-a', { gracePeriodSeconds: 0 });
    await until('a gone from endpoints and slices', async () => {
      const e = await getEndpoints('web');
      const ss = await slicesOf('web');
      return JSON.stringify(ready(e)) === '["web-b"]' && ss.length === 1 && allEndpoints(ss).length === 1 && byPod(ss).has('web-b');
    });
    // b relabelled out of the Service: nothing left, and the slice stays as an empty placeholder.
    await client.patch(pods, NS, 'web-b', 'merge', { metadata: { labels: { app: 'elsewhere' } } });
    await until('no addresses and an empty placeholder slice', async () => {
      const e = await getEndpoints('web');
      const ss = await slicesOf('web');
      return e && (e.subsets ?? []).length === 0 && ss.length === 1 && allEndpoints(ss).length === 0;
    });
  });

  it('gives a Service selecting no pods an empty Endpoints and a placeholder slice, stamped with the Service creation as trigger time', async () => {
    await createService('lonely', { selector: { app: 'nobody' }, ports: [{ port: 80 }] });
    const svc = await client.get<Svc & { metadata: { creationTimestamp: string } }>(services, NS, 'lonely');
    const ep = await until('endpoints', () => getEndpoints('lonely'));
    expect(ep.subsets ?? []).to.deep.equal([]);
    expect(ep.metadata.annotations?.['endpoints.kubernetes.io/last-change-trigger-time']).to.equal(svc.metadata.creationTimestamp);
    const [slice] = await until('a placeholder slice', async () => { const ss = await slicesOf('lonely'); return ss.length === 1 && ss; });
    expect(slice.endpoints ?? []).to.deep.equal([]);
    expect(slice.ports ?? []).to.deep.equal([]);
    expect(slice.metadata.annotations?.['endpoints.kubernetes.io/last-change-trigger-time']).to.equal(svc.metadata.creationTimestamp);
  });

  it('resolves named target ports per pod: pods that differ get their own subsets and slices', async () => {
    await createService('multi', { selector: { app: 'multi' }, ports: [{ name: 'http', port: 80, targetPort: 'web' }, { name: 'metrics', port: 9000, targetPort: 9100 }] });
    await createPod('multi-1', { app: 'multi' }, { ports: [{ name: 'web', containerPort: 8080 }] });
    await createPod('multi-2', { app: 'multi' }, { ports: [{ name: 'web', containerPort: 9090 }] });
    await createPod('multi-3', { app: 'multi' }, { ports: [{ name: 'other', containerPort: 7070 }] });
    for (const n of ['multi-1', 'multi-2', 'multi-3']) await running(n);

    const ep = await until('all three pods', async () => { const e = await getEndpoints('multi'); return ready(e).length === 5 && e; });
    // Repacked: one subset per distinct set of addresses, holding every port that set serves.
    const layout = (ep.subsets ?? []).map((s) => `${(s.addresses ?? []).map((a) => a.targetRef?.name).sort().join('+')} ${(s.ports ?? []).map((p) => `${p.name}:${p.port}`).join(',')}`).sort();
    expect(layout).to.deep.equal(['multi-1 http:8080', 'multi-1+multi-2+multi-3 metrics:9100', 'multi-2 http:9090']);
    const portsOf = (pod: string) => (ep.subsets ?? []).filter((s) => s.addresses?.some((a) => a.targetRef?.name === pod))
      .flatMap((s) => s.ports ?? []).map((p) => `${p.name}:${p.port}`).sort();
    expect(portsOf('multi-1')).to.deep.equal(['http:8080', 'metrics:9100']);
    expect(portsOf('multi-2')).to.deep.equal(['http:9090', 'metrics:9100']);
    // multi-3 has no port named "web": it serves only the numeric one.
    expect(portsOf('multi-3')).to.deep.equal(['metrics:9100']);

    const slices = await until('three slices', async () => { const ss = await slicesOf('multi'); return ss.length === 3 && allEndpoints(ss).length === 3 && ss; });
    const slicePorts = (pod: string) => {
      const s = slices.find((x) => x.endpoints?.some((e) => e.targetRef?.name === pod));
      return (s?.ports ?? []).map((p) => `${p.name}:${p.port}`).sort();
    };
    expect(slicePorts('multi-1')).to.deep.equal(['http:8080', 'metrics:9100']);
    expect(slicePorts('multi-2')).to.deep.equal(['http:9090', 'metrics:9100']);
    expect(slicePorts('multi-3')).to.deep.equal(['metrics:9100']);
  });

  const unreadyCases = [
    { name: 'plain', spec: {}, annotations: {}, published: false },
    { name: 'pubnr', spec: { publishNotReadyAddresses: true }, annotations: {}, published: true },
    { name: 'legacy', spec: {}, annotations: { 'service.alpha.kubernetes.io/tolerate-unready-endpoints': 'true' }, published: true },
  ];
  for (const c of unreadyCases) {
    it(`a not-ready pod is ${c.published ? 'published as ready' : 'not ready'} (${c.name})`, async () => {
      const app = `unready-${c.name}`;
      await createService(app, { selector: { app }, ports: [{ port: 80, targetPort: 8080 }], ...c.spec }, { annotations: c.annotations });
      await createPod(`${app}-p`, { app }, { gated: true });
      await running(`${app}-p`, true);
      const ep = await until('the pod in endpoints', async () => { const e = await getEndpoints(app); return (ready(e).length + notReady(e).length) === 1 && e; });
      expect(ready(ep)).to.deep.equal(c.published ? [`${app}-p`] : []);
      expect(notReady(ep)).to.deep.equal(c.published ? [] : [`${app}-p`]);
      const ss = await until('the pod in a slice', async () => { const s = await slicesOf(app); return allEndpoints(s).length === 1 && s; });
      const e = allEndpoints(ss)[0];
      // Published not-ready endpoints are ready in slices too, but never serving.
      expect(e.conditions).to.deep.equal({ ready: c.published, serving: false, terminating: false });
    });
  }

  it('publishes hostnames of pods whose subdomain names a headless Service, and its headless label', async () => {
    await createService('db', { clusterIP: 'None', selector: { app: 'db' }, ports: [{ name: 'sql', port: 5432 }] });
    await createPod('db-0', { app: 'db' }, { hostname: 'db-0', subdomain: 'db' });
    await createPod('db-x', { app: 'db' }, { hostname: 'db-x', subdomain: 'other' });
    await running('db-0');
    await running('db-x');
    const ep = await until('two addresses', async () => { const e = await getEndpoints('db'); return ready(e).length === 2 && e; });
    const addrs = new Map((ep.subsets ?? []).flatMap((s) => s.addresses ?? []).map((a) => [a.targetRef?.name, a]));
    expect(addrs.get('db-0')?.hostname).to.equal('db-0');
    expect(addrs.get('db-x')?.hostname).to.equal(undefined);
    expect(ep.metadata.labels).to.deep.equal({ 'service.kubernetes.io/headless': '' });
    const ss = await until('two endpoints in slices', async () => { const s = await slicesOf('db'); return allEndpoints(s).length === 2 && s; });
    expect(byPod(ss).get('db-0')?.hostname).to.equal('db-0');
    expect(byPod(ss).get('db-x')?.hostname).to.equal(undefined);
    expect(ss[0].metadata.labels?.['service.kubernetes.io/headless']).to.equal('');

    // A headless Service without ports still lists its pods (in a subset without ports).
    await createService('bare', { clusterIP: 'None', selector: { app: 'db' } });
    const bare = await until('port-less subset', async () => { const e = await getEndpoints('bare'); return ready(e).length === 2 && e; });
    expect(bare.subsets).to.have.length(1);
    expect(bare.subsets?.[0].ports).to.equal(undefined);
  });

  it('leaves out terminal pods and pods without an IP', async () => {
    await createService('jobs', { selector: { app: 'jobs' }, ports: [{ port: 80 }] });
    await createPod('jobs-live', { app: 'jobs' });
    await createPod('jobs-done', { app: 'jobs' }, { restartPolicy: 'Never', annotations: { 'sim.skiff.dev/exit-code': '0' } });
    // Never scheduled (no node has this label): no IP.
    const pending = podBody('jobs-pending', { app: 'jobs' });
    await client.create(pods, NS, { ...pending, spec: { ...pending.spec, nodeSelector: { nowhere: 'true' } } });
    await running('jobs-live');
    await until('jobs-done succeeded', async () => (await getPod('jobs-done')).status?.phase === 'Succeeded');
    await until('only the live pod', async () => {
      const e = await getEndpoints('jobs');
      const ss = await slicesOf('jobs');
      return JSON.stringify(ready(e)) === '["jobs-live"]' && notReady(e).length === 0 && allEndpoints(ss).length === 1 && byPod(ss).has('jobs-live');
    });
  });

  it('caps slices at 100 endpoints', async () => {
    const N = 105;
    await createService('big', { selector: { app: 'big' }, ports: [{ port: 80 }] });
    for (let i = 0; i < N; i += 15) {
      await Promise.all(Array.from({ length: Math.min(15, N - i) }, (_, j) => createPod(`big-${i + j}`, { app: 'big' })));
    }
    const slices = await until(`${N} endpoints in slices`, async () => {
      const ss = await slicesOf('big');
      return allEndpoints(ss).length === N && ss;
    }, 150_000);
    // How pods spread over slices depends on the order changes arrived in; the cap does not.
    expect(slices.length).to.be.at.least(2);
    for (const s of slices) expect((s.endpoints ?? []).length).to.be.within(1, 100);
    const names = new Set(allEndpoints(slices).map((e) => e.targetRef?.name));
    expect(names.size).to.equal(N);
    const ep = await until(`${N} addresses`, async () => { const e = await getEndpoints('big'); return ready(e).length === N && e; });
    expect(ep.metadata.annotations?.['endpoints.kubernetes.io/over-capacity']).to.equal(undefined);
    await Promise.all(Array.from({ length: N }, (_, i) => client.delete(pods, NS, `big-${i}`, { gracePeriodSeconds: 0 }).catch(() => undefined)));
  });

  it('removes Endpoints and slices when the selector goes away and when the Service is deleted', async () => {
    await createService('gone', { selector: { app: 'gone' }, ports: [{ port: 80 }] });
    await createService('drop', { selector: { app: 'gone' }, ports: [{ port: 80 }] });
    await createPod('gone-1', { app: 'gone' });
    await running('gone-1');
    for (const s of ['gone', 'drop']) {
      await until(`${s} populated`, async () => ready(await getEndpoints(s)).length === 1 && allEndpoints(await slicesOf(s)).length === 1);
    }
    await client.patch(services, NS, 'drop', 'merge', { spec: { selector: null } });
    await until('drop cleaned up', async () => !(await getEndpoints('drop')) && (await slicesOf('drop')).length === 0);
    await client.delete(services, NS, 'gone');
    await until('gone cleaned up', async () => !(await getEndpoints('gone')) && (await slicesOf('gone')).length === 0);
    // The pod is untouched and the selector-less Service keeps no endpoints.
    await sleep(500);
    expect(await getEndpoints('drop')).to.equal(undefined);
    expect((await getPod('gone-1')).metadata.name).to.equal('gone-1');
  });

  it('mirrors a hand-written Endpoints of a selector-less Service into a slice, through update and delete', async () => {
    await createService('ext', { ports: [{ name: 'http', port: 80 }] });
    const ep = await client.create<Endpoints & { metadata: { uid: string } }>(endpointsRes, NS, {
      apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'ext', labels: { team: 'a' } },
      subsets: [{ addresses: [{ ip: '10.9.0.1' }], notReadyAddresses: [{ ip: '10.9.0.2' }], ports: [{ name: 'http', port: 8080 }] }],
    });
    const mirrored = await until('a mirrored slice', async () => { const ss = await slicesOf('ext'); return ss.length === 1 && allEndpoints(ss).length === 2 && ss[0]; });
    expect(mirrored.metadata.labels).to.deep.equal({
      team: 'a', 'kubernetes.io/service-name': 'ext', 'endpointslice.kubernetes.io/managed-by': 'endpointslicemirroring-controller.k8s.io',
    });
    expect(mirrored.metadata.ownerReferences?.[0]).to.include({ kind: 'Endpoints', name: 'ext', uid: ep.metadata.uid, controller: true });
    expect(mirrored.ports).to.deep.equal([{ name: 'http', port: 8080, protocol: 'TCP' }]);
    const ready = new Map(allEndpoints([mirrored]).map((e) => [e.addresses[0], e.conditions.ready]));
    expect([...ready].sort()).to.deep.equal([['10.9.0.1', true], ['10.9.0.2', false]]);

    await client.patch(endpointsRes, NS, 'ext', 'merge', { subsets: [{ addresses: [{ ip: '10.9.0.3' }], ports: [{ name: 'http', port: 9090 }] }] });
    const updated = await until('the slice updated', async () => {
      const ss = await slicesOf('ext');
      return ss.length === 1 && JSON.stringify(allEndpoints(ss).map((e) => e.addresses)) === '[["10.9.0.3"]]' && ss[0].ports?.[0]?.port === 9090 && ss[0];
    });
    expect(updated.metadata.name).to.equal(mirrored.metadata.name);

    await client.delete(endpointsRes, NS, 'ext');
    await until('the mirrored slice gone', async () => (await slicesOf('ext')).length === 0);

    // Endpoints that opt out are not mirrored.
    await createService('ext2', { ports: [{ port: 80 }] });
    await client.create(endpointsRes, NS, {
      apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'ext2', labels: { 'endpointslice.kubernetes.io/skip-mirror': 'true' } },
      subsets: [{ addresses: [{ ip: '10.9.0.4' }], ports: [{ port: 80 }] }],
    });
    await sleep(1000);
    expect(await slicesOf('ext2')).to.deep.equal([]);
  });
});
