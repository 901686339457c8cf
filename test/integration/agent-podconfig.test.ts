// What the node agent makes of a pod spec, through the API only, with the simulated runtime
// recording every sandbox and container config it is given and real files under the agent's
// root dir: the environment (fieldRef, resourceFieldRef, ConfigMap and Secret keys, envFrom,
// $(VAR) expansion, service variables), CreateContainerConfigError and its recovery,
// resources, QoS and namespaces, DNS and the managed hosts file, volumes on disk (modes,
// atomic updates when a ConfigMap changes, FailedMount, tmpfs, PVCs, subPath), mounts, and
// termination messages. Upstream: kubelet_pods.go, kuberuntime_container*.go, volume plugins.

import { expect } from 'chai';
import { lstat, mkdtemp, readdir, readFile, readlink, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { startSkiff, type Skiff } from '../../src/index.ts';
import { RestClient, resource, type ClientConfig } from '../../src/client/rest.ts';
import { NodeAgent, SimRuntime, type ContainerConfig, type PodSandboxConfig, type Pod } from '../../src/agent/index.ts';
import { until as untilWhat } from '../helpers.ts';

const until = <T>(fn: () => Promise<T | undefined>, ms: number, what: string): Promise<T> => untilWhat(what, fn, ms);

const pods = resource('pods');
const configmaps = resource('configmaps');
const secrets = resource('secrets');
const services = resource('services');
const namespaces = resource('namespaces');
const serviceaccounts = resource('serviceaccounts');
const pvs = resource('persistentvolumes');
const pvcs = resource('persistentvolumeclaims');
const events = resource('events');

const NODE = 'h3-podconfig-node';
const NS = 'h3-podconfig';

/** The simulated runtime, keeping what it was asked to run. */
class RecordingRuntime extends SimRuntime {
  readonly sandboxConfigs: PodSandboxConfig[] = [];
  readonly containerConfigs: ContainerConfig[] = [];

  override async runPodSandbox(config: PodSandboxConfig, handler?: string): Promise<string> {
    this.sandboxConfigs.push(config);
    return super.runPodSandbox(config, handler);
  }

  override async createContainer(podSandboxId: string, config: ContainerConfig, sandboxConfig: PodSandboxConfig): Promise<string> {
    this.containerConfigs.push(config);
    return super.createContainer(podSandboxId, config, sandboxConfig);
  }

  containerOf(podName: string, name: string): ContainerConfig | undefined {
    return this.containerConfigs.filter((c) => c.labels?.['io.kubernetes.pod.name'] === podName && c.metadata.name === name).at(-1);
  }

  sandboxOf(podName: string): PodSandboxConfig | undefined {
    return this.sandboxConfigs.filter((s) => s.metadata.name === podName).at(-1);
  }
}

const envOf = (c: ContainerConfig | undefined): Record<string, string> => Object.fromEntries((c?.envs ?? []).map((e) => [e.key, e.value]));
const b64 = (s: string) => Buffer.from(s).toString('base64');

describe('node agent: from pod spec to container config (simulated runtime, real files)', function () {
  this.timeout(60_000);
  let skiff: Skiff;
  let config: ClientConfig;
  let client: RestClient;
  let agent: NodeAgent;
  let runtime: RecordingRuntime;
  let root: string;
  let hostDir: string;

  const createPod = (name: string, spec: Record<string, unknown>, meta: Record<string, unknown> = {}) =>
    client.create<Pod>(pods, NS, { apiVersion: 'v1', kind: 'Pod', metadata: { name, ...meta }, spec: { nodeName: NODE, ...spec } });
  const getPod = (name: string) => client.get<Pod>(pods, NS, name);
  const podWhere = (name: string, what: string, pred: (p: Pod) => boolean, ms = 15_000) =>
    until(async () => { const p = await getPod(name); return pred(p) ? p : undefined; }, ms, `${name}: ${what}`);
  const running = (name: string) => podWhere(name, 'Running', (p) => p.status?.phase === 'Running');
  const eventsOf = async (name: string) =>
    (await client.list<{ reason: string; message: string; involvedObject: { name: string } }>(events, NS)).items.filter((e) => e.involvedObject.name === name);
  const volumeDir = (p: Pod, plugin: string, name: string) => join(root, 'pods', p.metadata.uid!, 'volumes', `kubernetes.io~${plugin}`, name);
  const configMap = (name: string, data: Record<string, string>) => client.create(configmaps, NS, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data });
  const deletePod = async (name: string) => {
    const uid = (await getPod(name)).metadata.uid!;
    await client.delete(pods, NS, name, { gracePeriodSeconds: 0 });
    await until(async () => (await lstat(join(root, 'pods', uid)).then(() => undefined, () => true)), 15_000, `${name}: pod dir removed`);
  };

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'skiff-h3-root-'));
    hostDir = await mkdtemp(join(tmpdir(), 'skiff-h3-host-'));
    skiff = await startSkiff();
    config = { server: skiff.url, ...skiff.credentials, userAgent: 'h3-test' };
    client = new RestClient(config);
    await client.create(namespaces, undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
    await client.create(serviceaccounts, NS, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'runner' } }).catch(() => undefined);
    runtime = new RecordingRuntime();
    agent = new NodeAgent({
      config,
      nodeName: NODE,
      capacity: { cpu: '4', memory: '8Gi', 'ephemeral-storage': '100Gi', pods: '30' },
      podCIDR: '10.200.9.0/24',
      nodeIP: '192.0.2.30',
      runtime,
      rootDir: root,
      crashLoopBackoffBaseMs: 100,
      crashLoopBackoffMaxMs: 400,
    });
    await agent.start();
  });

  after(async () => {
    await agent?.stop();
    runtime?.close();
    client?.close();
    await skiff?.close();
    // Nothing mounted may stay behind (tmpfs emptyDirs of pods still running at the end).
    for (const line of readFileSync('/proc/self/mounts', 'utf8').split('\n')) {
      const point = line.split(' ')[1];
      if (root && point?.startsWith(`${root}/`)) execFileSync('umount', [point]);
    }
    if (root) await rm(root, { recursive: true, force: true });
    if (hostDir) await rm(hostDir, { recursive: true, force: true });
  });

  describe('environment', () => {
    it('resolves value, fieldRef, resourceFieldRef, ConfigMap and Secret keys, envFrom with prefix, $(VAR) expansion and service variables', async () => {
      await configMap('env-cm', { color: 'blue', size: 'L' });
      await client.create(secrets, NS, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'env-secret' }, data: { password: b64('s3cret'), user: b64('admin'), '1st': b64('x') } });
      await client.create(services, NS, { apiVersion: 'v1', kind: 'Service', metadata: { name: 'my-db' }, spec: { ports: [{ name: 'sql', port: 5432 }], selector: { app: 'db' } } });
      const p = await createPod('env', {
        serviceAccountName: 'runner',
        containers: [{
          name: 'app', image: 'busybox:1.35',
          command: ['sh', '-c', 'echo $(GREETING) $$(NOT) $(MISSING)'], args: ['$(POD_NAME)'],
          resources: { requests: { cpu: '250m', memory: '64Mi' }, limits: { cpu: '500m', memory: '128Mi' } },
          envFrom: [{ configMapRef: { name: 'env-cm' }, prefix: 'CM_' }, { secretRef: { name: 'env-secret' } }],
          env: [
            { name: 'PLAIN', value: 'v' },
            { name: 'GREETING', value: 'hello-$(CM_color)-$(PLAIN)' },
            { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
            { name: 'POD_NS', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
            { name: 'POD_UID', valueFrom: { fieldRef: { fieldPath: 'metadata.uid' } } },
            { name: 'APP', valueFrom: { fieldRef: { fieldPath: "metadata.labels['app']" } } },
            { name: 'NOTE', valueFrom: { fieldRef: { fieldPath: "metadata.annotations['note']" } } },
            { name: 'NODE', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
            { name: 'SA', valueFrom: { fieldRef: { fieldPath: 'spec.serviceAccountName' } } },
            { name: 'HOST_IP', valueFrom: { fieldRef: { fieldPath: 'status.hostIP' } } },
            { name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
            { name: 'CPU_MILLI', valueFrom: { resourceFieldRef: { resource: 'requests.cpu', divisor: '1m' } } },
            { name: 'MEM_LIMIT_MI', valueFrom: { resourceFieldRef: { resource: 'limits.memory', divisor: '1Mi' } } },
            { name: 'EPH_LIMIT_GI', valueFrom: { resourceFieldRef: { resource: 'limits.ephemeral-storage', divisor: '1Gi' } } },
            { name: 'COLOR', valueFrom: { configMapKeyRef: { name: 'env-cm', key: 'color' } } },
            { name: 'PASS', valueFrom: { secretKeyRef: { name: 'env-secret', key: 'password' } } },
            { name: 'OPT', valueFrom: { configMapKeyRef: { name: 'no-such-cm', key: 'k', optional: true } } },
            { name: 'OPT2', valueFrom: { secretKeyRef: { name: 'env-secret', key: 'nope', optional: true } } },
          ],
        }],
      }, { labels: { app: 'web' }, annotations: { note: 'n1' } });
      const pod = await running('env');
      const env = envOf(runtime.containerOf('env', 'app'));
      expect(env).to.include({
        PLAIN: 'v', GREETING: 'hello-blue-v', POD_NAME: 'env', POD_NS: NS, POD_UID: p.metadata.uid, APP: 'web', NOTE: 'n1', NODE, SA: 'runner',
        HOST_IP: '192.0.2.30', POD_IP: pod.status?.podIP, CPU_MILLI: '250', MEM_LIMIT_MI: '128', EPH_LIMIT_GI: '100', COLOR: 'blue', PASS: 's3cret',
        CM_color: 'blue', CM_size: 'L', password: 's3cret', user: 'admin',
      });
      // Keys that are not C identifiers are fine since RelaxedEnvironmentVariableValidation (1.32 default).
      expect(env).to.include({ '1st': 'x' });
      expect(env).to.not.have.any.keys('OPT', 'OPT2');
      const svc = await client.get<{ spec: { clusterIP: string } }>(services, NS, 'my-db');
      const kube = await client.get<{ spec: { clusterIP: string } }>(services, 'default', 'kubernetes');
      expect(env).to.include({
        MY_DB_SERVICE_HOST: svc.spec.clusterIP, MY_DB_SERVICE_PORT: '5432', MY_DB_SERVICE_PORT_SQL: '5432', MY_DB_PORT: `tcp://${svc.spec.clusterIP}:5432`,
        MY_DB_PORT_5432_TCP_ADDR: svc.spec.clusterIP, KUBERNETES_SERVICE_HOST: kube.spec.clusterIP, KUBERNETES_SERVICE_PORT: '443',
      });
      const cfg = runtime.containerOf('env', 'app')!;
      expect(cfg.command).to.deep.equal(['sh', '-c', 'echo hello-blue-v $(NOT) $(MISSING)']);
      expect(cfg.args).to.deep.equal(['env']);
    });

    it('leaves out the namespace services with enableServiceLinks: false, but not the master service', async () => {
      await createPod('nolinks', { enableServiceLinks: false, containers: [{ name: 'app', image: 'busybox:1.35' }] });
      await running('nolinks');
      const env = envOf(runtime.containerOf('nolinks', 'app'));
      expect(env).to.have.property('KUBERNETES_SERVICE_HOST');
      expect(env).to.not.have.property('MY_DB_SERVICE_HOST');
    });

    it('sees Services created and deleted after its first pods (the service informer), and none of other namespaces', async () => {
      await client.create(services, NS, { apiVersion: 'v1', kind: 'Service', metadata: { name: 'later-svc' }, spec: { ports: [{ port: 8080 }], selector: { app: 'x' } } });
      await client.create(services, 'default', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'elsewhere' }, spec: { ports: [{ port: 81 }], selector: { app: 'x' } } });
      await createPod('svc-after', { containers: [{ name: 'app', image: 'busybox:1.35' }] });
      await running('svc-after');
      const env = envOf(runtime.containerOf('svc-after', 'app'));
      expect(env).to.have.property('LATER_SVC_SERVICE_PORT', '8080');
      expect(env).to.not.have.property('ELSEWHERE_SERVICE_HOST');
      await client.delete(services, NS, 'later-svc');
      await client.delete(services, 'default', 'elsewhere');
      // The deletion reaches the node's informer within a watch event; the next pod goes without it.
      await new Promise((r) => setTimeout(r, 200));
      await createPod('svc-gone', { containers: [{ name: 'app', image: 'busybox:1.35' }] });
      await running('svc-gone');
      expect(envOf(runtime.containerOf('svc-gone', 'app'))).to.not.have.property('LATER_SVC_SERVICE_HOST');
    });

    it('waits in CreateContainerConfigError while a ConfigMap key is missing, and starts once it is there', async () => {
      await configMap('late-cm', { other: 'x' });
      await createPod('late', { containers: [{ name: 'app', image: 'busybox:1.35', env: [{ name: 'K', valueFrom: { configMapKeyRef: { name: 'late-cm', key: 'wanted' } } }] }] });
      const waiting = await podWhere('late', 'CreateContainerConfigError', (p) => p.status?.containerStatuses?.[0]?.state?.waiting?.reason === 'CreateContainerConfigError');
      expect(waiting.status?.phase).to.equal('Pending');
      expect(waiting.status?.containerStatuses?.[0].state?.waiting?.message).to.equal(`couldn't find key wanted in ConfigMap ${NS}/late-cm`);
      const ev = await until(async () => (await eventsOf('late')).find((e) => e.reason === 'Failed'), 5000, 'Failed event');
      expect(ev.message).to.equal(`Error: couldn't find key wanted in ConfigMap ${NS}/late-cm`);
      await client.update(configmaps, NS, 'late-cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'late-cm' }, data: { wanted: 'yes' } });
      await running('late');
      expect(envOf(runtime.containerOf('late', 'app'))).to.include({ K: 'yes' });
    });

    it('reports a missing ConfigMap as configmap "<name>" not found', async () => {
      await createPod('nocm', { containers: [{ name: 'app', image: 'busybox:1.35', envFrom: [{ configMapRef: { name: 'absent' } }] }] });
      const p = await podWhere('nocm', 'CreateContainerConfigError', (x) => x.status?.containerStatuses?.[0]?.state?.waiting?.reason === 'CreateContainerConfigError');
      expect(p.status?.containerStatuses?.[0].state?.waiting?.message).to.equal('configmap "absent" not found');
      await client.delete(pods, NS, 'nocm', { gracePeriodSeconds: 0 });
    });
  });

  describe('resources, namespaces, DNS and hosts', () => {
    it('passes cgroup resources and namespaces, records the QoS class, and sets the sandbox DNS, hostname, cgroup parent and log directory', async () => {
      await createPod('res', {
        hostname: 'web-0', subdomain: 'web', shareProcessNamespace: true,
        hostAliases: [{ ip: '10.1.2.3', hostnames: ['foo.local'] }],
        dnsConfig: { searches: ['extra.example'], options: [{ name: 'ndots', value: '2' }] },
        containers: [{ name: 'app', image: 'busybox:1.35', resources: { requests: { cpu: '250m', memory: '1Gi' }, limits: { cpu: '500m', memory: '2Gi' } } }],
      });
      const p = await running('res');
      expect(p.status?.qosClass).to.equal('Burstable');
      const c = runtime.containerOf('res', 'app')!;
      // Burstable: 1000 - 1000 * request / the machine's memory (as the kubelet's machine info has it).
      const oom = 1000 - Math.floor((1000 * 1024 ** 3) / totalmem());
      expect(c.linux?.resources).to.deep.equal({ cpuShares: 256, cpuPeriod: 100000, cpuQuota: 50000, memoryLimitInBytes: 2 * 1024 ** 3, oomScoreAdj: oom });
      expect(c.linux?.securityContext?.namespaceOptions).to.deep.equal({ network: 0, pid: 0, ipc: 0 });
      const s = runtime.sandboxOf('res')!;
      expect(s.hostname).to.equal('web-0');
      expect(s.linux?.cgroupParent).to.equal(`/skiff/pod${p.metadata.uid}`);
      expect(s.linux?.securityContext?.namespaceOptions).to.deep.equal({ network: 0, pid: 0, ipc: 0 });
      expect(s.logDirectory).to.equal(join(root, 'logs', `${NS}_res_${p.metadata.uid}`));
      expect(s.dnsConfig?.servers).to.deep.equal(['10.96.0.10']);
      expect(s.dnsConfig?.searches?.slice(0, 3)).to.deep.equal([`${NS}.svc.cluster.local`, 'svc.cluster.local', 'cluster.local']);
      expect(s.dnsConfig?.searches?.at(-1)).to.equal('extra.example');
      expect(s.dnsConfig?.options).to.deep.equal(['ndots:2']);
      const hosts = await readFile(join(root, 'pods', p.metadata.uid!, 'etc-hosts'), 'utf8');
      expect(hosts).to.contain(`${p.status?.podIP}\tweb-0.web.${NS}.svc.cluster.local\tweb-0\n`);
      expect(hosts).to.contain('127.0.0.1\tlocalhost\n');
      expect(hosts).to.contain('# Entries added by HostAliases.\n10.1.2.3\tfoo.local\n');
      expect(c.mounts).to.deep.include({ containerPath: '/etc/hosts', hostPath: join(root, 'pods', p.metadata.uid!, 'etc-hosts'), readonly: false, propagation: 'PROPAGATION_PRIVATE' });
      const log = join(root, 'logs', `${NS}_res_${p.metadata.uid}`, 'app');
      expect((await stat(log)).isDirectory()).to.equal(true);
      expect(c.logPath).to.equal('app/0.log');
    });

    it('passes the security context and refuses runAsNonRoot with runAsUser 0 (CreateContainerConfigError)', async () => {
      await createPod('secure', {
        securityContext: { runAsUser: 1000, fsGroup: 2000 },
        containers: [{ name: 'app', image: 'busybox:1.35', securityContext: { runAsGroup: 3000, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false } }],
      });
      await running('secure');
      expect(runtime.containerOf('secure', 'app')!.linux?.securityContext).to.deep.include({ runAsUser: { value: 1000 }, runAsGroup: { value: 3000 }, readonlyRootfs: true, noNewPrivs: true, supplementalGroups: [2000] });
      expect(runtime.sandboxOf('secure')!.linux?.securityContext).to.deep.include({ runAsUser: { value: 1000 }, supplementalGroups: [2000] });
      const p = await createPod('rootish', { securityContext: { runAsNonRoot: true, runAsUser: 0 }, containers: [{ name: 'app', image: 'busybox:1.35' }] });
      const w = await podWhere('rootish', 'CreateContainerConfigError', (x) => x.status?.containerStatuses?.[0]?.state?.waiting?.reason === 'CreateContainerConfigError');
      expect(w.status?.containerStatuses?.[0].state?.waiting?.message).to.equal(`container's runAsUser breaks non-root policy (pod: "rootish_${NS}(${p.metadata.uid})", container: app)`);
      await client.delete(pods, NS, 'rootish', { gracePeriodSeconds: 0 });
      // No runAsUser: the image's user decides, and one that names none runs as root.
      const q = await createPod('image-root', { securityContext: { runAsNonRoot: true }, containers: [{ name: 'app', image: 'busybox:1.35' }] });
      const wq = await podWhere('image-root', 'CreateContainerConfigError', (x) => x.status?.containerStatuses?.[0]?.state?.waiting?.reason === 'CreateContainerConfigError');
      expect(wq.status?.containerStatuses?.[0].state?.waiting?.message).to.equal(`container has runAsNonRoot and image will run as root (pod: "image-root_${NS}(${q.metadata.uid})", container: app)`);
      await client.delete(pods, NS, 'image-root', { gracePeriodSeconds: 0 });
    });

    it('gives a hostNetwork pod the node network, no hostname, and the host resolver', async () => {
      await createPod('hostnet', { hostNetwork: true, containers: [{ name: 'app', image: 'busybox:1.35', resources: { limits: { cpu: '1', memory: '1Gi' } } }] });
      const p = await running('hostnet');
      expect(p.status?.qosClass).to.equal('Guaranteed');
      const s = runtime.sandboxOf('hostnet')!;
      expect(s.hostname).to.equal('');
      expect(s.linux?.securityContext?.namespaceOptions).to.deep.equal({ network: 2, pid: 1, ipc: 0 });
      expect(s.dnsConfig?.options).to.not.include('ndots:5');
      expect(runtime.containerOf('hostnet', 'app')!.linux?.resources?.oomScoreAdj).to.equal(-997);
      const hosts = join(root, 'pods', p.metadata.uid!, 'etc-hosts');
      expect(runtime.containerOf('hostnet', 'app')!.mounts).to.deep.include({ containerPath: '/etc/hosts', hostPath: hosts, readonly: false, propagation: 'PROPAGATION_PRIVATE' });
      expect(await readFile(hosts, 'utf8')).to.match(/^# Kubernetes-managed hosts file \(host network\)\.\n/);
    });
  });

  describe('volumes', () => {
    it('writes configMap, secret, downwardAPI and projected volumes with modes through ..data, and mounts them read-only', async () => {
      await configMap('vol-cm', { 'app.conf': 'port=80', other: 'o' });
      await client.create(secrets, NS, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'vol-secret' }, data: { token: b64('t0k') } });
      await createPod('vols', {
        serviceAccountName: 'runner',
        containers: [{
          name: 'app', image: 'busybox:1.35',
          volumeMounts: [
            { name: 'cfg', mountPath: '/etc/app' },
            { name: 'sec', mountPath: '/etc/sec' },
            { name: 'info', mountPath: '/etc/info' },
            { name: 'all', mountPath: '/etc/all' },
            { name: 'scratch', mountPath: '/scratch' },
            { name: 'scratch', mountPath: '/data', subPath: 'sub/dir' },
            { name: 'scratch', mountPath: '/ro', readOnly: true, mountPropagation: 'HostToContainer' },
          ],
        }],
        volumes: [
          { name: 'cfg', configMap: { name: 'vol-cm', defaultMode: 0o640 } },
          { name: 'sec', secret: { secretName: 'vol-secret', items: [{ key: 'token', path: 'nested/tok', mode: 0o400 }] } },
          { name: 'info', downwardAPI: { items: [{ path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } }, { path: 'mem', resourceFieldRef: { containerName: 'app', resource: 'limits.memory', divisor: '1Gi' } }] } },
          { name: 'all', projected: { sources: [
            { configMap: { name: 'vol-cm', items: [{ key: 'app.conf', path: 'conf' }] } },
            { secret: { name: 'vol-secret' } },
            { downwardAPI: { items: [{ path: 'name', fieldRef: { fieldPath: 'metadata.name' } }] } },
            { serviceAccountToken: { path: 'sa-token', expirationSeconds: 3600 } },
          ] } },
          { name: 'scratch', emptyDir: {} },
        ],
      }, { labels: { tier: 'front', app: 'x' } });
      const p = await running('vols');
      const cfg = volumeDir(p, 'configmap', 'cfg');
      expect(await readFile(join(cfg, 'app.conf'), 'utf8')).to.equal('port=80');
      expect(await readlink(join(cfg, 'app.conf'))).to.equal('..data/app.conf');
      expect((await readlink(join(cfg, '..data'))).startsWith('..')).to.equal(true);
      expect((await stat(join(cfg, 'app.conf'))).mode & 0o777).to.equal(0o640);
      const sec = volumeDir(p, 'secret', 'sec');
      expect(await readFile(join(sec, 'nested/tok'), 'utf8')).to.equal('t0k');
      expect((await stat(join(sec, 'nested/tok'))).mode & 0o777).to.equal(0o400);
      expect((await readdir(sec)).filter((f) => !f.startsWith('..'))).to.deep.equal(['nested']);
      const info = volumeDir(p, 'downward-api', 'info');
      expect(await readFile(join(info, 'labels'), 'utf8')).to.equal('app="x"\ntier="front"');
      expect(await readFile(join(info, 'mem'), 'utf8')).to.equal('8');
      const all = volumeDir(p, 'projected', 'all');
      expect(await readFile(join(all, 'conf'), 'utf8')).to.equal('port=80');
      expect(await readFile(join(all, 'token'), 'utf8')).to.equal('t0k');
      expect(await readFile(join(all, 'name'), 'utf8')).to.equal('vols');
      expect((await readFile(join(all, 'sa-token'), 'utf8')).split('.')).to.have.length(3);
      const scratch = volumeDir(p, 'empty-dir', 'scratch');
      expect((await stat(join(scratch, 'sub/dir'))).isDirectory()).to.equal(true);
      expect((await stat(scratch)).mode & 0o7777).to.equal(0o777);
      if (process.getuid?.() === 0) {
        // Secret-carrying volumes live on tmpfs; configMap volumes on disk.
        const tmpfs = readFileSync('/proc/self/mounts', 'utf8').split('\n').filter((l) => l.startsWith('tmpfs ')).map((l) => l.split(' ')[1]);
        expect(tmpfs).to.include.members([sec, info, all]);
        expect(tmpfs).to.not.include(cfg);
      }

      const mounts = runtime.containerOf('vols', 'app')!.mounts!;
      const m = (path: string) => mounts.find((x) => x.containerPath === path);
      expect(m('/etc/app')).to.deep.equal({ containerPath: '/etc/app', hostPath: cfg, readonly: true, propagation: 'PROPAGATION_PRIVATE' });
      expect(m('/etc/sec')).to.include({ hostPath: sec, readonly: true });
      expect(m('/scratch')).to.include({ hostPath: scratch, readonly: false });
      expect(m('/data')).to.include({ hostPath: join(scratch, 'sub/dir'), readonly: false });
      expect(m('/ro')).to.include({ readonly: true, propagation: 'PROPAGATION_HOST_TO_CONTAINER' });
      expect(m('/dev/termination-log')).to.include({ hostPath: join(root, 'pods', p.metadata.uid!, 'containers', 'app', '0'), readonly: false });
      expect(m('/etc/hosts')).to.not.equal(undefined);
    });

    it('gives volumes to the pod\'s fsGroup (SetVolumeOwnership): group-readable API-object files, a setgid group-writable emptyDir', async function () {
      if (process.getuid?.() !== 0) this.skip();
      const p = await createPod('fsgroup', {
        securityContext: { runAsUser: 1000, fsGroup: 2000 },
        containers: [{ name: 'app', image: 'busybox:1.35' }],
        volumes: [{ name: 'sec', secret: { secretName: 'vol-secret', defaultMode: 0o400 } }, { name: 'scratch', emptyDir: {} }],
      }, { labels: { round: '1' } });
      await running('fsgroup');
      const sec = volumeDir(p, 'secret', 'sec');
      const st = await stat(join(sec, 'token'));
      expect({ mode: st.mode & 0o7777, gid: st.gid }).to.deep.equal({ mode: 0o440, gid: 2000 });
      const scratch = await stat(volumeDir(p, 'empty-dir', 'scratch'));
      expect({ mode: scratch.mode & 0o7777, gid: scratch.gid }).to.deep.equal({ mode: 0o2777, gid: 2000 });
      // A refresh finds the files as they should be: no new ..data.
      const link = await readlink(join(sec, '..data'));
      await client.patch(pods, NS, 'fsgroup', 'merge', { metadata: { labels: { round: '2' } } });
      await new Promise((r) => setTimeout(r, 500));
      expect(await readlink(join(sec, '..data'))).to.equal(link);
      await deletePod('fsgroup');
    });

    it('updates a configMap volume in place when the ConfigMap changes: new content behind a swapped ..data link', async () => {
      const p = await getPod('vols');
      const cfg = volumeDir(p, 'configmap', 'cfg');
      const before = await readlink(join(cfg, '..data'));
      await client.update(configmaps, NS, 'vol-cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'vol-cm' }, data: { 'app.conf': 'port=8080', added: 'a' } });
      // The swap is one rename; the writer then links new keys, unlinks old ones and removes the old directory.
      const settled = async () => (await readFile(join(cfg, 'app.conf'), 'utf8')) === 'port=8080' && !(await lstat(join(cfg, before)).then(() => true, () => false));
      await until(async () => ((await settled()) ? true : undefined), 20_000, 'configMap volume updated');
      expect(await readlink(join(cfg, '..data'))).to.not.equal(before);
      expect(await readFile(join(cfg, 'added'), 'utf8')).to.equal('a');
      expect(await lstat(join(cfg, 'other')).catch(() => undefined)).to.equal(undefined);
      expect(await lstat(join(cfg, before)).catch(() => undefined)).to.equal(undefined);
      // The projected volume showing the same ConfigMap follows in the same sync, just after.
      await until(async () => ((await readFile(join(volumeDir(p, 'projected', 'all'), 'conf'), 'utf8')) === 'port=8080' ? true : undefined), 5000, 'projected volume updated');
    });

    it('rewrites downwardAPI files when the pod\'s labels change', async () => {
      const p = await getPod('vols');
      await client.patch(pods, NS, 'vols', 'merge', { metadata: { labels: { tier: 'back' } } });
      const labels = join(volumeDir(p, 'downward-api', 'info'), 'labels');
      await until(async () => ((await readFile(labels, 'utf8')) === 'app="x"\ntier="back"' ? true : undefined), 5000, 'labels file updated');
    });

    it('mounts a missing optional ConfigMap as an empty volume that fills in when it is created and empties when it is deleted', async () => {
      const p = await createPod('optcm', { containers: [{ name: 'app', image: 'busybox:1.35', volumeMounts: [{ name: 'o', mountPath: '/o' }] }], volumes: [{ name: 'o', configMap: { name: 'opt-cm', optional: true } }] });
      await running('optcm');
      const dir = volumeDir(p, 'configmap', 'o');
      expect((await readdir(dir)).filter((f) => !f.startsWith('..'))).to.deep.equal([]);
      await configMap('opt-cm', { k: 'v' });
      await until(async () => (await readFile(join(dir, 'k'), 'utf8').catch(() => undefined)), 20_000, 'optional ConfigMap filled in');
      await client.delete(configmaps, NS, 'opt-cm');
      await until(async () => ((await readdir(dir)).filter((f) => !f.startsWith('..')).length === 0 ? true : undefined), 20_000, 'optional ConfigMap emptied');
      await deletePod('optcm');
    });

    it('removes the pod directory (volumes, hosts file) and its logs when the pod is deleted', async () => {
      const p = await getPod('vols');
      await deletePod('vols');
      expect(readFileSync('/proc/self/mounts', 'utf8')).to.not.contain(join(root, 'pods', p.metadata.uid!));
      await until(async () => (await lstat(join(root, 'logs', `${NS}_vols_${p.metadata.uid}`)).then(() => undefined, () => true)), 5000, 'log directory removed');
    });

    it('waits with FailedMount while a configMap volume source is missing, then starts', async () => {
      await createPod('waitcm', { containers: [{ name: 'app', image: 'busybox:1.35', volumeMounts: [{ name: 'c', mountPath: '/c' }] }], volumes: [{ name: 'c', configMap: { name: 'later' } }] });
      const ev = await until(async () => (await eventsOf('waitcm')).find((e) => e.reason === 'FailedMount'), 10_000, 'FailedMount');
      expect(ev.message).to.equal('MountVolume.SetUp failed for volume "c" : configmap "later" not found');
      // The event goes out before the status write: wait for the status.
      const p = await podWhere('waitcm', 'ContainerCreating', (x) => x.status?.containerStatuses?.[0]?.state?.waiting?.reason === 'ContainerCreating');
      expect(p.status?.phase).to.equal('Pending');
      await configMap('later', { k: 'v' });
      const r = await running('waitcm');
      expect(await readFile(join(volumeDir(r, 'configmap', 'c'), 'k'), 'utf8')).to.equal('v');
    });

    it('checks hostPath types: Directory must exist, DirectoryOrCreate and FileOrCreate make what is missing', async () => {
      await createPod('hp-bad', { containers: [{ name: 'app', image: 'busybox:1.35', volumeMounts: [{ name: 'h', mountPath: '/h' }] }], volumes: [{ name: 'h', hostPath: { path: join(hostDir, 'absent'), type: 'Directory' } }] });
      const ev = await until(async () => (await eventsOf('hp-bad')).find((e) => e.reason === 'FailedMount'), 10_000, 'FailedMount');
      expect(ev.message).to.equal(`MountVolume.SetUp failed for volume "h" : hostPath type check failed: ${join(hostDir, 'absent')} is not a directory`);
      await client.delete(pods, NS, 'hp-bad', { gracePeriodSeconds: 0 });
      await createPod('hp-ok', {
        containers: [{ name: 'app', image: 'busybox:1.35', volumeMounts: [{ name: 'd', mountPath: '/d' }, { name: 'f', mountPath: '/f' }] }],
        volumes: [{ name: 'd', hostPath: { path: join(hostDir, 'made/dir'), type: 'DirectoryOrCreate' } }, { name: 'f', hostPath: { path: join(hostDir, 'made/file'), type: 'FileOrCreate' } }],
      });
      await running('hp-ok');
      expect((await stat(join(hostDir, 'made/dir'))).isDirectory()).to.equal(true);
      expect((await stat(join(hostDir, 'made/file'))).isFile()).to.equal(true);
      await deletePod('hp-ok');
      expect((await stat(join(hostDir, 'made/dir'))).isDirectory(), 'host directories stay').to.equal(true);
    });

    it('mounts a Memory emptyDir as tmpfs of sizeLimit and unmounts it with the pod', async function () {
      if (process.getuid?.() !== 0) this.skip();
      const p = await createPod('tmpfs', {
        containers: [{ name: 'app', image: 'busybox:1.35', resources: { limits: { memory: '32Mi' } } }],
        volumes: [{ name: 'm', emptyDir: { medium: 'Memory', sizeLimit: '16Mi' } }, { name: 'unsized', emptyDir: { medium: 'Memory' } }],
      });
      await running('tmpfs');
      const dir = volumeDir(p, 'empty-dir', 'm');
      const mountOf = (d: string) => readFileSync('/proc/self/mounts', 'utf8').split('\n').find((l) => l.split(' ')[1] === d);
      expect(mountOf(dir)).to.match(/^tmpfs .* tmpfs .*size=16384k/);
      // Without a sizeLimit: the pod's memory limit (it is below the node's allocatable).
      expect(mountOf(volumeDir(p, 'empty-dir', 'unsized'))).to.match(/^tmpfs .* tmpfs .*size=32768k/);
      await deletePod('tmpfs');
      expect(readFileSync('/proc/self/mounts', 'utf8')).to.not.contain(dir);
    });

    it('mounts a persistentVolumeClaim at its bound PersistentVolume path, which outlives the pod', async () => {
      const path = join(hostDir, 'pv-1');
      await client.create(pvs, undefined, { apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name: 'h3-pv-1' }, spec: { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], hostPath: { path, type: 'DirectoryOrCreate' }, claimRef: { namespace: NS, name: 'data' }, persistentVolumeReclaimPolicy: 'Retain' } });
      await client.create(pvcs, NS, { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, volumeName: 'h3-pv-1', storageClassName: '' } });
      const pvc = await client.get<Record<string, unknown>>(pvcs, NS, 'data');
      await client.update(pvcs, NS, 'data', { ...pvc, status: { phase: 'Bound', accessModes: ['ReadWriteOnce'], capacity: { storage: '1Gi' } } }, 'status');
      await createPod('claim', { containers: [{ name: 'app', image: 'busybox:1.35', volumeMounts: [{ name: 'd', mountPath: '/var/data' }] }], volumes: [{ name: 'd', persistentVolumeClaim: { claimName: 'data' } }] });
      await running('claim');
      expect(runtime.containerOf('claim', 'app')!.mounts).to.deep.include({ containerPath: '/var/data', hostPath: path, readonly: false, propagation: 'PROPAGATION_PRIVATE' });
      await writeFile(join(path, 'kept'), 'x');
      await deletePod('claim');
      expect(await readFile(join(path, 'kept'), 'utf8')).to.equal('x');
    });

    it('mounts a generic ephemeral volume from the claim made for the pod, and refuses volume types it has no plugin for', async () => {
      const path = join(hostDir, 'pv-eph');
      const p = await createPod('eph', {
        containers: [{ name: 'app', image: 'busybox:1.35', volumeMounts: [{ name: 'scratch', mountPath: '/s' }] }],
        volumes: [{ name: 'scratch', ephemeral: { volumeClaimTemplate: { spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } } } }],
      });
      const ev = await until(async () => (await eventsOf('eph')).find((e) => e.reason === 'FailedMount'), 10_000, 'FailedMount');
      expect(ev.message).to.equal(`MountVolume.SetUp failed for volume "scratch" : error processing PVC ${NS}/eph-scratch: persistentvolumeclaim "eph-scratch" not found`);
      await client.create(pvs, undefined, { apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name: 'h3-pv-eph' }, spec: { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], hostPath: { path, type: 'DirectoryOrCreate' }, claimRef: { namespace: NS, name: 'eph-scratch' }, persistentVolumeReclaimPolicy: 'Retain' } });
      await client.create(pvcs, NS, {
        apiVersion: 'v1', kind: 'PersistentVolumeClaim',
        metadata: { name: 'eph-scratch', ownerReferences: [{ apiVersion: 'v1', kind: 'Pod', name: 'eph', uid: p.metadata.uid, controller: true }] },
        spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, volumeName: 'h3-pv-eph', storageClassName: '' },
      });
      const pvc = await client.get<Record<string, unknown>>(pvcs, NS, 'eph-scratch');
      await client.update(pvcs, NS, 'eph-scratch', { ...pvc, status: { phase: 'Bound', accessModes: ['ReadWriteOnce'], capacity: { storage: '1Gi' } } }, 'status');
      await running('eph');
      expect(runtime.containerOf('eph', 'app')!.mounts).to.deep.include({ containerPath: '/s', hostPath: path, readonly: false, propagation: 'PROPAGATION_PRIVATE' });
      await deletePod('eph');

      await createPod('nfs', { containers: [{ name: 'app', image: 'busybox:1.35' }], volumes: [{ name: 'n', nfs: { server: '192.0.2.99', path: '/export' } }] });
      const nfs = await until(async () => (await eventsOf('nfs')).find((e) => e.reason === 'FailedMount'), 10_000, 'FailedMount');
      expect(nfs.message).to.equal('MountVolume.SetUp failed for volume "n" : no volume plugin matched name: nfs');
      await client.delete(pods, NS, 'nfs', { gracePeriodSeconds: 0 });
    });

    it('expands subPathExpr with the container environment, and refuses one that leads out with ..', async () => {
      const ok = await createPod('subexpr', {
        containers: [{ name: 'app', image: 'busybox:1.35', env: [{ name: 'POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }], volumeMounts: [{ name: 'e', mountPath: '/e', subPathExpr: 'logs/$(POD)' }] }],
        volumes: [{ name: 'e', emptyDir: {} }],
      });
      await running('subexpr');
      expect(runtime.containerOf('subexpr', 'app')!.mounts).to.deep.include({ containerPath: '/e', hostPath: join(volumeDir(ok, 'empty-dir', 'e'), 'logs/subexpr'), readonly: false, propagation: 'PROPAGATION_PRIVATE' });
      await createPod('subpath', {
        containers: [{ name: 'app', image: 'busybox:1.35', env: [{ name: 'UP', value: 'a/../../etc' }], volumeMounts: [{ name: 'e', mountPath: '/e', subPathExpr: '$(UP)' }] }],
        volumes: [{ name: 'e', emptyDir: {} }],
      });
      const p = await podWhere('subpath', 'CreateContainerConfigError', (x) => x.status?.containerStatuses?.[0]?.state?.waiting?.reason === 'CreateContainerConfigError');
      expect(p.status?.containerStatuses?.[0].state?.waiting?.message).to.equal("error SubPath `a/../../etc` must not contain '..'");
      // A symlink in the volume (as a container could make) leading out of it: nothing is created outside.
      // The container waits for a ConfigMap key first, which leaves time to plant the link.
      const escape = await createPod('escape', {
        containers: [{
          name: 'app', image: 'busybox:1.35', env: [{ name: 'K', valueFrom: { configMapKeyRef: { name: 'escape-cm', key: 'k' } } }],
          volumeMounts: [{ name: 'e', mountPath: '/e', subPath: 'out/escaped' }],
        }],
        volumes: [{ name: 'e', emptyDir: {} }],
      });
      await podWhere('escape', 'waiting for its ConfigMap', (x) => x.status?.containerStatuses?.[0]?.state?.waiting?.reason === 'CreateContainerConfigError');
      await symlink(hostDir, join(volumeDir(escape, 'empty-dir', 'e'), 'out'));
      await configMap('escape-cm', { k: 'v' });
      const refused = await podWhere('escape', 'refused subPath', (x) => (x.status?.containerStatuses?.[0]?.state?.waiting?.message ?? '').startsWith('subpath'));
      expect(refused.status?.containerStatuses?.[0].state?.waiting?.message).to.match(/^subpath ".*" not within volume path ".*"$/);
      expect(await lstat(join(hostDir, 'escaped')).catch(() => undefined)).to.equal(undefined);
      await client.delete(pods, NS, 'escape', { gracePeriodSeconds: 0 });
      await client.delete(pods, NS, 'subpath', { gracePeriodSeconds: 0 });
    });
  });

  describe('agent restart', () => {
    it('adopts the running sandbox and containers of its pods instead of starting them again', async () => {
      const options = { config, nodeName: 'h3-restart', podCIDR: '10.200.11.0/24', nodeIP: '192.0.2.31', runtime, rootDir: root };
      const first = new NodeAgent(options);
      let second: NodeAgent | undefined;
      try {
        await first.start();
        await createPod('survivor', { nodeName: 'h3-restart', containers: [{ name: 'app', image: 'busybox:1.35' }] });
        const before = await running('survivor');
        await first.stop();
        second = new NodeAgent(options);
        await second.start();
        await new Promise((r) => setTimeout(r, 500));
        const after = await running('survivor');
        const [b, a] = [before.status!.containerStatuses![0], after.status!.containerStatuses![0]];
        expect(a.containerID).to.equal(b.containerID);
        expect(a.restartCount).to.equal(b.restartCount);
        expect(a.state?.running?.startedAt).to.equal(b.state?.running?.startedAt);
        expect(after.status?.podIP).to.equal(before.status?.podIP);
        expect(await runtime.listPodSandbox({ labelSelector: { 'io.kubernetes.pod.uid': before.metadata.uid! } })).to.have.length(1);
        await deletePod('survivor');
      } finally {
        await first.stop();
        await second?.stop();
      }
    });
  });

  describe('termination messages', () => {
    it('reports what the container wrote to its termination message file', async () => {
      const p = await createPod('msg', { restartPolicy: 'Never', containers: [{ name: 'app', image: 'busybox:1.35', terminationMessagePath: '/tmp/msg' }] });
      await running('msg');
      const file = join(root, 'pods', p.metadata.uid!, 'containers', 'app', '0');
      expect(runtime.containerOf('msg', 'app')!.mounts).to.deep.include({ containerPath: '/tmp/msg', hostPath: file, readonly: false, propagation: 'PROPAGATION_PRIVATE' });
      await writeFile(file, 'all done');
      runtime.exitContainer(runtime.findContainers({ namespace: NS, podName: 'msg' })[0].id, 3);
      const done = await podWhere('msg', 'Failed', (x) => x.status?.phase === 'Failed');
      expect(done.status?.containerStatuses?.[0].state?.terminated).to.include({ exitCode: 3, message: 'all done' });
    });

    it('falls back to the tail of the log with FallbackToLogsOnError when the file is empty and the container failed', async () => {
      const p = await createPod('logmsg', { restartPolicy: 'Never', containers: [{ name: 'app', image: 'busybox:1.35', terminationMessagePolicy: 'FallbackToLogsOnError' }] });
      await running('logmsg');
      const log = join(root, 'logs', `${NS}_logmsg_${p.metadata.uid}`, 'app', '0.log');
      await writeFile(log, '2026-11-26T00:00:00.000000000Z stdout F starting\n2026-11-26T00:00:01.000000000Z stderr F panic: boom\n');
      runtime.exitContainer(runtime.findContainers({ namespace: NS, podName: 'logmsg' })[0].id, 2);
      const done = await podWhere('logmsg', 'Failed', (x) => x.status?.phase === 'Failed');
      expect(done.status?.containerStatuses?.[0].state?.terminated).to.include({ exitCode: 2, message: 'starting\npanic: boom\n' });
    });
  });
});
