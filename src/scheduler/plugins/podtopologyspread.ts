// PodTopologySpread (upstream podtopologyspread). For each constraint of the pod, the
// pods matching its selector (in the pod's namespace) are counted per topology domain
// over the nodes the constraint covers (nodeAffinityPolicy: nodes matching the pod's
// node affinity/selector, by default; nodeTaintsPolicy: optionally only nodes whose
// taints the pod tolerates). Filter (whenUnsatisfiable: DoNotSchedule) admits a node if
// its domain's count + 1 - the smallest domain's count stays within maxSkew, the
// smallest count taken as 0 while fewer than minDomains domains exist. Score
// (ScheduleAnyway) favours domains with fewer matching pods. A pod without constraints
// gets the system defaults (zone maxSkew 5, hostname maxSkew 3, ScheduleAnyway) when it
// belongs to a controller.
//
// Counts are computed once per cycle in PreFilter/PreScore, and kept between cycles:
// the per-domain sums for a constraint are updated only for nodes whose NodeInfo changed
// (generation), so a cycle over an unchanged cluster costs a comparison per node.

import type { V1TopologySpreadConstraint } from '@kubernetes/client-node';
import { NOTHING } from '../framework/nodeinfo.ts';
import { MAX_NODE_SCORE, Status, type ChangeJournal, type CycleState, type FilterPlugin, type Node, type NodeInfo, type PluginFactory, type Pod, type PodInfo, type PreFilterPlugin, type PreScorePlugin, type ScorePlugin } from '../framework/types.ts';
import { fromMetaLabelSelector, matchLabels, type LabelSelector, type MetaLabelSelector } from '../../registry/selection.ts';
import { requiredNodeAffinity, type RequiredNodeAffinity } from './nodeselector.ts';
import { StateSlot } from './stateslot.ts';
import { findUntoleratedTaint, isDoNotScheduleTaint } from './taints.ts';

export const NAME = 'PodTopologySpread';
export const ERR_REASON_CONSTRAINTS_NOT_MATCH = "node(s) didn't match pod topology spread constraints";
export const ERR_REASON_NODE_LABEL_NOT_MATCH = ERR_REASON_CONSTRAINTS_NOT_MATCH + ' (missing required label)';
// Filter turns most nodes down for a spread-out pod, one status each: these two are shared
// (a status is never changed but for its plugin's name, which is this plugin's on both).
const CONSTRAINTS_NOT_MATCH = Status.unschedulable(ERR_REASON_CONSTRAINTS_NOT_MATCH);
const MISSING_LABEL = Status.unresolvable(ERR_REASON_NODE_LABEL_NOT_MATCH);
const LABEL_HOSTNAME = 'kubernetes.io/hostname';
const LABEL_ZONE = 'topology.kubernetes.io/zone';

/** The constraints a pod without its own gets under defaultingType System. */
export const SYSTEM_DEFAULT_CONSTRAINTS: V1TopologySpreadConstraint[] = [
  { topologyKey: LABEL_ZONE, whenUnsatisfiable: 'ScheduleAnyway', maxSkew: 5 },
  { topologyKey: LABEL_HOSTNAME, whenUnsatisfiable: 'ScheduleAnyway', maxSkew: 3 },
];

/** PodTopologySpreadArgs. */
export type PodTopologySpreadArgs = { defaultingType?: 'System' | 'List'; defaultConstraints?: V1TopologySpreadConstraint[] };

interface Constraint {
  maxSkew: number;
  topologyKey: string;
  selector: LabelSelector;
  /** Identifies selector + namespace in the count cache. */
  cacheKey: string;
  minDomains: number;
  honorNodeAffinity: boolean;
  honorNodeTaints: boolean;
}

/** Labels a StatefulSet sets per pod; they are no part of a controller's selector. */
const PER_POD_LABELS = new Set(['statefulset.kubernetes.io/pod-name', 'apps.kubernetes.io/pod-index', 'controller-revision-hash']);
const SPREAD_OWNERS = new Set(['ReplicaSet', 'ReplicationController', 'StatefulSet']);

/**
 * helper.DefaultSelector, approximated: upstream merges the selectors of the Services,
 * ReplicationControllers, ReplicaSets and StatefulSets that select the pod. Without
 * those listers, a pod controlled by a ReplicaSet, ReplicationController or StatefulSet
 * gets its own labels (less per-pod ones) as the selector; other pods get none.
 */
export function defaultSelector(pod: Pod): MetaLabelSelector | undefined {
  const controlled = pod.metadata?.ownerReferences?.some((o) => o.controller && SPREAD_OWNERS.has(o.kind));
  if (!controlled) return undefined;
  const matchLabels: Record<string, string> = {};
  for (const [k, v] of Object.entries(pod.metadata?.labels ?? {})) if (!PER_POD_LABELS.has(k)) matchLabels[k] = v;
  return Object.keys(matchLabels).length > 0 ? { matchLabels } : undefined;
}

function toConstraints(list: V1TopologySpreadConstraint[], pod: Pod, action: string, selectorOverride?: MetaLabelSelector): Constraint[] {
  const out: Constraint[] = [];
  const podLabels = pod.metadata?.labels ?? {};
  const ns = pod.metadata?.namespace ?? 'default';
  for (const c of list) {
    if (c.whenUnsatisfiable !== action) continue;
    const meta = selectorOverride ?? (c.labelSelector as MetaLabelSelector | undefined);
    let selector = meta ? fromMetaLabelSelector(meta) : NOTHING;
    // matchLabelKeys: the pod's values for those keys are ANDed into the selector.
    const extra = (c.matchLabelKeys ?? []).filter((k) => podLabels[k] !== undefined);
    if (extra.length > 0) {
      selector = { requirements: [...selector.requirements, ...extra.map((k) => ({ op: 'in' as const, key: k, values: [podLabels[k]] }))], empty: false };
    }
    out.push({
      maxSkew: c.maxSkew,
      topologyKey: c.topologyKey,
      selector,
      cacheKey: `${ns}\u0000${JSON.stringify(selector)}`,
      minDomains: c.minDomains ?? 1,
      honorNodeAffinity: (c.nodeAffinityPolicy ?? 'Honor') === 'Honor',
      honorNodeTaints: (c.nodeTaintsPolicy ?? 'Ignore') === 'Honor',
    });
  }
  return out;
}

const hasAllKeys = (labels: Record<string, string> | undefined, constraints: Constraint[]) => {
  for (const c of constraints) if (labels?.[c.topologyKey] === undefined) return false;
  return true;
};

/** Whether the node counts for the constraint (matchNodeInclusionPolicies). */
function included(c: Constraint, pod: Pod, node: Node, affinityMatch: boolean): boolean {
  if (c.honorNodeAffinity && !affinityMatch) return false;
  if (c.honorNodeTaints && findUntoleratedTaint(node.spec?.taints, pod.spec?.tolerations, isDoNotScheduleTaint)) return false;
  return true;
}

/** countPodsMatchSelector: same namespace, not terminating; an empty selector counts nothing. */
function countMatching(pods: PodInfo[], selector: LabelSelector, ns: string): number {
  if (selector.empty) return 0;
  let n = 0;
  for (const p of pods) {
    const m = p.pod.metadata;
    if (m?.deletionTimestamp || (m?.namespace ?? 'default') !== ns) continue;
    if (matchLabels(selector, m?.labels)) n++;
  }
  return n;
}

/** A node's matching pods as of its NodeInfo generation, for one selector and namespace. */
type NodeCounts = WeakMap<NodeInfo, { generation: number; count: number }>;

/** Per selector+namespace, each node's count (hostname constraints are counted per node in Score). */
class PodCountCache {
  private readonly byKey = new Map<string, NodeCounts>();
  for(c: Constraint): NodeCounts {
    let m = this.byKey.get(c.cacheKey);
    if (!m) {
      if (this.byKey.size >= 256) this.byKey.clear();
      this.byKey.set(c.cacheKey, (m = new WeakMap()));
    }
    return m;
  }
}

function countOnNode(m: NodeCounts, ni: NodeInfo, c: Constraint, ns: string): number {
  const hit = m.get(ni);
  if (hit && hit.generation === ni.generation) return hit.count;
  const count = countMatching(ni.pods, c.selector, ns);
  m.set(ni, { generation: ni.generation, count });
  return count;
}

/**
 * Per-domain sums of one constraint over a node list, remembered across cycles. Each
 * node contributes its matching pods to its domain (or nothing when excluded); only
 * nodes whose generation moved are looked at again. The sums are shared with the
 * cycle's state, which copies them before changing them (preemption dry runs).
 */
class DomainCounts {
  private nodes: NodeInfo[] = [];
  /** The NodeInfo each slot was computed from (an in-place replacement counts as a change). */
  private refs: NodeInfo[] = [];
  private gens: number[] = [];
  private values: (string | undefined)[] = [];
  private counts: number[] = [];
  /** Slot of each NodeInfo of nodes, and the journal position the slots are current to. */
  private slots = new Map<NodeInfo, number>();
  private seq: number | undefined;
  /** Per domain: the nodes in it, and their matching pods. */
  private readonly members = new Map<string, number>();
  readonly totals = new Map<string, number>();

  /**
   * The totals per domain over nodes. Only nodes changed since the last call are looked at
   * again: those the journal names when it has them all, else every node's generation.
   */
  refresh(nodes: NodeInfo[], domainOf: (ni: NodeInfo) => string | undefined, countOf: (ni: NodeInfo) => number, journal?: ChangeJournal): Map<string, number> {
    let changed: readonly NodeInfo[] | undefined;
    if (nodes !== this.nodes || nodes.length !== this.gens.length) {
      this.nodes = nodes;
      this.refs = nodes.slice();
      this.gens = new Array<number>(nodes.length).fill(-1);
      this.values = new Array<string | undefined>(nodes.length).fill(undefined);
      this.counts = new Array<number>(nodes.length).fill(0);
      this.slots = new Map(nodes.map((ni, i) => [ni, i]));
      this.members.clear();
      this.totals.clear();
    } else if (journal && this.seq !== undefined) {
      changed = journal.since(this.seq);
    }
    if (changed) {
      for (const ni of changed) {
        const i = this.slots.get(ni);
        if (i !== undefined) this.update(i, ni, domainOf, countOf);
      }
    } else {
      for (let i = 0; i < nodes.length; i++) this.update(i, nodes[i], domainOf, countOf);
    }
    this.seq = journal?.seq;
    return this.totals;
  }

  private update(i: number, ni: NodeInfo, domainOf: (ni: NodeInfo) => string | undefined, countOf: (ni: NodeInfo) => number): void {
    if (ni.generation === this.gens[i] && ni === this.refs[i]) return;
    const old = this.values[i];
    if (old !== undefined) {
      const m = this.members.get(old)! - 1;
      if (m === 0) { this.members.delete(old); this.totals.delete(old); } else {
        this.members.set(old, m);
        this.totals.set(old, this.totals.get(old)! - this.counts[i]);
      }
    }
    const v = domainOf(ni);
    const n = v === undefined ? 0 : countOf(ni);
    if (v !== undefined) {
      this.members.set(v, (this.members.get(v) ?? 0) + 1);
      this.totals.set(v, (this.totals.get(v) ?? 0) + n);
    }
    this.gens[i] = ni.generation;
    this.refs[i] = ni;
    this.values[i] = v;
    this.counts[i] = n;
  }
}

class DomainCountCache {
  private readonly entries = new Map<string, DomainCounts>();
  get(signature: string): DomainCounts {
    let e = this.entries.get(signature);
    if (!e) {
      if (this.entries.size >= 64) this.entries.clear();
      this.entries.set(signature, (e = new DomainCounts()));
    }
    return e;
  }
}

/** Everything a constraint's per-node domain and count depend on besides the node. */
function domainSignature(phase: string, c: Constraint, all: Constraint[], pod: Pod): string {
  const spec = pod.spec;
  return JSON.stringify([
    phase, c.cacheKey, c.topologyKey, all.map((x) => x.topologyKey),
    c.honorNodeAffinity ? [spec?.nodeSelector, spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution] : null,
    c.honorNodeTaints ? spec?.tolerations : null,
  ]);
}

/** The two smallest domains of a constraint (upstream's criticalPaths, same update rules). */
class CriticalPaths {
  v0 = ''; n0 = Number.MAX_SAFE_INTEGER; v1 = ''; n1 = Number.MAX_SAFE_INTEGER;
  update(value: string, num: number): void {
    if (value === this.v0 || value === this.v1) {
      if (value === this.v0) this.n0 = num; else this.n1 = num;
      if (this.n0 > this.n1) [this.v0, this.n0, this.v1, this.n1] = [this.v1, this.n1, this.v0, this.n0];
    } else if (num < this.n0) {
      [this.v1, this.n1] = [this.v0, this.n0];
      [this.v0, this.n0] = [value, num];
    } else if (num < this.n1) {
      [this.v1, this.n1] = [value, num];
    }
  }
  copy(): CriticalPaths { return Object.assign(new CriticalPaths(), this); }
}

class PreFilterState {
  constructor(
    readonly constraints: Constraint[],
    readonly required: RequiredNodeAffinity,
    /** Per constraint: topology value → matching pods (shared with the cache until owned). */
    public counts: Map<string, number>[],
    readonly paths: CriticalPaths[],
    /** Per constraint: 1 when the pod matches its own selector. */
    readonly selfMatch: number[],
    private owned = false,
  ) {}

  minMatchNum(i: number): number {
    return this.counts[i].size < this.constraints[i].minDomains ? 0 : this.paths[i].n0;
  }

  update(updated: Pod, preemptor: Pod, node: Node, delta: number): void {
    if ((updated.metadata?.namespace ?? 'default') !== (preemptor.metadata?.namespace ?? 'default')) return;
    const labels = node.metadata?.labels;
    if (!hasAllKeys(labels, this.constraints)) return;
    if (!this.owned) { this.counts = this.counts.map((m) => new Map(m)); this.owned = true; }
    const affinityMatch = this.required.none || this.required.match(node);
    for (let i = 0; i < this.constraints.length; i++) {
      const c = this.constraints[i];
      if (!matchLabels(c.selector, updated.metadata?.labels)) continue;
      if (!included(c, preemptor, node, affinityMatch)) continue;
      const v = labels![c.topologyKey];
      const n = (this.counts[i].get(v) ?? 0) + delta;
      this.counts[i].set(v, n);
      this.paths[i].update(v, n);
    }
  }

  clone(): PreFilterState {
    return new PreFilterState(this.constraints, this.required, this.counts.map((m) => new Map(m)), this.paths.map((p) => p.copy()), this.selfMatch, true);
  }
}

interface PreScoreState {
  constraints: Constraint[];
  ignoredNodes: Set<string>;
  counts: Map<string, number>[];
  weights: number[];
  /** Per hostname constraint: the per-node count cache. */
  nodeCounts: (NodeCounts | undefined)[];
  namespace: string;
}

export const factory: PluginFactory = (handle, rawArgs): PreFilterPlugin & FilterPlugin & PreScorePlugin & ScorePlugin => {
  const args = (rawArgs ?? {}) as PodTopologySpreadArgs;
  const systemDefaulted = (args.defaultingType ?? 'System') === 'System';
  const defaults = systemDefaulted ? SYSTEM_DEFAULT_CONSTRAINTS : args.defaultConstraints ?? [];
  const cache = new PodCountCache();
  const domains = new DomainCountCache();
  const preFilterSlot = new StateSlot<PreFilterState>('PreFilter' + NAME);
  const preScoreSlot = new StateSlot<PreScoreState>('PreScore' + NAME);

  function constraintsFor(pod: Pod, action: string): Constraint[] {
    const own = pod.spec?.topologySpreadConstraints;
    if (own && own.length > 0) return toConstraints(own, pod, action);
    if (defaults.length === 0) return [];
    const selector = defaultSelector(pod);
    return selector ? toConstraints(defaults, pod, action, selector) : [];
  }

  return {
    name: NAME,

    preFilter(cs: CycleState, pod: Pod, nodes: NodeInfo[]) {
      const constraints = constraintsFor(pod, 'DoNotSchedule');
      if (constraints.length === 0) return { status: Status.skip() };
      const ns = pod.metadata?.namespace ?? 'default';
      const required = requiredNodeAffinity(pod);
      // The journal speaks of the snapshot's nodes only (a preemption dry run passes copies).
      const snapshot = handle.snapshot();
      const journal = nodes === snapshot.nodeInfos ? snapshot.changes : undefined;
      const counts = constraints.map((c) => domains.get(domainSignature('filter', c, constraints, pod)).refresh(
        nodes,
        (ni) => {
          const labels = ni.labels;
          if (!hasAllKeys(labels, constraints)) return undefined;
          return included(c, pod, ni.node, required.none || required.match(ni.node)) ? labels![c.topologyKey] : undefined;
        },
        (ni) => countMatching(ni.pods, c.selector, ns),
        journal,
      ));
      const paths = counts.map((m) => {
        const p = new CriticalPaths();
        for (const [v, n] of m) p.update(v, n);
        return p;
      });
      const self = constraints.map((c) => (matchLabels(c.selector, pod.metadata?.labels) ? 1 : 0));
      preFilterSlot.write(cs, new PreFilterState(constraints, required, counts, paths, self));
      return { status: Status.success() };
    },

    addPod(cs, pod, add, ni) {
      preFilterSlot.read(cs)?.update(add.pod, pod, ni.node, 1);
      return Status.success();
    },

    removePod(cs, pod, remove, ni) {
      preFilterSlot.read(cs)?.update(remove.pod, pod, ni.node, -1);
      return Status.success();
    },

    filter(cs, _pod, ni) {
      const s = preFilterSlot.read(cs);
      if (!s) return Status.error(`reading "${preFilterSlot.key}" from cycleState: not found`);
      const labels = ni.labels;
      for (let i = 0; i < s.constraints.length; i++) {
        const c = s.constraints[i];
        const v = labels?.[c.topologyKey];
        if (v === undefined) return MISSING_LABEL;
        const skew = (s.counts[i].get(v) ?? 0) + s.selfMatch[i] - s.minMatchNum(i);
        if (skew > c.maxSkew) return CONSTRAINTS_NOT_MATCH;
      }
      return Status.success();
    },

    preScore(cs, pod, filtered) {
      const snapshot = handle.snapshot();
      const all = snapshot.nodeInfos;
      if (filtered.length === 0 || all.length === 0) return Status.skip();
      const constraints = constraintsFor(pod, 'ScheduleAnyway');
      if (constraints.length === 0) return Status.skip();
      // Only the system defaults spread over nodes lacking some keys (e.g. no zone label).
      const requireAll = (pod.spec?.topologySpreadConstraints?.length ?? 0) > 0 || !systemDefaulted;
      const ignoredNodes = new Set<string>();
      const counts = constraints.map(() => new Map<string, number>());
      for (const ni of filtered) {
        const labels = ni.labels;
        if (requireAll && !hasAllKeys(labels, constraints)) { ignoredNodes.add(ni.name); continue; }
        for (let i = 0; i < constraints.length; i++) {
          const c = constraints[i];
          if (c.topologyKey === LABEL_HOSTNAME) continue;
          const v = labels?.[c.topologyKey] ?? '';
          if (!counts[i].has(v)) counts[i].set(v, 0);
        }
      }
      const weights = constraints.map((c, i) => Math.log((c.topologyKey === LABEL_HOSTNAME ? filtered.length - ignoredNodes.size : counts[i].size) + 2));
      const ns = pod.metadata?.namespace ?? 'default';
      const required = requiredNodeAffinity(pod);
      for (let i = 0; i < constraints.length; i++) {
        const c = constraints[i];
        // Per-node counts of hostname constraints are taken in Score.
        if (c.topologyKey === LABEL_HOSTNAME) continue;
        const totals = domains.get(domainSignature(requireAll ? 'score' : 'score-defaults', c, constraints, pod)).refresh(
          all,
          (ni) => {
            const labels = ni.labels;
            if (requireAll && !hasAllKeys(labels, constraints)) return undefined;
            return included(c, pod, ni.node, required.none || required.match(ni.node)) ? labels?.[c.topologyKey] ?? '' : undefined;
          },
          (ni) => countMatching(ni.pods, c.selector, ns),
          snapshot.changes,
        );
        // Only domains of candidate nodes matter.
        for (const v of counts[i].keys()) counts[i].set(v, totals.get(v) ?? 0);
      }
      const nodeCounts = constraints.map((c) => (c.topologyKey === LABEL_HOSTNAME ? cache.for(c) : undefined));
      const state: PreScoreState = { constraints, ignoredNodes, counts, weights, nodeCounts, namespace: ns };
      preScoreSlot.write(cs, state);
      return Status.success();
    },

    score(cs, _pod, ni) {
      const s = preScoreSlot.read(cs);
      if (!s || s.ignoredNodes.has(ni.name)) return 0;
      const labels = ni.labels;
      let score = 0;
      for (let i = 0; i < s.constraints.length; i++) {
        const c = s.constraints[i];
        const v = labels?.[c.topologyKey];
        if (v === undefined) continue;
        const perNode = s.nodeCounts[i];
        const cnt = perNode ? countOnNode(perNode, ni, c, s.namespace) : s.counts[i].get(v) ?? 0;
        // maxSkew - 1 waters down small differences between domains.
        score += cnt * s.weights[i] + (c.maxSkew - 1);
      }
      return Math.round(score);
    },

    normalizeScore(cs, _pod, scores) {
      const s = preScoreSlot.read(cs);
      if (!s) return;
      let min = Number.MAX_SAFE_INTEGER, max = 0;
      for (const x of scores) {
        if (s.ignoredNodes.has(x.name)) continue;
        if (x.score < min) min = x.score;
        if (x.score > max) max = x.score;
      }
      for (const x of scores) {
        if (s.ignoredNodes.has(x.name)) x.score = 0;
        else if (max === 0) x.score = MAX_NODE_SCORE;
        else x.score = Math.floor((MAX_NODE_SCORE * (max + min - x.score)) / max);
      }
    },
  };
};
