// From pod spec to CRI config, function by function, as upstream's tables pin them down:
// $(VAR) expansion (third_party/forked/golang/expansion), service link variables
// (envvars.FromServices), downward API resource values, cgroup resources and OOM scores
// (kuberuntime_container_linux.go, qos/policy.go), namespaces, DNS (network/dns), the managed
// hosts file, the atomic writer's layout, and the log tail used for termination messages.

import { expect } from 'chai';
import { lstat, mkdtemp, readdir, readFile, readlink, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { containerResourceValue, expand, expandSubPathExpr, formatMap, mappingFor, serviceEnvVars } from '../../src/agent/env.ts';
import { hostsFileContent, parseResolvConf, podDNSConfig, sandboxHostname } from '../../src/agent/kuberuntime/dns.ts';
import { containerOOMScoreAdjust, linuxContainerResources, milliCPUToShares, namespacesForPod, podQOS } from '../../src/agent/kuberuntime/resources.ts';
import { tailCRILog } from '../../src/agent/kuberuntime/termination.ts';
import { containerSecurityContext, DEFAULT_MASKED_PATHS, needsImageUser, sandboxSecurityContext, verifyRunAsNonRoot } from '../../src/agent/kuberuntime/security.ts';
import { NamespaceMode } from '../../src/agent/runtime/types.ts';
import type { Pod } from '../../src/agent/types.ts';
import { writeAtomically, type Payload } from '../../src/agent/volumes/atomicwriter.ts';
import { removeOrphanedPodDirs } from '../../src/agent/volumes/manager.ts';
import { execFileSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';

const pod = (spec: Record<string, unknown>, meta: Record<string, unknown> = {}): Pod =>
  ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web-0', namespace: 'prod', uid: 'u-1', ...meta }, spec: { containers: [{ name: 'c' }], ...spec } }) as Pod;

describe('agent pod config: $(VAR) expansion', () => {
  const mapping = mappingFor(new Map([['VAR_A', 'A'], ['VAR_B', 'B'], ['EMPTY', '']]));
  const cases: [string, string][] = [
    ['$(VAR_A)', 'A'],
    ['___$(VAR_B)___', '___B___'],
    ['$(VAR_A)-$(VAR_B)', 'A-B'],
    ['$(EMPTY)x', 'x'],
    ['$(UNKNOWN)', '$(UNKNOWN)'],
    ['$$(VAR_A)', '$(VAR_A)'],
    ['$$$(VAR_A)', '$A'],
    ['$$$$(VAR_A)', '$$(VAR_A)'],
    ['$(VAR_A', '$(VAR_A'],
    ['$VAR_A', '$VAR_A'],
    ['a$', 'a$'],
    ['$()', '$()'],
    ['$(VAR_A)$(VAR_A)', 'AA'],
  ];
  for (const [input, want] of cases) it(`${JSON.stringify(input)} → ${JSON.stringify(want)}`, () => expect(expand(input, mapping)).to.equal(want));

  it('subPathExpr needs every variable set and non-empty', () => {
    expect(expandSubPathExpr('logs/$(POD)', [{ name: 'POD', value: 'web-0' }])).to.equal('logs/web-0');
    expect(() => expandSubPathExpr('$(A)/$(B)', [{ name: 'A', value: '' }])).to.throw('missing value for A, B');
  });
});

describe('agent pod config: service link variables', () => {
  it('makes the _SERVICE_HOST/_PORT and docker-link variables of each service', () => {
    const env = serviceEnvVars([
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 'my-svc' }, spec: { clusterIP: '10.96.0.20', ports: [{ name: 'http', port: 80, protocol: 'TCP' }, { port: 53, protocol: 'UDP' }] } },
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 'headless' }, spec: { clusterIP: 'None', ports: [{ port: 1 }] } },
    ]);
    expect(Object.fromEntries(env.map((e) => [e.name, e.value]))).to.deep.equal({
      MY_SVC_SERVICE_HOST: '10.96.0.20',
      MY_SVC_SERVICE_PORT: '80',
      MY_SVC_SERVICE_PORT_HTTP: '80',
      MY_SVC_PORT: 'tcp://10.96.0.20:80',
      MY_SVC_PORT_80_TCP: 'tcp://10.96.0.20:80',
      MY_SVC_PORT_80_TCP_PROTO: 'tcp',
      MY_SVC_PORT_80_TCP_PORT: '80',
      MY_SVC_PORT_80_TCP_ADDR: '10.96.0.20',
      MY_SVC_PORT_53_UDP: 'udp://10.96.0.20:53',
      MY_SVC_PORT_53_UDP_PROTO: 'udp',
      MY_SVC_PORT_53_UDP_PORT: '53',
      MY_SVC_PORT_53_UDP_ADDR: '10.96.0.20',
    });
  });
});

describe('agent pod config: downward API values', () => {
  const c = { name: 'c', resources: { requests: { cpu: '250m', memory: '64Mi' }, limits: { cpu: '1500m' } } };
  const allocatable = { cpu: '4', memory: '8Gi', 'ephemeral-storage': '100Gi' };
  const cases: [string, string | undefined, string][] = [
    ['limits.cpu', undefined, '2'],
    ['limits.cpu', '1m', '1500'],
    ['requests.cpu', undefined, '1'],
    ['requests.cpu', '1m', '250'],
    ['requests.memory', undefined, String(64 * 1024 * 1024)],
    ['requests.memory', '1Mi', '64'],
    ['limits.memory', '1Gi', '8'],
    ['limits.ephemeral-storage', '1Gi', '100'],
  ];
  for (const [resource, divisor, want] of cases) {
    it(`${resource} / ${divisor ?? 1} = ${want}`, () => expect(containerResourceValue({ resource, divisor }, c, allocatable)).to.equal(want));
  }
  it('formats label maps as sorted, quoted lines', () => expect(formatMap({ b: '2', a: 'x"y' })).to.equal('a="x\\"y"\nb="2"'));
});

describe('agent pod config: resources and QoS', () => {
  const GiB = 1024 ** 3;
  it('cpu shares from requests (minimum 2), quota from limits over a 100 ms period, memory limit', () => {
    const p = pod({ containers: [{ name: 'c', resources: { requests: { cpu: '250m', memory: '1Gi' }, limits: { cpu: '500m', memory: '2Gi' } } }] });
    expect(linuxContainerResources(p, p.spec!.containers[0], 8 * GiB)).to.deep.equal({ cpuShares: 256, cpuPeriod: 100000, cpuQuota: 50000, memoryLimitInBytes: 2 * GiB, oomScoreAdj: 875 });
    expect(milliCPUToShares(0)).to.equal(2);
    expect(milliCPUToShares(1)).to.equal(2);
    const limitOnly = pod({ containers: [{ name: 'c', resources: { limits: { cpu: '1' } } }] });
    expect(linuxContainerResources(limitOnly, limitOnly.spec!.containers[0], 8 * GiB)).to.include({ cpuShares: 1024, cpuQuota: 100000 });
  });

  const qos: [string, Record<string, unknown>[], string, number][] = [
    ['BestEffort', [{ name: 'c' }], 'BestEffort', 1000],
    ['Guaranteed', [{ name: 'c', resources: { limits: { cpu: '1', memory: '1Gi' } , requests: { cpu: '1', memory: '1Gi' } } }], 'Guaranteed', -997],
    ['Burstable', [{ name: 'c', resources: { requests: { memory: '1Gi' } } }], 'Burstable', 875],
    ['Burstable, tiny request', [{ name: 'c', resources: { requests: { cpu: '10m' } } }], 'Burstable', 999],
    ['Burstable, huge request', [{ name: 'c', resources: { requests: { memory: '8Gi' } } }], 'Burstable', 3],
  ];
  for (const [name, containers, cls, oom] of qos) {
    it(`${name}: ${cls}, oom_score_adj ${oom}`, () => {
      const p = pod({ containers });
      expect(podQOS(p)).to.equal(cls);
      expect(containerOOMScoreAdjust(p, p.spec!.containers[0], 8 * GiB)).to.equal(oom);
    });
  }

  it('namespace options follow hostNetwork, hostPID, hostIPC and shareProcessNamespace', () => {
    expect(namespacesForPod(pod({}))).to.deep.equal({ network: NamespaceMode.POD, pid: NamespaceMode.CONTAINER, ipc: NamespaceMode.POD });
    expect(namespacesForPod(pod({ shareProcessNamespace: true }))).to.include({ pid: NamespaceMode.POD });
    expect(namespacesForPod(pod({ hostNetwork: true, hostPID: true, hostIPC: true }))).to.deep.equal({ network: NamespaceMode.NODE, pid: NamespaceMode.NODE, ipc: NamespaceMode.NODE });
  });
});

describe('agent pod config: security context', () => {
  const ns = { network: NamespaceMode.POD, pid: NamespaceMode.CONTAINER, ipc: NamespaceMode.POD };
  it('takes the container\'s settings over the pod\'s, fsGroup before supplementalGroups, and no_new_privs only for allowPrivilegeEscalation: false', () => {
    const p = pod({
      securityContext: { runAsUser: 1000, runAsGroup: 3000, fsGroup: 2000, supplementalGroups: [4000] },
      containers: [{ name: 'c', securityContext: { runAsUser: 1001, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { add: ['NET_ADMIN'], drop: ['ALL'] } } }],
    });
    const sc = containerSecurityContext(p, p.spec!.containers[0], ns);
    expect(sc).to.deep.include({
      namespaceOptions: ns, runAsUser: { value: 1001 }, runAsGroup: { value: 3000 }, readonlyRootfs: true, noNewPrivs: true,
      supplementalGroups: [2000, 4000], capabilities: { addCapabilities: ['NET_ADMIN'], dropCapabilities: ['ALL'] },
    });
    expect(sc.maskedPaths).to.deep.equal(DEFAULT_MASKED_PATHS);
    expect(sc.privileged).to.equal(undefined);
    expect(containerSecurityContext(pod({}), { name: 'c' }, ns)).to.not.have.any.keys('runAsUser', 'noNewPrivs', 'supplementalGroups');
    expect(containerSecurityContext(pod({}), { name: 'c', securityContext: { procMount: 'Unmasked' } }, ns)).to.not.have.any.keys('maskedPaths', 'readonlyPaths');
  });
  it('gives the sandbox the pod\'s user, groups, and privileged when any container is', () => {
    const p = pod({ securityContext: { runAsUser: 1000, fsGroup: 2000 }, containers: [{ name: 'a' }, { name: 'b', securityContext: { privileged: true } }] });
    expect(sandboxSecurityContext(p, ns)).to.deep.equal({ namespaceOptions: ns, runAsUser: { value: 1000 }, supplementalGroups: [2000], privileged: true });
  });
  it('refuses runAsNonRoot with runAsUser 0', () => {
    const p = pod({ securityContext: { runAsNonRoot: true }, containers: [{ name: 'c', securityContext: { runAsUser: 0 } }] });
    expect(() => verifyRunAsNonRoot(p, p.spec!.containers[0])).to.throw('container\'s runAsUser breaks non-root policy (pod: "web-0_prod(u-1)", container: c)');
    expect(() => verifyRunAsNonRoot(pod({ securityContext: { runAsNonRoot: true, runAsUser: 5 } }), { name: 'c' })).to.not.throw();
  });
  it('without runAsUser, checks runAsNonRoot against the image\'s user: none or 0 is root, a name cannot be verified', () => {
    const p = pod({ securityContext: { runAsNonRoot: true } });
    const c = { name: 'c' };
    expect(needsImageUser(p, c)).to.equal(true);
    expect(needsImageUser(pod({ securityContext: { runAsNonRoot: true, runAsUser: 7 } }), c)).to.equal(false);
    expect(needsImageUser(pod({}), c)).to.equal(false);
    expect(() => verifyRunAsNonRoot(p, c, {})).to.throw('container has runAsNonRoot and image will run as root (pod: "web-0_prod(u-1)", container: c)');
    expect(() => verifyRunAsNonRoot(p, c, { uid: 0 })).to.throw('image will run as root');
    expect(() => verifyRunAsNonRoot(p, c, { username: 'www' })).to.throw('container has runAsNonRoot and image has non-numeric user (www), cannot verify user is non-root (pod: "web-0_prod(u-1)", container: c)');
    expect(() => verifyRunAsNonRoot(p, c, { uid: 1000 })).to.not.throw();
    expect(() => verifyRunAsNonRoot(pod({}), c, {})).to.not.throw();
  });
});

describe('agent pod config: DNS and hosts', () => {
  const host = 'nameserver 192.0.2.53\nsearch corp.example\noptions rotate\n';
  const settings = { clusterDNS: ['10.96.0.10'], clusterDomain: 'cluster.local', hostResolvConf: host };

  it('parses resolv.conf', () => expect(parseResolvConf(host)).to.deep.equal({ servers: ['192.0.2.53'], searches: ['corp.example'], options: ['rotate'] }));

  it('ClusterFirst: the cluster DNS, namespace searches before the host searches, ndots:5', () => {
    expect(podDNSConfig(pod({}), settings).config).to.deep.equal({
      servers: ['10.96.0.10'], searches: ['prod.svc.cluster.local', 'svc.cluster.local', 'cluster.local', 'corp.example'], options: ['ndots:5'],
    });
  });
  it('ClusterFirst with hostNetwork is the host resolver; ClusterFirstWithHostNet is not', () => {
    expect(podDNSConfig(pod({ hostNetwork: true }), settings).config.servers).to.deep.equal(['192.0.2.53']);
    expect(podDNSConfig(pod({ hostNetwork: true, dnsPolicy: 'ClusterFirstWithHostNet' }), settings).config.servers).to.deep.equal(['10.96.0.10']);
  });
  it('Default is the host resolver; None only the pod dnsConfig', () => {
    expect(podDNSConfig(pod({ dnsPolicy: 'Default' }), settings).config).to.deep.equal({ servers: ['192.0.2.53'], searches: ['corp.example'], options: ['rotate'] });
    expect(podDNSConfig(pod({ dnsPolicy: 'None', dnsConfig: { nameservers: ['1.2.3.4'], searches: ['a.b'], options: [{ name: 'ndots', value: '2' }, { name: 'edns0' }] } }), settings).config)
      .to.deep.equal({ servers: ['1.2.3.4'], searches: ['a.b'], options: ['ndots:2', 'edns0'] });
  });
  it('merges spec.dnsConfig: servers and searches appended without duplicates, options overridden by name', () => {
    const p = pod({ dnsConfig: { nameservers: ['10.96.0.10', '192.0.2.1'], searches: ['svc.cluster.local', 'x.y'], options: [{ name: 'ndots', value: '1' }] } });
    expect(podDNSConfig(p, settings).config).to.deep.equal({
      servers: ['10.96.0.10', '192.0.2.1'], searches: ['prod.svc.cluster.local', 'svc.cluster.local', 'cluster.local', 'corp.example', 'x.y'], options: ['ndots:1'],
    });
  });
  it('falls back to the host resolver with an event when no cluster DNS is configured', () => {
    const r = podDNSConfig(pod({}), { ...settings, clusterDNS: [] });
    expect(r.config.servers).to.deep.equal(['192.0.2.53']);
    expect(r.warnings[0].reason).to.equal('MissingClusterDNS');
  });

  it('hostname: spec.hostname or the pod name, FQDN with setHostnameAsFQDN, none for hostNetwork', () => {
    expect(sandboxHostname(pod({}), 'cluster.local')).to.equal('web-0');
    expect(sandboxHostname(pod({ hostname: 'h', subdomain: 'sub', setHostnameAsFQDN: true }), 'cluster.local')).to.equal('h.sub.prod.svc.cluster.local');
    expect(sandboxHostname(pod({ hostNetwork: true }), 'cluster.local')).to.equal('');
  });

  it('writes the managed hosts file with the pod IP, FQDN and host aliases', () => {
    const p = pod({ hostname: 'web-0', subdomain: 'web', hostAliases: [{ ip: '10.1.2.3', hostnames: ['foo.local', 'bar.local'] }] });
    expect(hostsFileContent(p, ['10.88.0.5'], 'cluster.local', '')).to.equal(
      '# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\nfe00::0\tip6-localnet\nfe00::0\tip6-mcastprefix\n'
      + 'fe00::1\tip6-allnodes\nfe00::2\tip6-allrouters\n10.88.0.5\tweb-0.web.prod.svc.cluster.local\tweb-0\n\n# Entries added by HostAliases.\n10.1.2.3\tfoo.local\tbar.local\n');
    expect(hostsFileContent(pod({ hostNetwork: true }), ['192.0.2.10'], 'cluster.local', '127.0.0.1 localhost\n'))
      .to.equal('# Kubernetes-managed hosts file (host network).\n127.0.0.1 localhost\n');
  });
});

describe('agent pod config: atomic writer', () => {
  let dir: string;
  before(async () => { dir = await mkdtemp(join(tmpdir(), 'skiff-h3-atomic-')); });
  after(async () => { await rm(dir, { recursive: true, force: true }); });

  const payload = (files: Record<string, [string, number]>): Payload => new Map(Object.entries(files).map(([k, [d, mode]]) => [k, { data: Buffer.from(d), mode }]));

  it('writes a ..<timestamp> dir, a ..data link to it, and per-key links; swaps on change, skips when unchanged', async () => {
    const target = join(dir, 'vol');
    expect(await writeAtomically(target, payload({ a: ['1', 0o644], 'sub/b': ['2', 0o600] }))).to.equal(true);
    const first = await readlink(join(target, '..data'));
    expect(first).to.match(/^\.\.\d{4}_\d\d_\d\d_\d\d_\d\d_\d\d\./);
    expect(await readlink(join(target, 'a'))).to.equal('..data/a');
    expect(await readlink(join(target, 'sub'))).to.equal('..data/sub');
    expect(await readFile(join(target, 'sub/b'), 'utf8')).to.equal('2');
    expect((await stat(join(target, 'sub/b'))).mode & 0o777).to.equal(0o600);

    expect(await writeAtomically(target, payload({ a: ['1', 0o644], 'sub/b': ['2', 0o600] }))).to.equal(false);
    expect(await readlink(join(target, '..data'))).to.equal(first);

    expect(await writeAtomically(target, payload({ a: ['changed', 0o644], c: ['3', 0o644] }))).to.equal(true);
    const second = await readlink(join(target, '..data'));
    expect(second).to.not.equal(first);
    expect(await readFile(join(target, 'a'), 'utf8')).to.equal('changed');
    expect(await lstat(join(target, 'sub')).catch(() => undefined)).to.equal(undefined);
    expect((await readdir(target)).sort()).to.deep.equal(['..data', second, 'a', 'c'].sort());
  });

  it('with a gid (fsGroup) makes every file and directory that group\'s, directories setgid, and counts a wrong group as a change', async function () {
    if (process.getuid?.() !== 0) this.skip();
    const target = join(dir, 'owned');
    expect(await writeAtomically(target, payload({ 'd/f': ['x', 0o440] }), 2000)).to.equal(true);
    const ts = join(target, await readlink(join(target, '..data')));
    expect((await stat(join(ts, 'd/f'))).gid).to.equal(2000);
    expect((await stat(join(ts, 'd'))).mode & 0o7777).to.equal(0o2755);
    expect((await stat(ts)).gid).to.equal(2000);
    expect(await writeAtomically(target, payload({ 'd/f': ['x', 0o440] }), 2000)).to.equal(false);
    expect(await writeAtomically(target, payload({ 'd/f': ['x', 0o440] }), 3000)).to.equal(true);
  });

  it('refuses paths that leave the volume', async () => {
    for (const bad of ['/abs', '../x', 'a/../../x', '..hidden']) {
      let err: Error | undefined;
      await writeAtomically(join(dir, 'bad'), payload({ [bad]: ['x', 0o644] })).catch((e: Error) => { err = e; });
      expect(err?.message, bad).to.match(/invalid path/);
    }
  });
});

describe('agent pod config: orphaned pod directories', () => {
  let root: string;
  before(async () => { root = await mkdtemp(join(tmpdir(), 'skiff-h3-orphans-')); });
  after(async () => {
    for (const line of readFileSync('/proc/self/mounts', 'utf8').split('\n')) {
      const point = line.split(' ')[1];
      if (point?.startsWith(`${root}/`)) execFileSync('umount', [point]);
    }
    await rm(root, { recursive: true, force: true });
  });

  it('removes the pod and log directories of pods no longer active, unmounting their tmpfs volumes first', async () => {
    const vol = join(root, 'pods', 'gone-uid', 'volumes', 'kubernetes.io~empty-dir', 'm');
    await mkdir(vol, { recursive: true });
    const root0 = process.getuid?.() === 0;
    if (root0) execFileSync('mount', ['-t', 'tmpfs', 'tmpfs', vol]);
    await writeFile(join(vol, 'data'), 'x');
    await mkdir(join(root, 'pods', 'kept-uid', 'volumes'), { recursive: true });
    await mkdir(join(root, 'logs', 'ns_gone_gone-uid', 'c'), { recursive: true });
    await mkdir(join(root, 'logs', 'ns_kept_kept-uid', 'c'), { recursive: true });
    expect(await removeOrphanedPodDirs(root, new Set(['kept-uid']))).to.deep.equal(['gone-uid']);
    expect(await readdir(join(root, 'pods'))).to.deep.equal(['kept-uid']);
    expect(await readdir(join(root, 'logs'))).to.deep.equal(['ns_kept_kept-uid']);
    if (root0) expect(readFileSync('/proc/self/mounts', 'utf8')).to.not.contain(vol);
  });
});

describe('agent pod config: termination message from logs', () => {
  it('takes the last 80 lines of a CRI log, joining partial lines, at most 2048 bytes', () => {
    const lines = Array.from({ length: 100 }, (_, i) => `2026-01-01T00:00:00.000000000Z stdout F line ${i}`);
    lines.push('2026-01-01T00:00:00.000000000Z stderr P part-', '2026-01-01T00:00:00.000000000Z stderr F end');
    const tail = tailCRILog(lines.join('\n') + '\n');
    expect(tail.split('\n')[0]).to.equal('line 21');
    expect(tail.endsWith('line 99\npart-end\n')).to.equal(true);
    expect(tailCRILog('x stdout F ' + 'a'.repeat(5000) + '\n').length).to.equal(2048);
  });
});
