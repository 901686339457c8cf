// Owner references between controllers and what they control (upstream ControllerRefManager):
// a controller claims the objects its selector matches — adopting orphans by patching its
// controller reference onto them, releasing the ones it owns that stopped matching — and
// never touches objects another controller owns.

import type { KObject } from '../../client/informer.ts';
import { isNotFound, resource, type RestClient } from '../../client/rest.ts';
import { matchLabels, type LabelSelector } from '../../registry/selection.ts';

import type { OwnerReference } from '../../registry/object.ts';

export type { OwnerReference };

type Meta = KObject['metadata'] & { ownerReferences?: OwnerReference[]; deletionTimestamp?: string };

export const ownerReferences = (o: KObject): OwnerReference[] => (o.metadata as Meta).ownerReferences ?? [];

/** The owner reference marked controller: true, if any. */
export function controllerOf(o: KObject): OwnerReference | undefined {
  return ownerReferences(o).find((r) => r.controller === true);
}

export const isBeingDeleted = (o: KObject): boolean => !!(o.metadata as Meta).deletionTimestamp;

/** The controller reference an owner puts on what it creates. */
export function newControllerRef(owner: KObject, apiVersion: string, kind: string): OwnerReference {
  return { apiVersion, kind, name: owner.metadata.name, uid: owner.metadata.uid as string, controller: true, blockOwnerDeletion: true };
}

export interface ClaimOptions<T extends KObject> {
  client: RestClient;
  /** The resource the claimed objects are ('pods', 'apps/replicasets'). */
  resourceName: string;
  owner: KObject;
  ownerApiVersion: string;
  ownerKind: string;
  selector: LabelSelector;
  candidates: T[];
  /**
   * Whether the owner may adopt now: upstream re-reads the owner from the API server (not the
   * cache) and refuses when it is being deleted or was replaced by another of the same name.
   */
  canAdopt: () => Promise<boolean>;
}

/** The candidates this owner controls after adopting matching orphans and releasing non-matching ones. */
export async function claimObjects<T extends KObject>(o: ClaimOptions<T>): Promise<T[]> {
  const uid = o.owner.metadata.uid as string;
  const claimed: T[] = [];
  let adoptable: boolean | undefined;
  for (const obj of o.candidates) {
    const ref = controllerOf(obj);
    const matches = matchLabels(o.selector, obj.metadata.labels);
    if (ref) {
      if (ref.uid !== uid) continue; // someone else's
      if (matches) { claimed.push(obj); continue; }
      // Ours but no longer selected: release it, unless we are going away anyway.
      if (isBeingDeleted(o.owner)) continue;
      try {
        await o.client.patch(resource(o.resourceName), obj.metadata.namespace, obj.metadata.name, 'strategic', {
          metadata: { ownerReferences: [{ $patch: 'delete', uid }], uid: obj.metadata.uid },
        });
      } catch (e) {
        if (!isNotFound(e) && !isInvalidUid(e)) throw e;
      }
      continue;
    }
    // An orphan: adopt it if it matches and neither it nor we are being deleted.
    if (!matches || isBeingDeleted(o.owner) || isBeingDeleted(obj)) continue;
    adoptable ??= await o.canAdopt();
    if (!adoptable) continue;
    try {
      const adopted = await o.client.patch<T>(resource(o.resourceName), obj.metadata.namespace, obj.metadata.name, 'strategic', {
        metadata: { ownerReferences: [newControllerRef(o.owner, o.ownerApiVersion, o.ownerKind)], uid: obj.metadata.uid },
      });
      claimed.push(adopted);
    } catch (e) {
      if (!isNotFound(e) && !isInvalidUid(e)) throw e;
    }
  }
  return claimed;
}

/**
 * Whether an owner may adopt now (upstream's RecheckDeletionTimestamp): read it again from the
 * API server, not the cache, and refuse when it is gone, was replaced by another object of
 * the same name, or is being deleted.
 */
export async function ownerCanAdopt(client: RestClient, resourceName: string, owner: KObject): Promise<boolean> {
  try {
    const fresh = await client.get<KObject>(resource(resourceName), owner.metadata.namespace, owner.metadata.name);
    return fresh.metadata.uid === owner.metadata.uid && !isBeingDeleted(fresh);
  } catch (e) {
    if (isNotFound(e)) return false;
    throw e;
  }
}

/** A patch whose metadata.uid precondition no longer holds (the object was replaced). */
const isInvalidUid = (e: unknown): boolean => (e as { code?: number }).code === 422 || (e as { code?: number }).code === 409;
