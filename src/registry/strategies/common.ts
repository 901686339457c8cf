// Pieces every strategy reuses: status handling around the main resource and the status
// subresource, and small typed accessors on KubeObject.

import type { KubeObject } from '../object.ts';
import { clone, ensureObj, isObject, type JsonObject } from '../validation/json.ts';

export const specOf = (o: KubeObject): JsonObject => ensureObj(o, 'spec');
export const statusOf = (o: KubeObject): JsonObject | undefined => (isObject(o.status) ? o.status : undefined);

/** Create: a client may not set status; start from the given initial one (Go's zero struct is {}). */
export function resetStatus(o: KubeObject, initial: JsonObject = {}): void {
  o.status = initial;
}

/** Update of the main resource: status is owned by the status subresource. */
export function keepOldStatus(o: KubeObject, old: KubeObject): void {
  if (old.status === undefined) delete o.status;
  else o.status = clone(old.status);
}

/**
 * Status subresource: everything outside metadata and status comes from the stored object
 * (upstream's `new.Spec = old.Spec`); metadata stays the client's, as upstream, and is then
 * checked by validateObjectMetaUpdate.
 */
export function keepAllButStatus(o: KubeObject, old: KubeObject, share = false): void {
  for (const k of Object.keys(o)) {
    if (k !== 'metadata' && k !== 'status' && k !== 'apiVersion' && k !== 'kind') delete o[k];
  }
  for (const k of Object.keys(old)) {
    if (k !== 'metadata' && k !== 'status' && k !== 'apiVersion' && k !== 'kind') o[k] = share ? old[k] : clone(old[k]);
  }
}

/**
 * keepAllButStatus without copies: o shares spec (and the rest) with old. Only for kinds
 * whose status writes change nothing outside status and metadata afterwards (no defaulting
 * of the result, no hooks): old may be the watch cache's shared object.
 */
export function shareAllButStatus(o: KubeObject, old: KubeObject): void {
  keepAllButStatus(o, old, true);
}
