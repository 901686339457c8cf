// What the deployment controller computes without touching the API (upstream
// pkg/controller/deployment/util): the annotations it keeps on ReplicaSets, the rollout
// fenceposts (maxSurge/maxUnavailable), which ReplicaSet is new, revisions, proportions for
// scaling mid-rollout, the pod-template-hash, and the Progressing/Available conditions.

import type { KObject } from '../../client/informer.ts';
import type { MetaLabelSelector } from '../../registry/selection.ts';

export const REVISION_ANNOTATION = 'deployment.kubernetes.io/revision';
export const REVISION_HISTORY_ANNOTATION = 'deployment.kubernetes.io/revision-history';
export const DESIRED_REPLICAS_ANNOTATION = 'deployment.kubernetes.io/desired-replicas';
export const MAX_REPLICAS_ANNOTATION = 'deployment.kubernetes.io/max-replicas';
export const LAST_APPLIED_ANNOTATION = 'kubectl.kubernetes.io/last-applied-configuration';
/** The beta-era rollback request annotation, never copied. */
export const DEPRECATED_ROLLBACK_TO = 'deprecated.deployment.rollback.to';
/** Label each ReplicaSet (and its pods) gets from its template's hash. */
export const POD_TEMPLATE_HASH_LABEL = 'pod-template-hash';
/** Longest revision-history annotation kept (upstream maxRevHistoryLengthInChars). */
export const MAX_REV_HISTORY_CHARS = 2000;
const MAX_INT32 = 2147483647;

// Condition reasons (upstream deploymentutil).
export const REASON = {
  replicaSetUpdated: 'ReplicaSetUpdated',
  failedRSCreate: 'ReplicaSetCreateError',
  newReplicaSet: 'NewReplicaSetCreated',
  foundNewRS: 'FoundNewReplicaSet',
  newRSAvailable: 'NewReplicaSetAvailable',
  timedOut: 'ProgressDeadlineExceeded',
  paused: 'DeploymentPaused',
  resumed: 'DeploymentResumed',
  minimumReplicasAvailable: 'MinimumReplicasAvailable',
  minimumReplicasUnavailable: 'MinimumReplicasUnavailable',
} as const;

export type IntOrString = number | string;

export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  lastUpdateTime?: string;
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
}

export interface PodTemplateSpec {
  metadata?: { labels?: Record<string, string>; annotations?: Record<string, string>; [k: string]: unknown };
  spec?: Record<string, unknown>;
}

export interface DeploymentStatus {
  observedGeneration?: number;
  replicas?: number;
  updatedReplicas?: number;
  readyReplicas?: number;
  availableReplicas?: number;
  unavailableReplicas?: number;
  collisionCount?: number;
  conditions?: Condition[];
}

type Meta = KObject['metadata'] & {
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  annotations?: Record<string, string>;
};

export interface Deployment extends KObject {
  metadata: Meta;
  spec: {
    replicas?: number;
    selector?: MetaLabelSelector;
    template: PodTemplateSpec;
    strategy?: { type?: string; rollingUpdate?: { maxSurge?: IntOrString; maxUnavailable?: IntOrString } };
    minReadySeconds?: number;
    revisionHistoryLimit?: number;
    paused?: boolean;
    progressDeadlineSeconds?: number;
  };
  status?: DeploymentStatus;
}

export interface ReplicaSet extends KObject {
  metadata: Meta;
  spec: { replicas?: number; minReadySeconds?: number; selector?: MetaLabelSelector; template?: PodTemplateSpec };
  status?: {
    replicas?: number; fullyLabeledReplicas?: number; readyReplicas?: number; availableReplicas?: number;
    observedGeneration?: number; conditions?: { type: string; status: string; reason?: string; message?: string; lastTransitionTime?: string }[];
  };
}

export const replicasOf = (o: { spec: { replicas?: number } }): number => o.spec.replicas ?? 1;
const rsReplicas = (rs: ReplicaSet): number => rs.spec.replicas ?? 1;

/** RFC 3339 with seconds precision, as metav1.Time serialises. */
export const timestamp = (ms: number): string => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');

// ---- fenceposts ----

/** An int, or a percentage of total rounded up or down (upstream GetScaledValueFromIntOrPercent). */
export function scaledValue(v: IntOrString | undefined, total: number, roundUp: boolean): number {
  if (v === undefined) return 0;
  if (typeof v === 'number') return v;
  const m = /^(-?\d+)%$/.exec(v);
  if (!m) throw new Error(`invalid value for IntOrString: invalid type: string is not a percentage`);
  const scaled = (Number(m[1]) * total) / 100;
  return roundUp ? Math.ceil(scaled) : Math.floor(scaled);
}

/**
 * maxSurge (rounded up) and maxUnavailable (rounded down) resolved together: when both come
 * out zero, one pod may be unavailable, since surging may be impossible (quota).
 */
export function resolveFenceposts(maxSurge: IntOrString | undefined, maxUnavailable: IntOrString | undefined, desired: number): [number, number] {
  const surge = scaledValue(maxSurge ?? 0, desired, true);
  let unavailable = scaledValue(maxUnavailable ?? 0, desired, false);
  if (surge === 0 && unavailable === 0) unavailable = 1;
  return [surge, unavailable];
}

export const isRollingUpdate = (d: Deployment): boolean => (d.spec.strategy?.type ?? 'RollingUpdate') === 'RollingUpdate';

export function maxSurge(d: Deployment): number {
  if (!isRollingUpdate(d)) return 0;
  const ru = d.spec.strategy?.rollingUpdate;
  return resolveFenceposts(ru?.maxSurge, ru?.maxUnavailable, replicasOf(d))[0];
}

export function maxUnavailable(d: Deployment): number {
  const replicas = replicasOf(d);
  if (!isRollingUpdate(d) || replicas === 0) return 0;
  const ru = d.spec.strategy?.rollingUpdate;
  return Math.min(resolveFenceposts(ru?.maxSurge, ru?.maxUnavailable, replicas)[1], replicas);
}

export const hasProgressDeadline = (d: Deployment): boolean =>
  d.spec.progressDeadlineSeconds !== undefined && d.spec.progressDeadlineSeconds !== MAX_INT32;

export const hasRevisionHistoryLimit = (d: Deployment): boolean =>
  d.spec.revisionHistoryLimit !== undefined && d.spec.revisionHistoryLimit !== MAX_INT32;

// ---- replica set lists ----

const created = (o: KObject): number => Date.parse((o.metadata as Meta).creationTimestamp ?? '') || 0;

/** Oldest first; ties by name (upstream ReplicaSetsByCreationTimestamp). */
export const byCreation = (a: ReplicaSet, b: ReplicaSet): number =>
  created(a) - created(b) || (a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0);

/** Larger first; ties oldest first (ReplicaSetsBySizeOlder). */
export const bySizeOlder = (a: ReplicaSet, b: ReplicaSet): number => rsReplicas(b) - rsReplicas(a) || byCreation(a, b);

/** Larger first; ties newest first (ReplicaSetsBySizeNewer). */
export const bySizeNewer = (a: ReplicaSet, b: ReplicaSet): number => rsReplicas(b) - rsReplicas(a) || byCreation(b, a);

/** Lowest revision first; ties oldest first (ReplicaSetsByRevision). */
export const byRevision = (a: ReplicaSet, b: ReplicaSet): number => revision(a) - revision(b) || byCreation(a, b);

/** Sets with replicas wanted (upstream FilterActiveReplicaSets). */
export const activeReplicaSets = (sets: (ReplicaSet | undefined)[]): ReplicaSet[] =>
  sets.filter((rs): rs is ReplicaSet => rs !== undefined && rsReplicas(rs) > 0);

export const sumReplicas = (sets: (ReplicaSet | undefined)[]): number => sets.reduce((n, rs) => n + (rs ? rsReplicas(rs) : 0), 0);
export const sumActualReplicas = (sets: (ReplicaSet | undefined)[]): number => sets.reduce((n, rs) => n + (rs?.status?.replicas ?? 0), 0);
export const sumReadyReplicas = (sets: (ReplicaSet | undefined)[]): number => sets.reduce((n, rs) => n + (rs?.status?.readyReplicas ?? 0), 0);
export const sumAvailableReplicas = (sets: (ReplicaSet | undefined)[]): number => sets.reduce((n, rs) => n + (rs?.status?.availableReplicas ?? 0), 0);

// ---- templates and hashing ----

/** A JSON value with empty maps/lists, nulls and undefined dropped and keys sorted (Go's nil and empty compare equal). */
function normalize(v: unknown): unknown {
  if (Array.isArray(v)) {
    const out = v.map(normalize);
    return out.length ? out : undefined;
  }
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) {
      const n = normalize((v as Record<string, unknown>)[k]);
      if (n !== undefined) out[k] = n;
    }
    return Object.keys(out).length ? out : undefined;
  }
  return v === null ? undefined : v;
}

function withoutHashLabel(t: PodTemplateSpec | undefined): PodTemplateSpec {
  const labels = { ...(t?.metadata?.labels ?? {}) };
  delete labels[POD_TEMPLATE_HASH_LABEL];
  return { ...t, metadata: { ...t?.metadata, labels } };
}

/** Templates equal but for the pod-template-hash label (upstream EqualIgnoreHash, semantic equality). */
export function equalIgnoreHash(a: PodTemplateSpec | undefined, b: PodTemplateSpec | undefined): boolean {
  return JSON.stringify(normalize(withoutHashLabel(a))) === JSON.stringify(normalize(withoutHashLabel(b)));
}

const SAFE_ALPHANUMS = 'bcdfghjklmnpqrstvwxz2456789';

/**
 * The pod-template-hash of a template (upstream controller.ComputeHash): FNV-32a of the
 * template, then of the collision count, written in the alphabet of rand.SafeEncodeString
 * (no vowels, so no words).
 */
export function computeHash(template: PodTemplateSpec, collisionCount?: number): string {
  let h = 0x811c9dc5;
  const feed = (bytes: Uint8Array) => {
    for (const b of bytes) h = Math.imul(h ^ b, 0x01000193) >>> 0;
  };
  feed(new TextEncoder().encode(JSON.stringify(normalize(template)) ?? ''));
  if (collisionCount !== undefined) {
    const le = new Uint8Array(4);
    new DataView(le.buffer).setUint32(0, collisionCount >>> 0, true);
    feed(le);
  }
  let out = '';
  for (const c of String(h >>> 0)) out += SAFE_ALPHANUMS[c.charCodeAt(0) % SAFE_ALPHANUMS.length];
  return out;
}

/** The oldest set whose template is the deployment's (upstream FindNewReplicaSet). */
export function findNewReplicaSet(d: Deployment, sets: ReplicaSet[]): ReplicaSet | undefined {
  return [...sets].sort(byCreation).find((rs) => equalIgnoreHash(rs.spec.template, d.spec.template));
}

/** Every set but the new one. */
export function findOldReplicaSets(d: Deployment, sets: ReplicaSet[]): ReplicaSet[] {
  const n = findNewReplicaSet(d, sets);
  return sets.filter((rs) => rs.metadata.uid !== n?.metadata.uid);
}

// ---- revisions and annotations ----

export function revision(o: KObject): number {
  const v = (o.metadata as Meta).annotations?.[REVISION_ANNOTATION];
  if (v === undefined) return 0;
  const n = Number(v);
  return Number.isInteger(n) ? n : 0;
}

export const maxRevision = (sets: ReplicaSet[]): number => sets.reduce((m, rs) => Math.max(m, revision(rs)), 0);

const SKIP_COPY = new Set([LAST_APPLIED_ANNOTATION, REVISION_ANNOTATION, REVISION_HISTORY_ANNOTATION, DESIRED_REPLICAS_ANNOTATION, MAX_REPLICAS_ANNOTATION, DEPRECATED_ROLLBACK_TO]);

/** Annotations the deployment passes to its new ReplicaSet (e.g. kubernetes.io/change-cause). */
export const copiedAnnotation = (key: string): boolean => !SKIP_COPY.has(key);

/** Set desired-replicas and max-replicas; true when they changed. */
export function setReplicasAnnotations(rs: ReplicaSet, desired: number, max: number): boolean {
  const a = (rs.metadata.annotations ??= {});
  let changed = false;
  if (a[DESIRED_REPLICAS_ANNOTATION] !== String(desired)) { a[DESIRED_REPLICAS_ANNOTATION] = String(desired); changed = true; }
  if (a[MAX_REPLICAS_ANNOTATION] !== String(max)) { a[MAX_REPLICAS_ANNOTATION] = String(max); changed = true; }
  return changed;
}

export function replicasAnnotationsNeedUpdate(rs: ReplicaSet, desired: number, max: number): boolean {
  const a = rs.metadata.annotations;
  return a?.[DESIRED_REPLICAS_ANNOTATION] !== String(desired) || a?.[MAX_REPLICAS_ANNOTATION] !== String(max);
}

/**
 * Bring the new ReplicaSet's annotations up to date: the deployment's copyable annotations,
 * its revision raised to newRevision (keeping the revision it had in revision-history, as when
 * rolling back to it), and for a set about to be created the replicas annotations. True when
 * anything changed.
 */
export function setNewReplicaSetAnnotations(d: Deployment, rs: ReplicaSet, newRevision: number, exists: boolean, historyLimitChars = MAX_REV_HISTORY_CHARS): boolean {
  const a = (rs.metadata.annotations ??= {});
  let changed = false;
  for (const [k, v] of Object.entries(d.metadata.annotations ?? {})) {
    if (!copiedAnnotation(k) || a[k] === v) continue;
    a[k] = v;
    changed = true;
  }
  const old = a[REVISION_ANNOTATION];
  let oldRevision = 0;
  if (old !== undefined && old !== '') {
    oldRevision = Number(old);
    if (!Number.isInteger(oldRevision)) return false;
  }
  if (oldRevision < newRevision) {
    a[REVISION_ANNOTATION] = String(newRevision);
    changed = true;
    if (old !== undefined) {
      const history = a[REVISION_HISTORY_ANNOTATION];
      if (!history) {
        a[REVISION_HISTORY_ANNOTATION] = old;
      } else {
        const parts = history.split(',');
        let total = history.length + old.length + 1;
        let start = 0;
        while (total > historyLimitChars && start < parts.length) total -= parts[start++].length + 1;
        if (total <= historyLimitChars) a[REVISION_HISTORY_ANNOTATION] = [...parts.slice(start), old].join(',');
      }
    }
  }
  if (!exists && setReplicasAnnotations(rs, replicasOf(d), replicasOf(d) + maxSurge(d))) changed = true;
  return changed;
}

/** Record the new set's revision on the deployment; true when it changed. */
export function setDeploymentRevision(d: Deployment, rev: string): boolean {
  const a = (d.metadata.annotations ??= {});
  if (a[REVISION_ANNOTATION] === rev) return false;
  a[REVISION_ANNOTATION] = rev;
  return true;
}

// ---- scaling ----

/** The only set with replicas, or the newest when none has any; undefined when several do. */
export function findActiveOrLatest(newRS: ReplicaSet | undefined, oldRSs: ReplicaSet[]): ReplicaSet | undefined {
  if (!newRS && oldRSs.length === 0) return undefined;
  const olds = [...oldRSs].sort((a, b) => byCreation(b, a));
  const active = activeReplicaSets([...olds, newRS]);
  if (active.length === 0) return newRS ?? olds[0];
  return active.length === 1 ? active[0] : undefined;
}

const intAnnotation = (rs: ReplicaSet, key: string): number | undefined => {
  const v = rs.metadata.annotations?.[key];
  if (v === undefined) return undefined;
  const n = Number(v);
  return Number.isInteger(n) ? n : undefined;
};

export const desiredReplicasAnnotation = (rs: ReplicaSet): number | undefined => intAnnotation(rs, DESIRED_REPLICAS_ANNOTATION);

/** Round half away from zero (Go's math.Round, as integer.RoundToInt32). */
const roundHalfAway = (x: number): number => Math.sign(x) * Math.round(Math.abs(x));

/** How many replicas this set gains (or loses) when the deployment resizes to d.spec.replicas + maxSurge. */
function replicaSetFraction(rs: ReplicaSet, d: Deployment): number {
  if (replicasOf(d) === 0) return -rsReplicas(rs);
  const deploymentReplicas = replicasOf(d) + maxSurge(d);
  const annotated = intAnnotation(rs, MAX_REPLICAS_ANNOTATION) ?? d.status?.replicas ?? 0;
  const newSize = (rsReplicas(rs) * deploymentReplicas) / annotated;
  return roundHalfAway(newSize) - rsReplicas(rs);
}

/** This set's share of a resize, bounded by what is left to add or remove (upstream GetProportion). */
export function getProportion(rs: ReplicaSet | undefined, d: Deployment, toAdd: number, added: number): number {
  if (!rs || rsReplicas(rs) === 0 || toAdd === 0 || toAdd === added) return 0;
  const fraction = replicaSetFraction(rs, d);
  const allowed = toAdd - added;
  return toAdd > 0 ? Math.min(fraction, allowed) : Math.max(fraction, allowed);
}

/**
 * The new sizes of a rolling deployment's active sets when it is resized mid-rollout: each
 * set grows or shrinks in proportion to its share, the leftover goes to the largest (upstream
 * DeploymentController.scale, the proportional part). Returns the sets in the order they are
 * written and their new sizes.
 */
export function proportionalSizes(d: Deployment, active: ReplicaSet[]): { sets: ReplicaSet[]; sizes: Map<string, number>; operation: string } {
  const allowedSize = replicasOf(d) > 0 ? replicasOf(d) + maxSurge(d) : 0;
  const toAdd = allowedSize - sumReplicas(active);
  let operation = '';
  const sets = [...active];
  if (toAdd > 0) { sets.sort(bySizeNewer); operation = 'up'; }
  else if (toAdd < 0) { sets.sort(bySizeOlder); operation = 'down'; }
  const sizes = new Map<string, number>();
  let added = 0;
  for (const rs of sets) {
    if (toAdd !== 0) {
      const p = getProportion(rs, d, toAdd, added);
      sizes.set(rs.metadata.name, rsReplicas(rs) + p);
      added += p;
    } else {
      sizes.set(rs.metadata.name, rsReplicas(rs));
    }
  }
  if (sets.length > 0 && toAdd !== 0) {
    const first = sets[0].metadata.name;
    sizes.set(first, Math.max(0, (sizes.get(first) ?? 0) + toAdd - added));
  }
  return { sets, sizes, operation };
}

/**
 * Pods the sets may be running: a set scaled down still runs the pods its controller has not
 * deleted yet (status.replicas), so counting them keeps a rollout within replicas + maxSurge
 * pods at every moment, not only in the sets' specs.
 */
export const sumPodsRunning = (sets: (ReplicaSet | undefined)[]): number =>
  sets.reduce((n, rs) => n + (rs ? Math.max(rsReplicas(rs), rs.status?.replicas ?? 0) : 0), 0);

/**
 * Available pods the sets will keep: a set scaled down below its available count is about to
 * lose the difference, so it counts no more than its spec.
 */
export const sumAvailableKept = (sets: (ReplicaSet | undefined)[]): number =>
  sets.reduce((n, rs) => n + (rs ? Math.min(rsReplicas(rs), rs.status?.availableReplicas ?? 0) : 0), 0);

/** The new set's next size in a rollout (upstream NewRSNewReplicas). */
export function newRSNewReplicas(d: Deployment, allRSs: ReplicaSet[], newRS: ReplicaSet): number {
  if (!isRollingUpdate(d)) return replicasOf(d);
  const surge = scaledValue(d.spec.strategy?.rollingUpdate?.maxSurge ?? 0, replicasOf(d), true);
  const current = sumPodsRunning(allRSs);
  const maxTotal = replicasOf(d) + surge;
  if (current >= maxTotal) return rsReplicas(newRS);
  const up = Math.min(maxTotal - current, replicasOf(d) - rsReplicas(newRS));
  return rsReplicas(newRS) + up;
}

/** The new set holds all desired replicas, believes it should, and all are available. */
export function isSaturated(d: Deployment, rs: ReplicaSet | undefined): boolean {
  if (!rs) return false;
  const desired = desiredReplicasAnnotation(rs);
  if (desired === undefined) return false;
  return rsReplicas(rs) === replicasOf(d) && desired === replicasOf(d) && (rs.status?.availableReplicas ?? 0) === replicasOf(d);
}

// ---- conditions ----

export const getCondition = (s: DeploymentStatus | undefined, type: string): Condition | undefined => s?.conditions?.find((c) => c.type === type);

export function newCondition(type: string, status: Condition['status'], reason: string, message: string, now: number): Condition {
  const t = timestamp(now);
  return { type, status, lastUpdateTime: t, lastTransitionTime: t, reason, message };
}

/** Set a condition unless one of the same status and reason is there; keep the transition time when the status holds. */
export function setCondition(s: DeploymentStatus, c: Condition): void {
  const cur = getCondition(s, c.type);
  if (cur && cur.status === c.status && cur.reason === c.reason) return;
  const next = cur && cur.status === c.status ? { ...c, lastTransitionTime: cur.lastTransitionTime } : c;
  s.conditions = [...(s.conditions ?? []).filter((x) => x.type !== c.type), next];
}

export function removeCondition(s: DeploymentStatus, type: string): void {
  if (!s.conditions) return;
  s.conditions = s.conditions.filter((c) => c.type !== type);
}

/** All desired replicas updated and available, no old ones left, and this generation observed. */
export function deploymentComplete(d: Deployment, s: DeploymentStatus): boolean {
  const r = replicasOf(d);
  return (s.updatedReplicas ?? 0) === r && (s.replicas ?? 0) === r && (s.availableReplicas ?? 0) === r
    && (s.observedGeneration ?? 0) >= (d.metadata.generation ?? 0);
}

/** New pods updated, ready or available, or old ones gone, since the last status. */
export function deploymentProgressing(d: Deployment, s: DeploymentStatus): boolean {
  const o = d.status ?? {};
  const oldOld = (o.replicas ?? 0) - (o.updatedReplicas ?? 0);
  const newOld = (s.replicas ?? 0) - (s.updatedReplicas ?? 0);
  return (s.updatedReplicas ?? 0) > (o.updatedReplicas ?? 0) || newOld < oldOld
    || (s.readyReplicas ?? 0) > (o.readyReplicas ?? 0) || (s.availableReplicas ?? 0) > (o.availableReplicas ?? 0);
}

/** No progress reported for progressDeadlineSeconds (or already reported as timed out). */
export function deploymentTimedOut(d: Deployment, s: DeploymentStatus, now: number): boolean {
  if (!hasProgressDeadline(d)) return false;
  const c = getCondition(s, 'Progressing');
  if (!c) return false;
  if (c.reason === REASON.newRSAvailable) return false;
  if (c.reason === REASON.timedOut) return true;
  const from = Date.parse(c.lastUpdateTime ?? '');
  if (Number.isNaN(from)) return false;
  return from + (d.spec.progressDeadlineSeconds as number) * 1000 < now;
}

/** The status a deployment's sets add up to, with the Available condition (upstream calculateStatus). */
export function calculateStatus(allRSs: (ReplicaSet | undefined)[], newRS: ReplicaSet | undefined, d: Deployment, now: number): DeploymentStatus {
  const available = sumAvailableReplicas(allRSs);
  const total = sumReplicas(allRSs);
  const status: DeploymentStatus = {
    observedGeneration: d.metadata.generation,
    replicas: sumActualReplicas(allRSs),
    updatedReplicas: sumActualReplicas([newRS]),
    readyReplicas: sumReadyReplicas(allRSs),
    availableReplicas: available,
    unavailableReplicas: Math.max(0, total - available),
    collisionCount: d.status?.collisionCount,
    conditions: [...(d.status?.conditions ?? [])],
  };
  if (available >= replicasOf(d) - maxUnavailable(d)) {
    setCondition(status, newCondition('Available', 'True', REASON.minimumReplicasAvailable, 'Deployment has minimum availability.', now));
  } else {
    setCondition(status, newCondition('Available', 'False', REASON.minimumReplicasUnavailable, 'Deployment does not have minimum availability.', now));
  }
  return status;
}

/** A status as it travels (zero counts and empty lists omitted), for comparing with the stored one. */
export function wireStatus(s: DeploymentStatus | undefined): DeploymentStatus {
  const out: DeploymentStatus = {};
  if (!s) return out;
  if (s.observedGeneration) out.observedGeneration = s.observedGeneration;
  for (const k of ['replicas', 'updatedReplicas', 'readyReplicas', 'availableReplicas', 'unavailableReplicas'] as const) if (s[k]) out[k] = s[k];
  if (s.conditions?.length) out.conditions = s.conditions;
  if (s.collisionCount !== undefined) out.collisionCount = s.collisionCount;
  return out;
}

export function statusEqual(a: DeploymentStatus | undefined, b: DeploymentStatus | undefined): boolean {
  return JSON.stringify(normalize(wireStatus(a))) === JSON.stringify(normalize(wireStatus(b)));
}
