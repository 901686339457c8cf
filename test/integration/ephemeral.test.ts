// pods/ephemeralcontainers (kubectl debug): the subresource takes only spec.ephemeralContainers
// from what it is sent, allows additions only, and the node agent starts what was added in the
// running pod, once, reporting it in status.ephemeralContainerStatuses. Upstream:
// pkg/registry/core/pod/strategy.go (podEphemeralContainersStrategy),
// ValidatePodEphemeralContainersUpdate, kuberuntime's ephemeral container start.

import { expect } from 'chai';
import { resource, type ApiError } from '../../src/client/rest.ts';
import type { Pod } from '../../src/agent/index.ts';
import { until } from '../helpers.ts';
import { startSimNode, type SimNode } from './simnode.ts';

const pods = resource('pods');
const NS = 'default';
const NODE = 'ephemeral-node';

async function status(p: Promise<unknown>): Promise<{ code: number; reason: string; message: string }> {
  try {
    await p;
  } catch (e) {
    const err = e as ApiError;
    return { code: err.code, reason: err.reason, message: err.message };
  }
  throw new Error('the request succeeded');
}

describe('pods/ephemeralcontainers and the agent running ephemeral containers', function () {
  this.timeout(30_000);
  let n: SimNode;

  before(async () => {
    n = await startSimNode({ nodeName: NODE, userAgent: 'ephemeral-test', podCIDR: '10.200.40.0/24', nodeIP: '192.0.2.40' });
    await n.client.create(pods, NS, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'target', labels: { a: 'b' } }, spec: { nodeName: NODE, containers: [{ name: 'app', image: 'busybox:1.36' }] } });
    await until('target running', async () => ((await n.client.get<Pod>(pods, NS, 'target')).status?.phase === 'Running' ? true : undefined), 10_000);
  });
  after(async () => { await n?.stop(); });

  it('is listed in discovery with get, patch and update', async () => {
    const list = await n.client.request<{ resources: { name: string; kind: string; verbs: string[] }[] }>('GET', '/api/v1');
    const sub = list.resources.find((r) => r.name === 'pods/ephemeralcontainers');
    expect(sub).to.deep.include({ kind: 'Pod', verbs: ['get', 'patch', 'update'] });
  });

  it('refuses ephemeral containers on create', async () => {
    const s = await status(n.client.create(pods, NS, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'born-with' }, spec: { containers: [{ name: 'app', image: 'busybox' }], ephemeralContainers: [{ name: 'd', image: 'busybox' }] } }));
    expect(s.code).to.equal(422);
    expect(s.message).to.contain('spec.ephemeralContainers: Forbidden: cannot be set on create');
  });

  it('adds one by a strategic merge patch, defaulted, ignoring every other change in the request', async () => {
    const patch = { metadata: { labels: { a: 'changed' } }, spec: { activeDeadlineSeconds: 5, ephemeralContainers: [{ name: 'debugger', image: 'busybox:1.36', command: ['sh'], stdin: true, targetContainerName: 'app' }] } };
    const pod = await n.client.patch<Pod>(pods, NS, 'target', 'strategic', patch, { subresource: 'ephemeralcontainers' });
    expect(pod.metadata.labels).to.deep.equal({ a: 'b' });
    expect(pod.spec?.activeDeadlineSeconds).to.equal(undefined);
    const ec = pod.spec?.ephemeralContainers?.[0];
    expect(ec).to.deep.include({ name: 'debugger', targetContainerName: 'app', terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File', imagePullPolicy: 'IfNotPresent' });
    expect(pod.metadata.managedFields?.some((m) => m.subresource === 'ephemeralcontainers'), JSON.stringify(pod.metadata.managedFields)).to.equal(true);
  });

  it('the agent starts it in the running pod and reports it, never ready, without touching the pod\'s readiness', async () => {
    const pod = await until('debugger running', async () => {
      const p = await n.client.get<Pod>(pods, NS, 'target');
      return p.status?.ephemeralContainerStatuses?.[0]?.state?.running ? p : undefined;
    }, 10_000);
    const s = pod.status!.ephemeralContainerStatuses![0];
    expect(s).to.include({ name: 'debugger', ready: false, restartCount: 0 });
    expect(s.containerID).to.match(/:\/\//);
    expect(pod.status?.conditions?.find((c) => c.type === 'Ready')?.status).to.equal('True');
    expect(pod.status?.containerStatuses?.map((c) => c.name)).to.deep.equal(['app']);
  });

  it('refuses to change or remove an existing one (422, Forbidden)', async () => {
    const pod = await n.client.get<Pod>(pods, NS, 'target', 'ephemeralcontainers');
    const changed = structuredClone(pod);
    changed.spec!.ephemeralContainers![0].image = 'busybox:1.37';
    const s1 = await status(n.client.update(pods, NS, 'target', changed, 'ephemeralcontainers'));
    expect(s1.code).to.equal(422);
    expect(s1.message).to.contain('existing ephemeral containers "debugger" may not be changed');
    const removed = structuredClone(pod);
    removed.spec!.ephemeralContainers = [];
    const s2 = await status(n.client.update(pods, NS, 'target', removed, 'ephemeralcontainers'));
    expect(s2.code).to.equal(422);
    expect(s2.message).to.contain('existing ephemeral containers "debugger" may not be removed');
  });

  it('adds a second by an update of the subresource; a duplicate name is invalid', async () => {
    const pod = await n.client.get<Pod>(pods, NS, 'target', 'ephemeralcontainers');
    const dup = structuredClone(pod);
    dup.spec!.ephemeralContainers!.push({ name: 'app', image: 'busybox:1.36' });
    expect((await status(n.client.update(pods, NS, 'target', dup, 'ephemeralcontainers'))).code).to.equal(422);
    pod.spec!.ephemeralContainers!.push({ name: 'debugger2', image: 'busybox:1.36' });
    const updated = await n.client.update<Pod>(pods, NS, 'target', pod, 'ephemeralcontainers');
    expect(updated.spec?.ephemeralContainers?.map((c) => c.name)).to.deep.equal(['debugger', 'debugger2']);
    await until('two ephemeral statuses', async () => {
      const p = await n.client.get<Pod>(pods, NS, 'target');
      const names = (p.status?.ephemeralContainerStatuses ?? []).filter((c) => c.state?.running).map((c) => c.name);
      return names.length === 2 ? names : undefined;
    }, 10_000);
  });

  it('a missing subresource answers 404 NotFound with empty details (what kubectl debug tells apart from a missing pod)', async () => {
    const err = await n.client.request('GET', `/api/v1/namespaces/${NS}/pods/target/nosuchthing`).then(() => undefined, (e: unknown) => e as ApiError);
    expect(err?.code).to.equal(404);
    expect(err?.status).to.deep.include({ reason: 'NotFound', details: {} });
  });
});
