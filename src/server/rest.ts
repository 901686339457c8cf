// REST verbs on resources: get, list, watch, create, update, patch, delete, deletecollection,
// and the subresources status, scale, binding and finalize; pods/log streams from the node agent
// (exec, attach and portforward arrive as connection upgrades: see ./streaming).

import type { IncomingMessage, ServerResponse } from 'node:http';
import { type ResourceInfo, groupVersion } from '../../api/resources.ts';
import {
  StatusError, badRequest, conflict, invalid, methodNotAllowed, notFound, pathNotFound,
  fieldRequired, fieldInvalid, fieldForbidden, expired,
} from './errors.ts';
import type { GenericRegistry, Subresource, WriteOptions } from '../registry/generic.ts';
import { parseResourceVersion } from '../registry/generic.ts';
import { clone } from '../registry/validation/json.ts';
import { type FieldSelector, allFields, parseFieldSelector, parseLabelSelector, labelSelectorString, type MetaLabelSelector } from '../registry/selection.ts';
import { type KubeObject, isObject, now } from '../registry/object.ts';
import type { DeleteOptions } from '../registry/strategies/strategy.ts';
import type { ResourceRequest } from './requestinfo.ts';
import { type BodyKind, decodeDocument, readBody, requireKind } from './body.ts';
import { applyPatchOfKind } from './patch.ts';
import {
  type GroupVersionKind, fieldValidationDirective, findDuplicateFields, findUnknownFields, pruneUnknownFields,
  strictDecodingError, strictPatchError, strictWarnings, warningHeader,
} from './fieldvalidation.ts';
import { type BodyPart, type ResponseFormat, negotiate, sendJson, sendObject, sendParts, successStatus } from './respond.ts';
import { WatchStream } from './watchstream.ts';
import type { UserInfo } from './authn.ts';
import { ISSUER, type ServiceAccountClaims } from './serviceaccount/token.ts';
import { localSubjectAccessReview, selfSubjectAccessReview, selfSubjectReview, selfSubjectRulesReview, subjectAccessReview, tokenReview } from './reviews.ts';
import { type TableOptions, tableListParts, tableOptionsFrom, toTable, watchTable } from './table.ts';
import type { EventView } from '../watch/cacher.ts';
import { apply as applyFields, currentTime, managerFromUserAgent } from './apply/managedfields.ts';
import { type StreamingContext, podLog } from './streaming/index.ts';

export interface RestContext {
  registries: Map<ResourceInfo, GenericRegistry>;
  /** Looks up a bearer token (TokenReview). */
  authenticateToken?: (token: string) => UserInfo | undefined;
  /** Signs a service account token (serviceaccounts/token). */
  issueToken?: (claims: ServiceAccountClaims) => { token: string; expirationTimestamp: string };
  bookmarkIntervalMs: number;
  currentRevision: () => number;
  /** pods/log, exec, attach, portforward: how to reach node agents. */
  streaming?: StreamingContext;
}

type Query = URLSearchParams;

const WRITE_KINDS: readonly BodyKind[] = ['json', 'yaml', 'protobuf'];
const PATCH_KINDS: readonly BodyKind[] = ['json-patch', 'merge-patch', 'strategic-merge-patch', 'apply-patch'];
const NON_APPLY_PATCH_KINDS: readonly BodyKind[] = ['json-patch', 'merge-patch', 'strategic-merge-patch'];

export async function handleResource(ctx: RestContext, req: IncomingMessage, res: ServerResponse, r: ResourceRequest, query: Query, user: UserInfo): Promise<void> {
  const registry = ctx.registries.get(r.resource);
  const method = req.method ?? 'GET';
  if (r.resource.namespaced && r.name !== undefined && r.namespace === undefined) throw pathNotFound();
  if (!registry) {
    // Virtual create-only kinds: bindings go to their pod, reviews are answered from the request.
    if (method !== 'POST' || r.name !== undefined) throw methodNotAllowed(method, r.resource.kind);
    if (r.resource.plural === 'bindings' && r.namespace) return bindPod(ctx, req, res, r.namespace, undefined, query);
    const review = reviewHandlers[r.resource.plural];
    if (!review) throw methodNotAllowed(method, r.resource.kind);
    const body = await readDocument(req, WRITE_KINDS);
    return sendJson(res, 201, JSON.stringify(review(body, user, r.namespace ?? '', ctx)));
  }
  const format = negotiate(req.headers.accept);
  const sub = r.subresource;
  if (sub === undefined) return handleMain(ctx, registry, req, res, r, query, format, method);
  if (r.name === undefined) throw pathNotFound();
  if (!r.resource.subresources.some((s) => s.name === sub)) throw pathNotFound();
  switch (sub) {
    case 'status':
    case 'ephemeralcontainers':
      return handleObjectVerb(registry, req, res, r.namespace, r.name, sub, query, format, method);
    case 'scale':
      return handleScale(registry, req, res, r.namespace, r.name, query, format, method);
    case 'binding':
      if (method !== 'POST') throw methodNotAllowed(method, 'Binding');
      return bindPod(ctx, req, res, r.namespace!, r.name, query);
    case 'finalize':
      if (method !== 'PUT') throw methodNotAllowed(method, 'Namespace');
      return finalizeNamespace(registry, req, res, r.name, query, format);
    case 'eviction':
      if (method !== 'POST') throw methodNotAllowed(method, 'Eviction');
      return evictPod(registry, req, res, r.namespace!, r.name, query);
    case 'token':
      if (method !== 'POST') throw methodNotAllowed(method, 'TokenRequest');
      return requestToken(ctx, registry, req, res, r.namespace!, r.name);
    case 'log':
      if (!ctx.streaming) throw badRequest('this API server does not stream from node agents');
      return podLog(ctx.streaming, req, res, r.namespace!, r.name, query);
    case 'exec':
    case 'attach':
    case 'portforward':
      // Reached only without a connection upgrade (upgrades are routed before REST).
      throw badRequest('Upgrade request required');
    default:
      throw pathNotFound();
  }
}

/** serviceaccounts/token (kubectl create token): a JWT bound to the service account's uid. */
async function requestToken(ctx: RestContext, registry: GenericRegistry, req: IncomingMessage, res: ServerResponse, namespace: string, name: string): Promise<void> {
  const body = await readDocument(req, WRITE_KINDS);
  if (!isObject(body)) throw badRequest('the body must be an authentication.k8s.io/v1 TokenRequest');
  const spec = (isObject(body.spec) ? body.spec : {}) as { audiences?: string[]; expirationSeconds?: number; boundObjectRef?: { kind: string; name: string; uid?: string } };
  const expirationSeconds = spec.expirationSeconds ?? 3600;
  if (!Number.isInteger(expirationSeconds) || expirationSeconds < 600) {
    throw invalid('TokenRequest', 'authentication.k8s.io', name, [fieldInvalid('spec.expirationSeconds', expirationSeconds, 'may not specify a duration less than 10 minutes')]);
  }
  if (expirationSeconds > 2 ** 32) {
    throw invalid('TokenRequest', 'authentication.k8s.io', name, [fieldInvalid('spec.expirationSeconds', expirationSeconds, 'may not specify a duration larger than 2^32 seconds')]);
  }
  const sa = registry.getEntry(namespace, name).object;
  if (!ctx.issueToken) throw methodNotAllowed('POST', 'TokenRequest');
  const audiences = spec.audiences && spec.audiences.length > 0 ? spec.audiences : [ISSUER];
  const bound = spec.boundObjectRef ? { kind: spec.boundObjectRef.kind, name: spec.boundObjectRef.name, uid: spec.boundObjectRef.uid ?? '' } : undefined;
  const { token, expirationTimestamp } = ctx.issueToken({ namespace, name, uid: sa.metadata.uid ?? '', audiences, expirationSeconds, boundObject: bound });
  sendJson(res, 201, JSON.stringify({
    kind: 'TokenRequest', apiVersion: 'authentication.k8s.io/v1',
    metadata: { name, namespace, creationTimestamp: now() },
    spec: { audiences, expirationSeconds, boundObjectRef: spec.boundObjectRef ?? null },
    status: { token, expirationTimestamp },
  }));
}

/**
 * pods/eviction (kubectl drain): a delete that honours the Eviction's DeleteOptions.
 * PodDisruptionBudgets are not consulted yet (no disruption controller maintains them).
 */
async function evictPod(registry: GenericRegistry, req: IncomingMessage, res: ServerResponse, namespace: string, name: string, query: Query): Promise<void> {
  const body = await readDocument(req, WRITE_KINDS);
  if (!isObject(body)) throw badRequest('the body must be a policy/v1 Eviction');
  const ev = body as { metadata?: { name?: string }; deleteOptions?: DeleteOptions };
  if (ev.metadata?.name && ev.metadata.name !== name) {
    throw badRequest(`name in URL does not match name in Eviction object`);
  }
  const options: DeleteOptions = isObject(ev.deleteOptions) ? ev.deleteOptions : {};
  await registry.delete(namespace, name, options, { dryRun: isDryRun(query) || (options.dryRun?.includes('All') ?? false) });
  sendJson(res, 201, successStatus());
}

/** dryRun and the field manager of a write, from its query and User-Agent. */
function writeOptions(req: IncomingMessage, query: Query): WriteOptions {
  const fieldManager = query.get('fieldManager') ?? managerFromUserAgent(req.headers['user-agent']);
  if (fieldManager.length > 128) {
    throw invalid('PatchOptions', 'meta.k8s.io', '', [fieldInvalid('fieldManager', fieldManager, 'must be at most 128 characters')]);
  }
  return { dryRun: isDryRun(query), fieldManager };
}

function isDryRun(query: Query): boolean {
  const d = query.getAll('dryRun');
  if (d.length === 0) return false;
  for (const v of d) if (v !== 'All') throw badRequest(`Invalid dry run value: ${v}`);
  return true;
}

async function handleMain(
  ctx: RestContext, registry: GenericRegistry, req: IncomingMessage, res: ServerResponse,
  r: ResourceRequest, query: Query, format: ResponseFormat, method: string,
): Promise<void> {
  const info = registry.info;
  if (r.name === undefined) {
    switch (method) {
      case 'GET': {
        const w = query.get('watch');
        if (r.watchPrefix || w === 'true' || w === '1') return watch(ctx, registry, req, res, r.namespace, query, format);
        return list(registry, req, res, r.namespace, query, format);
      }
      case 'POST': {
        const body = await readObject(req, res, query, gvkOf(info), 'CreateOptions');
        const obj = await registry.create(r.namespace, body, writeOptions(req, query));
        return sendObject(res, 201, obj, format, registry.serialized.get(obj));
      }
      case 'DELETE':
        if (!info.verbs.includes('deletecollection')) throw methodNotAllowed(method, info.kind);
        return deleteCollection(registry, req, res, r.namespace, query, format);
      default:
        throw methodNotAllowed(method, info.kind);
    }
  }
  if (r.watchPrefix) {
    if (method !== 'GET') throw methodNotAllowed(method, info.kind);
    query.set('fieldSelector', mergeNameSelector(query.get('fieldSelector'), r.name));
    return watch(ctx, registry, req, res, r.namespace, query, format);
  }
  return handleObjectVerb(registry, req, res, r.namespace, r.name, '', query, format, method);
}

function mergeNameSelector(fs: string | null, name: string): string {
  const term = `metadata.name=${name}`;
  return fs ? `${fs},${term}` : term;
}

async function handleObjectVerb(
  registry: GenericRegistry, req: IncomingMessage, res: ServerResponse, namespace: string | undefined,
  name: string, sub: Subresource, query: Query, format: ResponseFormat, method: string,
): Promise<void> {
  const opts = method === 'GET' || method === 'DELETE' ? { dryRun: method === 'DELETE' && isDryRun(query) } : writeOptions(req, query);
  switch (method) {
    case 'GET': {
      const e = registry.getEntry(namespace, name);
      if (format === 'table') {
        const obj = registry.served(e);
        const table = toTable(registry.info.group, registry.info.plural, [obj], { resourceVersion: obj.metadata.resourceVersion }, tableOptionsFrom(req.headers.accept, query));
        return sendJson(res, 200, JSON.stringify(table));
      }
      return sendObject(res, 200, registry.served(e), format, registry.strategy.fromStorage ? undefined : e.json);
    }
    case 'PUT': {
      const body = await readObject(req, res, query, gvkOf(registry.info), 'UpdateOptions');
      const obj = await registry.update(namespace, name, body, sub, opts);
      return sendObject(res, 200, obj, format, registry.serialized.get(obj));
    }
    case 'PATCH': {
      const kind = requireKind(req.headers['content-type'], PATCH_KINDS);
      const raw = await readBody(req);
      const patch = decodeDocument(raw, kind);
      const gvk = gvkOf(registry.info);
      if (kind === 'apply-patch') {
        if (isObject(patch)) validatePatched(res, query, gvk, kind, '', patch, patch as KubeObject);
        return serverSideApply(registry, res, namespace, name, sub, patch, query, opts, format);
      }
      if (query.has('force')) throw invalid('PatchOptions', 'meta.k8s.io', '', [fieldForbidden('force', 'may not be specified for non-apply patch')]);
      const rawText = raw.toString('utf8');
      // Counted before the patch is applied (applying may change the decoded patch).
      const repeatsKeys = mayRepeatKeys(rawText, patch);
      let validated = false;
      const obj = await registry.guaranteedUpdate(namespace, name, (current, copy) => {
        // current is shared: the patch applies to a private copy (a JSON patch copies its target itself).
        const patched = applyPatchOfKind(kind, kind === 'json-patch' ? current : copy(), patch, gvk);
        if (!isObject(patched)) throw badRequest('the patch did not produce an object');
        const p = patched as KubeObject;
        if (!validated) { validatePatched(res, query, gvk, kind, rawText, patch, p, repeatsKeys); validated = true; } else pruneUnknownFields(gvk, p);
        // A resourceVersion in the patch is a precondition; otherwise the patch applies to whatever is current.
        const patchRv = isObject(patch) && isObject(patch.metadata) ? patch.metadata.resourceVersion : undefined;
        if (typeof patchRv !== 'string' && isObject(p.metadata)) p.metadata.resourceVersion = current.metadata.resourceVersion;
        return registry.updateFrom(current, p, sub, opts);
      }, opts, true);
      return sendObject(res, 200, obj, format, registry.serialized.get(obj));
    }
    case 'DELETE': {
      if (sub) throw methodNotAllowed(method, registry.info.kind);
      if (!registry.info.verbs.includes('delete')) throw methodNotAllowed(method, registry.info.kind);
      const options = await readDeleteOptions(req, query);
      const { obj } = await registry.delete(namespace, name, options, { dryRun: !!opts.dryRun || (options.dryRun?.includes('All') ?? false) });
      // Deleted at once → 200; kept for graceful deletion or finalizers → 202 upstream only for async; 200 is what kubectl expects.
      return sendObject(res, 200, obj, format);
    }
    default:
      throw methodNotAllowed(method, registry.info.kind);
  }
}

const gvkOf = (info: ResourceInfo) => ({ group: info.group, version: info.version, kind: info.kind });

/**
 * Read a create/update body and apply fieldValidation (Strict: 400 on unknown or duplicate
 * fields; Warn, the default: Warning headers) the way upstream's decoder does; unknown fields
 * are then dropped, never stored.
 */
async function readObject(req: IncomingMessage, res: ServerResponse, query: Query, gvk: GroupVersionKind, options: 'CreateOptions' | 'UpdateOptions'): Promise<unknown> {
  const directive = fieldValidationDirective(query.get('fieldValidation'), options);
  const kind = requireKind(req.headers['content-type'], WRITE_KINDS);
  const buf = await readBody(req);
  const doc = decodeDocument(buf, kind);
  // Unknown fields are dropped (never stored); when the check found none, there are none to drop.
  let prune = true;
  if (directive !== 'Ignore' && kind !== 'protobuf' && isObject(doc)) {
    const unknown = findUnknownFields(gvk, doc);
    let duplicates: string[] = [];
    if (kind === 'json') {
      const text = buf.toString('utf8');
      if (mayRepeatKeys(text, doc)) duplicates = findDuplicateFields(text);
    }
    if (unknown.length > 0 || duplicates.length > 0) {
      if (directive === 'Strict') throw strictDecodingError(gvk, unknown, duplicates);
      for (const w of strictWarnings(unknown, duplicates)) res.appendHeader('Warning', warningHeader(w));
    }
    prune = unknown.length > 0;
  }
  if (prune && isObject(doc)) pruneUnknownFields(gvk, doc);
  return doc;
}

/**
 * Whether a JSON text (one that parsed into `parsed`) may repeat a key within an object: it
 * has more members (colons outside strings) than its parse has keys, since parsing keeps one
 * value per key. Without repeats, the findDuplicateFields scan (which builds the path of every
 * key) has nothing to find.
 */
function mayRepeatKeys(text: string, parsed: unknown): boolean {
  return countMembers(text) !== countKeys(parsed);
}

function countMembers(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 58) n++; // ':'
    else if (c === 34) {
      // A string: jump to its closing quote (one not escaped by an odd run of backslashes).
      for (let j = i + 1; ; j++) {
        j = s.indexOf('"', j);
        if (j < 0) return n;
        let b = j - 1;
        while (s.charCodeAt(b) === 92) b--;
        if ((j - 1 - b) % 2 === 0) { i = j; break; }
      }
    }
  }
  return n;
}

function countKeys(v: unknown): number {
  if (typeof v !== 'object' || v === null) return 0;
  let n = 0;
  if (Array.isArray(v)) {
    for (const x of v) n += countKeys(x);
    return n;
  }
  const o = v as Record<string, unknown>;
  for (const k in o) n += 1 + countKeys(o[k]);
  return n;
}

/** fieldValidation for a patch: unknown fields of the patched object, duplicates in the raw patch. */
function validatePatched(res: ServerResponse, query: Query, gvk: GroupVersionKind, kind: BodyKind, rawPatch: string, patch: unknown, patched: KubeObject, repeatsKeys = true): void {
  const directive = fieldValidationDirective(query.get('fieldValidation'), 'PatchOptions');
  let prune = true;
  if (directive !== 'Ignore') {
    const unknown = findUnknownFields(gvk, patched);
    const duplicates = kind === 'apply-patch' || !repeatsKeys ? [] : findDuplicateFields(rawPatch);
    if (unknown.length > 0 || duplicates.length > 0) {
      if (directive === 'Strict') throw strictPatchError(kind === 'strategic-merge-patch' ? patch : JSON.stringify(patched), unknown, duplicates);
      for (const w of strictWarnings(unknown, duplicates, true)) res.appendHeader('Warning', warningHeader(w));
    }
    prune = unknown.length > 0;
  }
  if (prune) pruneUnknownFields(gvk, patched);
}

async function readDocument(req: IncomingMessage, kinds: readonly BodyKind[]): Promise<unknown> {
  const kind = requireKind(req.headers['content-type'], kinds);
  return decodeDocument(await readBody(req), kind);
}

async function readDeleteOptions(req: IncomingMessage, query: Query): Promise<DeleteOptions> {
  const buf = await readBody(req);
  let options: DeleteOptions = {};
  if (buf.length > 0) {
    const doc = decodeDocument(buf, requireKind(req.headers['content-type'], WRITE_KINDS));
    if (doc !== null && !isObject(doc)) throw badRequest('DeleteOptions must be a JSON object');
    options = (doc ?? {}) as DeleteOptions;
  }
  const grace = query.get('gracePeriodSeconds');
  if (grace !== null) {
    if (!/^-?\d+$/.test(grace)) throw badRequest(`invalid gracePeriodSeconds: ${grace}`);
    options.gracePeriodSeconds = Number(grace);
  }
  const policy = query.get('propagationPolicy');
  if (policy !== null) options.propagationPolicy = policy as DeleteOptions['propagationPolicy'];
  const orphan = query.get('orphanDependents');
  if (orphan !== null) options.orphanDependents = orphan === 'true';
  if (query.getAll('dryRun').length > 0) options.dryRun = query.getAll('dryRun');
  const errs = [];
  if (options.propagationPolicy !== undefined && !['Orphan', 'Background', 'Foreground'].includes(options.propagationPolicy)) {
    errs.push({ type: 'FieldValueNotSupported' as const, field: 'propagationPolicy', value: options.propagationPolicy, supported: ['Foreground', 'Background', 'Orphan'] });
  }
  if (options.propagationPolicy !== undefined && options.orphanDependents !== undefined) {
    errs.push({ type: 'FieldValueInvalid' as const, field: 'propagationPolicy', value: options.propagationPolicy, detail: 'orphanDependents and deletionPropagation cannot be both set' });
  }
  if (options.gracePeriodSeconds !== undefined && options.gracePeriodSeconds < 0) options.gracePeriodSeconds = 1;
  if (errs.length) throw invalid('DeleteOptions', '', '', errs);
  return options;
}

function selectorsOf(registry: GenericRegistry, query: Query): { label: ReturnType<typeof parseLabelSelector>; field: FieldSelector } {
  const label = parseLabelSelector(query.get('labelSelector') ?? undefined);
  const fs = query.get('fieldSelector');
  const conversion = registry.strategy.fieldLabelConversion;
  if (!fs) return { label, field: allFields };
  if (!conversion) return { label, field: parseFieldSelector(fs, selectableFieldNames(registry)) };
  // Select on the stored form: served field labels map onto stored ones.
  const served = parseFieldSelector(fs, new Set(['metadata.name', 'metadata.namespace', ...Object.keys(conversion)]));
  return { label, field: { ...served, requirements: served.requirements.map((r) => ({ ...r, field: conversion[r.field] ?? r.field })) } };
}

const selectableCache = new WeakMap<GenericRegistry, Set<string>>();

/** The fields a resource can be selected by: metadata.name/namespace plus its strategy's. */
function selectableFieldNames(registry: GenericRegistry): Set<string> {
  let s = selectableCache.get(registry);
  if (!s) {
    s = new Set(['metadata.name', 'metadata.namespace']);
    const sample = registry.strategy.selectableFields?.({ metadata: {} });
    for (const k of Object.keys(sample ?? {})) s.add(k);
    selectableCache.set(registry, s);
  }
  return s;
}

function parseLimit(query: Query): number | undefined {
  const l = query.get('limit');
  if (l === null || l === '') return undefined;
  if (!/^\d+$/.test(l)) throw badRequest(`invalid limit: ${l}`);
  return Number(l);
}

function list(registry: GenericRegistry, req: IncomingMessage, res: ServerResponse, namespace: string | undefined, query: Query, format: ResponseFormat): void {
  const info = registry.info;
  const { label, field } = selectorsOf(registry, query);
  const rv = query.get('resourceVersion') ?? undefined;
  const rvMatch = query.get('resourceVersionMatch') ?? undefined;
  const continueToken = query.get('continue') ?? undefined;
  if (rvMatch !== undefined && !['Exact', 'NotOlderThan'].includes(rvMatch)) {
    throw invalid('ListOptions', 'meta.k8s.io', '', [{ type: 'FieldValueNotSupported', field: 'resourceVersionMatch', value: rvMatch, supported: ['Exact', 'NotOlderThan'] }]);
  }
  if (rvMatch !== undefined && !rv) {
    throw invalid('ListOptions', 'meta.k8s.io', '', [fieldForbiddenNoRv()]);
  }
  if (continueToken && rv && rv !== '0') {
    throw invalid('ListOptions', 'meta.k8s.io', '', [fieldInvalid('resourceVersion', rv, 'specifying resource version is not allowed when using continue')]);
  }
  if (rv) parseResourceVersion(rv);
  const result = registry.list(namespace, { label, field, limit: parseLimit(query), continueToken, resourceVersion: rv, resourceVersionMatch: rvMatch });
  const cont = registry.continueToken(result, namespace);
  let metadata = `{"resourceVersion":"${result.revision}"`;
  if (cont) metadata += `,"continue":"${cont}"`;
  if (result.remainingItemCount !== undefined) metadata += `,"remainingItemCount":${result.remainingItemCount}`;
  metadata += '}';
  const head = `{"kind":"${info.listKind}","apiVersion":"${groupVersion(info)}","metadata":${metadata},"items":[`;
  if (format === 'table') {
    const parts = tableListParts(info.group, info.plural, result.items,
      { resourceVersion: String(result.revision), continue: cont, remainingItemCount: result.remainingItemCount }, tableOptionsFrom(req.headers.accept, query),
      registry.strategy.fromStorage ? (e) => registry.served(e) : undefined);
    return sendParts(res, 200, parts);
  }
  if (format === 'yaml') {
    const items = result.items.map((e) => registry.served(e));
    return sendObject(res, 200, { kind: info.listKind, apiVersion: groupVersion(info), metadata: JSON.parse(metadata), items }, 'yaml');
  }
  if (registry.strategy.fromStorage) {
    sendJson(res, 200, head + result.items.map((e) => JSON.stringify(registry.served(e))).join(',') + ']}');
    return;
  }
  sendList(res, head, result.items.map((e) => e.buffer));
}

const COMMA = Buffer.from(',');
const LIST_END = Buffer.from(']}');

function sendList(res: ServerResponse, head: string, items: Buffer[]): void {
  // The items' cached encodings go out as they are, copied only into the slices being written.
  const parts: BodyPart[] = [head];
  for (let i = 0; i < items.length; i++) {
    if (i > 0) parts.push(COMMA);
    parts.push(items[i]);
  }
  parts.push(LIST_END);
  sendParts(res, 200, parts);
}

function fieldForbiddenNoRv() {
  return fieldRequired('resourceVersionMatch', 'resourceVersionMatch is forbidden unless resourceVersion is provided');
}

/** Upstream picks a random watch timeout in [min, 2*min) with a 30-minute minimum. */
const defaultWatchTimeoutMs = () => (1800 + Math.floor(Math.random() * 1800)) * 1000;

function watch(ctx: RestContext, registry: GenericRegistry, req: IncomingMessage, res: ServerResponse, namespace: string | undefined, query: Query, format: ResponseFormat): void {
  const info = registry.info;
  const tableOpts = format === 'table' ? tableOptionsFrom(req.headers.accept, query) : undefined;
  const { label, field } = selectorsOf(registry, query);
  const timeout = query.get('timeoutSeconds');
  if (timeout !== null && !/^\d+$/.test(timeout)) throw badRequest(`invalid timeoutSeconds: ${timeout}`);
  const sendInitialEvents = query.get('sendInitialEvents');
  const rv = query.get('resourceVersion') ?? undefined;
  const bookmarks = query.get('allowWatchBookmarks') === 'true';
  if (sendInitialEvents !== null) {
    if (query.get('resourceVersionMatch') !== 'NotOlderThan') {
      throw invalid('ListOptions', 'meta.k8s.io', '', [fieldInvalid('resourceVersionMatch', query.get('resourceVersionMatch') ?? '', "sendInitialEvents requires setting resourceVersionMatch to NotOlderThan")]);
    }
    if (!bookmarks && sendInitialEvents === 'true') {
      throw invalid('ListOptions', 'meta.k8s.io', '', [fieldForbiddenBookmarks()]);
    }
  }
  if (rv) parseResourceVersion(rv);
  const initial = sendInitialEvents === 'true';
  // Validate everything that can fail before the 200 goes out.
  const stream = new WatchStream(res, {
    kind: info.kind,
    apiVersion: groupVersion(info),
    bookmarks,
    bookmarkIntervalMs: ctx.bookmarkIntervalMs,
    timeoutMs: timeout !== null ? Number(timeout) * 1000 : defaultWatchTimeoutMs(),
    currentRevision: ctx.currentRevision,
    transform: watchTransform(registry, tableOpts),
  });
  let stop: (() => void) | undefined;
  try {
    const startRev = ctx.currentRevision();
    stop = registry.watch(namespace, {
      label, field,
      resourceVersion: initial ? undefined : rv,
      sendInitialEvents: initial ? true : undefined,
    }, stream);
    if (initial) stream.bookmark(startRev, true);
  } catch (e) {
    if (e instanceof StatusError) {
      stream.error(e.toStatus());
      return;
    }
    throw e;
  }
  stream.onClose = () => stop?.();
  req.on('close', () => stream.end());
}

/** Watch events in the served form: converted (events.k8s.io) and/or as one-row Tables (kubectl get -w). */
function watchTransform(registry: GenericRegistry, tableOpts: TableOptions | undefined): ((v: EventView) => string) | undefined {
  const convert = registry.strategy.fromStorage;
  if (!convert && !tableOpts) return undefined;
  let first = true;
  return (v) => {
    const obj = convert ? convert(clone(v.entry.object)) : v.entry.object;
    if (!tableOpts) return `{"type":"${v.type}","object":${JSON.stringify(obj)}}\n`;
    const table = watchTable(registry.info.group, registry.info.plural, obj, first, tableOpts);
    first = false;
    return `{"type":"${v.type}","object":${JSON.stringify(table)}}\n`;
  };
}

function fieldForbiddenBookmarks() {
  return fieldInvalid('allowWatchBookmarks', false, 'sendInitialEvents requires setting allowWatchBookmarks to true');
}

async function deleteCollection(registry: GenericRegistry, req: IncomingMessage, res: ServerResponse, namespace: string | undefined, query: Query, format: ResponseFormat): Promise<void> {
  const options = await readDeleteOptions(req, query);
  const { label, field } = selectorsOf(registry, query);
  const { items } = registry.list(namespace, { label, field });
  const deleted: KubeObject[] = [];
  const dryRun = isDryRun(query);
  for (const e of items) {
    const m = e.object.metadata;
    try {
      const { obj } = await registry.delete(m.namespace, m.name!, { ...options }, { dryRun });
      deleted.push(obj);
    } catch (err) {
      // Objects that vanished meanwhile are simply not part of the result.
      if (!(err instanceof StatusError && err.code === 404)) throw err;
    }
  }
  const info = registry.info;
  sendObject(res, 200, { kind: info.listKind, apiVersion: groupVersion(info), metadata: { resourceVersion: String(registry.list(namespace, { label: parseLabelSelector(undefined), field: allFields, limit: 1 }).revision) }, items: deleted }, format);
}

// ---- reviews ----

type ReviewHandler = (body: unknown, user: UserInfo, namespace: string, ctx: RestContext) => object;

const reviewHandlers: Record<string, ReviewHandler> = {
  selfsubjectaccessreviews: (body, user) => selfSubjectAccessReview(body, user),
  selfsubjectrulesreviews: (body, user) => selfSubjectRulesReview(body, user),
  subjectaccessreviews: (body) => subjectAccessReview(body),
  localsubjectaccessreviews: (body, _user, namespace) => localSubjectAccessReview(body, namespace),
  selfsubjectreviews: (_body, user) => selfSubjectReview(user),
  tokenreviews: (body, _user, _ns, ctx) => tokenReview(body, (token) => ctx.authenticateToken?.(token)),
};

// ---- server-side apply ----

async function serverSideApply(
  registry: GenericRegistry, res: ServerResponse, namespace: string | undefined, name: string, sub: Subresource,
  patch: unknown, query: Query, opts: WriteOptions, format: ResponseFormat,
): Promise<void> {
  const info = registry.info;
  if (!query.get('fieldManager')) {
    throw invalid('PatchOptions', 'meta.k8s.io', '', [fieldRequired('fieldManager', 'is required for apply patch')]);
  }
  const force = query.get('force') === 'true';
  if (!isObject(patch)) throw badRequest('the body of an apply patch must be an object');
  const applied = patch as KubeObject;
  const gv = groupVersion(info);
  if (applied.apiVersion !== gv || applied.kind !== info.kind) {
    throw badRequest(`the ${applied.apiVersion === gv ? 'kind' : 'API version'} in the data (${applied.apiVersion === gv ? applied.kind : applied.apiVersion}) does not match the expected ${applied.apiVersion === gv ? 'kind' : 'API version'} (${applied.apiVersion === gv ? info.kind : gv})`);
  }
  if (!isObject(applied.metadata)) applied.metadata = {};
  if (applied.metadata.name !== undefined && applied.metadata.name !== name) {
    throw badRequest(`the name of the object (${applied.metadata.name}) does not match the name on the URL (${name})`);
  }
  const manager = opts.fieldManager!;
  const applyOpts: WriteOptions = { ...opts, managedFieldsSet: true };
  for (let attempt = 0; attempt < 3; attempt++) {
    const exists = registry.cacherHas(namespace, name);
    if (!exists) {
      if (sub) throw notFound(registry.qualified, name);
      const { object, managedFields } = applyFields(undefined, clone(applied), manager, gv, force, '');
      object.metadata.name = name;
      if (managedFields) object.metadata.managedFields = managedFields;
      try {
        const created = await registry.create(namespace, object, applyOpts);
        return sendObject(res, 201, created, format, registry.serialized.get(created));
      } catch (e) {
        if (e instanceof StatusError && e.reason === 'AlreadyExists') continue;
        throw e;
      }
    }
    try {
      const obj = await registry.guaranteedUpdate(namespace, name, (current, copy) => {
        // apply builds on a private copy of the live object; current itself stays as it is.
        const { object, managedFields } = applyFields(copy(), clone(applied), manager, gv, force, sub ?? '');
        object.metadata.resourceVersion = current.metadata.resourceVersion;
        if (managedFields) object.metadata.managedFields = managedFields;
        else delete object.metadata.managedFields;
        return registry.updateFrom(current, object, sub, applyOpts);
      }, applyOpts, true);
      return sendObject(res, 200, obj, format, registry.serialized.get(obj));
    } catch (e) {
      if (e instanceof StatusError && e.code === 404) continue;
      throw e;
    }
  }
  throw conflict(registry.qualified, name, 'the object was created and deleted while applying; please retry');
}

// ---- scale ----

const SCALE_GVK = { group: 'autoscaling', version: 'v1', kind: 'Scale' };

interface Scale {
  apiVersion: 'autoscaling/v1';
  kind: 'Scale';
  metadata: Record<string, unknown>;
  spec: { replicas?: number };
  status: { replicas: number; selector?: string };
}

function scaleOf(obj: KubeObject): Scale {
  const spec = (obj.spec ?? {}) as { replicas?: number; selector?: MetaLabelSelector | Record<string, string> };
  const status = (obj.status ?? {}) as { replicas?: number };
  const m = obj.metadata;
  // ReplicationControllers select with a plain map; the apps kinds with a LabelSelector.
  const sel = spec.selector;
  const selector = obj.kind === 'ReplicationController'
    ? labelSelectorString({ matchLabels: sel as Record<string, string> })
    : labelSelectorString(sel as MetaLabelSelector);
  return {
    apiVersion: 'autoscaling/v1',
    kind: 'Scale',
    metadata: { name: m.name, namespace: m.namespace, uid: m.uid, resourceVersion: m.resourceVersion, creationTimestamp: m.creationTimestamp },
    spec: { replicas: spec.replicas ?? 0 },
    status: { replicas: status.replicas ?? 0, ...(selector ? { selector } : {}) },
  };
}

async function handleScale(registry: GenericRegistry, req: IncomingMessage, res: ServerResponse, namespace: string | undefined, name: string, query: Query, format: ResponseFormat, method: string): Promise<void> {
  if (method === 'GET') return sendObject(res, 200, scaleOf(registry.getEntry(namespace, name).object), format);
  const opts = writeOptions(req, query);
  let patchKind: BodyKind | undefined;
  let doc: unknown;
  if (method === 'PUT') doc = await readDocument(req, WRITE_KINDS);
  else if (method === 'PATCH') {
    patchKind = requireKind(req.headers['content-type'], NON_APPLY_PATCH_KINDS);
    doc = decodeDocument(await readBody(req), patchKind);
  } else throw methodNotAllowed(method, 'Scale');
  const obj = await registry.guaranteedUpdate(namespace, name, (current, copy) => {
    const scale = scaleOf(current);
    const desired = (patchKind ? applyPatchOfKind(patchKind, clone(scale), doc, SCALE_GVK) : doc) as Scale;
    if (!isObject(desired) || !isObject(desired.spec)) throw badRequest('the body must be an autoscaling/v1 Scale');
    const rv = isObject(desired.metadata) ? desired.metadata.resourceVersion : undefined;
    if (!patchKind && typeof rv === 'string' && rv !== '' && rv !== current.metadata.resourceVersion) {
      throw conflict(registry.qualified, name, 'the object has been modified; please apply your changes to the latest version and try again');
    }
    const replicas = desired.spec.replicas;
    if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0) {
      throw invalid('Scale', 'autoscaling', name, [fieldInvalid('spec.replicas', replicas ?? null, 'must be greater than or equal to 0')]);
    }
    const next = copy();
    (next.spec as { replicas?: number }).replicas = replicas;
    return registry.updateFrom(current, next, '', opts);
  }, opts, true);
  sendObject(res, 200, scaleOf(obj), format);
}

// ---- pods/binding ----

const podRegistries = new WeakMap<RestContext, GenericRegistry>();

/** The pods registry (looked up once per context, not by a scan of every registry per binding). */
function podsOf(ctx: RestContext): GenericRegistry | undefined {
  let pods = podRegistries.get(ctx);
  if (!pods) {
    pods = [...ctx.registries.values()].find((r) => r.info.group === '' && r.info.plural === 'pods');
    if (pods) podRegistries.set(ctx, pods);
  }
  return pods;
}

async function bindPod(ctx: RestContext, req: IncomingMessage, res: ServerResponse, namespace: string, name: string | undefined, query: Query): Promise<void> {
  const body = await readDocument(req, WRITE_KINDS);
  if (!isObject(body)) throw badRequest('the body must be a Binding');
  const b = body as { metadata?: { name?: string }; target?: { kind?: string; name?: string } };
  const podName = name ?? b.metadata?.name;
  if (!podName) throw invalid('Binding', '', '', [fieldRequired('metadata.name')]);
  if (name && b.metadata?.name && b.metadata.name !== name) throw badRequest(`the name of the object (${b.metadata.name}) does not match the name on the URL (${name})`);
  const target = b.target?.name;
  if (!target) throw invalid('Binding', '', podName, [fieldRequired('target.name')]);
  const pods = podsOf(ctx);
  if (!pods) throw notFound({ group: '', resource: 'pods' }, podName);
  type Condition = { type: string; status: string; lastTransitionTime?: string; lastProbeTime?: null };
  await pods.guaranteedUpdate(namespace, podName, (pod, copy) => {
    const spec = pod.spec as { nodeName?: string };
    if (pod.metadata.deletionTimestamp) throw conflict(pods.qualified, podName, 'pod is being deleted, cannot be assigned to a host');
    if (spec.nodeName) throw conflict(pods.qualified, podName, `pod ${podName} is already assigned to node "${spec.nodeName}"`);
    if (pod.status !== undefined && pod.status !== null && !isObject(pod.status)) {
      // Not a status object: change a private copy in place, whatever that makes of it.
      const p = copy();
      (p.spec as { nodeName?: string }).nodeName = target;
      const st = p.status as { conditions?: Condition[] };
      (st.conditions ??= []).push({ type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: currentTime() });
      return p;
    }
    // pod is shared: copy what changes (spec, status, its conditions and metadata, which the
    // store stamps), share the rest. Keys keep their places, new ones go last.
    const status = (pod.status ?? {}) as { conditions?: Condition[] };
    const conditions = [...(status.conditions ?? [])];
    const i = conditions.findIndex((c) => c.type === 'PodScheduled');
    const t = currentTime();
    if (i >= 0) conditions[i] = { ...conditions[i], status: 'True', lastTransitionTime: t };
    else conditions.push({ type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: t });
    return { ...pod, metadata: { ...pod.metadata }, spec: { ...spec, nodeName: target }, status: { ...status, conditions } };
  }, { dryRun: isDryRun(query) }, true);
  sendJson(res, 201, successStatus());
}

// ---- namespaces/finalize ----

async function finalizeNamespace(registry: GenericRegistry, req: IncomingMessage, res: ServerResponse, name: string, query: Query, format: ResponseFormat): Promise<void> {
  const body = await readDocument(req, WRITE_KINDS);
  if (!isObject(body)) throw badRequest('the body must be a Namespace');
  const desired = body as KubeObject;
  const finalizers = (desired.spec as { finalizers?: unknown } | undefined)?.finalizers ?? [];
  if (!Array.isArray(finalizers)) throw invalid('Namespace', '', name, [fieldInvalid('spec.finalizers', finalizers, 'must be a list')]);
  const obj = await registry.guaranteedUpdate(undefined, name, (current) => {
    const rv = desired.metadata?.resourceVersion;
    if (rv && rv !== current.metadata.resourceVersion) throw conflict(registry.qualified, name, 'the object has been modified; please apply your changes to the latest version and try again');
    current.spec = { ...(current.spec as object | undefined), finalizers };
    if (finalizers.length === 0) delete (current.spec as { finalizers?: unknown }).finalizers;
    return current;
  }, { dryRun: isDryRun(query) });
  sendObject(res, 200, obj, format);
}

export { expired, notFound };
