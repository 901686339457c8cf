// Container probes (upstream pkg/probe and pkg/kubelet/prober). The handlers run against
// real servers on loopback (HTTP, TCP, gRPC health) and the simulated runtime's scriptable
// ExecSync; the probe manager runs end to end through an in-process API server and a node
// agent on the simulated runtime, with exec probes: readiness feeding the Ready and
// ContainersReady conditions, liveness and startup failures restarting the container with
// the kubelet's events, and the startup probe holding the others back.

import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { resource, type RestClient } from '../../src/client/rest.ts';
import { SimRuntime, type Pod } from '../../src/agent/index.ts';
import {
  execProbe, grpcProbe, HealthService, httpGet, httpProbeAnswer, probe, requestForHTTPGetAction, tcpProbe,
  type HTTPGetRequest, type ProbeContext, type ProbeNetwork,
} from '../../src/agent/prober/index.ts';
import type { Container } from '../../src/agent/types.ts';
import { until } from '../helpers.ts';
import { startSimNode, type SimNode } from './simnode.ts';

const pods = resource('pods');
const events = resource('events');

interface CoreEvent { reason: string; message: string; type: string; involvedObject: { name: string; fieldPath?: string; kind: string } }

function listen(server: http.Server | https.Server | net.Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port)));
}

const close = (server: http.Server | https.Server | net.Server): Promise<void> => new Promise((resolve) => {
  if (server instanceof http.Server || server instanceof https.Server) server.closeAllConnections();
  server.close(() => resolve());
});

describe('probe handlers (real servers on loopback)', function () {
  this.timeout(20_000);

  describe('httpGet', () => {
    let server: http.Server;
    let port: number;
    const seen: http.IncomingHttpHeaders[] = [];

    before(async () => {
      server = http.createServer((req, res) => {
        seen.push(req.headers);
        const url = new URL(req.url ?? '/', 'http://x');
        switch (url.pathname) {
          case '/ok': res.end('fine'); break;
          case '/fail': res.writeHead(503).end('down'); break;
          case '/here': res.writeHead(302, { Location: '/ok' }).end(); break;
          case '/away': res.writeHead(301, { Location: `http://127.0.0.2:${port}/ok` }).end('moved away'); break;
          case '/loop': res.writeHead(302, { Location: '/loop' }).end(); break;
          case '/big': res.end('x'.repeat(20 * 1024)); break;
          case '/hang': break; // never answers
          default: res.writeHead(404).end();
        }
      });
      port = await listen(server);
    });
    after(() => close(server));

    const container: Container = { name: 'web', image: 'busybox', ports: [{ name: 'http', containerPort: 0 }] };
    const get = async (path: string, extra: Partial<Parameters<typeof requestForHTTPGetAction>[0]> = {}, timeoutMs = 1000) => {
      const req = requestForHTTPGetAction({ path, port, ...extra }, container, '127.0.0.1', 'probe');
      return httpProbeAnswer(await httpGet(req, timeoutMs));
    };

    const cases: { name: string; path: string; result: string; output: string | RegExp }[] = [
      { name: '2xx succeeds with the body', path: '/ok', result: 'Success', output: 'fine' },
      { name: '5xx fails, without the body', path: '/fail', result: 'Failure', output: 'HTTP probe failed with statuscode: 503' },
      { name: 'a redirect on the same host is followed', path: '/here', result: 'Success', output: 'fine' },
      { name: 'a redirect to another host is not followed: a warning', path: '/away', result: 'Warning', output: 'Probe terminated redirects, Response body: moved away' },
      { name: 'at most 10 redirects', path: '/loop', result: 'Failure', output: new RegExp(`^Get "http://127.0.0.1:\\d+/loop": stopped after 10 redirects$`) },
      { name: '404 fails', path: '/nothing', result: 'Failure', output: 'HTTP probe failed with statuscode: 404' },
    ];
    for (const c of cases) {
      it(c.name, async () => {
        const answer = await get(c.path);
        expect(answer.result).to.equal(c.result);
        if (typeof c.output === 'string') expect(answer.output).to.equal(c.output);
        else expect(answer.output).to.match(c.output);
      });
    }

    it('reads at most 10 KiB of the body', async () => {
      const answer = await get('/big');
      expect(answer.result).to.equal('Success');
      expect(answer.output).to.have.length(10 * 1024);
    });

    it('sends User-Agent kube-probe/1.32 and Accept */* unless the probe sets them, and the probe\'s headers (Host too)', async () => {
      seen.length = 0;
      await get('/ok');
      expect(seen[0]['user-agent']).to.equal('kube-probe/1.32');
      expect(seen[0].accept).to.equal('*/*');
      expect(seen[0].connection).to.equal('close');
      seen.length = 0;
      await get('/ok', { httpHeaders: [{ name: 'X-Custom', value: 'a' }, { name: 'user-agent', value: 'mine' }, { name: 'Host', value: 'example.test' }, { name: 'Accept', value: '' }] });
      expect(seen[0]['x-custom']).to.equal('a');
      expect(seen[0]['user-agent']).to.equal('mine');
      expect(seen[0].host).to.equal('example.test');
      expect(seen[0]).to.not.have.property('accept');
    });

    it('a port by name is the container port of that name', () => {
      const req = requestForHTTPGetAction({ path: '/healthz', port: 'http' }, { name: 'c', ports: [{ name: 'http', containerPort: 8080 }] }, '10.88.0.5', 'probe');
      expect(req.url.href).to.equal('http://10.88.0.5:8080/healthz');
      expect(() => requestForHTTPGetAction({ port: 'metrics' }, { name: 'c' }, '10.88.0.5', 'probe')).to.throw('strconv.Atoi: parsing "metrics": invalid syntax');
      expect(() => requestForHTTPGetAction({ port: 70000 }, { name: 'c' }, '10.88.0.5', 'probe')).to.throw('invalid port number: 70000');
    });

    it('a server that does not answer in time fails with the client timeout', async () => {
      const t0 = Date.now();
      const answer = await get('/hang', {}, 300);
      expect(Date.now() - t0).to.be.below(2000);
      expect(answer.result).to.equal('Failure');
      expect(answer.output).to.match(/^Get "http:\/\/127\.0\.0\.1:\d+\/hang": context deadline exceeded \(Client\.Timeout exceeded while awaiting headers\)$/);
    });

    it('a closed port fails with connection refused', async () => {
      const closed = net.createServer();
      const p = await listen(closed);
      await close(closed);
      const req = requestForHTTPGetAction({ path: '/', port: p }, container, '127.0.0.1', 'probe');
      const answer = httpProbeAnswer(await httpGet(req, 1000));
      expect(answer).to.deep.equal({ result: 'Failure', output: `Get "http://127.0.0.1:${p}/": dial tcp 127.0.0.1:${p}: connect: connection refused` });
    });
  });

  describe('httpGet over HTTPS', () => {
    let dir: string;
    let server: https.Server;
    before(async () => {
      dir = mkdtempSync(join(tmpdir(), 'h4-probe-tls-'));
      execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', '/CN=probe-test',
        '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
      server = https.createServer({ key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) }, (_req, res) => res.end('secure'));
    });
    after(async () => {
      await close(server);
      rmSync(dir, { recursive: true, force: true });
    });

    it('does not verify the server\'s certificate, as upstream', async () => {
      const port = await listen(server);
      const req = requestForHTTPGetAction({ path: '/', port, scheme: 'HTTPS' }, { name: 'c' }, '127.0.0.1', 'probe');
      expect(httpProbeAnswer(await httpGet(req, 1000))).to.deep.equal({ result: 'Success', output: 'secure' });
    });
  });

  describe('tcpSocket', () => {
    it('succeeds when a connection is made and fails when refused', async () => {
      const server = net.createServer((s) => s.end());
      const port = await listen(server);
      expect(await tcpProbe('127.0.0.1', port, 1000)).to.deep.equal({ result: 'Success', output: '' });
      await close(server);
      expect(await tcpProbe('127.0.0.1', port, 1000)).to.deep.equal({ result: 'Failure', output: `dial tcp 127.0.0.1:${port}: connect: connection refused` });
    });
  });

  describe('grpc (grpc.health.v1)', () => {
    let server: grpc.Server;
    let port: number;
    let bare: grpc.Server;
    let barePort: number;
    const statuses: Record<string, number> = { '': 1, db: 2 };
    const agents: string[] = [];

    const bind = (s: grpc.Server): Promise<number> => new Promise((resolve, reject) => s.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))));

    before(async () => {
      server = new grpc.Server();
      server.addService(HealthService, {
        check: (call: grpc.ServerUnaryCall<{ service: string }, { status: number }>, cb: grpc.sendUnaryData<{ status: number }>) => {
          agents.push(String(call.metadata.get('user-agent')[0]));
          const status = statuses[call.request.service];
          if (status === undefined) cb({ code: grpc.status.NOT_FOUND, details: 'unknown service' });
          else cb(null, { status });
        },
      });
      port = await bind(server);
      bare = new grpc.Server();
      barePort = await bind(bare);
    });
    after(() => { server.forceShutdown(); bare.forceShutdown(); });

    it('SERVING succeeds, with kube-probe as the user agent', async () => {
      expect(await grpcProbe('127.0.0.1', port, '', 1000)).to.deep.equal({ result: 'Success', output: 'service healthy' });
      expect(agents[0]).to.match(/^kube-probe\/1\.32/);
    });

    it('another status fails, naming it', async () => {
      expect(await grpcProbe('127.0.0.1', port, 'db', 1000)).to.deep.equal({ result: 'Failure', output: 'service unhealthy (responded with "NOT_SERVING")' });
    });

    it('an error status fails with the rpc error', async () => {
      expect(await grpcProbe('127.0.0.1', port, 'nope', 1000)).to.deep.equal({ result: 'Failure', output: 'error: health rpc probe failed: rpc error: code = NotFound desc = unknown service' });
    });

    it('a server without the health service fails as not implementing the protocol', async () => {
      const answer = await grpcProbe('127.0.0.1', barePort, '', 1000);
      expect(answer.result).to.equal('Failure');
      expect(answer.output).to.match(/^error: this server does not implement the grpc health protocol \(grpc\.health\.v1\.Health\)/);
    });

    it('nothing listening fails once the timeout passes', async () => {
      const closed = net.createServer();
      const p = await listen(closed);
      await close(closed);
      expect(await grpcProbe('127.0.0.1', p, '', 300)).to.deep.equal({ result: 'Failure', output: `timeout: failed to connect service "127.0.0.1:${p}" within 300ms: context deadline exceeded` });
    });
  });

  describe('exec (the simulated runtime\'s scripted ExecSync)', () => {
    let sim: SimRuntime;
    let containerId: string;
    before(async () => {
      sim = new SimRuntime({ podCIDR: '10.201.0.0/24', images: ['busybox'] });
      const sandboxConfig = { metadata: { name: 'p', uid: 'u1', namespace: 'default', attempt: 0 }, annotations: { 'sim.skiff.dev/exec-exit-code.other': '7' } };
      const sandbox = await sim.runPodSandbox(sandboxConfig);
      containerId = await sim.createContainer(sandbox, { metadata: { name: 'c', attempt: 0 }, image: { image: 'busybox' } }, sandboxConfig);
      await sim.startContainer(containerId);
    });
    after(() => sim.close());

    it('exit 0 succeeds; another code fails with stdout and stderr as the output', async () => {
      expect(await execProbe(sim, containerId, ['true'], 1)).to.deep.equal({ result: 'Success', output: '' });
      sim.scriptExec({ containerName: 'c' }, (cmd) => (cmd[0] === 'check' ? { exitCode: 1, stdout: 'out ', stderr: 'not ready' } : undefined));
      expect(await execProbe(sim, containerId, ['check'], 1)).to.deep.equal({ result: 'Failure', output: 'out not ready' });
      expect(await execProbe(sim, containerId, ['true'], 1)).to.deep.equal({ result: 'Success', output: '' });
      sim.clearExecScripts();
    });

    it('a command past its timeout fails as timed out', async () => {
      sim.scriptExec({}, { exitCode: 0, delayMs: 1500 });
      expect(await execProbe(sim, containerId, ['sleep', '5'], 1)).to.deep.equal({ result: 'Failure', output: 'command "sleep 5" timed out' });
      sim.clearExecScripts();
    });

    it('the exec-exit-code annotation applies per container', async () => {
      expect((await sim.execSync(containerId, ['x'], 1)).exitCode).to.equal(0);
    });
  });

  describe('where probes may go', () => {
    const calls: string[] = [];
    const network: ProbeNetwork = {
      httpGet: async (req: HTTPGetRequest) => { calls.push(req.url.href); return { statusCode: 200, body: '' }; },
      tcp: async (host) => { calls.push(host); return { result: 'Success', output: '' }; },
      grpc: async (host) => { calls.push(host); return { result: 'Success', output: '' }; },
    };
    const recorded: string[] = [];
    const ctx = (podIP: string): ProbeContext => ({
      runtime: new SimRuntime(), network, pod: { metadata: { name: 'p', namespace: 'default', uid: 'u' } } as Pod, podIP, hostIP: '192.0.2.10',
      container: { name: 'c' }, containerId: 'id', event: (_t, reason, message) => recorded.push(`${reason}: ${message}`),
    });

    it('the pod IP, the node IP and loopback are probed; any other host fails without a connection', async () => {
      const c = ctx('10.88.0.9');
      expect(await probe('Readiness', { httpGet: { port: 80 } }, c)).to.equal('Success');
      expect(await probe('Readiness', { httpGet: { port: 80, host: '192.0.2.10' } }, c)).to.equal('Success');
      expect(await probe('Readiness', { tcpSocket: { port: 80, host: '127.0.0.1' } }, c)).to.equal('Success');
      expect(calls).to.deep.equal(['http://10.88.0.9/', 'http://192.0.2.10/', '127.0.0.1']);
      calls.length = 0;
      for (const host of ['10.88.0.10', 'example.com', '8.8.8.8']) {
        expect(await probe('Liveness', { httpGet: { port: 80, host } }, c)).to.equal('Failure');
        expect(await probe('Liveness', { tcpSocket: { port: 80, host } }, c)).to.equal('Failure');
      }
      expect(calls).to.deep.equal([]);
      expect(recorded.at(-1)).to.equal('Unhealthy: Liveness probe failed: refusing to probe 8.8.8.8: a probe may only reach the pod\'s IP (10.88.0.9), the node\'s IP (192.0.2.10) or loopback');
    });

    it('a probe that cannot be run (unknown port name) errors: no result, an Unhealthy event', async () => {
      recorded.length = 0;
      expect(await probe('Readiness', { tcpSocket: { port: 'nope' } }, ctx('10.88.0.9'))).to.equal(undefined);
      expect(recorded).to.deep.equal(['Unhealthy: Readiness probe errored and resulted in unknown state: strconv.Atoi: parsing "nope": invalid syntax']);
    });
  });
});

const NODE = 'probe-node';

describe('probe manager (in-process API server, simulated runtime, exec probes)', function () {
  this.timeout(40_000);
  let client: RestClient;
  let sim: SimRuntime;

  const create = (name: string, container: Partial<Container>, extra: Record<string, unknown> = {}) =>
    client.create<Pod>(pods, 'default', {
      apiVersion: 'v1', kind: 'Pod', metadata: { name },
      spec: { nodeName: NODE, terminationGracePeriodSeconds: 1, containers: [{ name: 'c', image: 'busybox:1.36', ...container }], ...extra },
    });
  const getPod = (name: string) => client.get<Pod>(pods, 'default', name);
  const condition = (p: Pod, type: string) => p.status?.conditions?.find((c) => c.type === type);
  const podWhere = (name: string, what: string, pred: (p: Pod) => boolean | undefined, ms = 15_000) =>
    until(`${name}: ${what}`, async () => { const p = await getPod(name); return pred(p) ? p : undefined; }, ms, 50);
  const eventsOf = async (name: string): Promise<CoreEvent[]> =>
    (await client.list<CoreEvent>(events, 'default')).items.filter((e) => e.involvedObject.name === name && e.involvedObject.kind === 'Pod');
  const exec = (cmd: string[]) => ({ exec: { command: cmd }, periodSeconds: 1, failureThreshold: 1 });

  let node: SimNode | undefined;
  before(async () => {
    node = await startSimNode({ nodeName: NODE, userAgent: 'probes-test', podCIDR: '10.200.7.0/24', nodeIP: '192.0.2.77' });
    ({ client, sim } = node);
  });

  after(async () => { await node?.stop(); });

  afterEach(() => sim.clearExecScripts());

  it('readiness: not Ready while the probe fails (Unhealthy event), Ready once it passes', async () => {
    let ready = false;
    sim.scriptExec({ podName: 'ready-1' }, (cmd) => (cmd[0] === 'is-ready' ? (ready ? { exitCode: 0 } : { exitCode: 1, stdout: 'warming up\n' }) : undefined));
    await create('ready-1', { readinessProbe: exec(['is-ready']) });
    const running = await podWhere('ready-1', 'running', (p) => p.status?.containerStatuses?.[0]?.state?.running !== undefined);
    expect(running.status?.phase).to.equal('Running');
    const unready = await podWhere('ready-1', 'probe failed', (p) => condition(p, 'Ready')?.status === 'False');
    expect(unready.status?.containerStatuses?.[0]).to.include({ ready: false, started: true });
    expect(condition(unready, 'Ready')).to.include({ reason: 'ContainersNotReady', message: 'containers with unready status: [c]' });
    expect(condition(unready, 'ContainersReady')).to.include({ status: 'False', reason: 'ContainersNotReady' });
    const unhealthy = await until('Unhealthy event', async () => (await eventsOf('ready-1')).find((e) => e.reason === 'Unhealthy'));
    expect(unhealthy).to.include({ type: 'Warning', message: 'Readiness probe failed: warming up\n' });
    expect(unhealthy.involvedObject.fieldPath).to.equal('spec.containers{c}');

    ready = true;
    const now = await podWhere('ready-1', 'Ready', (p) => condition(p, 'Ready')?.status === 'True');
    expect(now.status?.containerStatuses?.[0]).to.include({ ready: true, started: true, restartCount: 0 });
    expect(condition(now, 'ContainersReady')?.status).to.equal('True');

    // And back: a readiness failure makes it unready again without restarting it.
    ready = false;
    const again = await podWhere('ready-1', 'unready again', (p) => condition(p, 'Ready')?.status === 'False');
    expect(again.status?.containerStatuses?.[0]).to.include({ ready: false, restartCount: 0 });
  });

  it('readiness through the exec-exit-code annotation (what kubectl users can script)', async () => {
    await client.create<Pod>(pods, 'default', {
      apiVersion: 'v1', kind: 'Pod', metadata: { name: 'ready-2', annotations: { 'sim.skiff.dev/exec-exit-code': '1' } },
      spec: { nodeName: NODE, containers: [{ name: 'c', image: 'busybox:1.36', readinessProbe: exec(['cat', '/tmp/ready']) }, { name: 'plain', image: 'busybox:1.36' }] },
    });
    const p = await podWhere('ready-2', 'both running', (x) => x.status?.containerStatuses?.every((s) => s.state?.running) && (x.status?.containerStatuses?.length ?? 0) === 2);
    await new Promise((r) => setTimeout(r, 1500));
    const later = await getPod('ready-2');
    const byName = Object.fromEntries((later.status?.containerStatuses ?? []).map((s) => [s.name, s]));
    expect(byName.c.ready).to.equal(false);
    expect(byName.plain.ready, 'a container without a readiness probe is ready once running').to.equal(true);
    expect(condition(later, 'Ready')?.status).to.equal('False');
    expect(p.status?.phase).to.equal('Running');
  });

  it('liveness: a failing probe kills and restarts the container, with Unhealthy and Killing events', async () => {
    sim.scriptExec({ podName: 'live-1' }, (cmd) => (cmd[0] === 'alive' ? { exitCode: 1, stderr: 'cat: can\'t open \'/tmp/healthy\': No such file or directory\n' } : undefined));
    await create('live-1', { livenessProbe: exec(['alive']) });
    const restarted = await podWhere('live-1', 'restarted', (p) => (p.status?.containerStatuses?.[0]?.restartCount ?? 0) >= 1);
    const s = restarted.status?.containerStatuses?.[0];
    expect(s?.lastState?.terminated).to.be.an('object');
    const evs = await until('Killing event', async () => { const e = await eventsOf('live-1'); return e.some((x) => x.reason === 'Killing') ? e : undefined; });
    expect(evs.find((e) => e.reason === 'Unhealthy')).to.include({ type: 'Warning', message: 'Liveness probe failed: cat: can\'t open \'/tmp/healthy\': No such file or directory\n' });
    expect(evs.find((e) => e.reason === 'Killing')).to.include({ type: 'Normal', message: 'Container c failed liveness probe, will be restarted' });
    // Passing from now on: the restarted container stays.
    sim.clearExecScripts();
    const count = (await getPod('live-1')).status?.containerStatuses?.[0]?.restartCount ?? 0;
    await new Promise((r) => setTimeout(r, 2500));
    const after = await getPod('live-1');
    expect(after.status?.containerStatuses?.[0]?.restartCount).to.be.at.most(count + 1);
    expect(after.status?.containerStatuses?.[0]?.state?.running).to.be.an('object');
  });

  it('liveness: the kill uses the probe\'s own terminationGracePeriodSeconds over the pod\'s', async () => {
    const stops: number[] = [];
    const original = sim.stopContainer.bind(sim);
    sim.stopContainer = async (id: string, timeout: number) => {
      if (sim.findContainers({ podName: 'live-5' }).some((c) => c.id === id)) stops.push(timeout);
      return original(id, timeout);
    };
    try {
      sim.scriptExec({ podName: 'live-5' }, { exitCode: 1 });
      await create('live-5', { livenessProbe: { ...exec(['alive']), terminationGracePeriodSeconds: 7 } });
      await podWhere('live-5', 'restarted', (p) => (p.status?.containerStatuses?.[0]?.restartCount ?? 0) >= 1);
      expect(stops[0]).to.equal(7);
    } finally {
      sim.stopContainer = original;
    }
  });

  it('liveness with restartPolicy Never: killed, not restarted, and the message says so', async () => {
    sim.scriptExec({ podName: 'live-2' }, { exitCode: 1 });
    await create('live-2', { livenessProbe: exec(['alive']) }, { restartPolicy: 'Never' });
    const done = await podWhere('live-2', 'finished', (p) => p.status?.containerStatuses?.[0]?.state?.terminated !== undefined);
    expect(done.status?.containerStatuses?.[0]?.restartCount).to.equal(0);
    const killing = await until('Killing event', async () => (await eventsOf('live-2')).find((e) => e.reason === 'Killing'));
    expect(killing.message).to.equal('Container c failed liveness probe');
  });

  it('liveness stops once the pod is being deleted: a failure during preStop kills nothing', async () => {
    let deleting = false;
    sim.scriptExec({ podName: 'live-4' }, (cmd) => (cmd[0] === 'alive' ? { exitCode: deleting ? 1 : 0 } : undefined));
    await create('live-4', { livenessProbe: exec(['alive']), lifecycle: { preStop: { sleep: { seconds: 2 } } } }, { terminationGracePeriodSeconds: 5 });
    await podWhere('live-4', 'running', (x) => x.status?.containerStatuses?.[0]?.state?.running !== undefined);
    deleting = true;
    await client.delete(pods, 'default', 'live-4');
    await until('pod gone', async () => { try { await getPod('live-4'); return false; } catch { return true; } }, 15_000, 50);
    const evs = await eventsOf('live-4');
    expect(evs.filter((e) => e.reason === 'Killing').map((e) => e.message)).to.deep.equal(['Stopping container c']);
    expect(evs.map((e) => e.reason)).to.not.include('Unhealthy');
  });

  it('readiness goes on while a deleted pod\'s containers stop: a failure is published before they are gone', async () => {
    let deleting = false;
    sim.scriptExec({ podName: 'ready-4' }, () => ({ exitCode: deleting ? 1 : 0 }));
    await create('ready-4', { readinessProbe: exec(['ready']), lifecycle: { preStop: { sleep: { seconds: 3 } } } }, { terminationGracePeriodSeconds: 10 });
    await podWhere('ready-4', 'Ready', (x) => condition(x, 'Ready')?.status === 'True');
    deleting = true;
    await client.delete(pods, 'default', 'ready-4');
    const p = await podWhere('ready-4', 'not Ready while terminating', (x) => condition(x, 'Ready')?.status === 'False', 5000);
    expect(p.metadata.deletionTimestamp).to.be.a('string');
    expect(p.status?.containerStatuses?.[0]).to.include({ ready: false });
    expect(p.status?.containerStatuses?.[0]?.state?.running, 'still running (in its preStop)').to.be.an('object');
  });

  it('startup: liveness and readiness wait until it succeeds; started and ready follow', async () => {
    const ran: string[] = [];
    let startedUp = false;
    sim.scriptExec({ podName: 'startup-1' }, (cmd) => {
      ran.push(cmd[0]);
      if (cmd[0] === 'started') return { exitCode: startedUp ? 0 : 1, stdout: 'starting' };
      return { exitCode: 0 };
    });
    await create('startup-1', { startupProbe: { ...exec(['started']), failureThreshold: 100 }, readinessProbe: exec(['ready']), livenessProbe: exec(['alive']) });
    await podWhere('startup-1', 'running', (p) => p.status?.containerStatuses?.[0]?.state?.running !== undefined);
    await until('startup probe runs', () => ran.filter((c) => c === 'started').length >= 2, 10_000, 50);
    const before = await getPod('startup-1');
    expect(before.status?.containerStatuses?.[0]).to.include({ started: false, ready: false });
    expect(ran, 'nothing but the startup probe runs before it succeeds').to.not.include.members(['ready']);
    expect(ran).to.not.include('alive');
    startedUp = true;
    const p = await podWhere('startup-1', 'started and ready', (x) => x.status?.containerStatuses?.[0]?.started === true && x.status?.containerStatuses?.[0]?.ready === true);
    expect(condition(p, 'Ready')?.status).to.equal('True');
    await until('liveness probe runs after start', () => ran.includes('alive'), 10_000, 50);
    expect(p.status?.containerStatuses?.[0]?.restartCount).to.equal(0);
  });

  it('startup: failing past its threshold restarts the container', async () => {
    sim.scriptExec({ podName: 'startup-2' }, { exitCode: 1, stdout: 'no' });
    await create('startup-2', { startupProbe: exec(['started']) });
    await podWhere('startup-2', 'restarted', (p) => (p.status?.containerStatuses?.[0]?.restartCount ?? 0) >= 1);
    // Events are written in the background: wait for them.
    const evs = await until('Unhealthy and Killing events', async () => {
      const e = await eventsOf('startup-2');
      return e.some((x) => x.reason === 'Killing') && e.some((x) => x.reason === 'Unhealthy') ? e : undefined;
    });
    expect(evs.find((e) => e.reason === 'Unhealthy')?.message).to.equal('Startup probe failed: no');
    expect(evs.find((e) => e.reason === 'Killing')?.message).to.equal('Container c failed startup probe, will be restarted');
  });

  it('startup of a sidecar: the app containers start only once the sidecar has started', async () => {
    let up = false;
    sim.scriptExec({ podName: 'sidecar-1', containerName: 'proxy' }, () => ({ exitCode: up ? 0 : 1 }));
    await create('sidecar-1', {}, { initContainers: [{ name: 'proxy', image: 'busybox:1.36', restartPolicy: 'Always', startupProbe: { ...exec(['up']), failureThreshold: 100 } }] });
    await until('sidecar running', () => sim.findContainers({ podName: 'sidecar-1', containerName: 'proxy' }).some((c) => c.state === 'CONTAINER_RUNNING'), 10_000, 50);
    await new Promise((r) => setTimeout(r, 1500));
    expect(sim.findContainers({ podName: 'sidecar-1', containerName: 'c' }), 'the app container waits').to.deep.equal([]);
    const waiting = await getPod('sidecar-1');
    expect(waiting.status?.phase).to.equal('Pending');
    expect(waiting.status?.initContainerStatuses?.[0]).to.include({ started: false, ready: false });
    up = true;
    const p = await podWhere('sidecar-1', 'Ready', (x) => condition(x, 'Ready')?.status === 'True');
    expect(p.status?.initContainerStatuses?.[0]).to.include({ started: true, ready: true });
    expect(p.status?.containerStatuses?.[0]?.state?.running).to.be.an('object');
  });

  it('initialDelaySeconds: no probe runs until the container has run that long', async () => {
    const ran: number[] = [];
    sim.scriptExec({ podName: 'delay-1' }, () => { ran.push(Date.now()); return { exitCode: 0 }; });
    await create('delay-1', { readinessProbe: { ...exec(['ok']), initialDelaySeconds: 2 } });
    await podWhere('delay-1', 'Ready', (x) => condition(x, 'Ready')?.status === 'True');
    const [c] = sim.findContainers({ podName: 'delay-1' });
    expect(ran[0] - c.startedAt / 1e6).to.be.at.least(2000);
  });

  it('failureThreshold: failures that do not reach it in a row restart nothing', async () => {
    let n = 0;
    sim.scriptExec({ podName: 'live-3' }, () => ({ exitCode: n++ % 3 === 2 ? 0 : 1, stdout: 'flaky' }));
    await create('live-3', { livenessProbe: { ...exec(['alive']), failureThreshold: 3 } });
    await podWhere('live-3', 'running', (x) => x.status?.containerStatuses?.[0]?.state?.running !== undefined);
    await until('several probes', () => n >= 6, 15_000, 50);
    const p = await getPod('live-3');
    expect(p.status?.containerStatuses?.[0]?.restartCount).to.equal(0);
    const reasons = await until('Unhealthy event', async () => { const r = (await eventsOf('live-3')).map((e) => e.reason); return r.includes('Unhealthy') ? r : undefined; });
    expect(reasons).to.not.include('Killing');
  });

  it('successThreshold: readiness needs that many successes in a row', async () => {
    const ran: number[] = [];
    sim.scriptExec({ podName: 'ready-3' }, () => { ran.push(Date.now()); return { exitCode: 0 }; });
    await create('ready-3', { readinessProbe: { ...exec(['ok']), successThreshold: 3 } });
    const p = await podWhere('ready-3', 'Ready', (x) => condition(x, 'Ready')?.status === 'True');
    expect(ran.length, 'probes run before Ready').to.be.at.least(3);
    expect(p.status?.containerStatuses?.[0]?.ready).to.equal(true);
  });
});
