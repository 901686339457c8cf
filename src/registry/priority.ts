// Pod priority admission (upstream plugin/pkg/admission/priority): a new pod's
// spec.priority and spec.preemptionPolicy come from its PriorityClass (or the cluster's
// globalDefault class, else priority 0), and a pod may not state a priority of its own
// that disagrees. The two system classes always exist.

import { forbidden } from '../server/errors.ts';
import type { GenericRegistry, ResourceHooks } from './generic.ts';
import type { KubeObject } from './object.ts';
import { everything } from './selection.ts';
import { allFields } from './selection.ts';

export const SYSTEM_PRIORITY_CLASSES: KubeObject[] = [
  {
    apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'system-node-critical' },
    value: 2000001000, description: 'Used for system critical pods that must not be moved from their current node.', preemptionPolicy: 'PreemptLowerPriority',
  },
  {
    apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'system-cluster-critical' },
    value: 2000000000, description: 'Used for system critical pods that must run in the cluster, but can be moved to another node if necessary.', preemptionPolicy: 'PreemptLowerPriority',
  },
];

interface PodSpec { priorityClassName?: string; priority?: number; preemptionPolicy?: string }
interface PriorityClass { value?: number; globalDefault?: boolean; preemptionPolicy?: string; metadata: { name?: string; creationTimestamp?: string } }

export function priorityAdmission(classes: () => GenericRegistry): ResourceHooks {
  const find = (name: string): PriorityClass | undefined => {
    const reg = classes();
    return reg.cacherHas(undefined, name) ? (reg.getEntry(undefined, name).object as unknown as PriorityClass) : undefined;
  };
  /** The globalDefault class; with several, the one with the lowest value. */
  const globalDefault = (): PriorityClass | undefined => {
    let best: PriorityClass | undefined;
    for (const e of classes().list(undefined, { label: everything, field: allFields }).items) {
      const pc = e.object as unknown as PriorityClass;
      if (pc.globalDefault && (best === undefined || (pc.value ?? 0) < (best.value ?? 0))) best = pc;
    }
    return best;
  };
  return {
    beforeCreate(obj) {
      const spec = (obj.spec ?? {}) as PodSpec;
      const deny = (msg: string) => forbidden(`pods "${obj.metadata.name ?? ''}" is forbidden: ${msg}`);
      let priority = 0;
      let policy = 'PreemptLowerPriority';
      if (spec.priorityClassName) {
        const pc = find(spec.priorityClassName);
        if (!pc) throw deny(`no PriorityClass with name ${spec.priorityClassName} was found`);
        priority = pc.value ?? 0;
        policy = pc.preemptionPolicy ?? policy;
      } else {
        const pc = globalDefault();
        if (pc) {
          spec.priorityClassName = pc.metadata.name;
          priority = pc.value ?? 0;
          policy = pc.preemptionPolicy ?? policy;
        }
      }
      if (spec.priority !== undefined && spec.priority !== null && spec.priority !== priority) {
        throw deny(`the integer value of priority (${spec.priority}) must not be provided in pod spec; priority admission controller computed ${priority} from the given PriorityClass name`);
      }
      if (spec.preemptionPolicy && spec.preemptionPolicy !== policy) {
        throw deny(`the string value of PreemptionPolicy (${spec.preemptionPolicy}) must not be provided in pod spec; priority admission controller computed ${policy} from the given PriorityClass name`);
      }
      spec.priority = priority;
      spec.preemptionPolicy = policy;
      obj.spec = spec as KubeObject['spec'];
    },
  };
}

export async function ensureSystemPriorityClasses(classes: GenericRegistry): Promise<void> {
  for (const pc of SYSTEM_PRIORITY_CLASSES) {
    if (!classes.cacherHas(undefined, pc.metadata.name!)) await classes.create(undefined, structuredClone(pc), { fieldManager: 'kube-apiserver' });
  }
}
