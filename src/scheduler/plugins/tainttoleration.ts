// TaintToleration (upstream tainttoleration): a NoSchedule or NoExecute taint the pod
// does not tolerate keeps it off the node; each untolerated PreferNoSchedule taint
// counts against the node, and the normalised score is reversed so fewer is better.

import type { V1Toleration } from '@kubernetes/client-node';
import { MAX_NODE_SCORE, Status, type FilterPlugin, type PluginFactory, type PreScorePlugin, type ScorePlugin } from '../framework/types.ts';
import { defaultNormalizeScore } from './normalize.ts';
import { StateSlot } from './stateslot.ts';
import { findUntoleratedTaint, isDoNotScheduleTaint, tolerationsTolerateTaint } from './taints.ts';

export const NAME = 'TaintToleration';

export const untoleratedTaintReason = (key: string, value: string | undefined): string => `node(s) had untolerated taint {${key}: ${value ?? ''}}`;

export const factory: PluginFactory = (): FilterPlugin & PreScorePlugin & ScorePlugin => {
  const preScoreSlot = new StateSlot<V1Toleration[]>('PreScore' + NAME);
  return {
  name: NAME,
  filter(_state, pod, ni) {
    const taints = ni.taints;
    if (!taints || taints.length === 0) return Status.success();
    const taint = findUntoleratedTaint(taints, pod.spec?.tolerations, isDoNotScheduleTaint);
    return taint ? Status.unresolvable(untoleratedTaintReason(taint.key, taint.value)) : Status.success();
  },
  preScore(state, pod) {
    // Only tolerations that can apply to PreferNoSchedule taints matter for scoring.
    const tolerations = (pod.spec?.tolerations ?? []).filter((t) => !t.effect || t.effect === 'PreferNoSchedule');
    preScoreSlot.write(state, tolerations);
    return Status.success();
  },
  score(state, pod, ni) {
    const taints = ni.taints;
    if (!taints || taints.length === 0) return 0;
    const tolerations = preScoreSlot.read(state) ?? pod.spec?.tolerations ?? [];
    let intolerable = 0;
    for (const t of taints) if (t.effect === 'PreferNoSchedule' && !tolerationsTolerateTaint(tolerations, t)) intolerable++;
    return intolerable;
  },
  normalizeScore(_state, _pod, scores) {
    defaultNormalizeScore(MAX_NODE_SCORE, true, scores);
  },
  };
};
