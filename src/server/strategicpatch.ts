// Strategic merge patch (application/strategic-merge-patch+json), the server half of upstream's
// apimachinery pkg/util/strategicpatch (StrategicMergeMapPatch with MergeParallelList and
// IgnoreUnmatchedNulls), driven by our schema model: merge keys and patch strategies come from the
// x-kubernetes-patch-* data of api/openapi (api/patchmeta.ts).
//
// Supported: merge keys, `$patch: replace|delete` (maps and list elements), `$setElementOrder/<list>`,
// `$retainKeys`, `$deleteFromPrimitiveList/<list>`, merging primitive lists with patchStrategy merge
// (finalizers), null = delete, the retainKeys strategy. Errors are the upstream texts and codes.
//
// Neither `original` nor `patch` is modified: changed maps and lists are copied on the way down.

import { StatusError, badRequest } from './errors.ts';
import { type Node, type StructNode, kindNode } from '../../api/openapi/model.ts';

export interface GroupVersionKind { group: string; version: string; kind: string }

type JsonMap = { [k: string]: unknown };

const DIRECTIVE = '$patch';
const DELETE = 'delete';
const REPLACE = 'replace';
const MERGE = 'merge';
const RETAIN_KEYS = 'retainKeys';
const RETAIN_KEYS_DIRECTIVE = '$retainKeys';
const DELETE_FROM_PRIMITIVE_LIST = '$deleteFromPrimitiveList';
const SET_ELEMENT_ORDER = '$setElementOrder';

const isMap = (v: unknown): v is JsonMap => typeof v === 'object' && v !== null && !Array.isArray(v);
const has = (m: JsonMap, k: string): boolean => Object.prototype.hasOwnProperty.call(m, k);
/** Assignment that stays a plain data property even for a key named __proto__. */
function setKey(m: JsonMap, k: string, v: unknown): void {
  if (k === '__proto__') Object.defineProperty(m, k, { value: v, enumerable: true, writable: true, configurable: true });
  else m[k] = v;
}

// ---------------------------------------------------------------------------------------------
// Errors: upstream's messages; the codes are what the apiserver's patch handler turns them into.

/** 400: the error values interpretStrategicMergePatchError maps to BadRequest. */
const ERR_BAD_PRIMITIVE_LIST = 'invalid patch format of primitive list';
const ERR_BAD_RETAIN_KEYS = 'invalid patch format of retainKeys';
const ERR_BAD_SET_ELEMENT_ORDER = 'invalid patch format of setElementOrder list';
/** 422 (NewGenericServerResponse): the message is generic, the text goes in details.causes. */
const ERR_NO_LIST_OF_LISTS = 'lists of lists are not supported';

const bad = (msg: string) => badRequest(msg);
const unprocessable = (msg: string) => new StatusError(422, 'Invalid', 'the server rejected our request due to an error in our request', {
  causes: [{ reason: '', message: msg }],
});
/**
 * Errors upstream leaves unclassified (it answers them with a 500 carrying the bare message):
 * they are the client's patch not fitting the type, so Skiff answers 422 with the same text.
 */
const plain = (msg: string) => new StatusError(422, 'Invalid', msg);

const errNoMergeKey = (m: JsonMap, key: string) => plain(`map: ${goFormat(m)} does not contain declared merge key: ${key}`);
const errBadArgType = (expected: string, actual: unknown) => plain(`expected a ${expected}, but received a ${goTypeName(actual)}`);
const errBadPatchType = (t: unknown, m: JsonMap) => plain(`unknown patch type: ${goFormat(t)} in map: ${goFormat(m)}`);

const GO_MAP = 'map[string]interface {}';
const GO_SLICE = '[]interface {}';

/** reflect.TypeOf(v).String() of a value decoded by Kubernetes' JSON decoder. */
function goTypeName(v: unknown): string {
  if (v === null || v === undefined) return '<nil>';
  if (Array.isArray(v)) return GO_SLICE;
  switch (typeof v) {
    case 'object': return GO_MAP;
    case 'string': return 'string';
    case 'boolean': return 'bool';
    case 'number': return Number.isInteger(v) ? 'int64' : 'float64';
    default: return typeof v;
  }
}

/** Go's fmt `%v` of a JSON value (maps with sorted keys), as used in upstream error messages. */
export function goFormat(v: unknown): string {
  if (v === null || v === undefined) return '<nil>';
  if (Array.isArray(v)) return `[${v.map(goFormat).join(' ')}]`;
  switch (typeof v) {
    case 'object': {
      const m = v as JsonMap;
      return `map[${Object.keys(m).sort().map((k) => `${k}:${goFormat(m[k])}`).join(' ')}]`;
    }
    case 'number': return goNumber(v);
    case 'string': return v;
    default: return String(v);
  }
}

/** int64 values print in full; float64 as strconv 'g' with the shortest precision (exponent from 1e21 / 1e-4). */
function goNumber(n: number): string {
  if (Number.isInteger(n) && Math.abs(n) < 1e21) return String(n);
  if (!Number.isFinite(n)) return n > 0 ? '+Inf' : n < 0 ? '-Inf' : 'NaN';
  const exp = Math.floor(Math.log10(Math.abs(n)));
  if (exp < -4 || exp >= 21) {
    const [mant, e] = n.toExponential().split('e');
    const sign = e.startsWith('-') ? '-' : '+';
    const digits = e.replace(/^[+-]/, '');
    return `${mant}e${sign}${digits.padStart(2, '0')}`;
  }
  return String(n);
}

// ---------------------------------------------------------------------------------------------
// Schema lookup (LookupPatchMeta over our model)

interface PatchMeta { strategies: readonly string[]; mergeKey: string }
const NO_META: PatchMeta = { strategies: [], mergeKey: '' };

/** A position in the schema: a model node, or `null` for opaque JSON merged without metadata. */
type Schema = Node | null;

function structName(s: StructNode): string {
  return s.name.slice(s.name.lastIndexOf('.') + 1);
}

function goKind(s: Schema): string {
  if (s === null) return 'interface';
  switch (s.kind) {
    case 'struct': return 'struct';
    case 'list': return 'slice';
    case 'map': return 'map';
    default: return 'string';
  }
}

function lookupForStruct(schema: Schema, key: string): [Schema, PatchMeta] {
  if (schema === null || schema.kind === 'any') return [null, NO_META];
  if (schema.kind !== 'struct') throw plain(`merging an object in json but data type is not struct, instead is: ${goKind(schema)}`);
  const f = schema.fields.get(key);
  if (!f) throw plain(`unable to find api field in struct ${structName(schema)} for the json field ${JSON.stringify(key)}`);
  return [f.node.kind === 'any' ? null : f.node, f];
}

function lookupForSlice(schema: Schema, key: string): [Schema, PatchMeta] {
  const [sub, meta] = lookupForStruct(schema, key);
  if (sub === null) return [null, meta];
  if (sub.kind !== 'list') throw plain(`expected slice or array type, but got: ${goKind(sub)}`);
  return [sub.items.kind === 'any' ? null : sub.items, meta];
}

/** extractRetainKeysPatchStrategy: the non-retainKeys strategy of a field. */
function otherStrategy(strategies: readonly string[]): string {
  switch (strategies.length) {
    case 0: return '';
    case 1: return strategies[0] === RETAIN_KEYS ? '' : strategies[0];
    case 2:
      if (strategies[0] === RETAIN_KEYS) return strategies[1];
      if (strategies[1] === RETAIN_KEYS) return strategies[0];
      throw plain(`unexpected patch strategy: [${strategies.join(' ')}]`);
    default:
      throw plain(`unexpected patch strategy: [${strategies.join(' ')}]`);
  }
}

// ---------------------------------------------------------------------------------------------
// Cleaning values taken from the patch as they are

const isDirectiveKey = (k: string) => k === DIRECTIVE || k === RETAIN_KEYS_DIRECTIVE
  || k.startsWith(`${SET_ELEMENT_ORDER}/`) || k.startsWith(`${DELETE_FROM_PRIMITIVE_LIST}/`);

/**
 * A patch value stored as is (the key is new, or its type changed): nulls discarded
 * (discardNullValuesFromPatch), maps carrying `$patch` dropped (removeDirectives), and any other
 * directive keys removed — upstream's typed decoding drops those; our store keeps plain JSON.
 * Returns undefined when the value itself is a directive map and must not be kept.
 */
function cleanValue(v: unknown): unknown {
  if (Array.isArray(v)) {
    const out: unknown[] = [];
    for (const x of v) {
      const c = cleanValue(x);
      if (c !== undefined) out.push(c);
    }
    return out;
  }
  if (isMap(v)) {
    if (has(v, DIRECTIVE)) return undefined;
    const out: JsonMap = {};
    for (const [k, x] of Object.entries(v)) {
      if (x === null || isDirectiveKey(k)) continue;
      const c = cleanValue(x);
      if (c !== undefined) setKey(out, k, c);
    }
    return out;
  }
  return v;
}

/** Directive keys removed, everything else (including elements and nulls) kept. */
function stripDirectives(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(stripDirectives);
  if (isMap(v)) {
    const out: JsonMap = {};
    for (const [k, x] of Object.entries(v)) if (!isDirectiveKey(k) && x !== null) setKey(out, k, stripDirectives(x));
    return out;
  }
  return v;
}

// ---------------------------------------------------------------------------------------------
// mergeMap

function handleDirectiveInMergeMap(directive: unknown, patch: JsonMap): JsonMap {
  if (directive === REPLACE) {
    const { [DIRECTIVE]: _d, ...rest } = patch;
    return stripDirectives(rest) as JsonMap;
  }
  if (directive === DELETE) return {};
  throw errBadPatchType(directive, patch);
}

function extractKey(s: string, prefix: string): string {
  const i = s.indexOf('/');
  if (i < 0 || s.slice(0, i) !== prefix) {
    if (prefix === DELETE_FROM_PRIMITIVE_LIST) throw bad(ERR_BAD_PRIMITIVE_LIST);
    throw bad(ERR_BAD_SET_ELEMENT_ORDER);
  }
  return s.slice(i + 1);
}

/** applyRetainKeysDirective: clears keys of `original` not listed; every patched key must be listed. */
function applyRetainKeys(original: JsonMap, patch: JsonMap): void {
  if (!has(patch, RETAIN_KEYS_DIRECTIVE)) return;
  const list = patch[RETAIN_KEYS_DIRECTIVE];
  delete patch[RETAIN_KEYS_DIRECTIVE];
  if (!Array.isArray(list)) throw bad(ERR_BAD_RETAIN_KEYS);
  const keep = new Set<unknown>(list);
  for (const [k, v] of Object.entries(patch)) {
    if (v === null || k.startsWith(DELETE_FROM_PRIMITIVE_LIST) || k.startsWith(SET_ELEMENT_ORDER)) continue;
    if (!keep.has(k)) throw bad(ERR_BAD_RETAIN_KEYS);
  }
  for (const k of Object.keys(original)) if (!keep.has(k)) delete original[k];
}

function mergeMap(original: JsonMap | undefined, patchIn: JsonMap, schema: Schema): JsonMap {
  if (has(patchIn, DIRECTIVE)) return handleDirectiveInMergeMap(patchIn[DIRECTIVE], patchIn);
  // Work on shallow copies: the caller's maps stay untouched.
  const out: JsonMap = original ? { ...original } : {};
  const patch: JsonMap = { ...patchIn };

  applyRetainKeys(out, patch);
  mergeSetElementOrder(out, patch, schema);

  for (const [rawKey, patchV] of Object.entries(patch)) {
    let k = rawKey;
    let isDeleteList = false;
    if (rawKey.startsWith(DELETE_FROM_PRIMITIVE_LIST)) {
      k = extractKey(rawKey, DELETE_FROM_PRIMITIVE_LIST);
      isDeleteList = true;
    }

    if (patchV === null) {
      delete out[k];
      continue; // IgnoreUnmatchedNulls
    }

    if (!has(out, k)) {
      if (!isDeleteList) {
        const v = cleanValue(patchV);
        if (v !== undefined) setKey(out, k, v);
      }
      continue;
    }

    const cur = out[k];
    if (sameGoKind(cur, patchV) === false) {
      if (!isDeleteList) {
        const v = cleanValue(patchV);
        if (v === undefined) delete out[k];
        else setKey(out, k, v);
      }
      continue;
    }

    if (isMap(cur) && isMap(patchV)) {
      const [sub, meta] = lookupForStruct(schema, k);
      const strategy = otherStrategy(meta.strategies);
      setKey(out, k, strategy === REPLACE ? stripDirectives(patchV) : mergeMap(cur, patchV, sub));
    } else if (Array.isArray(cur) && Array.isArray(patchV)) {
      const [sub, meta] = lookupForSlice(schema, k);
      const strategy = otherStrategy(meta.strategies);
      setKey(out, k, mergeSliceHandler(cur, patchV, sub, strategy, meta.mergeKey, isDeleteList));
    } else {
      const v = cleanValue(patchV);
      if (v === undefined) delete out[k];
      else setKey(out, k, v);
    }
  }
  return out;
}

/** Whether two JSON values have the same Go dynamic type (map, slice, string, int64, float64, bool). */
function sameGoKind(a: unknown, b: unknown): boolean {
  return goTypeName(a) === goTypeName(b);
}

function mergeSliceHandler(original: unknown[], patch: unknown[], schema: Schema, strategy: string, mergeKey: string, isDeleteList: boolean): unknown[] {
  // Delete lists are handled the same way whatever the field's strategy.
  if (strategy === MERGE || isDeleteList) return mergeSlice(original, patch, schema, mergeKey, isDeleteList);
  return stripDirectives(patch) as unknown[];
}

// ---------------------------------------------------------------------------------------------
// $setElementOrder

function mergeSetElementOrder(out: JsonMap, patch: JsonMap, schema: Schema): void {
  for (const key of Object.keys(patch)) {
    if (!key.startsWith(SET_ELEMENT_ORDER)) continue;
    const order = patch[key];
    delete patch[key];
    if (!Array.isArray(order)) throw errBadArgType(GO_SLICE, order);
    const originalKey = extractKey(key, SET_ELEMENT_ORDER);

    const foundOriginal = has(out, originalKey);
    const foundPatch = has(patch, originalKey);
    const originalList = out[originalKey];
    const patchList = patch[originalKey];
    let originalValue: unknown[] = [];
    let patchValue: unknown[] = [];
    if (foundOriginal) {
      if (!Array.isArray(originalList)) throw errBadArgType(GO_SLICE, originalList);
      originalValue = originalList;
    }
    if (foundPatch) {
      if (!Array.isArray(patchList)) throw errBadArgType(GO_SLICE, patchList);
      patchValue = patchList;
    }
    const [sub, meta] = lookupForSlice(schema, originalKey);
    const strategy = otherStrategy(meta.strategies);
    validatePatchWithSetOrderList(patchValue, order, meta.mergeKey);

    let merged: unknown[];
    if (foundOriginal && !foundPatch) merged = originalValue;
    else if (!foundOriginal && foundPatch) merged = cleanValue(patchValue) as unknown[];
    else if (foundOriginal && foundPatch) merged = mergeSliceHandler(originalValue, patchValue, sub, strategy, meta.mergeKey, false);
    else continue;

    const [patchItems, serverOnly] = meta.mergeKey === ''
      ? partitionPrimitives(merged, order)
      : partitionMaps(merged, order, meta.mergeKey);
    const kind = sliceElementKind(originalValue, patchValue);
    setKey(out, originalKey, normalizeElementOrder(patchItems, serverOnly, order, originalValue, meta.mergeKey, kind));
    delete patch[originalKey];
  }
}

function containsDirectiveMarker(item: unknown): boolean {
  return isMap(item) && has(item, DIRECTIVE);
}

function mergeKeyValueEqual(left: unknown, right: unknown, mergeKey: string): boolean {
  if (mergeKey === '') return left === right;
  if (!isMap(left)) throw errBadArgType(GO_MAP, left);
  if (!isMap(right)) throw errBadArgType(GO_MAP, right);
  if (!has(left, mergeKey)) throw errNoMergeKey(left, mergeKey);
  if (!has(right, mergeKey)) throw errNoMergeKey(right, mergeKey);
  return left[mergeKey] === right[mergeKey];
}

function validatePatchWithSetOrderList(patchList: unknown[], order: unknown[], mergeKey: string): void {
  if (order.length === 0 || patchList.length === 0) return;
  const nonDelete = mergeKey !== '' ? extractToDeleteItems(patchList)[0] : patchList;
  let p = 0;
  let o = 0;
  while (p < nonDelete.length && o < order.length) {
    if (containsDirectiveMarker(nonDelete[p])) { p++; continue; }
    if (mergeKeyValueEqual(nonDelete[p], order[o], mergeKey)) p++;
    o++;
  }
  if (p < nonDelete.length && o >= order.length) {
    throw plain(`The order in patch list:\n${goFormat(patchList)}\n doesn't match ${SET_ELEMENT_ORDER} list:\n${goFormat(order)}\n`);
  }
}

// ---------------------------------------------------------------------------------------------
// Lists

type ElemKind = 'map' | 'scalar';

/** sliceElementType: all elements of all slices have one Go type, which is not a slice. */
function sliceElementKind(...lists: unknown[][]): ElemKind {
  let prev: string | undefined;
  for (const l of lists) {
    for (const v of l) {
      const t = goTypeName(v);
      if (prev === undefined) {
        prev = t;
        if (t === GO_SLICE) throw unprocessable(ERR_NO_LIST_OF_LISTS);
      } else if (prev !== t) {
        throw plain(`list element types are not identical: ${goFormat(lists)}`);
      }
    }
  }
  if (prev === undefined) throw plain('no elements in any of the given slices');
  return prev === GO_MAP ? 'map' : 'scalar';
}

function mergeSlice(original: unknown[], patch: unknown[], schema: Schema, mergeKey: string, isDeleteList: boolean): unknown[] {
  if (original.length === 0 && patch.length === 0) return original;
  const kind = sliceElementKind(original, patch);
  let merged: unknown[];
  let base = original;
  let patchList = patch;
  if (kind !== 'map') {
    if (isDeleteList) return deleteFromSlice(original, patch);
    merged = deduplicateScalars([...original, ...patch]);
  } else {
    if (mergeKey === '') throw plain(`cannot merge lists without merge key for ${schema === null ? 'interface' : goKind(schema)}`);
    [base, patchList] = mergeSliceWithSpecialElements(original, patch, mergeKey);
    merged = mergeSliceWithoutSpecialElements(base, patchList, mergeKey, schema);
  }
  const [patchItems, serverOnly] = mergeKey === ''
    ? partitionPrimitives(merged, patchList)
    : partitionMaps(merged, patchList, mergeKey);
  return normalizeElementOrder(patchItems, serverOnly, patchList, base, mergeKey, kind);
}

function mergeSliceWithSpecialElements(original: unknown[], patch: unknown[], mergeKey: string): [unknown[], unknown[]] {
  const rest: unknown[] = [];
  let base = original;
  let replace = false;
  for (const v of patch) {
    const m = v as JsonMap;
    if (!has(m, DIRECTIVE)) { rest.push(v); continue; }
    const directive = m[DIRECTIVE];
    if (directive === DELETE) {
      if (!has(m, mergeKey)) throw errNoMergeKey(m, mergeKey);
      base = deleteMatchingEntries(base, mergeKey, m[mergeKey]);
    } else if (directive === REPLACE) {
      replace = true; // keep going to prune other $patch elements
    } else if (directive === MERGE) {
      throw plain('merging lists cannot yet be specified in the patch');
    } else {
      throw errBadPatchType(directive, m);
    }
  }
  if (replace) return [rest.map((x) => cleanValue(x)).filter((x) => x !== undefined), []];
  return [base, rest];
}

function deleteMatchingEntries(original: unknown[], mergeKey: string, value: unknown): unknown[] {
  return original.filter((x, i) => {
    if (!isMap(x)) throw plain(`value for key ${i} is not a map`);
    return !(has(x, mergeKey) && x[mergeKey] === value);
  });
}

function findByKey(list: unknown[], key: string, value: unknown): number {
  for (let i = 0; i < list.length; i++) {
    const x = list[i];
    if (!isMap(x)) throw plain(`value for key ${i} is not a map`);
    if (has(x, key) && x[key] === value) return i;
  }
  return -1;
}

function mergeSliceWithoutSpecialElements(original: unknown[], patch: unknown[], mergeKey: string, schema: Schema): unknown[] {
  const out = [...original];
  for (const v of patch) {
    const m = v as JsonMap;
    if (!has(m, mergeKey)) throw errNoMergeKey(m, mergeKey);
    const i = findByKey(out, mergeKey, m[mergeKey]);
    if (i >= 0) out[i] = mergeMap(out[i] as JsonMap, m, schema);
    else out.push(cleanValue(m));
  }
  return out;
}

function deleteFromSlice(current: unknown[], toDelete: unknown[]): unknown[] {
  const del = new Set(toDelete);
  return current.filter((v) => !del.has(v));
}

/** Upstream's in-place deduplication (swap with the last element), order effects included. */
function deduplicateScalars(s: unknown[]): unknown[] {
  let length = s.length - 1;
  for (let i = 0; i < length; i++) {
    for (let j = i + 1; j <= length; j++) {
      if (s[i] === s[j]) {
        s[j] = s[length];
        s.length = length;
        length--;
        j--;
      }
    }
  }
  return s;
}

function partitionPrimitives(list: unknown[], by: unknown[]): [unknown[], unknown[]] {
  const inPatch = new Set(by);
  const patch: unknown[] = [];
  const serverOnly: unknown[] = [];
  for (const v of list) (inPatch.has(v) ? patch : serverOnly).push(v);
  return [patch, serverOnly];
}

function partitionMaps(list: unknown[], by: unknown[], mergeKey: string): [unknown[], unknown[]] {
  const patch: unknown[] = [];
  const serverOnly: unknown[] = [];
  for (const v of list) {
    if (!isMap(v)) throw errBadArgType(GO_MAP, v);
    if (!has(v, mergeKey)) throw errNoMergeKey(v, mergeKey);
    (findByKey(by, mergeKey, v[mergeKey]) >= 0 ? patch : serverOnly).push(v);
  }
  return [patch, serverOnly];
}

function extractToDeleteItems(l: unknown[]): [unknown[], unknown[]] {
  const keep: unknown[] = [];
  const del: unknown[] = [];
  for (const v of l) {
    if (!isMap(v)) throw errBadArgType(GO_MAP, v);
    (v[DIRECTIVE] === DELETE ? del : keep).push(v);
  }
  return [keep, del];
}

function indexIn(l: unknown[], v: unknown, mergeKey: string, kind: ElemKind): number {
  const val = (x: unknown) => (kind === 'map' ? (isMap(x) ? x[mergeKey] : undefined) : x);
  const want = val(v);
  for (let i = 0; i < l.length; i++) if (val(l[i]) === want) return i;
  return -1;
}

function normalizeSliceOrder(toSortIn: unknown[], order: unknown[], mergeKey: string, kind: ElemKind): unknown[] {
  let toSort = toSortIn;
  let toDelete: unknown[] = [];
  if (kind === 'map') {
    for (const l of [toSort, order]) {
      for (const item of l) {
        if (!isMap(item)) throw errBadArgType(GO_MAP, item);
        if (!has(item, mergeKey)) throw errNoMergeKey(item, mergeKey);
      }
    }
    [toSort, toDelete] = extractToDeleteItems(toSort);
  }
  const sorted = [...toSort];
  goSliceStable(sorted, (a, b) => {
    const ia = indexIn(order, a, mergeKey, kind);
    if (ia >= 0) {
      const ib = indexIn(order, b, mergeKey, kind);
      if (ib >= 0) return ia < ib;
    }
    return true;
  });
  return [...sorted, ...toDelete];
}

function normalizeElementOrder(patch: unknown[], serverOnly: unknown[], patchOrder: unknown[], serverOrder: unknown[], mergeKey: string, kind: ElemKind): unknown[] {
  const p = normalizeSliceOrder(patch, patchOrder, mergeKey, kind);
  const s = normalizeSliceOrder(serverOnly, serverOrder, mergeKey, kind);
  return mergeSortedSlice(s, p, serverOrder, mergeKey, kind);
}

/** Interleave server-only items (left) into patch items (right), keeping both relative orders. */
function mergeSortedSlice(left: unknown[], right: unknown[], serverOrder: unknown[], mergeKey: string, kind: ElemKind): unknown[] {
  const less = (l: unknown, r: unknown): [boolean, boolean] => {
    const li = indexIn(serverOrder, l, mergeKey, kind);
    const ri = indexIn(serverOrder, r, mergeKey, kind);
    return li >= 0 && ri >= 0 ? [li < ri, true] : [false, false];
  };
  const out: unknown[] = [];
  let i = 0;
  let j = 0;
  const size = left.length + right.length;
  for (let k = 0; k < size; k++) {
    if (i >= left.length && j < right.length) out.push(right[j++]);
    else if (j >= right.length && i < left.length) out.push(left[i++]);
    else {
      const [isLess, foundBoth] = less(left[i], right[j]);
      if (foundBoth && isLess) out.push(left[i++]);
      else out.push(right[j++]);
    }
  }
  return out;
}

/** Go's sort.SliceStable (insertion sort in blocks of 20, then SymMerge), so that even a comparator
 * that is not a strict weak order gives upstream's result. */
function goSliceStable<T>(data: T[], less: (a: T, b: T) => boolean): void {
  const n = data.length;
  const lessAt = (i: number, j: number) => less(data[i], data[j]);
  const swap = (i: number, j: number) => { const t = data[i]; data[i] = data[j]; data[j] = t; };
  const insertionSort = (a: number, b: number) => {
    for (let i = a + 1; i < b; i++) for (let j = i; j > a && lessAt(j, j - 1); j--) swap(j, j - 1);
  };
  const swapRange = (a: number, b: number, cnt: number) => { for (let i = 0; i < cnt; i++) swap(a + i, b + i); };
  const rotate = (a: number, m: number, b: number) => {
    let i = m - a;
    let j = b - m;
    while (i !== j) {
      if (i > j) { swapRange(m - i, m, j); i -= j; } else { swapRange(m - i, m + j - i, i); j -= i; }
    }
    swapRange(m - i, m, i);
  };
  const symMerge = (a: number, m: number, b: number): void => {
    if (m - a === 1) {
      let i = m;
      let j = b;
      while (i < j) {
        const h = (i + j) >>> 1;
        if (lessAt(h, a)) i = h + 1; else j = h;
      }
      for (let k = a; k < i - 1; k++) swap(k, k + 1);
      return;
    }
    if (b - m === 1) {
      let i = a;
      let j = m;
      while (i < j) {
        const h = (i + j) >>> 1;
        if (!lessAt(m, h)) i = h + 1; else j = h;
      }
      for (let k = m; k > i; k--) swap(k, k - 1);
      return;
    }
    const mid = (a + b) >>> 1;
    const nn = mid + m;
    let start: number;
    let r: number;
    if (m > mid) { start = nn - b; r = mid; } else { start = a; r = m; }
    const p = nn - 1;
    while (start < r) {
      const c = (start + r) >>> 1;
      if (!lessAt(p - c, c)) start = c + 1; else r = c;
    }
    const end = nn - start;
    if (start < m && m < end) rotate(start, m, end);
    if (a < start && start < mid) symMerge(a, start, mid);
    if (mid < end && end < b) symMerge(mid, end, b);
  };
  let blockSize = 20;
  let a = 0;
  let b = blockSize;
  while (b <= n) { insertionSort(a, b); a = b; b += blockSize; }
  insertionSort(a, n);
  while (blockSize < n) {
    a = 0;
    b = 2 * blockSize;
    while (b <= n) { symMerge(a, a + blockSize, b); a = b; b += 2 * blockSize; }
    const m = a + blockSize;
    if (m < n) symMerge(a, m, n);
    blockSize *= 2;
  }
}

// ---------------------------------------------------------------------------------------------
// Entry point

/**
 * Apply a strategic merge patch to `original` (a stored object of kind `gvk`) and return the result.
 * Kinds missing from the schema model merge without patch metadata (maps merged, lists replaced).
 * Throws StatusError with upstream's texts: 400 for malformed directives, 422 for lists of lists,
 * 422 with upstream's bare message for the errors upstream leaves unclassified (a 500 there),
 * e.g. a missing merge key.
 */
export function strategicMergePatch(original: unknown, patch: unknown, gvk: GroupVersionKind): unknown {
  return strategicMergePatchWithSchema(original, patch, kindNode(gvk) ?? null);
}

/** The same against an explicit schema node (null: no metadata). Exported for tests. */
export function strategicMergePatchWithSchema(original: unknown, patch: unknown, schema: Node | null): unknown {
  if (patch === null) return original; // "null" decodes to a nil map: nothing to merge
  if (!isMap(patch)) {
    const what = Array.isArray(patch) ? 'array' : typeof patch === 'boolean' ? 'bool' : typeof patch;
    throw bad(`json: cannot unmarshal ${what} into Go value of type map[string]interface {}`);
  }
  return mergeMap(isMap(original) ? original : undefined, patch, schema);
}
