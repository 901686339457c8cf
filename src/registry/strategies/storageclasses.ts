// storage.k8s.io/v1 StorageClass (pkg/registry/storage/storageclass/strategy.go,
// SetDefaults_StorageClass, ValidateStorageClass*): a class reclaims with Delete and binds
// Immediately unless it says otherwise; what it provisions and how is fixed once created.

import { fieldForbidden, fieldRequired } from '../validation/fielderrors.ts';
import { validateEnum, validateImmutable, validateQualifiedName, type Errs } from '../validation/fields.ts';
import { semanticEqual, setDefaultString } from '../validation/json.ts';
import type { KubeObject } from '../object.ts';
import type { Strategy } from './strategy.ts';

const RECLAIM_POLICIES = ['Delete', 'Recycle', 'Retain'] as const;
const BINDING_MODES = ['Immediate', 'WaitForFirstConsumer'] as const;

function defaults(sc: KubeObject): void {
  setDefaultString(sc, 'reclaimPolicy', 'Delete');
  setDefaultString(sc, 'volumeBindingMode', 'Immediate');
}

function validate(sc: KubeObject): Errs {
  const errs: Errs = [];
  const provisioner = sc.provisioner;
  if (typeof provisioner !== 'string' || provisioner === '') errs.push(fieldRequired('provisioner', ''));
  else validateQualifiedName(errs, 'provisioner', provisioner.toLowerCase());
  validateEnum(errs, 'reclaimPolicy', sc.reclaimPolicy, RECLAIM_POLICIES);
  validateEnum(errs, 'volumeBindingMode', sc.volumeBindingMode, BINDING_MODES);
  return errs;
}

function validateUpdate(sc: KubeObject, old: KubeObject): Errs {
  const errs = validate(sc);
  if (!semanticEqual(sc.parameters ?? null, old.parameters ?? null)) errs.push(fieldForbidden('parameters', 'updates to parameters are forbidden.'));
  if (sc.provisioner !== old.provisioner) errs.push(fieldForbidden('provisioner', 'updates to provisioner are forbidden.'));
  if (sc.reclaimPolicy !== old.reclaimPolicy) errs.push(fieldForbidden('reclaimPolicy', 'updates to reclaimPolicy are forbidden.'));
  validateImmutable(errs, 'volumeBindingMode', sc.volumeBindingMode, old.volumeBindingMode);
  return errs;
}

export const storageClassStrategy: Strategy = { defaults, validate, validateUpdate };
