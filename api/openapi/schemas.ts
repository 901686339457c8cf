// The schema model of every served kind, as OpenAPI v3 component schemas (upstream's shape and names:
// io.k8s.api.core.v1.PodSpec, ...). Generated on first use from npm dependency data (./source.ts)
// merged with our patch metadata table (../patchmeta.ts), then cached for the life of the process.
// The bundle ships the built model beside itself (written when it is bundled), so `skiff up`
// reads it in a few milliseconds instead of parsing the declarations (~100 ms): schemas.json
// whole, for the OpenAPI documents, and schema-shapes.json without the descriptions (two thirds
// of the bytes), which is all that writes need (field types, list and map semantics).

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { fieldPatchMeta, typeMapType } from '../patchmeta.ts';
import { resources } from '../resources.ts';
import {
  type RawField, type RawType, type TypeExpr, type AttributeInfo,
  apimachineryFile, clientAttributes, kindFile, loadTypes, typeMetaDescriptions,
} from './source.ts';

export interface GVK { group: string; version: string; kind: string }

/** An OpenAPI v3 schema object (the subset Kubernetes publishes). */
export interface Schema {
  description?: string;
  type?: 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean';
  format?: string;
  enum?: string[];
  required?: string[];
  properties?: Record<string, Schema>;
  additionalProperties?: Schema;
  items?: Schema;
  allOf?: Schema[];
  oneOf?: Schema[];
  $ref?: string;
  default?: unknown;
  uniqueItems?: boolean;
  'x-kubernetes-group-version-kind'?: GVK[];
  'x-kubernetes-patch-strategy'?: string;
  'x-kubernetes-patch-merge-key'?: string;
  'x-kubernetes-list-type'?: string;
  'x-kubernetes-list-map-keys'?: string[];
  'x-kubernetes-map-type'?: string;
  'x-kubernetes-int-or-string'?: boolean;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
}

export const REF_PREFIX = '#/components/schemas/';
export const refTo = (name: string): Schema => ({ $ref: REF_PREFIX + name });
export const refName = (ref: string): string => ref.slice(ref.lastIndexOf('/') + 1);

export interface SchemaRegistry {
  /** Component schemas keyed by definition name. */
  schemas: ReadonlyMap<string, Schema>;
  /** "group/version/Kind" → definition name, for every top-level kind. */
  kinds: ReadonlyMap<string, string>;
}

export const gvkKey = (g: GVK) => `${g.group}/${g.version}/${g.kind}`;

const META = 'io.k8s.apimachinery.pkg.apis.meta.v1';

/** Kinds beyond the resource table that requests and subresources carry. */
const EXTRA_KINDS: GVK[] = [
  { group: 'autoscaling', version: 'v1', kind: 'Scale' },
  { group: 'policy', version: 'v1', kind: 'Eviction' },
  { group: '', version: 'v1', kind: 'Binding' },
  { group: 'authentication.k8s.io', version: 'v1', kind: 'TokenRequest' },
  { group: 'authentication.k8s.io', version: 'v1', kind: 'TokenReview' },
  { group: 'authentication.k8s.io', version: 'v1', kind: 'SelfSubjectReview' },
  { group: 'authorization.k8s.io', version: 'v1', kind: 'SelfSubjectAccessReview' },
  { group: 'authorization.k8s.io', version: 'v1', kind: 'SelfSubjectRulesReview' },
  { group: 'authorization.k8s.io', version: 'v1', kind: 'SubjectAccessReview' },
  { group: 'authorization.k8s.io', version: 'v1', kind: 'LocalSubjectAccessReview' },
];

const META_TYPES = ['apis/meta/v1/Status', 'apis/meta/v1/DeleteOptions', 'apis/meta/v1/WatchEvent', 'apis/meta/v1/Patch', 'apis/meta/v1/APIResourceList'];

let registry: SchemaRegistry | undefined;

let shapes: SchemaRegistry | undefined;

/** The schema registry, read from the bundle's schemas.json or built on first call, and cached. */
export function schemaRegistry(): SchemaRegistry {
  return (registry ??= readSchemaCache(FULL) ?? buildRegistry());
}

/** The same registry, possibly without descriptions: for everything but the published documents. */
export function shapeRegistry(): SchemaRegistry {
  return registry ?? (shapes ??= readSchemaCache(SHAPES) ?? schemaRegistry());
}

interface SchemaCache { schemas: [string, Schema][]; kinds: [string, string][] }

const FULL = 'schemas.json', SHAPES = 'schema-shapes.json';

/** A cache file beside this module: in the bundle, dist/<name>; none beside the sources. */
const cacheFile = (name: string): string => fileURLToPath(new URL(`./${name}`, import.meta.url));

function readSchemaCache(name: string): SchemaRegistry | undefined {
  let text: string;
  try {
    text = readFileSync(cacheFile(name), 'utf8');
  } catch {
    return undefined;
  }
  const c = JSON.parse(text) as SchemaCache;
  return { schemas: new Map(c.schemas), kinds: new Map(c.kinds) };
}

/** Build the registry from the declarations and write both cache files into dir. */
export function writeSchemaCache(dir: string): void {
  const r = buildRegistry();
  const c: SchemaCache = { schemas: [...r.schemas], kinds: [...r.kinds] };
  writeFileSync(`${dir}/${FULL}`, JSON.stringify(c));
  writeFileSync(`${dir}/${SHAPES}`, JSON.stringify(c, (k, v: unknown) => (k === 'description' && typeof v === 'string' ? undefined : v)));
}

/** Declaration files of the served kinds; kinds the models package lacks are left out of the model. */
function rootFiles(): string[] {
  const files = new Set<string>();
  for (const r of resources) {
    files.add(kindFile(r.group, r.version, r.kind));
    if (r.verbs.includes('list')) files.add(kindFile(r.group, r.version, r.listKind));
    for (const s of r.subresources) if (s.kind.kind !== r.kind) files.add(kindFile(s.kind.group, s.kind.version, s.kind.kind));
  }
  for (const k of EXTRA_KINDS) files.add(kindFile(k.group, k.version, k.kind));
  for (const m of META_TYPES) files.add(apimachineryFile(m));
  return [...files].filter((f) => existsSync(f));
}

function buildRegistry(): SchemaRegistry {
  const raw = loadTypes(rootFiles());
  const typeMeta = typeMetaDescriptions();
  const schemas = new Map<string, Schema>();
  const kinds = new Map<string, string>();
  for (const name of [...raw.keys()].sort()) {
    const t = raw.get(name) as RawType;
    const s = t.alias ? aliasSchema(t) : structSchema(t, typeMeta);
    schemas.set(name, s);
    for (const g of s['x-kubernetes-group-version-kind'] ?? []) kinds.set(gvkKey(g), name);
  }
  // Status and DeleteOptions are not `extends TypeMeta` in the models; upstream tags them with their GVKs.
  const status = schemas.get(`${META}.Status`);
  if (status) {
    status['x-kubernetes-group-version-kind'] = [{ group: '', kind: 'Status', version: 'v1' }];
    kinds.set('/v1/Status', `${META}.Status`);
  }
  const del = schemas.get(`${META}.DeleteOptions`);
  if (del) {
    const gvs = new Map<string, GVK>();
    for (const r of resources) gvs.set(`${r.group}/${r.version}`, { group: r.group, kind: 'DeleteOptions', version: r.version });
    del['x-kubernetes-group-version-kind'] = [...gvs.values()];
  }
  return { schemas, kinds };
}

function aliasSchema(t: RawType): Schema {
  const s: Schema = {};
  if (t.description) s.description = t.description;
  switch (t.name) {
    case `${META}.Time`:
    case `${META}.MicroTime`:
      return { ...s, type: 'string', format: 'date-time' };
    case 'io.k8s.apimachinery.pkg.util.intstr.IntOrString':
      return { ...s, format: 'int-or-string', oneOf: [{ type: 'integer' }, { type: 'string' }] };
    case 'io.k8s.apimachinery.pkg.api.resource.Quantity':
      return { ...s, oneOf: [{ type: 'string' }, { type: 'number' }] };
  }
  const a = t.alias as TypeExpr;
  if (a.t === 'string') return { ...s, type: 'string' };
  if (a.t === 'number|string') return { ...s, oneOf: [{ type: 'string' }, { type: 'number' }] };
  throw new Error(`openapi: unsupported alias ${t.name}`);
}

function structSchema(t: RawType, typeMeta: { apiVersion: string; kind: string }): Schema {
  const fields = t.fields as RawField[];
  const s: Schema = {};
  if (t.description) s.description = t.description;
  s.type = 'object';
  if (fields.length === 0) {
    // Opaque values: RawExtension, FieldsV1, Patch are objects; apiextensions' JSON and
    // JSONSchemaPropsOr{Array,Bool,StringArray} are any JSON value and carry no type upstream.
    if (/\.JSON(SchemaPropsOr\w+)?$/.test(t.name)) delete s.type;
    const mt = typeMapType[t.name];
    if (mt) s['x-kubernetes-map-type'] = mt;
    return s;
  }
  const attrs = needsFormats(fields) ? clientAttributes(t.name, fields.map((f) => f.name)) : null;
  const required: string[] = [];
  const properties: Record<string, Schema> = {};
  for (const f of fields) {
    const isTypeMeta = t.gvk !== undefined && (f.name === 'apiVersion' || f.name === 'kind');
    if (!f.optional && !isTypeMeta) required.push(f.name);
    let p: Schema;
    if (isTypeMeta) {
      p = { description: f.name === 'apiVersion' ? typeMeta.apiVersion : typeMeta.kind, type: 'string' };
    } else {
      p = propertySchema(f, attrs?.get(f.name));
    }
    const meta = fieldPatchMeta[`${t.name}.${f.name}`];
    if (meta) {
      if (meta.strategy) p['x-kubernetes-patch-strategy'] = meta.strategy;
      if (meta.mergeKey) p['x-kubernetes-patch-merge-key'] = meta.mergeKey;
      if (meta.list) p['x-kubernetes-list-type'] = meta.list;
      if (meta.keys) p['x-kubernetes-list-map-keys'] = [...meta.keys];
      if (meta.map) p['x-kubernetes-map-type'] = meta.map;
    }
    properties[f.name] = p;
  }
  if (required.length) s.required = required;
  s.properties = properties;
  if (t.gvk) s['x-kubernetes-group-version-kind'] = [{ group: t.gvk.group, kind: t.gvk.kind, version: t.gvk.version }];
  const mt = typeMapType[t.name];
  if (mt) s['x-kubernetes-map-type'] = mt;
  return s;
}

const needsFormats = (fields: RawField[]) => fields.some((f) => hasScalar(f.type));

function hasScalar(t: TypeExpr): boolean {
  if (t.t === 'number' || t.t === 'string') return true;
  if (t.t === 'array') return hasScalar(t.items);
  if (t.t === 'map') return hasScalar(t.values);
  return false;
}

/** A property: the value schema plus the field's description (refs wrapped in allOf, as upstream). */
function propertySchema(f: RawField, attr: AttributeInfo | undefined): Schema {
  const v = valueSchema(f.type, attr?.format ?? '');
  if (f.description === undefined) return v;
  if (v.$ref) return { description: f.description, allOf: [v] };
  return { description: f.description, ...v };
}

function valueSchema(t: TypeExpr, format: string): Schema {
  switch (t.t) {
    case 'string':
      return format === 'byte' ? { type: 'string', format: 'byte' } : { type: 'string' };
    case 'number':
      if (format === 'double' || format === 'float') return { type: 'number', format };
      return { type: 'integer', format: format === 'int64' ? 'int64' : 'int32' };
    case 'boolean':
      return { type: 'boolean' };
    case 'enum':
      return { type: 'string', enum: [...t.values] };
    case 'array':
      return { type: 'array', items: valueSchema(t.items, format) };
    case 'map':
      return { type: 'object', additionalProperties: valueSchema(t.values, format) };
    case 'ref':
      return refTo(t.name);
    case 'number|string':
      return { 'x-kubernetes-int-or-string': true };
    case 'any':
      return { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
  }
}

/** The definition name of a top-level kind, if it is part of the model. */
export function definitionFor(gvk: GVK): string | undefined {
  return shapeRegistry().kinds.get(gvkKey(gvk));
}

/** Every definition reachable from the given ones (including them). */
export function closure(names: Iterable<string>): Set<string> {
  const { schemas } = shapeRegistry();
  const out = new Set<string>();
  const stack = [...names];
  while (stack.length) {
    const n = stack.pop() as string;
    if (out.has(n)) continue;
    const s = schemas.get(n);
    if (!s) continue;
    out.add(n);
    collectRefs(s, stack);
  }
  return out;
}

export function collectRefs(s: Schema, into: string[]): void {
  if (s.$ref) into.push(refName(s.$ref));
  if (s.items) collectRefs(s.items, into);
  if (s.additionalProperties) collectRefs(s.additionalProperties, into);
  if (s.allOf) for (const x of s.allOf) collectRefs(x, into);
  if (s.oneOf) for (const x of s.oneOf) collectRefs(x, into);
  if (s.properties) for (const x of Object.values(s.properties)) collectRefs(x, into);
}
