// core/v1 PersistentVolume (pkg/registry/core/persistentvolume/strategy.go,
// SetDefaults_PersistentVolume, ValidatePersistentVolume*).

import { fieldForbidden, fieldInvalid } from '../validation/fielderrors.ts';
import { validateImmutable, type Errs } from '../validation/fields.ts';
import { clone, ensureObj, isObject, obj, semanticEqual, setDefault, setDefaultString, str, type JsonObject } from '../validation/json.ts';
import { PV_NON_SOURCE_KEYS, validatePersistentVolumeSpec } from '../validation/storage.ts';
import { describeDiff } from '../validation/diff.ts';
import { now, type KubeObject } from '../object.ts';
import { keepAllButStatus, keepOldStatus, specOf, statusOf } from './common.ts';
import type { Strategy } from './strategy.ts';

function defaults(pv: KubeObject): void {
  const spec = specOf(pv);
  setDefaultString(spec, 'persistentVolumeReclaimPolicy', 'Retain');
  setDefault(spec, 'volumeMode', 'Filesystem');
  const hostPath = obj(spec, 'hostPath');
  if (hostPath) setDefault(hostPath, 'type', '');
  setDefaultString(ensureObj(pv, 'status'), 'phase', 'Pending');
}

function sourceOf(spec: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const k of Object.keys(spec)) if (!PV_NON_SOURCE_KEYS.has(k)) out[k] = spec[k];
  return out;
}

function validate(pv: KubeObject): Errs {
  const errs: Errs = [];
  validatePersistentVolumeSpec(errs, 'spec', specOf(pv));
  return errs;
}

function validateUpdate(pv: KubeObject, old: KubeObject): Errs {
  const errs = validate(pv);
  const spec = specOf(pv);
  const oldSpec = obj(old, 'spec') ?? {};
  const next = sourceOf(spec);
  const prev = sourceOf(oldSpec);
  // csi.controllerExpandSecretRef may be added to a volume that had none.
  const nextCSI = obj(next, 'csi');
  const prevCSI = obj(prev, 'csi');
  if (nextCSI && prevCSI && prevCSI.controllerExpandSecretRef === undefined && nextCSI.controllerExpandSecretRef !== undefined) {
    const c = clone(nextCSI);
    delete c.controllerExpandSecretRef;
    next.csi = c;
  }
  if (!semanticEqual(next, prev)) {
    errs.push(fieldForbidden('spec.persistentvolumesource', `spec.persistentvolumesource is immutable after creation\n${describeDiff(prev, next, 'spec')}`));
  }
  // Upstream reports these two without the spec prefix.
  validateImmutable(errs, 'volumeMode', spec.volumeMode ?? null, oldSpec.volumeMode ?? null);
  if (isObject(oldSpec.nodeAffinity) && !semanticEqual(spec.nodeAffinity, oldSpec.nodeAffinity)) {
    errs.push(fieldInvalid('nodeAffinity', spec.nodeAffinity ?? null, 'field is immutable, except for updating from beta label to GA'));
  }
  const oldVAC = oldSpec.volumeAttributesClassName;
  if (typeof oldVAC === 'string' && (spec.volumeAttributesClassName === undefined || spec.volumeAttributesClassName === null)) {
    errs.push(fieldForbidden('spec.volumeAttributesClassName', 'update from non-nil value to nil is forbidden'));
  }
  return errs;
}

function prepareForStatusUpdate(pv: KubeObject, old: KubeObject): void {
  keepAllButStatus(pv, old);
  defaults(pv);
  const status = statusOf(pv) ?? {};
  pv.status = status;
  const oldStatus = statusOf(old) ?? {};
  const samePhase = str(status, 'phase') === str(oldStatus, 'phase');
  if (samePhase && (status.lastPhaseTransitionTime === undefined || status.lastPhaseTransitionTime === null)) {
    if (oldStatus.lastPhaseTransitionTime !== undefined) status.lastPhaseTransitionTime = oldStatus.lastPhaseTransitionTime;
  } else if (!samePhase && (status.lastPhaseTransitionTime === undefined || status.lastPhaseTransitionTime === null || status.lastPhaseTransitionTime === oldStatus.lastPhaseTransitionTime)) {
    status.lastPhaseTransitionTime = now();
  }
}

export const persistentVolumeStrategy: Strategy = {
  hasStatus: true,
  defaults,
  prepareForCreate: (pv) => {
    pv.status = { phase: 'Pending', lastPhaseTransitionTime: now() };
  },
  prepareForUpdate: keepOldStatus,
  validate,
  validateUpdate,
  prepareForStatusUpdate,
  validateStatusUpdate: () => [],
  selectableFields: (pv) => ({ name: pv.metadata.name ?? '' }),
};
