// core/v1 Node (pkg/registry/core/node/strategy.go, ValidateNode / ValidateNodeUpdate).

import { fieldDuplicate, fieldForbidden, fieldInvalid } from '../validation/fielderrors.ts';
import { validateLabelName, type Errs } from '../validation/fields.ts';
import { asArray, clone, isObject, obj, objects, str } from '../validation/json.ts';
import { isValidLabelValue } from '../validation/names.ts';
import { parseCIDR, validateCIDR } from '../validation/net.ts';
import { validateTaintEffect } from '../validation/podspec.ts';
import { validateResourceQuantity } from '../validation/resources.ts';
import type { KubeObject } from '../object.ts';
import { keepAllButStatus, keepOldStatus, specOf, statusOf } from './common.ts';
import type { Strategy } from './strategy.ts';

function defaults(node: KubeObject): void {
  const status = statusOf(node);
  // SetDefaults_NodeStatus: allocatable starts as a copy of capacity.
  if (status && !isObject(status.allocatable) && isObject(status.capacity)) status.allocatable = clone(status.capacity);
}

function prepareForCreate(node: KubeObject): void {
  // The DynamicKubeletConfig fields are gone; drop them unless already in use.
  delete specOf(node).configSource;
  const status = statusOf(node);
  if (status) delete status.config;
}

function prepareForUpdate(node: KubeObject, old: KubeObject): void {
  keepOldStatus(node, old);
  if (!isObject(obj(old, 'spec')?.configSource)) delete specOf(node).configSource;
}

function validateTaints(errs: Errs, node: KubeObject): void {
  const seen = new Map<string, Set<string>>();
  // Upstream reports taints under metadata (it passes the metadata path); kept for fidelity.
  for (const [t, i] of objects(specOf(node), 'taints')) {
    const p = `metadata.taints[${i}]`;
    validateLabelName(errs, `${p}.key`, str(t, 'key'));
    const msgs = isValidLabelValue(str(t, 'value'));
    if (msgs.length) errs.push(fieldInvalid(`${p}.value`, str(t, 'value'), msgs.join(';')));
    const effect = str(t, 'effect');
    validateTaintEffect(errs, `${p}.effect`, effect, false);
    const keys = seen.get(effect) ?? new Set<string>();
    if (keys.has(str(t, 'key'))) {
      errs.push({ ...fieldDuplicate(p, t), detail: 'taints must be unique by key and effect pair' });
      continue;
    }
    keys.add(str(t, 'key'));
    seen.set(effect, keys);
  }
}

function validateResources(errs: Errs, node: KubeObject): void {
  const status = statusOf(node);
  for (const f of ['capacity', 'allocatable']) {
    const list = obj(status, f);
    for (const k of Object.keys(list ?? {})) validateResourceQuantity(errs, `status.${f}.${k}`, k, list?.[k]);
  }
}

function validate(node: KubeObject): Errs {
  const errs: Errs = [];
  validateTaints(errs, node);
  validateResources(errs, node);
  const cidrs = (asArray(specOf(node).podCIDRs) ?? []).map(String);
  cidrs.forEach((c, i) => errs.push(...validateCIDR(`spec.podCIDRs[${i}]`, c)));
  if (cidrs.length > 1 && errs.length === 0) {
    const families = new Set(cidrs.map((c) => parseCIDR(c)?.family));
    if (families.size !== cidrs.length || cidrs.length > 2) errs.push(fieldInvalid('spec.podCIDRs', cidrs, 'may specify no more than one CIDR for each IP family'));
    const seen = new Set<string>();
    cidrs.forEach((c, i) => {
      if (seen.has(c)) errs.push(fieldDuplicate(`spec.podCIDRs[${i}]`, c));
      seen.add(c);
    });
  }
  return errs;
}

function validateUpdate(node: KubeObject, old: KubeObject): Errs {
  const errs: Errs = [];
  validateResources(errs, node);
  const addresses = new Set<string>();
  for (const [a, i] of objects(statusOf(node), 'addresses')) {
    const k = `${str(a, 'type')}/${str(a, 'address')}`;
    if (addresses.has(k)) errs.push(fieldDuplicate(`status.addresses[${i}]`, a));
    addresses.add(k);
  }
  const spec = specOf(node);
  const oldSpec = obj(old, 'spec') ?? {};
  const oldCIDRs = (asArray(oldSpec.podCIDRs) ?? []).map(String);
  const newCIDRs = (asArray(spec.podCIDRs) ?? []).map(String);
  if (oldCIDRs.length > 0) {
    const msg = 'node updates may not change podCIDR except from "" to valid';
    if (oldCIDRs.length !== newCIDRs.length) errs.push(fieldForbidden('spec.podCIDRs', msg));
    else oldCIDRs.forEach((c, i) => { if (c !== newCIDRs[i]) errs.push(fieldForbidden('spec.podCIDRs', msg)); });
  }
  if (str(oldSpec, 'providerID') && str(oldSpec, 'providerID') !== str(spec, 'providerID')) {
    errs.push(fieldForbidden('spec.providerID', 'node updates may not change providerID except from "" to valid'));
  }
  validateTaints(errs, node);
  if (str(spec, 'externalID') !== str(oldSpec, 'externalID')) errs.push(fieldForbidden('spec.externalID', 'may not be updated'));
  return errs;
}

export const nodeStrategy: Strategy = {
  hasStatus: true,
  defaults,
  prepareForCreate,
  prepareForUpdate,
  validate,
  validateUpdate,
  prepareForStatusUpdate: (node, old) => {
    keepAllButStatus(node, old);
    defaults(node);
  },
  validateStatusUpdate: validateUpdate,
  selectableFields: (node) => ({ 'spec.unschedulable': String(isObject(node.spec) && node.spec.unschedulable === true) }),
};

