// Field-level building blocks shared by every kind: each pushes upstream-shaped
// field errors onto `errs` (appending avoids allocating a list per call on hot paths).

import {
  fieldInvalid, fieldNotSupported, fieldRequired, fieldTooLong, type FieldError,
} from '../../server/errors.ts';
import { isObject, semanticEqual, type JsonObject } from './json.ts';
import {
  FIELD_IMMUTABLE, IS_NEGATIVE_ERROR, isConfigMapKey, isDNS1123Label, isDNS1123Subdomain,
  isQualifiedName, isValidLabelValue, type NameValidator,
} from './names.ts';

export type Errs = FieldError[];

export function pushInvalidEach(errs: Errs, path: string, value: unknown, msgs: string[]): void {
  for (const m of msgs) errs.push(fieldInvalid(path, value, m));
}

export const validateDNS1123Label = (errs: Errs, path: string, v: string): void => pushInvalidEach(errs, path, v, isDNS1123Label(v));
export const validateDNS1123Subdomain = (errs: Errs, path: string, v: string): void => pushInvalidEach(errs, path, v, isDNS1123Subdomain(v));
export const validateQualifiedName = (errs: Errs, path: string, v: string): void => pushInvalidEach(errs, path, v, isQualifiedName(v));
export const validateConfigMapKey = (errs: Errs, path: string, v: string): void => pushInvalidEach(errs, path, v, isConfigMapKey(v));

/** A name checked with one of the ValidateNameFunc validators (value echoed in the error). */
export function validateName(errs: Errs, path: string, v: string, fn: NameValidator, prefix = false): void {
  pushInvalidEach(errs, path, v, fn(v, prefix));
}

export function validateNonnegative(errs: Errs, path: string, v: unknown): void {
  if (typeof v === 'number' && v < 0) errs.push(fieldInvalid(path, v, IS_NEGATIVE_ERROR));
}

/** metav1 validation.ValidateLabelName: keys are qualified names; the path is the map itself. */
export function validateLabelName(errs: Errs, path: string, k: string): void {
  pushInvalidEach(errs, path, k, isQualifiedName(k));
}

/** metav1 validation.ValidateLabels (also used for nodeSelector, service selector, topology). */
export function validateLabels(errs: Errs, path: string, labels: unknown): void {
  if (labels === undefined || labels === null) return;
  if (!isObject(labels)) {
    errs.push(fieldInvalid(path, labels, 'must be a map of string keys to string values'));
    return;
  }
  for (const k of Object.keys(labels)) {
    validateLabelName(errs, path, k);
    const v = labels[k];
    if (typeof v !== 'string') {
      errs.push(fieldInvalid(path, v, 'must be a string'));
      continue;
    }
    pushInvalidEach(errs, path, v, isValidLabelValue(v));
  }
}

export const TOTAL_ANNOTATION_SIZE_LIMIT = 256 * 1024;

/** Annotation keys are qualified names compared case-insensitively; total size is capped at 256 KiB. */
export function validateAnnotations(errs: Errs, path: string, annotations: unknown): void {
  if (annotations === undefined || annotations === null) return;
  if (!isObject(annotations)) {
    errs.push(fieldInvalid(path, annotations, 'must be a map of string keys to string values'));
    return;
  }
  let total = 0;
  for (const k of Object.keys(annotations)) {
    pushInvalidEach(errs, path, k, isQualifiedName(k.toLowerCase()));
    const v = annotations[k];
    total += Buffer.byteLength(k) + (typeof v === 'string' ? Buffer.byteLength(v) : 0);
  }
  if (total > TOTAL_ANNOTATION_SIZE_LIMIT) errs.push(fieldTooLong(path, '', TOTAL_ANNOTATION_SIZE_LIMIT));
}

/** ValidateImmutableField: compares semantically, reports the new value. */
export function validateImmutable(errs: Errs, path: string, newVal: unknown, oldVal: unknown): void {
  if (!semanticEqual(newVal, oldVal)) errs.push(fieldInvalid(path, newVal ?? null, FIELD_IMMUTABLE));
}

/** A required string enum: Required when empty, NotSupported when unknown. */
export function validateEnum(errs: Errs, path: string, v: unknown, supported: readonly string[], required = true): void {
  if (v === undefined || v === null || v === '') {
    if (required) errs.push(fieldRequired(path, ''));
    return;
  }
  if (typeof v !== 'string' || !supported.includes(v)) errs.push(fieldNotSupported(path, v, [...supported]));
}

/** Reads a string-valued map (labels, selectors) for matching; non-strings are dropped. */
export function stringMap(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!isObject(v)) return out;
  for (const k of Object.keys(v)) {
    const s = v[k];
    if (typeof s === 'string') out[k] = s;
  }
  return out;
}

export type { JsonObject };
