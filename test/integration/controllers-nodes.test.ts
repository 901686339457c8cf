// Node failure handling against an in-process Skiff with three simulated nodes: the node
// lifecycle controller (upstream nodelifecycle), the taint eviction controller (upstream
// tainteviction, the "taint manager") and pod GC (upstream podgc), with short configured
// periods. The agents are started here with a fast Lease renewal so that a 3 s grace period
// tells a stopped node from a live one.

import { expect } from 'chai';
import { startSkiff, type Skiff } from '../../src/index.ts';
import { RestClient, resource, resourcePath, withQuery, isNotFound } from '../../src/client/rest.ts';
import { watchStream } from '../../src/client/informer.ts';
import { startSimNodes, type SimNodes } from '../../src/agent/index.ts';
import { newNodeLifecycleController } from '../../src/controllers/nodelifecycle.ts';
import { newTaintEvictionController } from '../../src/controllers/tainteviction.ts';
import { podGCControllerFactory } from '../../src/controllers/podgc.ts';
import { sleep, until } from '../helpers.ts';

const pods = resource('pods');
const nodes = resource('nodes');
const events = resource('events');
const NS = 'default';

interface Taint { key: string; value?: string; effect: string; timeAdded?: string }
interface Condition { type: string; status: string; reason?: string; message?: string }
interface NodeObj { metadata: { name: string; resourceVersion?: string }; spec?: { taints?: Taint[] }; status?: { conditions?: Condition[] } }
interface Toleration { key?: string; operator?: string; effect?: string; tolerationSeconds?: number }
interface PodObj {
  metadata: { name: string; deletionTimestamp?: string; uid: string };
  spec: { nodeName?: string; tolerations?: Toleration[] };
  status?: { phase?: string; conditions?: Condition[] };
}
interface EventObj { reason: string; message: string; type: string; involvedObject: { kind: string; name: string }; source?: { component?: string } }

const AGENT_TIMINGS = { renewIntervalMs: 500, nodeStatusCheckMs: 1000, recordEvents: false };

describe('Node lifecycle, taint eviction and pod GC', function () {
  this.timeout(120_000);
  let skiff: Skiff;
  let client: RestClient;
  let sims: SimNodes;
  const extra: SimNodes[] = [];

  before(async () => {
    skiff = await startSkiff({
      scheduler: true,
      controllers: {
        names: ['node-lifecycle', 'taint-eviction-controller', 'pod-garbage-collector'],
        factories: {
          'node-lifecycle': newNodeLifecycleController,
          'taint-eviction-controller': newTaintEvictionController,
          'pod-garbage-collector': podGCControllerFactory({ gcCheckPeriodMs: 500, quarantineMs: 1000 }),
        },
        options: { nodeMonitorGracePeriodMs: 3000, nodeMonitorPeriodMs: 500, terminatedPodGCThreshold: 2 },
      },
    });
    await skiff.controllerManager?.leading;
    const config = { server: skiff.url, ...skiff.credentials };
    sims = await startSimNodes({ config, count: 3, namePrefix: 'node-', dataDir: skiff.dataDir, ...AGENT_TIMINGS });
    client = new RestClient(config);
  });
  after(async () => {
    for (const s of extra) await s.stop();
    await sims?.stop();
    client?.close();
    await skiff?.close();
  });

  const getNode = (name: string) => client.get<NodeObj>(nodes, undefined, name);
  const getPod = (name: string) => client.get<PodObj>(pods, NS, name);
  const condition = (o: { status?: { conditions?: Condition[] } }, type: string) => o.status?.conditions?.find((c) => c.type === type);
  const gone = async (name: string) => { try { await getPod(name); return false; } catch (e) { return isNotFound(e); } };
  const evicted = async (name: string) => (await gone(name)) || !!(await getPod(name)).metadata.deletionTimestamp;

  async function runPod(name: string, nodeName: string, tolerations?: Toleration[], annotations?: Record<string, string>, restartPolicy?: string) {
    await client.create(pods, NS, {
      metadata: { name, annotations },
      spec: { nodeName, tolerations, restartPolicy, containers: [{ name: 'c', image: 'registry.local/pause:3.10' }] },
    });
  }
  const running = (name: string) => until(`${name} running`, async () => (await getPod(name)).status?.phase === 'Running');
  const podEvents = async (name: string) => (await client.list<EventObj>(events, NS)).items.filter((e) => e.involvedObject.kind === 'Pod' && e.involvedObject.name === name);

  it('keeps live nodes Ready and untainted, and reports them registered', async () => {
    await until('RegisteredNode events', async () => {
      const evs = (await client.list<EventObj>(events, NS)).items.filter((e) => e.reason === 'RegisteredNode');
      return evs.length >= 3 && evs;
    });
    await sleep(4000); // more than the grace period: live nodes' Leases keep them healthy
    for (const n of ['node-0', 'node-1', 'node-2']) {
      const node = await getNode(n);
      expect(condition(node, 'Ready')?.status, n).to.equal('True');
      expect(node.spec?.taints ?? [], n).to.deep.equal([]);
    }
  });

  it('evicts pods that do not tolerate a NoExecute taint a user added, at once; tolerating pods stay, bounded ones until their time', async () => {
    await runPod('plain', 'node-0');
    await runPod('tolerant', 'node-0', [{ key: 'example.com/maintenance', operator: 'Exists', effect: 'NoExecute' }]);
    await runPod('brief', 'node-0', [{ key: 'example.com/maintenance', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 2 }]);
    for (const p of ['plain', 'tolerant', 'brief']) await running(p);

    const node = await getNode('node-0');
    await client.patch(nodes, undefined, 'node-0', 'merge', { spec: { taints: [...(node.spec?.taints ?? []), { key: 'example.com/maintenance', value: 'now', effect: 'NoExecute' }] } });

    await until('plain evicted', () => evicted('plain'));
    await until('brief evicted after its 2 s', () => evicted('brief'));
    const tolerant = await getPod('tolerant');
    expect(tolerant.metadata.deletionTimestamp).to.equal(undefined);
    const evs = await until('TaintManagerEviction events', async () => { const e = await podEvents('plain'); return e.length > 0 && e; });
    expect(evs[0]).to.include({ reason: 'TaintManagerEviction', type: 'Normal', message: 'Marking for deletion Pod default/plain' });
    expect(evs[0].source?.component).to.equal('taint-eviction-controller');

    // The taint goes: nothing else is evicted.
    await client.patch(nodes, undefined, 'node-0', 'merge', { spec: { taints: null } });
    await until('plain and brief gone', async () => (await gone('plain')) && (await gone('brief')));
    expect((await getPod('tolerant')).metadata.deletionTimestamp).to.equal(undefined);
    await client.delete(pods, NS, 'tolerant');
  });

  it('turns a node whose Lease stops Ready=Unknown, taints it unreachable, marks its pods not ready and evicts them after their tolerationSeconds', async () => {
    const tolerate = (seconds: number): Toleration[] => [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: seconds }];
    await runPod('at-once', 'node-2', tolerate(0));
    await runPod('after-3s', 'node-2', tolerate(3));
    await runPod('patient', 'node-2', tolerate(3600));
    await runPod('defaulted', 'node-2');
    for (const p of ['at-once', 'after-3s', 'patient', 'defaulted']) {
      await until(`${p} ready`, async () => condition(await getPod(p), 'Ready')?.status === 'True');
    }

    await sims.agents[2].stop();

    const node = await until('node-2 Ready=Unknown', async () => { const n = await getNode('node-2'); return condition(n, 'Ready')?.status === 'Unknown' && n; });
    expect(condition(node, 'Ready')).to.include({ reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.' });
    for (const t of ['MemoryPressure', 'DiskPressure', 'PIDPressure']) expect(condition(node, t)?.status, t).to.equal('Unknown');

    const tainted = await until('the unreachable taints', async () => {
      const n = await getNode('node-2');
      const keys = (n.spec?.taints ?? []).map((t) => `${t.key}:${t.effect}`);
      return keys.includes('node.kubernetes.io/unreachable:NoExecute') && keys.includes('node.kubernetes.io/unreachable:NoSchedule') && n;
    });
    const noExecute = tainted.spec?.taints?.find((t) => t.effect === 'NoExecute');
    expect(noExecute?.timeAdded).to.be.a('string');

    await until('patient pod marked not ready', async () => condition(await getPod('patient'), 'Ready')?.status === 'False');
    const ev = await until('NodeNotReady event', async () => (await client.list<EventObj>(events, NS)).items.find((e) => e.reason === 'NodeNotReady' && e.involvedObject.kind === 'Node' && e.involvedObject.name === 'node-2'));
    expect(ev.message).to.equal('Node node-2 status is now: NodeNotReady');

    // Evicted pods stay Terminating: nothing on the dead node confirms their end.
    const first = await until('at-once evicted', async () => { const p = await getPod('at-once'); return p.metadata.deletionTimestamp ? p : undefined; });
    expect(condition(first, 'DisruptionTarget')).to.include({ status: 'True', reason: 'DeletionByTaintManager', message: 'Taint manager: deleting due to NoExecute taint' });
    await until('after-3s evicted', async () => !!(await getPod('after-3s')).metadata.deletionTimestamp);
    expect((await getPod('patient')).metadata.deletionTimestamp).to.equal(undefined);
    // DefaultTolerationSeconds admission gave it 300 s for unreachable (and not-ready).
    const defaulted = await getPod('defaulted');
    expect(defaulted.spec.tolerations).to.deep.include({ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 });
    expect(defaulted.metadata.deletionTimestamp).to.equal(undefined);
  });

  it('removes the taints when the node is back, and its agent finishes the evicted pods', async () => {
    const config = { server: skiff.url, ...skiff.credentials };
    extra.push(await startSimNodes({ config, count: 1, firstIndex: 2, namePrefix: 'node-', dataDir: skiff.dataDir, ...AGENT_TIMINGS }));
    await until('node-2 Ready and untainted', async () => {
      const n = await getNode('node-2');
      return condition(n, 'Ready')?.status === 'True' && !(n.spec?.taints ?? []).some((t) => t.key.startsWith('node.kubernetes.io/'));
    });
    await until('evicted pods gone', async () => (await gone('at-once')) && (await gone('after-3s')));
    expect((await getPod('patient')).metadata.deletionTimestamp).to.equal(undefined);
    for (const p of ['patient', 'defaulted']) await client.delete(pods, NS, p);
  });

  it('taints a cordoned node node.kubernetes.io/unschedulable:NoSchedule, and untaints it when uncordoned', async () => {
    const keys = async () => ((await getNode('node-1')).spec?.taints ?? []).map((t) => `${t.key}:${t.effect}`);
    await client.patch(nodes, undefined, 'node-1', 'merge', { spec: { unschedulable: true } });
    await until('the unschedulable taint', async () => (await keys()).includes('node.kubernetes.io/unschedulable:NoSchedule'));
    await client.patch(nodes, undefined, 'node-1', 'merge', { spec: { unschedulable: null } });
    await until('no unschedulable taint', async () => !(await keys()).includes('node.kubernetes.io/unschedulable:NoSchedule'));
  });

  it('pod GC deletes pods bound to a node that does not exist, marking them Failed', async () => {
    const seen: PodObj[] = [];
    const signal: { aborted: boolean; onAbort?: () => void } = { aborted: false };
    const watching = watchStream<PodObj>(client, withQuery(resourcePath(pods, NS), { watch: 1, fieldSelector: 'metadata.name=orphan' }), (e) => { seen.push(e.object); }, signal);
    try {
      await client.create(pods, NS, { metadata: { name: 'orphan' }, spec: { nodeName: 'no-such-node', containers: [{ name: 'c', image: 'registry.local/pause:3.10' }] } });
      await until('orphan gone', () => gone('orphan'));
    } finally {
      signal.aborted = true;
      signal.onAbort?.();
      await watching.catch(() => undefined);
    }
    const failed = seen.find((p) => p.status?.phase === 'Failed');
    expect(failed, 'a Failed version of the pod before its deletion').to.not.equal(undefined);
    expect(condition(failed!, 'DisruptionTarget')).to.include({ status: 'True', reason: 'DeletionByPodGC', message: 'PodGC: node no longer exists' });
  });

  it('pod GC deletes the oldest terminated pods beyond the threshold', async () => {
    const names = ['done-a', 'done-b', 'done-c', 'done-d'];
    for (const n of names) await runPod(n, 'node-1', undefined, { 'sim.skiff.dev/exit-after': '50ms' }, 'Never');
    await until('two oldest terminated pods deleted', async () => (await gone('done-a')) && (await gone('done-b')));
    for (const n of ['done-c', 'done-d']) expect((await getPod(n)).status?.phase, n).to.equal('Succeeded');
  });
});
