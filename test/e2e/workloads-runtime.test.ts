// Workloads on real containers (containerd over CRI, CNI pod IPs, the loopback registry): a
// Deployment of httpd pods gated by an httpGet readiness probe with a Service's Endpoints and
// EndpointSlice following their readiness, a crash-looping container backing off ever longer,
// a container killed by the OOM killer at its memory limit, a StatefulSet pod that gets its
// PersistentVolumeClaim's content back after deletion, and the image pull policy's failures
// (ErrImageNeverPull, ErrImagePull, ImagePullBackOff) without any registry outside this host.

import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CriRuntime } from '../../src/agent/cri/runtime.ts';
import type { Pod } from '../../src/agent/types.ts';
import { containerdPaths } from '../../src/host/containerd.ts';
import type { Skiff } from '../../src/skiff.ts';
import { request, until } from '../helpers.ts';
import {
  BUSYBOX, busyboxPod, createPod, criOf, deletePod, describeRealRuntime, getPod, isRunning, SLEEP_FOREVER, startRealSkiff, waitForPod,
} from './runtime-harness.ts';

const HTTPD = 'registry.k8s.io/e2e-test-images/httpd:2.4.38-4';
const DOCROOT = '/usr/local/apache2/htdocs';
const NO_SUCH_IMAGE = 'docker.io/library/nosuchimage:1';

interface EndpointAddress { ip: string; targetRef?: { name: string } }
interface Endpoints { subsets?: { addresses?: EndpointAddress[]; notReadyAddresses?: EndpointAddress[] }[] }
interface EndpointSlice { endpoints?: { addresses: string[]; conditions?: { ready?: boolean }; targetRef?: { name: string } }[] }
interface CoreEvent { reason: string; message: string; involvedObject: { name: string; kind: string } }
interface DeploymentStatus { replicas?: number; readyReplicas?: number; availableReplicas?: number }

const ready = (p: Pod): boolean => p.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True';
const runtimeId = (p: Pod): string => (p.status?.containerStatuses?.[0]?.containerID ?? '').replace(/^[^:]+:\/\//, '');
const sorted = (xs: string[]): string[] => [...xs].sort();

describeRealRuntime('workloads on real containers', function () {
  this.timeout(180_000);
  let skiff: Skiff;
  let cri: CriRuntime;

  const create = async (path: string, body: unknown): Promise<void> => {
    const r = await request(skiff, 'POST', path, { body });
    if (r.status !== 201) throw new Error(`POST ${path}: ${r.status} ${r.text}`);
  };
  const get = async <T>(path: string): Promise<T | undefined> => {
    const r = await request(skiff, 'GET', path);
    return r.status === 200 ? r.json as T : undefined;
  };
  const eventsOf = async (name: string): Promise<CoreEvent[]> =>
    ((await get<{ items: CoreEvent[] }>('/api/v1/namespaces/default/events'))?.items ?? []).filter((e) => e.involvedObject.name === name && e.involvedObject.kind === 'Pod');
  /**
   * The crash loop takes over half a minute of back-off to show its growth: its pod starts first
   * and is watched (when each restart count first shows, each distinct back-off message) while the
   * other scenarios run; it is looked at last.
   */
  const crashWatch = {
    firstSeen: new Map<number, number>(),
    messages: [] as string[],
    timer: undefined as NodeJS.Timeout | undefined,
    stop(): void { clearInterval(this.timer); },
  };
  const podsOf = async (app: string): Promise<Pod[]> =>
    (await get<{ items: Pod[] }>(`/api/v1/namespaces/default/pods?labelSelector=app%3D${app}`))?.items ?? [];

  before(async function () {
    this.timeout(180_000);
    skiff = await startRealSkiff();
    cri = criOf(skiff);
    await createPod(skiff, busyboxPod('crasher', ['sh', '-c', 'echo crashing; exit 1']));
    let polling = false;
    crashWatch.timer = setInterval(() => {
      if (polling) return;
      polling = true;
      void getPod(skiff, 'default', 'crasher').then((p) => {
        const s = p?.status?.containerStatuses?.[0];
        if (!s) return;
        if (!crashWatch.firstSeen.has(s.restartCount)) crashWatch.firstSeen.set(s.restartCount, Date.now());
        const m = s.state?.waiting?.reason === 'CrashLoopBackOff' ? s.state.waiting.message : undefined;
        if (m && crashWatch.messages.at(-1) !== m) crashWatch.messages.push(m);
      }).catch(() => undefined).finally(() => { polling = false; });
    }, 250);
  });

  after(async function () {
    this.timeout(120_000);
    crashWatch.stop();
    cri?.close();
    await skiff?.close();
  });

  it('a Deployment of httpd pods with an httpGet readiness probe: 2/2 available, both pods ready in the Service\'s Endpoints and EndpointSlice; an unready pod moves to notReadyAddresses', async () => {
    await create('/api/v1/namespaces/default/services', {
      apiVersion: 'v1', kind: 'Service', metadata: { name: 'httpd' },
      spec: { selector: { app: 'httpd' }, ports: [{ port: 80, targetPort: 80 }] },
    });
    await create('/apis/apps/v1/namespaces/default/deployments', {
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'httpd' },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: 'httpd' } },
        template: {
          metadata: { labels: { app: 'httpd' } },
          spec: {
            terminationGracePeriodSeconds: 2,
            containers: [{
              name: 'httpd', image: HTTPD, ports: [{ containerPort: 80 }],
              readinessProbe: { httpGet: { path: '/index.html', port: 80 }, periodSeconds: 1, failureThreshold: 1 },
            }],
          },
        },
      },
    });
    const status = await until('deployment httpd 2/2 available', async () => {
      const s = (await get<{ status?: DeploymentStatus }>('/apis/apps/v1/namespaces/default/deployments/httpd'))?.status;
      return s?.availableReplicas === 2 ? s : undefined;
    }, 90_000, 250);
    expect(status).to.include({ replicas: 2, readyReplicas: 2, availableReplicas: 2 });

    const pods = await podsOf('httpd');
    expect(pods).to.have.length(2);
    for (const p of pods) {
      expect(ready(p), `${p.metadata.name} Ready`).to.equal(true);
      expect(p.status?.podIP).to.be.a('string').and.not.equal('');
      expect(p.status?.containerStatuses?.[0]).to.include({ ready: true, restartCount: 0 });
    }
    const ips = sorted(pods.map((p) => p.status!.podIP!));

    const endpoints = await until('both pod IPs ready in Endpoints httpd', async () => {
      const e = await get<Endpoints>('/api/v1/namespaces/default/endpoints/httpd');
      const addrs = sorted((e?.subsets ?? []).flatMap((s) => s.addresses ?? []).map((a) => a.ip));
      return JSON.stringify(addrs) === JSON.stringify(ips) ? e : undefined;
    }, 30_000, 250);
    expect((endpoints.subsets ?? []).flatMap((s) => s.notReadyAddresses ?? [])).to.deep.equal([]);
    const slice = await until('both pod IPs ready in the EndpointSlice of httpd', async () => {
      const list = await get<{ items: EndpointSlice[] }>('/apis/discovery.k8s.io/v1/namespaces/default/endpointslices?labelSelector=kubernetes.io%2Fservice-name%3Dhttpd');
      const eps = (list?.items ?? []).flatMap((s) => s.endpoints ?? []);
      const readyIPs = sorted(eps.filter((e) => e.conditions?.ready === true).flatMap((e) => e.addresses));
      return JSON.stringify(readyIPs) === JSON.stringify(ips) ? eps : undefined;
    }, 30_000, 250);
    expect(slice).to.have.length(2);

    // Take the page away from one pod: its probe now gets 404, so it leaves the ready addresses.
    const [victim, other] = pods;
    const mv = await cri.execSync(runtimeId(victim), ['mv', `${DOCROOT}/index.html`, `${DOCROOT}/moved.html`], 5);
    expect(mv.exitCode, mv.stderr.toString()).to.equal(0);
    await waitForPod(skiff, 'default', victim.metadata.name, (p) => !ready(p), 30_000);
    const after = await until('the unready pod in notReadyAddresses', async () => {
      const e = await get<Endpoints>('/api/v1/namespaces/default/endpoints/httpd');
      const notReady = (e?.subsets ?? []).flatMap((s) => s.notReadyAddresses ?? []).map((a) => a.ip);
      return notReady.includes(victim.status!.podIP!) ? e : undefined;
    }, 30_000, 250);
    expect((after.subsets ?? []).flatMap((s) => s.addresses ?? []).map((a) => a.ip)).to.deep.equal([other.status!.podIP]);
    expect((after.subsets ?? []).flatMap((s) => s.notReadyAddresses ?? []).map((a) => a.targetRef?.name)).to.deep.equal([victim.metadata.name]);
    await until('the unready pod not ready in the EndpointSlice', async () => {
      const list = await get<{ items: EndpointSlice[] }>('/apis/discovery.k8s.io/v1/namespaces/default/endpointslices?labelSelector=kubernetes.io%2Fservice-name%3Dhttpd');
      const eps = (list?.items ?? []).flatMap((s) => s.endpoints ?? []);
      return eps.some((e) => e.addresses.includes(victim.status!.podIP!) && e.conditions?.ready === false) || undefined;
    }, 30_000, 250);
    await until('deployment httpd 1 available', async () =>
      (await get<{ status?: DeploymentStatus }>('/apis/apps/v1/namespaces/default/deployments/httpd'))?.status?.availableReplicas === 1 || undefined, 30_000, 250);
  });

  it('a container beyond its memory limit is OOMKilled: exit code 137, pod Failed', async () => {
    const pod = busyboxPod('oom', ['dd', 'if=/dev/zero', 'of=/dev/null', 'bs=128M', 'count=1'], { restartPolicy: 'Never' });
    pod.spec!.containers[0].resources = { limits: { memory: '32Mi' } };
    await createPod(skiff, pod);
    const failed = await waitForPod(skiff, 'default', 'oom', (p) => p.status?.phase === 'Failed', 90_000);
    expect(failed.status?.containerStatuses?.[0]?.state?.terminated).to.include({ reason: 'OOMKilled', exitCode: 137 });
  });

  it('a StatefulSet pod deleted comes back as web-0 on the same PVC, with what it wrote there', async () => {
    await create('/api/v1/namespaces/default/services', {
      apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' },
      spec: { clusterIP: 'None', selector: { app: 'web' }, ports: [{ port: 80 }] },
    });
    await create('/apis/apps/v1/namespaces/default/statefulsets', {
      apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'web' },
      spec: {
        serviceName: 'web',
        replicas: 1,
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: {
            terminationGracePeriodSeconds: 2,
            containers: [{
              name: 'main', image: BUSYBOX,
              // The first pod leaves its UID in the volume; later ones only read it.
              command: ['sh', '-c', '[ -f /data/owner ] || echo "written by $POD_UID" > /data/owner; cat /data/owner; trap "exit 0" TERM; sleep 3600 & wait'],
              env: [{ name: 'POD_UID', valueFrom: { fieldRef: { fieldPath: 'metadata.uid' } } }],
              volumeMounts: [{ name: 'data', mountPath: '/data' }],
            }],
          },
        },
        volumeClaimTemplates: [{
          metadata: { name: 'data' },
          spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '16Mi' } } },
        }],
      },
    });
    const first = await waitForPod(skiff, 'default', 'web-0', isRunning, 90_000);
    const claim = await get<{ spec: { storageClassName?: string; volumeName?: string }; status?: { phase?: string } }>('/api/v1/namespaces/default/persistentvolumeclaims/data-web-0');
    expect(claim?.spec.storageClassName).to.equal('local-path');
    expect(claim?.status?.phase).to.equal('Bound');
    expect(first.spec?.volumes?.find((v) => v.name === 'data')?.persistentVolumeClaim?.claimName).to.equal('data-web-0');
    const written = await cri.execSync(runtimeId(first), ['cat', '/data/owner'], 5);
    expect(written.stdout.toString()).to.equal(`written by ${first.metadata.uid}\n`);

    await deletePod(skiff, 'default', 'web-0');
    const second = await waitForPod(skiff, 'default', 'web-0', (p) => p.metadata.uid !== first.metadata.uid && isRunning(p), 90_000);
    expect(second.spec?.volumes?.find((v) => v.name === 'data')?.persistentVolumeClaim?.claimName).to.equal('data-web-0');
    const again = await get<{ spec: { volumeName?: string } }>('/api/v1/namespaces/default/persistentvolumeclaims/data-web-0');
    expect(again?.spec.volumeName).to.equal(claim?.spec.volumeName);
    const read = await cri.execSync(runtimeId(second), ['cat', '/data/owner'], 5);
    expect(read.stdout.toString()).to.equal(`written by ${first.metadata.uid}\n`);
  });

  it('imagePullPolicy Never with an absent image: ErrImageNeverPull', async () => {
    const image = 'docker.io/library/nosuchimage:never';
    const pod = busyboxPod('neverpull', SLEEP_FOREVER, { image });
    pod.spec!.containers[0].imagePullPolicy = 'Never';
    await createPod(skiff, pod);
    const p = await waitForPod(skiff, 'default', 'neverpull', (x) => x.status?.containerStatuses?.[0]?.state?.waiting?.reason === 'ErrImageNeverPull', 60_000);
    expect(p.status?.containerStatuses?.[0]?.state?.waiting?.message).to.equal(`Container image "${image}" is not present with pull policy of Never`);
    expect(p.status?.phase).to.equal('Pending');
  });

  it('an image the node\'s registry does not have: ErrImagePull, then ImagePullBackOff, and no registry outside this host is asked', async () => {
    // containerd's only registry for docker.io is the loopback one, with no upstream fallback.
    const hosts = readFileSync(join(containerdPaths(skiff.dataDir).certsDir, 'docker.io', 'hosts.toml'), 'utf8');
    const urls = [...hosts.matchAll(/"(https?:\/\/[^"]+)"/g)].map((m) => m[1]);
    expect(urls).to.have.length.above(0);
    for (const u of urls) expect(u, 'docker.io registry host').to.match(/^http:\/\/127\.0\.0\.1:\d+$/);

    await createPod(skiff, busyboxPod('nosuch', SLEEP_FOREVER, { image: NO_SUCH_IMAGE }));
    const backoff = await waitForPod(skiff, 'default', 'nosuch', (x) => x.status?.containerStatuses?.[0]?.state?.waiting?.reason === 'ImagePullBackOff', 60_000);
    expect(backoff.status?.containerStatuses?.[0]?.state?.waiting?.message).to.equal(`Back-off pulling image "${NO_SUCH_IMAGE}"`);
    expect(backoff.status?.phase).to.equal('Pending');
    // The failed pull itself (ErrImagePull) shows in the pod's events, as the kubelet records them.
    const events = await until('the pull\'s events', async () => { const e = await eventsOf('nosuch'); return e.some((x) => x.message === 'Error: ImagePullBackOff') ? e : undefined; }, 20_000, 200);
    const failed = events.filter((e) => e.reason === 'Failed').map((e) => e.message);
    const pullError = failed.find((m) => m.startsWith(`Failed to pull image "${NO_SUCH_IMAGE}": `));
    expect(pullError, failed.join(' | ')).to.match(/not found/);
    expect(failed).to.include('Error: ErrImagePull');
    expect(failed).to.include('Error: ImagePullBackOff');
    expect(events.filter((e) => e.reason === 'BackOff').map((e) => e.message)).to.include(`Back-off pulling image "${NO_SUCH_IMAGE}"`);
  });

  // Skiff bug (src/agent/podworker.ts ensureImage: `this.wake(Date.now())` after a failed pull): the
  // next sync turns ErrImagePull into ImagePullBackOff within milliseconds, so the status almost never
  // shows ErrImagePull; the kubelet keeps it until the pod worker's next sync (~10s back-off period).
  it('a failed pull shows ErrImagePull in the container status before ImagePullBackOff', async () => {
    await createPod(skiff, busyboxPod('nosuch2', SLEEP_FOREVER, { image: NO_SUCH_IMAGE }));
    const pulling = await waitForPod(skiff, 'default', 'nosuch2', (x) => x.status?.containerStatuses?.[0]?.state?.waiting?.reason === 'ErrImagePull', 30_000);
    expect(pulling.status?.containerStatuses?.[0]?.state?.waiting?.message).to.match(new RegExp(`^Failed to pull image "${NO_SUCH_IMAGE.replace(/[.]/g, '\\.')}": .*not found`));
  });

  it('a container that exits 1 at once: CrashLoopBackOff with back-off growing between restarts, last state Error', async () => {
    const pod = await waitForPod(skiff, 'default', 'crasher', (p) => (p.status?.containerStatuses?.[0]?.restartCount ?? 0) >= 3 && p.status?.containerStatuses?.[0]?.state?.waiting?.reason === 'CrashLoopBackOff', 120_000);
    crashWatch.stop();
    const s = pod.status!.containerStatuses![0];
    expect(s.state?.waiting?.message).to.match(new RegExp(`^back-off \\d+s restarting failed container=main pod=crasher_default\\(${pod.metadata.uid}\\)$`));
    expect(s.lastState?.terminated).to.include({ exitCode: 1, reason: 'Error' });
    expect(s.ready).to.equal(false);
    expect(pod.status?.phase).to.equal('Running');
    // The back-off the messages announce doubles from upstream's 10s, in order.
    if (crashWatch.messages.at(-1) !== s.state?.waiting?.message) crashWatch.messages.push(s.state!.waiting!.message!);
    expect(crashWatch.messages.slice(0, 3)).to.deep.equal(['10s', '20s', '40s'].map((d) => `back-off ${d} restarting failed container=main pod=crasher_default(${pod.metadata.uid})`));
    // And the restarts come ever further apart (the first at once, then after ~10s, then ~20s).
    const at = [1, 2, 3].map((n) => crashWatch.firstSeen.get(n)!);
    expect(at.every((t) => t !== undefined), `restart counts seen ${[...crashWatch.firstSeen.keys()].join(',')}`).to.equal(true);
    const [gap12, gap23] = [at[1] - at[0], at[2] - at[1]];
    expect(gap12, 'seconds between restarts 1 and 2').to.be.at.least(5_000);
    expect(gap23, `gaps ${gap12}ms, ${gap23}ms`).to.be.greaterThan(gap12 + 5_000);
  });

  // Skiff bug (src/agent/podstatus.ts containerStatus: lastState is the record of the run *before*
  // the one that just exited): upstream's convertToAPIContainerStatuses moves the exited container's
  // terminated state into lastState when the state becomes waiting, so lastState and containerID agree.
  it('in CrashLoopBackOff, lastState is the container that just exited', async () => {
    const pod = await waitForPod(skiff, 'default', 'crasher', (p) => p.status?.containerStatuses?.[0]?.state?.waiting?.reason === 'CrashLoopBackOff', 60_000);
    const s = pod.status!.containerStatuses![0];
    expect(s.lastState?.terminated?.containerID).to.equal(s.containerID);
  });
});
