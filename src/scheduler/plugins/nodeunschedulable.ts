// NodeUnschedulable (upstream nodeunschedulable): a cordoned node (spec.unschedulable)
// takes only pods that tolerate the node.kubernetes.io/unschedulable:NoSchedule taint.

import { Status, type FilterPlugin, type PluginFactory } from '../framework/types.ts';
import { tolerationsTolerateTaint } from './taints.ts';

export const NAME = 'NodeUnschedulable';
export const ERR_REASON_UNSCHEDULABLE = 'node(s) were unschedulable';
export const TAINT_NODE_UNSCHEDULABLE = 'node.kubernetes.io/unschedulable';

const UNSCHEDULABLE_TAINT = { key: TAINT_NODE_UNSCHEDULABLE, effect: 'NoSchedule' };

export const factory: PluginFactory = (): FilterPlugin => ({
  name: NAME,
  filter(_state, pod, ni) {
    if (!ni.unschedulable) return Status.success();
    if (tolerationsTolerateTaint(pod.spec?.tolerations, UNSCHEDULABLE_TAINT)) return Status.success();
    return Status.unresolvable(ERR_REASON_UNSCHEDULABLE);
  },
});
