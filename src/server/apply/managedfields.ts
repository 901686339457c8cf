// metadata.managedFields: who owns which fields. Update operations (create, update, patch)
// take ownership of what they changed; server-side apply owns exactly what it applied, may
// conflict with other owners, and removes fields it stops applying that nobody else owns.

import { StatusError } from '../errors.ts';
import { isObject, now, type KubeObject } from '../../registry/object.ts';
import { FieldSet, type Path, pathString } from './fieldset.ts';
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

/** The part of an object a write through (sub)resource may own: status only through /status. */
export function trackedPart(obj: KubeObject, subresource: string): Record<string, Json> {
  const out: Record<string, Json> = {};
  if (subresource === 'status') {
    if (obj.status !== undefined) out.status = obj.status;
    return out;
  }
  for (const [k, v] of Object.entries(obj)) {
    if (k === 'apiVersion' || k === 'kind' || k === 'status') continue;
    if (k === 'metadata' && isObject(v)) {
      const m: Record<string, Json> = {};
      for (const [mk, mv] of Object.entries(v)) if (!UNTRACKED_META.includes(mk)) m[mk] = mv;
      if (Object.keys(m).length > 0) out.metadata = m;
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
      collectInto(shape.child(k), v, node.child(`f:${k}`), false, updateStyle);
    }
    // An empty object is a member as a leaf (the node has no children).
    if (!any && !root) node.self = node.self || node.children.size > 0;
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
          collectInto(itemShape.child(k), v, itemNode.child(`f:${k}`), false, updateStyle);
        }
      }
      return;
    }
  }
  // Scalars, atomic values and empty lists: the node is a leaf member as it stands.
}

export function fieldsOf(shape: Shape, value: Json, updateStyle = false): FieldSet {
  const s = new FieldSet();
  collect(shape, value, [], s, updateStyle);
  return s;
}

/** Members of `next` that are new or whose value differs from `prev` (what an Update owns). */
function changed(shape: Shape, prev: Json, next: Json, path: string[], out: FieldSet): void {
  if (isObject(next) && !shape.atomic) {
    if (!isObject(prev)) { collect(shape, next, path, out, true); return; }
    const entries = Object.entries(next);
    if (entries.length === 0 && Object.keys(prev).length > 0 && path.length > 0) out.add(path);
    for (const [k, v] of entries) {
      if (v === null || v === undefined) continue;
      changed(shape.child(k), prev[k], v, [...path, `f:${k}`], out);
    }
    return;
  }
  if (Array.isArray(next)) {
    const lt = shape.list;
    if (lt.type !== 'atomic' && Array.isArray(prev)) {
      if (lt.type === 'set') {
        const had = new Set(prev.map((v) => JSON.stringify(v)));
        for (const v of next) if (!had.has(JSON.stringify(v))) out.add([...path, `v:${JSON.stringify(v)}`]);
        return;
      }
      const itemShape = shape.item();
      for (const item of next) {
        const ip = [...path, itemKey(item, lt.keys)];
        const old = prev.find((p) => sameKey(p, item, lt.keys));
        if (old === undefined) { collectItem(itemShape, item, ip, out); continue; }
        if (isObject(item)) {
          for (const [k, v] of Object.entries(item)) {
            if (v === null || v === undefined) continue;
            changed(itemShape.child(k), isObject(old) ? old[k] : undefined, v, [...ip, `f:${k}`], out);
          }
        }
      }
      return;
    }
    if (lt.type !== 'atomic') { collect(shape, next, path, out, true); return; }
  }
  if (JSON.stringify(prev) !== JSON.stringify(next) && path.length > 0) out.add(path);
}

function collectItem(itemShape: Shape, item: Json, ip: string[], out: FieldSet): void {
  out.add(ip, true);
  if (!isObject(item)) return;
  for (const [k, v] of Object.entries(item)) {
    if (v === null || v === undefined) continue;
    collect(itemShape.child(k), v, [...ip, `f:${k}`], out, true);
  }
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

function entry(manager: string, operation: 'Apply' | 'Update', apiVersion: string, subresource: string): ManagedFieldsEntry {
  const e: ManagedFieldsEntry = { manager, operation, apiVersion, time: now(), fieldsType: 'FieldsV1', fieldsV1: {} };
  if (subresource) e.subresource = subresource;
  return e;
}

/**
 * managedFields after an Update operation (create, update, non-apply patch) by manager:
 * the manager owns what it changed; others lose what changed or disappeared.
 */
export function trackUpdate(prev: KubeObject | undefined, next: KubeObject, manager: string, apiVersion: string, subresource = ''): ManagedFieldsEntry[] | undefined {
  const shape = shapeOf(next, apiVersion);
  const before = prev ? trackedPart(prev, subresource) : {};
  const after = trackedPart(next, subresource);
  const delta = new FieldSet();
  changed(shape, before, after, [], delta);
  const removed = prev ? fieldsOf(shape, before).minus(fieldsOf(shape, after)) : new FieldSet();
  const list = prev ? owned(prev) : [];
  for (const o of list) o.set = o.set.minus(delta).minus(removed);
  if (!delta.empty()) {
    let mine = list.find((o) => sameSlot(o.entry, manager, 'Update', subresource, apiVersion));
    if (!mine) list.push((mine = { entry: entry(manager, 'Update', apiVersion, subresource), set: new FieldSet() }));
    mine.set = mine.set.union(delta);
    mine.entry = { ...mine.entry, time: now() };
  }
  return write(list);
}

export interface ApplyResult { object: KubeObject; managedFields: ManagedFieldsEntry[] | undefined }

/**
 * Server-side apply of `applied` by `manager` onto `live` (undefined: create). Throws 409
 * Conflict naming the other managers unless force; with force, takes their fields over.
 */
export function apply(live: KubeObject | undefined, applied: KubeObject, manager: string, apiVersion: string, force: boolean, subresource = ''): ApplyResult {
  const shape = shapeOf(applied, apiVersion);
  const appliedPart = trackedPart(applied, subresource);
  const appliedSet = fieldsOf(shape, appliedPart);
  const list = live ? owned(live) : [];
  const base: KubeObject = live ? structuredClone(live) : { apiVersion: applied.apiVersion, kind: applied.kind, metadata: {} };
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
  mine.entry = { ...mine.entry, apiVersion, time: now() };

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
