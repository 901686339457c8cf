// Helpers shared by the replica-managing kinds (apps/v1 workloads and ReplicationControllers).

import { fieldInvalid } from '../validation/fielderrors.ts';
import { validateImmutable, validateNonnegative, type Errs } from '../validation/fields.ts';
import { asNumber, clone, isObject, type JsonObject } from '../validation/json.ts';
import type { KubeObject } from '../object.ts';
import { keepAllButStatus, statusOf } from './common.ts';

/** Non-negative counters, then the "cannot be greater than" relations upstream checks. */
export function validateCounters(
  errs: Errs,
  status: JsonObject | undefined,
  counters: readonly string[],
  atMostReplicas: readonly string[],
  availableVsReady?: string,
): void {
  const s = status ?? {};
  for (const f of counters) validateNonnegative(errs, `status.${f}`, s[f]);
  const replicas = asNumber(s.replicas) ?? 0;
  for (const f of atMostReplicas) {
    const v = asNumber(s[f]) ?? 0;
    if (v > replicas) errs.push(fieldInvalid(`status.${f}`, v, 'cannot be greater than status.replicas'));
  }
  if (availableVsReady) {
    const available = asNumber(s.availableReplicas) ?? 0;
    if (available > (asNumber(s.readyReplicas) ?? 0)) errs.push(fieldInvalid('status.availableReplicas', available, availableVsReady));
  }
}

/** status.collisionCount may not go down (IsDecremented: also from set to unset). */
export function validateCollisionCount(errs: Errs, obj: KubeObject, old: KubeObject): void {
  const next = statusOf(obj)?.collisionCount;
  const prev = statusOf(old)?.collisionCount;
  if (typeof prev !== 'number') return;
  if (typeof next !== 'number' || next < prev) {
    errs.push(fieldInvalid('status.collisionCount', typeof next === 'number' ? next : 0, 'cannot be decremented'));
  }
}

/** apps/v1 selectors are immutable (the legacy beta versions allowed changes). */
export function validateSelectorImmutable(errs: Errs, obj: KubeObject, old: KubeObject): void {
  const sel = isObject(obj.spec) ? obj.spec.selector : undefined;
  const oldSel = isObject(old.spec) ? old.spec.selector : undefined;
  validateImmutable(errs, 'spec.selector', sel ?? null, oldSel ?? null);
}

/** Status writes keep spec from storage and, for Deployments, the labels too. */
export function keepSpecAndLabels(obj: KubeObject, old: KubeObject): void {
  keepAllButStatus(obj, old);
  if (old.metadata.labels === undefined) delete obj.metadata.labels;
  else obj.metadata.labels = clone(old.metadata.labels);
}

export const replicasField = (obj: KubeObject): Record<string, string> => ({
  'status.replicas': String(asNumber(statusOf(obj)?.replicas) ?? 0),
});
