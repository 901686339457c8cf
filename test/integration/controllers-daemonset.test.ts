// The DaemonSet controller against an in-process Skiff with the scheduler and three simulated
// nodes (upstream pkg/controller/daemon behaviour): one pod per eligible node, pinned by node
// affinity and scheduled, with the daemon tolerations; nodeSelector and taints decide which
// nodes are eligible and pods follow label changes; status counts; ControllerRevisions; rolling
// update within maxUnavailable, and with maxSurge, checked on every state a watch shows.

import { expect } from 'chai';
import { startSkiff, type Skiff } from '../../src/index.ts';
import { RestClient, resource, resourcePath } from '../../src/client/rest.ts';
import { watchStream, type WatchEvent } from '../../src/client/informer.ts';
import { newDaemonSetController } from '../../src/controllers/daemonset.ts';
import { sleep, until } from '../helpers.ts';

const pods = resource('pods');
const daemonsets = resource('apps/daemonsets');
const revisions = resource('apps/controllerrevisions');
const nodes = resource('nodes');
const NS = 'default';

interface PodObj {
  metadata: { name: string; uid: string; labels?: Record<string, string>; ownerReferences?: { uid: string; kind: string; controller?: boolean }[]; deletionTimestamp?: string };
  spec: {
    nodeName?: string; containers: { image: string }[]; tolerations?: { key?: string; operator?: string; effect?: string }[];
    affinity?: { nodeAffinity?: { requiredDuringSchedulingIgnoredDuringExecution?: { nodeSelectorTerms: { matchFields?: { key: string; operator: string; values: string[] }[] }[] } } };
  };
  status?: { phase?: string; conditions?: { type: string; status: string }[] };
}
interface DsObj {
  metadata: { name: string; uid: string; generation?: number };
  status?: { desiredNumberScheduled?: number; currentNumberScheduled?: number; numberReady?: number; updatedNumberScheduled?: number; numberAvailable?: number; numberMisscheduled?: number; observedGeneration?: number };
}
interface RevObj { metadata: { name: string; labels?: Record<string, string>; ownerReferences?: { uid: string; kind: string }[] }; revision: number }

const isReady = (p: PodObj) => !!p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');

describe('DaemonSet controller', function () {
  this.timeout(180_000);
  let skiff: Skiff;
  let client: RestClient;
  let nodeNames: string[];

  before(async () => {
    skiff = await startSkiff({
      scheduler: true, simNodes: { count: 3 },
      controllers: { names: ['daemonset'], factories: { daemonset: newDaemonSetController } },
    });
    await skiff.components;
    client = new RestClient({ server: skiff.url, ...skiff.credentials });
    nodeNames = [...skiff.nodeNames].sort();
    expect(nodeNames).to.have.length(3);
  });
  after(async () => {
    client?.close();
    await skiff?.close();
  });

  const ds = (name: string, spec: Record<string, unknown> = {}, podSpec: Record<string, unknown> = {}) => ({
    apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name },
    spec: {
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'registry.local/agent:1', resources: { requests: { cpu: '10m' } } }], ...podSpec } },
      ...spec,
    },
  });
  const livePods = async (app: string) => (await client.list<PodObj>(pods, NS, { labelSelector: `app=${app}` })).items.filter((p) => !p.metadata.deletionTimestamp);
  const getDs = (name: string) => client.get<DsObj>(daemonsets, NS, name);
  const settled = async (name: string, n: number) => {
    const d = await getDs(name);
    const s = d.status;
    return s?.desiredNumberScheduled === n && s.currentNumberScheduled === n && s.numberReady === n && (s.updatedNumberScheduled ?? 0) === n
      && (s.numberMisscheduled ?? 0) === 0 && s.observedGeneration === d.metadata.generation && (await livePods(name)).length === n && d;
  };
  const setImage = (name: string, image: string) => client.patch(daemonsets, NS, name, 'strategic', { spec: { template: { spec: { containers: [{ name: 'c', image }] } } } });

  /** The app's pods now, and every watch event on them from then on. */
  async function recordPods(app: string): Promise<{ initial: PodObj[]; events: WatchEvent<PodObj>[]; stop: () => void }> {
    const list = await client.list<PodObj>(pods, NS, { labelSelector: `app=${app}` });
    const signal: { aborted: boolean; onAbort?: () => void } = { aborted: false };
    const out: WatchEvent<PodObj>[] = [];
    const path = `${resourcePath(pods, NS)}?watch=1&resourceVersion=${list.metadata.resourceVersion}&labelSelector=${encodeURIComponent(`app=${app}`)}`;
    void watchStream<PodObj>(client, path, (e) => { out.push(e); }, signal).catch(() => undefined);
    return { initial: list.items, events: out, stop: () => { signal.aborted = true; signal.onAbort?.(); } };
  }

  /** Replays watch events from the initial pods, calling check with the pods as they stood after each event. */
  function replay(initial: PodObj[], events: WatchEvent<PodObj>[], check: (state: PodObj[]) => void): void {
    const state = new Map<string, PodObj>(initial.map((p) => [p.metadata.name, p]));
    for (const e of events) {
      if (e.type === 'DELETED') state.delete(e.object.metadata.name);
      else if (e.type === 'ADDED' || e.type === 'MODIFIED') state.set(e.object.metadata.name, e.object);
      check([...state.values()]);
    }
  }

  it('runs one pod per node, pinned by node affinity, with the daemon tolerations, and reports status', async () => {
    const created = await client.create<DsObj>(daemonsets, NS, ds('agent'));
    const d = await until('3 ready daemon pods', () => settled('agent', 3));
    expect(d.status).to.include({ desiredNumberScheduled: 3, currentNumberScheduled: 3, numberReady: 3, numberAvailable: 3, updatedNumberScheduled: 3, numberMisscheduled: 0 });
    const ps = await livePods('agent');
    expect(ps.map((p) => p.spec.nodeName).sort()).to.deep.equal(nodeNames);
    const revs = (await client.list<RevObj>(revisions, NS, { labelSelector: 'app=agent' })).items;
    expect(revs).to.have.length(1);
    expect(revs[0].revision).to.equal(1);
    expect(revs[0].metadata.ownerReferences?.[0]).to.include({ kind: 'DaemonSet', uid: created.metadata.uid });
    const hash = revs[0].metadata.labels?.['controller-revision-hash'];
    expect(revs[0].metadata.name).to.equal(`agent-${hash}`);
    for (const p of ps) {
      expect(p.metadata.name).to.match(/^agent-[a-z0-9]{5}$/);
      expect(p.metadata.labels).to.include({ 'controller-revision-hash': hash, 'pod-template-generation': '1' });
      expect(p.metadata.ownerReferences?.[0]).to.include({ kind: 'DaemonSet', uid: created.metadata.uid, controller: true });
      expect(p.spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms).to.deep.equal([
        { matchFields: [{ key: 'metadata.name', operator: 'In', values: [p.spec.nodeName] }] },
      ]);
      const keys = (p.spec.tolerations ?? []).map((t) => `${t.key}:${t.effect}`);
      expect(keys).to.include.members([
        'node.kubernetes.io/not-ready:NoExecute', 'node.kubernetes.io/unreachable:NoExecute', 'node.kubernetes.io/disk-pressure:NoSchedule',
        'node.kubernetes.io/memory-pressure:NoSchedule', 'node.kubernetes.io/pid-pressure:NoSchedule', 'node.kubernetes.io/unschedulable:NoSchedule',
      ]);
    }
  });

  it('replaces a deleted daemon pod on its node', async () => {
    const [victim] = await livePods('agent');
    await client.delete(pods, NS, victim.metadata.name);
    const back = await until('a replacement', async () => {
      const ps = await livePods('agent');
      return ps.length === 3 && !ps.some((p) => p.metadata.uid === victim.metadata.uid) && ps.find((p) => p.spec.nodeName === victim.spec.nodeName);
    });
    expect(back.spec.nodeName).to.equal(victim.spec.nodeName);
  });

  it('RollingUpdate replaces pods node by node, never more than maxUnavailable (1) down', async () => {
    const watch = await recordPods('agent');
    await sleep(300);
    await setImage('agent', 'registry.local/agent:2');
    const d = await until('all 3 updated', async () => {
      const ok = await settled('agent', 3);
      return ok && (await livePods('agent')).every((p) => p.spec.containers[0].image === 'registry.local/agent:2' && isReady(p)) && ok;
    });
    watch.stop();
    expect(d.status?.updatedNumberScheduled).to.equal(3);
    let sawUpdate = false;
    replay(watch.initial, watch.events, (state) => {
      const up = state.filter((p) => !p.metadata.deletionTimestamp && isReady(p)).length;
      expect(up, 'available daemon pods').to.be.at.least(2);
      if (state.some((p) => p.spec.containers[0].image === 'registry.local/agent:2')) sawUpdate = true;
    });
    expect(sawUpdate).to.equal(true);
    const revs = (await client.list<RevObj>(revisions, NS, { labelSelector: 'app=agent' })).items.sort((a, b) => a.revision - b.revision);
    expect(revs.map((r) => r.revision)).to.deep.equal([1, 2]);
    for (const p of await livePods('agent')) {
      expect(p.metadata.labels).to.include({ 'controller-revision-hash': revs[1].metadata.labels?.['controller-revision-hash'], 'pod-template-generation': '2' });
    }
  });

  it('RollingUpdate with maxSurge creates the new pod before deleting the old one', async () => {
    await client.patch(daemonsets, NS, 'agent', 'merge', { spec: { updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } } } });
    await until('settled', () => settled('agent', 3));
    const watch = await recordPods('agent');
    await sleep(300);
    await setImage('agent', 'registry.local/agent:3');
    await until('all 3 at agent:3', async () => {
      const ok = await settled('agent', 3);
      return ok && (await livePods('agent')).every((p) => p.spec.containers[0].image === 'registry.local/agent:3' && isReady(p));
    });
    watch.stop();
    replay(watch.initial, watch.events, (state) => {
      const live = state.filter((p) => !p.metadata.deletionTimestamp);
      expect(live.filter(isReady).length, 'ready daemon pods').to.be.at.least(3);
      // Surge: at most one node has a new pod not yet ready beside its old one, and no node more than two pods.
      const byNode = new Map<string, PodObj[]>();
      for (const p of live) {
        const n = p.spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms[0].matchFields?.[0].values[0] ?? '';
        byNode.set(n, [...(byNode.get(n) ?? []), p]);
      }
      let surging = 0;
      for (const list of byNode.values()) {
        expect(list.length, 'daemon pods on one node').to.be.at.most(2);
        const old = list.some((p) => p.spec.containers[0].image !== 'registry.local/agent:3');
        if (old && list.some((p) => p.spec.containers[0].image === 'registry.local/agent:3' && !isReady(p))) surging++;
      }
      expect(surging, 'nodes surging').to.be.at.most(1);
    });
  });

  it('follows nodeSelector: pods only on matching nodes, created and removed as labels change', async () => {
    await client.patch(nodes, undefined, nodeNames[0], 'merge', { metadata: { labels: { 'ds-test': 'yes' } } });
    await client.create(daemonsets, NS, ds('picky', {}, { nodeSelector: { 'ds-test': 'yes' } }));
    await until('1 pod on the labelled node', () => settled('picky', 1));
    expect((await livePods('picky')).map((p) => p.spec.nodeName)).to.deep.equal([nodeNames[0]]);
    await client.patch(nodes, undefined, nodeNames[1], 'merge', { metadata: { labels: { 'ds-test': 'yes' } } });
    await until('2 pods', () => settled('picky', 2));
    await client.patch(nodes, undefined, nodeNames[0], 'merge', { metadata: { labels: { 'ds-test': null } } });
    await until('the pod leaves the unlabelled node', async () => {
      const ok = await settled('picky', 1);
      return ok && (await livePods('picky'))[0].spec.nodeName === nodeNames[1];
    });
  });

  it('respects taints: no new pods on a node with an untolerated NoSchedule taint; existing ones stay, counted misscheduled', async () => {
    await client.patch(nodes, undefined, nodeNames[2], 'merge', { spec: { taints: [{ key: 'dedicated', value: 'db', effect: 'NoSchedule' }] } });
    await client.create(daemonsets, NS, ds('intolerant'));
    await until('2 pods', () => settled('intolerant', 2));
    expect((await livePods('intolerant')).map((p) => p.spec.nodeName).sort()).to.deep.equal(nodeNames.slice(0, 2));
    await client.create(daemonsets, NS, ds('tolerant', {}, { tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'db', effect: 'NoSchedule' }] }));
    await until('3 tolerant pods', () => settled('tolerant', 3));
    // The agent DaemonSet's pod on that node was there before the taint: it stays (NoSchedule does not evict).
    const agent = await until('agent misscheduled 1', async () => { const d = await getDs('agent'); return d.status?.numberMisscheduled === 1 && d; });
    expect(agent.status?.desiredNumberScheduled).to.equal(2);
    expect((await livePods('agent')).map((p) => p.spec.nodeName).sort()).to.deep.equal(nodeNames);
    // A NoExecute taint the pods do not tolerate removes them.
    await client.patch(nodes, undefined, nodeNames[2], 'merge', { spec: { taints: [{ key: 'dedicated', value: 'db', effect: 'NoExecute' }] } });
    await until('the agent pod leaves the NoExecute node', async () => (await livePods('agent')).every((p) => p.spec.nodeName !== nodeNames[2]) && (await settled('agent', 2)));
    await client.patch(nodes, undefined, nodeNames[2], 'merge', { spec: { taints: null } });
    await until('back to 3', () => settled('agent', 3));
  });
});
