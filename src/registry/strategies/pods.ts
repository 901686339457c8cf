// core/v1 Pod (pkg/registry/core/pod/strategy.go + ValidatePodCreate/Update/StatusUpdate).

import { fieldDuplicate, fieldForbidden, fieldInvalid, fieldNotSupported, fieldRequired } from '../validation/fielderrors.ts';
import { validateImmutable, validateName, validateQualifiedName, type Errs } from '../validation/fields.ts';
import { asArray, asNumber, clone, isObject, obj, objects, semanticEqual, str, type JsonObject } from '../validation/json.ts';
import { inclusiveRangeError, nameIsDNSSubdomain } from '../validation/names.ts';
import { parseIP, validateIP } from '../validation/net.ts';
import { validatePodSpecAndAnnotations, validateTolerations } from '../validation/podspec.ts';
import { computePodQOS } from '../validation/resources.ts';
import { describeDiff } from '../validation/diff.ts';
import type { KubeObject } from '../object.ts';
import { keepOldStatus, shareAllButStatus, specOf, statusOf } from './common.ts';
import { defaultPod } from './podDefaults.ts';
import type { DeleteOptions, Strategy } from './strategy.ts';

const MAX_INT32 = 2147483647;
const MIRROR_POD_ANNOTATION = 'kubernetes.io/config.mirror';

const UPDATABLE_POD_SPEC_FIELDS = [
  '`spec.containers[*].image`',
  '`spec.initContainers[*].image`',
  '`spec.activeDeadlineSeconds`',
  '`spec.tolerations` (only additions to existing tolerations)',
  '`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)',
].join(',');

/** matchLabelKeys / mismatchLabelKeys become selector requirements at creation (MatchLabelKeysInPodAffinity, beta in v1.32). */
function mutatePodAffinity(pod: KubeObject): void {
  const labels = isObject(pod.metadata.labels) ? pod.metadata.labels : {};
  const affinity = obj(specOf(pod), 'affinity');
  const apply = (term: JsonObject | undefined) => {
    const sel = obj(term, 'labelSelector');
    if (!term || !sel) return;
    for (const [field, operator] of [['matchLabelKeys', 'In'], ['mismatchLabelKeys', 'NotIn']] as const) {
      for (const k of asArray(term[field]) ?? []) {
        if (typeof k !== 'string' || typeof labels[k] !== 'string') continue;
        const exprs = (asArray(sel.matchExpressions) ?? []).slice();
        exprs.push({ key: k, operator, values: [labels[k]] });
        sel.matchExpressions = exprs;
      }
    }
  };
  for (const kind of ['podAffinity', 'podAntiAffinity']) {
    const block = obj(affinity, kind);
    for (const [t] of objects(block, 'requiredDuringSchedulingIgnoredDuringExecution')) apply(t);
    for (const [w] of objects(block, 'preferredDuringSchedulingIgnoredDuringExecution')) apply(obj(w, 'podAffinityTerm'));
  }
}

function prepareForCreate(pod: KubeObject): void {
  // QoS is computed from defaulted requests, so default first (defaulting is idempotent).
  defaultPod(pod);
  const spec = specOf(pod);
  const status: JsonObject = { phase: 'Pending', qosClass: computePodQOS(spec) };
  if ((asArray(spec.schedulingGates) ?? []).length > 0) {
    status.conditions = [{
      type: 'PodScheduled', status: 'False', lastProbeTime: null, lastTransitionTime: null,
      reason: 'SchedulingGated', message: 'Scheduling is blocked due to non-empty scheduling gates',
    }];
  }
  pod.status = status;
  mutatePodAffinity(pod);
}

function validate(pod: KubeObject): Errs {
  const errs: Errs = [];
  validatePodSpecAndAnnotations(errs, pod);
  const spec = specOf(pod);
  if ((asArray(spec.ephemeralContainers) ?? []).length > 0) errs.push(fieldForbidden('spec.ephemeralContainers', 'cannot be set on create'));
  if (str(spec, 'nodeName') && (asArray(spec.schedulingGates) ?? []).length > 0) {
    errs.push(fieldForbidden('spec.nodeName', 'cannot be set until all schedulingGates have been cleared'));
  }
  return errs;
}

function validateContainerUpdates(errs: Errs, path: string, next: unknown, prev: unknown): boolean {
  const n = asArray(next) ?? [];
  const p = asArray(prev) ?? [];
  if (n.length !== p.length) {
    errs.push(fieldForbidden(path, 'pod updates may not add or remove containers'));
    return true;
  }
  n.forEach((c, i) => {
    const image = isObject(c) ? str(c, 'image') : '';
    if (!image) errs.push(fieldRequired(`${path}[${i}].image`, ''));
    if (image.trim().length !== image.length) errs.push(fieldInvalid(`${path}[${i}].image`, image, 'must not have leading or trailing whitespace'));
  });
  return false;
}

function validateAnnotationUpdates(errs: Errs, pod: KubeObject, old: KubeObject): void {
  const na = isObject(pod.metadata.annotations) ? pod.metadata.annotations : {};
  const oa = isObject(old.metadata.annotations) ? old.metadata.annotations : {};
  const apparmor = 'container.apparmor.security.beta.kubernetes.io/';
  for (const k of Object.keys(oa)) {
    if (k in na && na[k] === oa[k]) continue;
    if (k.startsWith(apparmor)) errs.push(fieldForbidden(`metadata.annotations[${k}]`, 'may not remove or update AppArmor annotations'));
    if (k === MIRROR_POD_ANNOTATION) errs.push(fieldForbidden(`metadata.annotations[${k}]`, 'may not remove or update mirror pod annotation'));
  }
  for (const k of Object.keys(na)) {
    if (k in oa) continue;
    if (k.startsWith(apparmor)) errs.push(fieldForbidden(`metadata.annotations[${k}]`, 'may not add AppArmor annotations'));
    if (k === MIRROR_POD_ANNOTATION) errs.push(fieldForbidden(`metadata.annotations[${k}]`, 'may not add mirror pod annotation'));
  }
}

function validateOnlyAddedTolerations(errs: Errs, next: unknown, prev: unknown): void {
  const n = (asArray(next) ?? []).filter(isObject);
  for (const o of (asArray(prev) ?? []).filter(isObject)) {
    // tolerationSeconds may change; everything else of an existing toleration may not.
    const found = n.some((t) => {
      const candidate: JsonObject = { ...o };
      if (t.tolerationSeconds === undefined) delete candidate.tolerationSeconds;
      else candidate.tolerationSeconds = t.tolerationSeconds;
      return semanticEqual(candidate, t);
    });
    if (!found) {
      errs.push(fieldForbidden('spec.tolerations', 'existing toleration can not be modified except its tolerationSeconds'));
      return;
    }
  }
  validateTolerations(errs, 'spec.tolerations', next);
}

function validateUpdate(pod: KubeObject, old: KubeObject): Errs {
  const errs: Errs = [];
  validatePodSpecAndAnnotations(errs, pod);
  validateAnnotationUpdates(errs, pod, old);
  const spec = specOf(pod);
  const oldSpec = isObject(old.spec) ? old.spec : {};
  if (validateContainerUpdates(errs, 'spec.containers', spec.containers, oldSpec.containers)) return errs;
  if (validateContainerUpdates(errs, 'spec.initContainers', spec.initContainers, oldSpec.initContainers)) return errs;
  const ads = asNumber(spec.activeDeadlineSeconds);
  const oldAds = asNumber(oldSpec.activeDeadlineSeconds);
  if (ads !== undefined) {
    if (ads < 0 || ads > MAX_INT32) {
      errs.push(fieldInvalid('spec.activeDeadlineSeconds', ads, inclusiveRangeError(0, MAX_INT32)));
      return errs;
    }
    if (oldAds !== undefined && oldAds < ads) {
      errs.push(fieldInvalid('spec.activeDeadlineSeconds', ads, 'must be less than or equal to previous value'));
      return errs;
    }
  } else if (oldAds !== undefined) {
    errs.push(fieldInvalid('spec.activeDeadlineSeconds', null, 'must not update from a positive integer to nil value'));
  }
  validateOnlyAddedTolerations(errs, spec.tolerations, oldSpec.tolerations);
  const newGates = objects(spec, 'schedulingGates');
  if (newGates.length > 0) {
    const oldNames = new Set(objects(oldSpec, 'schedulingGates').map(([g]) => str(g, 'name')));
    for (const [g, i] of newGates) {
      if (!oldNames.has(str(g, 'name'))) errs.push(fieldForbidden(`spec.schedulingGates[${i}].name`, `only deletion is allowed, but found new scheduling gate '${str(g, 'name')}'`));
    }
  }
  if (semanticEqual(spec, oldSpec)) return errs;

  // Put the old values into the fields that may change, then everything else must be equal.
  const munged = clone(spec);
  for (const f of ['containers', 'initContainers']) {
    const prev = asArray(oldSpec[f]) ?? [];
    for (const [c, i] of objects(munged, f)) {
      const o = prev[i];
      if (isObject(o)) c.image = o.image;
    }
  }
  if (oldAds !== undefined) munged.activeDeadlineSeconds = oldAds;
  else delete munged.activeDeadlineSeconds;
  setOrDelete(munged, 'schedulingGates', oldSpec.schedulingGates);
  setOrDelete(munged, 'tolerations', oldSpec.tolerations);
  const oldTgps = asNumber(oldSpec.terminationGracePeriodSeconds);
  if (oldTgps !== undefined && oldTgps < 0 && munged.terminationGracePeriodSeconds === 1) munged.terminationGracePeriodSeconds = oldTgps;
  if ((asArray(oldSpec.schedulingGates) ?? []).length > 0) {
    // Gated pods may gain nodeSelector entries (no changes or removals).
    const ns = isObject(munged.nodeSelector) ? munged.nodeSelector : {};
    const ons = isObject(oldSpec.nodeSelector) ? oldSpec.nodeSelector : {};
    if (!semanticEqual(ns, ons)) {
      if (Object.keys(ons).some((k) => ns[k] !== ons[k])) {
        errs.push(fieldInvalid('spec.nodeSelector', ns, 'only additions to spec.nodeSelector are allowed (no mutations or deletions)'));
      }
      setOrDelete(munged, 'nodeSelector', oldSpec.nodeSelector);
    }
  }
  if (!semanticEqual(munged, oldSpec)) {
    errs.push(fieldForbidden('spec', `pod updates may not change fields other than ${UPDATABLE_POD_SPEC_FIELDS}\n${describeDiff(oldSpec, munged, 'spec')}`));
  }
  return errs;
}

function setOrDelete(o: JsonObject, k: string, v: unknown): void {
  if (v === undefined) delete o[k];
  else o[k] = clone(v);
}

function prepareForStatusUpdate(pod: KubeObject, old: KubeObject): void {
  // Nothing changes a pod's spec after this (pods have no update hooks): share it, don't copy it.
  shareAllButStatus(pod, old);
  // Old kubelets corrupt owner references through pods/status; they are not writable here.
  if (old.metadata.ownerReferences === undefined) delete pod.metadata.ownerReferences;
  else pod.metadata.ownerReferences = old.metadata.ownerReferences;
  const status = statusOf(pod);
  const oldQOS = statusOf(old)?.qosClass;
  if (status && !status.qosClass && oldQOS !== undefined) status.qosClass = oldQOS;
}

function validateIPList(errs: Errs, path: string, list: unknown): string[] {
  const ips: string[] = [];
  for (const [e, i] of objects({ list }, 'list')) {
    const ip = str(e, 'ip');
    errs.push(...validateIP(`${path}[${i}]`, ip));
    ips.push(ip);
  }
  if (ips.length > 1) {
    const families = new Set(ips.map((ip) => parseIP(ip)?.family));
    if (families.size !== ips.length || ips.length > 2) errs.push(fieldInvalid(path, list, 'may specify no more than one IP for each IP family'));
    const seen = new Set<string>();
    objects({ list }, 'list').forEach(([e, i]) => {
      if (seen.has(str(e, 'ip'))) errs.push(fieldDuplicate(`${path}[${i}]`, e));
      seen.add(str(e, 'ip'));
    });
  }
  return ips;
}

function terminated(status: JsonObject): JsonObject | undefined {
  return obj(obj(status, 'state'), 'terminated');
}

function validateStateTransitions(errs: Errs, path: string, next: unknown, prev: unknown, restartPolicy: string, restartable: Set<string>): void {
  if (restartPolicy === 'Always') return;
  const n = objects({ next }, 'next');
  for (const [o, i] of objects({ prev }, 'prev')) {
    const t = terminated(o);
    if (!t) continue;
    if ((asNumber(t.exitCode) ?? 0) !== 0 && restartPolicy === 'OnFailure') continue;
    if (restartable.has(str(o, 'name'))) continue;
    for (const [c] of n) {
      if (str(c, 'name') === str(o, 'name') && !terminated(c)) errs.push(fieldForbidden(`${path}[${i}].state`, 'may not be transitioned to non-terminated state'));
    }
  }
}

const SYSTEM_CONDITIONS = new Set(['PodScheduled', 'Ready', 'Initialized']);

function validateStatusUpdate(pod: KubeObject, old: KubeObject): Errs {
  const errs: Errs = [];
  validateAnnotationUpdates(errs, pod, old);
  const status = statusOf(pod) ?? {};
  const oldStatus = statusOf(old) ?? {};
  for (const [c, i] of objects(status, 'conditions')) {
    const t = str(c, 'type');
    // Upstream reports these under metadata.conditions with a capitalised Type (kept for fidelity).
    if (!SYSTEM_CONDITIONS.has(t)) validateQualifiedName(errs, `metadata.conditions[${i}].Type`, t);
  }
  const spec = specOf(pod);
  const oldSpec = isObject(old.spec) ? old.spec : {};
  if (str(spec, 'nodeName') !== str(oldSpec, 'nodeName')) errs.push(fieldForbidden('status.nodeName', 'may not be changed directly'));
  const nominated = str(status, 'nominatedNodeName');
  if (nominated && nominated !== str(oldStatus, 'nominatedNodeName')) validateName(errs, 'status.nominatedNodeName', nominated, nameIsDNSSubdomain);
  validateImmutable(errs, 'status.qosClass', status.qosClass ?? '', oldStatus.qosClass ?? '');
  const restartPolicy = str(oldSpec, 'restartPolicy');
  const restartableInit = new Set(objects(oldSpec, 'initContainers').filter(([c]) => c.restartPolicy === 'Always').map(([c]) => str(c, 'name')));
  validateStateTransitions(errs, 'status.containerStatuses', status.containerStatuses, oldStatus.containerStatuses, restartPolicy, new Set());
  validateStateTransitions(errs, 'status.initContainerStatuses', status.initContainerStatuses, oldStatus.initContainerStatuses, restartPolicy, restartableInit);
  validateStateTransitions(errs, 'status.ephemeralContainerStatuses', status.ephemeralContainerStatuses, oldStatus.ephemeralContainerStatuses, 'Never', new Set());
  validateIPList(errs, 'status.podIPs', status.podIPs);
  const hostIPs = objects(status, 'hostIPs');
  if (hostIPs.length > 0) {
    if (str(status, 'hostIP') !== str(hostIPs[0][0], 'ip')) errs.push(fieldInvalid('status.hostIPs[0].ip', str(hostIPs[0][0], 'ip'), 'must be equal to `hostIP`'));
    validateIPList(errs, 'status.hostIPs', status.hostIPs);
  }
  return errs;
}

function selectableFields(pod: KubeObject): Record<string, string> {
  const spec = isObject(pod.spec) ? pod.spec : {};
  const status = statusOf(pod);
  const podIPs = objects(status, 'podIPs');
  return {
    'spec.nodeName': str(spec, 'nodeName'),
    'spec.restartPolicy': str(spec, 'restartPolicy'),
    'spec.schedulerName': str(spec, 'schedulerName'),
    'spec.serviceAccountName': str(spec, 'serviceAccountName'),
    'spec.hostNetwork': String(spec.hostNetwork === true),
    'status.phase': str(status, 'phase'),
    'status.podIP': podIPs.length > 0 ? str(podIPs[0][0], 'ip') : '',
    'status.nominatedNodeName': str(status, 'nominatedNodeName'),
  };
}

/** CheckGracefulDelete: the requested period, else the pod's own; 0 when unscheduled or finished. */
function gracePeriod(pod: KubeObject, options: DeleteOptions): number {
  const spec = isObject(pod.spec) ? pod.spec : {};
  let period = options.gracePeriodSeconds ?? asNumber(spec.terminationGracePeriodSeconds) ?? 0;
  if (!str(spec, 'nodeName')) period = 0;
  const phase = str(statusOf(pod), 'phase');
  if (phase === 'Failed' || phase === 'Succeeded') period = 0;
  if (period < 0) period = 1;
  return period;
}

/**
 * pods/ephemeralcontainers: of the object sent, only spec.ephemeralContainers counts (and the
 * identity the request names); everything else is the stored pod's (upstream's
 * dropNonEphemeralContainerUpdates).
 */
function prepareForEphemeralContainersUpdate(pod: KubeObject, old: KubeObject): void {
  const ephemeral = specOf(pod).ephemeralContainers;
  const meta = pod.metadata;
  const { name, namespace, resourceVersion, uid } = meta;
  const kept = clone(old);
  // In place, metadata object included: the caller holds on to it.
  for (const k of Object.keys(pod)) if (k !== 'metadata') delete pod[k];
  for (const k of Object.keys(meta)) delete meta[k];
  Object.assign(meta, kept.metadata, { name, namespace, resourceVersion, uid });
  for (const k of Object.keys(kept)) if (k !== 'metadata') pod[k] = kept[k];
  const spec = specOf(pod);
  if (ephemeral === undefined) delete spec.ephemeralContainers;
  else spec.ephemeralContainers = ephemeral;
}

/** ValidatePodEphemeralContainersUpdate: the pod stays valid, and ephemeral containers are only added, never removed or changed. */
function validateEphemeralContainersUpdate(pod: KubeObject, old: KubeObject): Errs {
  const errs: Errs = [];
  validatePodSpecAndAnnotations(errs, pod);
  validateAnnotationUpdates(errs, pod, old);
  if (isObject(old.metadata.annotations) && MIRROR_POD_ANNOTATION in old.metadata.annotations) {
    return [fieldForbidden('', 'static pods do not support ephemeral containers')];
  }
  // A patch may reorder them: each existing one is looked up by name.
  const byName = new Map<string, JsonObject>();
  for (const [c] of objects(specOf(pod), 'ephemeralContainers')) byName.set(str(c, 'name'), c);
  for (const [prev] of objects(isObject(old.spec) ? old.spec : {}, 'ephemeralContainers')) {
    const name = str(prev, 'name');
    const next = byName.get(name);
    if (!next) errs.push(fieldForbidden('spec.ephemeralContainers', `existing ephemeral containers "${name}" may not be removed\n`));
    else if (!semanticEqual(prev, next)) {
      errs.push(fieldForbidden('spec.ephemeralContainers', `existing ephemeral containers "${name}" may not be changed\n${describeDiff(prev, next, 'spec.ephemeralContainers')}`));
    }
  }
  return errs;
}

/** ValidatePodBinding for the pods/binding subresource (target.kind Node or empty, target.name required). */
export function validateBinding(binding: JsonObject): Errs {
  const errs: Errs = [];
  const target = obj(binding, 'target');
  const kind = str(target, 'kind');
  if (kind && kind !== 'Node') errs.push(fieldNotSupported('target.kind', kind, ['Node', '<empty>']));
  if (!str(target, 'name')) errs.push(fieldRequired('target.name', ''));
  return errs;
}

export const podStrategy: Strategy = {
  hasStatus: true,
  defaults: (o) => defaultPod(o),
  prepareForCreate,
  prepareForUpdate: keepOldStatus,
  validate,
  validateUpdate,
  prepareForStatusUpdate,
  validateStatusUpdate,
  prepareForEphemeralContainersUpdate,
  validateEphemeralContainersUpdate,
  selectableFields,
  gracePeriod,
};

