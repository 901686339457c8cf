// InterPodAffinity (upstream interpodaffinity). Filter: the pod's required affinity
// needs a matching pod in the node's topology domain (unless it is the first of a group
// that matches its own terms), its required anti-affinity needs none there, and no pod
// already placed may have a required anti-affinity term the pod matches in that domain.
// Score: preferred terms of the pod towards existing pods, and of existing pods
// (preferred, and required with hardPodAffinityWeight) towards the pod, summed per
// topology domain and scaled between the lowest and the highest node.
//
// The counts are built once per cycle in PreFilter/PreScore, keyed by topology pair,
// so Filter and Score are lookups per node.

import { newPodInfo } from '../framework/nodeinfo.ts';
import {
  MAX_NODE_SCORE, Status,
  type AffinityTerm, type CycleState, type FilterPlugin, type Handle, type Node, type NodeInfo, type PluginFactory, type Pod, type PodInfo,
  type PreFilterPlugin, type PreScorePlugin, type ScorePlugin, type WeightedAffinityTerm,
} from '../framework/types.ts';
import { matchLabels } from '../../registry/selection.ts';

export const NAME = 'InterPodAffinity';
export const ERR_REASON_AFFINITY = "node(s) didn't match pod affinity rules";
export const ERR_REASON_ANTI_AFFINITY = "node(s) didn't match pod anti-affinity rules";
export const ERR_REASON_EXISTING_ANTI_AFFINITY = "node(s) didn't satisfy existing pods anti-affinity rules";
const PRE_FILTER_KEY = 'PreFilter' + NAME;
const PRE_SCORE_KEY = 'PreScore' + NAME;

/** InterPodAffinityArgs. */
export type InterPodAffinityArgs = { hardPodAffinityWeight?: number; ignorePreferredTermsOfExistingPods?: boolean };

type Labels = Record<string, string> | undefined;
const pairKey = (key: string, value: string) => `${key}\u0000${value}`;

/** Namespace labels looked up once per cycle. */
class NamespaceLabels {
  private readonly cache = new Map<string, Labels>();
  constructor(private readonly handle: Handle) {}
  get(ns: string): Labels {
    if (this.cache.has(ns)) return this.cache.get(ns);
    const l = this.handle.listers.namespaceLabels(ns);
    this.cache.set(ns, l);
    return l;
  }
}

/** AffinityTerm.Matches: the pod's namespace is listed or selected, and its labels match. */
export function termMatches(t: AffinityTerm, pod: Pod, nsLabels: Labels): boolean {
  const ns = pod.metadata?.namespace ?? 'default';
  if (!t.namespaces.has(ns) && !(t.namespaceSelector && matchLabels(t.namespaceSelector, nsLabels))) return false;
  return matchLabels(t.selector, pod.metadata?.labels);
}

function matchesAllTerms(terms: AffinityTerm[], pod: Pod, nsLabels: Labels): boolean {
  if (terms.length === 0) return false;
  for (const t of terms) if (!termMatches(t, pod, nsLabels)) return false;
  return true;
}

/** Counts of matching pods per topology pair; entries that drop to 0 are removed. */
class TopologyCounts extends Map<string, number> {
  bump(node: Node, key: string, by: number): void {
    const v = node.metadata?.labels?.[key];
    if (v === undefined) return;
    const k = pairKey(key, v);
    const n = (this.get(k) ?? 0) + by;
    if (n === 0) this.delete(k); else this.set(k, n);
  }
}

class PreFilterState {
  constructor(
    readonly podInfo: PodInfo,
    readonly nsLabels: NamespaceLabels,
    readonly existingAntiAffinity: TopologyCounts,
    readonly affinity: TopologyCounts,
    readonly antiAffinity: TopologyCounts,
  ) {}

  /** The incoming pod's namespace labels, for existing pods' terms. */
  get podNsLabels(): Labels { return this.nsLabels.get(this.podInfo.pod.metadata?.namespace ?? 'default'); }

  /** A pod appears on (multiplier 1) or leaves (-1) a node during a preemption dry run. */
  update(other: PodInfo, node: Node, multiplier: number): void {
    const pod = this.podInfo.pod;
    for (const t of other.requiredAntiAffinityTerms) if (termMatches(t, pod, this.podNsLabels)) this.existingAntiAffinity.bump(node, t.topologyKey, multiplier);
    const otherNs = this.nsLabels.get(other.pod.metadata?.namespace ?? 'default');
    if (matchesAllTerms(this.podInfo.requiredAffinityTerms, other.pod, otherNs)) {
      for (const t of this.podInfo.requiredAffinityTerms) this.affinity.bump(node, t.topologyKey, multiplier);
    }
    for (const t of this.podInfo.requiredAntiAffinityTerms) if (termMatches(t, other.pod, otherNs)) this.antiAffinity.bump(node, t.topologyKey, multiplier);
  }

  clone(): PreFilterState {
    return new PreFilterState(this.podInfo, this.nsLabels, new TopologyCounts(this.existingAntiAffinity), new TopologyCounts(this.affinity), new TopologyCounts(this.antiAffinity));
  }
}

function satisfiesPodAffinity(s: PreFilterState, node: Node): boolean {
  const terms = s.podInfo.requiredAffinityTerms;
  if (terms.length === 0) return true;
  const labels = node.metadata?.labels;
  let podsExist = true;
  for (const t of terms) {
    const v = labels?.[t.topologyKey];
    // Every topology key must be present on the node.
    if (v === undefined) return false;
    if ((s.affinity.get(pairKey(t.topologyKey, v)) ?? 0) <= 0) podsExist = false;
  }
  if (podsExist) return true;
  // The first pod of a group that has affinity to itself: no pod matches anywhere yet,
  // and the pod matches its own terms, so let it start the group.
  return s.affinity.size === 0 && matchesAllTerms(terms, s.podInfo.pod, s.podNsLabels);
}

function satisfiesPodAntiAffinity(s: PreFilterState, node: Node): boolean {
  if (s.antiAffinity.size === 0) return true;
  const labels = node.metadata?.labels;
  for (const t of s.podInfo.requiredAntiAffinityTerms) {
    const v = labels?.[t.topologyKey];
    if (v !== undefined && (s.antiAffinity.get(pairKey(t.topologyKey, v)) ?? 0) > 0) return false;
  }
  return true;
}

function satisfiesExistingPodsAntiAffinity(s: PreFilterState, node: Node): boolean {
  if (s.existingAntiAffinity.size === 0) return true;
  const labels = node.metadata?.labels;
  for (const k in labels) if ((s.existingAntiAffinity.get(pairKey(k, labels[k])) ?? 0) > 0) return false;
  return true;
}

/** Per topology key, per value: the summed weights (PreScore). */
type TopologyScore = Map<string, Map<string, number>>;

function addScore(score: TopologyScore, node: Node, key: string, weight: number): void {
  const v = node.metadata?.labels?.[key];
  if (v === undefined) return;
  let m = score.get(key);
  if (!m) score.set(key, (m = new Map()));
  m.set(v, (m.get(v) ?? 0) + weight);
}

export const factory: PluginFactory = (handle, rawArgs): PreFilterPlugin & FilterPlugin & PreScorePlugin & ScorePlugin => {
  const args = (rawArgs ?? {}) as InterPodAffinityArgs;
  const hardPodAffinityWeight = args.hardPodAffinityWeight ?? 1;
  const ignorePreferredTermsOfExistingPods = args.ignorePreferredTermsOfExistingPods ?? false;

  const state = (cs: CycleState) => cs.read<PreFilterState>(PRE_FILTER_KEY);

  return {
    name: NAME,

    preFilter(cs: CycleState, pod: Pod, nodes: NodeInfo[]) {
      const pi = newPodInfo(pod);
      const s = new PreFilterState(pi, new NamespaceLabels(handle), new TopologyCounts(), new TopologyCounts(), new TopologyCounts());
      const podNs = s.podNsLabels;
      for (const ni of nodes) {
        if (ni.podsWithRequiredAntiAffinity.length === 0) continue;
        for (const existing of ni.podsWithRequiredAntiAffinity) {
          for (const t of existing.requiredAntiAffinityTerms) if (termMatches(t, pod, podNs)) s.existingAntiAffinity.bump(ni.node, t.topologyKey, 1);
        }
      }
      if (pi.requiredAffinityTerms.length > 0 || pi.requiredAntiAffinityTerms.length > 0) {
        for (const ni of nodes) {
          for (const existing of ni.pods) {
            const ns = s.nsLabels.get(existing.pod.metadata?.namespace ?? 'default');
            if (matchesAllTerms(pi.requiredAffinityTerms, existing.pod, ns)) {
              for (const t of pi.requiredAffinityTerms) s.affinity.bump(ni.node, t.topologyKey, 1);
            }
            for (const t of pi.requiredAntiAffinityTerms) if (termMatches(t, existing.pod, ns)) s.antiAffinity.bump(ni.node, t.topologyKey, 1);
          }
        }
      } else if (s.existingAntiAffinity.size === 0) {
        return { status: Status.skip() };
      }
      cs.write(PRE_FILTER_KEY, s);
      return { status: Status.success() };
    },

    addPod(cs, _pod, add, ni) {
      state(cs)?.update(add, ni.node, 1);
      return Status.success();
    },

    removePod(cs, _pod, remove, ni) {
      state(cs)?.update(remove, ni.node, -1);
      return Status.success();
    },

    filter(cs, _pod, ni) {
      const s = state(cs);
      if (!s) return Status.error(`reading "${PRE_FILTER_KEY}" from cycleState: not found`);
      if (!satisfiesPodAffinity(s, ni.node)) return Status.unresolvable(ERR_REASON_AFFINITY);
      if (!satisfiesPodAntiAffinity(s, ni.node)) return Status.unschedulable(ERR_REASON_ANTI_AFFINITY);
      if (!satisfiesExistingPodsAntiAffinity(s, ni.node)) return Status.unschedulable(ERR_REASON_EXISTING_ANTI_AFFINITY);
      return Status.success();
    },

    preScore(cs, pod, nodesToScore) {
      if (nodesToScore.length === 0) return Status.skip();
      const pi = newPodInfo(pod);
      const hasConstraints = pi.preferredAffinityTerms.length > 0 || pi.preferredAntiAffinityTerms.length > 0;
      if (ignorePreferredTermsOfExistingPods && !hasConstraints) return Status.skip();
      const snap = handle.snapshot();
      // Without preferred terms of its own, only pods that have affinity terms can count.
      const nodes = hasConstraints ? snap.nodeInfos : snap.havePodsWithAffinity;
      const nsLabels = new NamespaceLabels(handle);
      const podNs = nsLabels.get(pod.metadata?.namespace ?? 'default');
      const score: TopologyScore = new Map();
      const processTerms = (terms: WeightedAffinityTerm[], target: Pod, targetNs: Labels, node: Node, sign: number) => {
        for (const t of terms) if (termMatches(t, target, targetNs)) addScore(score, node, t.topologyKey, t.weight * sign);
      };
      for (const ni of nodes) {
        const node = ni.node;
        const labels = node.metadata?.labels;
        if (!labels || Object.keys(labels).length === 0) continue;
        for (const existing of hasConstraints ? ni.pods : ni.podsWithAffinity) {
          const existingNs = nsLabels.get(existing.pod.metadata?.namespace ?? 'default');
          processTerms(pi.preferredAffinityTerms, existing.pod, existingNs, node, 1);
          processTerms(pi.preferredAntiAffinityTerms, existing.pod, existingNs, node, -1);
          if (hardPodAffinityWeight > 0) {
            for (const t of existing.requiredAffinityTerms) if (termMatches(t, pod, podNs)) addScore(score, node, t.topologyKey, hardPodAffinityWeight);
          }
          processTerms(existing.preferredAffinityTerms, pod, podNs, node, 1);
          processTerms(existing.preferredAntiAffinityTerms, pod, podNs, node, -1);
        }
      }
      if (score.size === 0) return Status.skip();
      cs.write(PRE_SCORE_KEY, score);
      return Status.success();
    },

    score(cs, _pod, ni) {
      const score = cs.read<TopologyScore>(PRE_SCORE_KEY);
      const labels = ni.labels;
      if (!score || !labels) return 0;
      let total = 0;
      for (const [key, values] of score) {
        const v = labels[key];
        if (v !== undefined) total += values.get(v) ?? 0;
      }
      return total;
    },

    normalizeScore(cs, _pod, scores) {
      if (!cs.read<TopologyScore>(PRE_SCORE_KEY)) return;
      let min = Infinity, max = -Infinity;
      for (const s of scores) { if (s.score > max) max = s.score; if (s.score < min) min = s.score; }
      const diff = max - min;
      for (const s of scores) s.score = diff > 0 ? Math.trunc((MAX_NODE_SCORE * (s.score - min)) / diff) : 0;
    },
  };
};
