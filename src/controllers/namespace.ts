// The namespace controller (upstream's pkg/controller/namespace and its
// NamespacedResourcesDeleter): a namespace being deleted is marked Terminating, everything in
// it of every namespaced kind is deleted (a deletecollection per kind where served, the kinds
// in parallel), the controller waits for pods' graceful termination and for content whose
// finalizers are still running, reporting progress in the namespace's status conditions, and
// finally removes the `kubernetes` finalizer through /finalize so the API server lets the
// namespace go.

import { isStored, resources, type ResourceInfo } from '../../api/resources.ts';
import type { KObject } from '../client/informer.ts';
import { apiErrorCode, isConflict, isNotFound, resource, resourcePath, type RestClient } from '../client/rest.ts';
import { Controller, type ControllerContext } from './framework/controller.ts';
import type { SharedInformer } from './framework/informers.ts';
import type { ControllerFactory } from './registry.ts';

const FINALIZER_KUBERNETES = 'kubernetes';
/** How long content with finalizers is given before the next look (upstream's estimate). */
const FINALIZER_ESTIMATE_SECONDS = 15;
/** Kinds deleted at once. */
const PARALLEL_KINDS = 8;
/** First wait before looking again at remaining content; doubles up to the estimate. */
const FIRST_RECHECK_MS = 250;

interface NamespaceCondition { type: string; status: string; lastTransitionTime?: string; reason?: string; message?: string }

interface Namespace extends KObject {
  metadata: KObject['metadata'] & { deletionTimestamp?: string; finalizers?: string[] };
  spec?: { finalizers?: string[] };
  status?: { phase?: string; conditions?: NamespaceCondition[] };
}

interface Item extends KObject {
  metadata: KObject['metadata'] & { finalizers?: string[] };
  spec?: { terminationGracePeriodSeconds?: number };
  status?: { phase?: string };
}

/** What deleting one kind's content left behind. */
interface Remaining { estimateSeconds: number; count: number; finalizers: Map<string, number> }

// The condition types this controller keeps, with their reasons and messages when all is well.
const CONDITIONS: { type: string; okReason: string; okMessage: string }[] = [
  { type: 'NamespaceDeletionDiscoveryFailure', okReason: 'ResourcesDiscovered', okMessage: 'All resources successfully discovered' },
  { type: 'NamespaceDeletionGroupVersionParsingFailure', okReason: 'ParsedGroupVersions', okMessage: 'All legacy kube types successfully parsed' },
  { type: 'NamespaceDeletionContentFailure', okReason: 'ContentDeleted', okMessage: 'All content successfully deleted, may be waiting on finalization' },
  { type: 'NamespaceContentRemaining', okReason: 'ContentRemoved', okMessage: 'All content successfully removed' },
  { type: 'NamespaceFinalizersRemaining', okReason: 'ContentRemoved', okMessage: 'All content successfully removed' },
];

/**
 * The namespaced kinds a namespace's deletion removes, the preferred version of each. Kinds the
 * API server stores together (core and events.k8s.io Events, by plural) are deleted once: two
 * concurrent deletions of the same objects would each see the other's leftovers.
 */
export function namespacedResources(): ResourceInfo[] {
  const seen = new Set<string>();
  const out: ResourceInfo[] = [];
  for (const r of resources) {
    const id = r.plural;
    if (!r.namespaced || !isStored(r) || !r.verbs.includes('delete') || seen.has(id)) continue;
    seen.add(id);
    out.push(r);
  }
  return out;
}

const namespaces = resource('namespaces');
/** metav1.Time: RFC 3339 in whole seconds. */
const now = () => new Date().toISOString().replace(/\.\d+Z$/, 'Z');
const pods = resource('pods');

class ResourcesRemaining extends Error {
  constructor(readonly estimateSeconds: number) {
    super(`some content remains in the namespace, estimate ${estimateSeconds} seconds before it is removed`);
  }
}

export class NamespaceController extends Controller {
  private readonly client: RestClient;
  private readonly namespaces: SharedInformer<Namespace>;
  private readonly pods: SharedInformer<Item>;
  /** Kinds where deletecollection turned out not to be served (405/404): deleted one by one. */
  private readonly noDeleteCollection = new Set<string>();
  /** Per terminating namespace, how long to wait before looking at its remaining content again. */
  private readonly recheckMs = new Map<string, number>();

  constructor(ctx: ControllerContext) {
    super('namespace', ctx, 5);
    this.client = ctx.client;
    this.namespaces = ctx.informers.for<Namespace>('namespaces');
    this.pods = ctx.informers.for<Item>('pods');
    const enqueueIfDeleting = (ns: Namespace) => { if (ns.metadata.deletionTimestamp) this.enqueue(ns); };
    this.namespaces.addHandlers({ add: enqueueIfDeleting, update: (_old, ns) => enqueueIfDeleting(ns) });
    // The last pod of a terminating namespace going away is what it usually waits for.
    this.pods.addHandlers({
      delete: (p) => {
        const name = p.metadata.namespace ?? '';
        const ns = this.namespaces.get(undefined, name);
        if (ns?.metadata.deletionTimestamp && this.pods.byIndex('namespace', name).length === 0) this.queue.add(name);
      },
    });
  }

  protected async sync(name: string): Promise<void> {
    try {
      await this.deleteNamespaceContent(name);
      this.recheckMs.delete(name);
    } catch (e) {
      if (!(e instanceof ResourcesRemaining)) throw e;
      const wait = this.recheckMs.get(name) ?? FIRST_RECHECK_MS;
      this.recheckMs.set(name, Math.min(wait * 2, FINALIZER_ESTIMATE_SECONDS * 1000));
      this.queue.addAfter(name, Math.min(wait, e.estimateSeconds * 1000));
    }
  }

  private async deleteNamespaceContent(name: string): Promise<void> {
    // Several parties edit a terminating namespace: start from its latest state.
    let ns: Namespace;
    try {
      ns = await this.client.get<Namespace>(namespaces, undefined, name);
    } catch (e) {
      if (isNotFound(e)) return;
      throw e;
    }
    if (!ns.metadata.deletionTimestamp) return;
    if (ns.status?.phase !== 'Terminating') {
      ns = await this.updateStatus(ns, (s) => { s.phase = 'Terminating'; });
    }
    if (!(ns.spec?.finalizers ?? []).includes(FINALIZER_KUBERNETES)) return;
    const estimate = await this.deleteAllContent(ns);
    if (estimate > 0) throw new ResourcesRemaining(estimate);
    await this.finalize(ns);
  }

  /** Delete every namespaced kind's content; returns seconds to wait before it is all gone. */
  private async deleteAllContent(ns: Namespace): Promise<number> {
    const name = ns.metadata.name;
    const deletedAt = Date.parse(ns.metadata.deletionTimestamp ?? '') || Date.now();
    const kinds = namespacedResources();
    const errors: string[] = [];
    const remaining = new Map<ResourceInfo, number>();
    const finalizers = new Map<string, number>();
    let estimate = 0;
    let next = 0;
    const worker = async () => {
      while (next < kinds.length) {
        const r = kinds[next++];
        try {
          const left = await this.deleteAllOf(r, name, deletedAt);
          estimate = Math.max(estimate, left.estimateSeconds);
          if (left.count > 0) remaining.set(r, left.count);
          for (const [f, n] of left.finalizers) finalizers.set(f, (finalizers.get(f) ?? 0) + n);
        } catch (e) {
          errors.push((e as Error).message);
        }
      }
    };
    await Promise.all(Array.from({ length: PARALLEL_KINDS }, worker));

    const failures = new Map<string, { reason: string; message: string }>();
    if (errors.length > 0) {
      errors.sort();
      failures.set('NamespaceDeletionContentFailure', { reason: 'ContentDeletionFailed', message: `Failed to delete all resource types, ${errors.length} remaining: ${errors.join(', ')}` });
    }
    if (remaining.size > 0) {
      const parts = [...remaining].map(([r, n]) => `${r.plural}.${r.group} has ${n} resource instances`).sort();
      failures.set('NamespaceContentRemaining', { reason: 'SomeResourcesRemain', message: `Some resources are remaining: ${parts.join(', ')}` });
    }
    if (finalizers.size > 0) {
      const parts = [...finalizers].map(([f, n]) => `${f} in ${n} resource instances`).sort();
      failures.set('NamespaceFinalizersRemaining', { reason: 'SomeFinalizerRemain', message: `Some finalizers are remaining: ${parts.join(', ')}` });
    }
    await this.updateConditions(ns, failures);
    if (errors.length > 0) throw new Error(`namespace ${name}: ${errors.join('; ')}`);
    return estimate;
  }

  /** Delete one kind's content of the namespace; what is left, and how long it should take to go. */
  private async deleteAllOf(r: ResourceInfo, namespace: string, deletedAt: number): Promise<Remaining> {
    const isPods = r.group === '' && r.plural === 'pods';
    let estimate = 0;
    if (isPods) estimate = await this.estimateGracefulTermination(namespace, deletedAt);
    const id = `${r.group}/${r.plural}`;
    let collected = false;
    if (r.verbs.includes('deletecollection') && !this.noDeleteCollection.has(id)) {
      try {
        await this.client.request('DELETE', resourcePath(r, namespace), { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Background' });
        collected = true;
      } catch (e) {
        const code = apiErrorCode(e);
        if (code !== 405 && code !== 404) throw new Error(`${r.plural}.${r.group}: ${(e as Error).message}`, { cause: e });
        this.noDeleteCollection.add(id);
      }
    }
    if (!collected) await this.deleteEachItem(r, namespace);

    // Whatever is still listed is waiting for graceful termination or for its finalizers.
    const left = (await this.client.list<Item>(r, namespace)).items;
    const finalizers = new Map<string, number>();
    if (left.length === 0) return { estimateSeconds: 0, count: 0, finalizers };
    for (const o of left) for (const f of o.metadata.finalizers ?? []) finalizers.set(f, (finalizers.get(f) ?? 0) + 1);
    if (estimate > 0) return { estimateSeconds: estimate, count: left.length, finalizers: new Map() };
    if (finalizers.size > 0) return { estimateSeconds: FINALIZER_ESTIMATE_SECONDS, count: left.length, finalizers };
    throw new Error(`unexpected items still remain in namespace: ${namespace} for gvr: ${r.group}/${r.version}, Resource=${r.plural}`);
  }

  private async deleteEachItem(r: ResourceInfo, namespace: string): Promise<void> {
    const items = (await this.client.list<Item>(r, namespace)).items;
    await Promise.all(items.map(async (o) => {
      try {
        await this.client.delete(r, namespace, o.metadata.name, { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Background' });
      } catch (e) {
        if (!isNotFound(e)) throw e;
      }
    }));
  }

  /** The longest grace period of the namespace's running pods, less the time since the namespace's deletion. */
  private async estimateGracefulTermination(namespace: string, deletedAt: number): Promise<number> {
    const items = (await this.client.list<Item>(pods, namespace)).items;
    let estimate = 0;
    for (const p of items) {
      if (p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed') continue;
      estimate = Math.max(estimate, p.spec?.terminationGracePeriodSeconds ?? 0);
    }
    return Date.now() - deletedAt >= estimate * 1000 ? 0 : estimate;
  }

  /** Set each kept condition: the failure found, or its all-is-well form. Writes only on change. */
  private async updateConditions(ns: Namespace, failures: Map<string, { reason: string; message: string }>): Promise<void> {
    const conditions = (ns.status?.conditions ?? []).map((c) => ({ ...c }));
    let changed = false;
    for (const { type, okReason, okMessage } of CONDITIONS) {
      const f = failures.get(type);
      const want = f ? { status: 'True', reason: f.reason, message: f.message } : { status: 'False', reason: okReason, message: okMessage };
      const cur = conditions.find((c) => c.type === type);
      if (!cur) {
        conditions.push({ type, ...want, lastTransitionTime: now() });
        changed = true;
      } else if (cur.status !== want.status || cur.reason !== want.reason || cur.message !== want.message) {
        if (cur.status !== want.status) cur.lastTransitionTime = now();
        Object.assign(cur, want);
        changed = true;
      }
    }
    if (!changed) return;
    try {
      await this.updateStatus(ns, (s) => { s.conditions = conditions; });
    } catch (e) {
      // Conditions are a report: the next pass writes them again.
      if (!isNotFound(e)) this.ctx.logger.debug('namespace: status conditions not written', { namespace: ns.metadata.name, error: (e as Error).message });
    }
  }

  /** PUT /status with a change, retried on conflicts against the latest namespace. */
  private async updateStatus(ns: Namespace, change: (status: NonNullable<Namespace['status']>) => void): Promise<Namespace> {
    let cur = ns;
    for (let attempt = 0; ; attempt++) {
      const next: Namespace = { ...cur, status: { ...cur.status } };
      change(next.status!);
      try {
        return await this.client.update<Namespace>(namespaces, undefined, cur.metadata.name, next, 'status');
      } catch (e) {
        if (!isConflict(e) || attempt >= 5) throw e;
        cur = await this.latest(cur);
      }
    }
  }

  /** Remove our finalizer from spec.finalizers through /finalize; the API server then deletes the namespace. */
  private async finalize(ns: Namespace): Promise<void> {
    let cur = ns;
    for (let attempt = 0; ; attempt++) {
      const rest = [...new Set((cur.spec?.finalizers ?? []).filter((f) => f !== FINALIZER_KUBERNETES))].sort();
      try {
        await this.client.update(namespaces, undefined, cur.metadata.name, { ...cur, spec: { ...cur.spec, finalizers: rest } }, 'finalize');
        return;
      } catch (e) {
        if (isNotFound(e)) return;
        if (!isConflict(e) || attempt >= 5) throw e;
        cur = await this.latest(cur);
      }
    }
  }

  private async latest(ns: Namespace): Promise<Namespace> {
    const fresh = await this.client.get<Namespace>(namespaces, undefined, ns.metadata.name);
    if (fresh.metadata.uid !== ns.metadata.uid) throw new Error(`namespace ${ns.metadata.name}: uid has changed across retries`);
    return fresh;
  }
}

export const newNamespaceController: ControllerFactory = (ctx) => new NamespaceController(ctx);
