// apps/v1 ReplicaSet (pkg/registry/apps/replicaset/strategy.go).

import type { Errs } from '../validation/fields.ts';
import { obj, setDefault } from '../validation/json.ts';
import { validateReplicaSetSpec } from '../validation/workloads.ts';
import type { KubeObject } from '../object.ts';
import { keepAllButStatus, keepOldStatus, resetStatus, specOf, statusOf } from './common.ts';
import { replicasField, validateCounters, validateSelectorImmutable } from './apps.ts';
import { defaultPodTemplate } from './podDefaults.ts';
import type { Strategy } from './strategy.ts';

function defaults(rs: KubeObject): void {
  const spec = specOf(rs);
  setDefault(spec, 'replicas', 1);
  defaultPodTemplate(obj(spec, 'template'));
}

function validate(rs: KubeObject): Errs {
  const errs: Errs = [];
  validateReplicaSetSpec(errs, specOf(rs));
  return errs;
}

function validateUpdate(rs: KubeObject, old: KubeObject): Errs {
  const errs = validate(rs);
  validateSelectorImmutable(errs, rs, old);
  return errs;
}

function validateStatusUpdate(rs: KubeObject): Errs {
  const errs: Errs = [];
  validateCounters(errs, statusOf(rs),
    ['replicas', 'fullyLabeledReplicas', 'readyReplicas', 'availableReplicas', 'observedGeneration'],
    ['fullyLabeledReplicas', 'readyReplicas', 'availableReplicas'], 'cannot be greater than readyReplicas');
  return errs;
}

export const replicaSetStrategy: Strategy = {
  hasStatus: true,
  hasGeneration: true,
  defaults,
  // ReplicaSetStatus.replicas has no omitempty, so a new object shows replicas: 0.
  prepareForCreate: (rs) => resetStatus(rs, { replicas: 0 }),
  prepareForUpdate: keepOldStatus,
  validate,
  validateUpdate,
  prepareForStatusUpdate: keepAllButStatus,
  validateStatusUpdate,
  selectableFields: replicasField,
};
