// ControllerRevision history (upstream pkg/controller/history), shared by the StatefulSet and
// DaemonSet controllers: a revision is an immutable snapshot of an owner's pod template, stored
// as the strategic merge patch that restores it ({"spec":{"template":{...,"$patch":"replace"}}}),
// named <owner>-<hash> where the hash covers the patch and the owner's collision count, so a
// name taken by a different snapshot is retried under the next count. kubectl's `rollout undo`
// and `rollout history` read these objects and apply their data client-side.

import type { KObject } from '../client/informer.ts';
import { isAlreadyExists, isConflict, isNotFound, resource, type RestClient } from '../client/rest.ts';
import { matchLabels, type LabelSelector } from '../registry/selection.ts';
import { controllerOf, newControllerRef, type OwnerReference } from './framework/controllerref.ts';

/** Label on each revision holding its hash (upstream ControllerRevisionHashLabel). */
export const CONTROLLER_REVISION_HASH_LABEL = 'controller.kubernetes.io/hash';

export const controllerRevisions = resource('apps/controllerrevisions');

export interface ControllerRevision extends KObject {
  metadata: KObject['metadata'] & {
    annotations?: Record<string, string>;
    ownerReferences?: OwnerReference[];
    creationTimestamp?: string;
    deletionTimestamp?: string;
  };
  data?: unknown;
  revision: number;
}

/** An object with a pod template, as the revisions snapshot it. */
export interface TemplateOwner extends KObject {
  metadata: KObject['metadata'] & { annotations?: Record<string, string> };
  spec: { template?: { metadata?: { labels?: Record<string, string> }; [k: string]: unknown }; [k: string]: unknown };
}

/** JSON with every object's keys sorted, as Go marshals a map (and with its HTML escapes). */
export function canonicalJson(v: unknown): string {
  return JSON.stringify(sortKeys(v)).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v === null || typeof v !== 'object') return v;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v).sort()) {
    const x = (v as Record<string, unknown>)[k];
    if (x !== undefined) out[k] = sortKeys(x);
  }
  return out;
}

/** The patch that restores owner's pod template (upstream getPatch of the StatefulSet and DaemonSet controllers). */
export function templatePatch(owner: TemplateOwner): string {
  return canonicalJson({ spec: { template: { ...(owner.spec.template ?? {}), $patch: 'replace' } } });
}

/** The pod template a revision restores (upstream ApplyRevision, for the one field revisions hold). */
export function templateOf(rev: ControllerRevision): Record<string, unknown> | undefined {
  const data = (typeof rev.data === 'string' ? JSON.parse(rev.data) : rev.data) as { spec?: { template?: Record<string, unknown> } } | undefined;
  const t = data?.spec?.template;
  if (!t) return undefined;
  const { $patch: _ignored, ...template } = t;
  return template;
}

/** FNV-1 (32 bit), the hash upstream uses for revisions and pod-template hashes. */
export function fnv32(text: string): number {
  let h = 0x811c9dc5;
  for (const b of Buffer.from(text, 'utf8')) {
    h = Math.imul(h, 0x01000193) >>> 0;
    h = (h ^ b) >>> 0;
  }
  return h;
}

const ALPHANUMS = 'bcdfghjklmnpqrstvwxz2456789';

/** Upstream rand.SafeEncodeString: characters that cannot spell words (or look like each other). */
export function safeEncode(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) out += ALPHANUMS[s.charCodeAt(i) % ALPHANUMS.length];
  return out;
}

/** The hash of a revision's data and a collision count (upstream HashControllerRevision). */
export function hashRevision(data: string, collisionCount?: number): string {
  return safeEncode(String(fnv32(collisionCount === undefined ? data : data + String(collisionCount))));
}

/** <prefix>-<hash>, the prefix cut so the name stays a valid DNS subdomain. */
export function revisionName(prefix: string, hash: string): string {
  return `${prefix.length > 223 ? prefix.slice(0, 223) : prefix}-${hash}`;
}

/** The canonical text of a revision's data, for comparing snapshots whatever key order the server kept. */
export const revisionData = (rev: ControllerRevision): string => canonicalJson(typeof rev.data === 'string' ? JSON.parse(rev.data) : rev.data);

/** Same snapshot (upstream EqualRevision: the data, once the hash labels do not tell them apart). */
export function equalRevision(a: ControllerRevision, b: ControllerRevision): boolean {
  const ha = a.metadata.labels?.[CONTROLLER_REVISION_HASH_LABEL], hb = b.metadata.labels?.[CONTROLLER_REVISION_HASH_LABEL];
  if (ha && hb && /^\d+$/.test(ha) && /^\d+$/.test(hb) && ha !== hb) return false;
  return revisionData(a) === revisionData(b);
}

/** Revisions equal to needle, in the order given. */
export const findEqualRevisions = (revs: ControllerRevision[], needle: ControllerRevision): ControllerRevision[] => revs.filter((r) => equalRevision(r, needle));

/** By revision number, then age, then name (upstream SortControllerRevisions). */
export function sortRevisions(revs: ControllerRevision[]): ControllerRevision[] {
  return revs.sort((a, b) => {
    if (a.revision !== b.revision) return a.revision - b.revision;
    const ta = Date.parse(a.metadata.creationTimestamp ?? '') || 0, tb = Date.parse(b.metadata.creationTimestamp ?? '') || 0;
    if (ta !== tb) return ta - tb;
    return a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0;
  });
}

/** One more than the highest revision number of sorted revisions (1 for none). */
export const nextRevision = (sorted: ControllerRevision[]): number => (sorted.length ? sorted[sorted.length - 1].revision + 1 : 1);

/**
 * An unsaved revision of owner at number `revision` (upstream NewControllerRevision): the template's
 * labels plus the hash label, the owner's annotations, and a controller reference to the owner.
 */
export function newRevision(owner: TemplateOwner, apiVersion: string, kind: string, revision: number, collisionCount: number): ControllerRevision {
  const data = templatePatch(owner);
  const hash = hashRevision(data, collisionCount);
  const meta: ControllerRevision['metadata'] = {
    name: revisionName(owner.metadata.name, hash),
    namespace: owner.metadata.namespace,
    labels: { ...(owner.spec.template?.metadata?.labels ?? {}), [CONTROLLER_REVISION_HASH_LABEL]: hash },
    ownerReferences: [newControllerRef(owner, apiVersion, kind)],
  };
  if (owner.metadata.annotations && Object.keys(owner.metadata.annotations).length) meta.annotations = { ...owner.metadata.annotations };
  return { apiVersion: 'apps/v1', kind: 'ControllerRevision', metadata: meta, data: JSON.parse(data), revision };
}

/** Revisions the owner controls or could adopt: those its selector matches with no other controller. */
export function ownedRevisions(candidates: ControllerRevision[], owner: KObject, selector: LabelSelector): ControllerRevision[] {
  return candidates.filter((r) => {
    if (!matchLabels(selector, r.metadata.labels)) return false;
    const ref = controllerOf(r);
    return !ref || ref.uid === owner.metadata.uid;
  });
}

/**
 * Saves a revision (upstream CreateControllerRevision): on a name taken by a different snapshot
 * the collision count goes up and the name is recomputed; a name taken by the same snapshot of the
 * same owner is that revision. Returns the revision and the collision count it ended at.
 */
export async function createRevision(client: RestClient, owner: KObject, rev: ControllerRevision, collisionCount: number): Promise<{ revision: ControllerRevision; collisionCount: number }> {
  const data = canonicalJson(rev.data);
  for (let count = collisionCount; ; count++) {
    const hash = hashRevision(data, count);
    const body: ControllerRevision = { ...rev, metadata: { ...rev.metadata, name: revisionName(owner.metadata.name, hash) } };
    try {
      const created = await client.create<ControllerRevision>(controllerRevisions, owner.metadata.namespace, body);
      return { revision: created, collisionCount: count };
    } catch (e) {
      if (!isAlreadyExists(e)) throw e;
      const existing = await client.get<ControllerRevision>(controllerRevisions, owner.metadata.namespace, body.metadata.name);
      if (controllerOf(existing)?.uid === owner.metadata.uid && revisionData(existing) === data) return { revision: existing, collisionCount: count };
    }
  }
}

/** Moves a revision to a new number (a rollback to it), retrying on conflicts (upstream UpdateControllerRevision). */
export async function updateRevisionNumber(client: RestClient, rev: ControllerRevision, revision: number): Promise<ControllerRevision> {
  let cur = rev;
  for (let attempt = 0; ; attempt++) {
    if (cur.revision === revision) return cur;
    try {
      return await client.update<ControllerRevision>(controllerRevisions, cur.metadata.namespace, cur.metadata.name, { ...cur, revision });
    } catch (e) {
      if (!isConflict(e) || attempt >= 5) throw e;
      cur = await client.get<ControllerRevision>(controllerRevisions, cur.metadata.namespace, cur.metadata.name);
    }
  }
}

export async function deleteRevision(client: RestClient, rev: ControllerRevision): Promise<void> {
  try {
    await client.delete(controllerRevisions, rev.metadata.namespace, rev.metadata.name);
  } catch (e) {
    if (!isNotFound(e)) throw e;
  }
}

/** Adopts an orphaned revision by adding the owner's controller reference. */
export async function adoptRevision(client: RestClient, owner: KObject, apiVersion: string, kind: string, rev: ControllerRevision): Promise<ControllerRevision> {
  return client.patch<ControllerRevision>(controllerRevisions, rev.metadata.namespace, rev.metadata.name, 'strategic', {
    metadata: { ownerReferences: [newControllerRef(owner, apiVersion, kind)], uid: rev.metadata.uid },
  });
}
