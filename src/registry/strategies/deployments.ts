// apps/v1 Deployment (pkg/registry/apps/deployment/strategy.go, SetDefaults_Deployment).

import type { Errs } from '../validation/fields.ts';
import { ensureObj, obj, setDefault, setDefaultString } from '../validation/json.ts';
import { validateDeploymentSpec } from '../validation/workloads.ts';
import type { KubeObject } from '../object.ts';
import { keepOldStatus, resetStatus, specOf, statusOf } from './common.ts';
import { validateCollisionCount, validateCounters, validateSelectorImmutable, keepSpecAndLabels } from './apps.ts';
import { defaultPodTemplate } from './podDefaults.ts';
import type { Strategy } from './strategy.ts';

function defaults(d: KubeObject): void {
  const spec = specOf(d);
  setDefault(spec, 'replicas', 1);
  const strategy = ensureObj(spec, 'strategy');
  setDefaultString(strategy, 'type', 'RollingUpdate');
  if (strategy.type === 'RollingUpdate') {
    const ru = ensureObj(strategy, 'rollingUpdate');
    setDefault(ru, 'maxUnavailable', '25%');
    setDefault(ru, 'maxSurge', '25%');
  }
  setDefault(spec, 'revisionHistoryLimit', 10);
  setDefault(spec, 'progressDeadlineSeconds', 600);
  defaultPodTemplate(obj(spec, 'template'));
}

function validate(d: KubeObject): Errs {
  const errs: Errs = [];
  validateDeploymentSpec(errs, specOf(d));
  return errs;
}

function validateUpdate(d: KubeObject, old: KubeObject): Errs {
  const errs = validate(d);
  validateSelectorImmutable(errs, d, old);
  return errs;
}

function validateStatusUpdate(d: KubeObject, old: KubeObject): Errs {
  const errs: Errs = [];
  validateCounters(errs, statusOf(d),
    ['observedGeneration', 'replicas', 'updatedReplicas', 'readyReplicas', 'availableReplicas', 'unavailableReplicas', 'collisionCount'],
    ['updatedReplicas', 'readyReplicas', 'availableReplicas'], 'cannot be greater than readyReplicas');
  validateCollisionCount(errs, d, old);
  return errs;
}

export const deploymentStrategy: Strategy = {
  hasStatus: true,
  hasGeneration: true,
  defaults,
  prepareForCreate: (d) => resetStatus(d),
  prepareForUpdate: keepOldStatus,
  validate,
  validateUpdate,
  prepareForStatusUpdate: keepSpecAndLabels,
  validateStatusUpdate,
};
