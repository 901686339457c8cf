// NodeResourcesBalancedAllocation (upstream noderesources/balanced_allocation.go):
// prefers nodes whose resources would be used evenly with the pod on them; the score
// is (1 - standard deviation of the used fractions) × 100, over the plain requests.

import { MAX_NODE_SCORE, Status, type PluginFactory, type PreScorePlugin, type ScorePlugin } from '../framework/types.ts';
import { DEFAULT_RESOURCES, podRequestList, ResourceAllocationScorer, type ResourceSpec } from './resourceallocation.ts';

export const NAME = 'NodeResourcesBalancedAllocation';
const PRE_SCORE_KEY = 'PreScore' + NAME;

export type BalancedAllocationArgs = { resources?: ResourceSpec[] };

export function balancedResourceScorer(requested: number[], allocatable: number[]): number {
  const fractions: number[] = [];
  let total = 0;
  for (let i = 0; i < requested.length; i++) {
    if (allocatable[i] === 0) continue;
    const f = Math.min(requested[i] / allocatable[i], 1);
    total += f;
    fractions.push(f);
  }
  let std = 0;
  if (fractions.length === 2) std = Math.abs((fractions[0] - fractions[1]) / 2);
  else if (fractions.length > 2) {
    const mean = total / fractions.length;
    let sum = 0;
    for (const f of fractions) sum += (f - mean) * (f - mean);
    std = Math.sqrt(sum / fractions.length);
  }
  return Math.trunc((1 - std) * MAX_NODE_SCORE);
}

export const factory: PluginFactory = (_handle, rawArgs): PreScorePlugin & ScorePlugin => {
  const resources = ((rawArgs ?? {}) as BalancedAllocationArgs).resources ?? DEFAULT_RESOURCES;
  const scorer = new ResourceAllocationScorer(resources, true, balancedResourceScorer);
  return {
    name: NAME,
    preScore(state, pod) {
      state.write(PRE_SCORE_KEY, podRequestList(pod, resources, false));
      return Status.success();
    },
    score(state, pod, ni) {
      return scorer.score(ni, state.read<number[]>(PRE_SCORE_KEY) ?? podRequestList(pod, resources, false));
    },
  };
};
