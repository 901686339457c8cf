// NodeAffinity (upstream nodeaffinity): the pod's nodeSelector and required node
// affinity filter nodes; required terms that all pin metadata.name narrow the cycle to
// those nodes in PreFilter; preferred terms score a node by the weights it matches.
// Args (NodeAffinityArgs): addedAffinity, a node affinity every pod of the profile gets.

import type { V1NodeAffinity } from '@kubernetes/client-node';
import { MAX_NODE_SCORE, Status, type CycleState, type FilterPlugin, type Node, type PluginFactory, type Pod, type PreFilterPlugin, type PreScorePlugin, type ScorePlugin } from '../framework/types.ts';
import { compileNodeSelector, compilePreferredTerms, preferredScore, requiredNodeAffinity, type RequiredNodeAffinity } from './nodeselector.ts';
import { defaultNormalizeScore } from './normalize.ts';
import { StateSlot } from './stateslot.ts';

export const NAME = 'NodeAffinity';
export const ERR_REASON_POD = "node(s) didn't match Pod's node affinity/selector";
export const ERR_REASON_ENFORCED = "node(s) didn't match scheduler-enforced node affinity";
export const ERR_REASON_CONFLICT = 'pod affinity terms conflict';

export type NodeAffinityArgs = { addedAffinity?: V1NodeAffinity };

type Preferred = ReturnType<typeof compilePreferredTerms>;

/** The node names a pod's required affinity pins with matchFields metadata.name In; undefined when not pinned. */
function pinnedNodeNames(pod: Pod): Set<string> | undefined {
  const terms = pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? [];
  if (terms.length === 0) return undefined;
  const names = new Set<string>();
  for (const t of terms) {
    let termNames: Set<string> | undefined;
    for (const r of t.matchFields ?? []) {
      if (r.key !== 'metadata.name' || r.operator !== 'In') continue;
      const s = new Set(r.values ?? []);
      termNames = termNames ? new Set([...termNames].filter((n) => s.has(n))) : s;
    }
    // A term without a name requirement admits every node: the terms are ORed.
    if (!termNames) return undefined;
    for (const n of termNames) names.add(n);
  }
  return names;
}

export const factory: PluginFactory = (_handle, rawArgs): PreFilterPlugin & FilterPlugin & PreScorePlugin & ScorePlugin => {
  const args = (rawArgs ?? {}) as NodeAffinityArgs;
  const addedRequired = args.addedAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  const addedSelector: ((n: Node) => boolean) | undefined = addedRequired ? compileNodeSelector(addedRequired) : undefined;
  const addedPreferred: Preferred | undefined = args.addedAffinity?.preferredDuringSchedulingIgnoredDuringExecution?.length
    ? compilePreferredTerms(args.addedAffinity.preferredDuringSchedulingIgnoredDuringExecution)
    : undefined;

  const preFilterSlot = new StateSlot<RequiredNodeAffinity>('PreFilter' + NAME);
  const preScoreSlot = new StateSlot<Preferred>('PreScore' + NAME);

  return {
    name: NAME,
    preFilter(state: CycleState, pod: Pod) {
      const required = pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
      if (!required && !addedSelector && !pod.spec?.nodeSelector) return { status: Status.skip() };
      preFilterSlot.write(state, requiredNodeAffinity(pod));
      const names = pinnedNodeNames(pod);
      if (!names) return { status: Status.success() };
      if (names.size === 0) return { status: Status.unresolvable(ERR_REASON_CONFLICT) };
      return { result: { nodeNames: names }, status: Status.success() };
    },
    filter(state, pod, ni) {
      if (addedSelector && !addedSelector(ni.node)) return Status.unresolvable(ERR_REASON_ENFORCED);
      const required = preFilterSlot.read(state) ?? requiredNodeAffinity(pod);
      return required.match(ni.node) ? Status.success() : Status.unresolvable(ERR_REASON_POD);
    },
    preScore(state, pod) {
      const terms = pod.spec?.affinity?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution;
      if (!terms && !addedPreferred) return Status.skip();
      preScoreSlot.write(state, terms ? compilePreferredTerms(terms) : []);
      return Status.success();
    },
    score(state, pod, ni) {
      let score = addedPreferred ? preferredScore(addedPreferred, ni.node) : 0;
      const terms = preScoreSlot.read(state) ?? compilePreferredTerms(pod.spec?.affinity?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? []);
      score += preferredScore(terms, ni.node);
      return score;
    },
    normalizeScore(_state, _pod, scores) {
      defaultNormalizeScore(MAX_NODE_SCORE, false, scores);
    },
  };
};
