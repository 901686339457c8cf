// metadata.managedFields: who owns which fields. Update operations (create, update, patch)
// take ownership of what they changed; server-side apply owns exactly what it applied, may
// conflict with other owners, and removes fields it stops applying that nobody else owns.

import { StatusError } from '../errors.ts';
import { isObject, timestamp, type KubeObject } from '../../registry/object.ts';
import { FieldSet, type Path, pathString, sortedStrings } from './fieldset.ts';
import { Shape } from './schema.ts';

export interface ManagedFieldsEntry {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  time: string;
  fieldsType: 'FieldsV1';
  fieldsV1: Record<string, unknown>;
  subresource?: string;
}

type Json = unknown;

/** Metadata the field manager never tracks (server-owned or identity). */
const UNTRACKED_META = ['name', 'namespace', 'uid', 'creationTimestamp', 'resourceVersion', 'generation', 'managedFields', 'selfLink', 'deletionTimestamp', 'deletionGracePeriodSeconds'];
const UNTRACKED = new Set(UNTRACKED_META);

/** The part of an object a write through (sub)resource may own: status only through /status. */
export function trackedPart(obj: KubeObject, subresource: string): Record<string, Json> {
  const out: Record<string, Json> = {};
  if (subresource === 'status') {
    if (obj.status !== undefined) out.status = obj.status;
    return out;
  }
  for (const k in obj) {
    const v = obj[k];
    if (k === 'apiVersion' || k === 'kind' || k === 'status') continue;
    if (k === 'metadata' && isObject(v)) {
      const m: Record<string, Json> = {};
      let any = false;
      for (const mk in v) {
        if (UNTRACKED.has(mk)) continue;
        m[mk] = v[mk];
        any = true;
      }
      if (any) out.metadata = m;
      continue;
    }
    out[k] = v;
  }
  return out;
}

// ---- walking values with the schema ----

/** Key fields with a schema default stand for it when absent (ports' protocol is TCP), as in structured-merge-diff. */
const KEY_DEFAULTS: Readonly<Record<string, Json>> = { protocol: 'TCP' };

const keyValue = (item: Record<string, Json>, k: string): Json => item[k] ?? KEY_DEFAULTS[k];

function itemKey(item: Json, keys: string[]): string {
  if (keys.length === 1 && keys[0] !== '__proto__' && isObject(item)) {
    // One key field holding a string (name, type): the same text without building an object.
    const v = keyValue(item, keys[0]);
    if (typeof v === 'string') return `k:{${JSON.stringify(keys[0])}:${JSON.stringify(v)}}`;
  }
  const o: Record<string, Json> = {};
  if (isObject(item)) for (const k of keys) { const v = keyValue(item, k); if (v !== undefined) o[k] = v; }
  return `k:${JSON.stringify(o)}`;
}

function sameKey(a: Json, b: Json, keys: string[]): boolean {
  return isObject(a) && isObject(b) && keys.every((k) => JSON.stringify(keyValue(a, k)) === JSON.stringify(keyValue(b, k)));
}

/**
 * The members a value sets. `whole` marks maps and list items as "." nodes as Update
 * operations record them; an applied configuration records items only.
 */
function collect(shape: Shape, value: Json, path: string[], out: FieldSet, updateStyle: boolean): void {
  // Walk down to the node for path once, then fill it in place (no path copies per leaf).
  let node = out;
  for (const el of path) node = node.child(el);
  collectInto(shape, value, node, path.length === 0, updateStyle);
}

/** Members of value below `node`, which stands for value's own position. */
function collectInto(shape: Shape, value: Json, node: FieldSet, root: boolean, updateStyle: boolean): void {
  if (isObject(value) && !shape.atomic) {
    if (!root && updateStyle && shape.isMap) node.self = true;
    let any = false;
    for (const k in value) {
      const v = value[k];
      if (v === null || v === undefined) continue;
      any = true;
      collectInto(shape.child(k), v, node.child(fieldKey(k)), false, updateStyle);
    }
    // An empty object is a member as a leaf (the node has no children).
    if (!any && !root) node.self = node.self || node.size > 0;
    return;
  }
  if (Array.isArray(value) && value.length > 0) {
    const lt = shape.list;
    if (lt.type === 'set') {
      for (const v of value) node.child(`v:${JSON.stringify(v)}`);
      return;
    }
    if (lt.type === 'map') {
      const itemShape = shape.item();
      for (const item of value) {
        const itemNode = node.child(itemKey(item, lt.keys));
        itemNode.self = true;
        if (!isObject(item)) continue;
        for (const k in item) {
          const v = item[k];
          if (v === null || v === undefined) continue;
          collectInto(itemShape.child(k), v, itemNode.child(fieldKey(k)), false, updateStyle);
        }
      }
      return;
    }
  }
  // Scalars, atomic values and empty lists: the node is a leaf member as it stands.
}

/**
 * What an Update that creates `value` owns, written as FieldsV1: the same as
 * collect(…, updateStyle = true) followed by toFieldsV1, built in one pass without a FieldSet.
 */
function createdFieldsV1(shape: Shape, value: Json, root: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (isObject(value) && !shape.atomic) {
    if (!root && shape.isMap) out['.'] = {};
    const keys: string[] = [];
    for (const k in value) {
      const v = value[k];
      if (v !== null && v !== undefined) keys.push(k);
    }
    for (const k of sortedStrings(keys)) out[fieldKey(k)] = createdFieldsV1(shape.child(k), value[k], false);
    return out;
  }
  if (Array.isArray(value) && value.length > 0) {
    const lt = shape.list;
    if (lt.type === 'set') {
      const keys: string[] = [];
      for (const v of value) keys.push(`v:${JSON.stringify(v)}`);
      // Equal items are one member.
      for (const k of sortedStrings(keys)) out[k] = {};
      return out;
    }
    if (lt.type === 'map') {
      const byKey = new Map<string, Json>();
      for (const item of value) {
        const k = itemKey(item, lt.keys);
        if (byKey.has(k)) {
          // Items sharing a key merge into one node: let a FieldSet do the merging.
          const node = new FieldSet();
          collectInto(shape, value, node, root, true);
          return node.toFieldsV1();
        }
        byKey.set(k, item);
      }
      const itemShape = shape.item();
      const keys: string[] = [];
      for (const k of byKey.keys()) keys.push(k);
      for (const k of sortedStrings(keys)) {
        const item = byKey.get(k);
        const node: Record<string, unknown> = { '.': {} };
        if (isObject(item)) {
          const fields: string[] = [];
          for (const f in item) if (item[f] !== null && item[f] !== undefined) fields.push(f);
          for (const f of sortedStrings(fields)) node[fieldKey(f)] = createdFieldsV1(itemShape.child(f), item[f], false);
        }
        out[k] = node;
      }
      return out;
    }
  }
  return out;
}

export function fieldsOf(shape: Shape, value: Json, updateStyle = false): FieldSet {
  const s = new FieldSet();
  collect(shape, value, [], s, updateStyle);
  return s;
}

/** Whether two values serialise alike (JSON.stringify comparison, without serialising scalars). */
function sameJson(a: Json, b: Json): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * Members of `next` that are new or whose value differs from `prev` (what an Update owns).
 * `path` is a stack: pushed and popped on the way down, copied by nothing that keeps it.
 */
function changed(shape: Shape, prev: Json, next: Json, path: string[], out: FieldSet): void {
  if (isObject(next) && !shape.atomic) {
    if (!isObject(prev)) { collect(shape, next, path, out, true); return; }
    let empty = true;
    for (const k in next) {
      empty = false;
      const v = next[k];
      if (v === null || v === undefined) continue;
      path.push(fieldKey(k));
      changed(shape.child(k), prev[k], v, path, out);
      path.pop();
    }
    if (empty && path.length > 0 && hasKeys(prev)) out.add(path);
    return;
  }
  if (Array.isArray(next)) {
    const lt = shape.list;
    if (lt.type !== 'atomic' && Array.isArray(prev)) {
      if (lt.type === 'set') {
        const had = new Set<string>();
        for (const v of prev) had.add(JSON.stringify(v));
        for (const v of next) {
          const s = JSON.stringify(v);
          if (had.has(s)) continue;
          path.push(`v:${s}`);
          out.add(path);
          path.pop();
        }
        return;
      }
      const itemShape = shape.item();
      // The first earlier item with the same key is the one an item is compared with.
      const prevKeys: (string | undefined)[] = [];
      for (const p of prev) prevKeys.push(isObject(p) ? itemKey(p, lt.keys) : undefined);
      for (const item of next) {
        const ik = itemKey(item, lt.keys);
        let old: Record<string, Json> | undefined;
        if (isObject(item)) {
          for (let i = 0; i < prevKeys.length; i++) {
            if (prevKeys[i] === ik) { old = prev[i] as Record<string, Json>; break; }
          }
        }
        path.push(ik);
        if (old === undefined) collectItem(itemShape, item, path, out);
        else {
          for (const k in item as Record<string, Json>) {
            const v = (item as Record<string, Json>)[k];
            if (v === null || v === undefined) continue;
            path.push(fieldKey(k));
            changed(itemShape.child(k), old[k], v, path, out);
            path.pop();
          }
        }
        path.pop();
      }
      return;
    }
    if (lt.type !== 'atomic') { collect(shape, next, path, out, true); return; }
  }
  if (path.length > 0 && !sameJson(prev, next)) out.add(path);
}

function hasKeys(o: Record<string, Json>): boolean {
  for (const _ in o) return true;
  return false;
}

function collectItem(itemShape: Shape, item: Json, ip: string[], out: FieldSet): void {
  out.add(ip, true);
  if (!isObject(item)) return;
  for (const k in item) {
    const v = item[k];
    if (v === null || v === undefined) continue;
    ip.push(fieldKey(k));
    collect(itemShape.child(k), v, ip, out, true);
    ip.pop();
  }
}

const FIELD_KEYS = new Map<string, string>();

/** "f:" + name, made once per name (up to a bound: names come from data too). */
function fieldKey(name: string): string {
  let key = FIELD_KEYS.get(name);
  if (key === undefined) {
    key = `f:${name}`;
    if (FIELD_KEYS.size < 8192) FIELD_KEYS.set(name, key);
  }
  return key;
}

// What the members of a value are, as fieldsOf (not update style) records them.
const NONE = 0, LEAF = 1, OBJ = 2, SET = 3, MAP = 4;

function kindOf(shape: Shape, v: Json): number {
  if (v === null || v === undefined) return NONE;
  if (isObject(v) && !shape.atomic) {
    for (const k in v) if (v[k] !== null && v[k] !== undefined) return OBJ;
    return LEAF; // an empty object is a member as a leaf
  }
  if (Array.isArray(v) && v.length > 0) {
    const t = shape.list.type;
    if (t === 'set') return SET;
    if (t === 'map') return MAP;
  }
  return LEAF;
}

/**
 * Into `out`, the members of fieldsOf(prev) that fieldsOf(next) does not have, below `path`
 * (the position of both values): one walk of the two values that skips what they share.
 */
function removedFields(shape: Shape, prev: Json, next: Json, path: string[], out: FieldSet): void {
  if (prev === next) return;
  const pk = kindOf(shape, prev);
  if (pk === NONE) return;
  const nk = kindOf(shape, next);
  if (pk === LEAF) {
    if (nk !== LEAF) out.add(path);
    return;
  }
  // Different kinds of node have no member paths in common: everything under prev goes.
  if (nk !== pk) { collect(shape, prev, path, out, false); return; }
  if (pk === OBJ) {
    const p = prev as Record<string, Json>, n = next as Record<string, Json>;
    for (const k in p) {
      const v = p[k];
      if (v === null || v === undefined) continue;
      path.push(fieldKey(k));
      removedFields(shape.child(k), v, n[k], path, out);
      path.pop();
    }
    return;
  }
  const p = prev as Json[], n = next as Json[];
  if (pk === SET) {
    const has = new Set<string>();
    for (const v of n) has.add(JSON.stringify(v));
    for (const v of p) {
      const s = JSON.stringify(v);
      if (has.has(s)) continue;
      path.push(`v:${s}`);
      out.add(path);
      path.pop();
    }
    return;
  }
  const keys = (shape.list as { keys: string[] }).keys;
  const nextItems = new Map<string, Json>();
  for (const item of n) {
    const k = itemKey(item, keys);
    // Items sharing a key merge into one node: take the exact route for such lists.
    if (nextItems.has(k)) { removedExactly(shape, prev, next, path, out); return; }
    nextItems.set(k, item);
  }
  const prevKeys: string[] = [];
  const seen = new Set<string>();
  for (const item of p) {
    const k = itemKey(item, keys);
    if (seen.has(k)) { removedExactly(shape, prev, next, path, out); return; }
    seen.add(k);
    prevKeys.push(k);
  }
  const itemShape = shape.item();
  for (let i = 0; i < p.length; i++) {
    const item = p[i];
    const ni = nextItems.get(prevKeys[i]);
    if (ni === item) continue;
    path.push(prevKeys[i]);
    if (ni === undefined) {
      // The item is gone: it and all its fields.
      out.add(path, true);
      if (isObject(item)) {
        for (const k in item) {
          const v = item[k];
          if (v === null || v === undefined) continue;
          path.push(fieldKey(k));
          collect(itemShape.child(k), v, path, out, false);
          path.pop();
        }
      }
    } else if (isObject(item)) {
      const no = isObject(ni) ? ni : undefined;
      for (const k in item) {
        const v = item[k];
        if (v === null || v === undefined) continue;
        path.push(fieldKey(k));
        removedFields(itemShape.child(k), v, no?.[k], path, out);
        path.pop();
      }
    }
    path.pop();
  }
}

/** removedFields by building both field sets below path and subtracting them. */
function removedExactly(shape: Shape, prev: Json, next: Json, path: string[], out: FieldSet): void {
  const a = new FieldSet();
  collectInto(shape, prev, a, true, false);
  const b = new FieldSet();
  collectInto(shape, next, b, true, false);
  const gone = a.minus(b);
  for (const m of gone.members()) out.add([...path, ...m], gone.isNode(m));
}

// ---- reading, removing and merging by path ----

function findItem(list: Json[], el: string): number {
  if (el.startsWith('k:')) {
    const keys = JSON.parse(el.slice(2)) as Record<string, Json>;
    return list.findIndex((it) => isObject(it) && Object.entries(keys).every(([k, v]) => JSON.stringify(keyValue(it, k)) === JSON.stringify(v)));
  }
  if (el.startsWith('v:')) {
    const v = el.slice(2);
    return list.findIndex((it) => JSON.stringify(it) === v);
  }
  if (el.startsWith('i:')) return Number(el.slice(2));
  return -1;
}

export function valueAt(obj: Json, path: Path): Json {
  let cur: Json = obj;
  for (const el of path) {
    if (el.startsWith('f:')) {
      if (!isObject(cur)) return undefined;
      cur = cur[el.slice(2)];
    } else {
      if (!Array.isArray(cur)) return undefined;
      const i = findItem(cur, el);
      cur = i >= 0 ? cur[i] : undefined;
    }
    if (cur === undefined) return undefined;
  }
  return cur;
}

/** Delete the member at path from obj (in place). */
export function removeAt(obj: Json, path: Path): void {
  if (path.length === 0) return;
  const parent = valueAt(obj, path.slice(0, -1));
  const last = path[path.length - 1];
  if (last.startsWith('f:')) {
    if (isObject(parent)) delete parent[last.slice(2)];
    return;
  }
  if (Array.isArray(parent)) {
    const i = findItem(parent, last);
    if (i >= 0) parent.splice(i, 1);
  }
}

/** Structured merge of an applied configuration into the live object. */
export function mergeApplied(shape: Shape, live: Json, applied: Json): Json {
  if (isObject(applied) && !shape.atomic) {
    const out: Record<string, Json> = isObject(live) ? { ...live } : {};
    for (const [k, v] of Object.entries(applied)) {
      if (v === null) { delete out[k]; continue; }
      out[k] = mergeApplied(shape.child(k), out[k], v);
    }
    return out;
  }
  if (Array.isArray(applied) && Array.isArray(live)) {
    const lt = shape.list;
    if (lt.type === 'set') {
      const out = [...live];
      for (const v of applied) if (!out.some((x) => JSON.stringify(x) === JSON.stringify(v))) out.push(v);
      return out;
    }
    if (lt.type === 'map') {
      const out = [...live];
      for (const item of applied) {
        const i = out.findIndex((x) => sameKey(x, item, lt.keys));
        if (i >= 0) out[i] = mergeApplied(shape.item(), out[i], item);
        else out.push(item);
      }
      return out;
    }
  }
  return applied;
}

// ---- the manager bookkeeping ----

function shapeOf(obj: KubeObject, apiVersion: string): Shape {
  const slash = apiVersion.indexOf('/');
  return Shape.of({ group: slash < 0 ? '' : apiVersion.slice(0, slash), version: slash < 0 ? apiVersion : apiVersion.slice(slash + 1), kind: obj.kind ?? '' });
}

function readEntries(obj: KubeObject): ManagedFieldsEntry[] {
  const mf = obj.metadata?.managedFields;
  return Array.isArray(mf) ? (mf.filter(isObject) as unknown as ManagedFieldsEntry[]) : [];
}

interface Owned { entry: ManagedFieldsEntry; set: FieldSet }

function owned(obj: KubeObject): Owned[] {
  return readEntries(obj).map((entry) => ({ entry, set: FieldSet.fromFieldsV1(entry.fieldsV1) }));
}

function write(list: Owned[]): ManagedFieldsEntry[] | undefined {
  const out = list.filter((o) => !o.set.empty()).map((o) => ({ ...o.entry, fieldsV1: o.set.toFieldsV1() }));
  return out.length > 0 ? out : undefined;
}

const sameSlot = (e: ManagedFieldsEntry, manager: string, operation: string, subresource: string, apiVersion: string) =>
  e.manager === manager && e.operation === operation && (e.subresource ?? '') === subresource && (operation === 'Apply' || e.apiVersion === apiVersion);

let timeSecond = -1;
let timeText = '';

/** now(), formatted once per second (a write stamps a time or two, a regex replace each). */
export function currentTime(): string {
  const ms = Date.now();
  const second = Math.floor(ms / 1000);
  if (second !== timeSecond) {
    timeSecond = second;
    timeText = timestamp(ms);
  }
  return timeText;
}

function entry(manager: string, operation: 'Apply' | 'Update', apiVersion: string, subresource: string, time = currentTime(), fieldsV1: Record<string, unknown> = {}): ManagedFieldsEntry {
  const e: ManagedFieldsEntry = { manager, operation, apiVersion, time, fieldsType: 'FieldsV1', fieldsV1 };
  if (subresource) e.subresource = subresource;
  return e;
}

/** Whether the set written as `fieldsV1` has any member of `set` (both at the same position). */
function ownsAnyOf(fieldsV1: Record<string, unknown>, set: FieldSet): boolean {
  const n = set.size;
  for (let i = 0; i < n; i++) {
    const c = set.nodeAt(i);
    const j = fieldsV1[set.nameAt(i)];
    if (j === undefined) continue;
    const member = c.self || c.size === 0;
    // A non-object is read as an empty set: a leaf member.
    if (!isObject(j)) {
      if (member) return true;
      continue;
    }
    if (member && ('.' in j || !hasKeys(j))) return true;
    if (c.size > 0 && ownsAnyOf(j, c)) return true;
  }
  return false;
}

/**
 * Whether fieldsV1 is written exactly as FieldSet.toFieldsV1 writes its own reading: objects
 * all the way down, "." (an empty object) first and never at the top, the other keys sorted.
 * Such an entry can be kept as it is when its set does not change.
 */
function canonical(fieldsV1: Record<string, unknown>, top: boolean): boolean {
  let last: string | undefined;
  let first = true;
  for (const k in fieldsV1) {
    const v = fieldsV1[k];
    if (!isObject(v)) return false;
    if (k === '.') {
      if (!first || top || hasKeys(v)) return false;
    } else {
      if (last !== undefined && !(last < k)) return false;
      last = k;
      if (!canonical(v, false)) return false;
    }
    first = false;
  }
  return !first || !top;
}

/**
 * managedFields after an Update operation (create, update, non-apply patch) by manager:
 * the manager owns what it changed; others lose what changed or disappeared. Entries whose
 * set does not change are kept as they are (not read into a FieldSet and written again).
 */
export function trackUpdate(prev: KubeObject | undefined, next: KubeObject, manager: string, apiVersion: string, subresource = '', time?: string): ManagedFieldsEntry[] | undefined {
  const shape = shapeOf(next, apiVersion);
  const after = trackedPart(next, subresource);
  if (!prev) {
    // A create: the manager owns everything the object sets.
    const fieldsV1 = createdFieldsV1(shape, after, true);
    return hasKeys(fieldsV1) ? [entry(manager, 'Update', apiVersion, subresource, time ?? currentTime(), fieldsV1)] : undefined;
  }
  const delta = new FieldSet();
  const removed = new FieldSet();
  const before = trackedPart(prev, subresource);
  changed(shape, before, after, [], delta);
  if (!shape.atomic) removedFields(shape, before, after, [], removed);
  const out: ManagedFieldsEntry[] = [];
  let mine = -1;
  let mineSet: FieldSet | undefined;
  const deltaEmpty = delta.empty();
  for (const e of readEntries(prev)) {
    const fv = isObject(e.fieldsV1) ? e.fieldsV1 : undefined;
    if (mine < 0 && !deltaEmpty && sameSlot(e, manager, 'Update', subresource, apiVersion)) {
      mine = out.length;
      mineSet = FieldSet.fromFieldsV1(fv).minus(delta).minus(removed).union(delta);
      out.push(e);
      continue;
    }
    if (fv && !ownsAnyOf(fv, delta) && !ownsAnyOf(fv, removed) && canonical(fv, true)) {
      out.push(e);
      continue;
    }
    const set = FieldSet.fromFieldsV1(fv).minus(delta).minus(removed);
    if (!set.empty()) out.push({ ...e, fieldsV1: set.toFieldsV1() });
  }
  if (!deltaEmpty) {
    const t = time ?? currentTime();
    if (mine >= 0) out[mine] = { ...out[mine], time: t, fieldsV1: mineSet!.toFieldsV1() };
    else out.push(entry(manager, 'Update', apiVersion, subresource, t, delta.toFieldsV1()));
  }
  return out.length > 0 ? out : undefined;
}

export interface ApplyResult { object: KubeObject; managedFields: ManagedFieldsEntry[] | undefined }

/**
 * Server-side apply of `applied` by `manager` onto `live` (undefined: create). Throws 409
 * Conflict naming the other managers unless force; with force, takes their fields over.
 * The result is built from `live` itself: pass a private copy.
 */
export function apply(live: KubeObject | undefined, applied: KubeObject, manager: string, apiVersion: string, force: boolean, subresource = ''): ApplyResult {
  const shape = shapeOf(applied, apiVersion);
  const appliedPart = trackedPart(applied, subresource);
  const appliedSet = fieldsOf(shape, appliedPart);
  const list = live ? owned(live) : [];
  const base: KubeObject = live ?? { apiVersion: applied.apiVersion, kind: applied.kind, metadata: {} };
  const liveTracked = trackedPart(base, subresource);
  const merged = mergeApplied(shape, liveTracked, appliedPart) as Record<string, Json>;

  const conflicts: { path: string[]; manager: string; apiVersion: string }[] = [];
  for (const o of list) {
    if (sameSlot(o.entry, manager, 'Apply', subresource, apiVersion)) continue;
    for (const p of appliedSet.intersect(o.set).members()) {
      if (appliedSet.isNode(p)) continue;
      if (JSON.stringify(valueAt(merged, p)) !== JSON.stringify(valueAt(liveTracked, p))) {
        conflicts.push({ path: p, manager: o.entry.manager, apiVersion: o.entry.apiVersion });
      }
    }
  }
  if (conflicts.length > 0) {
    if (!force) throw conflictError(conflicts);
    for (const c of conflicts) for (const o of list) if (o.entry.manager === c.manager) o.set.remove(c.path);
  }

  let mine = list.find((o) => sameSlot(o.entry, manager, 'Apply', subresource, apiVersion));
  const previous = mine?.set ?? new FieldSet();
  // Fields this manager applied before and no longer does go away unless someone else owns them.
  for (const p of previous.minus(appliedSet).members()) {
    if (list.some((o) => o !== mine && o.set.has(p))) continue;
    removeAt(merged, p);
  }
  if (!mine) list.push((mine = { entry: entry(manager, 'Apply', apiVersion, subresource), set: new FieldSet() }));
  mine.set = appliedSet;
  mine.entry = { ...mine.entry, apiVersion, time: currentTime() };

  const object = rebuild(base, merged, subresource);
  return { object, managedFields: write(list) };
}

/** Put the tracked part back together with the untracked identity fields. */
function rebuild(base: KubeObject, tracked: Record<string, Json>, subresource: string): KubeObject {
  if (subresource === 'status') return { ...base, status: tracked.status };
  const out: KubeObject = { apiVersion: base.apiVersion, kind: base.kind, metadata: {} };
  const meta: Record<string, Json> = {};
  for (const k of UNTRACKED_META) if (base.metadata[k] !== undefined) meta[k] = base.metadata[k];
  Object.assign(meta, isObject(tracked.metadata) ? tracked.metadata : {});
  out.metadata = meta;
  for (const [k, v] of Object.entries(tracked)) if (k !== 'metadata') out[k] = v;
  if (base.status !== undefined) out.status = base.status;
  return out;
}

function conflictError(conflicts: { path: string[]; manager: string; apiVersion: string }[]): StatusError {
  const byManager = new Map<string, string[]>();
  for (const c of conflicts) {
    const k = `"${c.manager}" using ${c.apiVersion}`;
    byManager.set(k, [...(byManager.get(k) ?? []), pathString(c.path)]);
  }
  let message: string;
  if (conflicts.length === 1) {
    const [k, paths] = [...byManager][0];
    message = `Apply failed with 1 conflict: conflict with ${k}: ${paths[0]}`;
  } else {
    message = `Apply failed with ${conflicts.length} conflicts: ` + [...byManager].map(([k, paths]) => `conflicts with ${k}:\n${paths.map((p) => `- ${p}`).join('\n')}`).join('\n');
  }
  return new StatusError(409, 'Conflict', message, {
    causes: conflicts.map((c) => ({ reason: 'FieldManagerConflict', message: `conflict with "${c.manager}" using ${c.apiVersion}`, field: pathString(c.path) })),
  });
}

/** Upstream's manager name for requests without fieldManager: the User-Agent up to its first '/'. */
export function managerFromUserAgent(ua: string | undefined): string {
  if (!ua) return 'unknown';
  const i = ua.indexOf('/');
  return (i < 0 ? ua : ua.slice(0, i)).slice(0, 128) || 'unknown';
}
