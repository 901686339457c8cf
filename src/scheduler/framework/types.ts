// The scheduling framework's vocabulary (upstream pkg/scheduler/framework): statuses,
// the per-cycle state, NodeInfo (a node plus what is already placed on it), and the
// extension points a plugin may implement. Plugins are plain objects; the framework
// (runtime.ts) calls the points each plugin has, in profile order.

import type { V1Node, V1Pod, V1Taint } from '@kubernetes/client-node';
import type { LabelSelector } from '../../registry/selection.ts';

export type Pod = V1Pod;
export type Node = V1Node;

/** Highest score a Score plugin may give after normalisation. */
export const MAX_NODE_SCORE = 100;
export const MIN_NODE_SCORE = 0;

export enum Code {
  Success = 0,
  Error = 1,
  /** The pod does not fit now; preemption or a cluster change may help. */
  Unschedulable = 2,
  /** The pod cannot fit on this node whatever is evicted (preemption will not try it). */
  UnschedulableAndUnresolvable = 3,
  Wait = 4,
  /** The plugin has nothing to do for this pod (PreFilter/PreScore): skip its Filter/Score. */
  Skip = 5,
}

export class Status {
  constructor(readonly code: Code, readonly reasons: string[] = [], public plugin = '') {}

  static readonly SUCCESS = new Status(Code.Success);
  static success(): Status { return Status.SUCCESS; }
  static error(message: string): Status { return new Status(Code.Error, [message]); }
  static unschedulable(...reasons: string[]): Status { return new Status(Code.Unschedulable, reasons); }
  static unresolvable(...reasons: string[]): Status { return new Status(Code.UnschedulableAndUnresolvable, reasons); }
  static skip(): Status { return new Status(Code.Skip); }

  isSuccess(): boolean { return this.code === Code.Success; }
  isSkip(): boolean { return this.code === Code.Skip; }
  isRejected(): boolean { return this.code === Code.Unschedulable || this.code === Code.UnschedulableAndUnresolvable; }
  message(): string { return this.reasons.join(', '); }
  withPlugin(name: string): Status {
    if (this.code === Code.Success) return this;
    this.plugin = name;
    return this;
  }
}

/** Per scheduling cycle scratch space shared by the plugins (CycleState). */
export class CycleState {
  private readonly data = new Map<string, unknown>();
  /** Plugins whose PreFilter returned Skip: their Filter is not run. */
  readonly skipFilterPlugins = new Set<string>();
  readonly skipScorePlugins = new Set<string>();
  write(key: string, value: unknown): void { this.data.set(key, value); }
  read<T>(key: string): T | undefined { return this.data.get(key) as T | undefined; }
  clone(): CycleState {
    const c = new CycleState();
    for (const [k, v] of this.data) c.data.set(k, typeof (v as { clone?: () => unknown })?.clone === 'function' ? (v as { clone: () => unknown }).clone() : v);
    for (const p of this.skipFilterPlugins) c.skipFilterPlugins.add(p);
    for (const p of this.skipScorePlugins) c.skipScorePlugins.add(p);
    return c;
  }
}

/** Resource quantities in the scheduler's units: millicores, bytes, counts. */
export interface Resource {
  milliCPU: number;
  memory: number;
  ephemeralStorage: number;
  allowedPodNumber: number;
  /** Extended and hugepages resources by name. */
  scalar: Map<string, number>;
}

/** A pod (anti-)affinity term with its selector and namespaces resolved. */
export interface AffinityTerm {
  namespaces: Set<string>;
  selector: LabelSelector;
  topologyKey: string;
  /** Matches namespaces by their labels, in addition to `namespaces`; undefined = none. */
  namespaceSelector: LabelSelector | undefined;
}

export interface WeightedAffinityTerm extends AffinityTerm { weight: number }

/** A pod with its affinity terms parsed once (framework.PodInfo). */
export interface PodInfo {
  pod: Pod;
  requiredAffinityTerms: AffinityTerm[];
  requiredAntiAffinityTerms: AffinityTerm[];
  preferredAffinityTerms: WeightedAffinityTerm[];
  preferredAntiAffinityTerms: WeightedAffinityTerm[];
}

/** hostIP -> "protocol/port" in use (HostPortInfo); "0.0.0.0" is the wildcard IP. */
export type HostPortInfo = Map<string, Set<string>>;

/** A node and the pods on it, with their aggregated requests (framework.NodeInfo). */
export interface NodeInfo {
  node: Node;
  name: string;
  /**
   * The node's labels, taints and spec.unschedulable, taken when the node is set (setNode):
   * the filters read them on hundreds of nodes for every pod, and from here that is one
   * object in memory per node rather than the node, its metadata and its spec.
   */
  labels: Record<string, string> | undefined;
  taints: V1Taint[] | undefined;
  unschedulable: boolean;
  pods: PodInfo[];
  podsWithAffinity: PodInfo[];
  podsWithRequiredAntiAffinity: PodInfo[];
  usedPorts: HostPortInfo;
  /** Sum of the pods' requests. */
  requested: Resource;
  /** Like requested, but a container without requests counts as 100m CPU / 200Mi memory (for scoring). */
  nonZeroRequested: Resource;
  allocatable: Resource;
  /** Bumped on every change; lets snapshots skip unchanged nodes. */
  generation: number;
}

/** NodeInfos in the order they changed: position seq is the seq-th change since the start. */
export interface ChangeJournal {
  /** The position after the latest change. */
  readonly seq: number;
  /** The NodeInfos changed at or after position seq (repeats possible); undefined once those are forgotten. */
  since(seq: number): readonly NodeInfo[] | undefined;
}

/** What the plugins read of the cluster during a cycle (SharedLister + listers). */
export interface Snapshot {
  nodeInfos: NodeInfo[];
  /** Which NodeInfos changed lately, for readers that keep per-node derived data (the scheduler's cache has it). */
  changes?: ChangeJournal;
  get(nodeName: string): NodeInfo | undefined;
  havePodsWithAffinity: NodeInfo[];
  havePodsWithRequiredAntiAffinity: NodeInfo[];
}

/** Cluster objects plugins may look up (informer caches). */
export interface Listers {
  namespaceLabels(name: string): Record<string, string> | undefined;
  /** PersistentVolumeClaim by namespace/name. */
  pvc(namespace: string, name: string): Record<string, unknown> | undefined;
  pv(name: string): Record<string, unknown> | undefined;
  storageClass(name: string): Record<string, unknown> | undefined;
  /** All PVs (for finding one a pending claim could bind to). */
  pvs(): Record<string, unknown>[];
}

/** What the framework hands each plugin: the cycle's snapshot and the cluster listers. */
export interface Handle {
  snapshot(): Snapshot;
  listers: Listers;
}

export interface PreFilterResult {
  /** Only these nodes need be considered (e.g. NodeName / NodeAffinity on metadata.name). */
  nodeNames?: Set<string>;
}

export interface NodeScore { name: string; score: number }

export interface Plugin { readonly name: string }

export interface PreFilterPlugin extends Plugin {
  preFilter(state: CycleState, pod: Pod, nodes: NodeInfo[]): { result?: PreFilterResult; status: Status };
  /** Incremental updates of the PreFilter state when preemption simulates adding/removing a pod. */
  addPod?(state: CycleState, podToSchedule: Pod, podInfoToAdd: PodInfo, nodeInfo: NodeInfo): Status;
  removePod?(state: CycleState, podToSchedule: Pod, podInfoToRemove: PodInfo, nodeInfo: NodeInfo): Status;
}

export interface FilterPlugin extends Plugin {
  filter(state: CycleState, pod: Pod, nodeInfo: NodeInfo): Status;
}

export interface PostFilterPlugin extends Plugin {
  postFilter(state: CycleState, pod: Pod, filteredNodeStatus: Map<string, Status>): Promise<{ nominatedNodeName?: string; status: Status }>;
}

export interface PreScorePlugin extends Plugin {
  preScore(state: CycleState, pod: Pod, nodes: NodeInfo[]): Status;
}

export interface ScorePlugin extends Plugin {
  score(state: CycleState, pod: Pod, nodeInfo: NodeInfo): number;
  /** Rescales the raw scores into [0, MAX_NODE_SCORE] in place. */
  normalizeScore?(state: CycleState, pod: Pod, scores: NodeScore[]): void;
}

export interface ReservePlugin extends Plugin {
  reserve(state: CycleState, pod: Pod, nodeName: string): Status;
  unreserve(state: CycleState, pod: Pod, nodeName: string): void;
}

export interface PreBindPlugin extends Plugin {
  preBind(state: CycleState, pod: Pod, nodeName: string): Promise<Status>;
}

export interface BindPlugin extends Plugin {
  bind(state: CycleState, pod: Pod, nodeName: string): Promise<Status>;
}

/** A plugin is constructed with the framework handle and its (optional) arguments. */
export type PluginFactory = (handle: Handle, args?: Record<string, unknown>) => Plugin;

export const isPreFilter = (p: Plugin): p is PreFilterPlugin => typeof (p as PreFilterPlugin).preFilter === 'function';
export const isFilter = (p: Plugin): p is FilterPlugin => typeof (p as FilterPlugin).filter === 'function';
export const isPostFilter = (p: Plugin): p is PostFilterPlugin => typeof (p as PostFilterPlugin).postFilter === 'function';
export const isPreScore = (p: Plugin): p is PreScorePlugin => typeof (p as PreScorePlugin).preScore === 'function';
export const isScore = (p: Plugin): p is ScorePlugin => typeof (p as ScorePlugin).score === 'function';
export const isReserve = (p: Plugin): p is ReservePlugin => typeof (p as ReservePlugin).reserve === 'function';
export const isPreBind = (p: Plugin): p is PreBindPlugin => typeof (p as PreBindPlugin).preBind === 'function';
export const isBind = (p: Plugin): p is BindPlugin => typeof (p as BindPlugin).bind === 'function';
