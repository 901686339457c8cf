// The simulated container runtime through its CRI-shaped interface: sandbox IPs from the
// pod CIDR, the container lifecycle, exits (test controls and pod annotations), failing
// pulls and starts, and the container event stream the agent listens to.

import { expect } from 'chai';
import { SimRuntime, normalizeImage } from '../../src/agent/runtime/sim.ts';
import {
  ContainerTypeLabel, NamespaceMode, RuntimeError, type ContainerConfig, type ContainerEventResponse, type PodSandboxConfig,
} from '../../src/agent/runtime/types.ts';

const sandboxConfig = (name: string, annotations: Record<string, string> = {}, hostNetwork = false): PodSandboxConfig => ({
  metadata: { name, uid: `uid-${name}`, namespace: 'ns', attempt: 0 },
  annotations,
  linux: { securityContext: { namespaceOptions: { network: hostNetwork ? NamespaceMode.NODE : NamespaceMode.POD } } },
});

const containerConfig = (name: string, image = 'busybox', kind: 'init' | 'regular' | 'sidecar' = 'regular'): ContainerConfig => ({
  metadata: { name, attempt: 0 },
  image: { image },
  labels: { [ContainerTypeLabel]: kind },
});

async function rejects(p: Promise<unknown>): Promise<RuntimeError> {
  try {
    await p;
  } catch (e) {
    expect(e).to.be.instanceOf(RuntimeError);
    return e as RuntimeError;
  }
  throw new Error('expected the call to fail');
}

/** Runs a sandbox with one container started from a pulled image. */
async function runOne(sim: SimRuntime, pod: string, container = 'app', annotations: Record<string, string> = {}, kind: 'init' | 'regular' = 'regular') {
  const sb = sandboxConfig(pod, annotations);
  const sandboxId = await sim.runPodSandbox(sb);
  const ref = await sim.pullImage({ image: 'busybox' }, undefined, sb);
  const id = await sim.createContainer(sandboxId, { ...containerConfig(container, ref, kind) }, sb);
  await sim.startContainer(id);
  return { sandboxId, id };
}

const until = async (check: () => Promise<boolean>, ms = 2000) => {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 5));
  }
};

describe('agent: simulated runtime', () => {
  let sim: SimRuntime;
  beforeEach(() => { sim = new SimRuntime(); });
  afterEach(() => sim.close());

  it('reports its name and version like a CRI runtime', async () => {
    const v = await sim.version();
    expect(v).to.include({ runtimeName: 'skiff-sim', runtimeVersion: '0.1.0', runtimeApiVersion: 'v1' });
  });

  describe('sandbox IPs', () => {
    it('needs a pod CIDR before it can network a sandbox', async () => {
      const err = await rejects(sim.runPodSandbox(sandboxConfig('a')));
      expect(err.code).to.equal('FailedPrecondition');
    });

    it('hands out distinct addresses inside the pod CIDR, not the gateway, until the range is used up', async () => {
      await sim.updateRuntimeConfig({ networkConfig: { podCidr: '10.9.8.0/29' } });
      const ips: string[] = [];
      for (let i = 0; i < 5; i++) {
        const id = await sim.runPodSandbox(sandboxConfig(`p${i}`));
        ips.push((await sim.podSandboxStatus(id)).network!.ip);
      }
      expect(new Set(ips).size).to.equal(5);
      for (const ip of ips) expect(ip).to.match(/^10\.9\.8\.[2-6]$/);
      const err = await rejects(sim.runPodSandbox(sandboxConfig('full')));
      expect(err.code).to.equal('ResourceExhausted');
    });

    it('gives an address back when the sandbox is stopped or removed', async () => {
      await sim.updateRuntimeConfig({ networkConfig: { podCidr: '10.9.8.0/30' } });
      const a = await sim.runPodSandbox(sandboxConfig('a'));
      const ipA = (await sim.podSandboxStatus(a)).network!.ip;
      expect(ipA).to.equal('10.9.8.2');
      await rejects(sim.runPodSandbox(sandboxConfig('b')));
      await sim.removePodSandbox(a);
      expect(sim.ipsInUse()).to.deep.equal([]);
      await rejects(sim.podSandboxStatus(a));
      const b = await sim.runPodSandbox(sandboxConfig('b'));
      expect((await sim.podSandboxStatus(b)).network!.ip).to.equal(ipA);
      await sim.stopPodSandbox(b);
      expect((await sim.podSandboxStatus(b)).state).to.equal('SANDBOX_NOTREADY');
      const c = await sim.runPodSandbox(sandboxConfig('c'));
      expect((await sim.podSandboxStatus(c)).network!.ip).to.equal(ipA);
    });

    it('gives host-network sandboxes no address of their own', async () => {
      const id = await sim.runPodSandbox(sandboxConfig('host', {}, true));
      const status = await sim.podSandboxStatus(id);
      expect(status.network?.ip).to.equal('');
      expect(status.linux?.namespaces?.options?.network).to.equal(NamespaceMode.NODE);
    });

    it('lists sandboxes by state and labels', async () => {
      await sim.updateRuntimeConfig({ networkConfig: { podCidr: '10.9.0.0/24' } });
      const a = await sim.runPodSandbox({ ...sandboxConfig('a'), labels: { app: 'x' } });
      await sim.runPodSandbox({ ...sandboxConfig('b'), labels: { app: 'y' } });
      await sim.stopPodSandbox(a);
      expect((await sim.listPodSandbox({ labelSelector: { app: 'x' } })).map((s) => s.id)).to.deep.equal([a]);
      expect(await sim.listPodSandbox({ state: { state: 'SANDBOX_READY' } })).to.have.length(1);
    });
  });

  describe('containers', () => {
    beforeEach(() => sim.updateRuntimeConfig({ networkConfig: { podCidr: '10.9.0.0/24' } }));

    it('runs a container through created, running, exited and removed, with an event at each step', async () => {
      const events: ContainerEventResponse[] = [];
      const unsubscribe = sim.getContainerEvents((e) => events.push(e));
      const sb = sandboxConfig('p');
      const sandboxId = await sim.runPodSandbox(sb);
      const ref = await sim.pullImage({ image: 'busybox' });
      const id = await sim.createContainer(sandboxId, containerConfig('app', ref), sb);
      const created = await sim.containerStatus(id);
      expect(created.state).to.equal('CONTAINER_CREATED');
      expect(created.startedAt).to.equal(0);
      await sim.startContainer(id);
      const running = await sim.containerStatus(id);
      expect(running.state).to.equal('CONTAINER_RUNNING');
      expect(running.startedAt).to.be.at.least(created.createdAt);
      expect(running.image.image).to.equal('docker.io/library/busybox:latest');
      expect(running.imageRef).to.match(/^docker\.io\/library\/busybox@sha256:[0-9a-f]{64}$/);
      await sim.stopContainer(id, 30);
      const exited = await sim.containerStatus(id);
      expect(exited).to.include({ state: 'CONTAINER_EXITED', exitCode: 0, reason: 'Completed' });
      expect(exited.finishedAt).to.be.at.least(running.startedAt);
      await sim.removeContainer(id);
      expect((await rejects(sim.containerStatus(id))).code).to.equal('NotFound');
      expect(events.map((e) => e.containerEventType)).to.deep.equal(['CONTAINER_CREATED_EVENT', 'CONTAINER_STARTED_EVENT', 'CONTAINER_STOPPED_EVENT', 'CONTAINER_DELETED_EVENT']);
      expect(events[2].podSandboxStatus?.metadata.uid).to.equal('uid-p');
      unsubscribe();
    });

    it('cannot create a container from an image it does not have', async () => {
      const sb = sandboxConfig('p');
      const sandboxId = await sim.runPodSandbox(sb);
      expect((await rejects(sim.createContainer(sandboxId, containerConfig('app', 'nope'), sb))).code).to.equal('NotFound');
    });

    it('kills a container stopped without grace (137) and lists containers by sandbox and state', async () => {
      const { sandboxId, id } = await runOne(sim, 'p');
      const other = await runOne(sim, 'q');
      await sim.stopContainer(id, 0);
      expect(await sim.containerStatus(id)).to.include({ state: 'CONTAINER_EXITED', exitCode: 137, reason: 'Error' });
      expect((await sim.listContainers({ podSandboxId: sandboxId })).map((c) => c.id)).to.deep.equal([id]);
      expect((await sim.listContainers({ state: { state: 'CONTAINER_RUNNING' } })).map((c) => c.id)).to.deep.equal([other.id]);
    });

    it('lets a starting container take startDelayMs', async () => {
      const slow = new SimRuntime({ podCIDR: '10.9.0.0/24', startDelayMs: 30, images: ['busybox'] });
      const sb = sandboxConfig('p');
      const sandboxId = await slow.runPodSandbox(sb);
      const id = await slow.createContainer(sandboxId, containerConfig('app'), sb);
      const started = slow.startContainer(id);
      expect((await slow.containerStatus(id)).state).to.equal('CONTAINER_CREATED');
      await started;
      expect((await slow.containerStatus(id)).state).to.equal('CONTAINER_RUNNING');
      slow.close();
    });

    it('removing a sandbox removes its containers', async () => {
      const { sandboxId, id } = await runOne(sim, 'p');
      await sim.removePodSandbox(sandboxId);
      expect(await sim.listContainers()).to.deep.equal([]);
      expect((await rejects(sim.containerStatus(id))).code).to.equal('NotFound');
    });
  });

  describe('exits', () => {
    beforeEach(() => sim.updateRuntimeConfig({ networkConfig: { podCidr: '10.9.0.0/24' } }));

    it('exits a running container with the code asked for, at once or later', async () => {
      const { id } = await runOne(sim, 'p');
      sim.exitContainer(id, 3);
      expect(await sim.containerStatus(id)).to.include({ state: 'CONTAINER_EXITED', exitCode: 3, reason: 'Error' });
      const later = await runOne(sim, 'q');
      sim.exitContainer(later.id, 0, 20);
      expect((await sim.containerStatus(later.id)).state).to.equal('CONTAINER_RUNNING');
      await until(async () => (await sim.containerStatus(later.id)).state === 'CONTAINER_EXITED');
      expect(await sim.containerStatus(later.id)).to.include({ exitCode: 0, reason: 'Completed' });
    });

    it('follows the pod annotations: exit-code at once, exit-after later', async () => {
      const now = await runOne(sim, 'p', 'app', { 'sim.skiff.dev/exit-code': '1' });
      expect(await sim.containerStatus(now.id)).to.include({ state: 'CONTAINER_EXITED', exitCode: 1, reason: 'Error' });
      const later = await runOne(sim, 'q', 'app', { 'sim.skiff.dev/exit-code': '2', 'sim.skiff.dev/exit-after': '30ms' });
      expect((await sim.containerStatus(later.id)).state).to.equal('CONTAINER_RUNNING');
      await until(async () => (await sim.containerStatus(later.id)).state === 'CONTAINER_EXITED');
      expect((await sim.containerStatus(later.id)).exitCode).to.equal(2);
    });

    it('applies container-specific annotations over the pod-wide ones', async () => {
      const annotations = { 'sim.skiff.dev/exit-code': '1', 'sim.skiff.dev/exit-code.sidecar': '7' };
      const app = await runOne(sim, 'p', 'app', annotations);
      const sidecar = await runOne(sim, 'q', 'sidecar', annotations);
      expect((await sim.containerStatus(app.id)).exitCode).to.equal(1);
      expect((await sim.containerStatus(sidecar.id)).exitCode).to.equal(7);
    });

    it('completes init containers at once unless told otherwise; pod-wide annotations are for app containers', async () => {
      const init = await runOne(sim, 'p', 'setup', { 'sim.skiff.dev/exit-code': '1' }, 'init');
      expect(await sim.containerStatus(init.id)).to.include({ state: 'CONTAINER_EXITED', exitCode: 0, reason: 'Completed' });
      const failing = await runOne(sim, 'q', 'setup', { 'sim.skiff.dev/exit-code.setup': '4' }, 'init');
      expect((await sim.containerStatus(failing.id)).exitCode).to.equal(4);
    });
  });

  describe('failures', () => {
    beforeEach(() => sim.updateRuntimeConfig({ networkConfig: { podCidr: '10.9.0.0/24' } }));

    it('fails pulls of an image it is told to, until cleared', async () => {
      sim.failImagePull('ghost:1.0');
      const err = await rejects(sim.pullImage({ image: 'ghost:1.0' }));
      expect(err.message).to.equal('failed to pull and unpack image "docker.io/library/ghost:1.0": failed to resolve reference "docker.io/library/ghost:1.0": docker.io/library/ghost:1.0: not found');
      expect(await sim.imageStatus({ image: 'ghost:1.0' })).to.equal(undefined);
      sim.clearImagePullFailure('docker.io/library/ghost:1.0');
      await sim.pullImage({ image: 'ghost:1.0' });
      expect((await sim.imageStatus({ image: 'ghost:1.0' }))?.repoTags).to.deep.equal(['docker.io/library/ghost:1.0']);
    });

    it('fails pulls named by the pod annotation', async () => {
      const sb = sandboxConfig('p', { 'sim.skiff.dev/pull-error': 'ghost, other' });
      await rejects(sim.pullImage({ image: 'ghost' }, undefined, sb));
      await sim.pullImage({ image: 'busybox' }, undefined, sb);
      await rejects(sim.pullImage({ image: 'anything' }, undefined, sandboxConfig('q', { 'sim.skiff.dev/pull-error': '*' })));
    });

    it('fails starts: the container is left exited with 128 / StartError', async () => {
      sim.failContainerStart({ podName: 'p', containerName: 'app' }, 'exec: "nope": executable file not found');
      const sb = sandboxConfig('p');
      const sandboxId = await sim.runPodSandbox(sb);
      await sim.pullImage({ image: 'busybox' });
      const id = await sim.createContainer(sandboxId, containerConfig('app'), sb);
      const err = await rejects(sim.startContainer(id));
      expect(err.message).to.contain('exec: "nope": executable file not found');
      expect(await sim.containerStatus(id)).to.include({ state: 'CONTAINER_EXITED', exitCode: 128, reason: 'StartError', message: 'exec: "nope": executable file not found' });
      // Other containers are not affected.
      const ok = await sim.createContainer(sandboxId, containerConfig('other'), sb);
      await sim.startContainer(ok);
    });

    it('fails starts asked for by annotation', async () => {
      const sb = sandboxConfig('p', { 'sim.skiff.dev/start-error': 'boom' });
      const sandboxId = await sim.runPodSandbox(sb);
      await sim.pullImage({ image: 'busybox' });
      const id = await sim.createContainer(sandboxId, containerConfig('app'), sb);
      await rejects(sim.startContainer(id));
      expect((await sim.containerStatus(id)).message).to.equal('boom');
    });
  });

  describe('image references', () => {
    const cases: [string, string][] = [
      ['busybox', 'docker.io/library/busybox:latest'],
      ['nginx:1.27', 'docker.io/library/nginx:1.27'],
      ['bitnami/redis', 'docker.io/bitnami/redis:latest'],
      ['localhost:5000/app:v1', 'localhost:5000/app:v1'],
      ['registry.k8s.io/pause:3.10', 'registry.k8s.io/pause:3.10'],
      ['quay.io/org/img@sha256:abc', 'quay.io/org/img@sha256:abc'],
    ];
    for (const [ref, normalized] of cases) {
      it(`normalizes ${ref} as containerd does`, () => expect(normalizeImage(ref)).to.equal(normalized));
    }

    it('lists images with tags and digests, and removes them', async () => {
      await sim.pullImage({ image: 'nginx:1.27' });
      const [img] = await sim.listImages();
      expect(img.repoTags).to.deep.equal(['docker.io/library/nginx:1.27']);
      expect(img.repoDigests[0]).to.match(/^docker\.io\/library\/nginx@sha256:/);
      expect(img.size).to.be.greaterThan(0);
      await sim.removeImage({ image: 'nginx:1.27' });
      expect(await sim.listImages()).to.deep.equal([]);
    });
  });
});
