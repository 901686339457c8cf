// The node agent on the real runtime: pods run in containerd over CRI with CNI networking,
// as upstream's kubelet runs them (sandbox, containers, pod IP from the node's pod CIDR,
// teardown on deletion, terminal phases from exit codes, agent restart with pods staying up),
// and a test cluster leaves nothing on the host when it closes.

import { expect } from 'chai';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { NodeAgent } from '../../src/agent/agent.ts';
import { CriRuntime } from '../../src/agent/cri/runtime.ts';
import { podCgroupParent } from '../../src/agent/podcgroups.ts';
import { KubernetesPodUIDLabel } from '../../src/agent/runtime/types.ts';
import { containerdPaths } from '../../src/host/containerd.ts';
import type { Skiff } from '../../src/skiff.ts';
import {
  busyboxPod, createPod, criOf, deletePod, describeRealRuntime, isRunning, SLEEP_FOREVER, startRealSkiff, waitForPod, waitForPodGone,
} from './runtime-harness.ts';

const inCIDR = (ip: string, cidr: string): boolean => {
  const [base, bits] = cidr.split('/');
  const n = (a: string) => a.split('.').reduce((acc, o) => acc * 256 + Number(o), 0);
  const size = 2 ** (32 - Number(bits));
  return Math.floor(n(ip) / size) === Math.floor(n(base) / size);
};

const cgroupDirs = (uid: string): string[] =>
  readdirSync('/sys/fs/cgroup').map((h) => `/sys/fs/cgroup/${h}${podCgroupParent(uid)}`).filter((d) => existsSync(d));

describeRealRuntime('real runtime (containerd over CRI)', function () {
  this.timeout(120_000);
  let skiff: Skiff;
  let cri: CriRuntime;
  let podCIDR: string;
  /** Every pod the tests made, to check that none leaves a cgroup behind. */
  const uids: string[] = [];
  const create = async (pod: Parameters<typeof createPod>[1]) => {
    const made = await createPod(skiff, pod);
    uids.push(made.metadata.uid!);
    return made;
  };

  before(async function () {
    this.timeout(180_000);
    skiff = await startRealSkiff({ controllers: false });
    cri = criOf(skiff);
    podCIDR = skiff.nodes[0].podCIDR!;
  });

  after(async function () {
    this.timeout(120_000);
    cri?.close();
    if (!skiff) return;
    const bridge = `skiff${podCIDR.split('.')[2]}`;
    const containerdPid = Number(execFileSync('cat', [containerdPaths(skiff.dataDir).pidFile], { encoding: 'utf8' }).trim());
    await skiff.close();
    // Nothing of this cluster is left on the host.
    const links = execFileSync('ip', ['-o', 'link', 'show'], { encoding: 'utf8' });
    expect(links).to.not.match(new RegExp(`: ${bridge}[:@]`));
    const rules = execFileSync('ip', ['rule', 'show'], { encoding: 'utf8' });
    expect(rules).to.not.include(`iif ${bridge} `);
    const routes = execFileSync('ip', ['route', 'show', 'table', 'all'], { encoding: 'utf8' });
    expect(routes).to.not.include(`dev ${bridge} `);
    expect(existsSync(`/proc/${containerdPid}`), 'containerd still running').to.equal(false);
    expect(uids.flatMap(cgroupDirs), 'pod cgroups left').to.deep.equal([]);
  });

  it('runs a busybox pod: Running with a pod IP from the node\'s pod CIDR and a containerd container ID', async () => {
    await create(busyboxPod('sleeper', SLEEP_FOREVER));
    const pod = await waitForPod(skiff, 'default', 'sleeper', isRunning, 90_000);
    expect(pod.spec?.nodeName).to.equal(skiff.nodeNames[0]);
    expect(inCIDR(pod.status!.podIP!, podCIDR), `${pod.status!.podIP} in ${podCIDR}`).to.equal(true);
    const status = pod.status!.containerStatuses![0];
    expect(status.containerID).to.match(/^containerd:\/\/[0-9a-f]{64}$/);
    expect(status.ready).to.equal(true);
    const sandboxes = await cri.listPodSandbox({ labelSelector: { [KubernetesPodUIDLabel]: pod.metadata.uid! } });
    expect(sandboxes.map((s) => s.state)).to.deep.equal(['SANDBOX_READY']);
    const running = await cri.containerStatus(status.containerID!.slice('containerd://'.length));
    expect(running.state).to.equal('CONTAINER_RUNNING');
    expect(cgroupDirs(pod.metadata.uid!)).to.have.length.above(0);
  });

  it('stops and removes the sandbox, containers and pod cgroup when the pod is deleted', async () => {
    const pod = await waitForPod(skiff, 'default', 'sleeper', isRunning);
    const uid = pod.metadata.uid!;
    await deletePod(skiff, 'default', 'sleeper');
    await waitForPodGone(skiff, 'default', 'sleeper', 60_000);
    // The worker's teardown after the API delete is asynchronous: give it a moment.
    const { until } = await import('../helpers.ts');
    await until('sandbox removed', async () => (await cri.listPodSandbox({ labelSelector: { [KubernetesPodUIDLabel]: uid } })).length === 0 || undefined, 30_000, 200);
    expect(await cri.listContainers({ labelSelector: { [KubernetesPodUIDLabel]: uid } })).to.deep.equal([]);
    await until('pod cgroup removed', () => cgroupDirs(uid).length === 0 || undefined, 10_000, 200);
  });

  it('lets one pod reach another by its pod IP', async () => {
    await create(busyboxPod('web', ['sh', '-c', 'echo hello-from-web > /tmp/index.html; trap "exit 0" TERM; httpd -f -p 80 -h /tmp & wait']));
    const web = await waitForPod(skiff, 'default', 'web', isRunning, 60_000);
    const ip = web.status!.podIP!;
    // busybox 1.35's wget -T crashes (recipe P7): the time limit comes from timeout.
    await create(busyboxPod('client', ['sh', '-c', `timeout 10 wget -qO- http://${ip}/ | grep -q hello-from-web`], { restartPolicy: 'Never' }));
    const client = await waitForPod(skiff, 'default', 'client', (p) => p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed', 60_000);
    expect(client.status!.phase, JSON.stringify(client.status?.containerStatuses?.[0]?.state)).to.equal('Succeeded');
    expect(client.status!.containerStatuses![0].state!.terminated!.exitCode).to.equal(0);
    await Promise.all([deletePod(skiff, 'default', 'web'), deletePod(skiff, 'default', 'client')]);
  });

  it('routes no pod traffic off the host (route lookups only: nothing is sent)', async () => {
    const bridge = `skiff${podCIDR.split('.')[2]}`;
    const podIP = podCIDR.replace(/\.0\/24$/, '.200');
    const lookup = (...args: string[]): string => {
      try {
        return execFileSync('ip', ['route', 'get', ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      } catch (e) {
        return `error: ${(e as { stderr?: string }).stderr ?? ''}`;
      }
    };
    // From a pod: anything but its own subnet and the host is refused.
    expect(lookup('192.0.2.77', 'from', podIP, 'iif', bridge)).to.match(/^error/);
    expect(lookup('10.88.255.9', 'from', podIP, 'iif', bridge)).to.match(/^error/);
    expect(lookup(podCIDR.replace(/\.0\/24$/, '.9'), 'from', podIP, 'iif', bridge)).to.include(`dev ${bridge}`);
    // From the host: the service CIDR goes to a Skiff bridge (this one, or another cluster's on this host;
    // kube-proxy's DNAT happens after this lookup), pod subnets no bridge has nowhere (10.88.255.0/24 never is one).
    expect(lookup('10.96.0.10')).to.match(/dev skiff\d+ /);
    expect(lookup('10.88.255.9')).to.match(/^error|blackhole/);
  });

  it('publishes a hostPort on the node (CNI portmap)', async () => {
    const hostPort = 20_000 + Math.floor(Math.random() * 10_000);
    const pod = busyboxPod('published', ['sh', '-c', 'echo hello-from-hostport > /tmp/index.html; trap "exit 0" TERM; httpd -f -p 80 -h /tmp & wait']);
    pod.spec!.containers[0].ports = [{ containerPort: 80, hostPort, hostIP: '127.0.0.1', protocol: 'TCP' }];
    await create(pod);
    await waitForPod(skiff, 'default', 'published', isRunning, 60_000);
    const { until } = await import('../helpers.ts');
    const body = await until('hostPort answering', () => fetch(`http://127.0.0.1:${hostPort}/`).then((r) => r.text(), () => undefined), 15_000, 200);
    expect(body.trim()).to.equal('hello-from-hostport');
    await deletePod(skiff, 'default', 'published');
  });

  it('fails a restartPolicy Never pod whose container exits non-zero, with its exit code', async () => {
    await create(busyboxPod('failing', ['sh', '-c', 'exit 3'], { restartPolicy: 'Never' }));
    const pod = await waitForPod(skiff, 'default', 'failing', (p) => p.status?.phase === 'Failed', 60_000);
    const terminated = pod.status!.containerStatuses![0].state!.terminated!;
    expect(terminated.exitCode).to.equal(3);
    expect(terminated.reason).to.equal('Error');
    expect(terminated.containerID).to.match(/^containerd:\/\//);
    await deletePod(skiff, 'default', 'failing');
  });

  it('runs a hostNetwork pod in the node\'s network namespace, with the node\'s IP', async () => {
    // Only the host's namespace has the node's pod bridge in it.
    const bridge = `skiff${podCIDR.split('.')[2]}`;
    const pod = busyboxPod('on-host', ['sh', '-c', `ip link | grep -q ': ${bridge}:'`], { restartPolicy: 'Never' });
    pod.spec!.hostNetwork = true;
    await create(pod);
    const done = await waitForPod(skiff, 'default', 'on-host', (p) => p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed', 60_000);
    expect(done.status!.phase, JSON.stringify(done.status?.containerStatuses?.[0]?.state)).to.equal('Succeeded');
    expect(done.status!.podIP).to.equal(done.status!.hostIP);
    await deletePod(skiff, 'default', 'on-host');
  });

  it('runs the container with its securityContext (user, group, read-only root filesystem)', async () => {
    const pod = busyboxPod('secure', ['sh', '-c', '[ "$(id -u)" = 1000 ] && [ "$(id -g)" = 3000 ] && ! touch /probe 2>/dev/null'], { restartPolicy: 'Never' });
    pod.spec!.containers[0].securityContext = { runAsUser: 1000, runAsGroup: 3000, readOnlyRootFilesystem: true };
    await create(pod);
    const done = await waitForPod(skiff, 'default', 'secure', (p) => p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed', 60_000);
    expect(done.status!.phase, JSON.stringify(done.status?.containerStatuses?.[0]?.state)).to.equal('Succeeded');
    await deletePod(skiff, 'default', 'secure');
  });

  it('recovers from containerd dying: it is started again, running containers carry on and new pods start', async () => {
    await create(busyboxPod('steady', SLEEP_FOREVER));
    const before = await waitForPod(skiff, 'default', 'steady', isRunning, 60_000);
    const id = before.status!.containerStatuses![0].containerID!.slice('containerd://'.length);
    const pidFile = containerdPaths(skiff.dataDir).pidFile;
    const pid = Number(readFileSync(pidFile, 'utf8').trim());
    process.kill(pid, 'SIGKILL');
    const { until } = await import('../helpers.ts');
    await until('containerd started again', () => {
      const now = Number(readFileSync(pidFile, 'utf8').trim());
      return now !== pid && existsSync(`/proc/${now}`) ? now : undefined;
    }, 30_000, 200);
    await until('CRI answering', () => cri.version().then(() => true, () => undefined), 30_000, 200);
    const status = await cri.containerStatus(id);
    expect(status.state).to.equal('CONTAINER_RUNNING');
    expect(status.startedAt * 1e-6).to.be.closeTo(Date.parse(before.status!.containerStatuses![0].state!.running!.startedAt!), 1000);
    await create(busyboxPod('after-restart', SLEEP_FOREVER));
    await waitForPod(skiff, 'default', 'after-restart', isRunning, 60_000);
    await Promise.all([deletePod(skiff, 'default', 'steady'), deletePod(skiff, 'default', 'after-restart')]);
    await Promise.all([waitForPodGone(skiff, 'default', 'steady'), waitForPodGone(skiff, 'default', 'after-restart')]);
  });

  it('keeps pods running across an agent restart, adopting their containers', async () => {
    await create(busyboxPod('survivor', SLEEP_FOREVER));
    const before = await waitForPod(skiff, 'default', 'survivor', isRunning, 60_000);
    const old = skiff.nodes[0];
    await old.stop();
    // A new agent for the same node, on a new connection to the same containerd.
    const runtime = new CriRuntime({ endpoint: containerdPaths(skiff.dataDir).socket });
    const agent = new NodeAgent({
      config: { server: skiff.url, ...skiff.credentials }, nodeName: old.nodeName, nodeIP: '127.0.0.1', runtime, podCIDR, dataDir: skiff.dataDir,
      rootDir: `${skiff.dataDir}/kubelet`, labels: { 'node-role.kubernetes.io/control-plane': '' },
    });
    try {
      await agent.start();
      // The new agent reports again (a fresh status write) and the container is the same one.
      const { sleep } = await import('../helpers.ts');
      await sleep(3000);
      const after = await waitForPod(skiff, 'default', 'survivor', isRunning);
      const [b, a] = [before.status!.containerStatuses![0], after.status!.containerStatuses![0]];
      expect(a.containerID).to.equal(b.containerID);
      expect(a.state!.running!.startedAt).to.equal(b.state!.running!.startedAt);
      expect(a.restartCount).to.equal(b.restartCount);
      expect(after.status!.podIP).to.equal(before.status!.podIP);
      const sandboxes = await cri.listPodSandbox({ labelSelector: { [KubernetesPodUIDLabel]: before.metadata.uid! } });
      expect(sandboxes).to.have.length(1);
      // And it still acts on the pod: deletion goes through the new agent.
      await deletePod(skiff, 'default', 'survivor');
      await waitForPodGone(skiff, 'default', 'survivor', 60_000);
    } finally {
      await agent.stop();
      runtime.close();
    }
  });
});
