// Builders shared by the scheduler plugin tests: pods, nodes and NodeInfos as plain
// JSON, a fake framework Handle over them, and runners that call a plugin's extension
// points the way the framework does.

import type { V1Container, V1ObjectMeta, V1PodSpec, V1Taint } from '@kubernetes/client-node';
import { addPod, newNodeInfo, newPodInfo, snapshotOf } from '../../src/scheduler/framework/nodeinfo.ts';
import {
  CycleState, Status, isFilter, isPreFilter, isPreScore, isScore,
  type Handle, type Listers, type Node, type NodeInfo, type NodeScore, type Plugin, type Pod, type PreFilterResult,
} from '../../src/scheduler/framework/types.ts';

export interface PodOptions extends Partial<V1PodSpec> {
  namespace?: string;
  labels?: Record<string, string>;
  uid?: string;
  /** Requests of the single default container, e.g. { cpu: '100m', memory: '1Gi' }. */
  requests?: Record<string, string>;
  meta?: Partial<V1ObjectMeta>;
  status?: Pod['status'];
}

export function pod(name: string, o: PodOptions = {}): Pod {
  const { namespace, labels, uid, requests, meta, status, ...spec } = o;
  const containers: V1Container[] = spec.containers ?? [{ name: 'c', image: 'x', ...(requests ? { resources: { requests } } : {}) }];
  return {
    metadata: { name, namespace: namespace ?? 'default', uid: uid ?? `uid-${namespace ?? 'default'}-${name}`, ...(labels ? { labels } : {}), ...meta },
    spec: { ...spec, containers },
    ...(status ? { status } : {}),
  };
}

export interface NodeOptions {
  labels?: Record<string, string>;
  taints?: V1Taint[];
  unschedulable?: boolean;
  /** Defaults: 4 cpu, 8Gi memory, 110 pods. */
  allocatable?: Record<string, string>;
}

export function node(name: string, o: NodeOptions = {}): Node {
  return {
    metadata: { name, uid: `node-${name}`, labels: { 'kubernetes.io/hostname': name, ...o.labels } },
    spec: { ...(o.taints ? { taints: o.taints } : {}), ...(o.unschedulable ? { unschedulable: true } : {}) },
    status: { allocatable: o.allocatable ?? { cpu: '4', memory: '8Gi', pods: '110' } },
  };
}

export function nodeInfo(n: Node, pods: Pod[] = []): NodeInfo {
  const ni = newNodeInfo(n);
  for (const p of pods) addPod(ni, newPodInfo({ ...p, spec: { ...p.spec!, nodeName: n.metadata?.name } }));
  return ni;
}

export const emptyListers: Listers = {
  namespaceLabels: () => undefined,
  pvc: () => undefined,
  pv: () => undefined,
  storageClass: () => undefined,
  pvs: () => [],
};

export function fakeHandle(nodes: NodeInfo[], listers: Partial<Listers> = {}): Handle {
  const snap = snapshotOf(nodes);
  return { snapshot: () => snap, listers: { ...emptyListers, ...listers } };
}

/** PreFilter then Filter on every node, as the framework runs one plugin; a PreFilter rejection applies to all nodes. */
export function runFilter(plugin: Plugin, p: Pod, nodes: NodeInfo[], state = new CycleState()): { preFilter?: PreFilterResult; statuses: Map<string, Status> } {
  const statuses = new Map<string, Status>();
  let preFilter: PreFilterResult | undefined;
  if (isPreFilter(plugin)) {
    const r = plugin.preFilter(state, p, nodes);
    preFilter = r.result;
    if (r.status.isSkip()) {
      for (const ni of nodes) statuses.set(ni.name, Status.success());
      return { preFilter, statuses };
    }
    if (!r.status.isSuccess()) {
      for (const ni of nodes) statuses.set(ni.name, r.status);
      return { preFilter, statuses };
    }
  }
  if (!isFilter(plugin)) throw new Error(`${plugin.name} has no Filter`);
  for (const ni of nodes) statuses.set(ni.name, plugin.filter(state, p, ni));
  return { preFilter, statuses };
}

/** PreScore, Score on every node, then NormalizeScore; a Skip from PreScore scores 0 everywhere. */
export function runScore(plugin: Plugin, p: Pod, nodes: NodeInfo[], state = new CycleState(), normalize = true): NodeScore[] {
  if (isPreScore(plugin)) {
    const st = plugin.preScore(state, p, nodes);
    if (st.isSkip()) return nodes.map((n) => ({ name: n.name, score: 0 }));
    if (!st.isSuccess()) throw new Error(`PreScore failed: ${st.message()}`);
  }
  if (!isScore(plugin)) throw new Error(`${plugin.name} has no Score`);
  const scores = nodes.map((ni) => ({ name: ni.name, score: plugin.score(state, p, ni) }));
  if (normalize) plugin.normalizeScore?.(state, p, scores);
  return scores;
}

/** Status as comparable data: code and reasons. */
export const view = (s: Status | undefined) => (s ? { code: s.code, reasons: s.reasons } : undefined);

export const scoresOf = (scores: NodeScore[]) => Object.fromEntries(scores.map((s) => [s.name, s.score]));
