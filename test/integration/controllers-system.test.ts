// The controllers together, as `skiff up` runs them (every registered controller, short node
// timeouts): a node that stops heartbeating has its Deployment's pods evicted and recreated on
// the nodes that are left; deleting a Deployment collects its ReplicaSet and pods in background
// and foreground propagation, and orphans them with Orphan.

import { expect } from 'chai';
import { startSkiff, type Skiff } from '../../src/index.ts';
import { startSimNodes, type SimNodes } from '../../src/agent/index.ts';
import { RestClient, isNotFound, resource } from '../../src/client/rest.ts';
import { sleep, until } from '../helpers.ts';

const pods = resource('pods');
const deployments = resource('apps/deployments');
const replicasets = resource('apps/replicasets');
const NS = 'default';

interface Obj { metadata: { name: string; uid: string; labels?: Record<string, string>; ownerReferences?: { uid: string; kind: string }[]; deletionTimestamp?: string; finalizers?: string[] }; spec?: { nodeName?: string }; status?: { phase?: string; availableReplicas?: number } }

describe('controllers together: node failure and cascading deletion', function () {
  this.timeout(180_000);
  let skiff: Skiff;
  let client: RestClient;
  let sims: SimNodes;

  before(async () => {
    skiff = await startSkiff({
      scheduler: true,
      controllers: { options: { nodeMonitorGracePeriodMs: 3000, nodeMonitorPeriodMs: 500 } },
      defaultTolerationSeconds: 2,
    });
    await skiff.controllerManager?.leading;
    const config = { server: skiff.url, ...skiff.credentials };
    sims = await startSimNodes({ config, count: 3, namePrefix: 'sys-', dataDir: skiff.dataDir, renewIntervalMs: 500, nodeStatusCheckMs: 1000, recordEvents: false });
    client = new RestClient(config);
  });
  after(async () => {
    await sims?.stop();
    client?.close();
    await skiff?.close();
  });

  const deployment = (name: string, replicas: number) => ({
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name },
    spec: {
      replicas, selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'registry.local/pause:3.10' }] } },
    },
  });
  const livePods = async (app: string) => (await client.list<Obj>(pods, NS, { labelSelector: `app=${app}` })).items.filter((p) => !p.metadata.deletionTimestamp);
  const available = async (name: string, n: number) => (await client.get<Obj>(deployments, NS, name)).status?.availableReplicas === n;

  it('recreates the pods of a node that stopped heartbeating on the other nodes', async () => {
    await client.create(deployments, NS, deployment('survivor', 6));
    await until('6 available', () => available('survivor', 6));
    const before = await livePods('survivor');
    const victimNode = before[0].spec!.nodeName!;
    const onVictim = before.filter((p) => p.spec?.nodeName === victimNode).map((p) => p.metadata.name);
    expect(onVictim.length).to.be.greaterThan(0);

    const agent = sims.agents.find((a) => a.nodeName === victimNode)!;
    await agent.stop();

    // Unknown after 3 s, unreachable NoExecute taint, evicted after the 2 s default toleration,
    // and the ReplicaSet makes new pods, which the scheduler keeps off the tainted node.
    const after = await until('6 available pods, none on the failed node', async () => {
      const ps = (await livePods('survivor')).filter((p) => p.status?.phase === 'Running');
      return ps.length === 6 && ps.every((p) => p.spec?.nodeName !== victimNode) && (await available('survivor', 6)) && ps;
    });
    for (const name of onVictim) expect(after.map((p) => p.metadata.name)).to.not.include(name);
    const node = await client.get<{ spec: { taints?: { key: string; effect: string }[] } }>(resource('nodes'), undefined, victimNode);
    expect(node.spec.taints?.map((t) => `${t.key}:${t.effect}`)).to.include('node.kubernetes.io/unreachable:NoExecute');
  });

  async function chain(name: string): Promise<{ rs: Obj; pods: Obj[] }> {
    await client.create(deployments, NS, deployment(name, 2));
    await until(`${name} available`, () => available(name, 2));
    const rs = (await client.list<Obj>(replicasets, NS, { labelSelector: `app=${name}` })).items;
    expect(rs).to.have.length(1);
    return { rs: rs[0], pods: await livePods(name) };
  }
  const gone = async (r: typeof pods, name: string) => {
    try { await client.get(r, NS, name); return false; } catch (e) { if (isNotFound(e)) return true; throw e; }
  };

  for (const policy of ['Background', 'Foreground'] as const) {
    it(`collects a Deployment's ReplicaSet and pods with ${policy} propagation`, async () => {
      const name = `gc-${policy.toLowerCase()}`;
      const { rs, pods: ps } = await chain(name);
      await client.delete(deployments, NS, name, { propagationPolicy: policy });
      await until('the deployment, its ReplicaSet and pods gone', async () =>
        (await gone(deployments, name)) && (await gone(replicasets, rs.metadata.name)) && (await Promise.all(ps.map((p) => gone(pods, p.metadata.name)))).every(Boolean));
    });
  }

  it('orphans the ReplicaSet and pods with Orphan propagation', async () => {
    const { rs, pods: ps } = await chain('gc-orphan');
    await client.delete(deployments, NS, 'gc-orphan', { propagationPolicy: 'Orphan' });
    await until('the deployment gone', () => gone(deployments, 'gc-orphan'));
    const left = await until('the ReplicaSet released', async () => {
      const r = await client.get<Obj>(replicasets, NS, rs.metadata.name);
      return !(r.metadata.ownerReferences ?? []).length && r;
    });
    expect(left.metadata.deletionTimestamp).to.equal(undefined);
    await sleep(1000);
    const still = await livePods('gc-orphan');
    expect(still.map((p) => p.metadata.name).sort()).to.deep.equal(ps.map((p) => p.metadata.name).sort());
    // The pods still belong to the (now orphaned) ReplicaSet.
    for (const p of still) expect(p.metadata.ownerReferences?.[0]?.uid).to.equal(rs.metadata.uid);
  });
});
