// Patch application: JSON patch (RFC 6902), JSON merge patch (RFC 7386) and strategic merge patch.

import fastJsonPatch from 'fast-json-patch';
import { StatusError, badRequest } from './errors.ts';
import { isObject } from '../registry/object.ts';
import type { BodyKind } from './body.ts';

const { applyPatch, validate } = fastJsonPatch;

export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return patch;
  const out: Record<string, unknown> = isObject(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

function jsonPatch(target: unknown, ops: unknown): unknown {
  if (!Array.isArray(ops)) throw badRequest('json: cannot unmarshal object into Go value of type jsonpatch.Patch');
  const err = validate(ops as fastJsonPatch.Operation[]);
  if (err) throw badRequest(`the server rejected our request due to an error in our request: ${err.message.split('\n')[0]}`);
  try {
    return applyPatch(target, ops as fastJsonPatch.Operation[], false, false).newDocument;
  } catch (e) {
    throw new StatusError(422, 'Invalid', `the server rejected our request due to an error in our request: ${(e as Error).message.split('\n')[0]}`);
  }
}

// List fields whose elements merge by a key under strategic merge patch (patchMergeKey in upstream types).
const MERGE_KEYS: Record<string, string> = {
  containers: 'name', initContainers: 'name', ephemeralContainers: 'name', volumes: 'name', env: 'name',
  volumeMounts: 'mountPath', volumeDevices: 'devicePath', imagePullSecrets: 'name', conditions: 'type',
  hostAliases: 'ip', topologySpreadConstraints: 'topologyKey', resourceClaims: 'name', ownerReferences: 'uid',
};

function mergeKeyFor(field: string, list: unknown[]): string | undefined {
  if (field === 'ports') {
    const first = list.find(isObject);
    if (first && 'containerPort' in first) return 'containerPort';
    return 'port';
  }
  return MERGE_KEYS[field];
}

/** Strategic merge: like merge patch, but keyed lists merge element-wise and `$patch` directives apply. */
export function strategicMergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return patch;
  if (patch.$patch === 'replace') {
    const { $patch: _p, ...rest } = patch;
    return rest;
  }
  if (patch.$patch === 'delete') return undefined;
  const out: Record<string, unknown> = isObject(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (k.startsWith('$setElementOrder/') || k === '$retainKeys' || k === '$patch') continue;
    if (k.startsWith('$deleteFromPrimitiveList/')) {
      const field = k.slice('$deleteFromPrimitiveList/'.length);
      if (Array.isArray(out[field]) && Array.isArray(v)) out[field] = (out[field] as unknown[]).filter((x) => !v.includes(x));
      continue;
    }
    if (v === null) { delete out[k]; continue; }
    const cur = out[k];
    if (Array.isArray(v)) {
      const key = mergeKeyFor(k, [...v, ...(Array.isArray(cur) ? cur : [])]);
      if (key && Array.isArray(cur)) {
        out[k] = mergeKeyedList(cur, v, key);
        continue;
      }
      out[k] = v.filter((x) => !(isObject(x) && x.$patch === 'delete'));
      continue;
    }
    const merged = strategicMergePatch(cur, v);
    if (merged === undefined) delete out[k];
    else out[k] = merged;
  }
  return out;
}

function mergeKeyedList(cur: unknown[], patch: unknown[], key: string): unknown[] {
  const out = [...cur];
  for (const p of patch) {
    if (!isObject(p)) { out.push(p); continue; }
    const idx = out.findIndex((c) => isObject(c) && c[key] === p[key]);
    if (p.$patch === 'delete') {
      if (idx >= 0) out.splice(idx, 1);
      continue;
    }
    if (idx >= 0) out[idx] = strategicMergePatch(out[idx], p);
    else out.push(strategicMergePatch({}, p));
  }
  return out;
}

export function applyPatchOfKind(kind: BodyKind, target: unknown, patch: unknown): unknown {
  switch (kind) {
    case 'json-patch': return jsonPatch(target, patch);
    case 'merge-patch':
      if (!isObject(patch)) throw badRequest('the body of a merge patch must be a JSON object');
      return mergePatch(target, patch);
    case 'strategic-merge-patch':
      if (!isObject(patch)) throw badRequest('the body of a strategic merge patch must be a JSON object');
      return strategicMergePatch(target, patch);
    default:
      throw badRequest(`unsupported patch type ${kind}`);
  }
}
