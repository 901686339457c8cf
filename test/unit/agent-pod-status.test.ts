// The agent's pure parts, as tables: the pod phase and conditions the kubelet derives from
// its containers (getPhase, status/generate.go), admission (lifecycle/predicate.go), Go
// duration text, the back-off, and the addresses of simulated nodes.

import { expect } from 'chai';
import { admitPod, matchesNodeAffinity } from '../../src/agent/admission.ts';
import { simNodeIP, simPodCIDR } from '../../src/agent/addresses.ts';
import { Backoff } from '../../src/agent/backoff.ts';
import { formatDuration, parseDuration } from '../../src/agent/duration.ts';
import { generatePodStatus, podPhase, type ContainerView, type PodView } from '../../src/agent/podstatus.ts';
import type { ContainerStatus as CriStatus } from '../../src/agent/runtime/types.ts';
import type { ContainerStatus, Node, Pod } from '../../src/agent/types.ts';

const running = (name: string, extra: Partial<ContainerStatus> = {}): ContainerStatus =>
  ({ name, image: 'i', imageID: '', ready: true, started: true, restartCount: 0, state: { running: { startedAt: 't' } }, lastState: {}, ...extra });
const exited = (name: string, exitCode: number): ContainerStatus =>
  ({ name, image: 'i', imageID: '', ready: false, started: false, restartCount: 0, state: { terminated: { exitCode } }, lastState: {} });
const waiting = (name: string, reason: string, lastExit?: number): ContainerStatus =>
  ({ name, image: 'i', imageID: '', ready: false, started: false, restartCount: 0, state: { waiting: { reason } }, lastState: lastExit === undefined ? {} : { terminated: { exitCode: lastExit } } });

const podWith = (restartPolicy: string, containers: string[], init: string[] = []): Pod => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p', namespace: 'ns', uid: 'u' },
  spec: { restartPolicy: restartPolicy as 'Always', containers: containers.map((name) => ({ name, image: 'i' })), initContainers: init.map((name) => ({ name, image: 'i' })) },
});

describe('agent: pod phase (getPhase)', () => {
  const cases: { name: string; policy: string; init?: ContainerStatus[]; regular: ContainerStatus[]; terminating?: boolean; phase: string }[] = [
    { name: 'nothing started yet', policy: 'Always', regular: [waiting('a', 'ContainerCreating')], phase: 'Pending' },
    { name: 'all running', policy: 'Always', regular: [running('a'), running('b')], phase: 'Running' },
    { name: 'one running, one still creating', policy: 'Always', regular: [running('a'), waiting('b', 'ContainerCreating')], phase: 'Pending' },
    { name: 'init container running', policy: 'Always', init: [running('i')], regular: [waiting('a', 'PodInitializing')], phase: 'Pending' },
    { name: 'init container failed, Never', policy: 'Never', init: [exited('i', 1)], regular: [waiting('a', 'PodInitializing')], phase: 'Failed' },
    { name: 'init container crash-looping, Always', policy: 'Always', init: [waiting('i', 'CrashLoopBackOff', 1)], regular: [waiting('a', 'PodInitializing')], phase: 'Pending' },
    { name: 'all exited 0, Never', policy: 'Never', regular: [exited('a', 0), exited('b', 0)], phase: 'Succeeded' },
    { name: 'one exited 1, Never', policy: 'Never', regular: [exited('a', 0), exited('b', 1)], phase: 'Failed' },
    { name: 'all exited 0, OnFailure', policy: 'OnFailure', regular: [exited('a', 0)], phase: 'Succeeded' },
    { name: 'exited 1, OnFailure (restarting)', policy: 'OnFailure', regular: [waiting('a', 'CrashLoopBackOff', 1)], phase: 'Running' },
    { name: 'exited, Always (restarting)', policy: 'Always', regular: [exited('a', 0)], phase: 'Running' },
    { name: 'crash-looping, Always', policy: 'Always', regular: [waiting('a', 'CrashLoopBackOff', 2)], phase: 'Running' },
    { name: 'stopped for deletion, all 0', policy: 'Always', regular: [exited('a', 0)], terminating: true, phase: 'Succeeded' },
    { name: 'stopped for deletion, one failed', policy: 'Always', regular: [exited('a', 0), exited('b', 137)], terminating: true, phase: 'Failed' },
  ];
  for (const c of cases) {
    it(`${c.name} → ${c.phase}`, () => {
      const pod = podWith(c.policy, c.regular.map((s) => s.name), (c.init ?? []).map((s) => s.name));
      expect(podPhase(pod, c.init ?? [], c.regular, c.terminating ?? false)).to.equal(c.phase);
    });
  }
});

describe('agent: pod status and conditions', () => {
  const cri = (id: string, state: CriStatus['state'], exitCode = 0): CriStatus => ({
    id, metadata: { name: id, attempt: 0 }, state, createdAt: 1e18, startedAt: 1.7e18, finishedAt: state === 'CONTAINER_EXITED' ? 1.7e18 + 1e9 : 0,
    exitCode, image: { image: 'docker.io/library/busybox:latest' }, imageRef: 'docker.io/library/busybox@sha256:00', reason: state === 'CONTAINER_EXITED' ? (exitCode ? 'Error' : 'Completed') : '', message: '',
  });
  const view = (pod: Pod, init: ContainerView[], regular: ContainerView[], previous?: PodView['previous']): PodView => ({
    pod, hostIP: '192.0.2.1', podIP: '10.128.0.2', sandboxReady: true, init, regular, terminating: false, startTime: '2026-01-01T00:00:00Z', runtimeName: 'skiff-sim', previous,
  });
  const byType = (s: ReturnType<typeof generatePodStatus>) => Object.fromEntries((s.conditions ?? []).map((c) => [c.type, c]));

  it('reports a running pod: every condition True, IPs, container statuses sorted by name', () => {
    const pod = podWith('Always', ['web', 'app']);
    const s = generatePodStatus(view(pod, [], [
      { spec: pod.spec!.containers[0], kind: 'regular', runtime: cri('w', 'CONTAINER_RUNNING'), restartCount: 0 },
      { spec: pod.spec!.containers[1], kind: 'regular', runtime: cri('a', 'CONTAINER_RUNNING'), restartCount: 0 },
    ]), '2026-01-01T00:00:05Z');
    expect(s.phase).to.equal('Running');
    expect(s.podIPs).to.deep.equal([{ ip: '10.128.0.2' }]);
    expect(s.containerStatuses!.map((c) => c.name)).to.deep.equal(['app', 'web']);
    expect(s.containerStatuses![0]).to.include({ containerID: 'skiff-sim://a', ready: true, started: true, imageID: 'docker.io/library/busybox@sha256:00' });
    expect(s.conditions!.map((c) => [c.type, c.status])).to.deep.equal([
      ['PodReadyToStartContainers', 'True'], ['Initialized', 'True'], ['Ready', 'True'], ['ContainersReady', 'True'], ['PodScheduled', 'True'],
    ]);
  });

  it('says which containers are not ready, and keeps transition times of unchanged conditions', () => {
    const pod = podWith('Always', ['a', 'b']);
    const previous = { conditions: [{ type: 'PodScheduled', status: 'True', lastTransitionTime: '2025-12-31T00:00:00Z' }] };
    const s = generatePodStatus(view(pod, [], [
      { spec: pod.spec!.containers[0], kind: 'regular', runtime: cri('a', 'CONTAINER_RUNNING'), restartCount: 0 },
      { spec: pod.spec!.containers[1], kind: 'regular', restartCount: 0, waiting: { reason: 'ErrImagePull', message: 'no' } },
    ], previous), '2026-01-01T00:00:05Z');
    const c = byType(s);
    expect(c.ContainersReady).to.include({ status: 'False', reason: 'ContainersNotReady', message: 'containers with unready status: [b]' });
    expect(c.Ready).to.include({ status: 'False', reason: 'ContainersNotReady', message: 'containers with unready status: [b]' });
    expect(c.PodScheduled.lastTransitionTime).to.equal('2025-12-31T00:00:00Z');
    expect(c.Ready.lastTransitionTime).to.equal('2026-01-01T00:00:05Z');
    expect(s.containerStatuses![1].state).to.deep.equal({ waiting: { reason: 'ErrImagePull', message: 'no' } });
  });

  it('reports init containers in spec order, and app containers as PodInitializing until they are done', () => {
    const pod = podWith('Always', ['app'], ['z-first', 'a-second']);
    const s = generatePodStatus(view(pod, [
      { spec: pod.spec!.initContainers![0], kind: 'init', runtime: cri('1', 'CONTAINER_EXITED'), restartCount: 0 },
      { spec: pod.spec!.initContainers![1], kind: 'init', runtime: cri('2', 'CONTAINER_RUNNING'), restartCount: 0 },
    ], [{ spec: pod.spec!.containers[0], kind: 'regular', restartCount: 0 }]), 'now');
    expect(s.initContainerStatuses!.map((c) => [c.name, c.ready])).to.deep.equal([['z-first', true], ['a-second', false]]);
    expect(s.containerStatuses![0].state).to.deep.equal({ waiting: { reason: 'PodInitializing' } });
    expect(byType(s).Initialized).to.include({ status: 'False', reason: 'ContainersNotInitialized', message: 'containers with incomplete status: [a-second]' });
    expect(s.phase).to.equal('Pending');
  });

  it('marks a completed pod PodCompleted', () => {
    const pod = podWith('Never', ['a']);
    const s = generatePodStatus({ ...view(pod, [], [{ spec: pod.spec!.containers[0], kind: 'regular', runtime: cri('a', 'CONTAINER_EXITED'), restartCount: 0 }]), sandboxReady: false }, 'now');
    expect(s.phase).to.equal('Succeeded');
    const c = byType(s);
    expect(c.Ready).to.include({ status: 'False', reason: 'PodCompleted' });
    expect(c.Initialized).to.include({ status: 'True', reason: 'PodCompleted' });
    expect(c.PodReadyToStartContainers.status).to.equal('False');
    expect(s.containerStatuses![0].state!.terminated).to.include({ exitCode: 0, reason: 'Completed', containerID: 'skiff-sim://a' });
  });

  it('uses the host IP as pod IP for host-network pods', () => {
    const pod = podWith('Always', ['a']);
    pod.spec!.hostNetwork = true;
    const s = generatePodStatus({ ...view(pod, [], [{ spec: pod.spec!.containers[0], kind: 'regular', restartCount: 0 }]), podIP: '' }, 'now');
    expect(s.podIP).to.equal('192.0.2.1');
  });
});

describe('agent: admission', () => {
  const node: Node = {
    apiVersion: 'v1', kind: 'Node',
    metadata: { name: 'n1', labels: { 'kubernetes.io/os': 'linux', disk: 'ssd', gen: '5' } },
    status: { allocatable: { cpu: '2', memory: '1Gi', pods: '3', 'example.com/gpu': '1' } },
  };
  const pod = (spec: Partial<NonNullable<Pod['spec']>>, labels?: Record<string, string>): Pod =>
    ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', labels }, spec: { containers: [{ name: 'c', image: 'i' }], ...spec } });
  const requesting = (requests: Record<string, string>) => pod({ containers: [{ name: 'c', image: 'i', resources: { requests } }] });

  const cases: { name: string; pod: Pod; admitted?: Pod[]; reason?: string; message?: string }[] = [
    { name: 'a pod without requests', pod: pod({}) },
    { name: 'a pod that fits', pod: requesting({ cpu: '1500m', memory: '512Mi' }), admitted: [requesting({ cpu: '500m' })] },
    { name: 'too much cpu', pod: requesting({ cpu: '1' }), admitted: [requesting({ cpu: '1500m' })], reason: 'OutOfcpu', message: "Node didn't have enough resource: cpu, requested: 1000, used: 1500, capacity: 2000" },
    { name: 'too much memory', pod: requesting({ memory: '2Gi' }), reason: 'OutOfmemory', message: "Node didn't have enough resource: memory, requested: 2147483648, used: 0, capacity: 1073741824" },
    { name: 'too many pods', pod: pod({}), admitted: [pod({}), pod({}), pod({})], reason: 'OutOfpods', message: "Node didn't have enough resource: pods, requested: 1, used: 3, capacity: 3" },
    { name: 'an extended resource beyond the node', pod: requesting({ 'example.com/gpu': '2' }), reason: 'OutOfexample.com/gpu' },
    { name: 'an extended resource the node does not know', pod: requesting({ 'example.com/fpga': '2' }) },
    { name: 'a node selector that does not match', pod: pod({ nodeSelector: { disk: 'hdd' } }), reason: 'NodeAffinity', message: "Predicate NodeAffinity failed: node(s) didn't match Pod's node affinity/selector" },
    { name: 'a pod for another OS', pod: pod({}, { 'kubernetes.io/os': 'windows' }), reason: 'PodOSSelectorNodeLabelDoesNotMatch' },
    { name: 'a pod whose spec.os is not linux', pod: pod({ os: { name: 'windows' } }), reason: 'PodOSNotSupported' },
  ];
  for (const c of cases) {
    it(`${c.name}: ${c.reason ?? 'admitted'}`, () => {
      const r = admitPod(c.pod, node, c.admitted ?? []);
      if (!c.reason) return expect(r).to.deep.equal({ admit: true });
      expect(r).to.include({ admit: false, reason: c.reason });
      if (c.message && !r.admit) expect(r.message).to.equal(c.message);
    });
  }

  const affinity = (terms: object[]) => pod({ affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: terms } } } } as never);
  const affinityCases: [string, object[], boolean][] = [
    ['In', [{ matchExpressions: [{ key: 'disk', operator: 'In', values: ['ssd', 'nvme'] }] }], true],
    ['NotIn', [{ matchExpressions: [{ key: 'disk', operator: 'NotIn', values: ['ssd'] }] }], false],
    ['Exists and DoesNotExist', [{ matchExpressions: [{ key: 'disk', operator: 'Exists' }, { key: 'tpu', operator: 'DoesNotExist' }] }], true],
    ['Gt', [{ matchExpressions: [{ key: 'gen', operator: 'Gt', values: ['4'] }] }], true],
    ['Lt', [{ matchExpressions: [{ key: 'gen', operator: 'Lt', values: ['4'] }] }], false],
    ['terms are ORed', [{ matchExpressions: [{ key: 'disk', operator: 'In', values: ['hdd'] }] }, { matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n1'] }] }], true],
    ['an empty term matches nothing', [{}], false],
  ];
  for (const [name, terms, matches] of affinityCases) {
    it(`required node affinity: ${name}`, () => expect(matchesNodeAffinity(affinity(terms), node)).to.equal(matches));
  }
});

describe('agent: Go durations', () => {
  const formats: [number, string][] = [
    [0, '0s'], [0.0005, '500ns'], [0.2335, '233.5µs'], [1.5, '1.5ms'], [250, '250ms'], [1000, '1s'], [1500, '1.5s'],
    [10_000, '10s'], [80_000, '1m20s'], [300_000, '5m0s'], [3_600_000, '1h0m0s'], [3_723_500, '1h2m3.5s'],
  ];
  for (const [ms, text] of formats) it(`${ms}ms prints as ${text}`, () => expect(formatDuration(ms)).to.equal(text));
  const parses: [string, number | undefined][] = [['2s', 2000], ['500ms', 500], ['1m30s', 90_000], ['1.5h', 5_400_000], ['0', 0], ['10', undefined], ['s', undefined], ['2x', undefined],
    // Go takes both micro signs (U+00B5 and the Greek U+03BC) and "us".
    ['250\u00b5s', 0.25], ['250\u03bcs', 0.25], ['3us', 0.003]];
  for (const [text, ms] of parses) it(`"${text}" parses as ${ms}`, () => expect(parseDuration(text)).to.equal(ms));
});

describe('agent: back-off', () => {
  it('starts at the base, doubles to the maximum, and starts over after a quiet spell', () => {
    const b = new Backoff(10, 40);
    expect(b.inBackoffSince('k', 0, 0)).to.equal(false);
    b.next('k', 0, 0);
    expect(b.get('k')).to.equal(10);
    expect(b.inBackoffSince('k', 0, 5)).to.equal(true);
    expect(b.inBackoffSince('k', 0, 10)).to.equal(false);
    for (let i = 0; i < 5; i++) b.next('k', 10, 10);
    expect(b.get('k')).to.equal(40);
    expect(b.inBackoffSinceUpdate('k', 49)).to.equal(true);
    expect(b.inBackoffSinceUpdate('k', 50)).to.equal(false);
    b.next('k', 200, 200);
    expect(b.get('k')).to.equal(10);
  });
});

describe('agent: simulated node addresses', () => {
  it('gives every node its own unrouted address and /24', () => {
    expect([0, 253, 254, 761, 762].map(simNodeIP)).to.deep.equal(['192.0.2.1', '192.0.2.254', '198.51.100.1', '203.0.113.254', '198.18.0.1']);
    expect([0, 1, 255, 256, 32767].map(simPodCIDR)).to.deep.equal(['10.128.0.0/24', '10.128.1.0/24', '10.128.255.0/24', '10.129.0.0/24', '10.255.255.0/24']);
    const ips = new Set(Array.from({ length: 20_000 }, (_, i) => simNodeIP(i)));
    expect(ips.size).to.equal(20_000);
  });
});
