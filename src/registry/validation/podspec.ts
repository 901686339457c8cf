// PodSpec and PodTemplateSpec validation (ValidatePodSpec, ValidatePodTemplateSpec,
// validatePodMetadataAndSpec), with upstream's field paths and messages.

import {
  fieldDuplicate, fieldForbidden, fieldInvalid, fieldNotSupported, fieldRequired,
} from './fielderrors.ts';
import {
  pushInvalidEach, validateAnnotations, validateDNS1123Label, validateDNS1123Subdomain, validateEnum,
  validateLabelName, validateLabels, validateName, validateQualifiedName, type Errs,
} from './fields.ts';
import { asArray, asNumber, bool, isObject, obj, objects, str, child, index, key, type JsonObject } from './json.ts';
import {
  inclusiveRangeError, isValidGroupID, isValidLabelValue, isValidUserID, nameIsDNSSubdomain, nameIsDNSLabel,
} from './names.ts';
import { validateIP } from './net.ts';
import { validateResourceRequirements } from './resources.ts';
import { validateLabelSelector } from './selectors.ts';
import { validateNodeSelectorTerms, validateNodeSelectorTerm } from './storage.ts';
import { validateVolumes } from './volumes.ts';
import {
  validateAppArmorProfile, validateContainers, validateEphemeralContainers, validateImageWhitespace,
  validateInitContainers, validateSeccompProfile, type ContainerContext,
} from './containers.ts';

export const RESTART_POLICIES = ['Always', 'OnFailure', 'Never'];
export const DNS_POLICIES = ['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None'];
const MAX_INT32 = 2147483647;

export interface PodSpecOptions {
  /** The spec belongs to a Pod (not a template): stricter hostNetwork/hostPort rule, PVC names. */
  isPod?: boolean;
  /** The pod's name, for ephemeral-volume PVC name checks. */
  podName?: string;
}

// --- Scheduling: tolerations, affinity, spread ------------------------------------------------------------

const TAINT_EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];

export function validateTaintEffect(errs: Errs, path: string, effect: string, allowEmpty: boolean): void {
  if (!allowEmpty && effect === '') {
    errs.push(fieldRequired(path, ''));
    return;
  }
  if (!TAINT_EFFECTS.includes(effect)) errs.push(fieldNotSupported(path, effect, TAINT_EFFECTS));
}

export function validateTolerations(errs: Errs, path: string, tolerations: unknown): void {
  for (const [t, i] of objects({ tolerations }, 'tolerations')) {
    const idx = index(path, i);
    const k = str(t, 'key');
    const op = str(t, 'operator');
    const value = str(t, 'value');
    const effect = str(t, 'effect');
    if (k) validateLabelName(errs, child(idx, 'key'), k);
    if (!k && op !== 'Exists') errs.push(fieldInvalid(child(idx, 'operator'), op, 'operator must be Exists when `key` is empty, which means "match all values and all keys"'));
    if (t.tolerationSeconds !== undefined && t.tolerationSeconds !== null && effect !== 'NoExecute') {
      errs.push(fieldInvalid(child(idx, 'effect'), effect, "effect must be 'NoExecute' when `tolerationSeconds` is set"));
    }
    if (op === 'Equal' || op === '') {
      const msgs = isValidLabelValue(value);
      if (msgs.length) errs.push(fieldInvalid(child(idx, 'operator'), value, msgs.join(';')));
    } else if (op === 'Exists') {
      if (value) errs.push(fieldInvalid(child(idx, 'operator'), value, "value must be empty when `operator` is 'Exists'"));
    } else {
      errs.push(fieldNotSupported(child(idx, 'operator'), op, ['Equal', 'Exists']));
    }
    if (effect) validateTaintEffect(errs, child(idx, 'effect'), effect, true);
  }
}

function validateLabelKeys(errs: Errs, path: string, keys: unknown, selector: unknown): void {
  const list = asArray(keys) ?? [];
  if (list.length === 0) return;
  if (selector === undefined || selector === null) {
    errs.push(fieldForbidden(path, 'must not be specified when labelSelector is not set'));
    return;
  }
  for (let i = 0; i < list.length; i++) validateLabelName(errs, index(path, i), String(list[i]));
}

function validatePodAffinityTerm(errs: Errs, path: string, term: JsonObject): void {
  validateLabelSelector(errs, child(path, 'labelSelector'), term.labelSelector);
  validateLabelSelector(errs, child(path, 'namespaceSelector'), term.namespaceSelector);
  for (const ns of asArray(term.namespaces) ?? []) {
    validateName(errs, child(path, 'namespace'), String(ns), nameIsDNSLabel);
  }
  validateLabelKeys(errs, child(path, 'matchLabelKeys'), term.matchLabelKeys, term.labelSelector);
  validateLabelKeys(errs, child(path, 'mismatchLabelKeys'), term.mismatchLabelKeys, term.labelSelector);
  const mismatch = new Set((asArray(term.mismatchLabelKeys) ?? []).map(String));
  (asArray(term.matchLabelKeys) ?? []).forEach((k, i) => {
    if (mismatch.has(String(k))) errs.push(fieldInvalid(index(child(path, 'matchLabelKeys'), i), k, 'exists in both matchLabelKeys and mismatchLabelKeys'));
  });
  const topologyKey = str(term, 'topologyKey');
  if (!topologyKey) errs.push(fieldRequired(child(path, 'topologyKey'), 'can not be empty'));
  validateLabelName(errs, child(path, 'topologyKey'), topologyKey);
}

function validatePodAffinityBlock(errs: Errs, path: string, block: JsonObject): void {
  const reqPath = child(path, 'requiredDuringSchedulingIgnoredDuringExecution');
  for (const [t, i] of objects(block, 'requiredDuringSchedulingIgnoredDuringExecution')) validatePodAffinityTerm(errs, index(reqPath, i), t);
  const prefPath = child(path, 'preferredDuringSchedulingIgnoredDuringExecution');
  for (const [w, i] of objects(block, 'preferredDuringSchedulingIgnoredDuringExecution')) {
    const weight = asNumber(w.weight) ?? 0;
    if (weight <= 0 || weight > 100) errs.push(fieldInvalid(child(index(prefPath, i), 'weight'), weight, 'must be in the range 1-100'));
    validatePodAffinityTerm(errs, child(index(prefPath, i), 'podAffinityTerm'), obj(w, 'podAffinityTerm') ?? {});
  }
}

function validateAffinity(errs: Errs, path: string, affinity: unknown): void {
  if (!isObject(affinity)) return;
  const na = obj(affinity, 'nodeAffinity');
  if (na) {
    const naPath = child(path, 'nodeAffinity');
    const req = obj(na, 'requiredDuringSchedulingIgnoredDuringExecution');
    if (req) validateNodeSelectorTerms(errs, child(naPath, 'requiredDuringSchedulingIgnoredDuringExecution'), req);
    const prefPath = child(naPath, 'preferredDuringSchedulingIgnoredDuringExecution');
    for (const [p, i] of objects(na, 'preferredDuringSchedulingIgnoredDuringExecution')) {
      const weight = asNumber(p.weight) ?? 0;
      if (weight <= 0 || weight > 100) errs.push(fieldInvalid(child(index(prefPath, i), 'weight'), weight, 'must be in the range 1-100'));
      // Preferred terms may carry label values that are not valid (they can still match).
      validateNodeSelectorTerm(errs, child(index(prefPath, i), 'preference'), p.preference, true);
    }
  }
  const pa = obj(affinity, 'podAffinity');
  if (pa) validatePodAffinityBlock(errs, child(path, 'podAffinity'), pa);
  const paa = obj(affinity, 'podAntiAffinity');
  if (paa) validatePodAffinityBlock(errs, child(path, 'podAntiAffinity'), paa);
}

function validateTopologySpreadConstraints(errs: Errs, path: string, constraints: unknown): void {
  const list = objects({ constraints }, 'constraints');
  for (let n = 0; n < list.length; n++) {
    const [c, i] = list[n];
    const p = index(path, i);
    const maxSkew = asNumber(c.maxSkew) ?? 0;
    if (maxSkew <= 0) errs.push(fieldInvalid(child(p, 'maxSkew'), maxSkew, 'must be greater than zero'));
    const topologyKey = str(c, 'topologyKey');
    if (!topologyKey) errs.push(fieldRequired(child(p, 'topologyKey'), 'can not be empty'));
    const action = str(c, 'whenUnsatisfiable');
    if (action !== 'DoNotSchedule' && action !== 'ScheduleAnyway') errs.push(fieldNotSupported(child(p, 'whenUnsatisfiable'), action, ['DoNotSchedule', 'ScheduleAnyway']));
    for (let m = n + 1; m < list.length; m++) {
      const [o] = list[m];
      if (str(o, 'topologyKey') === topologyKey && str(o, 'whenUnsatisfiable') === action) {
        errs.push(fieldDuplicate(child(p, '{topologyKey, whenUnsatisfiable}'), `{${topologyKey}, ${action}}`));
        break;
      }
    }
    const minDomains = c.minDomains;
    if (minDomains !== undefined && minDomains !== null) {
      if (typeof minDomains !== 'number' || minDomains <= 0) errs.push(fieldInvalid(child(p, 'minDomains'), minDomains, 'must be greater than zero'));
      if (action !== 'DoNotSchedule') errs.push(fieldInvalid(child(p, 'minDomains'), minDomains, `can only use minDomains if whenUnsatisfiable=DoNotSchedule, not ${action}`));
    }
    for (const f of ['nodeAffinityPolicy', 'nodeTaintsPolicy']) {
      const v = c[f];
      if (v !== undefined && v !== null && v !== 'Honor' && v !== 'Ignore') errs.push(fieldNotSupported(child(p, f), v, ['Honor', 'Ignore']));
    }
    const mlk = asArray(c.matchLabelKeys) ?? [];
    if (mlk.length > 0) {
      const selKeys = new Set<string>();
      const sel = obj(c, 'labelSelector');
      if (sel) {
        for (const k of Object.keys(obj(sel, 'matchLabels') ?? {})) selKeys.add(k);
        for (const [e] of objects(sel, 'matchExpressions')) selKeys.add(str(e, 'key'));
      } else {
        errs.push(fieldForbidden(child(p, 'matchLabelKeys'), 'must not be specified when labelSelector is not set'));
      }
      mlk.forEach((k, j) => {
        validateLabelName(errs, index(child(p, 'matchLabelKeys'), j), String(k));
        if (selKeys.has(String(k))) errs.push(fieldInvalid(index(child(p, 'matchLabelKeys'), j), k, 'exists in both matchLabelKeys and labelSelector'));
      });
    }
    validateLabelSelector(errs, child(p, 'labelSelector'), c.labelSelector);
  }
}

// --- DNS, security context, misc -------------------------------------------------------------------------------

function validateDNSConfig(errs: Errs, path: string, dnsConfig: unknown, dnsPolicy: string): void {
  if (dnsPolicy === 'None') {
    if (!isObject(dnsConfig)) {
      errs.push(fieldRequired(path, 'must provide `dnsConfig` when `dnsPolicy` is None'));
      return;
    }
    if ((asArray(dnsConfig.nameservers) ?? []).length === 0) {
      errs.push(fieldRequired(child(path, 'nameservers'), 'must provide at least one DNS nameserver when `dnsPolicy` is None'));
      return;
    }
  }
  if (!isObject(dnsConfig)) return;
  const ns = asArray(dnsConfig.nameservers) ?? [];
  if (ns.length > 3) errs.push(fieldInvalid(child(path, 'nameservers'), ns, 'must not have more than 3 nameservers'));
  ns.forEach((n, i) => errs.push(...validateIP(index(child(path, 'nameservers'), i), String(n))));
  const searches = (asArray(dnsConfig.searches) ?? []).map(String);
  if (searches.length > 32) errs.push(fieldInvalid(child(path, 'searches'), searches, 'must not have more than 32 search paths'));
  if (searches.join(' ').length > 2048) errs.push(fieldInvalid(child(path, 'searches'), searches, 'must not have more than 2048 characters (including spaces) in the search list'));
  searches.forEach((s, i) => validateDNS1123Subdomain(errs, index(child(path, 'searches'), i), s.endsWith('.') ? s.slice(0, -1) : s));
  for (const [o, i] of objects(dnsConfig, 'options')) {
    if (!str(o, 'name')) errs.push(fieldRequired(index(child(path, 'options'), i), 'must not be empty'));
  }
}

const SYSCTL_SEGMENT = '[a-z0-9]([-_a-z0-9]*[a-z0-9])?';
const SYSCTL_FMT = `^(${SYSCTL_SEGMENT}[\\./])*${SYSCTL_SEGMENT}$`;
const sysctlRe = new RegExp(SYSCTL_FMT);
const IPC_SYSCTL_PREFIXES = ['kernel.shm', 'kernel.msg', 'fs.mqueue.'];

function validatePodSecurityContext(errs: Errs, specPath: string, spec: JsonObject): void {
  const sc = obj(spec, 'securityContext');
  if (!sc) return;
  const path = child(specPath, 'securityContext');
  const ids: Array<[string, (n: number) => string[]]> = [['fsGroup', isValidGroupID], ['runAsUser', isValidUserID], ['runAsGroup', isValidGroupID]];
  for (const [f, fn] of ids) {
    const v = asNumber(sc[f]);
    if (v !== undefined) pushInvalidEach(errs, child(path, f), v, fn(v));
  }
  (asArray(sc.supplementalGroups) ?? []).forEach((g, i) => {
    if (typeof g === 'number') pushInvalidEach(errs, index(child(path, 'supplementalGroups'), i), g, isValidGroupID(g));
  });
  if (sc.shareProcessNamespace === true && bool(spec, 'hostPID')) {
    errs.push(fieldInvalid(child(path, 'shareProcessNamespace'), true, 'ShareProcessNamespace and HostPID cannot both be enabled'));
  }
  const names = new Set<string>();
  for (const [s, i] of objects(sc, 'sysctls')) {
    const np = child(index(child(path, 'sysctls'), i), 'name');
    const name = str(s, 'name');
    if (!name) errs.push(fieldRequired(np, ''));
    else if (name.length > 253 || !sysctlRe.test(name)) errs.push(fieldInvalid(np, name, `must have at most 253 characters and match regex ${SYSCTL_FMT}`));
    else if (names.has(name)) errs.push(fieldDuplicate(np, name));
    const normalized = name.replace(/\//g, '.');
    if (bool(spec, 'hostNetwork') && normalized.startsWith('net.')) errs.push(fieldInvalid(np, name, "may not be specified when 'hostNetwork' is true"));
    else if (bool(spec, 'hostIPC') && (normalized === 'kernel.sem' || IPC_SYSCTL_PREFIXES.some((p) => normalized.startsWith(p)))) errs.push(fieldInvalid(np, name, "may not be specified when 'hostIPC' is true"));
    names.add(name);
  }
  const fsgcp = sc.fsGroupChangePolicy;
  if (fsgcp !== undefined && fsgcp !== null && fsgcp !== 'OnRootMismatch' && fsgcp !== 'Always') {
    errs.push(fieldNotSupported(child(path, 'fsGroupChangePolicy'), fsgcp, ['Always', 'OnRootMismatch']));
  }
  validateSeccompProfile(errs, child(path, 'seccompProfile'), sc.seccompProfile);
  validateAppArmorProfile(errs, child(path, 'appArmorProfile'), sc.appArmorProfile);
  const sgp = sc.supplementalGroupsPolicy;
  if (sgp !== undefined && sgp !== null && sgp !== 'Merge' && sgp !== 'Strict') errs.push(fieldNotSupported(child(path, 'supplementalGroupsPolicy'), sgp, ['Merge', 'Strict']));
}

const WINDOWS_POD_FORBIDDEN = ['appArmorProfile', 'seLinuxOptions', 'seccompProfile', 'fsGroup', 'fsGroupChangePolicy', 'sysctls', 'runAsUser', 'runAsGroup', 'supplementalGroups', 'supplementalGroupsPolicy', 'seLinuxChangePolicy'];
const WINDOWS_CONTAINER_FORBIDDEN = ['appArmorProfile', 'seLinuxOptions', 'seccompProfile', 'capabilities', 'readOnlyRootFilesystem', 'privileged', 'allowPrivilegeEscalation', 'procMount', 'runAsUser', 'runAsGroup'];

function allContainers(spec: JsonObject, path: string): Array<[JsonObject, string]> {
  const out: Array<[JsonObject, string]> = [];
  for (const f of ['initContainers', 'containers', 'ephemeralContainers']) {
    for (const [c, i] of objects(spec, f)) out.push([c, index(child(path, f), i)]);
  }
  return out;
}

function validateOS(errs: Errs, path: string, spec: JsonObject): void {
  const os = obj(spec, 'os');
  if (!os) return;
  const name = str(os, 'name');
  if (!name) {
    errs.push(fieldRequired(child(child(path, 'os'), 'name'), 'cannot be empty'));
    return;
  }
  if (name !== 'linux' && name !== 'windows') {
    errs.push(fieldNotSupported(child(path, 'os'), name, ['linux', 'windows']));
    return;
  }
  const sc = obj(spec, 'securityContext');
  const present = (o: JsonObject | undefined, f: string) => o !== undefined && o[f] !== undefined && o[f] !== null && !(Array.isArray(o[f]) && (o[f] as unknown[]).length === 0);
  if (name === 'linux') {
    if (present(sc, 'windowsOptions')) errs.push(fieldForbidden(child(child(path, 'securityContext'), 'windowsOptions'), 'windows options cannot be set for a linux pod'));
    for (const [c, cp] of allContainers(spec, path)) {
      if (present(obj(c, 'securityContext'), 'windowsOptions')) errs.push(fieldForbidden(child(child(cp, 'securityContext'), 'windowsOptions'), 'windows options cannot be set for a linux pod'));
    }
    return;
  }
  for (const f of WINDOWS_POD_FORBIDDEN) if (present(sc, f)) errs.push(fieldForbidden(child(child(path, 'securityContext'), f), 'cannot be set for a windows pod'));
  if (sc && present(sc, 'hostUsers')) errs.push(fieldForbidden(child(path, 'hostUsers'), 'cannot be set for a windows pod'));
  for (const f of ['hostPID', 'hostIPC']) if (bool(spec, f)) errs.push(fieldForbidden(child(path, f), 'cannot be set for a windows pod'));
  if (present(spec, 'shareProcessNamespace')) errs.push(fieldForbidden(child(path, 'shareProcessNamespace'), 'cannot be set for a windows pod'));
  for (const [c, cp] of allContainers(spec, path)) {
    const csc = obj(c, 'securityContext');
    for (const f of WINDOWS_CONTAINER_FORBIDDEN) if (present(csc, f)) errs.push(fieldForbidden(child(child(cp, 'securityContext'), f), 'cannot be set for a windows pod'));
  }
}

function validateResourceClaims(errs: Errs, path: string, claims: unknown): Set<string> {
  const names = new Set<string>();
  for (const [c, i] of objects({ claims }, 'claims')) {
    const p = index(path, i);
    const name = str(c, 'name');
    if (!name) errs.push(fieldRequired(child(p, 'name'), ''));
    else if (names.has(name)) errs.push(fieldDuplicate(child(p, 'name'), name));
    else {
      validateDNS1123Label(errs, child(p, 'name'), name);
      names.add(name);
    }
    const hasClaim = typeof c.resourceClaimName === 'string';
    const hasTemplate = typeof c.resourceClaimTemplateName === 'string';
    if (hasClaim && hasTemplate) errs.push(fieldInvalid(p, c, 'at most one of `resourceClaimName` or `resourceClaimTemplateName` may be specified'));
    if (!hasClaim && !hasTemplate) errs.push(fieldInvalid(p, c, 'must specify one of: `resourceClaimName`, `resourceClaimTemplateName`'));
    if (hasClaim) validateName(errs, child(p, 'resourceClaimName'), str(c, 'resourceClaimName'), nameIsDNSSubdomain);
    if (hasTemplate) validateName(errs, child(p, 'resourceClaimTemplateName'), str(c, 'resourceClaimTemplateName'), nameIsDNSSubdomain);
  }
  return names;
}

// --- PodSpec ------------------------------------------------------------------------------------------------------

export function validatePodSpec(errs: Errs, path: string, specValue: unknown, opts: PodSpecOptions = {}): void {
  const spec = isObject(specValue) ? specValue : {};
  const tgps = spec.terminationGracePeriodSeconds;
  if (tgps === undefined || tgps === null) errs.push(fieldRequired(child(path, 'terminationGracePeriodSeconds'), ''));
  const sc = obj(spec, 'securityContext');
  const hostUsers = sc?.hostUsers !== false;
  const volumes = validateVolumes(errs, child(path, 'volumes'), spec.volumes, opts.isPod ? opts.podName : undefined);
  const podClaimNames = validateResourceClaims(errs, child(path, 'resourceClaims'), spec.resourceClaims);
  const ctx: ContainerContext = {
    volumes,
    podClaimNames,
    gracePeriod: asNumber(tgps),
    podRestartPolicy: str(spec, 'restartPolicy'),
    hostUsers,
  };
  validateContainers(errs, child(path, 'containers'), spec.containers, ctx);
  validateInitContainers(errs, child(path, 'initContainers'), spec.initContainers, spec.containers, ctx);
  validateEphemeralContainers(errs, child(path, 'ephemeralContainers'), spec.ephemeralContainers, spec, ctx);

  if (bool(spec, 'hostNetwork')) {
    for (const [c, i] of objects(spec, 'containers')) {
      for (const [p, j] of objects(c, 'ports')) {
        const hp = asNumber(p.hostPort) ?? 0;
        const cp = asNumber(p.containerPort) ?? 0;
        if ((opts.isPod || hp !== 0) && hp !== cp) {
          errs.push(fieldInvalid(child(index(child(index(child(path, 'containers'), i), 'ports'), j), 'hostPort'), hp, 'must match `containerPort` when `hostNetwork` is true'));
        }
      }
    }
  }
  validateEnum(errs, child(path, 'restartPolicy'), spec.restartPolicy, RESTART_POLICIES);
  validateEnum(errs, child(path, 'dnsPolicy'), spec.dnsPolicy, DNS_POLICIES);
  validateLabels(errs, child(path, 'nodeSelector'), spec.nodeSelector);
  validatePodSecurityContext(errs, path, spec);
  for (const [s, i] of objects(spec, 'imagePullSecrets')) {
    if (Object.keys(s).some((k) => k !== 'name')) errs.push(fieldInvalid(index(child(path, 'imagePullSecrets'), i), s, 'only name may be set'));
  }
  validateAffinity(errs, child(path, 'affinity'), spec.affinity);
  validateDNSConfig(errs, child(path, 'dnsConfig'), spec.dnsConfig, str(spec, 'dnsPolicy'));
  for (const [g, i] of objects(spec, 'readinessGates')) validateQualifiedName(errs, child(index(child(path, 'readinessGates'), i), 'conditionType'), str(g, 'conditionType'));
  const gates = new Set<string>();
  for (const [g, i] of objects(spec, 'schedulingGates')) {
    const name = str(g, 'name');
    validateQualifiedName(errs, index(child(path, 'schedulingGates'), i), name);
    if (gates.has(name)) errs.push(fieldDuplicate(index(child(path, 'schedulingGates'), i), name));
    gates.add(name);
  }
  validateTopologySpreadConstraints(errs, child(path, 'topologySpreadConstraints'), spec.topologySpreadConstraints);
  if (sc?.hostUsers === false) {
    if (bool(spec, 'hostNetwork')) errs.push(fieldForbidden(child(path, 'hostNetwork'), 'when `pod.Spec.HostUsers` is false'));
    if (bool(spec, 'hostPID')) errs.push(fieldForbidden(child(path, 'HostPID'), 'when `pod.Spec.HostUsers` is false'));
    if (bool(spec, 'hostIPC')) errs.push(fieldForbidden(child(path, 'HostIPC'), 'when `pod.Spec.HostUsers` is false'));
  }
  const sa = str(spec, 'serviceAccountName');
  if (sa) validateName(errs, child(path, 'serviceAccountName'), sa, nameIsDNSSubdomain);
  const nodeName = str(spec, 'nodeName');
  if (nodeName) validateName(errs, child(path, 'nodeName'), nodeName, nameIsDNSSubdomain);
  const ads = spec.activeDeadlineSeconds;
  if (typeof ads === 'number' && (ads < 1 || ads > MAX_INT32)) errs.push(fieldInvalid(child(path, 'activeDeadlineSeconds'), ads, inclusiveRangeError(1, MAX_INT32)));
  const hostname = str(spec, 'hostname');
  if (hostname) validateDNS1123Label(errs, child(path, 'hostname'), hostname);
  const subdomain = str(spec, 'subdomain');
  if (subdomain) validateDNS1123Label(errs, child(path, 'subdomain'), subdomain);
  validateTolerations(errs, child(path, 'tolerations'), spec.tolerations);
  for (const [h, i] of objects(spec, 'hostAliases')) {
    const hp = index(child(path, 'hostAliases'), i);
    errs.push(...validateIP(child(hp, 'ip'), str(h, 'ip')));
    (asArray(h.hostnames) ?? []).forEach((n, j) => validateDNS1123Subdomain(errs, index(child(hp, 'hostnames'), j), String(n)));
  }
  const pcn = str(spec, 'priorityClassName');
  if (pcn) validateName(errs, child(path, 'priorityClassName'), pcn, nameIsDNSSubdomain);
  if (typeof spec.runtimeClassName === 'string') validateName(errs, child(path, 'runtimeClassName'), spec.runtimeClassName, nameIsDNSSubdomain);
  const pp = spec.preemptionPolicy;
  if (pp !== undefined && pp !== null) validateEnum(errs, child(path, 'preemptionPolicy'), pp, ['PreemptLowerPriority', 'Never']);
  if (isObject(spec.overhead)) validateResourceRequirements(errs, child(path, 'overhead'), { limits: spec.overhead });
  validateOS(errs, path, spec);
}

// --- Pod-level metadata rules --------------------------------------------------------------------------------------

const MIRROR_POD_ANNOTATION = 'kubernetes.io/config.mirror';
const DELETION_COST_ANNOTATION = 'controller.kubernetes.io/pod-deletion-cost';
const SECCOMP_POD_ANNOTATION = 'seccomp.security.alpha.kubernetes.io/pod';
const SECCOMP_CONTAINER_PREFIX = 'container.seccomp.security.alpha.kubernetes.io/';
const APPARMOR_PREFIX = 'container.apparmor.security.beta.kubernetes.io/';
const int32Re = /^[+-]?\d+$/;

function validateSeccompAnnotationValue(errs: Errs, path: string, p: string): void {
  if (p === 'runtime/default' || p === 'docker/default' || p === 'unconfined') return;
  if (p.startsWith('localhost/')) {
    const rest = p.slice('localhost/'.length);
    const sub: Errs = [];
    if (rest.startsWith('/')) sub.push(fieldInvalid(path, rest, 'must be a relative path'));
    if (rest.split('/').includes('..')) sub.push(fieldInvalid(path, rest, "must not contain '..'"));
    errs.push(...sub);
    return;
  }
  errs.push(fieldInvalid(path, p, 'must be a valid seccomp profile'));
}

/** ValidatePodSpecificAnnotations (for pods and pod templates alike). */
export function validatePodSpecificAnnotations(errs: Errs, path: string, annotations: unknown, spec: JsonObject | undefined): void {
  if (!isObject(annotations)) return;
  const mirror = annotations[MIRROR_POD_ANNOTATION];
  if (typeof mirror === 'string' && !str(spec, 'nodeName')) errs.push(fieldInvalid(key(path, MIRROR_POD_ANNOTATION), mirror, 'must set spec.nodeName if mirror pod annotation is set'));
  const cost = annotations[DELETION_COST_ANNOTATION];
  if (typeof cost === 'string') {
    const n = Number(cost);
    if (!int32Re.test(cost) || n < -2147483648 || n > MAX_INT32) errs.push(fieldInvalid(key(path, DELETION_COST_ANNOTATION), cost, 'must be a 32bit integer'));
  }
  for (const k of Object.keys(annotations)) {
    const v = annotations[k];
    if (typeof v !== 'string') continue;
    if (k === SECCOMP_POD_ANNOTATION || k.startsWith(SECCOMP_CONTAINER_PREFIX)) validateSeccompAnnotationValue(errs, child(path, k), v);
    if (k.startsWith(APPARMOR_PREFIX)) {
      const container = k.slice(APPARMOR_PREFIX.length);
      const found = spec ? allContainers(spec, '').some(([c]) => str(c, 'name') === container) : false;
      if (!found) errs.push(fieldInvalid(key(path, k), container, 'container not found'));
      if (v !== '' && v !== 'runtime/default' && v !== 'unconfined' && !v.startsWith('localhost/')) errs.push(fieldInvalid(key(path, k), v, `invalid AppArmor profile name: ${JSON.stringify(v)}`));
    }
  }
}

/** ValidatePodTemplateSpec: labels/annotations directly under the template path (upstream's paths). */
export function validatePodTemplateSpec(errs: Errs, path: string, template: unknown): void {
  const t = isObject(template) ? template : {};
  const meta = obj(t, 'metadata');
  const spec = obj(t, 'spec');
  validateLabels(errs, child(path, 'labels'), meta?.labels);
  validateAnnotations(errs, child(path, 'annotations'), meta?.annotations);
  validatePodSpecificAnnotations(errs, child(path, 'annotations'), meta?.annotations, spec);
  validatePodSpec(errs, child(path, 'spec'), spec, {});
  if ((asArray(spec?.ephemeralContainers) ?? []).length > 0) {
    errs.push(fieldForbidden(child(child(path, 'spec'), 'ephemeralContainers'), 'ephemeral containers not allowed in pod template'));
  }
}

/** validatePodMetadataAndSpec minus ObjectMeta (the registry validates that separately). */
export function validatePodSpecAndAnnotations(errs: Errs, pod: JsonObject): void {
  const meta = obj(pod, 'metadata');
  const spec = obj(pod, 'spec') ?? {};
  validatePodSpecificAnnotations(errs, 'metadata.annotations', meta?.annotations, spec);
  validatePodSpec(errs, 'spec', spec, { isPod: true, podName: str(meta, 'name') });
  if (!str(spec, 'serviceAccountName')) {
    for (const [v, vi] of objects(spec, 'volumes')) {
      const projected = obj(v, 'projected');
      if (!projected) continue;
      for (const [s, si] of objects(projected, 'sources')) {
        if (s.serviceAccountToken !== undefined && s.serviceAccountToken !== null) {
          errs.push(fieldForbidden(`spec.volumes[${vi}].projected.sources[${si}].serviceAccountToken`, 'must not be specified when serviceAccountName is not set'));
        }
      }
    }
  }
  for (const f of ['containers', 'initContainers']) {
    for (const [c, i] of objects(spec, f)) validateImageWhitespace(errs, `spec.${f}[${i}]`, c);
  }
}
