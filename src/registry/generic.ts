// The generic registry (upstream's genericregistry.Store): create, read, update, delete and
// watch for any resource, with each resource's behaviour coming from its Strategy. Reads
// come from the watch cache; writes go to the backend guarded by the object's revision.

import { randomUUID } from 'node:crypto';
import { type ResourceInfo, groupVersion } from '../../api/resources.ts';
import {
  StatusError, alreadyExists, badRequest, conflict, expired, invalid, notFound,
  optimisticLockConflict, type FieldError,
} from '../server/errors.ts';
import type { Backend } from './store/backend.ts';
import { CompactedError, KeyExistsError, KeyNotFoundError, RevisionConflictError } from './store/backend.ts';
import type { Cacher, Entry, ListResult, WatchSink } from '../watch/cacher.ts';
import { type KubeObject, isObject, timestamp } from './object.ts';
import type { DeleteOptions, Strategy } from './strategies/strategy.ts';
import type { FieldSelector, LabelSelector } from './selection.ts';
import { validateObjectMeta, validateObjectMetaUpdate } from './validation/objectmeta.ts';
import { clone, semanticEqual } from './validation/json.ts';
import { currentTime, trackUpdate } from '../server/apply/managedfields.ts';

export interface WriteOptions {
  dryRun?: boolean;
  /** Who makes the change, for metadata.managedFields (fieldManager, or derived from the User-Agent). */
  fieldManager?: string;
  /** managedFields were already computed (server-side apply): keep them as they are. */
  managedFieldsSet?: boolean;
}

/** Hooks for resources whose writes touch other state (Service IP and port allocation). */
export interface ResourceHooks {
  beforeCreate?(obj: KubeObject, dryRun: boolean): void;
  beforeUpdate?(obj: KubeObject, old: KubeObject, dryRun: boolean): void;
  /** The write failed or was a dry run: give back what beforeCreate/beforeUpdate took. */
  rollback?(obj: KubeObject, old: KubeObject | undefined): void;
  /** The update is stored: release what the old object held and the new one no longer does. */
  afterUpdate?(obj: KubeObject, old: KubeObject): void;
  afterDelete?(obj: KubeObject): void;
}

const NAME_CHARS = 'bcdfghjklmnpqrstvwxz2456789';

function generateSuffix(): string {
  let s = '';
  for (let i = 0; i < 5; i++) s += NAME_CHARS[Math.floor(Math.random() * NAME_CHARS.length)];
  return s;
}

/** Everything but metadata and status: a change here bumps metadata.generation. */
function specOf(obj: KubeObject): Record<string, unknown> {
  const { metadata: _m, status: _s, ...rest } = obj;
  return rest;
}

/**
 * Whether two JSON values serialise to the same document, key order aside (undefined
 * members are absent, as in JSON.stringify): a walk that stops at the first difference,
 * with no serialisation or copies.
 */
function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!jsonEqual(a[i] ?? null, b[i] ?? null)) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const x = a as Record<string, unknown>, y = b as Record<string, unknown>;
  let nx = 0, ny = 0;
  for (const k in x) {
    if (x[k] === undefined) continue;
    nx++;
    if (!jsonEqual(x[k], y[k])) return false;
  }
  for (const k in y) if (y[k] !== undefined) ny++;
  return nx === ny;
}

/** Comparison of stored forms that ignores the server-maintained resourceVersion. */
function sameContent(a: KubeObject, b: KubeObject): boolean {
  const ra = a.metadata.resourceVersion, rb = b.metadata.resourceVersion;
  a.metadata.resourceVersion = b.metadata.resourceVersion = '';
  const same = jsonEqual(a, b);
  a.metadata.resourceVersion = ra;
  b.metadata.resourceVersion = rb;
  return same;
}

export type Subresource = '' | 'status' | 'ephemeralcontainers';

export class GenericRegistry {
  readonly qualified: { group: string; resource: string };

  constructor(
    readonly info: ResourceInfo,
    readonly strategy: Strategy,
    private readonly backend: Backend,
    private readonly cacher: Cacher,
    private readonly hooks: ResourceHooks = {},
  ) {
    this.qualified = { group: info.group, resource: info.plural };
  }

  /** Storage resource name: events.k8s.io events live with core events, as upstream. */
  get storageResource(): string {
    return this.info.plural;
  }

  key(namespace: string | undefined, name: string): string {
    return this.info.namespaced ? `/registry/${this.storageResource}/${namespace}/${name}` : `/registry/${this.storageResource}/${name}`;
  }

  /** Key prefix of a list or watch: a namespace's objects or all of them. */
  prefix(namespace: string | undefined): string {
    return this.info.namespaced && namespace ? `/registry/${this.storageResource}/${namespace}/` : `/registry/${this.storageResource}/`;
  }

  // ---- reads ----

  cacherHas(namespace: string | undefined, name: string): boolean {
    return this.cacher.get(this.storageResource, this.key(namespace, name)) !== undefined;
  }

  getEntry(namespace: string | undefined, name: string): Entry {
    const e = this.cacher.get(this.storageResource, this.key(namespace, name));
    if (!e) throw notFound(this.qualified, name);
    return e;
  }

  /** The object as served (converted from the stored form where they differ). */
  served(e: Entry): KubeObject {
    return this.strategy.fromStorage ? this.strategy.fromStorage(clone(e.object)) : e.object;
  }

  list(namespace: string | undefined, opts: {
    label: LabelSelector; field: FieldSelector; limit?: number; continueToken?: string;
    resourceVersion?: string; resourceVersionMatch?: string;
  }): ListResult {
    let revision: number | undefined;
    let startKey: string | undefined;
    if (opts.continueToken) {
      const t = decodeContinue(opts.continueToken);
      revision = t.rv;
      startKey = this.prefix(namespace) + t.start;
    } else if (opts.resourceVersion && opts.resourceVersionMatch === 'Exact') {
      revision = parseResourceVersion(opts.resourceVersion);
    }
    // NotOlderThan and "0" are satisfied by the cache's current state, which is never older than an acknowledged write.
    try {
      return this.cacher.list(this.storageResource, this.prefix(namespace), {
        namespace, label: opts.label, field: opts.field, revision, startKey, limit: opts.limit,
      });
    } catch (e) {
      if (e instanceof CompactedError) {
        throw opts.continueToken
          ? expired('The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.')
          : expired(`Timeout: Too large resource version: ${revision}, current: ${this.cacher.currentRevision()}`);
      }
      throw e;
    }
  }

  continueToken(result: ListResult, namespace: string | undefined): string | undefined {
    if (result.continueKey === undefined) return undefined;
    return encodeContinue(result.revision, result.continueKey.slice(this.prefix(namespace).length));
  }

  watch(namespace: string | undefined, opts: {
    label: LabelSelector; field: FieldSelector; resourceVersion?: string; sendInitialEvents?: boolean;
  }, sink: WatchSink): () => void {
    const rv = opts.resourceVersion;
    // Unset or "0": start from now with the current state replayed as ADDED (upstream's "get state and start at most recent").
    const fromCurrent = !rv || rv === '0';
    const fromRevision = fromCurrent ? this.cacher.currentRevision() : parseResourceVersion(rv);
    const initialEvents = opts.sendInitialEvents ?? fromCurrent;
    try {
      return this.cacher.watch({
        resource: this.storageResource, namespace, label: opts.label, field: opts.field, fromRevision, initialEvents,
      }, sink, this.prefix(namespace));
    } catch (e) {
      if (e instanceof CompactedError) throw expired(`too old resource version: ${fromRevision} (${this.cacher.oldestRevision() + 1})`);
      throw e;
    }
  }

  // ---- writes ----

  /** The JSON each written object was stored as, so responses need not serialise it again. */
  readonly serialized = new WeakMap<object, string>();

  private encoderFor(obj: KubeObject): (revision: number) => string {
    return (revision) => {
      obj.metadata.resourceVersion = String(revision);
      this.cacher.noteDecoded(revision, obj);
      const json = JSON.stringify(obj);
      this.serialized.set(obj, json);
      return json;
    };
  }

  private checkNamespaceForCreate(namespace: string | undefined, name: string): void {
    if (!this.info.namespaced) return;
    const ns = this.cacher.get('namespaces', `/registry/namespaces/${namespace}`);
    if (!ns) throw notFound({ group: '', resource: 'namespaces' }, namespace ?? '');
    if (ns.object.metadata.deletionTimestamp || (ns.object.status as { phase?: string } | undefined)?.phase === 'Terminating') {
      throw new StatusError(403, 'Forbidden',
        `${this.info.plural}${this.info.group ? '.' + this.info.group : ''} "${name}" is forbidden: unable to create new content in namespace ${namespace} because it is being terminated`,
        { kind: this.info.plural, group: this.info.group, causes: [{ reason: 'NamespaceTerminating', message: `namespace ${namespace} is being terminated`, field: 'metadata.namespace' }] });
    }
  }

  private checkTypeMeta(obj: KubeObject): void {
    const gv = groupVersion(this.info);
    if (obj.apiVersion !== undefined && obj.apiVersion !== gv) {
      throw badRequest(`the API version in the data (${obj.apiVersion}) does not match the expected API version (${gv})`);
    }
    if (obj.kind !== undefined && obj.kind !== this.info.kind) {
      throw badRequest(`the kind in the data (${obj.kind}) does not match the expected kind (${this.info.kind})`);
    }
  }

  private throwIfInvalid(obj: KubeObject, errs: FieldError[]): void {
    if (errs.length > 0) throw invalid(this.info.kind, this.info.group, obj.metadata?.name ?? obj.metadata?.generateName ?? '', errs);
  }

  /** Turn the served form into the stored one (identity for almost every resource). */
  private toStorage(obj: KubeObject): KubeObject {
    return this.strategy.toStorage ? this.strategy.toStorage(obj) : obj;
  }

  async create(namespace: string | undefined, body: unknown, opts: WriteOptions = {}): Promise<KubeObject> {
    if (!isObject(body)) throw badRequest('the body of the request must be a JSON object');
    const obj = body as KubeObject;
    this.checkTypeMeta(obj);
    obj.apiVersion = groupVersion(this.info);
    obj.kind = this.info.kind;
    if (!isObject(obj.metadata)) obj.metadata = {};
    const meta = obj.metadata;
    if (this.info.namespaced) {
      if (meta.namespace && namespace && meta.namespace !== namespace) {
        throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
      }
      meta.namespace = namespace ?? meta.namespace;
    } else {
      delete meta.namespace;
    }
    const generated = !meta.name && !!meta.generateName;
    if (generated) meta.name = meta.generateName + generateSuffix();
    meta.uid = randomUUID();
    meta.creationTimestamp = currentTime();
    delete meta.deletionTimestamp;
    delete meta.deletionGracePeriodSeconds;
    delete meta.resourceVersion;
    if (this.strategy.hasGeneration) meta.generation = 1;
    else delete meta.generation;
    // Upstream order: defaulting happens on decode, then the strategy prepares, then validation.
    this.strategy.defaults?.(obj);
    this.strategy.prepareForCreate?.(obj);
    const errs = validateObjectMeta(meta, { namespaced: this.info.namespaced, nameIsLabel: this.strategy.nameIsLabel, validateName: this.strategy.validateName });
    errs.push(...(this.strategy.validate?.(obj) ?? []));
    this.throwIfInvalid(obj, errs);
    if (!opts.managedFieldsSet) {
      const mf = trackUpdate(undefined, obj, opts.fieldManager ?? 'unknown', groupVersion(this.info), '', meta.creationTimestamp);
      if (mf) meta.managedFields = mf;
      else delete meta.managedFields;
    }
    this.checkNamespaceForCreate(meta.namespace, meta.name!);
    const key = this.key(meta.namespace, meta.name!);
    if (this.cacher.get(this.storageResource, key)) throw alreadyExists(this.qualified, meta.name!);
    this.hooks.beforeCreate?.(obj, !!opts.dryRun);
    if (opts.dryRun) {
      this.hooks.rollback?.(obj, undefined);
      return obj;
    }
    const stored = this.toStorage(obj);
    try {
      await this.backend.create(key, this.encoderFor(stored));
    } catch (e) {
      this.hooks.rollback?.(obj, undefined);
      if (e instanceof KeyExistsError) throw alreadyExists(this.qualified, meta.name!);
      throw e;
    }
    if (stored !== obj) obj.metadata.resourceVersion = stored.metadata.resourceVersion;
    return obj;
  }

  /**
   * Read-modify-write with optimistic concurrency (upstream GuaranteedUpdate): tryUpdate gets
   * the current object and returns the desired one; on a revision race the whole step runs
   * again on fresh state. Returns the stored object.
   *
   * tryUpdate's `current` is a private copy it may change, unless `readsOnly`: then it is the
   * watch cache's decoded object, shared, which tryUpdate promises not to change (nor to hand
   * on to anything that does); it saves decoding the stored JSON a second time. `copy()`
   * decodes a private copy of the current object on demand (e.g. as a patch's target).
   */
  async guaranteedUpdate(
    namespace: string | undefined,
    name: string,
    tryUpdate: (current: KubeObject, copy: () => KubeObject) => KubeObject,
    opts: WriteOptions = {},
    readsOnly = false,
  ): Promise<KubeObject> {
    const key = this.key(namespace, name);
    for (let attempt = 0; ; attempt++) {
      const entry = this.cacher.get(this.storageResource, key);
      if (!entry) throw notFound(this.qualified, name);
      // A private copy of the decoded object (a copying walk is ~4x cheaper than parsing the JSON again).
      const copy = (): KubeObject => {
        const fresh = clone(entry.object);
        return this.strategy.fromStorage ? this.strategy.fromStorage(fresh) : fresh;
      };
      const current = readsOnly && !this.strategy.fromStorage ? entry.object : copy();
      const updated = tryUpdate(current, copy);
      const old = entry.object;
      const stored = this.toStorage(updated);
      if (sameContent(stored, old)) return this.strategy.fromStorage ? this.strategy.fromStorage(clone(old)) : old;
      if (this.shouldDeleteDuringUpdate(stored)) {
        if (opts.dryRun) return updated;
        try {
          await this.backend.delete(key, entry.modRevision);
          this.hooks.afterDelete?.(stored);
          return updated;
        } catch (e) {
          if (e instanceof RevisionConflictError && attempt < 20) { await this.catchUp(); continue; }
          if (e instanceof KeyNotFoundError) throw notFound(this.qualified, name);
          throw e;
        }
      }
      this.hooks.beforeUpdate?.(stored, old, !!opts.dryRun);
      if (opts.dryRun) {
        this.hooks.rollback?.(stored, old);
        return updated;
      }
      try {
        await this.backend.update(key, entry.modRevision, this.encoderFor(stored));
      } catch (e) {
        this.hooks.rollback?.(stored, old);
        if (e instanceof RevisionConflictError && attempt < 20) { await this.catchUp(); continue; }
        if (e instanceof RevisionConflictError) throw optimisticLockConflict(this.qualified, name);
        if (e instanceof KeyNotFoundError) throw notFound(this.qualified, name);
        throw e;
      }
      this.hooks.afterUpdate?.(stored, old);
      if (stored !== updated) updated.metadata.resourceVersion = stored.metadata.resourceVersion;
      return updated;
    }
  }

  /** Wait until the cache reflects every write issued so far, so a retry reads fresh state. */
  private async catchUp(): Promise<void> {
    await this.backend.sync();
    await this.cacher.waitForRevision(this.backend.currentRevision());
  }

  /** An object marked for deletion whose finalizers are all gone and whose grace is over goes away. */
  private shouldDeleteDuringUpdate(obj: KubeObject): boolean {
    const m = obj.metadata;
    if (!m.deletionTimestamp || (m.finalizers && m.finalizers.length > 0)) return false;
    if (this.info.plural === 'namespaces') {
      const specFinalizers = (obj.spec as { finalizers?: string[] } | undefined)?.finalizers;
      return !specFinalizers || specFinalizers.length === 0;
    }
    return (m.deletionGracePeriodSeconds ?? 0) === 0;
  }

  /** Apply a client's full object (PUT) onto the current one. */
  updateFrom(current: KubeObject, body: KubeObject, subresource: Subresource, opts: WriteOptions = {}): KubeObject {
    this.checkTypeMeta(body);
    const name = current.metadata.name!;
    if (!isObject(body.metadata)) body.metadata = {};
    if (body.metadata.name !== undefined && body.metadata.name !== name) {
      throw badRequest(`the name of the object (${body.metadata.name}) does not match the name on the URL (${name})`);
    }
    if (this.info.namespaced && body.metadata.namespace && body.metadata.namespace !== current.metadata.namespace) {
      throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
    }
    const rv = body.metadata.resourceVersion;
    if (rv !== undefined && rv !== '' && rv !== current.metadata.resourceVersion) {
      throw optimisticLockConflict(this.qualified, name);
    }
    const obj = body;
    obj.apiVersion = current.apiVersion;
    obj.kind = current.kind;
    const m = obj.metadata;
    const cm = current.metadata;
    m.name = cm.name;
    if (this.info.namespaced) m.namespace = cm.namespace;
    m.resourceVersion = cm.resourceVersion;
    // Fields only the server sets.
    if (m.uid === undefined || m.uid === '') m.uid = cm.uid;
    // Clients echo timestamps in their own precision; the server's are authoritative (upstream BeforeUpdate).
    m.creationTimestamp = cm.creationTimestamp;
    m.deletionTimestamp = cm.deletionTimestamp;
    if (m.deletionTimestamp === undefined) delete m.deletionTimestamp;
    m.deletionGracePeriodSeconds = cm.deletionGracePeriodSeconds;
    if (m.deletionGracePeriodSeconds === undefined) delete m.deletionGracePeriodSeconds;
    if (cm.generation !== undefined) m.generation = cm.generation;
    else delete m.generation;

    let errs: FieldError[];
    if (subresource === 'status') {
      this.strategy.prepareForStatusUpdate?.(obj, current);
      errs = validateObjectMetaUpdate(obj.metadata, current.metadata);
      if (errs.length === 0) errs = this.strategy.validateStatusUpdate?.(obj, current) ?? [];
    } else if (subresource === 'ephemeralcontainers') {
      this.strategy.defaults?.(obj);
      this.strategy.prepareForEphemeralContainersUpdate?.(obj, current);
      errs = validateObjectMetaUpdate(obj.metadata, current.metadata);
      errs.push(...(this.strategy.validateEphemeralContainersUpdate?.(obj, current) ?? []));
    } else {
      this.strategy.defaults?.(obj);
      this.strategy.prepareForUpdate?.(obj, current);
      if (this.strategy.hasGeneration && !semanticEqual(specOf(obj), specOf(current))) m.generation = (cm.generation ?? 0) + 1;
      errs = validateObjectMeta(m, { namespaced: this.info.namespaced, nameIsLabel: this.strategy.nameIsLabel, validateName: this.strategy.validateName });
      errs.push(...validateObjectMetaUpdate(m, cm));
      errs.push(...(this.strategy.validateUpdate?.(obj, current) ?? this.strategy.validate?.(obj) ?? []));
    }
    this.throwIfInvalid(obj, errs);
    if (!opts.managedFieldsSet) {
      const mf = trackUpdate(current, obj, opts.fieldManager ?? 'unknown', groupVersion(this.info), subresource);
      if (mf) m.managedFields = mf;
      else delete m.managedFields;
    }
    return obj;
  }

  async update(namespace: string | undefined, name: string, body: unknown, subresource: Subresource, opts: WriteOptions = {}): Promise<KubeObject> {
    if (!isObject(body)) throw badRequest('the body of the request must be a JSON object');
    let first = true;
    return this.guaranteedUpdate(namespace, name, (current) => {
      // The client's object is used as given on the first try and copied on retries.
      const b = first ? (body as KubeObject) : clone(body as KubeObject);
      first = false;
      return this.updateFrom(current, b, subresource, opts);
    }, opts, true);
  }

  async delete(namespace: string | undefined, name: string, options: DeleteOptions, opts: WriteOptions = {}): Promise<{ obj: KubeObject; deleted: boolean }> {
    const key = this.key(namespace, name);
    for (let attempt = 0; ; attempt++) {
      const entry = this.cacher.get(this.storageResource, key);
      if (!entry) throw notFound(this.qualified, name);
      const current = JSON.parse(entry.json) as KubeObject;
      const pre = options.preconditions;
      if (pre?.uid && pre.uid !== current.metadata.uid) {
        throw conflict(this.qualified, name, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${current.metadata.uid ?? ''}`);
      }
      if (pre?.resourceVersion && pre.resourceVersion !== current.metadata.resourceVersion) {
        throw conflict(this.qualified, name, `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${current.metadata.resourceVersion ?? ''}`);
      }
      const marked = this.markForDeletion(current, options);
      try {
        if (marked) {
          if (opts.dryRun) return { obj: this.servedObject(marked), deleted: false };
          if (sameContent(marked, entry.object)) return { obj: this.servedObject(entry.object), deleted: false };
          await this.backend.update(key, entry.modRevision, this.encoderFor(marked));
          return { obj: this.servedObject(marked), deleted: false };
        }
        if (opts.dryRun) return { obj: this.servedObject(current), deleted: true };
        const { revision } = await this.backend.delete(key, entry.modRevision);
        this.hooks.afterDelete?.(current);
        current.metadata.resourceVersion = String(revision);
        return { obj: this.servedObject(current), deleted: true };
      } catch (e) {
        if (e instanceof RevisionConflictError && attempt < 20) { await this.catchUp(); continue; }
        if (e instanceof KeyNotFoundError) throw notFound(this.qualified, name);
        throw e;
      }
    }
  }

  private servedObject(stored: KubeObject): KubeObject {
    return this.strategy.fromStorage ? this.strategy.fromStorage(clone(stored)) : stored;
  }

  /**
   * Graceful deletion and finalizers (upstream BeforeDelete + finalizer handling): returns the
   * object marked with deletionTimestamp when it must stay for now, or undefined to delete it.
   */
  private markForDeletion(obj: KubeObject, options: DeleteOptions): KubeObject | undefined {
    const m = obj.metadata;
    const finalizers = new Set(m.finalizers ?? []);
    const policy = options.propagationPolicy ?? (options.orphanDependents === true ? 'Orphan' : options.orphanDependents === false ? 'Background' : undefined);
    if (policy === 'Orphan') { finalizers.add('orphan'); finalizers.delete('foregroundDeletion'); }
    if (policy === 'Foreground') { finalizers.add('foregroundDeletion'); finalizers.delete('orphan'); }
    if (policy === 'Background') { finalizers.delete('orphan'); finalizers.delete('foregroundDeletion'); }
    const isNamespace = this.info.plural === 'namespaces';
    const specFinalizers = isNamespace ? ((obj.spec as { finalizers?: string[] } | undefined)?.finalizers ?? []) : [];
    const grace = this.strategy.gracePeriod?.(obj, options) ?? 0;
    const alreadyDeleting = !!m.deletionTimestamp;
    // Propagation finalizers only matter while something else also keeps the object.
    const keptBy = (m.finalizers?.length ?? 0) > 0 || specFinalizers.length > 0 || grace > 0 || alreadyDeleting || policy === 'Orphan' || policy === 'Foreground';
    if (!keptBy) return undefined;
    if (alreadyDeleting) {
      // A second delete may only shorten the grace period.
      const cur = m.deletionGracePeriodSeconds ?? 0;
      if (grace < cur) {
        m.deletionGracePeriodSeconds = grace;
        m.deletionTimestamp = timestamp(Date.now() + grace * 1000);
      }
    } else {
      m.deletionTimestamp = timestamp(Date.now() + grace * 1000);
      m.deletionGracePeriodSeconds = grace;
    }
    m.finalizers = [...finalizers];
    if (m.finalizers.length === 0) delete m.finalizers;
    if (isNamespace) {
      obj.status = { ...(obj.status as object | undefined), phase: 'Terminating' };
      if (!m.finalizers && specFinalizers.length === 0) return undefined;
    } else if (!m.finalizers && grace === 0) {
      return undefined;
    }
    return obj;
  }
}

// Continue tokens carry the list's revision and the last key returned, as upstream's do.
interface ContinueToken { v: string; rv: number; start: string }

export function encodeContinue(rv: number, start: string): string {
  return Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv, start: start + '\u0000' })).toString('base64url');
}

function decodeContinue(token: string): { rv: number; start: string } {
  let t: ContinueToken;
  try {
    t = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as ContinueToken;
  } catch {
    throw badRequest('continue key is not valid: illegal base64 data');
  }
  if (!t || t.v !== 'meta.k8s.io/v1' || typeof t.rv !== 'number' || typeof t.start !== 'string') {
    throw badRequest('continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
  }
  const start = t.start.endsWith('\u0000') ? t.start.slice(0, -1) : t.start;
  if (start.includes('..') || start.startsWith('/')) throw badRequest('continue key is not valid: path traversal');
  return { rv: t.rv, start };
}

export function parseResourceVersion(rv: string): number {
  if (!/^\d+$/.test(rv)) throw badRequest(`Invalid value: "${rv}": resourceVersion must be a non-negative integer`);
  return Number(rv);
}

