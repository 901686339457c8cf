// The scheduler against an in-process Skiff with simulated nodes in zones: resource fit,
// selectors, taints, pod (anti-)affinity, topology spread, a pod that waits for a node,
// and priority preemption. Each case runs on its own group of nodes (labelled with the
// case's name and selected by its pods), so the cases cannot disturb each other.

import { expect } from 'chai';
import { startSkiff, type Skiff } from '../../src/index.ts';
import { startSimNodes, type SimNodes } from '../../src/agent/index.ts';
import { RestClient, resource, type ClientConfig } from '../../src/client/rest.ts';
import type { CoreV1Event as V1Event, V1Pod } from '@kubernetes/client-node';
import { sleep } from '../helpers.ts';

const pods = resource('pods');
const events = resource('events');
const priorityClasses = resource('scheduling.k8s.io/priorityclasses');
const ZONES = ['zone-a', 'zone-b', 'zone-c'];

describe('scheduler with simulated nodes', function () {
  this.timeout(60_000);
  let skiff: Skiff;
  let client: RestClient;
  let config: ClientConfig;
  const groups: SimNodes[] = [];
  let firstIndex = 0;

  before(async () => {
    skiff = await startSkiff({ scheduler: true });
    config = { server: skiff.url, ...skiff.credentials };
    client = new RestClient(config);
  });
  after(async () => {
    for (const g of groups) await g.stop();
    client?.close();
    await skiff?.close();
  });

  /** A group of nodes labelled group=<name>; returns their names. */
  async function nodes(group: string, count: number, capacity: Record<string, string> = { cpu: '4', memory: '8Gi', pods: '110' }, opts: { zones?: string[]; taints?: { key: string; value?: string; effect: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute' }[] } = {}): Promise<string[]> {
    const g = await startSimNodes({ config, count, firstIndex, namePrefix: `${group}-`, zones: opts.zones ?? ZONES, capacity, labels: { group }, taints: opts.taints, renewIntervalMs: 60_000 });
    firstIndex = Math.ceil((firstIndex + count) / ZONES.length) * ZONES.length; // each group starts in zone-a
    groups.push(g);
    return g.agents.map((a) => a.nodeName);
  }

  function pod(group: string, name: string, extra: Record<string, unknown> = {}, cpu = '100m', labels: Record<string, string> = {}): Record<string, unknown> {
    const { spec, ...rest } = extra as { spec?: Record<string, unknown> };
    return {
      apiVersion: 'v1', kind: 'Pod',
      metadata: { name, labels: { group, ...labels } },
      spec: { nodeSelector: { group }, containers: [{ name: 'c', image: 'registry.local/pause:3.10', resources: { requests: { cpu } } }], ...spec },
      ...rest,
    };
  }

  const create = (p: Record<string, unknown>) => client.create<V1Pod>(pods, 'default', p);
  const get = (name: string) => client.get<V1Pod>(pods, 'default', name);

  async function until<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const v = await fn();
      if (v !== undefined) return v;
      if (Date.now() > deadline) expect.fail(`timed out waiting for ${what}`);
      await sleep(50);
    }
  }

  const boundTo = (name: string) => until(`${name} bound`, async () => (await get(name)).spec?.nodeName || undefined);

  async function failedScheduling(name: string): Promise<string> {
    return until(`FailedScheduling for ${name}`, async () => {
      const list = await client.list<V1Event>(events, 'default', { fieldSelector: `involvedObject.name=${name},reason=FailedScheduling` });
      return list.items[0]?.message;
    });
  }

  it('fits pods by their requests and reports Insufficient cpu when none fits', async () => {
    const names = await nodes('fit', 2, { cpu: '2', memory: '4Gi', pods: '110' });
    await create(pod('fit', 'fit-1', {}, '1500m'));
    await create(pod('fit', 'fit-2', {}, '1500m'));
    const placed = [await boundTo('fit-1'), await boundTo('fit-2')];
    expect(placed.sort()).to.deep.equal(names.sort());
    await create(pod('fit', 'fit-3', {}, '1500m'));
    const msg = await failedScheduling('fit-3');
    expect(msg).to.match(/^0\/\d+ nodes are available: .*2 Insufficient cpu/);
    const p = await get('fit-3');
    expect(p.spec?.nodeName).to.equal(undefined);
    const cond = p.status?.conditions?.find((c) => c.type === 'PodScheduled');
    expect(cond).to.include({ status: 'False', reason: 'Unschedulable' });
  });

  it('honours nodeSelector and required node affinity', async () => {
    const names = await nodes('sel', 3);
    await create(pod('sel', 'sel-b', { spec: { nodeSelector: { group: 'sel', 'topology.kubernetes.io/zone': 'zone-b' } } }));
    expect(await boundTo('sel-b')).to.equal(names[1]);
    await create(pod('sel', 'aff-c', { spec: { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [
      { matchExpressions: [{ key: 'topology.kubernetes.io/zone', operator: 'In', values: ['zone-c'] }] },
    ] } } } } }));
    expect(await boundTo('aff-c')).to.equal(names[2]);
  });

  it('keeps pods off tainted nodes unless they tolerate the taint', async () => {
    const [plain] = await nodes('taint', 1);
    const [tainted] = await nodes('taint', 1, undefined, { taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] });
    for (let i = 0; i < 3; i++) await create(pod('taint', `plain-${i}`));
    for (let i = 0; i < 3; i++) expect(await boundTo(`plain-${i}`)).to.equal(plain);
    await create(pod('taint', 'tolerating', { spec: { nodeSelector: { 'kubernetes.io/hostname': tainted }, tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' }] } }));
    expect(await boundTo('tolerating')).to.equal(tainted);
  });

  it('places pods by inter-pod affinity and anti-affinity', async () => {
    const names = await nodes('ipa', 3);
    await create(pod('ipa', 'db', { spec: { nodeSelector: { group: 'ipa', 'topology.kubernetes.io/zone': 'zone-c' } } }, '100m', { app: 'db' }));
    expect(await boundTo('db')).to.equal(names[2]);
    await create(pod('ipa', 'near-db', { spec: { affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [
      { labelSelector: { matchLabels: { app: 'db' } }, topologyKey: 'topology.kubernetes.io/zone' },
    ] } } } }));
    expect(await boundTo('near-db')).to.equal(names[2]);
    const anti = { affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [
      { labelSelector: { matchLabels: { app: 'web' } }, topologyKey: 'kubernetes.io/hostname' },
    ] } } };
    for (let i = 0; i < 3; i++) await create(pod('ipa', `web-${i}`, { spec: anti }, '100m', { app: 'web' }));
    const hosts = await Promise.all([0, 1, 2].map((i) => boundTo(`web-${i}`)));
    expect(new Set(hosts).size).to.equal(3);
    await create(pod('ipa', 'web-3', { spec: anti }, '100m', { app: 'web' }));
    expect(await failedScheduling('web-3')).to.contain("didn't match pod anti-affinity rules");
  });

  it('spreads pods across zones within maxSkew', async () => {
    const names = await nodes('spread', 6);
    const zoneOf = new Map(names.map((n, i) => [n, ZONES[i % 3]]));
    // Three pods of the app already run in zone-a (placed by selector, not spread).
    for (let i = 0; i < 3; i++) await create(pod('spread', `pinned-${i}`, { spec: { nodeSelector: { group: 'spread', 'topology.kubernetes.io/zone': 'zone-a' } } }, '100m', { app: 'spread' }));
    for (let i = 0; i < 3; i++) await boundTo(`pinned-${i}`);
    // Six more with maxSkew 1 must all go to zone-b and zone-c, three each, though they prefer zone-a.
    const preferA = { nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, preference: { matchExpressions: [{ key: 'topology.kubernetes.io/zone', operator: 'In', values: ['zone-a'] }] } }] } };
    const spread = { affinity: preferA, topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { app: 'spread' } } }] };
    for (let i = 0; i < 6; i++) await create(pod('spread', `spread-${i}`, { spec: spread }, '100m', { app: 'spread' }));
    const perZone: Record<string, number> = {};
    for (let i = 0; i < 6; i++) {
      const zone = zoneOf.get(await boundTo(`spread-${i}`))!;
      perZone[zone] = (perZone[zone] ?? 0) + 1;
    }
    expect(perZone).to.deep.equal({ 'zone-b': 3, 'zone-c': 3 });
  });

  it('an unschedulable pod gets FailedScheduling, then schedules when a node that fits is added', async () => {
    await create(pod('late', 'late-1'));
    const msg = await failedScheduling('late-1');
    expect(msg).to.match(/^0\/\d+ nodes are available: .*node\(s\) didn't match Pod's node affinity\/selector/);
    const [node] = await nodes('late', 1);
    expect(await boundTo('late-1')).to.equal(node);
    const scheduled = await until('Scheduled event', async () => (await client.list<V1Event>(events, 'default', { fieldSelector: 'involvedObject.name=late-1,reason=Scheduled' })).items[0]);
    expect(scheduled.message).to.equal(`Successfully assigned default/late-1 to ${node}`);
    expect(scheduled.source?.component).to.equal('default-scheduler');
  });

  it('preempts a lower-priority pod for a higher-priority one that does not fit otherwise', async () => {
    const [node] = await nodes('prio', 1, { cpu: '1', memory: '4Gi', pods: '110' });
    await client.create(priorityClasses, undefined, { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'high' }, value: 1000 });
    await create(pod('prio', 'victim', {}, '800m'));
    expect(await boundTo('victim')).to.equal(node);
    const victimUid = (await get('victim')).metadata?.uid;
    await create(pod('prio', 'important', { spec: { priorityClassName: 'high' } }, '800m'));
    expect(await boundTo('important')).to.equal(node);
    const after = await client.list<V1Pod>(pods, 'default', { fieldSelector: 'metadata.name=victim' });
    expect(after.items.filter((p) => p.metadata?.uid === victimUid)).to.have.length(0);
  });
});
