// The scheduler (upstream pkg/scheduler): an API client that watches pods and nodes,
// takes pending pods one at a time from the scheduling queue, runs its profile's
// plugins to pick a node, assumes the pod onto that node in its cache and binds it
// through pods/binding in the background, so the next pod is scheduled while the
// binding is in flight. A pod that fits nowhere gets a FailedScheduling event and the
// PodScheduled=False condition, may preempt lower-priority pods, and waits in the queue
// for a cluster change.

import { Informer, type KObject } from '../client/informer.ts';
import { EventRecorder, referenceTo } from '../client/events.ts';
import { RestClient, isNotFound, resource, type ClientConfig } from '../client/rest.ts';
import { Cache } from './cache.ts';
import { Framework, type ProfilePlugins } from './framework/runtime.ts';
import { Code, CycleState, Status, type Handle, type Listers, type NodeInfo, type Pod, type Snapshot } from './framework/types.ts';
import { SchedulingQueue, podKey, type QueueOptions, type QueuedPodInfo } from './queue.ts';
import type { BindVolumes } from './plugins/volumebinding.ts';

export const DEFAULT_SCHEDULER_NAME = 'default-scheduler';
const MIN_FEASIBLE_NODES_TO_FIND = 100;
const MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND = 5;
/** How long the scheduling loop runs before yielding to I/O. */
const SLICE_MS = 8;

/** What a profile's plugins may ask of the scheduler (API writes, filters for dry runs). */
export interface SchedulerServices {
  bind(pod: Pod, nodeName: string): Promise<void>;
  deletePod(pod: Pod): Promise<void>;
  setNominatedNodeName(pod: Pod, nodeName: string): Promise<void>;
  /** VolumeBinding's PreBind writes: PVs claimed for the pod's claims, claims marked for provisioning on the node. */
  bindVolumes: BindVolumes;
  framework(): Framework;
}

export type ProfileBuilder = (handle: Handle, services: SchedulerServices) => ProfilePlugins;

export interface SchedulerOptions {
  client: RestClient | ClientConfig;
  /** schedulerName → plugins; default: one 'default-scheduler' profile of the default plugins. */
  profiles: Record<string, ProfileBuilder>;
  /** Percentage of nodes to find feasible before scoring (0: adaptive, as upstream). */
  percentageOfNodesToScore?: number;
  queue?: QueueOptions;
  onError?: (msg: string, err?: unknown) => void;
}

interface FitDiagnosis { numAllNodes: number; statuses: Map<string, Status>; preFilterMsg?: string; postFilterMsg?: string }

const pods = resource('pods');
const ANN_BOUND_BY_CONTROLLER = 'pv.kubernetes.io/bound-by-controller';
const ANN_SELECTED_NODE = 'volume.kubernetes.io/selected-node';
const isTerminal = (p: Pod) => p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed';
const nowTime = () => new Date().toISOString().replace(/\.\d+Z$/, 'Z');

/** FitError.Error(): "0/N nodes are available: <histogram of reasons>. <postfilter message>." */
export function fitErrorMessage(d: FitDiagnosis): string {
  let msg = `0/${d.numAllNodes} nodes are available:`;
  if (d.preFilterMsg) msg += ` ${d.preFilterMsg}.`;
  else {
    const counts = new Map<string, number>();
    for (const st of d.statuses.values()) for (const r of st.reasons) counts.set(r, (counts.get(r) ?? 0) + 1);
    const parts = [...counts].map(([r, n]) => `${n} ${r}`).sort();
    if (parts.length) msg += ` ${parts.join(', ')}.`;
  }
  if (d.postFilterMsg) msg += ` ${d.postFilterMsg}.`;
  return msg;
}

export class Scheduler {
  readonly client: RestClient;
  readonly cache = new Cache();
  readonly queue: SchedulingQueue;
  private readonly frameworks = new Map<string, Framework>();
  private readonly recorders = new Map<string, EventRecorder>();
  private readonly podInformer: Informer<KObject>;
  private readonly informers: Informer<KObject>[] = [];
  private readonly nsInformer: Informer<KObject>;
  private readonly pvcInformer: Informer<KObject>;
  private readonly pvInformer: Informer<KObject>;
  private readonly scInformer: Informer<KObject>;
  private currentSnapshot: Snapshot | undefined;
  private nextStartNodeIndex = 0;
  private running = false;
  private loop: Promise<void> | undefined;
  private readonly bindings = new Set<Promise<void>>();
  /** Scheduled pods per second and latencies are read by the benchmark. */
  readonly stats = { attempts: 0, scheduled: 0, failed: 0, bindErrors: 0 };

  constructor(private readonly opts: SchedulerOptions) {
    this.client = opts.client instanceof RestClient ? opts.client : new RestClient({ userAgent: 'skiff-scheduler', ...opts.client });
    this.queue = new SchedulingQueue(opts.queue);
    const onError = (e: Error) => this.opts.onError?.('informer', e);
    this.podInformer = new Informer<KObject>(this.client, pods, {}, onError);
    const nodeInformer = new Informer<KObject>(this.client, resource('nodes'), {}, onError);
    this.nsInformer = new Informer<KObject>(this.client, resource('namespaces'), {}, onError);
    this.pvcInformer = new Informer<KObject>(this.client, resource('persistentvolumeclaims'), {}, onError);
    this.pvInformer = new Informer<KObject>(this.client, resource('persistentvolumes'), {}, onError);
    this.scInformer = new Informer<KObject>(this.client, resource('storage.k8s.io/storageclasses'), {}, onError);
    this.informers.push(nodeInformer, this.podInformer, this.nsInformer, this.pvcInformer, this.pvInformer, this.scInformer);

    const handle: Handle = { snapshot: () => this.currentSnapshot ?? this.cache.snapshot(), listers: this.listers() };
    const services = this.services();
    for (const [name, build] of Object.entries(opts.profiles)) {
      this.frameworks.set(name, new Framework(name, build(handle, services)));
      this.recorders.set(name, new EventRecorder(this.client, name));
    }

    nodeInformer.addHandlers({
      add: (n) => { this.cache.addNode(n as never); this.queue.moveAllToActiveOrBackoff(); },
      update: (o, n) => { this.cache.updateNode(n as never); if (nodeSchedulingChanged(o, n)) this.queue.moveAllToActiveOrBackoff(); },
      delete: (n) => this.cache.removeNode(n as never),
    });
    this.podInformer.addHandlers({
      add: (o) => this.onPodAdd(o as Pod),
      update: (o, n) => this.onPodUpdate(o as Pod, n as Pod),
      delete: (o) => this.onPodDelete(o as Pod),
    });
    const move = () => this.queue.moveAllToActiveOrBackoff();
    for (const inf of [this.pvcInformer, this.pvInformer, this.scInformer, this.nsInformer]) inf.addHandlers({ add: move, update: move });
  }

  /** Starts the informers, waits for their first lists, then schedules until stop(). */
  async start(): Promise<void> {
    for (const inf of this.informers) inf.start();
    await Promise.all(this.informers.map((i) => i.synced));
    this.queue.run();
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.queue.close();
    await this.loop;
    await Promise.allSettled([...this.bindings]);
    await Promise.all(this.informers.map((i) => i.stop()));
    this.client.close();
  }

  private responsible(pod: Pod): boolean {
    return this.frameworks.has(pod.spec?.schedulerName ?? DEFAULT_SCHEDULER_NAME);
  }

  private onPodAdd(pod: Pod): void {
    if (pod.spec?.nodeName) {
      this.cache.addOrUpdatePod(pod);
      this.queue.moveAllToActiveOrBackoff();
    } else if (this.responsible(pod) && !isTerminal(pod)) this.queue.add(pod);
  }

  private onPodUpdate(old: Pod, pod: Pod): void {
    if (pod.spec?.nodeName) {
      if (!old.spec?.nodeName) this.queue.delete(pod);
      if (isTerminal(pod)) { this.cache.removePod(pod); this.queue.moveAllToActiveOrBackoff(); } else this.cache.addOrUpdatePod(pod);
      return;
    }
    if (!this.responsible(pod) || isTerminal(pod)) { this.queue.delete(pod); return; }
    this.queue.update(old, pod);
  }

  private onPodDelete(pod: Pod): void {
    if (pod.spec?.nodeName || this.cache.isAssumed(pod)) {
      this.cache.removePod(pod);
      this.queue.moveAllToActiveOrBackoff();
    } else this.queue.delete(pod);
  }

  private listers(): Listers {
    const obj = (inf: Informer<KObject>, key: string) => inf.get(key) as Record<string, unknown> | undefined;
    return {
      namespaceLabels: (name) => this.nsInformer.get(name)?.metadata.labels,
      pvc: (ns, name) => obj(this.pvcInformer, `${ns}/${name}`),
      pv: (name) => obj(this.pvInformer, name),
      storageClass: (name) => obj(this.scInformer, name),
      pvs: () => this.pvInformer.list() as Record<string, unknown>[],
    };
  }

  private services(): SchedulerServices {
    return {
      bind: async (pod, nodeName) => {
        await this.client.create(pods, pod.metadata?.namespace, {
          apiVersion: 'v1', kind: 'Binding',
          metadata: { name: pod.metadata?.name, namespace: pod.metadata?.namespace, uid: pod.metadata?.uid },
          target: { apiVersion: 'v1', kind: 'Node', name: nodeName },
        }, 'binding', pod.metadata?.name, { discardResponse: true });
      },
      deletePod: async (pod) => {
        try {
          await this.client.delete(pods, pod.metadata?.namespace, pod.metadata?.name ?? '', { kind: 'DeleteOptions', apiVersion: 'v1', preconditions: { uid: pod.metadata?.uid } });
        } catch (e) { if (!isNotFound(e)) throw e; }
      },
      setNominatedNodeName: async (pod, nodeName) => {
        await this.client.patch(pods, pod.metadata?.namespace, pod.metadata?.name ?? '', 'merge', { status: { nominatedNodeName: nodeName } }, { subresource: 'status' });
      },
      bindVolumes: async (_pod, nodeName, bindings, provisions) => {
        // upstream bindAPIUpdate: the PV controller completes what these writes start.
        for (const { pv, pvc } of bindings) {
          const live = (this.pvInformer.get(pv.metadata?.name ?? '') ?? pv) as typeof pv;
          const ref = live.spec?.claimRef;
          if (ref?.uid === pvc.metadata?.uid && ref?.name === pvc.metadata?.name && ref?.namespace === pvc.metadata?.namespace) continue;
          await this.client.update(resource('persistentvolumes'), undefined, live.metadata?.name ?? '', {
            ...live,
            metadata: { ...live.metadata, annotations: { ...live.metadata?.annotations, [ANN_BOUND_BY_CONTROLLER]: 'yes' } },
            spec: {
              ...live.spec,
              claimRef: { kind: 'PersistentVolumeClaim', apiVersion: 'v1', namespace: pvc.metadata?.namespace, name: pvc.metadata?.name, uid: pvc.metadata?.uid, resourceVersion: pvc.metadata?.resourceVersion },
            },
          });
        }
        for (const pvc of provisions) {
          if (pvc.metadata?.annotations?.[ANN_SELECTED_NODE] === nodeName) continue;
          await this.client.patch(resource('persistentvolumeclaims'), pvc.metadata?.namespace, pvc.metadata?.name ?? '', 'merge', {
            metadata: { uid: pvc.metadata?.uid, annotations: { [ANN_SELECTED_NODE]: nodeName } },
          });
        }
      },
      framework: () => this.frameworks.get(DEFAULT_SCHEDULER_NAME) ?? [...this.frameworks.values()][0],
    };
  }

  private async run(): Promise<void> {
    let sliceStart = performance.now();
    while (this.running) {
      const p = await this.queue.pop();
      if (!p || !this.running) break;
      try {
        await this.scheduleOne(p);
      } catch (e) {
        this.opts.onError?.(`scheduling ${p.key}`, e);
        this.queue.addUnschedulableIfNotPresent(p, new Set(), true);
      }
      // Schedule for up to a few milliseconds at a time, then let informer events and
      // binding responses in: one pod per event-loop turn would cap the rate at the
      // turn rate of a busy process.
      if (performance.now() - sliceStart > SLICE_MS) {
        await new Promise((r) => setImmediate(r));
        sliceStart = performance.now();
      }
    }
  }

  /** One scheduling cycle; the binding cycle continues in the background. */
  private async scheduleOne(p: QueuedPodInfo): Promise<void> {
    const live = this.podInformer.get(p.key) as Pod | undefined;
    if (!live || live.spec?.nodeName || live.metadata?.deletionTimestamp || this.cache.isAssumed(live)) { this.queue.done(p.key); return; }
    p.pod = live;
    const pod = live;
    const fwk = this.frameworks.get(pod.spec?.schedulerName ?? DEFAULT_SCHEDULER_NAME);
    if (!fwk) { this.queue.done(p.key); return; }
    this.stats.attempts++;
    const state = new CycleState();
    const snapshot = this.cache.snapshot();
    this.currentSnapshot = snapshot;
    const result = this.schedulePod(fwk, state, pod, snapshot);
    if (typeof result !== 'string') {
      await this.handleFailure(fwk, state, p, result);
      return;
    }
    const nodeName = result;
    const assumed: Pod = { ...pod, spec: { ...pod.spec!, nodeName } };
    this.cache.assumePod(assumed, nodeName);
    const rst = fwk.runReserve(state, assumed, nodeName);
    if (!rst.isSuccess()) {
      fwk.runUnreserve(state, assumed, nodeName);
      this.cache.forgetPod(assumed);
      await this.recordFailure(fwk, p, rst.message(), 'SchedulerError', new Set([rst.plugin]), true);
      return;
    }
    const binding = this.bindingCycle(fwk, state, p, assumed, nodeName);
    this.bindings.add(binding);
    void binding.finally(() => this.bindings.delete(binding));
  }

  private async bindingCycle(fwk: Framework, state: CycleState, p: QueuedPodInfo, assumed: Pod, nodeName: string): Promise<void> {
    let st = await fwk.runPreBind(state, assumed, nodeName).catch((e: Error) => Status.error(e.message));
    if (st.isSuccess()) st = await fwk.runBind(state, assumed, nodeName).catch((e: Error) => Status.error(e.message));
    if (st.isSuccess()) {
      this.stats.scheduled++;
      this.queue.done(p.key);
      this.recorders.get(fwk.profileName)?.event(referenceTo(assumed as KObject, 'Pod'), 'Normal', 'Scheduled',
        `Successfully assigned ${assumed.metadata?.namespace}/${assumed.metadata?.name} to ${nodeName}`);
      return;
    }
    this.stats.bindErrors++;
    fwk.runUnreserve(state, assumed, nodeName);
    this.cache.forgetPod(assumed);
    this.queue.moveAllToActiveOrBackoff();
    if (!this.podInformer.get(p.key)) { this.queue.done(p.key); return; }
    await this.recordFailure(fwk, p, `Binding rejected: ${st.message()}`, 'SchedulerError', new Set(), true);
  }

  /** numFeasibleNodesToFind: all of a small cluster, an adaptive share of a large one. */
  private numFeasibleNodesToFind(numAllNodes: number): number {
    if (numAllNodes < MIN_FEASIBLE_NODES_TO_FIND) return numAllNodes;
    let pct = this.opts.percentageOfNodesToScore ?? 0;
    if (pct === 0) pct = Math.max(MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND, 50 - Math.floor(numAllNodes / 125));
    return Math.max(MIN_FEASIBLE_NODES_TO_FIND, Math.floor((numAllNodes * pct) / 100));
  }

  /** Picks a node, or explains why none fits. */
  private schedulePod(fwk: Framework, state: CycleState, pod: Pod, snapshot: Snapshot): string | FitDiagnosis | Error {
    const all = snapshot.nodeInfos;
    if (all.length === 0) return new Error('no nodes available to schedule pods');
    const diag: FitDiagnosis = { numAllNodes: all.length, statuses: new Map() };
    const pre = fwk.runPreFilter(state, pod, all);
    if (!pre.status.isSuccess()) {
      if (!pre.status.isRejected()) return new Error(pre.status.message());
      for (const ni of all) diag.statuses.set(ni.name, pre.status);
      diag.preFilterMsg = pre.status.message();
      return diag;
    }
    // A nominated node (from an earlier preemption) is tried first.
    const nominated = pod.status?.nominatedNodeName;
    if (nominated) {
      const ni = snapshot.get(nominated);
      if (ni && fwk.runFilter(state, pod, ni).isSuccess()) return nominated;
    }
    let candidates: NodeInfo[] = all;
    if (pre.result?.nodeNames) {
      const names = pre.result.nodeNames;
      candidates = all.filter((n) => names.has(n.name));
      for (const ni of all) if (!names.has(ni.name)) diag.statuses.set(ni.name, Status.unresolvable(`node(s) didn't satisfy plugin(s) [${pre.status.plugin || 'PreFilter'}]`));
    }
    const want = candidates === all ? this.numFeasibleNodesToFind(all.length) : candidates.length;
    const feasible: NodeInfo[] = [];
    const n = candidates.length;
    const start = candidates === all ? this.nextStartNodeIndex % n : 0;
    let processed = 0;
    for (; processed < n && feasible.length < want; processed++) {
      const ni = candidates[(start + processed) % n];
      const st = fwk.runFilter(state, pod, ni);
      if (st.isSuccess()) feasible.push(ni);
      else if (!st.isRejected()) return new Error(st.message());
    }
    if (candidates === all) this.nextStartNodeIndex = (start + processed) % n;
    if (feasible.length === 0) {
      // Only a pod that fits nowhere needs each node's reason (the FailedScheduling message,
      // preemption): the filters are asked again rather than every node's answer kept for
      // the pods that do fit (most of them, turned down by most nodes under a spread).
      for (const ni of candidates) {
        const st = fwk.runFilter(state, pod, ni);
        if (st.isRejected()) diag.statuses.set(ni.name, st);
        else if (!st.isSuccess()) return new Error(st.message());
      }
      return diag;
    }
    if (feasible.length === 1) return feasible[0].name;
    const ps = fwk.runPreScore(state, pod, feasible);
    if (!ps.isSuccess()) return new Error(ps.message());
    const scores = fwk.runScore(state, pod, feasible);
    // selectHost: the best score, ties broken at random (reservoir sampling).
    let best = 0, ties = 1;
    for (let i = 1; i < scores.length; i++) {
      if (scores[i] > scores[best]) { best = i; ties = 1; }
      else if (scores[i] === scores[best] && Math.random() * ++ties < 1) best = i;
    }
    return feasible[best].name;
  }

  private async handleFailure(fwk: Framework, state: CycleState, p: QueuedPodInfo, result: FitDiagnosis | Error): Promise<void> {
    if (result instanceof Error) {
      this.stats.failed++;
      await this.recordFailure(fwk, p, result.message, 'SchedulerError', new Set(), true);
      return;
    }
    const rejectedBy = new Set<string>();
    for (const st of result.statuses.values()) if (st.plugin) rejectedBy.add(st.plugin);
    let nominated: string | undefined;
    if (fwk.postFilters.length > 0) {
      const pf = await fwk.runPostFilter(state, p.pod, result.statuses);
      if (pf.status.isSuccess()) nominated = pf.nominatedNodeName;
      else if (pf.status.reasons.length) result.postFilterMsg = pf.status.message();
    }
    this.stats.failed++;
    await this.recordFailure(fwk, p, fitErrorMessage(result), 'Unschedulable', rejectedBy, false, nominated);
  }

  /** handleSchedulingFailure: back to the queue, a FailedScheduling event, PodScheduled=False. */
  private async recordFailure(fwk: Framework, p: QueuedPodInfo, message: string, reason: string, rejectedBy: Set<string>, error: boolean, nominated?: string): Promise<void> {
    this.queue.addUnschedulableIfNotPresent(p, rejectedBy, error);
    const pod = this.podInformer.get(p.key) as Pod | undefined;
    if (!pod || pod.spec?.nodeName) return;
    this.recorders.get(fwk.profileName)?.event(referenceTo(pod as KObject, 'Pod'), 'Warning', 'FailedScheduling', message);
    const cond = pod.status?.conditions?.find((c) => c.type === 'PodScheduled');
    const sameCondition = cond?.status === 'False' && cond.reason === reason && cond.message === message;
    if (sameCondition && (nominated === undefined || pod.status?.nominatedNodeName === nominated)) return;
    const status: Record<string, unknown> = {
      conditions: [{ type: 'PodScheduled', status: 'False', reason, message, lastProbeTime: null, lastTransitionTime: cond?.status === 'False' ? cond.lastTransitionTime : nowTime() }],
    };
    if (nominated !== undefined) status.nominatedNodeName = nominated;
    try {
      await this.client.patch(pods, pod.metadata?.namespace, pod.metadata?.name ?? '', 'strategic', { status }, { subresource: 'status' });
    } catch (e) {
      if (!isNotFound(e)) this.opts.onError?.(`updating status of ${podKey(pod)}`, e);
    }
  }
}

/** Node changes that may let a pending pod fit (upstream's node update event hints, folded). */
function nodeSchedulingChanged(o: KObject, n: KObject): boolean {
  const a = o as { spec?: unknown; status?: { allocatable?: unknown; conditions?: { type: string; status: string }[] }; metadata: { labels?: unknown } };
  const b = n as typeof a;
  const ready = (x: typeof a) => x.status?.conditions?.find((c) => c.type === 'Ready')?.status;
  return JSON.stringify(a.spec) !== JSON.stringify(b.spec) || JSON.stringify(a.metadata.labels) !== JSON.stringify(b.metadata.labels)
    || JSON.stringify(a.status?.allocatable) !== JSON.stringify(b.status?.allocatable) || ready(a) !== ready(b);
}

export { Code };
