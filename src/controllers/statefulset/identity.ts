// What a StatefulSet's pods are (upstream stateful_set_utils.go): pod <set>-<ordinal>, with the
// hostname and subdomain of the set's governing Service, the pod-name and pod-index labels, one
// PVC per volumeClaimTemplate named <claim>-<set>-<ordinal>, and the revision it was made from in
// the controller-revision-hash label. Pure functions over plain objects.

import type { KObject } from '../../client/informer.ts';
import type { MetaLabelSelector } from '../../registry/selection.ts';
import { newControllerRef, type OwnerReference } from '../framework/controllerref.ts';
import { isPodAvailable, isPodReady, type Pod } from '../podreadiness.ts';

export const POD_NAME_LABEL = 'statefulset.kubernetes.io/pod-name';
export const POD_INDEX_LABEL = 'apps.kubernetes.io/pod-index';
export const REVISION_LABEL = 'controller-revision-hash';

export const SET_API_VERSION = 'apps/v1';
export const SET_KIND = 'StatefulSet';

export interface Claim extends KObject {
  metadata: KObject['metadata'] & { ownerReferences?: OwnerReference[]; deletionTimestamp?: string; annotations?: Record<string, string> };
  spec?: Record<string, unknown>;
}

export interface StatefulSet extends KObject {
  metadata: KObject['metadata'] & { generation?: number; deletionTimestamp?: string; annotations?: Record<string, string> };
  spec: {
    replicas?: number;
    selector?: MetaLabelSelector;
    serviceName?: string;
    ordinals?: { start?: number };
    podManagementPolicy?: string;
    minReadySeconds?: number;
    revisionHistoryLimit?: number;
    updateStrategy?: { type?: string; rollingUpdate?: { partition?: number; maxUnavailable?: number | string } };
    persistentVolumeClaimRetentionPolicy?: { whenDeleted?: string; whenScaled?: string };
    volumeClaimTemplates?: Claim[];
    template?: { metadata?: { labels?: Record<string, string>; annotations?: Record<string, string>; finalizers?: string[] }; spec?: Record<string, unknown> };
  };
  status?: {
    observedGeneration?: number; replicas?: number; readyReplicas?: number; currentReplicas?: number; updatedReplicas?: number;
    availableReplicas?: number; currentRevision?: string; updateRevision?: string; collisionCount?: number; conditions?: unknown[];
  };
}

const ORDINAL_RE = /^(.*)-([0-9]+)$/;

/** The parent set's name and the ordinal a pod's name carries (-1 when it carries none). */
export function parentAndOrdinal(pod: KObject): [string, number] {
  const m = ORDINAL_RE.exec(pod.metadata.name);
  if (!m) return ['', -1];
  const n = Number(m[2]);
  return n <= 0x7fffffff ? [m[1], n] : [m[1], -1];
}

export const ordinalOf = (pod: KObject): number => parentAndOrdinal(pod)[1];
export const isMemberOf = (set: StatefulSet, pod: KObject): boolean => parentAndOrdinal(pod)[0] === set.metadata.name;

export const podName = (set: StatefulSet, ordinal: number): string => `${set.metadata.name}-${ordinal}`;
export const claimName = (set: StatefulSet, claim: Claim, ordinal: number): string => `${claim.metadata.name}-${set.metadata.name}-${ordinal}`;

export const replicasOf = (set: StatefulSet): number => set.spec.replicas ?? 1;
export const startOrdinal = (set: StatefulSet): number => set.spec.ordinals?.start ?? 0;
export const endOrdinal = (set: StatefulSet): number => startOrdinal(set) + replicasOf(set) - 1;
export function inOrdinalRange(pod: KObject, set: StatefulSet): boolean {
  const o = ordinalOf(pod);
  return o >= startOrdinal(set) && o <= endOrdinal(set);
}

export const allowsBurst = (set: StatefulSet): boolean => set.spec.podManagementPolicy === 'Parallel';

export const podRevision = (pod: Pod): string => pod.metadata.labels?.[REVISION_LABEL] ?? '';

export const isCreated = (p: Pod): boolean => !!p.status?.phase;
export const isPending = (p: Pod): boolean => p.status?.phase === 'Pending';
export const isFailed = (p: Pod): boolean => p.status?.phase === 'Failed';
export const isSucceeded = (p: Pod): boolean => p.status?.phase === 'Succeeded';
export const isTerminating = (p: Pod): boolean => !!p.metadata.deletionTimestamp;
export const isRunningAndReady = (p: Pod): boolean => p.status?.phase === 'Running' && isPodReady(p);
export const isRunningAndAvailable = (p: Pod, minReadySeconds: number): boolean => isPodAvailable(p, minReadySeconds);
export const isHealthy = (p: Pod): boolean => isRunningAndReady(p) && !isTerminating(p);
export const isUnavailable = (p: Pod, minReadySeconds: number): boolean => !isHealthy(p) || !isPodAvailable(p, minReadySeconds);

/** The pod has its ordinal name in the set's namespace and the pod-name label. */
export function identityMatches(set: StatefulSet, pod: Pod): boolean {
  const [parent, ordinal] = parentAndOrdinal(pod);
  return ordinal >= 0 && parent === set.metadata.name && pod.metadata.name === podName(set, ordinal)
    && pod.metadata.namespace === set.metadata.namespace && pod.metadata.labels?.[POD_NAME_LABEL] === pod.metadata.name;
}

interface Volume { name: string; persistentVolumeClaim?: { claimName?: string; readOnly?: boolean } }

/** Every claim template is mounted from this pod's own claim. */
export function storageMatches(set: StatefulSet, pod: Pod): boolean {
  const ordinal = ordinalOf(pod);
  if (ordinal < 0) return false;
  const volumes = new Map<string, Volume>();
  for (const v of (pod.spec?.volumes ?? []) as unknown as Volume[]) volumes.set(v.name, v);
  for (const c of set.spec.volumeClaimTemplates ?? []) {
    const v = volumes.get(c.metadata.name);
    if (v?.persistentVolumeClaim?.claimName !== claimName(set, c, ordinal)) return false;
  }
  return true;
}

/** The claims a pod needs, by template name (upstream getPersistentVolumeClaims): the template with the selector's labels. */
export function claimsFor(set: StatefulSet, pod: Pod): Map<string, Claim> {
  const ordinal = ordinalOf(pod);
  const out = new Map<string, Claim>();
  for (const t of set.spec.volumeClaimTemplates ?? []) {
    const { status: _status, ...rest } = structuredClone(t) as Claim & { status?: unknown };
    const claim: Claim = { ...rest, apiVersion: 'v1', kind: 'PersistentVolumeClaim' };
    claim.metadata = { ...claim.metadata, name: claimName(set, t, ordinal), namespace: set.metadata.namespace };
    claim.metadata.labels = { ...(claim.metadata.labels ?? {}), ...(set.spec.selector?.matchLabels ?? {}) };
    out.set(t.metadata.name, claim);
  }
  return out;
}

/** Point the claim templates' volumes at this pod's claims, keeping its other volumes. */
export function updateStorage(set: StatefulSet, pod: Pod): void {
  const claims = claimsFor(set, pod);
  const volumes: Record<string, unknown>[] = [];
  for (const [name, c] of claims) volumes.push({ name, persistentVolumeClaim: { claimName: c.metadata.name } });
  for (const v of pod.spec?.volumes ?? []) if (!claims.has(v.name as string)) volumes.push(v);
  pod.spec = { ...(pod.spec ?? {}), volumes };
}

export function updateIdentity(set: StatefulSet, pod: Pod): void {
  const ordinal = ordinalOf(pod);
  pod.metadata.name = podName(set, ordinal);
  pod.metadata.namespace = set.metadata.namespace;
  pod.metadata.labels = { ...(pod.metadata.labels ?? {}), [POD_NAME_LABEL]: pod.metadata.name, [POD_INDEX_LABEL]: String(ordinal) };
}

/** A new pod of the set at ordinal (upstream newStatefulSetPod): hostname and subdomain are set only here. */
export function newStatefulSetPod(set: StatefulSet, ordinal: number): Pod {
  const t = set.spec.template ?? {};
  const meta: Pod['metadata'] = {
    name: podName(set, ordinal),
    namespace: set.metadata.namespace,
    labels: { ...(t.metadata?.labels ?? {}) },
    ownerReferences: [newControllerRef(set, SET_API_VERSION, SET_KIND)],
  };
  if (t.metadata?.annotations) meta.annotations = { ...t.metadata.annotations };
  if (t.metadata?.finalizers) meta.finalizers = [...t.metadata.finalizers];
  const pod: Pod = { apiVersion: 'v1', kind: 'Pod', metadata: meta, spec: structuredClone(t.spec ?? {}) };
  updateIdentity(set, pod);
  pod.spec = { ...pod.spec, hostname: pod.metadata.name };
  if (set.spec.serviceName) pod.spec.subdomain = set.spec.serviceName;
  updateStorage(set, pod);
  return pod;
}

/**
 * A pod for a missing ordinal (upstream newVersionedStatefulSetPod): from the current revision
 * below the partition (or, without rollingUpdate, below the current replicas), else from the
 * update revision. The condition keeps upstream's grouping, (a && b) || c.
 */
export function newVersionedPod(currentSet: StatefulSet, updateSet: StatefulSet, currentRevision: string, updateRevision: string, ordinal: number): Pod {
  const us = currentSet.spec.updateStrategy;
  const ru = us?.rollingUpdate;
  const useCurrent = (us?.type === 'RollingUpdate' && !ru && ordinal < startOrdinal(currentSet) + (currentSet.status?.currentReplicas ?? 0))
    || (!!ru && ordinal < startOrdinal(currentSet) + (ru.partition ?? 0));
  const pod = newStatefulSetPod(useCurrent ? currentSet : updateSet, ordinal);
  pod.metadata.labels = { ...pod.metadata.labels, [REVISION_LABEL]: useCurrent ? currentRevision : updateRevision };
  return pod;
}

// --- persistentVolumeClaimRetentionPolicy: which of set and pod own each claim -------------

type Policy = { whenDeleted: string; whenScaled: string };
const policyOf = (set: StatefulSet): Policy => ({
  whenDeleted: set.spec.persistentVolumeClaimRetentionPolicy?.whenDeleted ?? 'Retain',
  whenScaled: set.spec.persistentVolumeClaimRetentionPolicy?.whenScaled ?? 'Retain',
});

const refsOf = (c: Claim): OwnerReference[] => c.metadata.ownerReferences ?? [];
const hasOwnerRef = (c: Claim, owner: KObject): boolean => !!owner.metadata.uid && refsOf(c).some((r) => r.uid === owner.metadata.uid);
const matchesRef = (r: OwnerReference, obj: KObject, apiVersion: string, kind: string): boolean => r.apiVersion === apiVersion && r.kind === kind && r.name === obj.metadata.name;

/** A reference to the object's name and kind but another UID: left by an earlier object of that name. */
function hasStaleOwnerRef(c: Claim, obj: KObject, apiVersion: string, kind: string): boolean {
  const r = refsOf(c).find((x) => matchesRef(x, obj, apiVersion, kind));
  return !!r && r.uid !== obj.metadata.uid;
}

/** The claim (of a set with a delete policy) has a controller other than this set or pod. */
function hasUnexpectedController(c: Claim, set: StatefulSet, pod: Pod): boolean {
  const p = policyOf(set);
  if (p.whenDeleted === 'Retain' && p.whenScaled === 'Retain') return false;
  for (const r of refsOf(c)) {
    if (matchesRef(r, set, SET_API_VERSION, SET_KIND)) { if (r.uid !== set.metadata.uid) return true; continue; }
    if (matchesRef(r, pod, 'v1', 'Pod')) { if (r.uid !== pod.metadata.uid) return true; continue; }
    if (r.controller) return true;
  }
  return false;
}

const hasNonControllerOwner = (c: Claim, set: StatefulSet, pod: Pod): boolean =>
  refsOf(c).some((r) => (r.uid === set.metadata.uid || (!!pod.metadata.uid && r.uid === pod.metadata.uid)) && !r.controller);

/** The claim's owner references agree with the set's retention policy (upstream isClaimOwnerUpToDate). */
export function isClaimOwnerUpToDate(c: Claim, set: StatefulSet, pod: Pod): boolean {
  if (hasStaleOwnerRef(c, set, SET_API_VERSION, SET_KIND) || hasStaleOwnerRef(c, pod, 'v1', 'Pod')) return true;
  if (hasUnexpectedController(c, set, pod)) return !(hasOwnerRef(c, set) || hasOwnerRef(c, pod));
  if (hasNonControllerOwner(c, set, pod)) return false;
  const p = policyOf(set);
  const scaledDown = !inOrdinalRange(pod, set);
  if (p.whenScaled === 'Delete' && p.whenDeleted === 'Delete') return scaledDown !== hasOwnerRef(c, set) && scaledDown === hasOwnerRef(c, pod);
  if (p.whenScaled === 'Delete') return !hasOwnerRef(c, set) && scaledDown === hasOwnerRef(c, pod);
  if (p.whenDeleted === 'Delete') return hasOwnerRef(c, set) && !hasOwnerRef(c, pod);
  return !hasOwnerRef(c, set) && !hasOwnerRef(c, pod);
}

/** The owner references the claim should carry under the retention policy (upstream updateClaimOwnerRefForSetAndPod). */
export function claimOwnerRefsFor(c: Claim, set: StatefulSet, pod: Pod): OwnerReference[] {
  const unexpected = hasUnexpectedController(c, set, pod);
  let refs = refsOf(c).filter((r) => !matchesRef(r, set, SET_API_VERSION, SET_KIND) && !matchesRef(r, pod, 'v1', 'Pod'));
  if (unexpected) return refs;
  const add = (owner: KObject, apiVersion: string, kind: string) => {
    if (!owner.metadata.uid || refs.some((r) => r.uid === owner.metadata.uid)) return;
    refs = [...refs, newControllerRef(owner, apiVersion, kind)];
  };
  const p = policyOf(set);
  const scaledDown = !inOrdinalRange(pod, set);
  if (p.whenScaled === 'Delete') {
    if (scaledDown) add(pod, 'v1', 'Pod');
    else if (p.whenDeleted === 'Delete') add(set, SET_API_VERSION, SET_KIND);
  } else if (p.whenDeleted === 'Delete') {
    add(set, SET_API_VERSION, SET_KIND);
  }
  return refs;
}

/** A claim of the pod still owned by an earlier pod of the same name: wait for the garbage collector. */
export const claimIsStale = (c: Claim, pod: Pod): boolean => refsOf(c).some((r) => r.kind === 'Pod' && r.name === pod.metadata.name && r.uid !== pod.metadata.uid);
