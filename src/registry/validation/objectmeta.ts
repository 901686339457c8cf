// ObjectMeta validation as apimachinery's ValidateObjectMeta / ValidateObjectMetaUpdate,
// plus the kube finalizer-name check pkg/apis/core/validation adds for built-in kinds.

import { fieldForbidden, fieldInvalid, fieldRequired, type FieldError } from '../../server/errors.ts';
import type { ObjectMeta } from '../object.ts';
import { validateAnnotations, validateImmutable, validateLabels, validateNonnegative, type Errs } from './fields.ts';
import { asArray, isObject, child, index } from './json.ts';
import { isDNS1123Label, isQualifiedName, nameIsDNSLabel, nameIsDNSSubdomain, type NameValidator } from './names.ts';

export interface ObjectMetaOptions {
  namespaced: boolean;
  /** Names must be DNS-1123 labels rather than subdomains. */
  nameIsLabel?: boolean;
  /** Replaces the DNS check entirely (events: path segments; services: DNS-1035 labels). */
  validateName?: (name: string) => string[];
  /** Apply the core-API check that unqualified finalizers are standard ones (default true). */
  kubeFinalizers?: boolean;
}

const STANDARD_FINALIZERS = new Set(['kubernetes', 'orphan', 'foregroundDeletion']);

function nameValidator(opts: ObjectMetaOptions): NameValidator {
  const custom = opts.validateName;
  if (custom) return (name, prefix) => custom(prefix && name.length > 1 && name.endsWith('-') ? `${name.slice(0, -2)}a` : name);
  return opts.nameIsLabel ? nameIsDNSLabel : nameIsDNSSubdomain;
}

/** ValidateObjectMeta for a create. Expects a generated name to be filled in already (as upstream). */
export function validateObjectMeta(meta: ObjectMeta, opts: ObjectMetaOptions, fieldPath = 'metadata'): FieldError[] {
  const errs: Errs = [];
  const fn = nameValidator(opts);
  const generateName = typeof meta.generateName === 'string' ? meta.generateName : '';
  const name = typeof meta.name === 'string' ? meta.name : '';
  if (generateName) {
    for (const m of fn(generateName, true)) errs.push(fieldInvalid(child(fieldPath, 'generateName'), generateName, m));
  }
  if (!name) {
    // A generateName without a generated name means the caller validates before generating;
    // the name will be derived from an already-checked prefix, so do not report it missing.
    if (!generateName) errs.push(fieldRequired(child(fieldPath, 'name'), 'name or generateName is required'));
  } else {
    for (const m of fn(name, false)) errs.push(fieldInvalid(child(fieldPath, 'name'), name, m));
  }
  validateCommon(errs, meta, opts, fieldPath);
  validateFinalizers(errs, meta.finalizers, child(fieldPath, 'finalizers'), opts.kubeFinalizers !== false);
  return errs;
}

function validateCommon(errs: Errs, meta: ObjectMeta, opts: ObjectMetaOptions, fieldPath: string): void {
  const ns = typeof meta.namespace === 'string' ? meta.namespace : '';
  if (opts.namespaced) {
    if (!ns) errs.push(fieldRequired(child(fieldPath, 'namespace'), ''));
    else for (const m of isDNS1123Label(ns)) errs.push(fieldInvalid(child(fieldPath, 'namespace'), ns, m));
  } else if (ns) {
    errs.push(fieldForbidden(child(fieldPath, 'namespace'), 'not allowed on this type'));
  }
  validateNonnegative(errs, child(fieldPath, 'generation'), meta.generation);
  validateLabels(errs, child(fieldPath, 'labels'), meta.labels);
  validateAnnotations(errs, child(fieldPath, 'annotations'), meta.annotations);
  validateOwnerReferences(errs, meta.ownerReferences, child(fieldPath, 'ownerReferences'));
}

function validateOwnerReferences(errs: Errs, refs: unknown, path: string): void {
  const list = asArray(refs);
  if (!list) return;
  let firstController = '';
  for (const r of list) {
    if (!isObject(r)) {
      errs.push(fieldInvalid(path, r, 'must be an object'));
      continue;
    }
    const apiVersion = typeof r.apiVersion === 'string' ? r.apiVersion : '';
    const kind = typeof r.kind === 'string' ? r.kind : '';
    const name = typeof r.name === 'string' ? r.name : '';
    const uid = typeof r.uid === 'string' ? r.uid : '';
    // schema.FromAPIVersionAndKind: the version is what follows the last '/', or all of it.
    const slash = apiVersion.lastIndexOf('/');
    const version = slash >= 0 ? apiVersion.slice(slash + 1) : apiVersion;
    const group = slash >= 0 ? apiVersion.slice(0, slash) : '';
    if (!version) errs.push(fieldInvalid(child(path, 'apiVersion'), apiVersion, 'version must not be empty'));
    if (!kind) errs.push(fieldInvalid(child(path, 'kind'), kind, 'must not be empty'));
    if (!name) errs.push(fieldInvalid(child(path, 'name'), name, 'must not be empty'));
    if (!uid) errs.push(fieldInvalid(child(path, 'uid'), uid, 'must not be empty'));
    if (group === '' && version === 'v1' && kind === 'Event') {
      errs.push(fieldInvalid(path, r, '/v1, Kind=Event is disallowed from being an owner'));
    }
    if (r.controller === true) {
      const cur = `${kind}/${name}`;
      if (firstController) {
        errs.push(fieldInvalid(path, list, `Only one reference can have Controller set to true. Found "true" in references for ${firstController} and ${cur}`));
      } else {
        firstController = cur;
      }
    }
  }
}

function validateFinalizers(errs: Errs, finalizers: unknown, path: string, kube: boolean): void {
  const list = asArray(finalizers);
  if (!list) return;
  let orphan = false;
  let foreground = false;
  for (let i = 0; i < list.length; i++) {
    const f = list[i];
    if (typeof f !== 'string') {
      errs.push(fieldInvalid(path, f, 'must be a string'));
      continue;
    }
    for (const m of isQualifiedName(f)) errs.push(fieldInvalid(path, f, m));
    if (f === 'orphan') orphan = true;
    if (f === 'foregroundDeletion') foreground = true;
  }
  if (orphan && foreground) errs.push(fieldInvalid(path, list, 'finalizer orphan and foregroundDeletion cannot be both set'));
  if (kube) validateKubeFinalizers(errs, list, path);
}

/** Built-in kinds reject unqualified finalizers other than the standard ones (indexed path). */
function validateKubeFinalizers(errs: Errs, list: unknown[], path: string): void {
  for (let i = 0; i < list.length; i++) {
    const f = list[i];
    if (typeof f === 'string' && !f.includes('/') && !STANDARD_FINALIZERS.has(f)) {
      errs.push(fieldInvalid(index(path, i), f, 'name is neither a standard finalizer name nor is it fully qualified'));
    }
  }
}

/** A single finalizer name as namespaces' spec.finalizers are checked (qualified + standard). */
export function validateFinalizerName(errs: Errs, path: string, f: string): void {
  for (const m of isQualifiedName(f)) errs.push(fieldInvalid(path, f, m));
  if (!f.includes('/') && !STANDARD_FINALIZERS.has(f)) errs.push(fieldInvalid(path, f, 'name is neither a standard finalizer name nor is it fully qualified'));
}

export interface ObjectMetaUpdateOptions {
  /** Reject an empty metadata.resourceVersion (upstream does; only useful if the registry copies it first for unconditional updates). */
  requireResourceVersion?: boolean;
  kubeFinalizers?: boolean;
}

/** ValidateObjectMetaUpdate: identity fields are immutable; labels etc. are re-validated. */
export function validateObjectMetaUpdate(meta: ObjectMeta, old: ObjectMeta, opts: ObjectMetaUpdateOptions = {}, fieldPath = 'metadata'): FieldError[] {
  const errs: Errs = [];
  if (old.deletionTimestamp) {
    const oldSet = new Set((asArray(old.finalizers) ?? []).filter((f): f is string => typeof f === 'string'));
    const extra = [...new Set((asArray(meta.finalizers) ?? []).filter((f): f is string => typeof f === 'string' && !oldSet.has(f)))].sort();
    if (extra.length > 0) {
      errs.push(fieldForbidden(child(fieldPath, 'finalizers'), `no new finalizers can be added if the object is being deleted, found new finalizers []string{${extra.map((f) => JSON.stringify(f)).join(', ')}}`));
    }
  }
  if (opts.requireResourceVersion && !meta.resourceVersion) {
    errs.push(fieldInvalid(child(fieldPath, 'resourceVersion'), meta.resourceVersion ?? '', 'must be specified for an update'));
  }
  if (typeof meta.generation === 'number' && typeof old.generation === 'number' && meta.generation < old.generation) {
    errs.push(fieldInvalid(child(fieldPath, 'generation'), meta.generation, 'must not be decremented'));
  }
  validateImmutable(errs, child(fieldPath, 'name'), meta.name ?? '', old.name ?? '');
  validateImmutable(errs, child(fieldPath, 'namespace'), meta.namespace ?? '', old.namespace ?? '');
  validateImmutable(errs, child(fieldPath, 'uid'), meta.uid ?? '', old.uid ?? '');
  validateImmutable(errs, child(fieldPath, 'creationTimestamp'), meta.creationTimestamp ?? null, old.creationTimestamp ?? null);
  validateImmutable(errs, child(fieldPath, 'deletionTimestamp'), meta.deletionTimestamp ?? null, old.deletionTimestamp ?? null);
  validateImmutable(errs, child(fieldPath, 'deletionGracePeriodSeconds'), meta.deletionGracePeriodSeconds ?? null, old.deletionGracePeriodSeconds ?? null);
  validateLabels(errs, child(fieldPath, 'labels'), meta.labels);
  validateAnnotations(errs, child(fieldPath, 'annotations'), meta.annotations);
  validateOwnerReferences(errs, meta.ownerReferences, child(fieldPath, 'ownerReferences'));
  if (opts.kubeFinalizers !== false) {
    const list = asArray(meta.finalizers);
    if (list) validateKubeFinalizers(errs, list, child(fieldPath, 'finalizers'));
  }
  return errs;
}

/**
 * Embedded template metadata (PVC templates of ephemeral volumes): only labels and
 * annotations may be set (ValidateTemplateObjectMeta).
 */
export function validateTemplateObjectMeta(errs: Errs, meta: unknown, path: string): void {
  if (!isObject(meta)) return;
  validateAnnotations(errs, child(path, 'annotations'), meta.annotations);
  validateLabels(errs, child(path, 'labels'), meta.labels);
  for (const k of Object.keys(meta)) {
    if (k === 'labels' || k === 'annotations' || k === 'creationTimestamp') continue;
    const v = meta[k];
    if (v === undefined || v === null || v === '' || v === 0) continue;
    errs.push(fieldForbidden(child(path, k), 'cannot be set'));
  }
}
