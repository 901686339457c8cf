// Containers of a pod spec: names, images, ports, env, mounts, probes, lifecycle,
// resources and security context (validateContainers / validateInitContainers / ...).

import {
  fieldDuplicate, fieldForbidden, fieldInvalid, fieldNotFound, fieldNotSupported, fieldRequired,
} from './fielderrors.ts';
import { pushInvalidEach, validateDNS1123Label, validateEnum, validateNonnegative, validateName, type Errs } from './fields.ts';
import { asArray, asNumber, isObject, obj, objects, str, child, index, type JsonObject } from './json.ts';
import {
  isConfigMapKey, isHTTPHeaderName, isRelaxedEnvVarName, isValidGroupID, isValidPortName,
  isValidPortNum, isValidUserID, nameIsDNSSubdomain,
} from './names.ts';
import { ENV_FIELD_PATHS, validateObjectFieldSelector, validateResourceFieldSelector } from './downward.ts';
import { validateResourceRequirements } from './resources.ts';
import { validateLocalDescendingPath, type VolumeMap } from './volumes.ts';
import { validatePathNoBacksteps } from './storage.ts';

const PROTOCOLS = ['SCTP', 'TCP', 'UDP'];
const PULL_POLICIES = ['Always', 'IfNotPresent', 'Never'];

export interface ContainerContext {
  volumes: VolumeMap;
  podClaimNames: Set<string>;
  gracePeriod: number | undefined;
  podRestartPolicy: string;
  hostUsers: boolean;
}

// --- Ports ------------------------------------------------------------------------------------------

function validateContainerPorts(errs: Errs, path: string, ports: unknown): void {
  const names = new Set<string>();
  for (const [p, i] of objects({ ports }, 'ports')) {
    const idx = index(path, i);
    const name = str(p, 'name');
    if (name) {
      const msgs = isValidPortName(name);
      if (msgs.length) pushInvalidEach(errs, child(idx, 'name'), name, msgs);
      else if (names.has(name)) errs.push(fieldDuplicate(child(idx, 'name'), name));
      else names.add(name);
    }
    const cp = p.containerPort;
    if (cp === undefined || cp === null || cp === 0) errs.push(fieldRequired(child(idx, 'containerPort'), ''));
    else pushInvalidEach(errs, child(idx, 'containerPort'), cp, isValidPortNum(typeof cp === 'number' ? cp : NaN));
    const hp = p.hostPort;
    if (hp !== undefined && hp !== null && hp !== 0) pushInvalidEach(errs, child(idx, 'hostPort'), hp, isValidPortNum(typeof hp === 'number' ? hp : NaN));
    const proto = str(p, 'protocol');
    if (!proto) errs.push(fieldRequired(child(idx, 'protocol'), ''));
    else if (!PROTOCOLS.includes(proto)) errs.push(fieldNotSupported(child(idx, 'protocol'), proto, PROTOCOLS));
  }
}

/** AccumulateUniqueHostPorts: the same protocol/hostIP/hostPort may be used once. */
export function checkHostPortConflicts(errs: Errs, path: string, containers: Array<[JsonObject, number]>, seen = new Set<string>()): void {
  for (const [c, ci] of containers) {
    for (const [p, pi] of objects(c, 'ports')) {
      const hp = asNumber(p.hostPort) ?? 0;
      if (hp === 0) continue;
      const k = `${str(p, 'protocol')}/${str(p, 'hostIP')}/${hp}`;
      if (seen.has(k)) errs.push(fieldDuplicate(child(index(child(index(path, ci), 'ports'), pi), 'hostPort'), k));
      else seen.add(k);
    }
  }
}

// --- Environment ------------------------------------------------------------------------------------

function validateKeySelector(errs: Errs, path: string, s: JsonObject): void {
  validateName(errs, child(path, 'name'), str(s, 'name'), nameIsDNSSubdomain);
  const k = str(s, 'key');
  if (!k) errs.push(fieldRequired(child(path, 'key'), ''));
  else pushInvalidEach(errs, child(path, 'key'), k, isConfigMapKey(k));
}

function validateEnv(errs: Errs, path: string, env: unknown): void {
  for (const [ev, i] of objects({ env }, 'env')) {
    const idx = index(path, i);
    const name = str(ev, 'name');
    if (!name) errs.push(fieldRequired(child(idx, 'name'), ''));
    else pushInvalidEach(errs, child(idx, 'name'), name, isRelaxedEnvVarName(name));
    const from = obj(ev, 'valueFrom');
    if (!from) continue;
    const fromPath = child(idx, 'valueFrom');
    let n = 0;
    const fieldRef = obj(from, 'fieldRef');
    if (fieldRef) { n++; validateObjectFieldSelector(errs, child(fromPath, 'fieldRef'), fieldRef, ENV_FIELD_PATHS); }
    const resRef = obj(from, 'resourceFieldRef');
    if (resRef) { n++; validateResourceFieldSelector(errs, child(fromPath, 'resourceFieldRef'), resRef, false); }
    const cmRef = obj(from, 'configMapKeyRef');
    if (cmRef) { n++; validateKeySelector(errs, child(fromPath, 'configMapKeyRef'), cmRef); }
    const secRef = obj(from, 'secretKeyRef');
    if (secRef) { n++; validateKeySelector(errs, child(fromPath, 'secretKeyRef'), secRef); }
    if (n === 0) errs.push(fieldInvalid(fromPath, '', 'must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`'));
    else if (str(ev, 'value') !== '') errs.push(fieldInvalid(fromPath, '', 'may not be specified when `value` is not empty'));
    else if (n > 1) errs.push(fieldInvalid(fromPath, '', 'may not have more than one field specified at a time'));
  }
}

function validateEnvFrom(errs: Errs, path: string, envFrom: unknown): void {
  for (const [ef, i] of objects({ envFrom }, 'envFrom')) {
    const idx = index(path, i);
    const prefix = str(ef, 'prefix');
    if (prefix) pushInvalidEach(errs, child(idx, 'prefix'), prefix, isRelaxedEnvVarName(prefix));
    let n = 0;
    for (const kind of ['configMapRef', 'secretRef'] as const) {
      const ref = obj(ef, kind);
      if (!ref) continue;
      n++;
      const name = str(ref, 'name');
      if (!name) errs.push(fieldRequired(child(child(idx, kind), 'name'), ''));
      else validateName(errs, child(child(idx, kind), 'name'), name, nameIsDNSSubdomain, true);
    }
    if (n === 0) errs.push(fieldInvalid(path, '', 'must specify one of: `configMapRef` or `secretRef`'));
    else if (n > 1) errs.push(fieldInvalid(path, '', 'may not have more than one field specified at a time'));
  }
}

// --- Mounts -----------------------------------------------------------------------------------------

const MOUNT_PROPAGATIONS = ['Bidirectional', 'HostToContainer', 'None'];
const RECURSIVE_READ_ONLY = ['Disabled', 'Enabled', 'IfPossible'];

function validateVolumeMounts(errs: Errs, path: string, c: JsonObject, ctx: ContainerContext): void {
  const devices = new Map<string, string>();
  for (const [d] of objects(c, 'volumeDevices')) devices.set(str(d, 'name'), str(d, 'devicePath'));
  const devicePaths = new Set(devices.values());
  const mountPoints = new Set<string>();
  const privileged = obj(c, 'securityContext')?.privileged === true;
  for (const [m, i] of objects(c, 'volumeMounts')) {
    const idx = index(path, i);
    const name = str(m, 'name');
    const mountPath = str(m, 'mountPath');
    if (!name) errs.push(fieldRequired(child(idx, 'name'), ''));
    if (!ctx.volumes.has(name)) errs.push(fieldNotFound(child(idx, 'name'), name));
    if (!mountPath) errs.push(fieldRequired(child(idx, 'mountPath'), ''));
    if (mountPoints.has(mountPath)) errs.push(fieldInvalid(child(idx, 'mountPath'), mountPath, 'must be unique'));
    mountPoints.add(mountPath);
    if (devices.has(name)) errs.push(fieldInvalid(child(idx, 'name'), name, 'must not already exist in volumeDevices'));
    if (devicePaths.has(mountPath)) errs.push(fieldInvalid(child(idx, 'mountPath'), mountPath, 'must not already exist as a path in volumeDevices'));
    const subPath = str(m, 'subPath');
    const subPathExpr = str(m, 'subPathExpr');
    // Upstream reports these under the list path, not the item (kept for fidelity).
    if (subPath) validateLocalDescendingPath(errs, child(path, 'subPath'), subPath);
    if (subPathExpr) {
      if (subPath) errs.push(fieldInvalid(child(idx, 'subPathExpr'), subPathExpr, 'subPathExpr and subPath are mutually exclusive'));
      validateLocalDescendingPath(errs, child(path, 'subPathExpr'), subPathExpr);
    }
    const prop = m.mountPropagation;
    if (prop !== undefined && prop !== null) {
      const pPath = child(path, 'mountPropagation');
      if (typeof prop !== 'string' || !MOUNT_PROPAGATIONS.includes(prop)) errs.push(fieldNotSupported(pPath, prop, MOUNT_PROPAGATIONS));
      if (prop === 'Bidirectional' && !privileged) errs.push(fieldForbidden(pPath, 'Bidirectional mount propagation is available only to privileged containers'));
    }
    const rro = m.recursiveReadOnly;
    if (rro !== undefined && rro !== null && rro !== 'Disabled') {
      const rPath = child(path, 'recursiveReadOnly');
      if (rro === 'Enabled' || rro === 'IfPossible') {
        if (m.readOnly !== true) errs.push(fieldForbidden(rPath, 'may only be specified when readOnly is true'));
        if (prop !== undefined && prop !== null && prop !== 'None') errs.push(fieldForbidden(rPath, 'may only be specified when mountPropagation is None or not specified'));
      } else {
        errs.push(fieldNotSupported(rPath, rro, RECURSIVE_READ_ONLY));
      }
    }
  }
}

function validateVolumeDevices(errs: Errs, path: string, c: JsonObject, ctx: ContainerContext): void {
  const mounts = new Map<string, string>();
  for (const [m] of objects(c, 'volumeMounts')) mounts.set(str(m, 'name'), str(m, 'mountPath'));
  const mountPaths = new Set(mounts.values());
  const names = new Set<string>();
  const paths = new Set<string>();
  for (const [d, i] of objects(c, 'volumeDevices')) {
    const idx = index(path, i);
    const name = str(d, 'name');
    const devPath = str(d, 'devicePath');
    const vol = ctx.volumes.get(name);
    const isPVC = !!vol && (isObject(vol.persistentVolumeClaim) || isObject(vol.ephemeral));
    if (!name) errs.push(fieldRequired(child(idx, 'name'), ''));
    if (names.has(name)) errs.push(fieldInvalid(child(idx, 'name'), name, 'must be unique'));
    if (vol && !isPVC) errs.push(fieldInvalid(child(idx, 'name'), name, 'can only use volume source type of PersistentVolumeClaim or Ephemeral for block mode'));
    if (!vol) errs.push(fieldNotFound(child(idx, 'name'), name));
    if (!devPath) errs.push(fieldRequired(child(idx, 'devicePath'), ''));
    if (paths.has(devPath)) errs.push(fieldInvalid(child(idx, 'devicePath'), devPath, 'must be unique'));
    const backsteps: Errs = [];
    if (devPath) validatePathNoBacksteps(backsteps, '', devPath);
    if (backsteps.length) errs.push(fieldInvalid(child(idx, 'devicePath'), devPath, "can not contain backsteps ('..')"));
    else paths.add(devPath);
    if (mounts.has(name)) errs.push(fieldInvalid(child(idx, 'name'), name, 'must not already exist in volumeMounts'));
    if (mountPaths.has(devPath)) errs.push(fieldInvalid(child(idx, 'devicePath'), devPath, 'must not already exist as a path in volumeMounts'));
    if (name) names.add(name);
  }
}

// --- Probes and lifecycle ---------------------------------------------------------------------------

function validatePortNumOrName(errs: Errs, path: string, port: unknown): void {
  if (typeof port === 'number') pushInvalidEach(errs, path, port, isValidPortNum(port));
  else if (typeof port === 'string') pushInvalidEach(errs, path, port, isValidPortName(port));
  else pushInvalidEach(errs, path, port ?? 0, isValidPortNum(0));
}

function validateHandler(errs: Errs, path: string, h: JsonObject, kinds: readonly string[], gracePeriod: number | undefined): void {
  let n = 0;
  for (const kind of kinds) {
    const a = h[kind];
    if (a === undefined || a === null) continue;
    const p = child(path, kind);
    if (n > 0) {
      errs.push(fieldForbidden(p, 'may not specify more than 1 handler type'));
      continue;
    }
    n++;
    const action = isObject(a) ? a : {};
    switch (kind) {
      case 'exec':
        if ((asArray(action.command) ?? []).length === 0) errs.push(fieldRequired(child(p, 'command'), ''));
        break;
      case 'httpGet':
        if (!str(action, 'path')) errs.push(fieldRequired(child(p, 'path'), ''));
        validatePortNumOrName(errs, child(p, 'port'), action.port);
        if (!['HTTP', 'HTTPS'].includes(str(action, 'scheme'))) errs.push(fieldNotSupported(child(p, 'scheme'), str(action, 'scheme'), ['HTTP', 'HTTPS']));
        for (const [hdr] of objects(action, 'httpHeaders')) pushInvalidEach(errs, child(p, 'httpHeaders'), str(hdr, 'name'), isHTTPHeaderName(str(hdr, 'name')));
        break;
      case 'tcpSocket':
        validatePortNumOrName(errs, child(p, 'port'), action.port);
        break;
      case 'grpc':
        validatePortNumOrName(errs, child(p, 'port'), typeof action.port === 'number' ? action.port : 0);
        break;
      case 'sleep': {
        const s = asNumber(action.seconds) ?? 0;
        if (gracePeriod !== undefined && (s <= 0 || s > gracePeriod)) {
          errs.push(fieldInvalid(p, s, `must be greater than 0 and less than terminationGracePeriodSeconds (${gracePeriod}). Enable AllowPodLifecycleSleepActionZeroValue feature gate for zero sleep.`));
        }
        break;
      }
      default:
        break;
    }
  }
  if (n === 0) errs.push(fieldRequired(path, 'must specify a handler type'));
}

const PROBE_HANDLERS = ['exec', 'httpGet', 'tcpSocket', 'grpc'];
const LIFECYCLE_HANDLERS = ['exec', 'httpGet', 'tcpSocket', 'sleep'];

function validateProbe(errs: Errs, path: string, probe: unknown, kind: 'liveness' | 'readiness' | 'startup', gracePeriod: number | undefined): void {
  if (!isObject(probe)) return;
  validateHandler(errs, path, probe, PROBE_HANDLERS, gracePeriod);
  for (const f of ['initialDelaySeconds', 'timeoutSeconds', 'periodSeconds', 'successThreshold', 'failureThreshold']) {
    validateNonnegative(errs, child(path, f), probe[f]);
  }
  const tgps = probe.terminationGracePeriodSeconds;
  if (typeof tgps === 'number' && tgps <= 0) errs.push(fieldInvalid(child(path, 'terminationGracePeriodSeconds'), tgps, 'must be greater than 0'));
  if (kind === 'readiness') {
    if (tgps !== undefined && tgps !== null) errs.push(fieldInvalid(child(path, 'terminationGracePeriodSeconds'), tgps, 'must not be set for readinessProbes'));
  } else {
    const st = probe.successThreshold;
    if (st !== 1) errs.push(fieldInvalid(child(path, 'successThreshold'), st ?? 0, 'must be 1'));
  }
}

function validateLifecycle(errs: Errs, path: string, lifecycle: unknown, gracePeriod: number | undefined): void {
  if (!isObject(lifecycle)) return;
  for (const hook of ['postStart', 'preStop']) {
    const h = obj(lifecycle, hook);
    if (h) validateHandler(errs, child(path, hook), h, LIFECYCLE_HANDLERS, gracePeriod);
  }
}

function validateProbesAndLifecycle(errs: Errs, path: string, c: JsonObject, gracePeriod: number | undefined): void {
  if (c.lifecycle !== undefined && c.lifecycle !== null) validateLifecycle(errs, child(path, 'lifecycle'), c.lifecycle, gracePeriod);
  validateProbe(errs, child(path, 'livenessProbe'), c.livenessProbe, 'liveness', gracePeriod);
  validateProbe(errs, child(path, 'readinessProbe'), c.readinessProbe, 'readiness', gracePeriod);
  validateProbe(errs, child(path, 'startupProbe'), c.startupProbe, 'startup', gracePeriod);
}

// --- Security context ---------------------------------------------------------------------------------

const SECCOMP_TYPES = ['Localhost', 'RuntimeDefault', 'Unconfined'];
const APPARMOR_TYPES = ['Localhost', 'RuntimeDefault', 'Unconfined'];

export function validateSeccompProfile(errs: Errs, path: string, sp: unknown): void {
  if (!isObject(sp)) return;
  const t = str(sp, 'type');
  if (!t) errs.push(fieldRequired(child(path, 'type'), 'type is required when seccompProfile is set'));
  else if (!SECCOMP_TYPES.includes(t)) errs.push(fieldNotSupported(child(path, 'type'), t, SECCOMP_TYPES));
  const lp = sp.localhostProfile;
  if (t === 'Localhost') {
    if (typeof lp !== 'string') errs.push(fieldRequired(child(path, 'localhostProfile'), 'must be set when seccomp type is Localhost'));
    else validateLocalDescendingPath(errs, child(path, 'localhostProfile'), lp);
  } else if (lp !== undefined && lp !== null) {
    errs.push(fieldInvalid(child(path, 'localhostProfile'), sp, 'can only be set when seccomp type is Localhost'));
  }
}

export function validateAppArmorProfile(errs: Errs, path: string, p: unknown): void {
  if (!isObject(p)) return;
  const t = str(p, 'type');
  const lp = p.localhostProfile;
  if (t === 'Localhost') {
    if (typeof lp !== 'string') errs.push(fieldRequired(child(path, 'localhostProfile'), 'must be set when AppArmor type is Localhost'));
    else if (lp.trim() !== lp) errs.push(fieldInvalid(child(path, 'localhostProfile'), lp, 'must not be padded with whitespace'));
    else if (lp === '') errs.push(fieldRequired(child(path, 'localhostProfile'), 'must be set when AppArmor type is Localhost'));
  } else if (t === 'RuntimeDefault' || t === 'Unconfined') {
    if (lp !== undefined && lp !== null) errs.push(fieldInvalid(child(path, 'localhostProfile'), lp, 'can only be set when AppArmor type is Localhost'));
  } else if (!t) {
    errs.push(fieldRequired(child(path, 'type'), 'type is required when appArmorProfile is set'));
  } else {
    errs.push(fieldNotSupported(child(path, 'type'), t, APPARMOR_TYPES));
  }
}

function validateSecurityContext(errs: Errs, path: string, sc: unknown, hostUsers: boolean): void {
  if (!isObject(sc)) return;
  const ruid = asNumber(sc.runAsUser);
  if (ruid !== undefined) pushInvalidEach(errs, child(path, 'runAsUser'), ruid, isValidUserID(ruid));
  const rgid = asNumber(sc.runAsGroup);
  if (rgid !== undefined) pushInvalidEach(errs, child(path, 'runAsGroup'), rgid, isValidGroupID(rgid));
  const procMount = sc.procMount;
  if (procMount !== undefined && procMount !== null) {
    if (procMount !== 'Default' && procMount !== 'Unmasked') errs.push(fieldNotSupported(child(path, 'procMount'), procMount, ['Default', 'Unmasked']));
    if (hostUsers && procMount === 'Unmasked') errs.push(fieldInvalid(child(path, 'procMount'), procMount, '`hostUsers` must be false to use `Unmasked`'));
  }
  validateSeccompProfile(errs, child(path, 'seccompProfile'), sc.seccompProfile);
  if (sc.allowPrivilegeEscalation === false) {
    if (sc.privileged === true) errs.push(fieldInvalid(path, sc, 'cannot set `allowPrivilegeEscalation` to false and `privileged` to true'));
    for (const cap of asArray(obj(sc, 'capabilities')?.add) ?? []) {
      if (cap === 'CAP_SYS_ADMIN') errs.push(fieldInvalid(path, sc, 'cannot set `allowPrivilegeEscalation` to false and `capabilities.Add` CAP_SYS_ADMIN'));
    }
  }
  validateAppArmorProfile(errs, child(path, 'appArmorProfile'), sc.appArmorProfile);
}

// --- Container lists ------------------------------------------------------------------------------------

const RESIZE_RESOURCES = ['cpu', 'memory'];
const RESIZE_POLICIES = ['NotRequired', 'RestartContainer'];

function validateResizePolicy(errs: Errs, path: string, list: unknown, podRestartPolicy: string): void {
  const seen = new Set<string>();
  for (const [p, i] of objects({ list }, 'list')) {
    const rn = str(p, 'resourceName');
    const rp = str(p, 'restartPolicy');
    if (seen.has(rn)) errs.push(fieldDuplicate(index(path, i), rn));
    seen.add(rn);
    if (!rn) errs.push(fieldRequired(path, ''));
    else if (!RESIZE_RESOURCES.includes(rn)) errs.push(fieldNotSupported(path, rn, RESIZE_RESOURCES));
    if (!rp) errs.push(fieldRequired(path, ''));
    else if (!RESIZE_POLICIES.includes(rp)) errs.push(fieldNotSupported(path, rp, RESIZE_POLICIES));
    if (podRestartPolicy === 'Never' && rp !== 'NotRequired') errs.push(fieldInvalid(path, rp, "must be 'NotRequired' when `restartPolicy` is 'Never'"));
  }
}

function validateContainerCommon(errs: Errs, path: string, c: JsonObject, ctx: ContainerContext): void {
  const name = str(c, 'name');
  if (!name) errs.push(fieldRequired(child(path, 'name'), ''));
  else validateDNS1123Label(errs, child(path, 'name'), name);
  if (!str(c, 'image')) errs.push(fieldRequired(child(path, 'image'), ''));
  const tmp = c.terminationMessagePolicy;
  if (tmp === undefined || tmp === null || tmp === '') errs.push(fieldRequired(child(path, 'terminationMessagePolicy'), ''));
  else if (tmp !== 'File' && tmp !== 'FallbackToLogsOnError') errs.push(fieldNotSupported(child(path, 'terminationMessagePolicy'), tmp, ['File', 'FallbackToLogsOnError']));
  validateContainerPorts(errs, child(path, 'ports'), c.ports);
  validateEnv(errs, child(path, 'env'), c.env);
  validateEnvFrom(errs, child(path, 'envFrom'), c.envFrom);
  validateVolumeMounts(errs, child(path, 'volumeMounts'), c, ctx);
  validateVolumeDevices(errs, child(path, 'volumeDevices'), c, ctx);
  validateEnum(errs, child(path, 'imagePullPolicy'), c.imagePullPolicy, PULL_POLICIES);
  validateResourceRequirements(errs, child(path, 'resources'), c.resources, ctx.podClaimNames);
  validateResizePolicy(errs, child(path, 'resizePolicy'), c.resizePolicy, ctx.podRestartPolicy);
  validateSecurityContext(errs, child(path, 'securityContext'), c.securityContext, ctx.hostUsers);
}

export function validateContainers(errs: Errs, path: string, containers: unknown, ctx: ContainerContext): void {
  const list = objects({ containers }, 'containers');
  if ((asArray(containers) ?? []).length === 0) {
    errs.push(fieldRequired(path, ''));
    return;
  }
  const names = new Set<string>();
  for (const [c, i] of list) {
    const p = index(path, i);
    validateContainerCommon(errs, p, c, ctx);
    const name = str(c, 'name');
    if (names.has(name)) errs.push(fieldDuplicate(child(p, 'name'), name));
    else names.add(name);
    validateProbesAndLifecycle(errs, p, c, ctx.gracePeriod);
    if (c.restartPolicy !== undefined && c.restartPolicy !== null) errs.push(fieldForbidden(child(p, 'restartPolicy'), 'may not be set for non-init containers'));
  }
  checkHostPortConflicts(errs, path, list);
}

export function validateInitContainers(errs: Errs, path: string, initContainers: unknown, regular: unknown, ctx: ContainerContext): void {
  const names = new Set<string>();
  for (const [c] of objects({ regular }, 'regular')) names.add(str(c, 'name'));
  for (const [c, i] of objects({ initContainers }, 'initContainers')) {
    const p = index(path, i);
    validateContainerCommon(errs, p, c, ctx);
    let restartAlways = false;
    const rp = c.restartPolicy;
    if (rp !== undefined && rp !== null) {
      if (rp !== 'Always') errs.push(fieldNotSupported(child(p, 'restartPolicy'), rp, ['Always']));
      restartAlways = rp === 'Always';
    }
    const name = str(c, 'name');
    if (names.has(name)) errs.push(fieldDuplicate(child(p, 'name'), name));
    else if (name) names.add(name);
    // Init containers run one at a time, so host ports only clash within one container.
    checkHostPortConflicts(errs, path, [[c, i]]);
    if (restartAlways) {
      validateProbesAndLifecycle(errs, p, c, ctx.gracePeriod);
    } else {
      for (const f of ['lifecycle', 'livenessProbe', 'readinessProbe', 'startupProbe']) {
        if (c[f] !== undefined && c[f] !== null) errs.push(fieldForbidden(child(p, f), 'may not be set for init containers without restartPolicy=Always'));
      }
    }
  }
}

const EPHEMERAL_FORBIDDEN = ['ports', 'resources', 'livenessProbe', 'readinessProbe', 'startupProbe', 'lifecycle'];

export function validateEphemeralContainers(errs: Errs, path: string, ephemeral: unknown, spec: JsonObject, ctx: ContainerContext): void {
  const list = objects({ ephemeral }, 'ephemeral');
  if (list.length === 0) return;
  const other = new Set<string>();
  for (const [c] of [...objects(spec, 'containers'), ...objects(spec, 'initContainers')]) other.add(str(c, 'name'));
  const all = new Set(other);
  for (const [c, i] of list) {
    const p = index(path, i);
    validateContainerCommon(errs, p, c, ctx);
    validateImageWhitespace(errs, p, c);
    const name = str(c, 'name');
    if (all.has(name)) errs.push(fieldDuplicate(child(p, 'name'), name));
    else all.add(name);
    const target = str(c, 'targetContainerName');
    if (target && !other.has(target)) errs.push(fieldNotFound(child(p, 'targetContainerName'), target));
    for (const f of EPHEMERAL_FORBIDDEN) {
      const v = c[f];
      const set = v !== undefined && v !== null && !(isObject(v) && Object.keys(v).length === 0) && !(Array.isArray(v) && v.length === 0);
      if (set) errs.push(fieldForbidden(child(p, f), 'cannot be set for an Ephemeral Container'));
    }
    for (const [m, j] of objects(c, 'volumeMounts')) {
      const mp = index(child(p, 'volumeMounts'), j);
      if (str(m, 'subPath')) errs.push(fieldForbidden(child(mp, 'subPath'), 'cannot be set for an Ephemeral Container'));
      if (str(m, 'subPathExpr')) errs.push(fieldForbidden(child(mp, 'subPathExpr'), 'cannot be set for an Ephemeral Container'));
    }
  }
}

/** Pods (not templates) reject images with surrounding whitespace. */
export function validateImageWhitespace(errs: Errs, path: string, c: JsonObject): void {
  const image = str(c, 'image');
  if (image.trim().length !== image.length) errs.push(fieldInvalid(child(path, 'image'), image, 'must not have leading or trailing whitespace'));
}

