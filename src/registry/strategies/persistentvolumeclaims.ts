// core/v1 PersistentVolumeClaim (pkg/registry/core/persistentvolumeclaim/strategy.go,
// SetDefaults_PersistentVolumeClaim*, ValidatePersistentVolumeClaim*).

import { fieldForbidden, fieldInvalid, fieldRequired } from '../validation/fielderrors.ts';
import { validateImmutable, type Errs } from '../validation/fields.ts';
import { asArray, clone, ensureObj, obj, semanticEqual, setDefaultString, str, type JsonObject } from '../validation/json.ts';
import { compareQuantities, quantityValue } from '../validation/quantity.ts';
import { validatePersistentVolumeClaimSpec } from '../validation/storage.ts';
import { describeDiff } from '../validation/diff.ts';
import type { KubeObject } from '../object.ts';
import { keepAllButStatus, keepOldStatus, specOf, statusOf } from './common.ts';
import { defaultPVCSpec } from './podDefaults.ts';
import type { Strategy } from './strategy.ts';

const BETA_STORAGE_CLASS_ANNOTATION = 'volume.beta.kubernetes.io/storage-class';

function defaults(pvc: KubeObject): void {
  defaultPVCSpec(specOf(pvc));
  setDefaultString(ensureObj(pvc, 'status'), 'phase', 'Pending');
}

/** dataSource and dataSourceRef mirror each other (AnyVolumeDataSource, on by default). */
function normalizeDataSources(spec: JsonObject): void {
  const ds = obj(spec, 'dataSource');
  const ref = obj(spec, 'dataSourceRef');
  if (ds && !ref) {
    const r: JsonObject = { kind: ds.kind, name: ds.name };
    if (typeof ds.apiGroup === 'string') r.apiGroup = ds.apiGroup;
    spec.dataSourceRef = r;
  } else if (ref && !ds && !str(ref, 'namespace')) {
    const d: JsonObject = { kind: ref.kind, name: ref.name };
    if (typeof ref.apiGroup === 'string') d.apiGroup = ref.apiGroup;
    spec.dataSource = d;
  }
}

function prepareForCreate(pvc: KubeObject): void {
  pvc.status = { phase: 'Pending' };
  normalizeDataSources(specOf(pvc));
}

function prepareForUpdate(pvc: KubeObject, old: KubeObject): void {
  keepOldStatus(pvc, old);
  normalizeDataSources(specOf(pvc));
}

function validate(pvc: KubeObject): Errs {
  const errs: Errs = [];
  validatePersistentVolumeClaimSpec(errs, 'spec', specOf(pvc));
  return errs;
}

function validateUpdate(pvc: KubeObject, old: KubeObject): Errs {
  const errs = validate(pvc);
  const spec = specOf(pvc);
  const oldSpec = obj(old, 'spec') ?? {};
  const next = clone(spec);
  const prev = clone(oldSpec);
  // volumeName may be set once (the binder fills it in).
  if (!str(oldSpec, 'volumeName')) {
    if (next.volumeName === undefined) delete prev.volumeName;
    else prev.volumeName = next.volumeName;
  }
  const oldAnn = old.metadata.annotations ?? {};
  const newAnn = pvc.metadata.annotations ?? {};
  const oldSC = oldSpec.storageClassName;
  const newSC = spec.storageClassName;
  const annotated = BETA_STORAGE_CLASS_ANNOTATION in oldAnn;
  const upgradeFromAnnotation = annotated && (oldSC === undefined || oldSC === null) && typeof newSC === 'string'
    && newSC === oldAnn[BETA_STORAGE_CLASS_ANNOTATION] && (!(BETA_STORAGE_CLASS_ANNOTATION in newAnn) || newAnn[BETA_STORAGE_CLASS_ANNOTATION] === oldAnn[BETA_STORAGE_CLASS_ANNOTATION]);
  if (upgradeFromAnnotation) {
    delete next.storageClassName;
  } else {
    const a = newAnn[BETA_STORAGE_CLASS_ANNOTATION] ?? '';
    const b = oldAnn[BETA_STORAGE_CLASS_ANNOTATION] ?? '';
    if (a !== b) errs.push(fieldInvalid(`metadata.annotations.${BETA_STORAGE_CLASS_ANNOTATION}`, a, 'field is immutable'));
    // A class may be set once on a claim that had none (and no conflicting annotation).
    if (typeof newSC === 'string' && (oldSC === undefined || oldSC === null) && (!annotated || newSC === oldAnn[BETA_STORAGE_CLASS_ANNOTATION])) {
      if (oldSC === undefined) delete next.storageClassName;
      else next.storageClassName = oldSC;
    }
  }
  const bound = str(statusOf(pvc), 'phase') === 'Bound';
  if (bound) {
    const req = obj(obj(next, 'resources'), 'requests');
    const oldStorage = obj(obj(oldSpec, 'resources'), 'requests')?.storage;
    if (req) {
      if (oldStorage === undefined) delete req.storage;
      else req.storage = oldStorage;
    }
    if (next.volumeAttributesClassName !== undefined && next.volumeAttributesClassName !== null) {
      if (oldSpec.volumeAttributesClassName === undefined) delete next.volumeAttributesClassName;
      else next.volumeAttributesClassName = oldSpec.volumeAttributesClassName;
    }
  }
  if (!semanticEqual(next, prev)) {
    errs.push(fieldForbidden('spec', `spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims\n${describeDiff(prev, next, 'spec')}`));
  }
  const newSize = quantityValue(obj(obj(spec, 'resources'), 'requests')?.storage);
  const oldSize = quantityValue(obj(obj(oldSpec, 'resources'), 'requests')?.storage);
  if (newSize !== undefined && oldSize !== undefined && compareQuantities(newSize, oldSize) < 0) {
    // RecoverVolumeExpansionFailure (beta, on): shrinking is allowed down to above status.capacity.
    const statusSize = quantityValue(obj(statusOf(old), 'capacity')?.storage) ?? 0;
    if (compareQuantities(newSize, statusSize) <= 0) errs.push(fieldForbidden('spec.resources.requests.storage', 'field can not be less than status.capacity'));
  }
  // Upstream reports this one without the spec prefix.
  validateImmutable(errs, 'volumeMode', spec.volumeMode ?? null, oldSpec.volumeMode ?? null);
  const oldVAC = oldSpec.volumeAttributesClassName;
  const newVAC = spec.volumeAttributesClassName;
  if (typeof oldVAC === 'string' && oldVAC !== newVAC) {
    if (newVAC === undefined || newVAC === null) errs.push(fieldForbidden('spec.volumeAttributesClassName', 'update from non-nil value to nil is forbidden'));
    else if (newVAC === '') errs.push(fieldForbidden('spec.volumeAttributesClassName', 'update from non-nil value to an empty string is forbidden'));
  }
  return errs;
}

function validateStatusUpdate(pvc: KubeObject): Errs {
  const errs: Errs = [];
  if ((asArray(specOf(pvc).accessModes) ?? []).length === 0) errs.push(fieldRequired('Spec.accessModes', ''));
  const capacity = obj(statusOf(pvc), 'capacity') ?? {};
  for (const k of Object.keys(capacity)) {
    const v = quantityValue(capacity[k]);
    if (v !== undefined && v < 0) errs.push(fieldInvalid(`status.capacity[${k}]`, v, 'must be a valid resource quantity'));
  }
  return errs;
}

export const persistentVolumeClaimStrategy: Strategy = {
  hasStatus: true,
  defaults,
  prepareForCreate,
  prepareForUpdate,
  validate,
  validateUpdate,
  prepareForStatusUpdate: (pvc, old) => {
    keepAllButStatus(pvc, old);
    defaults(pvc);
  },
  validateStatusUpdate,
  // Upstream keeps this unprefixed field for backward compatibility.
  selectableFields: (pvc) => ({ name: pvc.metadata.name ?? '' }),
};

