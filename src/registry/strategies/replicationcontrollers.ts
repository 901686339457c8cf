// core/v1 ReplicationController (SetDefaults_ReplicationController, ValidateReplicationController*).

import type { Errs } from '../validation/fields.ts';
import { isObject, obj, setDefault } from '../validation/json.ts';
import { validateReplicationControllerSpec } from '../validation/workloads.ts';
import { clone } from '../validation/json.ts';
import type { KubeObject } from '../object.ts';
import { keepAllButStatus, keepOldStatus, resetStatus, specOf, statusOf } from './common.ts';
import { replicasField, validateCounters } from './apps.ts';
import { defaultPodTemplate } from './podDefaults.ts';
import type { Strategy } from './strategy.ts';

function defaults(rc: KubeObject): void {
  const spec = specOf(rc);
  const labels = obj(obj(spec, 'template'), 'metadata')?.labels;
  // The selector and the object's labels default to the template's labels.
  if (isObject(labels)) {
    if (!isObject(spec.selector) || Object.keys(spec.selector).length === 0) spec.selector = clone(labels);
    if (!isObject(rc.metadata.labels) || Object.keys(rc.metadata.labels).length === 0) rc.metadata.labels = clone(labels) as Record<string, string>;
  }
  setDefault(spec, 'replicas', 1);
  defaultPodTemplate(obj(spec, 'template'));
}

function validate(rc: KubeObject): Errs {
  const errs: Errs = [];
  validateReplicationControllerSpec(errs, specOf(rc));
  return errs;
}

function validateStatusUpdate(rc: KubeObject): Errs {
  const errs: Errs = [];
  validateCounters(errs, statusOf(rc),
    ['replicas', 'fullyLabeledReplicas', 'readyReplicas', 'availableReplicas', 'observedGeneration'],
    ['fullyLabeledReplicas', 'readyReplicas', 'availableReplicas'], 'cannot be greater than readyReplicas');
  return errs;
}

export const replicationControllerStrategy: Strategy = {
  hasStatus: true,
  hasGeneration: true,
  defaults,
  prepareForCreate: (rc) => resetStatus(rc, { replicas: 0 }),
  prepareForUpdate: keepOldStatus,
  validate,
  // RC selectors stay mutable (only apps/v1 made them immutable).
  validateUpdate: (rc) => validate(rc),
  prepareForStatusUpdate: keepAllButStatus,
  validateStatusUpdate,
  selectableFields: replicasField,
};
