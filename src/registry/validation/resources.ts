// Compute-resource names, quantities and requirements (limits/requests), and the
// pod QoS class the API server records at creation.

import { fieldDuplicate, fieldForbidden, fieldInvalid, fieldNotFound, fieldRequired } from './fielderrors.ts';
import { type Errs } from './fields.ts';
import { asArray, isObject, obj, objects, str, child, index, key, type JsonObject } from './json.ts';
import { isQualifiedName } from './names.ts';
import { compareQuantities, parseQuantity, quantityText, quantityValue } from './quantity.ts';

const STANDARD_RESOURCES = new Set([
  'cpu', 'memory', 'ephemeral-storage', 'requests.cpu', 'requests.memory', 'requests.ephemeral-storage',
  'limits.cpu', 'limits.memory', 'limits.ephemeral-storage', 'pods', 'resourcequotas', 'services',
  'replicationcontrollers', 'secrets', 'persistentvolumeclaims', 'configmaps', 'services.nodeports',
  'services.loadbalancers', 'requests.storage', 'storage',
]);
const STANDARD_CONTAINER_RESOURCES = new Set(['cpu', 'memory', 'ephemeral-storage']);
const INTEGER_RESOURCES = new Set([
  'pods', 'services', 'replicationcontrollers', 'resourcequotas', 'secrets', 'configmaps',
  'persistentvolumeclaims', 'services.nodeports', 'services.loadbalancers',
]);

export const isHugePageResourceName = (n: string): boolean => n.startsWith('hugepages-');
export const isNativeResource = (n: string): boolean => !n.includes('/') || n.includes('kubernetes.io/');
export function isExtendedResourceName(n: string): boolean {
  if (isNativeResource(n) || n.startsWith('requests.')) return false;
  return isQualifiedName(`requests.${n}`).length === 0;
}
const isStandardResourceName = (n: string): boolean => STANDARD_RESOURCES.has(n) || n.startsWith('hugepages-') || n.startsWith('requests.hugepages-');
const isIntegerResourceName = (n: string): boolean => INTEGER_RESOURCES.has(n) || isExtendedResourceName(n);
export const isOvercommitAllowed = (n: string): boolean => isNativeResource(n) && !isHugePageResourceName(n);

function validateResourceName(errs: Errs, path: string, name: string): boolean {
  const before = errs.length;
  for (const m of isQualifiedName(name)) errs.push(fieldInvalid(path, name, m));
  if (errs.length !== before) return false;
  if (!name.includes('/') && !isStandardResourceName(name)) errs.push(fieldInvalid(path, name, 'must be a standard resource type or fully qualified'));
  return true;
}

export function validateContainerResourceName(errs: Errs, path: string, name: string): void {
  validateResourceName(errs, path, name);
  if (!name.includes('/')) {
    if (!STANDARD_CONTAINER_RESOURCES.has(name) && !isHugePageResourceName(name)) errs.push(fieldInvalid(path, name, 'must be a standard resource for containers'));
  } else if (!isNativeResource(name) && !isExtendedResourceName(name)) {
    errs.push(fieldInvalid(path, name, "doesn't follow extended resource name standard"));
  }
}

/**
 * ValidateResourceQuantityValue: parseable, not negative, integral for integer resources.
 * Returns the parsed value (undefined when unusable).
 */
export function validateResourceQuantity(errs: Errs, path: string, name: string, raw: unknown): number | undefined {
  const v = parseQuantity(raw);
  if (v instanceof Error) {
    errs.push(fieldInvalid(path, raw, v.message));
    return undefined;
  }
  if (v < 0) errs.push(fieldInvalid(path, quantityText(raw), 'must be greater than or equal to 0'));
  if (isIntegerResourceName(name) && Math.round(v * 1000) % 1000 !== 0) errs.push(fieldInvalid(path, quantityText(raw), 'must be an integer'));
  return v;
}

function hugePageSize(name: string): number | undefined {
  const v = quantityValue(name.slice('hugepages-'.length));
  return v !== undefined && v > 0 ? v : undefined;
}

/** Container (and pod-overhead) resource requirements. */
export function validateResourceRequirements(errs: Errs, path: string, req: unknown, podClaimNames?: Set<string>): void {
  if (!isObject(req)) return;
  const limPath = child(path, 'limits');
  const reqPath = child(path, 'requests');
  const limits = obj(req, 'limits') ?? {};
  const requests = obj(req, 'requests') ?? {};
  const limitValues = new Map<string, number>();
  let limCPUMem = false;
  let reqCPUMem = false;
  let hugePages = false;
  for (const name of Object.keys(limits)) {
    const p = key(limPath, name);
    validateContainerResourceName(errs, p, name);
    const v = validateResourceQuantity(errs, p, name, limits[name]);
    if (v !== undefined) limitValues.set(name, v);
    if (isHugePageResourceName(name)) {
      hugePages = true;
      checkHugePageMultiple(errs, p, name, limits[name], v);
    }
    if (name === 'cpu' || name === 'memory') limCPUMem = true;
  }
  for (const name of Object.keys(requests)) {
    const p = key(reqPath, name);
    validateContainerResourceName(errs, p, name);
    const v = validateResourceQuantity(errs, p, name, requests[name]);
    const lim = limitValues.get(name);
    if (Object.prototype.hasOwnProperty.call(limits, name)) {
      if (v !== undefined && lim !== undefined) {
        const cmp = compareQuantities(v, lim);
        if (cmp !== 0 && !isOvercommitAllowed(name)) {
          errs.push(fieldInvalid(reqPath, quantityText(requests[name]), `must be equal to ${name} limit of ${quantityText(limits[name])}`));
        } else if (cmp > 0) {
          errs.push(fieldInvalid(reqPath, quantityText(requests[name]), `must be less than or equal to ${name} limit of ${quantityText(limits[name])}`));
        }
      }
    } else if (!isOvercommitAllowed(name)) {
      errs.push(fieldRequired(limPath, 'Limit must be set for non overcommitable resources'));
    }
    if (isHugePageResourceName(name)) {
      hugePages = true;
      checkHugePageMultiple(errs, p, name, requests[name], v);
    }
    if (name === 'cpu' || name === 'memory') reqCPUMem = true;
  }
  if (hugePages && !limCPUMem && !reqCPUMem) errs.push(fieldForbidden(path, 'HugePages require cpu or memory'));
  validateResourceClaims(errs, child(path, 'claims'), req.claims, podClaimNames);
}

function checkHugePageMultiple(errs: Errs, path: string, name: string, raw: unknown, v: number | undefined): void {
  const size = hugePageSize(name);
  if (v === undefined || size === undefined) return;
  const ratio = v / size;
  if (Math.abs(ratio - Math.round(ratio)) > 1e-9) errs.push(fieldInvalid(path, quantityText(raw), `${quantityText(raw)} is not positive integer multiple of ${name}`));
}

function validateResourceClaims(errs: Errs, path: string, claims: unknown, podClaimNames: Set<string> | undefined): void {
  const list = asArray(claims);
  if (!list) return;
  const seen = new Set<string>();
  for (let i = 0; i < list.length; i++) {
    const c = list[i];
    const name = isObject(c) ? str(c, 'name') : '';
    if (!name) {
      errs.push(fieldRequired(index(path, i), ''));
      continue;
    }
    const request = isObject(c) ? str(c, 'request') : '';
    const k = request ? `${name}/${request}` : name;
    if (seen.has(k) || seen.has(name)) errs.push(fieldDuplicate(index(path, i), k));
    seen.add(k);
    if (podClaimNames && !podClaimNames.has(name)) {
      const names = [...podClaimNames].sort();
      errs.push(fieldNotFound(index(path, i), name, `must be one of the names in pod.spec.resourceClaims${names.length === 0 ? ' which is empty' : `: ${names.join(', ')}`}`));
    }
  }
}

// --- QoS class (qos.ComputePodQOS) ----------------------------------------------------------------

function positive(list: JsonObject | undefined, out: Map<string, number>): void {
  if (!list) return;
  for (const name of ['cpu', 'memory']) {
    if (list[name] === undefined) continue;
    const v = quantityValue(list[name]);
    if (v !== undefined && v > 0) out.set(name, (out.get(name) ?? 0) + v);
  }
}

export type QOSClass = 'Guaranteed' | 'Burstable' | 'BestEffort';

export function computePodQOS(spec: JsonObject | undefined): QOSClass {
  const requests = new Map<string, number>();
  const limits = new Map<string, number>();
  let guaranteed = true;
  const containers = [...objects(spec, 'containers'), ...objects(spec, 'initContainers')];
  for (const [c] of containers) {
    const res = obj(c, 'resources');
    const req = new Map<string, number>();
    const lim = new Map<string, number>();
    positive(obj(res, 'requests'), req);
    positive(obj(res, 'limits'), lim);
    for (const [k, v] of req) requests.set(k, (requests.get(k) ?? 0) + v);
    for (const [k, v] of lim) limits.set(k, (limits.get(k) ?? 0) + v);
    if (!lim.has('cpu') || !lim.has('memory')) guaranteed = false;
  }
  if (requests.size === 0 && limits.size === 0) return 'BestEffort';
  if (guaranteed) {
    for (const [k, v] of requests) {
      const l = limits.get(k);
      if (l === undefined || compareQuantities(l, v) !== 0) {
        guaranteed = false;
        break;
      }
    }
  }
  return guaranteed && requests.size === limits.size ? 'Guaranteed' : 'Burstable';
}

