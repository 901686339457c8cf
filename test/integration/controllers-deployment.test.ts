// The Deployment controller (with the ReplicaSet controller) against an in-process Skiff with
// the scheduler and three simulated nodes, as upstream's deployment integration tests: a
// deployment becomes Available; a rolling update stays within maxSurge/maxUnavailable in every
// pod state a watch shows; rollback as kubectl does it restores the template and renumbers
// revisions; Recreate removes old pods before creating new ones; paused deployments wait;
// progressDeadlineSeconds; revisionHistoryLimit; proportional scaling mid-rollout.

import { expect } from 'chai';
import { startSkiff, type Skiff } from '../../src/index.ts';
import { RestClient, resource, resourcePath, withQuery } from '../../src/client/rest.ts';
import { watchStream, type WatchEvent } from '../../src/client/informer.ts';
import { newReplicaSetController } from '../../src/controllers/replicaset.ts';
import { newDeploymentController } from '../../src/controllers/deployment/controller.ts';
import { sleep, until } from '../helpers.ts';

const pods = resource('pods');
const replicasets = resource('apps/replicasets');
const deployments = resource('apps/deployments');
const events = resource('events');
const NS = 'default';

interface Condition { type: string; status: string; reason?: string; message?: string; lastUpdateTime?: string }
interface Dep {
  metadata: { name: string; uid: string; generation: number; annotations?: Record<string, string> };
  spec: { replicas: number; paused?: boolean; template: { metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> }; spec: { containers: { image: string }[] } } };
  status?: { observedGeneration?: number; replicas?: number; updatedReplicas?: number; readyReplicas?: number; availableReplicas?: number; unavailableReplicas?: number; conditions?: Condition[] };
}
interface RS {
  metadata: { name: string; uid: string; labels?: Record<string, string>; annotations?: Record<string, string>; ownerReferences?: { uid: string; controller?: boolean }[] };
  spec: { replicas: number; selector: { matchLabels: Record<string, string> }; template: { metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> }; spec: { containers: { image: string }[] } } };
  status?: { replicas?: number; availableReplicas?: number };
}
interface PodObj {
  metadata: { name: string; resourceVersion: string; labels?: Record<string, string>; deletionTimestamp?: string };
  status?: { phase?: string; conditions?: { type: string; status: string }[] };
}

const IMAGE = 'registry.local/pause:3.10';
const cond = (d: Dep, type: string) => d.status?.conditions?.find((c) => c.type === type);

describe('Deployment controller', function () {
  this.timeout(120_000);
  let skiff: Skiff;
  let client: RestClient;

  before(async () => {
    skiff = await startSkiff({
      scheduler: true, simNodes: { count: 3 },
      controllers: { names: ['replicaset', 'deployment'], factories: { replicaset: newReplicaSetController, deployment: newDeploymentController } },
    });
    await skiff.components;
    client = new RestClient({ server: skiff.url, ...skiff.credentials });
  });
  after(async () => {
    client?.close();
    await skiff?.close();
  });

  function deployment(name: string, replicas: number, spec: Record<string, unknown> = {}, podAnnotations: Record<string, string> = {}, image = IMAGE) {
    return {
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name },
      spec: {
        replicas, selector: { matchLabels: { app: name } },
        template: { metadata: { labels: { app: name }, annotations: podAnnotations }, spec: { containers: [{ name: 'c', image }] } },
        ...spec,
      },
    };
  }
  const getDep = (name: string) => client.get<Dep>(deployments, NS, name);
  const setImage = (name: string, image: string) => client.patch(deployments, NS, name, 'strategic', { spec: { template: { spec: { containers: [{ name: 'c', image }] } } } });
  /** The sets the deployment controls, as kubectl lists them (by selector, then controller UID). */
  async function setsOf(name: string): Promise<RS[]> {
    const d = await getDep(name);
    return (await client.list<RS>(replicasets, NS, { labelSelector: `app=${name}` })).items
      .filter((rs) => rs.metadata.ownerReferences?.some((r) => r.controller && r.uid === d.metadata.uid));
  }
  /** Rolled out: every desired replica updated and available, the Progressing condition says so. */
  const complete = (name: string, replicas: number) => until(`${name} rolled out`, async () => {
    const d = await getDep(name);
    const s = d.status ?? {};
    return s.observedGeneration === d.metadata.generation && s.updatedReplicas === replicas && s.replicas === replicas
      && s.availableReplicas === replicas && cond(d, 'Progressing')?.reason === 'NewReplicaSetAvailable' && d;
  });

  /** Watch the pods of app from now on; check(state) runs on every state the watch shows. */
  async function watchPods(app: string, check: (state: Map<string, PodObj>) => void) {
    const list = await client.list<PodObj>(pods, NS, { labelSelector: `app=${app}` });
    const state = new Map(list.items.map((p) => [p.metadata.name, p]));
    check(state);
    const signal: { aborted: boolean; onAbort?: () => void } = { aborted: false };
    let failure: unknown;
    const path = withQuery(resourcePath(pods, NS), { watch: 1, labelSelector: `app=${app}`, resourceVersion: list.metadata.resourceVersion });
    const done = watchStream<PodObj>(client, path, (ev: WatchEvent<PodObj>) => {
      if (ev.type === 'BOOKMARK' || ev.type === 'ERROR') return;
      if (ev.type === 'DELETED') state.delete(ev.object.metadata.name);
      else state.set(ev.object.metadata.name, ev.object);
      try { check(state); } catch (e) { failure ??= e; }
    }, signal).catch(() => undefined);
    return {
      async stop() {
        signal.aborted = true;
        signal.onAbort?.();
        await done;
        if (failure) throw failure;
      },
    };
  }
  const ready = (p: PodObj) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
  const live = (p: PodObj) => !p.metadata.deletionTimestamp && p.status?.phase !== 'Failed' && p.status?.phase !== 'Succeeded';

  it('rolls a new deployment out to Available, with a hashed ReplicaSet, revision 1 and a ScalingReplicaSet event', async () => {
    await client.create(deployments, NS, deployment('web', 3));
    const d = await complete('web', 3);
    expect(d.status).to.include({ replicas: 3, updatedReplicas: 3, readyReplicas: 3, availableReplicas: 3 });
    expect(cond(d, 'Available')).to.include({ status: 'True', reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.' });
    expect(d.metadata.annotations?.['deployment.kubernetes.io/revision']).to.equal('1');
    const [rs] = await setsOf('web');
    const hash = rs.metadata.labels?.['pod-template-hash'] as string;
    expect(rs.metadata.name).to.equal(`web-${hash}`);
    expect(cond(d, 'Progressing')).to.include({ status: 'True', message: `ReplicaSet "web-${hash}" has successfully progressed.` });
    expect(rs.spec.selector.matchLabels).to.deep.equal({ app: 'web', 'pod-template-hash': hash });
    expect(rs.spec.template.metadata?.labels).to.deep.equal({ app: 'web', 'pod-template-hash': hash });
    expect(rs.metadata.annotations).to.include({
      'deployment.kubernetes.io/revision': '1', 'deployment.kubernetes.io/desired-replicas': '3', 'deployment.kubernetes.io/max-replicas': '4',
    });
    const ps = (await client.list<PodObj>(pods, NS, { labelSelector: `app=web,pod-template-hash=${hash}` })).items;
    expect(ps.filter(ready)).to.have.length(3);
    await until('the ScalingReplicaSet event', async () => {
      const evs = (await client.list<{ reason: string; message: string; involvedObject: { kind: string; name: string } }>(events, NS)).items;
      return evs.some((e) => e.involvedObject.kind === 'Deployment' && e.involvedObject.name === 'web' && e.reason === 'ScalingReplicaSet'
        && e.message === `Scaled up replica set web-${hash} from 0 to 3`);
    });
  });

  it('a rolling update never has more than replicas + maxSurge pods nor fewer than replicas - maxUnavailable available', async () => {
    await client.create(deployments, NS, deployment('roll', 6, { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 2, maxUnavailable: 1 } } }));
    await complete('roll', 6);
    let states = 0, maxPods = 0, minAvailable = Infinity;
    const w = await watchPods('roll', (state) => {
      const running = [...state.values()].filter(live);
      const available = running.filter(ready).length;
      states++;
      maxPods = Math.max(maxPods, running.length);
      minAvailable = Math.min(minAvailable, available);
      expect(running.length, 'pods not terminating').to.be.at.most(8);
      expect(available, 'available pods').to.be.at.least(5);
    });
    await setImage('roll', 'registry.local/pause:3.11');
    await until('roll updated', async () => {
      const d = await getDep('roll');
      return d.metadata.annotations?.['deployment.kubernetes.io/revision'] === '2' && d;
    });
    await complete('roll', 6);
    await until('old pods gone', async () => (await client.list<PodObj>(pods, NS, { labelSelector: 'app=roll' })).items.length === 6);
    await w.stop();
    expect(states).to.be.greaterThan(12);
    expect(maxPods).to.be.greaterThan(6); // it did surge
    expect(minAvailable).to.be.at.least(5);
    const sets = await setsOf('roll');
    expect(sets.map((rs) => [rs.metadata.annotations?.['deployment.kubernetes.io/revision'], rs.spec.replicas]).sort()).to.deep.equal([['1', 0], ['2', 6]]);
  });

  it('rollback as kubectl does it restores the previous template and renumbers its revision', async () => {
    // kubectl rollout undo: the template of the previous revision's set (without its hash) and its annotations, as a JSON patch.
    const sets = await setsOf('roll');
    const previous = sets.find((rs) => rs.metadata.annotations?.['deployment.kubernetes.io/revision'] === '1') as RS;
    const template = structuredClone(previous.spec.template);
    delete template.metadata?.labels?.['pod-template-hash'];
    const annotations: Record<string, string> = {};
    const skip = ['kubectl.kubernetes.io/last-applied-configuration', 'deployment.kubernetes.io/revision', 'deployment.kubernetes.io/revision-history', 'deployment.kubernetes.io/desired-replicas', 'deployment.kubernetes.io/max-replicas', 'deprecated.deployment.rollback.to'];
    const d0 = await getDep('roll');
    for (const k of skip) if (d0.metadata.annotations?.[k] !== undefined) annotations[k] = d0.metadata.annotations[k];
    for (const [k, v] of Object.entries(previous.metadata.annotations ?? {})) if (!skip.includes(k)) annotations[k] = v;
    await client.patch(deployments, NS, 'roll', 'json', [
      { op: 'replace', path: '/spec/template', value: template },
      { op: 'replace', path: '/metadata/annotations', value: annotations },
    ]);
    const d = await until('rolled back to revision 3', async () => {
      const x = await getDep('roll');
      return x.metadata.annotations?.['deployment.kubernetes.io/revision'] === '3' && x;
    });
    expect(d.spec.template.spec.containers[0].image).to.equal(IMAGE);
    await complete('roll', 6);
    const after = await setsOf('roll');
    expect(after).to.have.length(2); // no new set: the old one is reused
    const back = after.find((rs) => rs.metadata.uid === previous.metadata.uid) as RS;
    expect(back.metadata.annotations).to.include({ 'deployment.kubernetes.io/revision': '3', 'deployment.kubernetes.io/revision-history': '1' });
    expect(back.spec.replicas).to.equal(6);
  });

  it('Recreate removes every old pod before it creates a new one', async () => {
    await client.create(deployments, NS, deployment('rec', 3, { strategy: { type: 'Recreate' } }));
    await complete('rec', 3);
    const [old] = await setsOf('rec');
    const oldHash = old.metadata.labels?.['pod-template-hash'];
    let sawNew = false;
    const w = await watchPods('rec', (state) => {
      const hashes = [...state.values()].map((p) => p.metadata.labels?.['pod-template-hash']);
      if (hashes.some((h) => h !== oldHash)) {
        sawNew = true;
        expect(hashes.filter((h) => h === oldHash), 'old pods while new ones exist').to.have.length(0);
      }
    });
    await setImage('rec', 'registry.local/pause:3.11');
    await until('rec updated', async () => (await getDep('rec')).metadata.annotations?.['deployment.kubernetes.io/revision'] === '2');
    await complete('rec', 3);
    await w.stop();
    expect(sawNew).to.equal(true);
  });

  it('a paused deployment does not roll out until resumed', async () => {
    await client.create(deployments, NS, deployment('pz', 2));
    await complete('pz', 2);
    await client.patch(deployments, NS, 'pz', 'merge', { spec: { paused: true } });
    await setImage('pz', 'registry.local/pause:3.11');
    const d = await until('the paused condition', async () => {
      const x = await getDep('pz');
      return x.status?.observedGeneration === x.metadata.generation && cond(x, 'Progressing')?.reason === 'DeploymentPaused' && x;
    });
    expect(cond(d, 'Progressing')).to.include({ status: 'Unknown', message: 'Deployment is paused' });
    await sleep(1500);
    expect(await setsOf('pz')).to.have.length(1);
    expect((await getDep('pz')).status?.updatedReplicas ?? 0, 'updated replicas while paused').to.equal(0);
    await client.patch(deployments, NS, 'pz', 'merge', { spec: { paused: false } });
    await complete('pz', 2);
    const sets = await setsOf('pz');
    expect(sets).to.have.length(2);
    expect(sets.find((rs) => rs.spec.replicas === 2)?.spec.template.spec.containers[0].image).to.equal('registry.local/pause:3.11');
  });

  it('progressDeadlineSeconds without progress gives Progressing=False ProgressDeadlineExceeded', async () => {
    await client.create(deployments, NS, deployment('stuck', 2, { progressDeadlineSeconds: 2 }, { 'sim.skiff.dev/start-error': 'never starts' }));
    const d = await until('the deadline', async () => {
      const x = await getDep('stuck');
      return cond(x, 'Progressing')?.reason === 'ProgressDeadlineExceeded' && x;
    });
    const [rs] = await setsOf('stuck');
    expect(cond(d, 'Progressing')).to.include({ status: 'False', message: `ReplicaSet "${rs.metadata.name}" has timed out progressing.` });
    expect(cond(d, 'Available')).to.include({ status: 'False', reason: 'MinimumReplicasUnavailable' });
  });

  it('revisionHistoryLimit deletes the oldest scaled-down ReplicaSets', async () => {
    await client.create(deployments, NS, deployment('hist', 1, { revisionHistoryLimit: 1 }));
    await complete('hist', 1);
    for (const tag of ['3.11', '3.12', '3.13']) {
      await setImage('hist', `registry.local/pause:${tag}`);
      await until(`hist at ${tag}`, async () => {
        const x = await getDep('hist');
        return x.status?.observedGeneration === x.metadata.generation && x.status?.updatedReplicas === 1 && cond(x, 'Progressing')?.reason === 'NewReplicaSetAvailable';
      });
    }
    const sets = await until('two sets left', async () => { const s = await setsOf('hist'); return s.length === 2 && s; });
    expect(sets.map((rs) => rs.metadata.annotations?.['deployment.kubernetes.io/revision']).sort()).to.deep.equal(['3', '4']);
  });

  it('scaling mid-rollout spreads the change over the ReplicaSets in proportion', async () => {
    await client.create(deployments, NS, deployment('prop', 10, { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 3, maxUnavailable: 2 } } }));
    await complete('prop', 10);
    // A template whose pods never become ready: the rollout stops at 8 old and 5 new (13 = 10 + maxSurge).
    await client.patch(deployments, NS, 'prop', 'strategic', { spec: { template: { metadata: { annotations: { 'sim.skiff.dev/start-error': 'never starts' } } } } });
    const sizes = async () => {
      const sets = await setsOf('prop');
      const byRev = (r: string) => sets.find((rs) => rs.metadata.annotations?.['deployment.kubernetes.io/revision'] === r)?.spec.replicas;
      return { old: byRev('1'), new: byRev('2') };
    };
    await until('the rollout stuck at 8 + 5', async () => { const s = await sizes(); return s.old === 8 && s.new === 5; });
    await client.patch(deployments, NS, 'prop', 'merge', { spec: { replicas: 15 } }, { subresource: 'scale' });
    // 18 = 15 + maxSurge shared as 8 * 18/13 ≈ 11 and 5 * 18/13 ≈ 7 (upstream's documented example).
    await until('old 11, new 7', async () => { const s = await sizes(); return s.old === 11 && s.new === 7; });
    const d = await until('the scale observed', async () => { const x = await getDep('prop'); return x.status?.observedGeneration === x.metadata.generation && x; });
    expect(d.spec.replicas).to.equal(15);
  });
});
