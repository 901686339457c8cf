// Container lifecycle hooks (upstream pkg/kubelet/lifecycle and kuberuntime's
// killContainer): postStart right after the container starts, its failure killing the
// container (FailedPostStartHook) to be restarted per policy; preStop before the container
// is stopped, within the grace period (FailedPreStopHook on failure); exec hooks through the
// simulated runtime's scripted ExecSync, httpGet hooks against a real server on loopback.

import { expect } from 'chai';
import http from 'node:http';
import type net from 'node:net';
import { resource, type RestClient } from '../../src/client/rest.ts';
import { SimRuntime, type Pod } from '../../src/agent/index.ts';
import { killContainer, runLifecycleHandler, type HookContext } from '../../src/agent/lifecycle.ts';
import { hostNetwork } from '../../src/agent/prober/index.ts';
import type { Container } from '../../src/agent/types.ts';
import { until } from '../helpers.ts';
import { startSimNode, type SimNode } from './simnode.ts';

const pods = resource('pods');
const events = resource('events');

interface CoreEvent { reason: string; message: string; type: string; involvedObject: { name: string; fieldPath?: string; kind: string } }

describe('lifecycle hook handlers', function () {
  this.timeout(20_000);
  let server: http.Server;
  let port: number;
  const seen: { path?: string; agent?: string }[] = [];
  const recorded: string[] = [];
  const pod = { metadata: { name: 'p', namespace: 'default', uid: 'u1' } } as Pod;
  const ctx: HookContext = {
    runtime: new SimRuntime(), network: hostNetwork, pod, podIP: '127.0.0.1', hostIP: '192.0.2.10',
    event: (_c, _type, reason, message) => recorded.push(`${reason}: ${message}`),
  };
  const container: Container = { name: 'c', ports: [{ name: 'admin', containerPort: 0 }] };

  before(async () => {
    server = http.createServer((req, res) => {
      seen.push({ path: req.url, agent: req.headers['user-agent'] });
      res.writeHead(req.url === '/broken' ? 500 : 200).end();
    });
    port = await new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port)));
    container.ports![0].containerPort = port;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('httpGet sends GET to the pod IP and port (named too) with User-Agent kube-lifecycle/1.32; any answer succeeds', async () => {
    expect(await runLifecycleHandler(ctx, container, 'id', { httpGet: { path: '/drain', port: 'admin' } }, 1000)).to.equal(undefined);
    expect(await runLifecycleHandler(ctx, container, 'id', { httpGet: { path: '/broken', port } }, 1000), 'upstream checks no status code').to.equal(undefined);
    expect(seen).to.deep.equal([{ path: '/drain', agent: 'kube-lifecycle/1.32' }, { path: '/broken', agent: 'kube-lifecycle/1.32' }]);
  });

  it('httpGet fails with upstream\'s message when nothing listens, and refuses hosts other than the pod, the node and loopback', async () => {
    const closed = http.createServer();
    const p = await new Promise<number>((resolve) => closed.listen(0, '127.0.0.1', () => resolve((closed.address() as net.AddressInfo).port)));
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    expect(await runLifecycleHandler(ctx, container, 'id', { httpGet: { path: '/x', port: p } }, 1000))
      .to.equal(`HTTP lifecycle hook (/x) for Container "c" in Pod "p_default(u1)" failed - error: Get "http://127.0.0.1:${p}/x": dial tcp 127.0.0.1:${p}: connect: connection refused`);
    const count = seen.length;
    expect(await runLifecycleHandler(ctx, container, 'id', { httpGet: { path: '/x', port, host: '1.1.1.1' } }, 1000)).to.match(/failed - error: refusing to reach 1\.1\.1\.1/);
    expect(seen).to.have.length(count);
  });

  it('httpGet may call another pod of this node (as conformance\'s postStart http hook does), nothing else', async () => {
    const called: string[] = [];
    const stub: HookContext = {
      ...ctx, podIP: '10.88.0.5', nodePodIPs: () => new Set(['10.88.0.5', '10.88.0.7']),
      network: { ...hostNetwork, httpGet: async (req) => { called.push(req.url.href); return { statusCode: 200, body: '' }; } },
    };
    expect(await runLifecycleHandler(stub, container, 'id', { httpGet: { path: '/echo?msg=poststart', port: 8080, host: '10.88.0.7' } }, 1000)).to.equal(undefined);
    expect(await runLifecycleHandler(stub, container, 'id', { httpGet: { path: '/', port: 8080, host: '10.88.0.8' } }, 1000))
      .to.equal('HTTP lifecycle hook (/) for Container "c" in Pod "p_default(u1)" failed - error: refusing to reach 10.88.0.8: a hook may only reach the pod\'s IP (10.88.0.5), the node\'s IP (192.0.2.10), another pod on this node, or loopback');
    expect(called).to.deep.equal(['http://10.88.0.7:8080/echo?msg=poststart']);
  });

  it('an HTTPS hook answered by a plain HTTP server is retried over HTTP (LifecycleHTTPFallback)', async () => {
    seen.length = 0;
    recorded.length = 0;
    expect(await runLifecycleHandler(ctx, container, 'id', { httpGet: { path: '/tls', port, scheme: 'HTTPS' } }, 1000)).to.equal(undefined);
    expect(seen.map((s) => s.path)).to.deep.equal(['/tls']);
    expect(recorded).to.deep.equal([`LifecycleHTTPFallback: request to HTTPS lifecycle hook 127.0.0.1:${port} got HTTP response, retry with HTTP succeeded`]);
  });

  it('sleep waits its seconds, and ends early (failing) when the grace period runs out', async () => {
    const t0 = Date.now();
    expect(await runLifecycleHandler(ctx, container, 'id', { sleep: { seconds: 1 } }, 1000)).to.equal(undefined);
    expect(Date.now() - t0).to.be.at.least(990);
    const abort = new AbortController();
    setTimeout(() => abort.abort(), 100);
    expect(await runLifecycleHandler(ctx, container, 'id', { sleep: { seconds: 30 } }, 1000, abort.signal))
      .to.equal('Sleep lifecycle hook (30) for Container "c" in Pod "p_default(u1)" failed - error: container terminated before sleep hook finished');
  });

  it('killContainer: the preStop time comes off the grace period, never below 2 s', async () => {
    const stops: number[] = [];
    const runtime = new SimRuntime();
    const original = runtime.stopContainer.bind(runtime);
    runtime.stopContainer = async (id: string, timeout: number) => { stops.push(timeout); return original(id, timeout); };
    const withStop: HookContext = { ...ctx, runtime };
    await killContainer(withStop, { name: 'c', lifecycle: { preStop: { sleep: { seconds: 1 } } } }, 'gone', 10);
    await killContainer(withStop, { name: 'c', lifecycle: { preStop: { sleep: { seconds: 1 } } } }, 'gone', 2);
    expect(stops).to.deep.equal([9, 2]);
    expect(recorded.filter((r) => r.startsWith('Killing'))).to.deep.equal(['Killing: Stopping container c', 'Killing: Stopping container c']);
  });
});

const NODE = 'hooks-node';

describe('lifecycle hooks in the pod lifecycle (in-process API server, simulated runtime)', function () {
  this.timeout(40_000);
  let client: RestClient;
  let sim: SimRuntime;
  /** When each container stopped, as the runtime reports it (the pod's containers are removed with it). */
  const stoppedAt = new Map<string, number>();

  const create = (name: string, container: Partial<Container>, extra: Record<string, unknown> = {}) =>
    client.create<Pod>(pods, 'default', {
      apiVersion: 'v1', kind: 'Pod', metadata: { name },
      spec: { nodeName: NODE, terminationGracePeriodSeconds: 5, containers: [{ name: 'c', image: 'busybox:1.36', ...container }], ...extra },
    });
  const getPod = (name: string) => client.get<Pod>(pods, 'default', name);
  const podWhere = (name: string, what: string, pred: (p: Pod) => boolean | undefined, ms = 15_000) =>
    until(`${name}: ${what}`, async () => { const p = await getPod(name); return pred(p) ? p : undefined; }, ms, 50);
  const eventsOf = async (name: string): Promise<CoreEvent[]> =>
    (await client.list<CoreEvent>(events, 'default')).items.filter((e) => e.involvedObject.name === name && e.involvedObject.kind === 'Pod');
  const gone = (name: string) => until(`${name} deleted`, async () => { try { await getPod(name); return false; } catch { return true; } }, 20_000, 50);

  let node: SimNode | undefined;
  before(async () => {
    node = await startSimNode({ nodeName: NODE, userAgent: 'hooks-test', podCIDR: '10.200.8.0/24', nodeIP: '192.0.2.78', setup: (s) => s.getContainerEvents((e) => { if (e.containerEventType === 'CONTAINER_STOPPED_EVENT') stoppedAt.set(e.containerId, Date.now()); }) });
    ({ client, sim } = node);
  });

  after(async () => { await node?.stop(); });

  afterEach(() => sim.clearExecScripts());

  it('postStart runs in the container right after it starts', async () => {
    const ran: { cmd: string; running: boolean }[] = [];
    sim.scriptExec({ podName: 'post-ok' }, (cmd, c) => { ran.push({ cmd: cmd.join(' '), running: c.state === 'CONTAINER_RUNNING' }); return { exitCode: 0 }; });
    await create('post-ok', { lifecycle: { postStart: { exec: { command: ['sh', '-c', 'echo hi > /tmp/started'] } } } });
    const p = await podWhere('post-ok', 'running', (x) => x.status?.containerStatuses?.[0]?.state?.running !== undefined);
    expect(ran).to.deep.equal([{ cmd: 'sh -c echo hi > /tmp/started', running: true }]);
    expect(p.status?.containerStatuses?.[0]?.restartCount).to.equal(0);
    expect((await eventsOf('post-ok')).map((e) => e.reason)).to.not.include('FailedPostStartHook');
  });

  it('a failing postStart kills the container (FailedPostStartHook, Killing) and it is restarted', async () => {
    sim.scriptExec({ podName: 'post-fail' }, (cmd) => (cmd[0] === 'setup' ? { exitCode: 2, stdout: 'half done', stderr: 'boom' } : undefined));
    const created = await create('post-fail', { lifecycle: { postStart: { exec: { command: ['setup'] } } } });
    await podWhere('post-fail', 'restarted', (x) => (x.status?.containerStatuses?.[0]?.restartCount ?? 0) >= 1);
    const evs = await until('hook events', async () => { const e = await eventsOf('post-fail'); return e.some((x) => x.reason === 'Killing') ? e : undefined; });
    const failed = evs.find((e) => e.reason === 'FailedPostStartHook');
    expect(failed).to.include({ type: 'Warning', message: `Exec lifecycle hook ([setup]) for Container "c" in Pod "post-fail_default(${created.metadata.uid})" failed - error: command 'setup' exited with 2: boom, message: "half doneboom"` });
    expect(failed?.involvedObject.fieldPath).to.equal('spec.containers{c}');
    expect(evs.find((e) => e.reason === 'Killing')).to.include({ type: 'Normal', message: 'FailedPostStartHook' });
  });

  it('a failing postStart with restartPolicy OnFailure restarts too (the kill is not a success)', async () => {
    sim.scriptExec({ podName: 'post-fail-2' }, { exitCode: 1 });
    await create('post-fail-2', { lifecycle: { postStart: { exec: { command: ['setup'] } } } }, { restartPolicy: 'OnFailure' });
    await podWhere('post-fail-2', 'restarted', (x) => (x.status?.containerStatuses?.[0]?.restartCount ?? 0) >= 1);
  });

  it('preStop runs before the container is stopped, and its time comes off the grace period', async () => {
    const calls: { cmd: string; at: number }[] = [];
    sim.scriptExec({ podName: 'pre-stop' }, (cmd) => { calls.push({ cmd: cmd.join(' '), at: Date.now() }); return { exitCode: 0, delayMs: 600 }; });
    await create('pre-stop', { lifecycle: { preStop: { exec: { command: ['drain', '--now'] } } } });
    await podWhere('pre-stop', 'running', (x) => x.status?.containerStatuses?.[0]?.state?.running !== undefined);
    const [container] = sim.findContainers({ podName: 'pre-stop' });
    expect(calls).to.deep.equal([]);
    await client.delete(pods, 'default', 'pre-stop');
    await gone('pre-stop');
    expect(calls.map((c) => c.cmd)).to.deep.equal(['drain --now']);
    // The container was stopped only once the hook had finished.
    expect(stoppedAt.get(container.id)).to.be.at.least(calls[0].at + 600);
    const killing = await until('Killing event', async () => (await eventsOf('pre-stop')).find((e) => e.reason === 'Killing'));
    expect(killing?.message).to.equal('Stopping container c');
  });

  it('a failing preStop is reported (FailedPreStopHook) and the container still stops', async () => {
    sim.scriptExec({ podName: 'pre-fail' }, { exitCode: 3, stderr: 'no drain' });
    const created = await create('pre-fail', { lifecycle: { preStop: { exec: { command: ['drain'] } } } });
    await podWhere('pre-fail', 'running', (x) => x.status?.containerStatuses?.[0]?.state?.running !== undefined);
    await client.delete(pods, 'default', 'pre-fail');
    await gone('pre-fail');
    const failed = await until('FailedPreStopHook event', async () => (await eventsOf('pre-fail')).find((e) => e.reason === 'FailedPreStopHook'));
    expect(failed).to.include({ type: 'Warning', message: `Exec lifecycle hook ([drain]) for Container "c" in Pod "pre-fail_default(${created.metadata.uid})" failed - error: command 'drain' exited with 3: no drain, message: "no drain"` });
  });

  it('a preStop sleep holds the stop for its seconds', async () => {
    await create('pre-sleep', { lifecycle: { preStop: { sleep: { seconds: 1 } } } });
    await podWhere('pre-sleep', 'running', (x) => x.status?.containerStatuses?.[0]?.state?.running !== undefined);
    const t0 = Date.now();
    await client.delete(pods, 'default', 'pre-sleep');
    await until('still running during the sleep', () => Date.now() - t0 > 600, 2000, 20);
    expect(sim.findContainers({ podName: 'pre-sleep' }).map((c) => c.state)).to.deep.equal(['CONTAINER_RUNNING']);
    await gone('pre-sleep');
    expect(Date.now() - t0).to.be.at.least(1000);
  });
});
