// PrioritySort (upstream queuesort): the QueueSort plugin. The pod with the higher
// spec.priority goes first; between equals, the one queued earlier.

import type { PluginFactory, Pod } from '../framework/types.ts';

export const NAME = 'PrioritySort';

/** corev1helpers.PodPriority: a pod without a resolved priority counts as 0. */
export const podPriority = (pod: Pod): number => pod.spec?.priority ?? 0;

/** What the queue knows of a waiting pod: the pod and when it was (re)queued. */
export interface QueuedPod { pod: Pod; timestamp: number }

export function less(a: QueuedPod, b: QueuedPod): boolean {
  const pa = podPriority(a.pod), pb = podPriority(b.pod);
  return pa > pb || (pa === pb && a.timestamp < b.timestamp);
}

export interface QueueSortPlugin { readonly name: string; less(a: QueuedPod, b: QueuedPod): boolean }

export const factory: PluginFactory = (): QueueSortPlugin => ({ name: NAME, less });
