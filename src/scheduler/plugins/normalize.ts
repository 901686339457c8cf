// DefaultNormalizeScore (upstream plugins/helper): scales raw scores so the highest
// becomes maxPriority, optionally reversed so that fewer is better.

import type { NodeScore } from '../framework/types.ts';

export function defaultNormalizeScore(maxPriority: number, reverse: boolean, scores: NodeScore[]): void {
  let max = 0;
  for (const s of scores) if (s.score > max) max = s.score;
  if (max === 0) {
    if (reverse) for (const s of scores) s.score = maxPriority;
    return;
  }
  for (const s of scores) {
    const v = Math.trunc((maxPriority * s.score) / max);
    s.score = reverse ? maxPriority - v : v;
  }
}
