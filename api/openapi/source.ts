// Reads the Kubernetes API type data shipped in npm dependencies:
//  - `kubernetes-models` (and `@kubernetes-models/apimachinery`): one `.d.ts` per OpenAPI definition, with the
//    upstream descriptions as JSDoc, required-ness as `?`, enums as string-literal unions and references as
//    imported interface names;
//  - `@kubernetes/client-node`: the generated models' `attributeTypeMap`, which keeps the OpenAPI `format`
//    (int32/int64/double/byte) that TypeScript types lose.
// Nothing here runs at server startup: the schema builder calls it lazily on first use.

import { readFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve as resolvePath } from 'node:path';

/** A TypeScript type expression as it appears in the generated declarations. */
export type TypeExpr =
  | { t: 'string' }
  | { t: 'number' }
  | { t: 'boolean' }
  | { t: 'any' }
  | { t: 'enum'; values: string[] }
  | { t: 'array'; items: TypeExpr }
  | { t: 'map'; values: TypeExpr }
  | { t: 'ref'; name: string }
  | { t: 'number|string' };

export interface RawField {
  name: string;
  type: TypeExpr;
  optional: boolean;
  description?: string;
}

export interface RawType {
  /** OpenAPI definition name, e.g. io.k8s.api.core.v1.PodSpec */
  name: string;
  description?: string;
  /** Struct types. */
  fields?: RawField[];
  /** Type aliases (Time, Quantity, IntOrString, ...). */
  alias?: TypeExpr;
  /** Top-level kinds: the literal apiVersion and kind of `extends TypeMeta` interfaces. */
  gvk?: { group: string; version: string; kind: string };
}

const req = createRequire(import.meta.url);

interface Roots { models: string; apimachinery: string; clientModels: string }
let roots: Roots | undefined;

function packageRoots(): Roots {
  if (roots) return roots;
  const kmIndex = req.resolve('kubernetes-models');
  const models = dirname(kmIndex);
  const amIndex = createRequire(kmIndex).resolve('@kubernetes-models/apimachinery');
  const cnIndex = req.resolve('@kubernetes/client-node');
  roots = { models, apimachinery: dirname(amIndex), clientModels: join(dirname(cnIndex), 'gen', 'models') };
  return roots;
}

/** Upstream Go package of an API group, as it appears in definition names (io.k8s.api.<pkg>.<version>). */
function groupPackage(group: string): string {
  if (group === '') return 'io.k8s.api.core';
  if (group === 'apiextensions.k8s.io') return 'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions';
  if (group === 'apiregistration.k8s.io') return 'io.k8s.kube-aggregator.pkg.apis.apiregistration';
  return `io.k8s.api.${group.split('.')[0]}`;
}

/** Definition name of a model file, from its location in the package. */
function definitionNameOf(file: string): string {
  const r = packageRoots();
  const base = file.replace(/\.d\.ts$/, '');
  if (base.startsWith(r.apimachinery + '/')) {
    // apis/meta/v1/ObjectMeta → io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta
    return `io.k8s.apimachinery.pkg.${base.slice(r.apimachinery.length + 1).split('/').join('.')}`;
  }
  if (base.startsWith(r.models + '/')) {
    const parts = base.slice(r.models.length + 1).split('/');
    const type = parts.pop() as string;
    const version = parts.pop() as string;
    const group = parts.join('/');
    return `${groupPackage(group)}.${version}.${type}`;
  }
  throw new Error(`openapi: model file outside the known packages: ${file}`);
}

/** The declaration file of a served kind: kubernetes-models/<group>/<version>/<Kind>.d.ts (core: v1/<Kind>). */
export function kindFile(group: string, version: string, kind: string): string {
  const r = packageRoots();
  return join(r.models, group ? `${group}/${version}` : version, `${kind}.d.ts`);
}

/** The declaration file of an apimachinery type such as apis/meta/v1/Status. */
export function apimachineryFile(path: string): string {
  return join(packageRoots().apimachinery, `${path}.d.ts`);
}

// ---------------------------------------------------------------------------------------------
// .d.ts parsing

interface ParsedFile {
  type: RawType;
  /** Definition files this one refers to. */
  deps: string[];
}

function resolveImport(fromFile: string, spec: string): string {
  if (spec.startsWith('.')) return resolvePath(dirname(fromFile), spec) + '.d.ts';
  const am = '@kubernetes-models/apimachinery/';
  if (spec.startsWith(am)) return join(packageRoots().apimachinery, spec.slice(am.length)) + '.d.ts';
  throw new Error(`openapi: unexpected import ${spec} in ${fromFile}`);
}

/** JSDoc text without the comment markers; paragraphs keep their blank lines as upstream's "\n\n". */
function jsdocText(comment: string): string {
  const inner = comment.slice(comment.lastIndexOf('/**') + 3).replace(/\*\/$/, '');
  const lines = inner.split('\n').map((l) => l.replace(/^\s*\* ?/, ''));
  while (lines.length && lines[0].trim() === '') lines.shift();
  while (lines.length && lines[lines.length - 1].trim() === '') lines.pop();
  return lines.join('\n').replace(/\*\\\//g, '*/');
}

/** Parse a type expression; `refs` maps imported interface names to their definition files. */
function parseType(src: string, refs: Map<string, string>, file: string): TypeExpr {
  const s = src.trim();
  const members = splitTop(s, '|');
  if (members.length > 1) {
    if (members.every((m) => /^"[^"]*"$/.test(m))) return { t: 'enum', values: members.map((m) => JSON.parse(m) as string) };
    const set = new Set(members);
    if (set.size === 2 && set.has('number') && set.has('string')) return { t: 'number|string' };
    throw new Error(`openapi: unsupported union ${s} in ${file}`);
  }
  if (s === 'string' || /^"[^"]*"$/.test(s)) return { t: 'string' };
  if (s === 'number') return { t: 'number' };
  if (s === 'boolean') return { t: 'boolean' };
  if (s === 'any' || s === 'object' || s === 'unknown') return { t: 'any' };
  if (/^I\w+\["\w+"\]$/.test(s)) return { t: 'string' }; // IScale["kind"]: a literal string of another model
  if (s.startsWith('Array<') && s.endsWith('>')) return { t: 'array', items: parseType(s.slice(6, -1), refs, file) };
  const map = /^\{\s*\[key: string\]:\s*([\s\S]*?);?\s*\}$/.exec(s);
  if (map) return { t: 'map', values: parseType(map[1], refs, file) };
  if (s.startsWith('{') && s.endsWith('}')) {
    // An inlined kind (StatefulSetSpec.volumeClaimTemplates: PersistentVolumeClaim with optional
    // apiVersion/kind): refer to the kind whose spec it carries, as upstream does.
    const spec = parseMembers(s.slice(1, -1), refs, file).find((f) => f.name === 'spec');
    if (spec && spec.type.t === 'ref' && spec.type.name.endsWith('Spec')) {
      const kindName = spec.type.name.slice(0, -4);
      for (const target of refs.values()) {
        if (definitionNameOf(target) === spec.type.name) refs.set(`#inline:${kindName}`, target.replace(/Spec\.d\.ts$/, '.d.ts'));
      }
      return { t: 'ref', name: kindName };
    }
  }
  const dep = refs.get(s);
  if (dep) return { t: 'ref', name: definitionNameOf(dep) };
  throw new Error(`openapi: unsupported type ${s} in ${file}`);
}

/** Split at a separator character outside brackets and string literals. */
function splitTop(s: string, sep: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '"') { i = s.indexOf('"', i + 1); continue; }
    if (c === '<' || c === '{' || c === '[' || c === '(') depth++;
    else if (c === '>' || c === '}' || c === ']' || c === ')') depth--;
    else if (c === sep && depth === 0) { out.push(s.slice(start, i).trim()); start = i + 1; }
  }
  out.push(s.slice(start).trim());
  return out;
}

/** Parse the members of an interface body: JSDoc, `"name"?: Type;` */
function parseMembers(body: string, refs: Map<string, string>, file: string): RawField[] {
  const fields: RawField[] = [];
  let i = 0;
  let pending: string | undefined;
  while (i < body.length) {
    const c = body[i];
    if (c === ' ' || c === '\n' || c === '\t' || c === '\r') { i++; continue; }
    if (body.startsWith('/**', i)) {
      const end = body.indexOf('*/', i + 3);
      pending = jsdocText(body.slice(i, end + 2));
      i = end + 2;
      continue;
    }
    if (c !== '"') throw new Error(`openapi: cannot parse ${file} near ${body.slice(i, i + 40)}`);
    const nameEnd = body.indexOf('"', i + 1);
    const name = body.slice(i + 1, nameEnd);
    i = nameEnd + 1;
    let optional = false;
    if (body[i] === '?') { optional = true; i++; }
    if (body[i] !== ':') throw new Error(`openapi: expected ':' after ${name} in ${file}`);
    i++;
    // The type runs to the first ';' outside brackets and strings.
    let depth = 0;
    let j = i;
    for (; j < body.length; j++) {
      const d = body[j];
      if (d === '"') { j = body.indexOf('"', j + 1); continue; }
      if (d === '<' || d === '{' || d === '[' || d === '(') depth++;
      else if (d === '>' || d === '}' || d === ']' || d === ')') depth--;
      else if (d === ';' && depth === 0) break;
    }
    const typeSrc = body.slice(i, j);
    i = j + 1;
    fields.push({ name, type: parseType(typeSrc, refs, file), optional, ...(pending !== undefined ? { description: pending } : {}) });
    pending = undefined;
  }
  return fields;
}


/** The JSDoc comment that ends right before `at` (the declaration's line), if any. */
function docBefore(text: string, at: number): string | undefined {
  if (!text.startsWith('*/\n', at - 3)) return undefined;
  const start = text.lastIndexOf('/**', at);
  return start < 0 ? undefined : jsdocText(text.slice(start, at - 1));
}

function parseFile(file: string): ParsedFile {
  const text = readFileSync(file, 'utf8');
  const refs = new Map<string, string>();
  for (const m of text.matchAll(/^import \{ ([^}]+) \} from "([^"]+)";$/gm)) {
    if (m[2] === '@kubernetes-models/base') continue;
    const target = resolveImport(file, m[2]);
    for (const n of m[1].split(',')) refs.set(n.trim(), target);
  }
  // A model may refer to itself by its local name (JSONSchemaProps.properties: { [key]: IJSONSchemaProps }).
  for (const m of text.matchAll(/^export (?:interface|declare type) (I\w+)/gm)) refs.set(m[1], file);
  const name = definitionNameOf(file);
  const deps = () => [...new Set(refs.values())].filter((f) => f !== file);

  // `/** doc */ export interface IPodSpec { ... }` or `/** doc */ export declare type ITime = string;`
  const iface = /^export interface (I\w+)(?: extends TypeMeta)? \{/m.exec(text);
  if (iface) {
    const open = iface.index + iface[0].length;
    const close = text.indexOf('\n}\n', open);
    const body = text.slice(open, close);
    const type: RawType = { name, fields: parseMembers(body, refs, file) };
    const doc = docBefore(text, iface.index);
    if (doc !== undefined) type.description = doc;
    const apiVersion = /^ {4}"apiVersion": "([^"]*)";$/m.exec(body);
    const kind = /^ {4}"kind": "([^"]*)";$/m.exec(body);
    if (apiVersion && kind) {
      const [g, v] = apiVersion[1].includes('/') ? apiVersion[1].split('/') : ['', apiVersion[1]];
      type.gvk = { group: g, version: v, kind: kind[1] };
    }
    return { type, deps: deps() };
  }
  const alias = /^export declare type (I\w+) = ([^;]+);/m.exec(text);
  if (alias) {
    const type: RawType = { name, alias: parseType(alias[2], refs, file) };
    const doc = docBefore(text, alias.index);
    if (doc !== undefined) type.description = doc;
    return { type, deps: deps() };
  }
  throw new Error(`openapi: no declaration found in ${file}`);
}

/** Load definition files and everything they reference. Keyed by definition name. */
export function loadTypes(rootFiles: string[]): Map<string, RawType> {
  const out = new Map<string, RawType>();
  const seen = new Set<string>();
  const queue = [...rootFiles];
  while (queue.length) {
    const f = queue.pop() as string;
    if (seen.has(f)) continue;
    seen.add(f);
    if (!existsSync(f)) throw new Error(`openapi: missing model declaration ${f}`);
    const { type, deps } = parseFile(f);
    out.set(type.name, type);
    for (const d of deps) if (!seen.has(d)) queue.push(d);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Formats from @kubernetes/client-node

export interface AttributeInfo { type: string; format: string }

const attrCache = new Map<string, Map<string, AttributeInfo> | null>();

function readAttributeMap(model: string): Map<string, AttributeInfo> | null {
  const cached = attrCache.get(model);
  if (cached !== undefined) return cached;
  const file = join(packageRoots().clientModels, `${model}.js`);
  let result: Map<string, AttributeInfo> | null = null;
  if (existsSync(file)) {
    const m = /\.attributeTypeMap = (\[[\s\S]*?\n\]);/.exec(readFileSync(file, 'utf8'));
    if (m) {
      result = new Map();
      for (const a of JSON.parse(m[1]) as { baseName: string; type: string; format: string }[]) {
        result.set(a.baseName, { type: a.type, format: a.format });
      }
    }
  }
  attrCache.set(model, result);
  return result;
}

const pascal = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/**
 * The client-node model of a definition: `V1PodSpec`, or group-qualified where names collide
 * (`CoreV1Event`, `EventsV1Event`, `DiscoveryV1EndpointPort`).
 */
export function clientAttributes(definition: string, fieldNames: string[]): Map<string, AttributeInfo> | null {
  const parts = definition.split('.');
  const kind = parts[parts.length - 1];
  const version = parts[parts.length - 2];
  const pkg = parts[parts.length - 3];
  const candidates = definition.startsWith('io.k8s.apimachinery.pkg.version.')
    ? [`Version${kind}`]
    : [`${pascal(pkg)}${pascal(version)}${kind}`, `${pascal(version)}${kind}`];
  for (const c of candidates) {
    const m = readAttributeMap(c);
    if (m && fieldNames.every((f) => m.has(f) || f === 'apiVersion' || f === 'kind')) return m;
  }
  return null;
}

/** The upstream descriptions of TypeMeta's apiVersion and kind (stripped from kubernetes-models' kinds). */
export function typeMetaDescriptions(): { apiVersion: string; kind: string } {
  const text = readFileSync(join(packageRoots().clientModels, 'V1Pod.d.ts'), 'utf8');
  const doc = (field: string): string => {
    const m = new RegExp(`(\\/\\*\\*[\\s\\S]*?\\*\\/)\\s*'${field}'\\?:`).exec(text);
    return m ? jsdocText(m[1]) : '';
  };
  return { apiVersion: doc('apiVersion'), kind: doc('kind') };
}
