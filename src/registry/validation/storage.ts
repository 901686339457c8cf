// PersistentVolumeClaim and PersistentVolume spec validation (ValidatePersistentVolumeClaimSpec,
// ValidatePersistentVolumeSpec), shared by PVCs, PVs, ephemeral volumes and StatefulSet templates.

import { fieldForbidden, fieldInvalid, fieldNotSupported, fieldRequired, fieldTooLong } from './fielderrors.ts';
import { validateLabelName, validateName, pushInvalidEach, type Errs } from './fields.ts';
import { asArray, asString, isObject, obj, str, child, index, key, type JsonObject } from './json.ts';
import { isDNS1123Label, isDNS1123Subdomain, isValidLabelValue, nameIsDNSSubdomain } from './names.ts';
import { parseQuantity, quantityText } from './quantity.ts';
import { validateResourceQuantity } from './resources.ts';
import { validateLabelSelector } from './selectors.ts';

const ACCESS_MODES = ['ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOnce', 'ReadWriteOncePod'];
const VOLUME_MODES = ['Block', 'Filesystem'];
const RECLAIM_POLICIES = ['Delete', 'Recycle', 'Retain'];

function validateAccessModes(errs: Errs, path: string, modes: unknown[]): void {
  let rwop = false;
  let other = false;
  for (const m of modes) {
    if (typeof m !== 'string' || !ACCESS_MODES.includes(m)) errs.push(fieldNotSupported(path, m, ACCESS_MODES));
    else if (m === 'ReadWriteOncePod') rwop = true;
    else other = true;
  }
  if (rwop && other) errs.push(fieldForbidden(path, 'may not use ReadWriteOncePod with other access modes'));
}

function validateDataSource(errs: Errs, path: string, ds: JsonObject, isRef: boolean): void {
  if (!str(ds, 'name')) errs.push(fieldRequired(child(path, 'name'), ''));
  const kind = str(ds, 'kind');
  if (!kind) errs.push(fieldRequired(child(path, 'kind'), ''));
  const apiGroup = str(ds, 'apiGroup');
  if (!apiGroup && kind !== 'PersistentVolumeClaim') errs.push(fieldInvalid(path, kind, "must be 'PersistentVolumeClaim' when referencing the default apiGroup"));
  if (apiGroup) pushInvalidEach(errs, child(path, 'apiGroup'), apiGroup, isDNS1123Subdomain(apiGroup));
  if (isRef) {
    const ns = str(ds, 'namespace');
    if (ns) pushInvalidEach(errs, child(path, 'namespace'), ns, isDNS1123Label(ns));
  }
}

export function validatePersistentVolumeClaimSpec(errs: Errs, path: string, spec: JsonObject | undefined): void {
  const modes = asArray(spec?.accessModes) ?? [];
  if (modes.length === 0) errs.push(fieldRequired(child(path, 'accessModes'), 'at least 1 access mode is required'));
  if (spec?.selector !== undefined && spec.selector !== null) validateLabelSelector(errs, child(path, 'selector'), spec.selector);
  validateAccessModes(errs, child(path, 'accessModes'), modes);
  const requests = obj(obj(spec, 'resources'), 'requests');
  const storagePath = key(child(path, 'resources'), 'storage');
  if (!requests || requests.storage === undefined) {
    errs.push(fieldRequired(storagePath, ''));
  } else {
    const v = parseQuantity(requests.storage);
    if (v instanceof Error) errs.push(fieldInvalid(storagePath, requests.storage, v.message));
    else if (v <= 0) errs.push(fieldInvalid(storagePath, quantityText(requests.storage), 'must be greater than zero'));
    else validateResourceQuantity(errs, storagePath, 'storage', requests.storage);
  }
  const sc = asString(spec?.storageClassName);
  if (sc) validateName(errs, child(path, 'storageClassName'), sc, nameIsDNSSubdomain);
  const vm = spec?.volumeMode;
  if (vm !== undefined && vm !== null && (typeof vm !== 'string' || !VOLUME_MODES.includes(vm))) errs.push(fieldNotSupported(child(path, 'volumeMode'), vm, VOLUME_MODES));
  const ds = obj(spec, 'dataSource');
  const dsRef = obj(spec, 'dataSourceRef');
  if (ds) validateDataSource(errs, child(path, 'dataSource'), ds, false);
  if (dsRef) validateDataSource(errs, child(path, 'dataSourceRef'), dsRef, true);
  if (dsRef && str(dsRef, 'namespace')) {
    if (ds) errs.push(fieldInvalid(path, child(path, 'dataSource'), 'may not be specified when dataSourceRef.namespace is specified'));
  } else if (ds && dsRef) {
    if (str(ds, 'apiGroup') !== str(dsRef, 'apiGroup') || str(ds, 'kind') !== str(dsRef, 'kind') || str(ds, 'name') !== str(dsRef, 'name')) {
      errs.push(fieldInvalid(path, child(path, 'dataSource'), 'must match dataSourceRef'));
    }
  }
  const vac = asString(spec?.volumeAttributesClassName);
  if (vac) validateName(errs, child(path, 'volumeAttributesClassName'), vac, nameIsDNSSubdomain);
}

// --- PersistentVolume -------------------------------------------------------------------------------

/** Keys of a PV spec that are not part of its PersistentVolumeSource. */
export const PV_NON_SOURCE_KEYS = new Set([
  'accessModes', 'capacity', 'claimRef', 'persistentVolumeReclaimPolicy', 'storageClassName',
  'mountOptions', 'volumeMode', 'nodeAffinity', 'volumeAttributesClassName',
]);

export const PV_SOURCES = [
  'hostPath', 'gcePersistentDisk', 'awsElasticBlockStore', 'glusterfs', 'flocker', 'nfs', 'rbd',
  'quobyte', 'cephfs', 'iscsi', 'cinder', 'fc', 'flexVolume', 'azureFile', 'vsphereVolume',
  'photonPersistentDisk', 'portworxVolume', 'azureDisk', 'scaleIO', 'local', 'storageos', 'csi',
];

const HOST_PATH_TYPES = ['', 'BlockDevice', 'CharDevice', 'Directory', 'DirectoryOrCreate', 'File', 'FileOrCreate', 'Socket'];

export function validatePathNoBacksteps(errs: Errs, path: string, p: string): void {
  if (p.replace(/\\/g, '/').split('/').includes('..')) errs.push(fieldInvalid(path, p, "must not contain '..'"));
}

export function validateHostPath(errs: Errs, path: string, hp: JsonObject): void {
  const p = str(hp, 'path');
  if (!p) {
    errs.push(fieldRequired(child(path, 'path'), ''));
    return;
  }
  validatePathNoBacksteps(errs, child(path, 'path'), p);
  const t = hp.type;
  if (t !== undefined && t !== null && (typeof t !== 'string' || !HOST_PATH_TYPES.includes(t))) errs.push(fieldNotSupported(child(path, 'type'), t, HOST_PATH_TYPES));
}

/** Required sub-fields of the common network volume sources (others get no deep validation). */
export function validateNFS(errs: Errs, path: string, nfs: JsonObject): void {
  if (!str(nfs, 'server')) errs.push(fieldRequired(child(path, 'server'), ''));
  const p = str(nfs, 'path');
  if (!p) errs.push(fieldRequired(child(path, 'path'), ''));
  if (!p.startsWith('/')) errs.push(fieldInvalid(child(path, 'path'), p, 'must be an absolute path'));
}

function validateCSIDriverName(errs: Errs, path: string, driver: string): void {
  if (!driver) errs.push(fieldRequired(path, ''));
  if (driver.length > 63) errs.push(fieldTooLong(path, '', 63));
  pushInvalidEach(errs, path, driver, isDNS1123Subdomain(driver.toLowerCase()));
}

export function validateCSIVolume(errs: Errs, path: string, csi: JsonObject, persistent: boolean): void {
  validateCSIDriverName(errs, child(path, 'driver'), str(csi, 'driver'));
  if (persistent && !str(csi, 'volumeHandle')) errs.push(fieldRequired(child(path, 'volumeHandle'), ''));
}

export function validateNodeSelectorTerms(errs: Errs, path: string, selector: JsonObject): void {
  const termsPath = child(path, 'nodeSelectorTerms');
  const terms = asArray(selector.nodeSelectorTerms) ?? [];
  if (terms.length === 0) {
    errs.push(fieldRequired(termsPath, 'must have at least one node selector term'));
    return;
  }
  for (let i = 0; i < terms.length; i++) validateNodeSelectorTerm(errs, index(termsPath, i), terms[i], false);
}

/** ValidateNodeSelectorTerm (shared with pod node affinity). */
export function validateNodeSelectorTerm(errs: Errs, path: string, term: unknown, allowInvalidValues: boolean): void {
  if (!isObject(term)) return;
  const exprs = asArray(term.matchExpressions) ?? [];
  for (let j = 0; j < exprs.length; j++) {
    const rq = exprs[j];
    const p = index(child(path, 'matchExpressions'), j);
    if (!isObject(rq)) continue;
    const values = asArray(rq.values) ?? [];
    const op = str(rq, 'operator');
    switch (op) {
      case 'In':
      case 'NotIn':
        if (values.length === 0) errs.push(fieldRequired(child(p, 'values'), "must be specified when `operator` is 'In' or 'NotIn'"));
        break;
      case 'Exists':
      case 'DoesNotExist':
        if (values.length > 0) errs.push(fieldForbidden(child(p, 'values'), "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
        break;
      case 'Gt':
      case 'Lt':
        if (values.length !== 1) errs.push(fieldRequired(child(p, 'values'), "must be specified single value when `operator` is 'Lt' or 'Gt'"));
        break;
      default:
        errs.push(fieldInvalid(child(p, 'operator'), op, 'not a valid selector operator'));
    }
    validateLabelName(errs, child(p, 'key'), str(rq, 'key'));
    if (!allowInvalidValues) {
      for (let k = 0; k < values.length; k++) {
        const v = values[k];
        pushInvalidEach(errs, index(child(p, 'values'), k), v, isValidLabelValue(typeof v === 'string' ? v : String(v)));
      }
    }
  }
  const fields = asArray(term.matchFields) ?? [];
  for (let j = 0; j < fields.length; j++) {
    const rq = fields[j];
    const p = index(child(path, 'matchFields'), j);
    if (!isObject(rq)) continue;
    const op = str(rq, 'operator');
    const values = asArray(rq.values) ?? [];
    if (op === 'In' || op === 'NotIn') {
      if (values.length !== 1) errs.push(fieldRequired(child(p, 'values'), "must be only one value when `operator` is 'In' or 'NotIn' for node field selector"));
    } else {
      errs.push(fieldInvalid(child(p, 'operator'), op, 'not a valid selector operator'));
    }
    if (str(rq, 'key') !== 'metadata.name') {
      errs.push(fieldInvalid(child(p, 'key'), str(rq, 'key'), 'not a valid field selector key'));
    } else {
      for (let k = 0; k < values.length; k++) {
        const v = values[k];
        pushInvalidEach(errs, index(child(p, 'values'), k), v, isDNS1123Subdomain(typeof v === 'string' ? v : String(v)));
      }
    }
  }
}


export function validatePersistentVolumeSpec(errs: Errs, path: string, spec: JsonObject | undefined): void {
  const modes = asArray(spec?.accessModes) ?? [];
  if (modes.length === 0) errs.push(fieldRequired(child(path, 'accessModes'), ''));
  validateAccessModes(errs, child(path, 'accessModes'), modes);
  const capacity = obj(spec, 'capacity');
  const capPath = child(path, 'capacity');
  if (!capacity || Object.keys(capacity).length === 0) errs.push(fieldRequired(capPath, ''));
  if (!capacity || capacity.storage === undefined || Object.keys(capacity).length > 1) errs.push(fieldNotSupported(capPath, capacity ?? {}, ['storage']));
  for (const r of Object.keys(capacity ?? {})) {
    const raw = capacity?.[r];
    const v = parseQuantity(raw);
    if (v instanceof Error) errs.push(fieldInvalid(key(capPath, r), raw, v.message));
    else if (v <= 0) errs.push(fieldInvalid(key(capPath, r), quantityText(raw), 'must be greater than zero'));
  }
  const policy = spec?.persistentVolumeReclaimPolicy;
  if (typeof policy === 'string' && policy !== '' && !RECLAIM_POLICIES.includes(policy)) errs.push(fieldNotSupported(child(path, 'persistentVolumeReclaimPolicy'), policy, RECLAIM_POLICIES));
  let nodeAffinitySpecified = false;
  const na = obj(spec, 'nodeAffinity');
  if (na) {
    nodeAffinitySpecified = true;
    const req = obj(na, 'required');
    if (req) validateNodeSelectorTerms(errs, child(child(path, 'nodeAffinity'), 'required'), req);
    else errs.push(fieldRequired(child(child(path, 'nodeAffinity'), 'required'), 'must specify required node constraints'));
  }
  let n = 0;
  for (const s of PV_SOURCES) {
    const src = obj(spec, s);
    if (!src) continue;
    const p = child(path, s);
    if (n > 0 && s !== 'flexVolume') {
      errs.push(fieldForbidden(p, 'may not specify more than 1 volume type'));
      continue;
    }
    n++;
    if (s === 'hostPath') validateHostPath(errs, p, src);
    else if (s === 'nfs') validateNFS(errs, p, src);
    else if (s === 'csi') validateCSIVolume(errs, p, src, true);
    else if (s === 'local') {
      const lp = str(src, 'path');
      if (!lp) errs.push(fieldRequired(child(p, 'path'), ''));
      else validatePathNoBacksteps(errs, child(p, 'path'), lp);
      if (!nodeAffinitySpecified) errs.push(fieldRequired(child(path, 'nodeAffinity'), 'Local volume requires node affinity'));
    }
  }
  if (n === 0) errs.push(fieldRequired(path, 'must specify a volume type'));
  const hp = obj(spec, 'hostPath');
  if (hp && str(hp, 'path').replace(/\/+$/, '') === '' && str(hp, 'path') !== '' && policy === 'Recycle') {
    errs.push(fieldForbidden(child(path, 'persistentVolumeReclaimPolicy'), "may not be 'recycle' for a hostPath mount of '/'"));
  }
  const sc = asString(spec?.storageClassName);
  if (sc) validateName(errs, child(path, 'storageClassName'), sc, nameIsDNSSubdomain);
  const vm = spec?.volumeMode;
  if (vm !== undefined && vm !== null && (typeof vm !== 'string' || !VOLUME_MODES.includes(vm))) errs.push(fieldNotSupported(child(path, 'volumeMode'), vm, VOLUME_MODES));
}
