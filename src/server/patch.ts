// Patch application: JSON patch (RFC 6902), JSON merge patch (RFC 7386) and strategic merge
// patch (schema-driven, in strategicpatch.ts).

import { createRequire } from 'node:module';
import type { Operation } from 'fast-json-patch';
import { StatusError, badRequest } from './errors.ts';
import { isObject } from '../registry/object.ts';
import type { BodyKind } from './body.ts';
import { type GroupVersionKind, strategicMergePatch } from './strategicpatch.ts';

// fast-json-patch, loaded on the first JSON patch (as js-yaml is): most servers see few, and
// loading it cost `skiff up` ~5 ms before it was ready.
type FastJsonPatch = typeof import('fast-json-patch');
let fastJsonPatch: FastJsonPatch | undefined;
const jsonPatchLib = (): FastJsonPatch => (fastJsonPatch ??= createRequire(import.meta.url)('fast-json-patch') as FastJsonPatch);

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
  const { applyPatch, validate } = jsonPatchLib();
  const err = validate(ops as Operation[]);
  if (err) throw badRequest(`the server rejected our request due to an error in our request: ${err.message.split('\n')[0]}`);
  try {
    return applyPatch(target, ops as Operation[], false, false).newDocument;
  } catch (e) {
    throw new StatusError(422, 'Invalid', `the server rejected our request due to an error in our request: ${(e as Error).message.split('\n')[0]}`);
  }
}

export function applyPatchOfKind(kind: BodyKind, target: unknown, patch: unknown, gvk: GroupVersionKind): unknown {
  switch (kind) {
    case 'json-patch': return jsonPatch(target, patch);
    case 'merge-patch':
      if (!isObject(patch)) throw badRequest('the body of a merge patch must be a JSON object');
      return mergePatch(target, patch);
    case 'strategic-merge-patch':
      if (!isObject(patch)) throw badRequest('the body of a strategic merge patch must be a JSON object');
      return strategicMergePatch(target, patch, gvk);
    default:
      throw badRequest(`unsupported patch type ${kind}`);
  }
}
