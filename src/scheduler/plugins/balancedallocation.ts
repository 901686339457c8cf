// NodeResourcesBalancedAllocation (upstream noderesources/balanced_allocation.go):
// prefers nodes whose resources would be used evenly with the pod on them; the score
// is (1 - standard deviation of the used fractions) × 100, over the plain requests.

import { MAX_NODE_SCORE, Status, type PluginFactory, type PreScorePlugin, type ScorePlugin } from '../framework/types.ts';
import { StateSlot } from './stateslot.ts';
import { DEFAULT_RESOURCES, podRequestList, ResourceAllocationScorer, type ResourceSpec } from './resourceallocation.ts';

export const NAME = 'NodeResourcesBalancedAllocation';

export type BalancedAllocationArgs = { resources?: ResourceSpec[] };

/** The used fraction of resource i, capped at 1; NaN when the node does not offer it. */
const fraction = (requested: number[], allocatable: number[], i: number) => (allocatable[i] === 0 ? NaN : Math.min(requested[i] / allocatable[i], 1));

export function balancedResourceScorer(requested: number[], allocatable: number[]): number {
  // Two passes over the vectors rather than a fractions array: this runs per node.
  let n = 0, total = 0, first = NaN, second = NaN;
  for (let i = 0; i < requested.length; i++) {
    const f = fraction(requested, allocatable, i);
    if (Number.isNaN(f)) continue;
    if (n === 0) first = f; else if (n === 1) second = f;
    total += f;
    n++;
  }
  let std = 0;
  if (n === 2) std = Math.abs((first - second) / 2);
  else if (n > 2) {
    const mean = total / n;
    let sum = 0;
    for (let i = 0; i < requested.length; i++) {
      const f = fraction(requested, allocatable, i);
      if (!Number.isNaN(f)) sum += (f - mean) * (f - mean);
    }
    std = Math.sqrt(sum / n);
  }
  return Math.trunc((1 - std) * MAX_NODE_SCORE);
}

export const factory: PluginFactory = (_handle, rawArgs): PreScorePlugin & ScorePlugin => {
  const resources = ((rawArgs ?? {}) as BalancedAllocationArgs).resources ?? DEFAULT_RESOURCES;
  const scorer = new ResourceAllocationScorer(resources, true, balancedResourceScorer);
  const preScoreSlot = new StateSlot<number[]>('PreScore' + NAME);
  return {
    name: NAME,
    preScore(state, pod) {
      preScoreSlot.write(state, podRequestList(pod, resources, false));
      return Status.success();
    },
    score(state, pod, ni) {
      return scorer.score(ni, preScoreSlot.read(state) ?? podRequestList(pod, resources, false));
    },
  };
};
