// Taint and toleration matching (upstream core/v1 helper: ToleratesTaint,
// TolerationsTolerateTaint, FindMatchingUntoleratedTaint), shared by the plugins that
// look at node taints.

import type { V1Taint, V1Toleration } from '@kubernetes/client-node';

/** An empty toleration effect matches every effect, an empty key with Exists every taint. */
export function toleratesTaint(t: Pick<V1Toleration, 'key' | 'operator' | 'value' | 'effect'>, taint: Pick<V1Taint, 'key' | 'value' | 'effect'>): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if (t.key && t.key !== taint.key) return false;
  switch (t.operator ?? '') {
    case '':
    case 'Equal': return (t.value ?? '') === (taint.value ?? '');
    case 'Exists': return true;
    default: return false;
  }
}

export function tolerationsTolerateTaint(tolerations: V1Toleration[] | undefined, taint: V1Taint): boolean {
  if (!tolerations) return false;
  for (const t of tolerations) if (toleratesTaint(t, taint)) return true;
  return false;
}

/** Taints that keep pods off a node: NoSchedule and NoExecute (DoNotScheduleTaintsFilterFunc). */
export const isDoNotScheduleTaint = (t: V1Taint): boolean => t.effect === 'NoSchedule' || t.effect === 'NoExecute';

/** The first taint passing `which` that no toleration tolerates. */
export function findUntoleratedTaint(taints: V1Taint[] | undefined, tolerations: V1Toleration[] | undefined, which: (t: V1Taint) => boolean): V1Taint | undefined {
  if (!taints) return undefined;
  for (const taint of taints) {
    if (which(taint) && !tolerationsTolerateTaint(tolerations, taint)) return taint;
  }
  return undefined;
}
