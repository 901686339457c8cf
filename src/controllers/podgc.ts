// Pod garbage collection (upstream pkg/controller/podgc), every 20 s:
// - terminated pods (Succeeded or Failed) beyond terminatedPodGCThreshold are deleted, evicted
//   ones first, then oldest first;
// - terminating pods on a node that is not ready and tainted node.kubernetes.io/out-of-service
//   are force-deleted;
// - pods bound to a node that no longer exists (still missing after a 40 s quarantine and a
//   direct read) are marked Failed with a DisruptionTarget condition and force-deleted;
// - terminating pods never bound to a node are force-deleted.

import { isNotFound, resource } from '../client/rest.ts';
import { Controller, type ControllerContext } from './framework/controller.ts';
import type { SharedInformer } from './framework/informers.ts';
import { isNodeReady, metaTime, TAINT_NODE_OUT_OF_SERVICE, type Node, type Pod, type PodCondition } from './nodetaints.ts';
import type { ControllerFactory } from './registry.ts';

const podsResource = resource('pods');
const nodesResource = resource('nodes');

const GC_KEY = 'gc';
export const DEFAULT_TERMINATED_POD_GC_THRESHOLD = 12_500;

export interface PodGCTimings {
  /** How often pods are looked at (upstream gcCheckPeriod, 20 s). */
  gcCheckPeriodMs?: number;
  /** How long a node must stay missing before its pods count as orphaned (upstream quarantineTime, 40 s). */
  quarantineMs?: number;
}

const isTerminated = (p: Pod): boolean => p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed';
const isEvicted = (p: Pod): boolean => p.status?.phase === 'Failed' && p.status.reason === 'Evicted';

/** Evicted first, then by creation time, then by name (upstream byEvictionAndCreationTimestamp). */
function byEvictionAndCreation(a: Pod, b: Pod): number {
  const ae = isEvicted(a), be = isEvicted(b);
  if (ae !== be) return ae ? -1 : 1;
  const at = Date.parse(a.metadata.creationTimestamp ?? '') || 0, bt = Date.parse(b.metadata.creationTimestamp ?? '') || 0;
  if (at !== bt) return at - bt;
  return a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0;
}

export class PodGCController extends Controller {
  private readonly pods: SharedInformer<Pod>;
  private readonly nodes: SharedInformer<Node>;
  private readonly threshold: number;
  private readonly periodMs: number;
  private readonly quarantineMs: number;
  /** Missing node name → when its quarantine ends. */
  private readonly quarantined = new Map<string, number>();

  constructor(ctx: ControllerContext, timings: PodGCTimings = {}) {
    super('pod-garbage-collector', ctx, 1);
    this.threshold = ctx.options.terminatedPodGCThreshold ?? DEFAULT_TERMINATED_POD_GC_THRESHOLD;
    this.periodMs = timings.gcCheckPeriodMs ?? 20_000;
    this.quarantineMs = timings.quarantineMs ?? 40_000;
    this.pods = ctx.informers.for<Pod>('pods');
    this.nodes = ctx.informers.for<Node>('nodes');
  }

  override run(): void {
    super.run();
    this.queue.add(GC_KEY);
  }

  protected async sync(key: string): Promise<void> {
    if (key !== GC_KEY) return;
    try {
      await this.gc();
    } finally {
      this.queue.addAfter(GC_KEY, this.periodMs);
    }
  }

  private async gc(): Promise<void> {
    const pods = this.pods.list();
    if (this.threshold > 0) await this.gcTerminated(pods);
    await this.gcTerminating(pods);
    await this.gcOrphaned(pods);
    await this.gcUnscheduledTerminating(pods);
  }

  private async gcTerminated(pods: Pod[]): Promise<void> {
    const terminated = pods.filter(isTerminated);
    const excess = terminated.length - this.threshold;
    if (excess <= 0) return;
    this.ctx.logger.info(`pod-garbage-collector: deleting ${excess} terminated pods`);
    terminated.sort(byEvictionAndCreation);
    await this.each(terminated.slice(0, excess), (p) => this.markFailedAndDelete(p));
  }

  private async gcTerminating(pods: Pod[]): Promise<void> {
    const doomed = pods.filter((p) => {
      if (!p.metadata.deletionTimestamp || !p.spec?.nodeName) return false;
      const node = this.nodes.get(undefined, p.spec.nodeName);
      return !!node && !isNodeReady(node) && (node.spec?.taints ?? []).some((t) => t.key === TAINT_NODE_OUT_OF_SERVICE);
    });
    doomed.sort(byEvictionAndCreation);
    await this.each(doomed, (p) => this.markFailedAndDelete(p));
  }

  private async gcOrphaned(pods: Pod[]): Promise<void> {
    const now = Date.now();
    for (const p of pods) {
      const n = p.spec?.nodeName;
      if (n && !this.nodes.get(undefined, n) && !this.quarantined.has(n)) this.quarantined.set(n, now + this.quarantineMs);
    }
    // A node still missing after its quarantine is read from the API server itself before its pods go.
    const deleted = new Set<string>();
    for (const [name, until] of [...this.quarantined]) {
      if (until > now) continue;
      this.quarantined.delete(name);
      if (this.nodes.get(undefined, name)) continue;
      try {
        await this.ctx.client.get(nodesResource, undefined, name);
      } catch (e) {
        if (isNotFound(e)) deleted.add(name);
        else this.warn(`reading node ${name}`, e);
      }
    }
    if (deleted.size === 0) return;
    const orphans = pods.filter((p) => p.spec?.nodeName && deleted.has(p.spec.nodeName));
    await this.each(orphans, (p) => {
      this.ctx.logger.info(`pod-garbage-collector: deleting pod ${p.metadata.namespace}/${p.metadata.name} of missing node ${p.spec?.nodeName}`);
      return this.markFailedAndDelete(p, { type: 'DisruptionTarget', status: 'True', reason: 'DeletionByPodGC', message: 'PodGC: node no longer exists' });
    });
  }

  private async gcUnscheduledTerminating(pods: Pod[]): Promise<void> {
    await this.each(pods.filter((p) => p.metadata.deletionTimestamp && !p.spec?.nodeName), (p) => this.markFailedAndDelete(p));
  }

  /** Upstream markFailedAndDeletePodWithCondition: a pod not yet terminal is first marked Failed, then deleted at once. */
  private async markFailedAndDelete(pod: Pod, condition?: PodCondition): Promise<void> {
    const { namespace, name, uid } = pod.metadata;
    if (!isTerminated(pod)) {
      const status: Record<string, unknown> = { phase: 'Failed' };
      if (condition) status.conditions = [{ ...condition, lastTransitionTime: metaTime() }];
      await this.ctx.client.patch(podsResource, namespace, name, 'strategic', { metadata: { uid }, status }, { subresource: 'status' });
    }
    await this.ctx.client.delete(podsResource, namespace, name, { apiVersion: 'v1', kind: 'DeleteOptions', gracePeriodSeconds: 0, preconditions: { uid } });
  }

  private async each(pods: Pod[], fn: (p: Pod) => Promise<void>): Promise<void> {
    await Promise.all(pods.map((p) => fn(p).catch((e: unknown) => {
      if (!isNotFound(e)) this.warn(`deleting pod ${p.metadata.namespace}/${p.metadata.name}`, e);
    })));
  }

  private warn(what: string, e: unknown): void {
    this.ctx.logger.warn(`pod-garbage-collector: ${what} failed`, { error: e instanceof Error ? e.message : String(e) });
  }
}

/** A pod GC factory with its own check period and quarantine (tests use short ones). */
export function podGCControllerFactory(timings: PodGCTimings = {}): ControllerFactory {
  return (ctx: ControllerContext) => new PodGCController(ctx, timings);
}

export const newPodGCController: ControllerFactory = podGCControllerFactory();
