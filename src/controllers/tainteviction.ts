// The taint eviction controller (upstream pkg/controller/tainteviction, the "taint manager"):
// a pod on a node with NoExecute taints is deleted at once if it does not tolerate them all,
// after the smallest tolerationSeconds of the tolerations it uses if they are bounded, and never
// if they are not. Removing the taint (or adding the toleration) before the time cancels the
// eviction. The deletion is graceful and first marks the pod with a DisruptionTarget condition.

import { objectKey } from '../client/informer.ts';
import { isNotFound, resource } from '../client/rest.ts';
import type { EventRecorder, ObjectReference } from '../client/events.ts';
import { Controller, type ControllerContext } from './framework/controller.ts';
import type { SharedInformer } from './framework/informers.ts';
import { metaTime, toleratesTaint, type Node, type Pod, type Taint, type Toleration } from './nodetaints.ts';
import { podNodeName } from './nodelifecycle.ts';
import type { ControllerFactory } from './registry.ts';

const podsResource = resource('pods');
const RETRIES = 5;

const NODE_PREFIX = 'node:';
const POD_PREFIX = 'pod:';
const EVICT_PREFIX = 'evict:';

const noExecuteTaints = (node: Node | undefined): Taint[] => (node?.spec?.taints ?? []).filter((t) => t.effect === 'NoExecute');
const sameJson = (a: unknown, b: unknown): boolean => JSON.stringify(a ?? []) === JSON.stringify(b ?? []);

/**
 * Whether every taint is tolerated, and by which tolerations (the first that matches each),
 * as upstream GetMatchingTolerations.
 */
export function matchingTolerations(taints: Taint[], tolerations: Toleration[] | undefined): [boolean, Toleration[]] {
  const used: Toleration[] = [];
  for (const taint of taints) {
    const t = (tolerations ?? []).find((x) => toleratesTaint(x, taint));
    if (!t) return [false, []];
    used.push(t);
  }
  return [true, used];
}

/** The shortest bounded toleration in ms: 0 for none or a non-positive one, -1 when all are unbounded. */
export function minTolerationMs(tolerations: Toleration[]): number {
  if (tolerations.length === 0) return 0;
  let min = Infinity;
  for (const t of tolerations) {
    if (t.tolerationSeconds === undefined || t.tolerationSeconds === null) continue;
    if (t.tolerationSeconds <= 0) return 0;
    min = Math.min(min, t.tolerationSeconds);
  }
  return min === Infinity ? -1 : min * 1000;
}

/** An eviction waiting to fire; null once it has fired (so it is not scheduled twice). */
interface ScheduledEviction { createdAt: number; fireAt: number; timer: NodeJS.Timeout }

export class TaintEvictionController extends Controller {
  private readonly nodes: SharedInformer<Node>;
  private readonly pods: SharedInformer<Pod>;
  private readonly recorder: EventRecorder;
  private readonly taintedNodes = new Map<string, Taint[]>();
  private readonly evictions = new Map<string, ScheduledEviction | null>();

  constructor(ctx: ControllerContext) {
    super('taint-eviction-controller', ctx, 4);
    this.recorder = ctx.recorder('taint-eviction-controller');
    this.nodes = ctx.informers.for<Node>('nodes');
    this.pods = ctx.informers.for<Pod>('pods').addIndex('nodeName', podNodeName);
    this.nodes.addHandlers({
      add: (n) => this.queue.add(NODE_PREFIX + n.metadata.name),
      update: (old, n) => { if (!sameJson(noExecuteTaints(old), noExecuteTaints(n))) this.queue.add(NODE_PREFIX + n.metadata.name); },
      delete: (n) => this.queue.add(NODE_PREFIX + n.metadata.name),
    });
    this.pods.addHandlers({
      add: (p) => this.queue.add(POD_PREFIX + objectKey(p)),
      update: (old, p) => {
        if (old.spec?.nodeName === p.spec?.nodeName && sameJson(old.spec?.tolerations, p.spec?.tolerations)) return;
        this.queue.add(POD_PREFIX + objectKey(p));
      },
      delete: (p) => this.queue.add(POD_PREFIX + objectKey(p)),
    });
  }

  override async stop(): Promise<void> {
    for (const e of this.evictions.values()) if (e) clearTimeout(e.timer);
    await super.stop();
  }

  protected async sync(key: string): Promise<void> {
    if (key.startsWith(NODE_PREFIX)) this.handleNodeUpdate(key.slice(NODE_PREFIX.length));
    else if (key.startsWith(POD_PREFIX)) this.handlePodUpdate(key.slice(POD_PREFIX.length));
    else if (key.startsWith(EVICT_PREFIX)) await this.evict(key.slice(EVICT_PREFIX.length));
  }

  private handleNodeUpdate(name: string): void {
    const node = this.nodes.get(undefined, name);
    if (!node) { this.taintedNodes.delete(name); return; }
    const taints = noExecuteTaints(node);
    if (taints.length === 0) this.taintedNodes.delete(name);
    else this.taintedNodes.set(name, taints);
    const pods = this.pods.byIndex('nodeName', name);
    if (taints.length === 0) {
      for (const p of pods) this.cancelEviction(objectKey(p));
      return;
    }
    const now = Date.now();
    for (const p of pods) this.processPodOnNode(objectKey(p), p.spec?.tolerations, taints, now);
  }

  private handlePodUpdate(key: string): void {
    const pod = this.pods.getByKey(key);
    if (!pod) { this.cancelEviction(key); return; }
    const nodeName = pod.spec?.nodeName;
    if (!nodeName) return;
    const taints = this.taintedNodes.get(nodeName);
    // Untainted node: any eviction was cancelled when its taints went.
    if (!taints) return;
    this.processPodOnNode(key, pod.spec?.tolerations, taints, Date.now());
  }

  private processPodOnNode(key: string, tolerations: Toleration[] | undefined, taints: Taint[], now: number): void {
    if (taints.length === 0) this.cancelEviction(key);
    const [allTolerated, used] = matchingTolerations(taints, tolerations);
    if (!allTolerated) {
      this.cancelEviction(key);
      this.scheduleEviction(key, now, now);
      return;
    }
    const min = minTolerationMs(used);
    if (min < 0) { this.cancelEviction(key); return; }
    let start = now;
    const scheduled = this.evictions.get(key);
    if (scheduled) {
      // An eviction already counting down keeps counting from when it started (as upstream).
      start = scheduled.createdAt;
      if (start + min < now + min) return;
      this.cancelEviction(key);
    }
    this.scheduleEviction(key, start, start + min);
  }

  private scheduleEviction(key: string, createdAt: number, fireAt: number): void {
    if (this.evictions.has(key)) return;
    const timer = setTimeout(() => this.queue.add(EVICT_PREFIX + key), Math.max(0, fireAt - Date.now()));
    timer.unref?.();
    this.evictions.set(key, { createdAt, fireAt, timer });
  }

  private cancelEviction(key: string): void {
    if (!this.evictions.has(key)) return;
    const e = this.evictions.get(key);
    this.evictions.delete(key);
    if (!e) return;
    clearTimeout(e.timer);
    this.podEvent(key, `Cancelling deletion of Pod ${key}`);
  }

  private async evict(key: string): Promise<void> {
    const scheduled = this.evictions.get(key);
    if (!scheduled) return;
    this.podEvent(key, `Marking for deletion Pod ${key}`);
    const [namespace, name] = splitPodKey(key);
    let failure: unknown;
    for (let i = 0; i < RETRIES; i++) {
      try {
        await this.addConditionAndDeletePod(namespace, name);
        failure = undefined;
        break;
      } catch (e) {
        if (isNotFound(e)) { failure = undefined; break; }
        failure = e;
        await new Promise((r) => setTimeout(r, 10));
      }
    }
    if (this.evictions.get(key) !== scheduled) return; // cancelled meanwhile
    if (failure) {
      this.evictions.delete(key);
      this.ctx.logger.warn(`taint-eviction-controller: deleting pod ${key} failed`, { error: failure instanceof Error ? failure.message : String(failure) });
      return;
    }
    this.evictions.set(key, null);
    this.ctx.logger.info(`taint-eviction-controller: deleted pod ${key}`);
  }

  private async addConditionAndDeletePod(namespace: string, name: string): Promise<void> {
    const pod = await this.ctx.client.get<Pod>(podsResource, namespace, name);
    const had = pod.status?.conditions?.find((c) => c.type === 'DisruptionTarget');
    if (!had || had.status !== 'True' || had.reason !== 'DeletionByTaintManager') {
      const condition = {
        type: 'DisruptionTarget', status: 'True', reason: 'DeletionByTaintManager',
        message: 'Taint manager: deleting due to NoExecute taint', lastTransitionTime: metaTime(),
      };
      await this.ctx.client.patch(podsResource, namespace, name, 'strategic',
        { metadata: { uid: pod.metadata.uid }, status: { conditions: [condition] } }, { subresource: 'status' });
    }
    await this.ctx.client.delete(podsResource, namespace, name, { apiVersion: 'v1', kind: 'DeleteOptions', preconditions: { uid: pod.metadata.uid } });
  }

  private podEvent(key: string, message: string): void {
    const [namespace, name] = splitPodKey(key);
    const ref: ObjectReference = { apiVersion: 'v1', kind: 'Pod', namespace, name };
    this.recorder.event(ref, 'Normal', 'TaintManagerEviction', message);
  }
}

function splitPodKey(key: string): [string, string] {
  const i = key.indexOf('/');
  return [key.slice(0, i), key.slice(i + 1)];
}

export const newTaintEvictionController: ControllerFactory = (ctx) => new TaintEvictionController(ctx);
