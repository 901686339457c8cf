// Probes and lifecycle hooks on real containers (containerd over CRI, CNI pod IPs): an
// httpGet readiness probe against busybox httpd on the pod's IP makes the pod Ready, a
// tcpSocket probe of a closed port keeps another unready, an exec liveness probe that
// starts failing (`cat /tmp/healthy`) gets the container restarted, and postStart and
// preStop exec hooks run inside the container.

import { expect } from 'chai';
import type { Skiff } from '../../src/skiff.ts';
import type { CriRuntime } from '../../src/agent/cri/runtime.ts';
import type { Pod } from '../../src/agent/types.ts';
import { request, until } from '../helpers.ts';
import { busyboxPod, createPod, criOf, describeRealRuntime, startRealSkiff, waitForPod } from './runtime-harness.ts';

interface CoreEvent { reason: string; message: string; involvedObject: { name: string; kind: string } }

const WEB = ['sh', '-c', 'mkdir -p /www && echo ok > /www/index.html && touch /tmp/healthy && httpd -p 80 -h /www && trap "exit 0" TERM; while true; do sleep 1; done'];
const condition = (p: Pod, type: string) => p.status?.conditions?.find((c) => c.type === type);
const runtimeId = (p: Pod): string => (p.status?.containerStatuses?.[0]?.containerID ?? '').replace(/^[^:]+:\/\//, '');

describeRealRuntime('probes and hooks on real containers', function () {
  this.timeout(180_000);
  let skiff: Skiff;
  let cri: CriRuntime;

  const eventsOf = async (name: string): Promise<CoreEvent[]> =>
    ((await request(skiff, 'GET', '/api/v1/namespaces/default/events')).json as { items: CoreEvent[] }).items.filter((e) => e.involvedObject.name === name && e.involvedObject.kind === 'Pod');

  before(async () => {
    skiff = await startRealSkiff();
    cri = criOf(skiff);
  });

  after(async () => {
    cri?.close();
    await skiff?.close();
  });

  it('httpGet readiness on the pod IP: Ready; exec liveness failing: restarted with Unhealthy and Killing', async () => {
    const pod = busyboxPod('web', WEB);
    pod.spec!.containers[0].readinessProbe = { httpGet: { path: '/index.html', port: 80 }, periodSeconds: 1, failureThreshold: 1 };
    pod.spec!.containers[0].livenessProbe = { exec: { command: ['cat', '/tmp/healthy'] }, periodSeconds: 1, failureThreshold: 1 };
    pod.spec!.containers[0].lifecycle = { postStart: { exec: { command: ['sh', '-c', 'echo started > /tmp/poststart'] } } };
    await createPod(skiff, pod);
    const ready = await waitForPod(skiff, 'default', 'web', (p) => condition(p, 'Ready')?.status === 'True', 90_000);
    expect(ready.status?.podIP).to.match(/^10\.88\./);
    expect(ready.status?.containerStatuses?.[0]).to.include({ ready: true, started: true, restartCount: 0 });

    const id = runtimeId(ready);
    const post = await cri.execSync(id, ['cat', '/tmp/poststart'], 5);
    expect(post.stdout.toString()).to.equal('started\n');

    await cri.execSync(id, ['rm', '/tmp/healthy'], 5);
    const restarted = await waitForPod(skiff, 'default', 'web', (p) => (p.status?.containerStatuses?.[0]?.restartCount ?? 0) >= 1, 60_000);
    expect(runtimeId(restarted)).to.not.equal(id);
    const evs = await until('Killing event', async () => { const e = await eventsOf('web'); return e.some((x) => x.reason === 'Killing') ? e : undefined; }, 20_000, 200);
    expect(evs.find((e) => e.reason === 'Unhealthy')?.message).to.equal('Liveness probe failed: cat: can\'t open \'/tmp/healthy\': No such file or directory\n');
    expect(evs.find((e) => e.reason === 'Killing')?.message).to.equal('Container main failed liveness probe, will be restarted');
    // The new container creates /tmp/healthy again: Ready again, and it stays.
    await waitForPod(skiff, 'default', 'web', (p) => condition(p, 'Ready')?.status === 'True' && p.status?.containerStatuses?.[0]?.state?.running !== undefined, 60_000);
  });

  it('preStop runs in the container before a liveness kill stops it (what it writes is the termination message)', async () => {
    const pod = busyboxPod('drain', WEB);
    pod.spec!.containers[0].livenessProbe = { exec: { command: ['cat', '/tmp/healthy'] }, periodSeconds: 1, failureThreshold: 1 };
    pod.spec!.containers[0].lifecycle = { preStop: { exec: { command: ['sh', '-c', 'echo drained-by-prestop > /dev/termination-log'] } } };
    await createPod(skiff, pod);
    const running = await waitForPod(skiff, 'default', 'drain', (p) => p.status?.containerStatuses?.[0]?.state?.running !== undefined, 90_000);
    await cri.execSync(runtimeId(running), ['rm', '/tmp/healthy'], 5);
    const restarted = await waitForPod(skiff, 'default', 'drain', (p) => (p.status?.containerStatuses?.[0]?.restartCount ?? 0) >= 1, 60_000);
    expect(restarted.status?.containerStatuses?.[0]?.lastState?.terminated?.message).to.equal('drained-by-prestop\n');
  });

  it('an exec probe that outlives timeoutSeconds fails as timed out', async () => {
    const pod = busyboxPod('slow', WEB);
    pod.spec!.containers[0].readinessProbe = { exec: { command: ['sleep', '3'] }, timeoutSeconds: 1, periodSeconds: 2, failureThreshold: 1 };
    await createPod(skiff, pod);
    const unhealthy = await until('Unhealthy event', async () => (await eventsOf('slow')).find((e) => e.reason === 'Unhealthy'), 60_000, 200);
    expect(unhealthy.message).to.equal('Readiness probe failed: command "sleep 3" timed out');
    const p = await waitForPod(skiff, 'default', 'slow', () => true);
    expect(condition(p, 'Ready')?.status).to.equal('False');
  });

  it('tcpSocket readiness on a port nothing listens on: not Ready, connection refused', async () => {
    const pod = busyboxPod('closed', WEB);
    pod.spec!.containers[0].readinessProbe = { tcpSocket: { port: 81 }, periodSeconds: 1, failureThreshold: 1 };
    await createPod(skiff, pod);
    const p = await waitForPod(skiff, 'default', 'closed', (x) => x.status?.containerStatuses?.[0]?.state?.running !== undefined && !!x.status.podIP, 90_000);
    const unhealthy = await until('Unhealthy event', async () => (await eventsOf('closed')).find((e) => e.reason === 'Unhealthy'), 20_000, 200);
    expect(unhealthy.message).to.equal(`Readiness probe failed: dial tcp ${p.status?.podIP}:81: connect: connection refused`);
    const now = await waitForPod(skiff, 'default', 'closed', () => true);
    expect(condition(now, 'Ready')?.status).to.equal('False');
    expect(now.status?.containerStatuses?.[0]?.ready).to.equal(false);
  });
});
