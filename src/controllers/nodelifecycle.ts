// The node lifecycle controller (upstream pkg/controller/nodelifecycle): watches each node's
// heartbeats — its Lease in kube-node-lease and its Ready condition's lastHeartbeatTime — and
// when neither moved for the grace period (40 s by default) sets the node's Ready, memory,
// disk and PID conditions to Unknown, marks its pods not ready, and taints it
// `node.kubernetes.io/unreachable:NoExecute` (or `not-ready` for Ready=False), a node at a time
// per zone and rate-limited, so that the taint eviction controller moves its pods away. The
// taints go when the node is Ready again. NoSchedule taints mirror the node's conditions and
// spec.unschedulable. When every node of every zone is down the controller assumes the
// problem is its own (a partition of the control plane) and evicts nothing.

import type { KObject } from '../client/informer.ts';
import { objectKey } from '../client/informer.ts';
import { isConflict, isNotFound, resource } from '../client/rest.ts';
import type { EventRecorder, ObjectReference } from '../client/events.ts';
import { Controller, type ControllerContext } from './framework/controller.ts';
import type { SharedInformer } from './framework/informers.ts';
import {
  metaTime, nodeCondition, swapNodeTaints, taintExists, matchTaint,
  TAINT_NODE_NOT_READY, TAINT_NODE_UNREACHABLE, TAINT_NODE_UNSCHEDULABLE,
  type Node, type NodeCondition, type Pod, type Taint,
} from './nodetaints.ts';
import type { ControllerFactory } from './registry.ts';

const nodesResource = resource('nodes');
const podsResource = resource('pods');

export const DEFAULT_NODE_MONITOR_GRACE_PERIOD_MS = 40_000;
export const DEFAULT_NODE_MONITOR_PERIOD_MS = 5_000;
/** Grace for a node that never posted a Ready condition (upstream --node-startup-grace-period). */
const NODE_STARTUP_GRACE_PERIOD_MS = 60_000;
/** Nodes tainted per second in a healthy zone (--node-eviction-rate), a partly disrupted large one (--secondary-node-eviction-rate). */
const EVICTION_QPS = 0.1;
const SECONDARY_EVICTION_QPS = 0.01;
/** Zones of at most this many nodes stop evicting when partly disrupted (--large-cluster-size-threshold). */
const LARGE_CLUSTER_THRESHOLD = 50;
/** Share of not-ready nodes that makes a zone partly disrupted (--unhealthy-zone-threshold). */
const UNHEALTHY_ZONE_THRESHOLD = 0.55;
/** How often the NoExecute tainting queue is looked at (upstream NodeEvictionPeriod). */
const TAINTING_PERIOD_MS = 100;
const NODE_UPDATE_WORKERS = 8;
/** Nodes with this label are left out of the zone disruption count. */
const LABEL_EXCLUDE_DISRUPTION = 'node.kubernetes.io/exclude-disruption';

const UNREACHABLE_NO_EXECUTE: Taint = { key: TAINT_NODE_UNREACHABLE, effect: 'NoExecute' };
const NOT_READY_NO_EXECUTE: Taint = { key: TAINT_NODE_NOT_READY, effect: 'NoExecute' };

/** Node condition status → the NoSchedule taint it implies (upstream nodeConditionToTaintKeyStatusMap). */
const CONDITION_TAINTS: Record<string, Record<string, string>> = {
  Ready: { False: TAINT_NODE_NOT_READY, Unknown: TAINT_NODE_UNREACHABLE },
  MemoryPressure: { True: 'node.kubernetes.io/memory-pressure' },
  DiskPressure: { True: 'node.kubernetes.io/disk-pressure' },
  NetworkUnavailable: { True: 'node.kubernetes.io/network-unavailable' },
  PIDPressure: { True: 'node.kubernetes.io/pid-pressure' },
};
const CONDITION_TAINT_KEYS = new Set(Object.values(CONDITION_TAINTS).flatMap((m) => Object.values(m)));

/** The conditions the kubelet owns and the controller turns Unknown when it goes silent. */
const KUBELET_CONDITIONS = ['Ready', 'MemoryPressure', 'DiskPressure', 'PIDPressure'];

type ZoneState = 'Initial' | 'Normal' | 'PartialDisruption' | 'FullDisruption';

interface Lease extends KObject { spec?: { renewTime?: string } }

/** What the controller last saw of a node's heartbeats (upstream nodeHealthData). */
interface NodeHealth {
  probeTimestamp: number;
  readyTransitionTimestamp: number;
  ready?: NodeCondition;
  leaseRenewTime?: string;
}

/** A token bucket of burst 1; qps 0 refuses everything. */
class RateLimiter {
  private tokens = 1;
  private last = Date.now();
  constructor(readonly qps: number) {}

  tryAccept(): boolean {
    if (this.qps <= 0) return false;
    const now = Date.now();
    this.tokens = Math.min(1, this.tokens + ((now - this.last) / 1000) * this.qps);
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  get hasToken(): boolean { return this.qps > 0 && this.tokens >= 1; }
}

/** Nodes waiting for a NoExecute taint in one zone, released at the zone's rate (upstream RateLimitedTimedQueue). */
class ZoneTainter {
  /** node name → earliest time to try it. */
  readonly queue = new Map<string, number>();
  limiter = new RateLimiter(EVICTION_QPS);

  swapLimiter(qps: number): void {
    if (this.limiter.qps === qps) return;
    const next = new RateLimiter(qps);
    // A limiter that was waiting for its token hands the wait on rather than a fresh token.
    if (!this.limiter.hasToken) next.tryAccept();
    this.limiter = next;
  }
}

/** Upstream GetZoneKey: region and zone labels, "" when the node has neither. */
function zoneKey(node: Node): string {
  const l = node.metadata.labels ?? {};
  const region = l['topology.kubernetes.io/region'] ?? l['failure-domain.beta.kubernetes.io/region'] ?? '';
  const zone = l['topology.kubernetes.io/zone'] ?? l['failure-domain.beta.kubernetes.io/zone'] ?? '';
  return region === '' && zone === '' ? '' : `${region}:\0:${zone}`;
}

/** Upstream ComputeZoneState: how many of the zone's nodes are not ready, and what that makes the zone. */
function computeZoneState(conditions: (NodeCondition | undefined)[]): [number, ZoneState] {
  const notReady = conditions.filter((c) => c?.status !== 'True').length;
  if (notReady > 0 && notReady === conditions.length) return [notReady, 'FullDisruption'];
  if (notReady > 2 && notReady / conditions.length >= UNHEALTHY_ZONE_THRESHOLD) return [notReady, 'PartialDisruption'];
  return [notReady, 'Normal'];
}

const MONITOR = 'monitor';
const TAINTING = 'tainting';
const NODE_PREFIX = 'node:';
const POD_PREFIX = 'pod:';

const sameCondition = (a: NodeCondition | undefined, b: NodeCondition | undefined): boolean => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

export class NodeLifecycleController extends Controller {
  private readonly nodes: SharedInformer<Node>;
  private readonly leases: SharedInformer<Lease>;
  private readonly pods: SharedInformer<Pod>;
  private readonly recorder: EventRecorder;
  private readonly gracePeriodMs: number;
  private readonly monitorPeriodMs: number;
  private readonly health = new Map<string, NodeHealth>();
  private readonly known = new Map<string, Node>();
  private readonly zoneStates = new Map<string, ZoneState>();
  private readonly tainters = new Map<string, ZoneTainter>();
  private readonly nodesToRetry = new Set<string>();

  constructor(ctx: ControllerContext) {
    super('node-lifecycle', ctx, 4);
    this.gracePeriodMs = ctx.options.nodeMonitorGracePeriodMs ?? DEFAULT_NODE_MONITOR_GRACE_PERIOD_MS;
    this.monitorPeriodMs = ctx.options.nodeMonitorPeriodMs ?? DEFAULT_NODE_MONITOR_PERIOD_MS;
    this.recorder = ctx.recorder('node-controller');
    this.nodes = ctx.informers.for<Node>('nodes');
    this.leases = ctx.informers.for<Lease>('coordination.k8s.io/leases');
    this.pods = ctx.informers.for<Pod>('pods').addIndex('nodeName', podNodeName);
    this.nodes.addHandlers({
      add: (n) => this.queue.add(NODE_PREFIX + n.metadata.name),
      update: (_old, n) => this.queue.add(NODE_PREFIX + n.metadata.name),
      delete: (n) => this.nodesToRetry.delete(n.metadata.name),
    });
    // A pod newly bound to a node that is not ready is marked not ready too.
    this.pods.addHandlers({
      add: (p) => { if (p.spec?.nodeName) this.queue.add(POD_PREFIX + objectKey(p)); },
      update: (old, p) => { if (p.spec?.nodeName && p.spec.nodeName !== old.spec?.nodeName) this.queue.add(POD_PREFIX + objectKey(p)); },
    });
  }

  override run(): void {
    super.run();
    this.queue.add(MONITOR);
  }

  protected async sync(key: string): Promise<void> {
    if (key === MONITOR) {
      try {
        await this.monitorNodeHealth();
      } finally {
        this.queue.addAfter(MONITOR, this.monitorPeriodMs);
      }
    } else if (key === TAINTING) {
      await this.doNoExecuteTaintingPass();
    } else if (key.startsWith(NODE_PREFIX)) {
      await this.doNoScheduleTaintingPass(key.slice(NODE_PREFIX.length));
    } else if (key.startsWith(POD_PREFIX)) {
      await this.processPod(key.slice(POD_PREFIX.length));
    }
  }

  // --- health ---------------------------------------------------------------------------------

  private async monitorNodeHealth(): Promise<void> {
    const nodes = this.nodes.list();
    const names = new Set(nodes.map((n) => n.metadata.name));
    for (const node of nodes) {
      const zone = zoneKey(node);
      if (!this.tainters.has(zone)) {
        this.tainters.set(zone, new ZoneTainter());
        this.zoneStates.set(zone, 'Initial');
      }
      if (this.known.has(node.metadata.name)) continue;
      this.known.set(node.metadata.name, node);
      this.nodeEvent(node, 'RegisteredNode', `Node ${node.metadata.name} event: Registered Node ${node.metadata.name} in Controller`);
      await this.markNodeAsReachable(node).catch((e: unknown) => this.warn(`removing NoExecute taints from ${node.metadata.name}`, e));
    }
    for (const [name, node] of this.known) {
      if (names.has(name)) continue;
      this.nodeEvent(node, 'RemovingNode', `Node ${name} event: Removing Node ${name} from Controller`);
      this.known.delete(name);
      this.health.delete(name);
      for (const t of this.tainters.values()) t.queue.delete(name);
    }

    const zoneConditions = new Map<string, (NodeCondition | undefined)[]>();
    let next = 0;
    const worker = async () => {
      while (next < nodes.length) {
        const node = nodes[next++];
        try {
          await this.updateNode(node, zoneConditions);
        } catch (e) {
          this.warn(`updating the health of node ${node.metadata.name}`, e);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(NODE_UPDATE_WORKERS, nodes.length) }, worker));
    await this.handleDisruption(zoneConditions, nodes);
    if ([...this.tainters.values()].some((t) => t.queue.size > 0)) this.queue.add(TAINTING);
  }

  private async updateNode(cached: Node, zoneConditions: Map<string, (NodeCondition | undefined)[]>): Promise<void> {
    let node = cached;
    let result: { node: Node; observed: NodeCondition; current: NodeCondition | undefined } | undefined;
    for (let attempt = 0; !result; attempt++) {
      try {
        result = await this.tryUpdateNodeHealth(node);
      } catch (e) {
        if (!isConflict(e) || attempt >= 4) throw e;
        node = await this.ctx.client.get<Node>(nodesResource, undefined, node.metadata.name);
      }
    }
    node = result.node;
    const { observed, current } = result;
    if (node.metadata.labels?.[LABEL_EXCLUDE_DISRUPTION] === undefined) {
      const zone = zoneKey(node);
      const list = zoneConditions.get(zone) ?? [];
      list.push(current);
      zoneConditions.set(zone, list);
    }
    if (!current) return;
    await this.processTaintBasedEviction(node, current);
    const name = node.metadata.name;
    const wentDown = current.status !== 'True' && observed.status === 'True';
    if (wentDown) this.nodeEvent(node, 'NodeNotReady', `Node ${name} status is now: NodeNotReady`);
    if (wentDown || (this.nodesToRetry.has(name) && observed.status !== 'True')) {
      try {
        await this.markPodsNotReady(this.pods.byIndex('nodeName', name), name);
      } catch (e) {
        this.nodesToRetry.add(name);
        throw e;
      }
    }
    this.nodesToRetry.delete(name);
  }

  /**
   * Compares the node's heartbeats with what was last seen; when none moved for the grace
   * period, writes its kubelet conditions as Unknown. Returns the Ready condition as observed
   * before and as it is now.
   */
  private async tryUpdateNodeHealth(node: Node): Promise<{ node: Node; observed: NodeCondition; current: NodeCondition | undefined }> {
    const name = node.metadata.name;
    const now = Date.now();
    const created = Date.parse(node.metadata.creationTimestamp ?? '') || now;
    const saved = this.health.get(name);
    const ready = nodeCondition(node, 'Ready');
    let observed: NodeCondition;
    let grace: number;
    let health: NodeHealth;
    if (!ready) {
      // Never posted: measured from the node's creation, with the longer startup grace.
      observed = { type: 'Ready', status: 'Unknown', lastHeartbeatTime: node.metadata.creationTimestamp, lastTransitionTime: node.metadata.creationTimestamp };
      grace = NODE_STARTUP_GRACE_PERIOD_MS;
      health = saved ? { ...saved, ready: undefined } : { probeTimestamp: created, readyTransitionTimestamp: created };
    } else {
      observed = { ...ready };
      grace = this.gracePeriodMs;
      if (!saved || !saved.ready) {
        health = { probeTimestamp: now, readyTransitionTimestamp: now, ready: { ...ready }, leaseRenewTime: saved?.leaseRenewTime };
      } else if (saved.ready.lastHeartbeatTime !== ready.lastHeartbeatTime) {
        const transition = saved.ready.lastTransitionTime !== ready.lastTransitionTime ? now : saved.readyTransitionTimestamp;
        health = { probeTimestamp: now, readyTransitionTimestamp: transition, ready: { ...ready }, leaseRenewTime: saved.leaseRenewTime };
      } else {
        health = { ...saved };
      }
    }
    // A renewed Lease is a heartbeat too (the kubelet renews it far more often than it posts status).
    const lease = this.leases.get('kube-node-lease', name);
    const renewed = lease?.spec?.renewTime;
    if (renewed && (!health.leaseRenewTime || Date.parse(health.leaseRenewTime) < Date.parse(renewed))) {
      health.leaseRenewTime = renewed;
      health.probeTimestamp = now;
    }
    this.health.set(name, health);

    if (now <= health.probeTimestamp + grace) return { node, observed, current: ready };
    const stamp = metaTime(now);
    const conditions = (node.status?.conditions ?? []).map((c) => ({ ...c }));
    for (const type of KUBELET_CONDITIONS) {
      const c = conditions.find((x) => x.type === type);
      if (!c) {
        conditions.push({
          type, status: 'Unknown', reason: 'NodeStatusNeverUpdated', message: 'Kubelet never posted node status.',
          lastHeartbeatTime: node.metadata.creationTimestamp, lastTransitionTime: stamp,
        });
      } else if (c.status !== 'Unknown') {
        Object.assign(c, { status: 'Unknown', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.', lastTransitionTime: stamp });
      }
    }
    const current = conditions.find((c) => c.type === 'Ready');
    if (sameCondition(current, observed)) return { node, observed, current };
    const updated = await this.ctx.client.update<Node>(nodesResource, undefined, name, { ...node, status: { ...node.status, conditions } }, 'status');
    this.health.set(name, { probeTimestamp: health.probeTimestamp, readyTransitionTimestamp: now, ready: current ? { ...current } : undefined, leaseRenewTime: health.leaseRenewTime });
    this.ctx.logger.info(`node-lifecycle: node ${name} stopped posting status; Ready is now Unknown`);
    return { node: updated, observed, current };
  }

  /** Upstream MarkPodsNotReady: each pod's Ready condition goes False. */
  private async markPodsNotReady(pods: Pod[], nodeName: string): Promise<void> {
    let failure: unknown;
    for (const pod of pods) {
      if (pod.spec?.nodeName !== nodeName) continue;
      const conditions = pod.status?.conditions ?? [];
      const i = conditions.findIndex((c) => c.type === 'Ready');
      if (i < 0 || conditions[i].status === 'False') continue;
      const next = conditions.map((c, j) => (j === i ? { ...c, status: 'False', lastTransitionTime: metaTime() } : c));
      try {
        await this.ctx.client.update(podsResource, pod.metadata.namespace, pod.metadata.name, { ...pod, status: { ...pod.status, conditions: next } }, 'status');
      } catch (e) {
        if (isNotFound(e)) continue;
        failure = e;
        continue;
      }
      this.recorder.event(podRef(pod), 'Warning', 'NodeNotReady', 'Node is not ready');
    }
    if (failure) throw failure;
  }

  private async processPod(key: string): Promise<void> {
    const pod = this.pods.getByKey(key);
    const nodeName = pod?.spec?.nodeName;
    if (!pod || !nodeName) return;
    const health = this.health.get(nodeName);
    if (!health) return; // not seen yet, or gone
    if (!this.nodes.get(undefined, nodeName)) throw new Error(`node ${nodeName} of pod ${key} is not in the cache`);
    if (health.ready && health.ready.status !== 'True') await this.markPodsNotReady([pod], nodeName);
  }

  // --- NoExecute taints -----------------------------------------------------------------------

  private async processTaintBasedEviction(node: Node, ready: NodeCondition): Promise<void> {
    const taints = node.spec?.taints;
    if (ready.status === 'False' || ready.status === 'Unknown') {
      const [want, opposite] = ready.status === 'False' ? [NOT_READY_NO_EXECUTE, UNREACHABLE_NO_EXECUTE] : [UNREACHABLE_NO_EXECUTE, NOT_READY_NO_EXECUTE];
      if (taintExists(taints, opposite)) {
        // Already tainted for the other reason: swap at once, no new rate-limited eviction.
        await swapNodeTaints(this.ctx.client, node, [want], [opposite]);
      } else if (!taintExists(taints, want)) {
        const tainter = this.tainters.get(zoneKey(node));
        if (tainter && !tainter.queue.has(node.metadata.name)) tainter.queue.set(node.metadata.name, 0);
      }
      return;
    }
    if (ready.status === 'True') await this.markNodeAsReachable(node);
  }

  private async markNodeAsReachable(node: Node): Promise<void> {
    this.tainters.get(zoneKey(node))?.queue.delete(node.metadata.name);
    const taints = node.spec?.taints;
    if (!taintExists(taints, UNREACHABLE_NO_EXECUTE) && !taintExists(taints, NOT_READY_NO_EXECUTE)) return;
    await swapNodeTaints(this.ctx.client, node, [], [UNREACHABLE_NO_EXECUTE, NOT_READY_NO_EXECUTE]);
    this.ctx.logger.info(`node-lifecycle: node ${node.metadata.name} is healthy again; removed its NoExecute taints`);
  }

  /** Taints the queued nodes, each zone at its own rate (upstream doNoExecuteTaintingPass). */
  private async doNoExecuteTaintingPass(): Promise<void> {
    let waiting = false;
    for (const tainter of this.tainters.values()) {
      for (const [name, notBefore] of tainter.queue) {
        if (Date.now() < notBefore) { waiting = true; break; }
        if (!tainter.limiter.tryAccept()) { waiting = tainter.limiter.qps > 0; break; }
        const node = this.nodes.get(undefined, name);
        if (!node) { tainter.queue.delete(name); continue; }
        const ready = nodeCondition(node, 'Ready');
        if (!ready) { tainter.queue.set(name, Date.now() + 50); waiting = true; break; }
        if (ready.status !== 'False' && ready.status !== 'Unknown') { tainter.queue.delete(name); continue; }
        const [want, opposite] = ready.status === 'False' ? [NOT_READY_NO_EXECUTE, UNREACHABLE_NO_EXECUTE] : [UNREACHABLE_NO_EXECUTE, NOT_READY_NO_EXECUTE];
        try {
          await swapNodeTaints(this.ctx.client, node, [want], [opposite]);
          tainter.queue.delete(name);
          this.ctx.logger.info(`node-lifecycle: tainted node ${name} ${want.key}:NoExecute`);
        } catch (e) {
          this.warn(`tainting node ${name}`, e);
          tainter.queue.set(name, Date.now() + 1);
          waiting = true;
          break;
        }
      }
    }
    if (waiting) this.queue.addAfter(TAINTING, TAINTING_PERIOD_MS);
  }

  /** Zone states from the nodes' Ready conditions, and the eviction rate each state allows (upstream handleDisruption). */
  private async handleDisruption(zoneConditions: Map<string, (NodeCondition | undefined)[]>, nodes: Node[]): Promise<void> {
    const newStates = new Map<string, ZoneState>();
    let allAreFullyDisrupted = true;
    for (const [zone, conditions] of zoneConditions) {
      const [, state] = computeZoneState(conditions);
      if (state !== 'FullDisruption') allAreFullyDisrupted = false;
      newStates.set(zone, state);
      if (!this.zoneStates.has(zone)) this.zoneStates.set(zone, 'Initial');
    }
    let allWereFullyDisrupted = true;
    for (const [zone, state] of [...this.zoneStates]) {
      if (!zoneConditions.has(zone)) { this.zoneStates.delete(zone); continue; }
      if (state !== 'FullDisruption') { allWereFullyDisrupted = false; break; }
    }
    if (allAreFullyDisrupted && allWereFullyDisrupted) return;
    if (allAreFullyDisrupted) {
      this.ctx.logger.info('node-lifecycle: all nodes are not ready; entering master disruption mode (no evictions)');
      for (const node of nodes) await this.markNodeAsReachable(node).catch((e: unknown) => this.warn(`removing taints from node ${node.metadata.name}`, e));
      for (const zone of this.zoneStates.keys()) {
        this.tainter(zone).swapLimiter(0);
        this.zoneStates.set(zone, 'FullDisruption');
      }
      return;
    }
    if (allWereFullyDisrupted) {
      this.ctx.logger.info('node-lifecycle: some nodes are ready again; leaving master disruption mode');
      const now = Date.now();
      for (const node of nodes) {
        const h = this.health.get(node.metadata.name);
        if (h) { h.probeTimestamp = now; h.readyTransitionTimestamp = now; }
      }
      for (const zone of [...this.zoneStates.keys()]) {
        const state = newStates.get(zone) ?? 'Normal';
        this.setLimiterInZone(zone, zoneConditions.get(zone)?.length ?? 0, state);
        this.zoneStates.set(zone, state);
      }
      return;
    }
    for (const [zone, state] of [...this.zoneStates]) {
      const next = newStates.get(zone);
      if (!next || next === state) continue;
      this.ctx.logger.info(`node-lifecycle: zone ${JSON.stringify(zone)} is now ${next}`);
      this.setLimiterInZone(zone, zoneConditions.get(zone)?.length ?? 0, next);
      this.zoneStates.set(zone, next);
    }
  }

  private tainter(zone: string): ZoneTainter {
    let t = this.tainters.get(zone);
    if (!t) this.tainters.set(zone, (t = new ZoneTainter()));
    return t;
  }

  private setLimiterInZone(zone: string, size: number, state: ZoneState): void {
    const qps = state === 'PartialDisruption' ? (size > LARGE_CLUSTER_THRESHOLD ? SECONDARY_EVICTION_QPS : 0) : EVICTION_QPS;
    this.tainter(zone).swapLimiter(qps);
  }

  // --- NoSchedule taints ----------------------------------------------------------------------

  /** NoSchedule taints that mirror the node's conditions and spec.unschedulable (upstream doNoScheduleTaintingPass). */
  private async doNoScheduleTaintingPass(name: string): Promise<void> {
    const node = this.nodes.get(undefined, name);
    if (!node) return;
    const want: Taint[] = [];
    for (const c of node.status?.conditions ?? []) {
      const key = CONDITION_TAINTS[c.type]?.[c.status];
      if (key) want.push({ key, effect: 'NoSchedule' });
    }
    if (node.spec?.unschedulable) want.push({ key: TAINT_NODE_UNSCHEDULABLE, effect: 'NoSchedule' });
    const have = (node.spec?.taints ?? []).filter((t) => t.effect === 'NoSchedule' && (t.key === TAINT_NODE_UNSCHEDULABLE || CONDITION_TAINT_KEYS.has(t.key)));
    const add = want.filter((t) => !have.some((h) => matchTaint(h, t)));
    const remove = have.filter((t) => !want.some((w) => matchTaint(w, t)));
    if (add.length === 0 && remove.length === 0) return;
    await swapNodeTaints(this.ctx.client, node, add, remove);
  }

  // --- helpers --------------------------------------------------------------------------------

  private nodeEvent(node: Node, reason: string, message: string): void {
    const ref: ObjectReference = { apiVersion: 'v1', kind: 'Node', name: node.metadata.name, uid: node.metadata.uid };
    this.recorder.event(ref, 'Normal', reason, message);
  }

  private warn(what: string, e: unknown): void {
    this.ctx.logger.warn(`node-lifecycle: ${what} failed`, { error: e instanceof Error ? e.message : String(e) });
  }
}

export const podNodeName = (p: Pod): string[] => (p.spec?.nodeName ? [p.spec.nodeName] : []);

const podRef = (pod: Pod): ObjectReference => ({
  apiVersion: 'v1', kind: 'Pod', namespace: pod.metadata.namespace, name: pod.metadata.name, uid: pod.metadata.uid, resourceVersion: pod.metadata.resourceVersion,
});

export const newNodeLifecycleController: ControllerFactory = (ctx) => new NodeLifecycleController(ctx);
