// The node agent against an in-process Skiff, through the API only: node registration as
// the kubelet does it, the node Lease heartbeat, pods on the node going through their
// lifecycle (init containers, restart policies, CrashLoopBackOff, deletion, admission),
// several simulated nodes in one process, and an agent restart adopting its Node.

import { expect } from 'chai';
import { startSkiff, type Skiff } from '../../src/index.ts';
import { RestClient, isNotFound, resource, resourcePath, withQuery, type ClientConfig } from '../../src/client/rest.ts';
import { watchStream, type WatchEvent } from '../../src/client/informer.ts';
import { NodeAgent, SimRuntime, startSimNodes, type Lease, type Node, type Pod, type SimNodes } from '../../src/agent/index.ts';
import { parseCIDR, parseIP } from '../../src/registry/validation/net.ts';

const pods = resource('pods');
const nodes = resource('nodes');
const leases = resource('coordination.k8s.io/leases');
const events = resource('events');

interface CoreEvent { reason: string; message: string; type: string; source?: { component?: string; host?: string }; involvedObject: { name: string; fieldPath?: string; kind: string } }

async function waitFor<T>(what: string, fn: () => Promise<T | undefined>, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const inCIDR = (ip: string, cidr: string): boolean => {
  const c = parseCIDR(cidr)!;
  const a = parseIP(ip)!;
  return (a.value >> BigInt(c.bits - c.prefix)) === (c.network >> BigInt(c.bits - c.prefix));
};

const NODE = 'agent-node-a';
const POD_CIDR = '10.200.1.0/24';

describe('node agent (in-process API server, simulated runtime)', function () {
  this.timeout(30_000);
  let skiff: Skiff;
  let config: ClientConfig;
  let client: RestClient;
  let agent: NodeAgent;
  let sim: SimRuntime;

  const pod = (name: string, spec: Record<string, unknown>, annotations?: Record<string, string>) =>
    client.create<Pod>(pods, 'default', { apiVersion: 'v1', kind: 'Pod', metadata: { name, annotations }, spec: { nodeName: NODE, ...spec } });
  const getPod = (name: string) => client.get<Pod>(pods, 'default', name);
  const podWhere = (name: string, what: string, pred: (p: Pod) => boolean, ms?: number) =>
    waitFor(`${name}: ${what}`, async () => { const p = await getPod(name); return pred(p) ? p : undefined; }, ms);
  const eventsOf = async (name: string): Promise<CoreEvent[]> =>
    (await client.list<CoreEvent>(events, 'default')).items.filter((e) => e.involvedObject.name === name && e.involvedObject.kind === 'Pod');
  const condition = (p: Pod, type: string) => p.status?.conditions?.find((c) => c.type === type);

  before(async () => {
    skiff = await startSkiff();
    config = { server: skiff.url, ...skiff.credentials, userAgent: 'agent-test' };
    client = new RestClient(config);
    sim = new SimRuntime();
    agent = new NodeAgent({
      config,
      nodeName: NODE,
      zone: 'zone-a',
      region: 'region-1',
      labels: { 'node.skiff.dev/pool': 'blue' },
      capacity: { cpu: '2', memory: '4Gi', pods: '30' },
      podCIDR: POD_CIDR,
      nodeIP: '192.0.2.10',
      runtime: sim,
      renewIntervalMs: 100,
      crashLoopBackoffBaseMs: 100,
      crashLoopBackoffMaxMs: 400,
    });
    await agent.start();
  });

  after(async () => {
    await agent?.stop();
    sim?.close();
    client?.close();
    await skiff?.close();
  });

  describe('registration', () => {
    it('registers its Node with the kubelet labels, addresses, capacity, node info and conditions', async () => {
      const node = await client.get<Node>(nodes, undefined, NODE);
      expect(node.metadata.labels).to.include({
        'kubernetes.io/hostname': NODE,
        'kubernetes.io/os': 'linux',
        'beta.kubernetes.io/os': 'linux',
        'topology.kubernetes.io/zone': 'zone-a',
        'topology.kubernetes.io/region': 'region-1',
        'node.skiff.dev/pool': 'blue',
      });
      expect(node.metadata.labels?.['kubernetes.io/arch']).to.be.a('string').and.equal(node.metadata.labels?.['beta.kubernetes.io/arch']);
      expect(node.spec?.podCIDR).to.equal(POD_CIDR);
      expect(node.spec?.podCIDRs).to.deep.equal([POD_CIDR]);
      const status = node.status!;
      expect(status.addresses).to.deep.equal([{ type: 'InternalIP', address: '192.0.2.10' }, { type: 'Hostname', address: NODE }]);
      expect(status.capacity).to.include({ cpu: '2', memory: '4Gi', pods: '30' });
      expect(status.capacity?.['ephemeral-storage']).to.match(/^\d+Ki$/);
      expect(status.allocatable).to.deep.equal(status.capacity);
      expect(status.daemonEndpoints).to.deep.equal({ kubeletEndpoint: { Port: 10250 } });
      expect(status.nodeInfo).to.include({ kubeletVersion: 'v1.32.0', kubeProxyVersion: 'v1.32.0', containerRuntimeVersion: 'skiff-sim://0.1.0', operatingSystem: 'linux' });
      for (const f of ['machineID', 'systemUUID', 'bootID', 'kernelVersion', 'osImage', 'architecture'] as const) expect(status.nodeInfo?.[f], f).to.be.a('string').and.match(/./);
      const byType = Object.fromEntries((status.conditions ?? []).map((c) => [c.type, c]));
      expect(Object.keys(byType)).to.have.members(['MemoryPressure', 'DiskPressure', 'PIDPressure', 'Ready']);
      expect(byType.Ready).to.include({ status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' });
      expect(byType.MemoryPressure).to.include({ status: 'False', reason: 'KubeletHasSufficientMemory', message: 'kubelet has sufficient memory available' });
      expect(byType.DiskPressure).to.include({ status: 'False', reason: 'KubeletHasNoDiskPressure', message: 'kubelet has no disk pressure' });
      expect(byType.PIDPressure).to.include({ status: 'False', reason: 'KubeletHasSufficientPID', message: 'kubelet has sufficient PID available' });
      for (const c of status.conditions ?? []) {
        expect(c.lastHeartbeatTime).to.match(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
        expect(c.lastTransitionTime).to.match(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      }
    });

    it('announces itself with node events from the kubelet', async () => {
      const nodeEvents = await waitFor('node events', async () => {
        const list = (await client.list<CoreEvent>(events, 'default')).items.filter((e) => e.involvedObject.kind === 'Node' && e.involvedObject.name === NODE);
        return list.some((e) => e.reason === 'NodeReady') ? list : undefined;
      });
      const ready = nodeEvents.find((e) => e.reason === 'NodeReady')!;
      expect(ready.message).to.equal(`Node ${NODE} status is now: NodeReady`);
      expect(ready.source).to.deep.equal({ component: 'kubelet', host: NODE });
      expect(nodeEvents.map((e) => e.reason)).to.include.members(['Starting', 'NodeHasSufficientMemory']);
    });

    it('keeps a Lease in kube-node-lease, owned by its Node, and renews it', async () => {
      const node = await client.get<Node>(nodes, undefined, NODE);
      const first = await client.get<Lease>(leases, 'kube-node-lease', NODE);
      expect(first.spec).to.include({ holderIdentity: NODE, leaseDurationSeconds: 40 });
      expect(first.spec?.renewTime).to.match(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
      expect(first.metadata.ownerReferences).to.deep.equal([{ apiVersion: 'v1', kind: 'Node', name: NODE, uid: node.metadata.uid }]);
      const renewed = await waitFor('a renewed lease', async () => {
        const l = await client.get<Lease>(leases, 'kube-node-lease', NODE);
        return l.spec!.renewTime! > first.spec!.renewTime! ? l : undefined;
      });
      expect(Number(renewed.metadata.resourceVersion)).to.be.greaterThan(Number(first.metadata.resourceVersion));
    });
  });

  describe('pods', () => {
    it('runs a pod bound to the node: Running, with IPs, ready containers and conditions, in one status write', async () => {
      const created = await pod('web', { containers: [{ name: 'app', image: 'nginx:1.27' }, { name: 'log', image: 'busybox:1.36' }] });
      const modified: Pod[] = [];
      const signal: { aborted: boolean; onAbort?: () => void } = { aborted: false };
      const path = withQuery(resourcePath(pods, 'default'), { watch: 1, fieldSelector: 'metadata.name=web', resourceVersion: created.metadata.resourceVersion });
      const watching = watchStream<Pod>(client, path, (e: WatchEvent<Pod>) => { if (e.type === 'MODIFIED') modified.push(e.object); }, signal);

      const running = await podWhere('web', 'Running', (p) => p.status?.phase === 'Running');
      const status = running.status!;
      expect(status.hostIP).to.equal('192.0.2.10');
      expect(status.hostIPs).to.deep.equal([{ ip: '192.0.2.10' }]);
      expect(inCIDR(status.podIP!, POD_CIDR), status.podIP).to.equal(true);
      expect(status.podIPs).to.deep.equal([{ ip: status.podIP }]);
      expect(status.startTime).to.be.a('string');
      expect(status.qosClass).to.equal('BestEffort');
      expect(status.containerStatuses!.map((c) => c.name)).to.deep.equal(['app', 'log']);
      for (const c of status.containerStatuses!) {
        expect(c).to.include({ ready: true, started: true, restartCount: 0 });
        expect(c.state?.running?.startedAt).to.be.a('string');
        expect(c.lastState).to.deep.equal({});
        expect(c.containerID).to.match(/^skiff-sim:\/\/[0-9a-f]{64}$/);
        expect(c.imageID).to.match(/@sha256:[0-9a-f]{64}$/);
      }
      expect(status.containerStatuses![0].image).to.equal('docker.io/library/nginx:1.27');
      for (const type of ['PodReadyToStartContainers', 'Initialized', 'ContainersReady', 'Ready', 'PodScheduled']) {
        expect(condition(running, type), type).to.include({ status: 'True' });
      }
      // Give any later write the time to show up, then count: one write took the pod to Running.
      await new Promise((r) => setTimeout(r, 300));
      signal.aborted = true;
      signal.onAbort?.();
      await watching;
      expect(modified.map((p) => p.status?.phase)).to.deep.equal(['Running']);
    });

    it('records the kubelet events of a pod start', async () => {
      await pod('evented', { containers: [{ name: 'app', image: 'registry.k8s.io/pause:3.10', imagePullPolicy: 'IfNotPresent' }] });
      await podWhere('evented', 'Running', (p) => p.status?.phase === 'Running');
      const list = await waitFor('four events', async () => { const l = await eventsOf('evented'); return l.length >= 4 ? l : undefined; });
      const by = (reason: string) => list.find((e) => e.reason === reason)!;
      expect(by('Pulling').message).to.equal('Pulling image "registry.k8s.io/pause:3.10"');
      expect(by('Pulled').message).to.match(/^Successfully pulled image "registry\.k8s\.io\/pause:3\.10" in [\d.]+(ns|µs|ms|s) \([\d.]+(ns|µs|ms|s) including waiting\)\. Image size: \d+ bytes\.$/);
      expect(by('Created').message).to.equal('Created container: app');
      expect(by('Started').message).to.equal('Started container app');
      for (const e of list) {
        expect(e.source).to.deep.equal({ component: 'kubelet', host: NODE });
        expect(e.involvedObject.fieldPath).to.equal('spec.containers{app}');
      }
      // The image is there now: a second pod with IfNotPresent does not pull it again.
      await pod('evented-2', { containers: [{ name: 'app', image: 'registry.k8s.io/pause:3.10', imagePullPolicy: 'IfNotPresent' }] });
      const second = await waitFor('pulled event', async () => (await eventsOf('evented-2')).find((e) => e.reason === 'Pulled'));
      expect(second.message).to.equal('Container image "registry.k8s.io/pause:3.10" already present on machine');
    });

    it('runs init containers first, in order, and the app containers only after them', async () => {
      await pod('with-init', {
        initContainers: [{ name: 'first', image: 'busybox' }, { name: 'second', image: 'busybox' }],
        containers: [{ name: 'app', image: 'busybox' }],
      }, { 'sim.skiff.dev/exit-after.second': '400ms' });
      const initializing = await podWhere('with-init', 'second init container running', (p) => p.status?.initContainerStatuses?.[1]?.state?.running !== undefined);
      expect(initializing.status?.phase).to.equal('Pending');
      expect(initializing.status?.initContainerStatuses?.[0].state?.terminated).to.include({ exitCode: 0, reason: 'Completed' });
      expect(initializing.status?.containerStatuses?.[0].state?.waiting?.reason).to.equal('PodInitializing');
      expect(condition(initializing, 'Initialized')).to.include({ status: 'False', reason: 'ContainersNotInitialized', message: 'containers with incomplete status: [second]' });

      const running = await podWhere('with-init', 'Running', (p) => p.status?.phase === 'Running');
      expect(running.status?.initContainerStatuses?.map((s) => [s.name, s.state?.terminated?.reason, s.ready])).to.deep.equal([['first', 'Completed', true], ['second', 'Completed', true]]);
      expect(condition(running, 'Initialized')?.status).to.equal('True');
      // The runtime's clock, finer than the API's seconds: each started after the one before it finished.
      const [first] = sim.findContainers({ podName: 'with-init', containerName: 'first' });
      const [second] = sim.findContainers({ podName: 'with-init', containerName: 'second' });
      const [app] = sim.findContainers({ podName: 'with-init', containerName: 'app' });
      expect(second.startedAt).to.be.at.least(first.finishedAt);
      expect(app.startedAt).to.be.at.least(second.finishedAt);
    });

    it('fails a pod whose container exits 1 under restartPolicy Never', async () => {
      await pod('fails', { restartPolicy: 'Never', containers: [{ name: 'app', image: 'busybox' }] }, { 'sim.skiff.dev/exit-code': '1' });
      const failed = await podWhere('fails', 'Failed', (p) => p.status?.phase === 'Failed');
      const cs = failed.status!.containerStatuses![0];
      expect(cs.state?.terminated).to.include({ exitCode: 1, reason: 'Error' });
      expect(cs).to.include({ ready: false, started: false, restartCount: 0 });
      expect(condition(failed, 'Ready')).to.include({ status: 'False', reason: 'PodFailed' });
      expect(condition(failed, 'PodReadyToStartContainers')?.status).to.equal('False');
      // A finished pod gives its sandbox (and IP) back, and keeps its status.
      expect(sim.ipsInUse()).to.not.include(failed.status!.podIP);
    });

    it('completes a pod whose containers exit 0 under OnFailure', async () => {
      await pod('job', { restartPolicy: 'OnFailure', containers: [{ name: 'work', image: 'busybox' }] }, { 'sim.skiff.dev/exit-after': '50ms' });
      const done = await podWhere('job', 'Succeeded', (p) => p.status?.phase === 'Succeeded');
      expect(done.status!.containerStatuses![0].state?.terminated).to.include({ exitCode: 0, reason: 'Completed' });
      expect(condition(done, 'Ready')).to.include({ status: 'False', reason: 'PodCompleted' });
    });

    it('restarts a failing container under restartPolicy Always, backing off (CrashLoopBackOff)', async () => {
      await pod('crashy', { containers: [{ name: 'app', image: 'busybox' }] }, { 'sim.skiff.dev/exit-code': '1' });
      const looping = await podWhere('crashy', 'restarted twice, backing off', (p) => {
        const s = p.status?.containerStatuses?.[0];
        return (s?.restartCount ?? 0) >= 2 && s?.state?.waiting?.reason === 'CrashLoopBackOff';
      });
      const cs = looping.status!.containerStatuses![0];
      expect(looping.status?.phase).to.equal('Running');
      expect(cs.state?.waiting?.message).to.match(new RegExp(`^back-off \\d+ms restarting failed container=app pod=crashy_default\\(${looping.metadata.uid}\\)$`));
      expect(cs.lastState?.terminated).to.include({ exitCode: 1, reason: 'Error' });
      expect(cs.ready).to.equal(false);
      await podWhere('crashy', 'restarted again', (p) => (p.status?.containerStatuses?.[0].restartCount ?? 0) > cs.restartCount);
      const backOff = await waitFor('BackOff event', async () => (await eventsOf('crashy')).find((e) => e.reason === 'BackOff'));
      expect(backOff.type).to.equal('Warning');
      expect(backOff.message).to.equal(`Back-off restarting failed container app in pod crashy_default(${looping.metadata.uid})`);
    });

    it('reports a failing image pull as ErrImagePull, then ImagePullBackOff', async () => {
      await pod('no-image', { containers: [{ name: 'app', image: 'ghost:9' }] }, { 'sim.skiff.dev/pull-error': 'ghost:9' });
      const backingOff = await podWhere('no-image', 'ImagePullBackOff', (p) => p.status?.containerStatuses?.[0].state?.waiting?.reason === 'ImagePullBackOff');
      expect(backingOff.status?.phase).to.equal('Pending');
      expect(backingOff.status?.containerStatuses?.[0].state?.waiting?.message).to.equal('Back-off pulling image "ghost:9"');
      // Events are written in the background, after the status.
      const list = await waitFor('the pull events', async () => {
        const l = await eventsOf('no-image');
        return l.some((e) => e.reason === 'BackOff') ? l : undefined;
      });
      expect(list.map((e) => e.message)).to.include.members(['Error: ErrImagePull', 'Back-off pulling image "ghost:9"']);
      expect(list.find((e) => e.message.startsWith('Failed to pull image "ghost:9": '))?.type).to.equal('Warning');
    });

    it('deletes a pod deleted with the default grace period once its containers stopped', async () => {
      const created = await pod('doomed', { containers: [{ name: 'app', image: 'busybox' }] });
      const running = await podWhere('doomed', 'Running', (p) => p.status?.phase === 'Running');
      await client.delete(pods, 'default', 'doomed');
      const marked = await getPod('doomed').catch(() => undefined);
      if (marked) expect(marked.metadata.deletionGracePeriodSeconds).to.equal(30);
      await waitFor('the pod gone', async () => {
        try { await getPod('doomed'); return undefined; } catch (e) { return isNotFound(e) ? true : undefined; }
      });
      const killing = await waitFor('a Killing event', async () => (await eventsOf('doomed')).find((e) => e.reason === 'Killing'));
      expect(killing.message).to.equal('Stopping container app');
      expect(sim.ipsInUse()).to.not.include(running.status!.podIP);
      expect(sim.findContainers({ podName: 'doomed' })).to.deep.equal([]);
      await waitFor('the pod worker gone', async () => (agent.podWorker('default', 'doomed')?.uid === created.metadata.uid ? undefined : true));
    });

    it('tears down a pod removed from the API at once', async () => {
      await pod('forced', { containers: [{ name: 'app', image: 'busybox' }] });
      await podWhere('forced', 'Running', (p) => p.status?.phase === 'Running');
      await client.delete(pods, 'default', 'forced', { gracePeriodSeconds: 0 });
      await waitFor('containers removed', async () => (sim.findContainers({ podName: 'forced' }).length === 0 ? true : undefined));
    });

    const rejections: [string, Record<string, unknown>, string, RegExp][] = [
      ['too-much-cpu', { containers: [{ name: 'app', image: 'busybox', resources: { requests: { cpu: '3' } } }] }, 'OutOfcpu',
        /^Pod was rejected: Node didn't have enough resource: cpu, requested: 3000, used: \d+, capacity: 2000$/],
      ['too-much-memory', { containers: [{ name: 'app', image: 'busybox', resources: { requests: { memory: '5Gi' } } }] }, 'OutOfmemory',
        /^Pod was rejected: Node didn't have enough resource: memory, requested: 5368709120, used: \d+, capacity: 4294967296$/],
      ['wrong-pool', { nodeSelector: { 'node.skiff.dev/pool': 'green' }, containers: [{ name: 'app', image: 'busybox' }] }, 'NodeAffinity',
        /^Pod was rejected: Predicate NodeAffinity failed: node\(s\) didn't match Pod's node affinity\/selector$/],
    ];
    for (const [name, spec, reason, message] of rejections) {
      it(`rejects a pod that does not fit the node: ${reason}`, async () => {
        await pod(name, spec);
        const rejected = await podWhere(name, 'Failed', (p) => p.status?.phase === 'Failed');
        expect(rejected.status?.reason).to.equal(reason);
        expect(rejected.status?.message).to.match(message);
        expect(rejected.status?.containerStatuses).to.equal(undefined);
        expect(sim.findContainers({ podName: name })).to.deep.equal([]);
        const event = await waitFor('rejection event', async () => (await eventsOf(name)).find((e) => e.reason === reason));
        expect(event.type).to.equal('Warning');
      });
    }

    it('admits a pod that fits, counting the requests of the pods it already runs', async () => {
      await pod('half-a', { containers: [{ name: 'app', image: 'busybox', resources: { requests: { cpu: '1' } } }] });
      await podWhere('half-a', 'Running', (p) => p.status?.phase === 'Running');
      await pod('half-b', { containers: [{ name: 'app', image: 'busybox', resources: { requests: { cpu: '1' } } }] });
      await podWhere('half-b', 'Running', (p) => p.status?.phase === 'Running');
      await pod('one-too-many', { containers: [{ name: 'app', image: 'busybox', resources: { requests: { cpu: '500m' } } }] });
      const rejected = await podWhere('one-too-many', 'Failed', (p) => p.status?.phase === 'Failed');
      expect(rejected.status?.message).to.equal("Pod was rejected: Node didn't have enough resource: cpu, requested: 500, used: 2000, capacity: 2000");
    });
  });

  describe('many nodes in one process', () => {
    let group: SimNodes | undefined;
    after(async () => { await group?.stop(); });

    it('registers simulated nodes separately, each with its zone, address and pod CIDR', async () => {
      group = await startSimNodes({ config, count: 3, namePrefix: 'sim-', zones: ['z1', 'z2'], regions: ['r1'], capacity: { cpu: '8', memory: '16Gi' } });
      const registered = await Promise.all(['sim-0', 'sim-1', 'sim-2'].map((n) => client.get<Node>(nodes, undefined, n)));
      expect(registered.map((n) => n.metadata.labels?.['topology.kubernetes.io/zone'])).to.deep.equal(['z1', 'z2', 'z1']);
      expect(registered.map((n) => n.metadata.labels?.['topology.kubernetes.io/region'])).to.deep.equal(['r1', 'r1', 'r1']);
      const cidrs = registered.map((n) => n.spec?.podCIDR);
      expect(new Set(cidrs).size).to.equal(3);
      const ips = registered.map((n) => n.status?.addresses?.find((a) => a.type === 'InternalIP')?.address);
      expect(ips).to.deep.equal(['192.0.2.1', '192.0.2.2', '192.0.2.3']);
      expect(new Set(registered.map((n) => n.metadata.uid)).size).to.equal(3);
      for (const n of registered) {
        expect(n.metadata.annotations?.['sim.skiff.dev/node']).to.equal('true');
        expect(n.status?.capacity).to.include({ cpu: '8', memory: '16Gi', pods: '110' });
      }
      expect(new Set(registered.map((n) => n.status?.nodeInfo?.systemUUID)).size).to.equal(3);
      await Promise.all(['sim-0', 'sim-1', 'sim-2'].map((n) => waitFor(`lease of ${n}`, () => client.get<Lease>(leases, 'kube-node-lease', n))));

      await client.create(pods, 'default', { metadata: { name: 'on-sim-1' }, spec: { nodeName: 'sim-1', containers: [{ name: 'app', image: 'busybox' }] } });
      const running = await podWhere('on-sim-1', 'Running', (p) => p.status?.phase === 'Running');
      expect(inCIDR(running.status!.podIP!, cidrs[1]!)).to.equal(true);
      expect(running.status?.hostIP).to.equal('192.0.2.2');
    });
  });

  describe('restart', () => {
    it('registers its Node again when it finds it deleted', async () => {
      // It finds out at its next status report.
      const lone = new NodeAgent({ config, nodeName: 'deleted-node', nodeStatusCheckMs: 50, nodeStatusReportMs: 100, renewIntervalMs: 50 });
      try {
        await lone.start();
        const first = await client.get<Node>(nodes, undefined, 'deleted-node');
        await client.delete(nodes, undefined, 'deleted-node');
        const again = await waitFor('the node back', async () => {
          const n = await client.get<Node>(nodes, undefined, 'deleted-node');
          return n.metadata.uid !== first.metadata.uid ? n : undefined;
        });
        expect(again.spec?.podCIDR).to.equal(first.spec?.podCIDR);
        expect(again.status?.conditions?.find((c) => c.type === 'Ready')?.status).to.equal('True');
        await waitFor('the lease owned by the new node', async () => {
          const l = await client.get<Lease>(leases, 'kube-node-lease', 'deleted-node');
          return l.metadata.ownerReferences?.[0]?.uid === again.metadata.uid ? l : undefined;
        });
      } finally {
        await lone.stop();
      }
    });

    it('posts Ready=True again when the server copy says otherwise (the node lifecycle controller marked it Unknown)', async () => {
      // nodeStatusReportMs is long: only a difference from the server's copy makes it write.
      const live = new NodeAgent({ config, nodeName: 'marked-node', nodeStatusCheckMs: 50, nodeStatusReportMs: 600_000, renewIntervalMs: 50 });
      try {
        await live.start();
        const n = await client.get<Node>(nodes, undefined, 'marked-node');
        const conditions = (n.status?.conditions ?? []).map((c) => (c.type === 'Ready' ? { ...c, status: 'Unknown', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.' } : c));
        await client.patch(nodes, undefined, 'marked-node', 'strategic', { status: { conditions } }, { subresource: 'status' });
        const back = await waitFor('Ready=True again', async () => {
          const m = await client.get<Node>(nodes, undefined, 'marked-node');
          return m.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True' ? m : undefined;
        });
        expect(back.status?.conditions?.find((c) => c.type === 'Ready')?.reason).to.equal('KubeletReady');
      } finally {
        await live.stop();
      }
    });

    it('adopts its existing Node when started again, and runs its pods again', async () => {
      const options = { config, nodeName: 'restarting', zone: 'zone-r', podCIDR: '10.200.9.0/24', renewIntervalMs: 100 };
      const first = new NodeAgent(options);
      let second: NodeAgent | undefined;
      try {
        await first.start();
        const registered = await client.get<Node>(nodes, undefined, 'restarting');
        await client.create(pods, 'default', { metadata: { name: 'survivor' }, spec: { nodeName: 'restarting', containers: [{ name: 'app', image: 'busybox' }] } });
        const before = await podWhere('survivor', 'Running', (p) => p.status?.phase === 'Running');
        await first.stop();
        await client.patch(nodes, undefined, 'restarting', 'merge', { metadata: { labels: { team: 'x', 'topology.kubernetes.io/zone': 'tampered' } } });

        // Asked for another pod CIDR: the Node's own stays (it is immutable once set).
        second = new NodeAgent({ ...options, podCIDR: '10.200.10.0/24' });
        await second.start();
        const adopted = await client.get<Node>(nodes, undefined, 'restarting');
        expect(adopted.metadata.uid).to.equal(registered.metadata.uid);
        expect(adopted.metadata.labels).to.include({ team: 'x', 'topology.kubernetes.io/zone': 'zone-r', 'kubernetes.io/hostname': 'restarting' });
        expect(adopted.spec?.podCIDR).to.equal('10.200.9.0/24');
        expect(second.podCIDR).to.equal('10.200.9.0/24');
        const ready = (n: Node) => n.status!.conditions!.find((c) => c.type === 'Ready')!;
        expect(ready(adopted).status).to.equal('True');
        expect(ready(adopted).lastTransitionTime).to.equal(ready(registered).lastTransitionTime);
        expect(adopted.status?.nodeInfo?.machineID).to.equal(registered.status?.nodeInfo?.machineID);
        // A simulated node's containers do not survive its agent, as after a reboot.
        expect(adopted.status?.nodeInfo?.bootID).to.not.equal(registered.status?.nodeInfo?.bootID);

        const after = await podWhere('survivor', 'running again', (p) => p.status?.containerStatuses?.[0].containerID !== before.status?.containerStatuses?.[0].containerID);
        expect(after.status?.phase).to.equal('Running');
        expect(after.status?.containerStatuses?.[0]).to.include({ ready: true, restartCount: 1 });
        expect(inCIDR(after.status!.podIP!, '10.200.9.0/24')).to.equal(true);
        await waitFor('lease renewed by the new agent', async () => {
          const l = await client.get<Lease>(leases, 'kube-node-lease', 'restarting');
          return second?.currentLease?.metadata.resourceVersion === l.metadata.resourceVersion ? l : undefined;
        });
      } finally {
        await first.stop();
        await second?.stop();
      }
    });
  });
});
