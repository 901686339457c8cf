// Downward API selectors (fieldRef / resourceFieldRef), shared by env vars and volumes.

import { fieldInvalid, fieldNotSupported, fieldRequired } from './fielderrors.ts';
import { pushInvalidEach, type Errs } from './fields.ts';
import { str, child, type JsonObject } from './json.ts';
import { isQualifiedName } from './names.ts';
import { quantityText } from './quantity.ts';

export const ENV_FIELD_PATHS = [
  'metadata.name', 'metadata.namespace', 'metadata.uid', 'spec.nodeName', 'spec.serviceAccountName',
  'status.hostIP', 'status.hostIPs', 'status.podIP', 'status.podIPs',
].sort();

export const VOLUME_FIELD_PATHS = ['metadata.annotations', 'metadata.labels', 'metadata.name', 'metadata.namespace', 'metadata.uid'];

/** Every label ConvertDownwardAPIFieldLabel knows for v1 pods. */
const CONVERTIBLE = new Set([
  'metadata.annotations', 'metadata.labels', 'metadata.name', 'metadata.namespace', 'metadata.uid',
  'spec.nodeName', 'spec.restartPolicy', 'spec.serviceAccountName', 'spec.schedulerName',
  'status.phase', 'status.hostIP', 'status.hostIPs', 'status.podIP', 'status.podIPs',
]);

const subscriptRe = /^(.+)\['(.*)'\]$/;

export function validateObjectFieldSelector(errs: Errs, path: string, fs: JsonObject, expressions: readonly string[]): void {
  const apiVersion = str(fs, 'apiVersion');
  const fieldPath = str(fs, 'fieldPath');
  if (!apiVersion) {
    errs.push(fieldRequired(child(path, 'apiVersion'), ''));
    return;
  }
  if (!fieldPath) {
    errs.push(fieldRequired(child(path, 'fieldPath'), ''));
    return;
  }
  const sub = subscriptRe.exec(fieldPath);
  let conversionError: string | undefined;
  if (apiVersion !== 'v1') conversionError = `unsupported pod version: ${apiVersion}`;
  else if (sub ? sub[1] !== 'metadata.annotations' && sub[1] !== 'metadata.labels' : !CONVERTIBLE.has(fieldPath)) conversionError = `field label not supported: ${fieldPath}`;
  if (conversionError) {
    errs.push(fieldInvalid(child(path, 'fieldPath'), fieldPath, `error converting fieldPath: ${conversionError}`));
    return;
  }
  if (sub) {
    const [, base, subscript] = sub;
    if (base === 'metadata.annotations') pushInvalidEach(errs, path, subscript.toLowerCase(), isQualifiedName(subscript.toLowerCase()));
    else if (base === 'metadata.labels') pushInvalidEach(errs, path, subscript, isQualifiedName(subscript));
    else errs.push(fieldInvalid(path, base, 'does not support subscript'));
  } else if (!expressions.includes(fieldPath)) {
    errs.push(fieldNotSupported(child(path, 'fieldPath'), fieldPath, [...expressions]));
  }
}

export const RESOURCE_FIELD_PATHS = [
  'limits.cpu', 'limits.ephemeral-storage', 'limits.memory', 'requests.cpu', 'requests.ephemeral-storage', 'requests.memory',
];

const CPU_DIVISORS = new Set(['1m', '1']);
const BYTE_DIVISORS = new Set(['1', '1k', '1M', '1G', '1T', '1P', '1E', '1Ki', '1Mi', '1Gi', '1Ti', '1Pi', '1Ei']);

export function validateResourceFieldSelector(errs: Errs, path: string, fs: JsonObject, volume: boolean): void {
  const resource = str(fs, 'resource');
  if (volume && !str(fs, 'containerName')) errs.push(fieldRequired(child(path, 'containerName'), ''));
  else if (!resource) errs.push(fieldRequired(child(path, 'resource'), ''));
  else if (!RESOURCE_FIELD_PATHS.includes(resource) && !resource.startsWith('requests.hugepages-') && !resource.startsWith('limits.hugepages-')) {
    errs.push(fieldNotSupported(child(path, 'resource'), resource, RESOURCE_FIELD_PATHS));
  }
  const divisor = fs.divisor;
  if (divisor === undefined || divisor === null || divisor === '0' || divisor === 0) return;
  const d = quantityText(divisor);
  const bad = (what: string, list: string) => errs.push(fieldInvalid(child(path, 'divisor'), resource, `only divisor's values ${list} are supported with the ${what}`));
  const bytes = '1, 1k, 1M, 1G, 1T, 1P, 1E, 1Ki, 1Mi, 1Gi, 1Ti, 1Pi, 1Ei';
  if ((resource === 'limits.cpu' || resource === 'requests.cpu') && !CPU_DIVISORS.has(d)) bad('cpu resource', '1m and 1');
  if ((resource === 'limits.memory' || resource === 'requests.memory') && !BYTE_DIVISORS.has(d)) bad('memory resource', bytes);
  if ((resource === 'limits.ephemeral-storage' || resource === 'requests.ephemeral-storage') && !BYTE_DIVISORS.has(d)) bad('local ephemeral storage resource', bytes);
  if ((resource.startsWith('requests.hugepages-') || resource.startsWith('limits.hugepages-')) && !BYTE_DIVISORS.has(d)) bad('hugepages resource', bytes);
}
