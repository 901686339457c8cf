// Volumes: persistentvolumes and persistentvolumeclaims.

import type { KubeObject } from '../../src/registry/object.ts';
import { AGE, NAME, column, columns } from './columns.ts';
import { age } from './format.ts';
import { canonicalQuantity } from './quantity.ts';
import { type CellTemplate, printer } from './types.ts';

/** The pre-storageClassName way of naming a class; it still wins when present. */
const BETA_CLASS_ANNOTATION = 'volume.beta.kubernetes.io/storage-class';

/** Access modes abbreviated in upstream's fixed order, whatever order they were listed in. */
const MODE_ABBREVIATIONS: readonly [string, string][] = [
  ['ReadWriteOnce', 'RWO'], ['ReadOnlyMany', 'ROX'], ['ReadWriteMany', 'RWX'], ['ReadWriteOncePod', 'RWOP'],
];

export function accessModes(modes: unknown): string {
  if (!Array.isArray(modes) || modes.length === 0) return '';
  let out = '';
  for (const [mode, short] of MODE_ABBREVIATIONS) if (modes.includes(mode)) out += (out ? ',' : '') + short;
  return out;
}

interface VolumeMeta { name?: string; creationTimestamp?: string; deletionTimestamp?: string; annotations?: Record<string, string> }

interface PvWire {
  metadata: VolumeMeta;
  spec?: {
    capacity?: Record<string, unknown>;
    accessModes?: string[];
    persistentVolumeReclaimPolicy?: string;
    claimRef?: { namespace?: string; name?: string };
    storageClassName?: string;
    volumeAttributesClassName?: string | null;
    volumeMode?: string | null;
  };
  status?: { phase?: string; reason?: string };
}

interface PvcWire {
  metadata: VolumeMeta;
  spec?: { volumeName?: string; storageClassName?: string | null; volumeAttributesClassName?: string | null; volumeMode?: string | null };
  status?: { phase?: string; capacity?: Record<string, unknown>; accessModes?: string[] };
}

function storageClass(meta: VolumeMeta, specClass: string | null | undefined): string {
  const annotated = meta.annotations?.[BETA_CLASS_ANNOTATION];
  return annotated !== undefined ? annotated : (specClass ?? '');
}

export const persistentVolumePrinter = printer({
  columns: columns(
    NAME,
    column('Capacity', 'string', 'The storage capacity of the volume.'),
    column('Access Modes', 'string', 'The ways the volume can be mounted.'),
    column('Reclaim Policy', 'string', 'What happens to the volume when released from its claim.'),
    column('Status', 'string', 'The phase of the volume.'),
    column('Claim', 'string', 'The claim bound to this volume.'),
    column('StorageClass', 'string', 'StorageClass of the pv'),
    column('VolumeAttributesClass', 'string', 'VolumeAttributesClass of the pv'),
    column('Reason', 'string', 'A brief reason for a failed volume.'),
    AGE,
    column('VolumeMode', 'string', 'Whether the volume is a filesystem or a raw block device.', 1),
  ),
  cells(obj: KubeObject): CellTemplate[] {
    const pv = obj as unknown as PvWire;
    const spec = pv.spec ?? {};
    const claim = spec.claimRef ? `${spec.claimRef.namespace ?? ''}/${spec.claimRef.name ?? ''}` : '';
    const phase = pv.metadata.deletionTimestamp ? 'Terminating' : (pv.status?.phase ?? '');
    return [
      pv.metadata.name ?? '', canonicalQuantity(spec.capacity?.storage), accessModes(spec.accessModes), spec.persistentVolumeReclaimPolicy ?? '',
      phase, claim, storageClass(pv.metadata, spec.storageClassName), spec.volumeAttributesClassName ?? '<unset>',
      pv.status?.reason ?? '', age(pv.metadata.creationTimestamp), spec.volumeMode ?? '<unset>',
    ];
  },
});

export const persistentVolumeClaimPrinter = printer({
  columns: columns(
    NAME,
    column('Status', 'string', 'The phase of the claim.'),
    column('Volume', 'string', 'The volume bound to this claim.'),
    column('Capacity', 'string', 'The actual capacity of the bound volume.'),
    column('Access Modes', 'string', 'The access modes of the bound volume.'),
    column('StorageClass', 'string', 'StorageClass of the pvc'),
    column('VolumeAttributesClass', 'string', 'VolumeAttributesClass of the pvc'),
    AGE,
    column('VolumeMode', 'string', 'Whether the claim asks for a filesystem or a raw block device.', 1),
  ),
  cells(obj: KubeObject): CellTemplate[] {
    const pvc = obj as unknown as PvcWire;
    const spec = pvc.spec ?? {};
    const phase = pvc.metadata.deletionTimestamp ? 'Terminating' : (pvc.status?.phase ?? '');
    // Capacity and modes are the bound volume's, so they stay blank until the claim is bound.
    const bound = !!spec.volumeName;
    return [
      pvc.metadata.name ?? '', phase, spec.volumeName ?? '',
      bound ? canonicalQuantity(pvc.status?.capacity?.storage) : '', bound ? accessModes(pvc.status?.accessModes) : '',
      storageClass(pvc.metadata, spec.storageClassName), spec.volumeAttributesClassName ?? '<unset>',
      age(pvc.metadata.creationTimestamp), spec.volumeMode ?? '<unset>',
    ];
  },
});

const DEFAULT_CLASS_ANNOTATION = 'storageclass.kubernetes.io/is-default-class';
const BETA_DEFAULT_CLASS_ANNOTATION = 'storageclass.beta.kubernetes.io/is-default-class';

interface StorageClassWire {
  metadata: VolumeMeta;
  provisioner?: string;
  reclaimPolicy?: string;
  volumeBindingMode?: string;
  allowVolumeExpansion?: boolean;
}

export const storageClassPrinter = printer({
  columns: columns(
    NAME,
    column('Provisioner', 'string', 'Indicates the type of the provisioner.'),
    column('ReclaimPolicy', 'string', 'Indicates the type of the reclaim policy.'),
    column('VolumeBindingMode', 'string', 'Indicates when volume binding and dynamic provisioning should occur.'),
    column('AllowVolumeExpansion', 'string', 'Shows whether the storage class allow volume expand.'),
    AGE,
  ),
  cells(obj: KubeObject): CellTemplate[] {
    const sc = obj as unknown as StorageClassWire;
    const ann = sc.metadata.annotations ?? {};
    const isDefault = ann[DEFAULT_CLASS_ANNOTATION] === 'true' || ann[BETA_DEFAULT_CLASS_ANNOTATION] === 'true';
    return [
      (sc.metadata.name ?? '') + (isDefault ? ' (default)' : ''), sc.provisioner ?? '', sc.reclaimPolicy ?? 'Delete',
      sc.volumeBindingMode ?? 'Immediate', String(sc.allowVolumeExpansion ?? false), age(sc.metadata.creationTimestamp),
    ];
  },
});
