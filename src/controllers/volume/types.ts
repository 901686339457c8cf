// The storage objects as the volume controllers read them, and the facts about them that the
// binder, the provisioner and the scheduler agree on (annotations, class lookup, matching).

import type { KObject } from '../../client/informer.ts';
import { quantityValue } from '../../registry/validation/quantity.ts';
import { fromMetaLabelSelector, matchLabels, type MetaLabelSelector } from '../../registry/selection.ts';

/** The claim's binding was completed by the binder (set on the claim). */
export const ANN_BIND_COMPLETED = 'pv.kubernetes.io/bind-completed';
/** The binder, not the user, set the link (claimRef on a volume, volumeName on a claim). */
export const ANN_BOUND_BY_CONTROLLER = 'pv.kubernetes.io/bound-by-controller';
/** The provisioner that created a volume; it is also the one that deletes it. */
export const ANN_PROVISIONED_BY = 'pv.kubernetes.io/provisioned-by';
/** The node the scheduler picked for a WaitForFirstConsumer claim. */
export const ANN_SELECTED_NODE = 'volume.kubernetes.io/selected-node';
/** The provisioner the binder asks to provision a claim. */
export const ANN_STORAGE_PROVISIONER = 'volume.kubernetes.io/storage-provisioner';
export const ANN_BETA_STORAGE_PROVISIONER = 'volume.beta.kubernetes.io/storage-provisioner';
export const ANN_BETA_STORAGE_CLASS = 'volume.beta.kubernetes.io/storage-class';
export const ANN_DEFAULT_CLASS = 'storageclass.kubernetes.io/is-default-class';
export const NOT_SUPPORTED_PROVISIONER = 'kubernetes.io/no-provisioner';
export const LABEL_HOSTNAME = 'kubernetes.io/hostname';

type Meta = KObject['metadata'] & { annotations?: Record<string, string>; deletionTimestamp?: string; creationTimestamp?: string };

export interface ObjectRef { apiVersion?: string; kind?: string; namespace?: string; name?: string; uid?: string; resourceVersion?: string }

export interface PersistentVolume extends KObject {
  metadata: Meta;
  spec: {
    capacity?: Record<string, unknown>;
    accessModes?: string[];
    claimRef?: ObjectRef | null;
    persistentVolumeReclaimPolicy?: string;
    storageClassName?: string;
    volumeMode?: string;
    nodeAffinity?: unknown;
    hostPath?: { path: string; type?: string };
    local?: { path: string };
    [k: string]: unknown;
  };
  status?: { phase?: string; message?: string; reason?: string };
}

export interface PersistentVolumeClaim extends KObject {
  metadata: Meta;
  spec: {
    accessModes?: string[];
    resources?: { requests?: Record<string, unknown> };
    selector?: MetaLabelSelector;
    storageClassName?: string | null;
    volumeMode?: string;
    volumeName?: string;
    [k: string]: unknown;
  };
  status?: { phase?: string; accessModes?: string[]; capacity?: Record<string, unknown>; [k: string]: unknown };
}

export interface StorageClass extends KObject {
  metadata: Meta;
  provisioner: string;
  parameters?: Record<string, string>;
  reclaimPolicy?: string;
  volumeBindingMode?: string;
  mountOptions?: string[];
  allowedTopologies?: unknown[];
}

export const claimClass = (c: PersistentVolumeClaim): string => c.metadata.annotations?.[ANN_BETA_STORAGE_CLASS] ?? c.spec.storageClassName ?? '';
export const volumeClass = (v: PersistentVolume): string => v.metadata.annotations?.[ANN_BETA_STORAGE_CLASS] ?? v.spec.storageClassName ?? '';
export const requestedStorage = (c: PersistentVolumeClaim): number => quantityValue(c.spec.resources?.requests?.storage) ?? 0;
export const volumeStorage = (v: PersistentVolume): number => quantityValue(v.spec.capacity?.storage) ?? 0;
export const claimKey = (c: { metadata: { namespace?: string; name: string } }): string => `${c.metadata.namespace ?? ''}/${c.metadata.name}`;

/** The volume's claimRef names this claim (and, when it has a uid, this very claim). */
export function isVolumeBoundToClaim(v: PersistentVolume, c: PersistentVolumeClaim): boolean {
  const ref = v.spec.claimRef;
  if (!ref || ref.name !== c.metadata.name || ref.namespace !== c.metadata.namespace) return false;
  return !ref.uid || ref.uid === c.metadata.uid;
}

/** The provisioner a claim was handed to, if any. */
export const claimProvisioner = (c: PersistentVolumeClaim): string | undefined =>
  c.metadata.annotations?.[ANN_STORAGE_PROVISIONER] ?? c.metadata.annotations?.[ANN_BETA_STORAGE_PROVISIONER];

/** Whether a volume offers at least the claim's access modes. */
export function accessModesFit(c: PersistentVolumeClaim, v: PersistentVolume): boolean {
  const have = new Set(v.spec.accessModes ?? []);
  return (c.spec.accessModes ?? []).every((m) => have.has(m));
}

/** Why the volume cannot serve the claim it was asked for by name (upstream checkVolumeSatisfyClaim), or undefined. */
export function volumeMismatch(c: PersistentVolumeClaim, v: PersistentVolume): string | undefined {
  if (volumeStorage(v) < requestedStorage(c)) return 'requested PV is too small';
  if (volumeClass(v) !== claimClass(c)) return 'storageClassName does not match';
  if ((v.spec.volumeMode ?? 'Filesystem') !== (c.spec.volumeMode ?? 'Filesystem')) return 'incompatible volumeMode';
  if (!accessModesFit(c, v)) return 'incompatible accessMode';
  return undefined;
}

/**
 * The volume the binder gives a claim (upstream findBestMatchForClaim): one already pre-bound
 * to it, else among Available volumes of its class, volume mode and selector, in the group
 * with the fewest access modes that covers the claim's, the smallest that is big enough. With
 * delayed binding only a pre-bound volume is taken: the scheduler picks the others.
 */
export function findBestMatch(c: PersistentVolumeClaim, pvs: PersistentVolume[], delayBinding: boolean): PersistentVolume | undefined {
  const requested = requestedStorage(c);
  const cls = claimClass(c);
  const mode = c.spec.volumeMode ?? 'Filesystem';
  let selector;
  try { selector = c.spec.selector ? fromMetaLabelSelector(c.spec.selector) : undefined; } catch { return undefined; }
  const byModes = new Map<string, { size: number; best?: PersistentVolume; qty: number }>();
  for (const v of pvs) {
    if (v.spec.claimRef && !isVolumeBoundToClaim(v, c)) continue;
    const qty = volumeStorage(v);
    if (qty < requested) continue;
    if ((v.spec.volumeMode ?? 'Filesystem') !== mode) continue;
    if (v.metadata.deletionTimestamp) continue;
    if (isVolumeBoundToClaim(v, c)) return v;
    if (delayBinding) continue;
    if (v.status?.phase !== 'Available') continue;
    if (selector && !matchLabels(selector, v.metadata.labels)) continue;
    if (volumeClass(v) !== cls || !accessModesFit(c, v)) continue;
    const modes = [...new Set(v.spec.accessModes ?? [])].sort();
    const key = modes.join(',');
    let g = byModes.get(key);
    if (!g) byModes.set(key, (g = { size: modes.length, qty: 0 }));
    if (!g.best || qty < g.qty) { g.best = v; g.qty = qty; }
  }
  let pick: { size: number; best?: PersistentVolume } | undefined;
  for (const g of byModes.values()) if (!pick || g.size < pick.size) pick = g;
  return pick?.best;
}
