// apps/v1 workload specs (Deployment, ReplicaSet, StatefulSet, DaemonSet) and
// ReplicationController, as pkg/apis/apps/validation and core's RC validation.

import { fieldForbidden, fieldInvalid, fieldNotSupported, fieldRequired } from './fielderrors.ts';
import { pushInvalidEach, stringMap, validateLabels, validateAnnotations, validateNonnegative, type Errs } from './fields.ts';
import { asNumber, isObject, obj, str, type JsonObject } from './json.ts';
import { isValidPercent } from './names.ts';
import { validatePodSpecificAnnotations, validatePodTemplateSpec } from './podspec.ts';
import { isEmptySelector, isParseableSelector, mapSelectorMatches, selectorMatches, validateLabelSelector } from './selectors.ts';

/** IntOrString: a non-negative int or a "N%" string. */
export function validatePositiveIntOrPercent(errs: Errs, path: string, v: unknown): void {
  if (typeof v === 'string') pushInvalidEach(errs, path, v, isValidPercent(v));
  else if (typeof v === 'number') validateNonnegative(errs, path, v);
  else if (v !== undefined && v !== null) errs.push(fieldInvalid(path, v, "must be an integer or percentage (e.g '5%%')"));
}

const percentValue = (v: unknown): number | undefined => (typeof v === 'string' && isValidPercent(v).length === 0 ? Number(v.slice(0, -1)) : undefined);

/** getIntOrPercentValue: the percent number, or the int (a non-numeric string counts as 0). */
function intOrPercentValue(v: unknown): number {
  const p = percentValue(v);
  if (p !== undefined) return p;
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && /^-?\d+$/.test(v)) return Number(v);
  return 0;
}

function isNotMoreThan100Percent(errs: Errs, path: string, v: unknown): void {
  const p = percentValue(v);
  if (p !== undefined && p > 100) errs.push(fieldInvalid(path, v, 'must not be greater than 100%'));
}

/** Common workload selector checks; returns whether the template may be matched against it. */
function validateWorkloadSelector(errs: Errs, spec: JsonObject, kind: 'deployment' | 'statefulset' | 'daemonset'): boolean {
  const sel = spec.selector;
  if (sel === undefined || sel === null) {
    if (kind !== 'daemonset') errs.push(fieldRequired('spec.selector', ''));
  } else {
    validateLabelSelector(errs, 'spec.selector', sel);
    if (isEmptySelector(sel)) errs.push(fieldInvalid('spec.selector', sel, `empty selector is invalid for ${kind}`));
  }
  return isParseableSelector(sel);
}

/**
 * The template check as upstream runs it on the converted selector: a missing selector converts
 * to "nothing" (matches no labels), an empty one to "everything" (the check is skipped).
 */
function templateMatchesSelector(sel: unknown, labels: Record<string, string>): boolean {
  if (sel === undefined || sel === null) return false;
  return isEmptySelector(sel) || selectorMatches(sel, labels);
}

function templateLabels(spec: JsonObject): Record<string, string> {
  return stringMap(obj(obj(spec, 'template'), 'metadata')?.labels);
}

/** ValidatePodTemplateSpecForReplicaSet (Deployments and ReplicaSets). */
function validateTemplateForReplicaSet(errs: Errs, spec: JsonObject, kindLabel: string): void {
  // The template is a struct (never nil) in apps/v1: a missing one validates as empty.
  const template = isObject(spec.template) ? spec.template : {};
  if (!templateMatchesSelector(spec.selector, templateLabels(spec))) {
    errs.push(fieldInvalid('spec.template.metadata.labels', obj(obj(template, 'metadata'), 'labels') ?? null, '`selector` does not match template `labels`'));
  }
  validatePodTemplateSpec(errs, 'spec.template', template);
  restartAlwaysNoDeadline(errs, template, kindLabel);
}

function restartAlwaysNoDeadline(errs: Errs, template: JsonObject, kindLabel: string): void {
  const tspec = obj(template, 'spec');
  const rp = str(tspec, 'restartPolicy');
  if (rp !== 'Always') errs.push(fieldNotSupported('spec.template.spec.restartPolicy', rp, ['Always']));
  if (tspec?.activeDeadlineSeconds !== undefined && tspec.activeDeadlineSeconds !== null) {
    errs.push(fieldForbidden('spec.template.spec.activeDeadlineSeconds', `activeDeadlineSeconds in ${kindLabel} is not Supported`));
  }
}

// --- Deployment -----------------------------------------------------------------------------------------

export function validateDeploymentSpec(errs: Errs, spec: JsonObject): void {
  validateNonnegative(errs, 'spec.replicas', spec.replicas);
  const parseable = validateWorkloadSelector(errs, spec, 'deployment');
  if (!parseable) errs.push(fieldInvalid('spec.selector', spec.selector, 'invalid label selector'));
  else validateTemplateForReplicaSet(errs, spec, 'ReplicaSet');
  const strategy = obj(spec, 'strategy') ?? {};
  const type = str(strategy, 'type');
  if (type === 'Recreate') {
    if (strategy.rollingUpdate !== undefined && strategy.rollingUpdate !== null) errs.push(fieldForbidden('spec.strategy.rollingUpdate', "may not be specified when strategy `type` is 'Recreate'"));
  } else if (type === 'RollingUpdate') {
    const ru = obj(strategy, 'rollingUpdate');
    if (!ru) errs.push(fieldRequired('spec.strategy.rollingUpdate', 'this should be defaulted and never be nil'));
    else {
      validatePositiveIntOrPercent(errs, 'spec.strategy.rollingUpdate.maxUnavailable', ru.maxUnavailable);
      validatePositiveIntOrPercent(errs, 'spec.strategy.rollingUpdate.maxSurge', ru.maxSurge);
      if (intOrPercentValue(ru.maxUnavailable) === 0 && intOrPercentValue(ru.maxSurge) === 0) {
        errs.push(fieldInvalid('spec.strategy.rollingUpdate.maxUnavailable', ru.maxUnavailable ?? 0, 'may not be 0 when `maxSurge` is 0'));
      }
      isNotMoreThan100Percent(errs, 'spec.strategy.rollingUpdate.maxUnavailable', ru.maxUnavailable);
    }
  } else {
    errs.push(fieldNotSupported('spec.strategy', strategy, ['Recreate', 'RollingUpdate']));
  }
  validateNonnegative(errs, 'spec.minReadySeconds', spec.minReadySeconds);
  validateNonnegative(errs, 'spec.revisionHistoryLimit', spec.revisionHistoryLimit);
  const pds = asNumber(spec.progressDeadlineSeconds);
  if (pds !== undefined) {
    validateNonnegative(errs, 'spec.progressDeadlineSeconds', pds);
    if (pds <= (asNumber(spec.minReadySeconds) ?? 0)) errs.push(fieldInvalid('spec.progressDeadlineSeconds', pds, 'must be greater than minReadySeconds'));
  }
}

// --- ReplicaSet -----------------------------------------------------------------------------------------

export function validateReplicaSetSpec(errs: Errs, spec: JsonObject): void {
  validateNonnegative(errs, 'spec.replicas', spec.replicas);
  validateNonnegative(errs, 'spec.minReadySeconds', spec.minReadySeconds);
  const parseable = validateWorkloadSelector(errs, spec, 'deployment');
  if (!parseable) errs.push(fieldInvalid('spec.selector', spec.selector, 'invalid label selector'));
  else validateTemplateForReplicaSet(errs, spec, 'ReplicaSet');
}

// --- StatefulSet ----------------------------------------------------------------------------------------

export function validateStatefulSetSpec(errs: Errs, spec: JsonObject): void {
  const pmp = str(spec, 'podManagementPolicy');
  if (!pmp) errs.push(fieldRequired('spec.podManagementPolicy', ''));
  else if (pmp !== 'OrderedReady' && pmp !== 'Parallel') errs.push(fieldInvalid('spec.podManagementPolicy', pmp, "must be 'OrderedReady' or 'Parallel'"));
  const us = obj(spec, 'updateStrategy') ?? {};
  const ust = str(us, 'type');
  const ru = obj(us, 'rollingUpdate');
  if (!ust) errs.push(fieldRequired('spec.updateStrategy', ''));
  else if (ust === 'OnDelete') {
    if (ru) errs.push(fieldInvalid('spec.updateStrategy.rollingUpdate', ru, "only allowed for updateStrategy 'RollingUpdate'"));
  } else if (ust === 'RollingUpdate') {
    if (ru) {
      validateNonnegative(errs, 'spec.updateStrategy.rollingUpdate.partition', ru.partition);
      const mu = ru.maxUnavailable;
      if (mu !== undefined && mu !== null) {
        const p = 'spec.updateStrategy.rollingUpdate.maxUnavailable';
        validatePositiveIntOrPercent(errs, p, mu);
        if (intOrPercentValue(mu) === 0) errs.push(fieldInvalid(p, mu, 'cannot be 0'));
        isNotMoreThan100Percent(errs, p, mu);
      }
    }
  } else {
    errs.push(fieldInvalid('spec.updateStrategy', us, "must be 'RollingUpdate' or 'OnDelete'"));
  }
  const pvcrp = obj(spec, 'persistentVolumeClaimRetentionPolicy');
  if (pvcrp) {
    for (const f of ['whenDeleted', 'whenScaled']) {
      const v = str(pvcrp, f);
      if (v !== 'Retain' && v !== 'Delete') errs.push(fieldNotSupported(`spec.persistentVolumeClaimRetentionPolicy.${f}`, v, ['Retain', 'Delete']));
    }
  }
  validateNonnegative(errs, 'spec.replicas', spec.replicas);
  validateNonnegative(errs, 'spec.minReadySeconds', spec.minReadySeconds);
  const ordinals = obj(spec, 'ordinals');
  if (ordinals) validateNonnegative(errs, 'spec.ordinals.start', ordinals.start);
  const parseable = validateWorkloadSelector(errs, spec, 'statefulset');
  const template = obj(spec, 'template');
  if (!parseable) errs.push(fieldInvalid('spec.selector', spec.selector, ''));
  else if (!template) errs.push(fieldRequired('spec.template', ''));
  else {
    // Upstream checks only the template's metadata here; the pod spec is validated when pods are made.
    if (!templateMatchesSelector(spec.selector, templateLabels(spec))) {
      errs.push(fieldInvalid('spec.template.metadata.labels', obj(obj(template, 'metadata'), 'labels') ?? null, '`selector` does not match template `labels`'));
    }
    const meta = obj(template, 'metadata');
    validateLabels(errs, 'spec.template.labels', meta?.labels);
    validateAnnotations(errs, 'spec.template.annotations', meta?.annotations);
    validatePodSpecificAnnotations(errs, 'spec.template.annotations', meta?.annotations, obj(template, 'spec'));
  }
  const tspec = obj(template, 'spec');
  const rp = str(tspec, 'restartPolicy');
  if (rp !== 'Always') errs.push(fieldNotSupported('spec.template.spec.restartPolicy', rp, ['Always']));
  if (tspec?.activeDeadlineSeconds !== undefined && tspec.activeDeadlineSeconds !== null) {
    errs.push(fieldForbidden('spec.template.spec.activeDeadlineSeconds', 'activeDeadlineSeconds in StatefulSet is not Supported'));
  }
}

// --- DaemonSet ------------------------------------------------------------------------------------------

export function validateDaemonSetSpec(errs: Errs, spec: JsonObject): void {
  validateLabelSelector(errs, 'spec.selector', spec.selector);
  const sel = spec.selector;
  if (isParseableSelector(sel) && !(isObject(sel) ? selectorMatches(sel, templateLabels(spec)) : false)) {
    errs.push(fieldInvalid('spec.template.metadata.labels', obj(obj(spec.template as JsonObject, 'metadata'), 'labels') ?? null, '`selector` does not match template `labels`'));
  }
  if (isObject(sel) && isEmptySelector(sel)) errs.push(fieldInvalid('spec.selector', sel, 'empty selector is invalid for daemonset'));
  const template = obj(spec, 'template') ?? {};
  validatePodTemplateSpec(errs, 'spec.template', template);
  restartAlwaysNoDeadline(errs, template, 'DaemonSet');
  validateNonnegative(errs, 'spec.minReadySeconds', spec.minReadySeconds);
  const us = obj(spec, 'updateStrategy') ?? {};
  const type = str(us, 'type');
  if (type === 'RollingUpdate') {
    const ru = obj(us, 'rollingUpdate');
    if (!ru) errs.push(fieldRequired('spec.updateStrategy.rollingUpdate', ''));
    else {
      const p = 'spec.updateStrategy.rollingUpdate';
      validatePositiveIntOrPercent(errs, `${p}.maxUnavailable`, ru.maxUnavailable);
      validatePositiveIntOrPercent(errs, `${p}.maxSurge`, ru.maxSurge);
      isNotMoreThan100Percent(errs, `${p}.maxUnavailable`, ru.maxUnavailable);
      isNotMoreThan100Percent(errs, `${p}.maxSurge`, ru.maxSurge);
      const hasUnavailable = intOrPercentValue(ru.maxUnavailable) !== 0;
      const hasSurge = intOrPercentValue(ru.maxSurge) !== 0;
      if (hasUnavailable && hasSurge) errs.push(fieldInvalid(`${p}.maxSurge`, ru.maxSurge, 'may not be set when maxUnavailable is non-zero'));
      else if (!hasUnavailable && !hasSurge) errs.push(fieldRequired(`${p}.maxUnavailable`, 'cannot be 0 when maxSurge is 0'));
    }
  } else if (type !== 'OnDelete') {
    errs.push(fieldNotSupported('spec.updateStrategy', us, ['RollingUpdate', 'OnDelete']));
  }
  validateNonnegative(errs, 'spec.revisionHistoryLimit', spec.revisionHistoryLimit);
}

// --- ReplicationController ----------------------------------------------------------------------------------

export function validateReplicationControllerSpec(errs: Errs, spec: JsonObject): void {
  validateNonnegative(errs, 'spec.minReadySeconds', spec.minReadySeconds);
  const selector = stringMap(spec.selector);
  if (Object.keys(selector).length === 0) errs.push(fieldRequired('spec.selector', ''));
  validateNonnegative(errs, 'spec.replicas', spec.replicas);
  const template = spec.template;
  if (!isObject(template)) {
    errs.push(fieldRequired('spec.template', ''));
    return;
  }
  if (Object.keys(selector).length > 0 && !mapSelectorMatches(selector, templateLabels(spec))) {
    errs.push(fieldInvalid('spec.template.metadata.labels', obj(obj(template, 'metadata'), 'labels') ?? null, '`selector` does not match template `labels`'));
  }
  validatePodTemplateSpec(errs, 'spec.template', template);
  restartAlwaysNoDeadline(errs, template, 'ReplicationController');
}

/** Status counters shared by the replica-managing kinds. */
export function validateReplicaStatus(errs: Errs, status: JsonObject | undefined, fields: readonly string[], extra?: (errs: Errs, s: JsonObject) => void): void {
  const s = status ?? {};
  for (const f of fields) validateNonnegative(errs, `status.${f}`, s[f]);
  extra?.(errs, s);
}
