// Pod volumes (ValidateVolumes / validateVolumeSource). Common sources get their upstream
// checks; legacy in-tree plugins only get the "exactly one source" rule.

import { fieldDuplicate, fieldForbidden, fieldInvalid, fieldRequired } from './fielderrors.ts';
import { validateDNS1123Label, type Errs } from './fields.ts';
import { asArray, isObject, num, obj, objects, str, child, index, type JsonObject } from './json.ts';
import { isDNS1123Subdomain } from './names.ts';
import { validateTemplateObjectMeta } from './objectmeta.ts';
import { quantityValue } from './quantity.ts';
import { validateObjectFieldSelector, validateResourceFieldSelector, VOLUME_FIELD_PATHS } from './downward.ts';
import { validateCSIVolume, validateHostPath, validateNFS, validatePathNoBacksteps, validatePersistentVolumeClaimSpec } from './storage.ts';

/** Volume sources in upstream's check order (the order decides which one "may not specify more than 1"). */
const SOURCES = [
  'emptyDir', 'hostPath', 'gitRepo', 'gcePersistentDisk', 'awsElasticBlockStore', 'secret', 'nfs', 'iscsi',
  'glusterfs', 'flocker', 'persistentVolumeClaim', 'rbd', 'cinder', 'cephfs', 'quobyte', 'downwardAPI', 'fc',
  'flexVolume', 'configMap', 'azureFile', 'vsphereVolume', 'photonPersistentDisk', 'portworxVolume', 'azureDisk',
  'storageos', 'projected', 'scaleIO', 'csi', 'ephemeral',
];

/** Upstream names the forbidden-duplicate path of downwardAPI with a typo; keep it. */
const FORBIDDEN_PATH_NAME: Record<string, string> = { downwardAPI: 'downwarAPI', cephfs: 'cephFS' };

const FILE_MODE_ERROR = 'must be a number between 0 and 0777 (octal), both inclusive';

function validateMode(errs: Errs, path: string, mode: unknown): void {
  if (typeof mode === 'number' && (mode > 0o777 || mode < 0)) errs.push(fieldInvalid(path, mode, FILE_MODE_ERROR));
}

export function validateLocalDescendingPath(errs: Errs, path: string, p: string): void {
  if (p.startsWith('/')) errs.push(fieldInvalid(path, p, 'must be a relative path'));
  validatePathNoBacksteps(errs, path, p);
}

export function validateLocalNonReservedPath(errs: Errs, path: string, p: string): void {
  validateLocalDescendingPath(errs, path, p);
  if (p.startsWith('..') && !p.startsWith('../')) errs.push(fieldInvalid(path, p, "must not start with '..'"));
}

function validateKeyToPath(errs: Errs, path: string, kp: JsonObject): void {
  if (!str(kp, 'key')) errs.push(fieldRequired(child(path, 'key'), ''));
  const p = str(kp, 'path');
  if (!p) errs.push(fieldRequired(child(path, 'path'), ''));
  validateLocalNonReservedPath(errs, child(path, 'path'), p);
  validateMode(errs, child(path, 'mode'), kp.mode);
}

function validateItems(errs: Errs, path: string, src: JsonObject): void {
  for (const [kp, i] of objects(src, 'items')) validateKeyToPath(errs, index(child(path, 'items'), i), kp);
}

function validateDownwardAPIFile(errs: Errs, path: string, file: JsonObject): void {
  const p = str(file, 'path');
  if (!p) errs.push(fieldRequired(child(path, 'path'), ''));
  validateLocalNonReservedPath(errs, child(path, 'path'), p);
  const fieldRef = obj(file, 'fieldRef');
  const resRef = obj(file, 'resourceFieldRef');
  if (fieldRef) {
    validateObjectFieldSelector(errs, child(path, 'fieldRef'), fieldRef, VOLUME_FIELD_PATHS);
    if (resRef) errs.push(fieldInvalid(path, 'resource', 'fieldRef and resourceFieldRef can not be specified simultaneously'));
  } else if (resRef) {
    validateResourceFieldSelector(errs, child(path, 'resourceFieldRef'), resRef, true);
  } else {
    errs.push(fieldRequired(path, 'one of fieldRef and resourceFieldRef is required'));
  }
  validateMode(errs, child(path, 'mode'), file.mode);
}

function validateProjected(errs: Errs, path: string, projected: JsonObject): void {
  validateMode(errs, child(path, 'defaultMode'), projected.defaultMode);
  const seen = new Set<string>();
  const track = (p: string, value: unknown) => {
    if (!p) return;
    if (seen.has(p)) errs.push(fieldInvalid(path, value, 'conflicting duplicate paths'));
    else seen.add(p);
  };
  for (const [source, i] of objects(projected, 'sources')) {
    const srcPath = index(child(path, 'sources'), i);
    let n = 0;
    for (const kind of ['secret', 'configMap'] as const) {
      const s = obj(source, kind);
      if (!s) continue;
      n++;
      const kPath = child(srcPath, kind);
      if (!str(s, 'name')) errs.push(fieldRequired(child(kPath, 'name'), ''));
      for (const [kp, j] of objects(s, 'items')) {
        validateKeyToPath(errs, index(child(kPath, 'items'), j), kp);
        track(str(kp, 'path'), str(s, 'name'));
      }
    }
    const dapi = obj(source, 'downwardAPI');
    if (dapi) {
      n++;
      for (const [file] of objects(dapi, 'items')) {
        validateDownwardAPIFile(errs, child(srcPath, 'downwardAPI'), file);
        track(str(file, 'path'), str(file, 'path'));
      }
    }
    const sat = obj(source, 'serviceAccountToken');
    if (sat) {
      n++;
      const satPath = child(srcPath, 'serviceAccountToken');
      const exp = num(sat, 'expirationSeconds');
      if (exp < 600) errs.push(fieldInvalid(child(satPath, 'expirationSeconds'), exp, 'may not specify a duration less than 10 minutes'));
      if (exp > 2 ** 32) errs.push(fieldInvalid(child(satPath, 'expirationSeconds'), exp, 'may not specify a duration larger than 2^32 seconds'));
      const p = str(sat, 'path');
      if (!p) errs.push(fieldRequired(child(path, 'path'), ''));
      else validateLocalNonReservedPath(errs, child(path, 'path'), p);
    }
    const ctb = obj(source, 'clusterTrustBundle');
    if (ctb) {
      n++;
      const ctbPath = child(srcPath, 'clusterTrustBundle');
      const hasName = typeof ctb.name === 'string';
      const hasSigner = typeof ctb.signerName === 'string';
      if (hasName && hasSigner) errs.push(fieldInvalid(ctbPath, ctb, 'only one of name and signerName may be used'));
      else if (!hasName && !hasSigner) errs.push(fieldRequired(ctbPath, 'either name or signerName must be specified'));
      const p = str(ctb, 'path');
      if (!p) errs.push(fieldRequired(child(ctbPath, 'path'), ''));
      validateLocalNonReservedPath(errs, child(ctbPath, 'path'), p);
      track(p, p);
    }
    if (n > 1) errs.push(fieldForbidden(srcPath, 'may not specify more than 1 volume type per source'));
  }
}

function validateEphemeral(errs: Errs, path: string, eph: JsonObject, podName: string | undefined, volName: string): void {
  const tpl = obj(eph, 'volumeClaimTemplate');
  if (!tpl) {
    errs.push(fieldRequired(child(path, 'volumeClaimTemplate'), ''));
    return;
  }
  const tplPath = child(path, 'volumeClaimTemplate');
  validateTemplateObjectMeta(errs, tpl.metadata, child(tplPath, 'metadata'));
  validatePersistentVolumeClaimSpec(errs, child(tplPath, 'spec'), obj(tpl, 'spec'));
  if (podName && volName) {
    const pvcName = `${podName}-${volName}`;
    for (const m of isDNS1123Subdomain(pvcName)) errs.push(fieldInvalid(child(path, 'name'), volName, `PVC name "${pvcName}": ${m}`));
  }
}

function validateSource(errs: Errs, path: string, vol: JsonObject, podName: string | undefined): void {
  let n = 0;
  const volName = str(vol, 'name');
  for (const s of SOURCES) {
    const src = vol[s];
    if (src === undefined || src === null) continue;
    if (n > 0) {
      errs.push(fieldForbidden(child(path, FORBIDDEN_PATH_NAME[s] ?? s), 'may not specify more than 1 volume type'));
      continue;
    }
    n++;
    if (!isObject(src)) continue;
    const p = child(path, s);
    switch (s) {
      case 'emptyDir': {
        const limit = src.sizeLimit === undefined || src.sizeLimit === null ? 0 : quantityValue(src.sizeLimit);
        if (limit === undefined || limit < 0) {
          errs.push(fieldForbidden(child(p, 'sizeLimit'), 'SizeLimit field must be a valid resource quantity'));
        }
        break;
      }
      case 'hostPath':
        validateHostPath(errs, p, src);
        break;
      case 'gitRepo':
        if (!str(src, 'repository')) errs.push(fieldRequired(child(p, 'repository'), ''));
        validateLocalDescendingPath(errs, child(p, 'directory'), str(src, 'directory'));
        break;
      case 'secret':
        if (!str(src, 'secretName')) errs.push(fieldRequired(child(p, 'secretName'), ''));
        validateMode(errs, child(p, 'defaultMode'), src.defaultMode);
        validateItems(errs, p, src);
        break;
      case 'configMap':
        if (!str(src, 'name')) errs.push(fieldRequired(child(p, 'name'), ''));
        validateMode(errs, child(p, 'defaultMode'), src.defaultMode);
        validateItems(errs, p, src);
        break;
      case 'nfs':
        validateNFS(errs, p, src);
        break;
      case 'persistentVolumeClaim':
        if (!str(src, 'claimName')) errs.push(fieldRequired(child(p, 'claimName'), ''));
        break;
      case 'downwardAPI':
        validateMode(errs, child(p, 'defaultMode'), src.defaultMode);
        for (const [file] of objects(src, 'items')) validateDownwardAPIFile(errs, p, file);
        break;
      case 'projected':
        validateProjected(errs, p, src);
        break;
      case 'csi':
        validateCSIVolume(errs, p, src, false);
        break;
      case 'ephemeral':
        validateEphemeral(errs, p, src, podName, volName);
        break;
      default:
        break;
    }
  }
  if (n === 0) errs.push(fieldRequired(path, 'must specify a volume type'));
}

/** What containers may mount: volume name → the volume (for PVC / block-device checks). */
export type VolumeMap = Map<string, JsonObject>;

export function validateVolumes(errs: Errs, path: string, volumes: unknown, podName?: string): VolumeMap {
  const vols: VolumeMap = new Map();
  const list = asArray(volumes) ?? [];
  const createdPVCs = new Set<string>();
  if (podName) for (const v of list) if (isObject(v) && isObject(v.ephemeral)) createdPVCs.add(`${podName}-${str(v, 'name')}`);
  for (let i = 0; i < list.length; i++) {
    const vol = list[i];
    const idx = index(path, i);
    if (!isObject(vol)) {
      errs.push(fieldInvalid(idx, vol, 'must be an object'));
      continue;
    }
    const el: Errs = [];
    validateSource(el, idx, vol, podName);
    const name = str(vol, 'name');
    if (!name) el.push(fieldRequired(child(idx, 'name'), ''));
    else validateDNS1123Label(el, child(idx, 'name'), name);
    if (vols.has(name)) el.push(fieldDuplicate(child(idx, 'name'), name));
    if (el.length === 0) vols.set(name, vol);
    else errs.push(...el);
    const pvc = obj(vol, 'persistentVolumeClaim');
    if (pvc && createdPVCs.has(str(pvc, 'claimName'))) {
      errs.push(fieldInvalid(child(child(idx, 'persistentVolumeClaim'), 'claimName'), str(pvc, 'claimName'), 'must not reference a PVC that gets created for an ephemeral volume'));
    }
  }
  return vols;
}
