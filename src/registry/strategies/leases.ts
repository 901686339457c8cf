// coordination.k8s.io/v1 Lease (pkg/registry/coordination/lease/strategy.go, pkg/apis/coordination/validation).

import { fieldInvalid } from '../validation/fielderrors.ts';
import type { Errs } from '../validation/fields.ts';
import { isObject } from '../validation/json.ts';
import type { KubeObject } from '../object.ts';
import type { Strategy } from './strategy.ts';

/** Coordinated leader election is alpha (off) in v1.32: its fields are dropped unless already stored. */
function dropDisabledFields(lease: KubeObject, old: KubeObject | undefined): void {
  if (!isObject(lease.spec)) return;
  const oldSpec = old && isObject(old.spec) ? old.spec : {};
  if (oldSpec.strategy === undefined) delete lease.spec.strategy;
  if (oldSpec.preferredHolder === undefined) delete lease.spec.preferredHolder;
}

function validate(lease: KubeObject): Errs {
  const errs: Errs = [];
  const spec = isObject(lease.spec) ? lease.spec : {};
  const duration = spec.leaseDurationSeconds;
  if (typeof duration === 'number' && duration <= 0) errs.push(fieldInvalid('spec.leaseDurationSeconds', duration, 'must be greater than 0'));
  const transitions = spec.leaseTransitions;
  if (typeof transitions === 'number' && transitions < 0) errs.push(fieldInvalid('spec.leaseTransitions', transitions, 'must be greater than or equal to 0'));
  return errs;
}

export const leaseStrategy: Strategy = {
  prepareForCreate: (l) => dropDisabledFields(l, undefined),
  prepareForUpdate: dropDisabledFields,
  validate,
  validateUpdate: (l) => validate(l),
};
