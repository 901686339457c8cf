// OpenAPI documents of the served API, built from the resource table (../resources.ts) and the
// schema model (./schemas.ts): the v3 per-group-version documents kubectl 1.29+ reads, and the
// Swagger 2.0 document kubectl 1.27/1.28 require (served as JSON or, see ./protobuf.ts, protobuf).
// Paths, operation ids, tags, actions and parameters follow upstream's layout.

import { type ResourceInfo, type SubresourceInfo, resources } from '../resources.ts';
import { type GVK, type Schema, closure, collectRefs, definitionFor, refName, refTo, schemaRegistry } from './schemas.ts';

const META = 'io.k8s.apimachinery.pkg.apis.meta.v1';

export interface Parameter {
  name: string;
  in: 'query' | 'path' | 'body';
  description?: string;
  required?: boolean;
  schema?: Schema;
}

export interface Operation {
  tags: string[];
  description: string;
  operationId: string;
  parameters?: Parameter[];
  requestBody?: { content: Record<string, { schema: Schema }>; required?: boolean };
  responses: Record<string, { description: string; content?: Record<string, { schema: Schema }> }>;
  'x-kubernetes-action': string;
  'x-kubernetes-group-version-kind'?: GVK;
}

export type Method = 'get' | 'put' | 'post' | 'delete' | 'patch';

export interface PathItem {
  get?: Operation;
  put?: Operation;
  post?: Operation;
  delete?: Operation;
  patch?: Operation;
  parameters?: Parameter[];
}

export interface V3Document {
  openapi: '3.0.0';
  info: { title: string; version: string };
  paths: Record<string, PathItem>;
  components: {
    schemas: Record<string, Schema>;
    securitySchemes: Record<string, { type: string; name: string; in: string; description?: string }>;
  };
  security: Record<string, string[]>[];
}

// ---------------------------------------------------------------------------------------------
// Parameters (descriptions are ours; names, places and types as upstream)

type ParamType = 'string' | 'boolean' | 'integer';

const QUERY: Record<string, [ParamType, string]> = {
  allowWatchBookmarks: ['boolean', 'Requests watch events of type BOOKMARK. Servers may send them at their discretion; clients must not assume any interval.'],
  continue: ['string', 'The continue token of a previous paginated list call, to fetch the next chunk of results.'],
  dryRun: ['string', 'When present, modifications are not persisted. The only valid value is All: process all dry run stages.'],
  fieldManager: ['string', 'A name for the actor or entity that is making the change, recorded in managedFields. Required for apply requests (application/apply-patch).'],
  fieldSelector: ['string', 'A selector restricting the list of returned objects by their fields. Defaults to everything.'],
  fieldValidation: ['string', 'How the server treats fields of the request body that are unknown or duplicated: Ignore (drop them silently), Warn (drop them and return a warning for each; the default) or Strict (fail the request with BadRequest).'],
  force: ['boolean', 'For apply requests: take ownership of fields that conflict with other field managers. Must be unset for other patch types.'],
  gracePeriodSeconds: ['integer', 'The duration in seconds before the object should be deleted; zero means delete immediately. When unset, the default of the kind is used.'],
  ignoreStoreReadErrorWithClusterBreakingPotential: ['boolean', 'Removes an object that cannot be read from storage (corrupt or undecryptable) without running finalizers or admission. Dangerous; requires the dedicated permission.'],
  labelSelector: ['string', 'A selector restricting the list of returned objects by their labels. Defaults to everything.'],
  limit: ['integer', 'The maximum number of results of a list call; more results are fetched with the returned continue token.'],
  orphanDependents: ['boolean', 'Deprecated: use propagationPolicy. Whether dependent objects are orphaned.'],
  pretty: ['string', "If 'true', the output is pretty printed."],
  propagationPolicy: ['string', 'Whether and how garbage collection is performed for dependents: Orphan, Background or Foreground.'],
  resourceVersion: ['string', 'Constrains which resource versions a list or watch request may be served from. See resourceVersionMatch.'],
  resourceVersionMatch: ['string', 'How resourceVersion applies to list calls: Exact or NotOlderThan. Defaults to NotOlderThan when resourceVersion is set.'],
  sendInitialEvents: ['boolean', 'With watch=true and resourceVersionMatch=NotOlderThan: start the watch with synthetic ADDED events for the current state, followed by a bookmark.'],
  timeoutSeconds: ['integer', 'Timeout for the list or watch call, regardless of activity.'],
  watch: ['boolean', 'Watch for changes to the described resources and return them as a stream of add, update and remove notifications.'],
};

function q(name: string): Parameter {
  const [type, description] = QUERY[name];
  return { name, in: 'query', description, schema: { type, uniqueItems: true } };
}

function pathParam(name: 'name' | 'namespace', what: string): Parameter {
  const description = name === 'namespace' ? 'object name and auth scope, such as for teams and projects' : `name of the ${what}`;
  return { name, in: 'path', description, required: true, schema: { type: 'string', uniqueItems: true } };
}

const LIST_PARAMS = ['allowWatchBookmarks', 'continue', 'fieldSelector', 'labelSelector', 'limit', 'resourceVersion', 'resourceVersionMatch', 'sendInitialEvents', 'timeoutSeconds', 'watch'];
const WRITE_PARAMS = ['dryRun', 'fieldManager', 'fieldValidation'];
const PATCH_PARAMS = ['dryRun', 'fieldManager', 'fieldValidation', 'force'];
const DELETE_PARAMS = ['dryRun', 'gracePeriodSeconds', 'ignoreStoreReadErrorWithClusterBreakingPotential', 'orphanDependents', 'propagationPolicy'];
const DELETECOLLECTION_PARAMS = ['continue', 'dryRun', 'fieldSelector', 'gracePeriodSeconds', 'ignoreStoreReadErrorWithClusterBreakingPotential', 'labelSelector', 'limit', 'orphanDependents', 'propagationPolicy', 'resourceVersion', 'resourceVersionMatch', 'sendInitialEvents', 'timeoutSeconds'];

export const PATCH_CONTENT_TYPES = ['application/apply-patch+yaml', 'application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json'];
const OBJECT_CONTENT_TYPES = ['application/json', 'application/yaml', 'application/vnd.kubernetes.protobuf'];
const WATCH_CONTENT_TYPES = [...OBJECT_CONTENT_TYPES, 'application/json;stream=watch', 'application/vnd.kubernetes.protobuf;stream=watch'];

// ---------------------------------------------------------------------------------------------
// Paths of one group-version

const pascal = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
const groupLabel = (group: string) => (group ? group.split('.')[0] : 'core');

interface GVNames { prefix: string; opGV: string; tag: string }

function gvNames(group: string, version: string): GVNames {
  const label = groupLabel(group);
  return {
    prefix: group ? `/apis/${group}/${version}` : `/api/${version}`,
    opGV: `${label.split('-').map(pascal).join('')}${pascal(version)}`,
    tag: `${label}_${version}`,
  };
}

function content(types: string[], schema: Schema): Record<string, { schema: Schema }> {
  const c: Record<string, { schema: Schema }> = {};
  for (const t of types) c[t] = { schema };
  return c;
}

function responses(codes: Record<string, string>, schema: Schema, types = OBJECT_CONTENT_TYPES): Operation['responses'] {
  const out: Operation['responses'] = {};
  for (const [code, description] of Object.entries(codes)) out[code] = { description, content: content(types, schema) };
  out['401'] = { description: 'Unauthorized' };
  return out;
}

const OK = { '200': 'OK' };
const CREATED = { '200': 'OK', '201': 'Created', '202': 'Accepted' };
const REPLACED = { '200': 'OK', '201': 'Created' };

/** Kinds whose DELETE answers with the object (graceful deletion) rather than a Status. */
const DELETE_RETURNS_OBJECT = new Set(['/v1/Pod', '/v1/Service', '/v1/Namespace', '/v1/PersistentVolume', '/v1/PersistentVolumeClaim', '/v1/Node']);

function resourcePaths(r: ResourceInfo, names: GVNames, paths: Record<string, PathItem>): void {
  const gvk = gvkOf(r);
  const obj = refTo(definitionFor(gvk) ?? `${META}.Status`);
  const status = refTo(`${META}.Status`);
  const ns = r.namespaced ? 'Namespaced' : '';
  const base = r.namespaced ? `${names.prefix}/namespaces/{namespace}/${r.plural}` : `${names.prefix}/${r.plural}`;
  const nsParam = r.namespaced ? [pathParam('namespace', r.kind)] : [];
  const what = r.kind;
  const can = (v: string) => r.verbs.includes(v as ResourceInfo['verbs'][number]);
  const op = (verb: string, action: string, description: string, extra: Partial<Operation>): Operation => ({
    tags: [names.tag],
    description,
    operationId: `${verb}${names.opGV}${extra.operationId ?? `${ns}${r.kind}`}`,
    ...(extra.parameters ? { parameters: extra.parameters } : {}),
    ...(extra.requestBody ? { requestBody: extra.requestBody } : {}),
    responses: extra.responses ?? {},
    'x-kubernetes-action': action,
    'x-kubernetes-group-version-kind': extra['x-kubernetes-group-version-kind'] ?? gvk,
  });
  const listKind = definitionFor({ ...gvk, kind: r.listKind });

  const collection: PathItem = {};
  if (can('list') && listKind) {
    collection.get = op('list', 'list', `list or watch objects of kind ${what}`, {
      parameters: LIST_PARAMS.map(q), responses: responses(OK, refTo(listKind), WATCH_CONTENT_TYPES),
    });
  }
  if (can('create')) {
    collection.post = op('create', 'post', `create ${article(what)}`, {
      parameters: WRITE_PARAMS.map(q),
      requestBody: { content: { '*/*': { schema: obj } }, required: true },
      responses: responses(CREATED, obj),
    });
  }
  if (can('deletecollection')) {
    collection.delete = op('delete', 'deletecollection', `delete collection of ${what}`, {
      operationId: `Collection${ns}${r.kind}`,
      parameters: DELETECOLLECTION_PARAMS.map(q),
      requestBody: { content: { '*/*': { schema: refTo(`${META}.DeleteOptions`) } } },
      responses: responses(OK, status),
    });
  }
  if (Object.keys(collection).length) {
    collection.parameters = [...nsParam, q('pretty')];
    paths[base] = collection;
  }

  const item: PathItem = {};
  if (can('get')) item.get = op('read', 'get', `read the specified ${what}`, { responses: responses(OK, obj) });
  if (can('update')) {
    item.put = op('replace', 'put', `replace the specified ${what}`, {
      parameters: WRITE_PARAMS.map(q),
      requestBody: { content: { '*/*': { schema: obj } }, required: true },
      responses: responses(REPLACED, obj),
    });
  }
  if (can('delete')) {
    const deleted = DELETE_RETURNS_OBJECT.has(`${r.group}/${r.version}/${r.kind}`) ? obj : status;
    item.delete = op('delete', 'delete', `delete ${article(what)}`, {
      parameters: DELETE_PARAMS.map(q),
      requestBody: { content: { '*/*': { schema: refTo(`${META}.DeleteOptions`) } } },
      responses: responses({ '200': 'OK', '202': 'Accepted' }, deleted),
    });
  }
  if (can('patch')) {
    item.patch = op('patch', 'patch', `partially update the specified ${what}`, {
      parameters: PATCH_PARAMS.map(q),
      requestBody: { content: content(PATCH_CONTENT_TYPES, refTo(`${META}.Patch`)), required: true },
      responses: responses(REPLACED, obj),
    });
  }
  if (Object.keys(item).length) {
    item.parameters = [pathParam('name', what), ...nsParam, q('pretty')];
    paths[`${base}/{name}`] = item;
  }

  const watchEvent = refTo(`${META}.WatchEvent`);
  if (can('list') && listKind && r.namespaced) {
    paths[`${names.prefix}/${r.plural}`] = {
      get: op('list', 'list', `list or watch objects of kind ${what}`, {
        operationId: `${r.kind}ForAllNamespaces`, responses: responses(OK, refTo(listKind), WATCH_CONTENT_TYPES),
      }),
      parameters: [...LIST_PARAMS.map(q), q('pretty')].sort(byName),
    };
  }
  if (can('watch')) {
    const watchBase = r.namespaced ? `${names.prefix}/watch/namespaces/{namespace}/${r.plural}` : `${names.prefix}/watch/${r.plural}`;
    const listParams = LIST_PARAMS.map(q);
    paths[watchBase] = {
      get: op('watch', 'watchlist', `watch individual changes to a list of ${what}. deprecated: use the 'watch' parameter with a list operation instead.`, {
        operationId: `${ns}${r.kind}List`, responses: responses(OK, watchEvent, WATCH_CONTENT_TYPES),
      }),
      parameters: [...listParams, ...nsParam, q('pretty')].sort(byName),
    };
    paths[`${watchBase}/{name}`] = {
      get: op('watch', 'watch', `watch changes to an object of kind ${what}. deprecated: use the 'watch' parameter with a list operation instead, filtered to a single item with the 'fieldSelector' parameter.`, {
        responses: responses(OK, watchEvent, WATCH_CONTENT_TYPES),
      }),
      parameters: [...listParams, pathParam('name', what), ...nsParam, q('pretty')].sort(byName),
    };
    if (r.namespaced) {
      paths[`${names.prefix}/watch/${r.plural}`] = {
        get: op('watch', 'watchlist', `watch individual changes to a list of ${what}. deprecated: use the 'watch' parameter with a list operation instead.`, {
          operationId: `${r.kind}ListForAllNamespaces`, responses: responses(OK, watchEvent, WATCH_CONTENT_TYPES),
        }),
        parameters: [...listParams, q('pretty')].sort(byName),
      };
    }
  }

  for (const s of r.subresources) subresourcePaths(r, s, names, `${base}/{name}/${s.name}`, nsParam, paths, op);
}

type OpFactory = (verb: string, action: string, description: string, extra: Partial<Operation>) => Operation;

function subresourcePaths(r: ResourceInfo, s: SubresourceInfo, names: GVNames, path: string, nsParam: Parameter[], paths: Record<string, PathItem>, op: OpFactory): void {
  const def = definitionFor(s.kind);
  if (!def) return;
  const schema = refTo(def);
  const ns = r.namespaced ? 'Namespaced' : '';
  const suffix = `${ns}${r.kind}${pascal(s.name)}`;
  const gvk = gvkOf(s.kind);
  const what = s.name === 'status' ? `status of the specified ${r.kind}` : `${s.name} of the specified ${r.kind}`;
  const item: PathItem = {};
  for (const verb of s.verbs) {
    switch (verb) {
      case 'get':
        item.get = op('read', 'get', `read ${what}`, { operationId: suffix, responses: responses(OK, schema), 'x-kubernetes-group-version-kind': gvk });
        break;
      case 'update':
        item.put = op('replace', 'put', `replace ${what}`, {
          operationId: suffix, parameters: WRITE_PARAMS.map(q),
          requestBody: { content: { '*/*': { schema } }, required: true },
          responses: responses(REPLACED, schema), 'x-kubernetes-group-version-kind': gvk,
        });
        break;
      case 'patch':
        item.patch = op('patch', 'patch', `partially update ${what}`, {
          operationId: suffix, parameters: PATCH_PARAMS.map(q),
          requestBody: { content: content(PATCH_CONTENT_TYPES, refTo(`${META}.Patch`)), required: true },
          responses: responses(REPLACED, schema), 'x-kubernetes-group-version-kind': gvk,
        });
        break;
      case 'create':
        item.post = op('create', 'post', `create ${s.name} of ${article(r.kind)}`, {
          operationId: suffix, parameters: WRITE_PARAMS.map(q),
          requestBody: { content: { '*/*': { schema } }, required: true },
          responses: responses(CREATED, schema), 'x-kubernetes-group-version-kind': gvk,
        });
        break;
    }
  }
  if (Object.keys(item).length) {
    item.parameters = [pathParam('name', s.name === 'status' || s.name === 'scale' ? r.kind : s.kind.kind), ...nsParam, q('pretty')];
    paths[path] = item;
  }
}

/** A GVK in upstream's key order (group, kind, version). */
const gvkOf = (x: GVK): GVK => ({ group: x.group, kind: x.kind, version: x.version });
const byName = (a: Parameter, b: Parameter) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
const article = (kind: string) => `${/^[AEIOU]/.test(kind) ? 'an' : 'a'} ${kind}`;

// ---------------------------------------------------------------------------------------------
// Documents

export const OPENAPI_INFO_VERSION = 'v1.32.0';

/** Served group-versions as OpenAPI v3 discovery keys: "api/v1", "apis/apps/v1". */
export function groupVersionKeys(): string[] {
  const keys: string[] = [];
  for (const r of resources) {
    const k = r.group ? `apis/${r.group}/${r.version}` : `api/${r.version}`;
    if (!keys.includes(k)) keys.push(k);
  }
  return keys;
}

function parseKey(key: string): { group: string; version: string } | undefined {
  const parts = key.split('/');
  if (parts[0] === 'api' && parts.length === 2) return { group: '', version: parts[1] };
  if (parts[0] === 'apis' && parts.length === 3) return { group: parts[1], version: parts[2] };
  return undefined;
}

function gvPaths(group: string, version: string): Record<string, PathItem> {
  const names = gvNames(group, version);
  const paths: Record<string, PathItem> = {};
  paths[`${names.prefix}/`] = {
    get: {
      tags: [names.tag], description: 'get available resources', operationId: `get${names.opGV}APIResources`,
      responses: responses(OK, refTo(`${META}.APIResourceList`)), 'x-kubernetes-action': 'get',
    },
  };
  for (const r of resources) if (r.group === group && r.version === version) resourcePaths(r, names, paths);
  return paths;
}

function pathRefs(paths: Record<string, PathItem>): string[] {
  const refs: string[] = [];
  const fromSchema = (s: Schema | undefined) => { if (s) collectRefs(s, refs); };
  for (const item of Object.values(paths)) {
    for (const m of ['get', 'put', 'post', 'delete', 'patch'] as const) {
      const o = item[m];
      if (!o) continue;
      for (const c of Object.values(o.requestBody?.content ?? {})) fromSchema(c.schema);
      for (const r of Object.values(o.responses)) for (const c of Object.values(r.content ?? {})) fromSchema(c.schema);
    }
  }
  return refs;
}

const SECURITY = {
  securitySchemes: { BearerToken: { type: 'apiKey', name: 'authorization', in: 'header', description: 'Bearer Token authentication' } },
  security: [{ BearerToken: [] as string[] }],
};

/** The v3 document of one group-version key ("api/v1", "apis/apps/v1"), or undefined if not served. */
export function buildV3Document(key: string, version = OPENAPI_INFO_VERSION): V3Document | undefined {
  const gv = parseKey(key);
  if (!gv || !groupVersionKeys().includes(key)) return undefined;
  const paths = gvPaths(gv.group, gv.version);
  const names = closure([...pathRefs(paths), `${META}.DeleteOptions`, `${META}.Status`, `${META}.WatchEvent`]);
  const { schemas } = schemaRegistry();
  const out: Record<string, Schema> = {};
  for (const n of [...names].sort()) out[n] = schemas.get(n) as Schema;
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version },
    paths,
    components: { schemas: out, securitySchemes: SECURITY.securitySchemes },
    security: SECURITY.security,
  };
}

// ---------------------------------------------------------------------------------------------
// Swagger 2.0

export interface V2Schema {
  $ref?: string;
  description?: string;
  type?: string;
  format?: string;
  enum?: string[];
  required?: string[];
  properties?: Record<string, V2Schema>;
  additionalProperties?: V2Schema;
  items?: V2Schema;
  uniqueItems?: boolean;
  [ext: `x-${string}`]: unknown;
}

export interface V2Parameter {
  name: string;
  in: 'query' | 'path' | 'body';
  description?: string;
  required?: boolean;
  type?: string;
  uniqueItems?: boolean;
  schema?: V2Schema;
}

export interface V2Operation {
  tags: string[];
  description: string;
  operationId: string;
  consumes: string[];
  produces: string[];
  schemes: string[];
  parameters?: V2Parameter[];
  responses: Record<string, { description: string; schema?: V2Schema }>;
  'x-kubernetes-action': string;
  'x-kubernetes-group-version-kind'?: GVK;
}

export type V2PathItem = Partial<Record<Method, V2Operation>> & { parameters?: V2Parameter[] };

export interface V2Document {
  swagger: '2.0';
  info: { title: string; version: string };
  paths: Record<string, V2PathItem>;
  definitions: Record<string, V2Schema>;
  securityDefinitions: Record<string, { type: string; name: string; in: string; description?: string }>;
  security: Record<string, string[]>[];
}

/** A v3 component schema in Swagger 2.0 form: `$ref` + description instead of allOf, no oneOf. */
export function toV2Schema(s: Schema): V2Schema {
  if (s.allOf && s.allOf.length === 1 && s.allOf[0].$ref) {
    const out: V2Schema = { $ref: v2Ref(s.allOf[0].$ref) };
    if (s.description) out.description = s.description;
    copyExtensions(s, out);
    return out;
  }
  const out: V2Schema = {};
  if (s.$ref) out.$ref = v2Ref(s.$ref);
  if (s.description) out.description = s.description;
  if (s.oneOf || s['x-kubernetes-int-or-string']) {
    // Quantity: string; IntOrString: string with format int-or-string (upstream's v2 forms).
    out.type = 'string';
    if (s.format === 'int-or-string' || s['x-kubernetes-int-or-string'] || s.oneOf?.some((o) => o.type === 'integer')) out.format = 'int-or-string';
    copyExtensions(s, out);
    return out;
  }
  if (s.type) out.type = s.type;
  if (s.format) out.format = s.format;
  if (s.enum) out.enum = [...s.enum];
  if (s.required) out.required = [...s.required];
  if (s.items) out.items = toV2Schema(s.items);
  if (s.additionalProperties) out.additionalProperties = toV2Schema(s.additionalProperties);
  if (s.properties) {
    out.properties = {};
    for (const [k, v] of Object.entries(s.properties)) out.properties[k] = toV2Schema(v);
  }
  copyExtensions(s, out);
  return out;
}

const v2Ref = (ref: string) => `#/definitions/${refName(ref)}`;

function copyExtensions(s: Schema, out: V2Schema): void {
  for (const [k, v] of Object.entries(s)) {
    if (k.startsWith('x-') && k !== 'x-kubernetes-int-or-string') out[k as `x-${string}`] = v;
  }
}

function toV2Parameter(p: Parameter): V2Parameter {
  const out: V2Parameter = { name: p.name, in: p.in };
  if (p.description) out.description = p.description;
  if (p.required) out.required = true;
  if (p.schema?.type) out.type = p.schema.type;
  out.uniqueItems = true;
  return out;
}

function toV2Operation(o: Operation): V2Operation {
  const params = (o.parameters ?? []).map(toV2Parameter);
  let consumes = ['*/*'];
  const body = o.requestBody;
  if (body) {
    const types = Object.keys(body.content);
    const schema = Object.values(body.content)[0].schema;
    params.unshift({ name: 'body', in: 'body', required: true, schema: toV2Schema(schema) });
    if (!types.includes('*/*')) consumes = types;
  }
  const responses: V2Operation['responses'] = {};
  for (const [code, r] of Object.entries(o.responses)) {
    const c = r.content ? Object.values(r.content)[0] : undefined;
    responses[code] = c ? { description: r.description, schema: toV2Schema(c.schema) } : { description: r.description };
  }
  const anyWatch = Object.values(o.responses).some((r) => Object.keys(r.content ?? {}).some((t) => t.includes('stream=watch')));
  const out: V2Operation = {
    tags: o.tags,
    description: o.description,
    operationId: o.operationId,
    consumes,
    produces: anyWatch ? WATCH_CONTENT_TYPES : OBJECT_CONTENT_TYPES,
    schemes: ['https'],
    responses,
    'x-kubernetes-action': o['x-kubernetes-action'],
  };
  if (params.length) out.parameters = params;
  if (o['x-kubernetes-group-version-kind']) out['x-kubernetes-group-version-kind'] = o['x-kubernetes-group-version-kind'];
  return out;
}

/** The Swagger 2.0 document of everything served. */
export function buildV2Document(version = OPENAPI_INFO_VERSION): V2Document {
  const paths: Record<string, V2PathItem> = {};
  const refs: string[] = [`${META}.DeleteOptions`, `${META}.Status`, `${META}.WatchEvent`];
  for (const key of groupVersionKeys()) {
    const gv = parseKey(key) as { group: string; version: string };
    const v3paths = gvPaths(gv.group, gv.version);
    refs.push(...pathRefs(v3paths));
    for (const [p, item] of Object.entries(v3paths)) {
      const out: V2PathItem = {};
      for (const m of ['get', 'put', 'post', 'delete', 'patch'] as const) {
        const o = item[m];
        if (o) out[m] = toV2Operation(o);
      }
      if (item.parameters) out.parameters = item.parameters.map(toV2Parameter);
      paths[p] = out;
    }
  }
  const { schemas } = schemaRegistry();
  const definitions: Record<string, V2Schema> = {};
  for (const n of [...closure(refs)].sort()) definitions[n] = toV2Schema(schemas.get(n) as Schema);
  return {
    swagger: '2.0',
    info: { title: 'Kubernetes', version },
    paths,
    definitions,
    securityDefinitions: SECURITY.securitySchemes,
    security: SECURITY.security,
  };
}

