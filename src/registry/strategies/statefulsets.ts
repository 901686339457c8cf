// apps/v1 StatefulSet (pkg/registry/apps/statefulset/strategy.go, SetDefaults_StatefulSet).

import { fieldForbidden } from '../validation/fielderrors.ts';
import type { Errs } from '../validation/fields.ts';
import { clone, ensureObj, obj, objects, semanticEqual, setDefault, setDefaultString } from '../validation/json.ts';
import { validateStatefulSetSpec } from '../validation/workloads.ts';
import type { KubeObject } from '../object.ts';
import { keepAllButStatus, keepOldStatus, resetStatus, specOf, statusOf } from './common.ts';
import { validateCollisionCount, validateCounters } from './apps.ts';
import { defaultPVCSpec, defaultPodTemplate } from './podDefaults.ts';
import type { Strategy } from './strategy.ts';

function defaults(sts: KubeObject): void {
  const spec = specOf(sts);
  setDefaultString(spec, 'podManagementPolicy', 'OrderedReady');
  const us = ensureObj(spec, 'updateStrategy');
  if (us.type === undefined || us.type === null || us.type === '') {
    us.type = 'RollingUpdate';
    setDefault(us, 'rollingUpdate', {});
  }
  const ru = obj(us, 'rollingUpdate');
  if (us.type === 'RollingUpdate' && ru) setDefault(ru, 'partition', 0);
  const retention = ensureObj(spec, 'persistentVolumeClaimRetentionPolicy');
  setDefaultString(retention, 'whenDeleted', 'Retain');
  setDefaultString(retention, 'whenScaled', 'Retain');
  setDefault(spec, 'replicas', 1);
  setDefault(spec, 'revisionHistoryLimit', 10);
  defaultPodTemplate(obj(spec, 'template'));
  // Claim templates are full PVC objects: apps/v1 conversion stamps their type and they get
  // the PVC defaults (including status.phase Pending).
  for (const [pvc] of objects(spec, 'volumeClaimTemplates')) {
    pvc.apiVersion = 'v1';
    pvc.kind = 'PersistentVolumeClaim';
    defaultPVCSpec(ensureObj(pvc, 'spec'));
    setDefaultString(ensureObj(pvc, 'status'), 'phase', 'Pending');
  }
}

function validate(sts: KubeObject): Errs {
  const errs: Errs = [];
  validateStatefulSetSpec(errs, specOf(sts));
  return errs;
}

const MUTABLE = ['replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy', 'minReadySeconds'];

function validateUpdate(sts: KubeObject, old: KubeObject): Errs {
  const errs = validate(sts);
  const next = clone(specOf(sts));
  const prev = obj(old, 'spec') ?? {};
  for (const f of MUTABLE) {
    if (prev[f] === undefined) delete next[f];
    else next[f] = prev[f];
  }
  if (!semanticEqual(next, prev)) {
    errs.push(fieldForbidden('spec', "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden"));
  }
  return errs;
}

function validateStatusUpdate(sts: KubeObject, old: KubeObject): Errs {
  const errs: Errs = [];
  validateCounters(errs, statusOf(sts),
    ['replicas', 'readyReplicas', 'currentReplicas', 'updatedReplicas', 'availableReplicas', 'observedGeneration', 'collisionCount'],
    ['readyReplicas', 'currentReplicas', 'updatedReplicas', 'availableReplicas'], 'cannot be greater than status.readyReplicas');
  validateCollisionCount(errs, sts, old);
  return errs;
}

export const statefulSetStrategy: Strategy = {
  hasStatus: true,
  hasGeneration: true,
  // apps/v1 StatefulSet names must be DNS labels (they become pod hostnames).
  nameIsLabel: true,
  defaults,
  // replicas and availableReplicas have no omitempty upstream.
  prepareForCreate: (sts) => resetStatus(sts, { replicas: 0, availableReplicas: 0 }),
  prepareForUpdate: keepOldStatus,
  validate,
  validateUpdate,
  prepareForStatusUpdate: keepAllButStatus,
  validateStatusUpdate,
};
