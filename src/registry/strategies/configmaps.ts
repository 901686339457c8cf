// core/v1 ConfigMap (ValidateConfigMap / ValidateConfigMapUpdate).

import { fieldForbidden, fieldInvalid, fieldTooLong } from '../validation/fielderrors.ts';
import { validateConfigMapKey, type Errs } from '../validation/fields.ts';
import { isObject, semanticEqual } from '../validation/json.ts';
import type { KubeObject } from '../object.ts';
import type { Strategy } from './strategy.ts';

/** core.MaxSecretSize: ConfigMaps and Secrets hold at most 1 MiB of data. */
export const MAX_DATA_SIZE = 1024 * 1024;

const base64Re = /^[A-Za-z0-9+/]*={0,2}$/;

/** Decoded byte length of a base64 value, or an error text like Go's decoder reports. */
export function base64Length(v: unknown): number | string {
  if (typeof v !== 'string') return 'illegal base64 data at input byte 0';
  if (v.length % 4 !== 0 || !base64Re.test(v)) {
    const bad = v.search(/[^A-Za-z0-9+/=]/);
    return `illegal base64 data at input byte ${bad >= 0 ? bad : Math.max(0, v.length - (v.length % 4 || 4))}`;
  }
  return Buffer.from(v, 'base64').length;
}

function validate(cm: KubeObject): Errs {
  const errs: Errs = [];
  const data = isObject(cm.data) ? cm.data : {};
  const binary = isObject(cm.binaryData) ? cm.binaryData : {};
  let total = 0;
  for (const k of Object.keys(data)) {
    validateConfigMapKey(errs, `data[${k}]`, k);
    if (k in binary) errs.push(fieldInvalid(`data[${k}]`, k, 'duplicate of key present in binaryData'));
    const v = data[k];
    total += typeof v === 'string' ? Buffer.byteLength(v) : 0;
  }
  for (const k of Object.keys(binary)) {
    validateConfigMapKey(errs, `binaryData[${k}]`, k);
    const n = base64Length(binary[k]);
    if (typeof n === 'string') errs.push(fieldInvalid(`binaryData[${k}]`, '<binary data>', n));
    else total += n;
  }
  // Upstream reports this against the whole object (an empty path).
  if (total > MAX_DATA_SIZE) errs.push(fieldTooLong('', '', MAX_DATA_SIZE));
  return errs;
}

function validateUpdate(cm: KubeObject, old: KubeObject): Errs {
  const errs: Errs = [];
  if (old.immutable === true) {
    if (cm.immutable !== true) errs.push(fieldForbidden('immutable', 'field is immutable when `immutable` is set'));
    if (!semanticEqual(cm.data, old.data)) errs.push(fieldForbidden('data', 'field is immutable when `immutable` is set'));
    if (!semanticEqual(cm.binaryData, old.binaryData)) errs.push(fieldForbidden('binaryData', 'field is immutable when `immutable` is set'));
  }
  errs.push(...validate(cm));
  return errs;
}

export const configMapStrategy: Strategy = { validate, validateUpdate };
