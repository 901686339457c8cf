// core/v1 Secret (SetDefaults_Secret, v1 conversion of stringData, ValidateSecret*).

import { fieldForbidden, fieldInvalid, fieldRequired, fieldTooLong } from '../validation/fielderrors.ts';
import { validateConfigMapKey, validateImmutable, type Errs } from '../validation/fields.ts';
import { isObject, semanticEqual } from '../validation/json.ts';
import type { KubeObject } from '../object.ts';
import { base64Length, MAX_DATA_SIZE } from './configmaps.ts';
import type { Strategy } from './strategy.ts';

function defaults(s: KubeObject): void {
  if (!s.type) s.type = 'Opaque';
  // stringData is write-only: decoding merges it into data (it wins over data on conflicts).
  if (isObject(s.stringData)) {
    const data: Record<string, unknown> = isObject(s.data) ? { ...s.data } : {};
    for (const [k, v] of Object.entries(s.stringData)) data[k] = Buffer.from(typeof v === 'string' ? v : String(v), 'utf8').toString('base64');
    s.data = data;
  }
  delete s.stringData;
}

function decoded(s: KubeObject, k: string): Buffer | undefined {
  const v = isObject(s.data) ? s.data[k] : undefined;
  return typeof v === 'string' ? Buffer.from(v, 'base64') : undefined;
}

function validate(s: KubeObject): Errs {
  const errs: Errs = [];
  const data = isObject(s.data) ? s.data : {};
  let total = 0;
  for (const k of Object.keys(data)) {
    validateConfigMapKey(errs, `data[${k}]`, k);
    const n = base64Length(data[k]);
    if (typeof n === 'string') errs.push(fieldInvalid(`data[${k}]`, '<secret contents redacted>', n));
    else total += n;
  }
  if (total > MAX_DATA_SIZE) errs.push(fieldTooLong('data', '', MAX_DATA_SIZE));
  const has = (k: string) => Object.prototype.hasOwnProperty.call(data, k);
  const jsonKey = (k: string) => {
    if (!has(k)) {
      errs.push(fieldRequired(`data[${k}]`, ''));
      return;
    }
    try {
      const parsed: unknown = JSON.parse(decoded(s, k)?.toString('utf8') ?? '');
      if (!isObject(parsed)) throw new Error('json: cannot unmarshal into Go value of type map[string]interface {}');
    } catch (e) {
      errs.push(fieldInvalid(`data[${k}]`, '<secret contents redacted>', e instanceof Error ? e.message : String(e)));
    }
  };
  switch (typeof s.type === 'string' ? s.type : '') {
    case 'kubernetes.io/service-account-token': {
      const sa = s.metadata.annotations?.['kubernetes.io/service-account.name'];
      if (!sa) errs.push(fieldRequired('metadata.annotations[kubernetes.io/service-account.name]', ''));
      break;
    }
    case 'kubernetes.io/dockercfg':
      jsonKey('.dockercfg');
      break;
    case 'kubernetes.io/dockerconfigjson':
      jsonKey('.dockerconfigjson');
      break;
    case 'kubernetes.io/basic-auth':
      if (!has('username') && !has('password')) {
        errs.push(fieldRequired('data[username]', ''));
        errs.push(fieldRequired('data[password]', ''));
      }
      break;
    case 'kubernetes.io/ssh-auth':
      if ((decoded(s, 'ssh-privatekey')?.length ?? 0) === 0) errs.push(fieldRequired('data[ssh-privatekey]', ''));
      break;
    case 'kubernetes.io/tls':
      if (!has('tls.crt')) errs.push(fieldRequired('data[tls.crt]', ''));
      if (!has('tls.key')) errs.push(fieldRequired('data[tls.key]', ''));
      break;
    default:
      break;
  }
  return errs;
}

function validateUpdate(s: KubeObject, old: KubeObject): Errs {
  const errs: Errs = [];
  validateImmutable(errs, 'type', s.type ?? '', old.type ?? '');
  if (old.immutable === true) {
    if (s.immutable !== true) errs.push(fieldForbidden('immutable', 'field is immutable when `immutable` is set'));
    if (!semanticEqual(s.data, old.data)) errs.push(fieldForbidden('data', 'field is immutable when `immutable` is set'));
  }
  errs.push(...validate(s));
  return errs;
}

export const secretStrategy: Strategy = {
  defaults,
  validate,
  validateUpdate,
  selectableFields: (s) => ({ type: typeof s.type === 'string' ? s.type : '' }),
};
