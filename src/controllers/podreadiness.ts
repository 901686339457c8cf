// Pod readiness as controllers judge it (upstream pkg/api/v1/pod: IsPodReady, IsPodAvailable).

import type { KObject } from '../client/informer.ts';
import type { OwnerReference } from './framework/controllerref.ts';

export interface PodCondition { type: string; status: string; lastTransitionTime?: string }

export interface Pod extends KObject {
  metadata: KObject['metadata'] & {
    annotations?: Record<string, string>;
    ownerReferences?: OwnerReference[];
    creationTimestamp?: string;
    deletionTimestamp?: string;
    finalizers?: string[];
  };
  spec?: Record<string, unknown> & { nodeName?: string; volumes?: Record<string, unknown>[] };
  status?: { phase?: string; conditions?: PodCondition[] };
}

export const isPodReady = (p: Pod): boolean => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;

/** Ready for at least minReadySeconds. */
export function isPodAvailable(p: Pod, minReadySeconds: number, now = Date.now()): boolean {
  const ready = p.status?.conditions?.find((c) => c.type === 'Ready' && c.status === 'True');
  if (!ready) return false;
  if (!minReadySeconds) return true;
  const since = ready.lastTransitionTime ? Date.parse(ready.lastTransitionTime) : NaN;
  return !Number.isNaN(since) && since + minReadySeconds * 1000 <= now;
}

export const isPodTerminal = (p: Pod): boolean => p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed';
