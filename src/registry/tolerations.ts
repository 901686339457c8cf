// DefaultTolerationSeconds admission (upstream plugin/pkg/admission/defaulttolerationseconds):
// a new pod that does not already tolerate the node controller's not-ready and unreachable
// NoExecute taints gets a toleration for each, bounded by tolerationSeconds (300 s by default),
// so that its pods leave a failed node after five minutes rather than at once or never.

import type { ResourceHooks } from './generic.ts';
import type { KubeObject } from './object.ts';

export const TAINT_NODE_NOT_READY = 'node.kubernetes.io/not-ready';
export const TAINT_NODE_UNREACHABLE = 'node.kubernetes.io/unreachable';
export const DEFAULT_TOLERATION_SECONDS = 300;

interface Toleration { key?: string; operator?: string; value?: string; effect?: string; tolerationSeconds?: number }

/** Whether a toleration already covers the key's NoExecute taint (an empty key or effect is a wildcard). */
const covers = (t: Toleration, key: string): boolean =>
  (!t.key || t.key === key) && (!t.effect || t.effect === 'NoExecute');

export interface DefaultTolerationSecondsOptions {
  notReadySeconds?: number;
  unreachableSeconds?: number;
}

export function defaultTolerationSecondsAdmission(o: DefaultTolerationSecondsOptions = {}): ResourceHooks {
  const defaults: [string, number][] = [
    [TAINT_NODE_NOT_READY, o.notReadySeconds ?? DEFAULT_TOLERATION_SECONDS],
    [TAINT_NODE_UNREACHABLE, o.unreachableSeconds ?? DEFAULT_TOLERATION_SECONDS],
  ];
  return {
    beforeCreate(obj: KubeObject) {
      const spec = (obj.spec ?? {}) as { tolerations?: Toleration[] };
      const tolerations = Array.isArray(spec.tolerations) ? spec.tolerations : [];
      const added: Toleration[] = [];
      for (const [key, seconds] of defaults) {
        if (!tolerations.some((t) => t && covers(t, key))) added.push({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: seconds });
      }
      if (added.length === 0) return;
      spec.tolerations = [...tolerations, ...added];
      obj.spec = spec as KubeObject['spec'];
    },
  };
}

/** Several admission hooks run as one, in order (upstream's admission chain for one resource). */
export function chainHooks(...all: ResourceHooks[]): ResourceHooks {
  return {
    beforeCreate(obj, dryRun) { for (const h of all) h.beforeCreate?.(obj, dryRun); },
    beforeUpdate(obj, old, dryRun) { for (const h of all) h.beforeUpdate?.(obj, old, dryRun); },
    rollback(obj, old) { for (const h of [...all].reverse()) h.rollback?.(obj, old); },
    afterUpdate(obj, old) { for (const h of all) h.afterUpdate?.(obj, old); },
    afterDelete(obj) { for (const h of all) h.afterDelete?.(obj); },
  };
}
