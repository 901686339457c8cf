// The shape every controller shares (upstream's controller loop): informer handlers turn
// changes into keys on a work queue; workers take keys one at a time and reconcile the
// object's desired state with the world; a failed key is retried with backoff.

import type { KObject } from '../../client/informer.ts';
import { objectKey } from '../../client/informer.ts';
import { isConflict, type RestClient } from '../../client/rest.ts';
import type { EventRecorder } from '../../client/events.ts';
import type { Logger } from '../../log.ts';
import type { InformerFactory } from './informers.ts';
import { WorkQueue } from './queue.ts';

/** Knobs of the controller manager (upstream's kube-controller-manager flags). */
export interface ControllerOptions {
  /** How long a node's Lease may go unrenewed before it is NotReady/Unknown (default 40 s). */
  nodeMonitorGracePeriodMs?: number;
  /** How often node health is checked (default 5 s). */
  nodeMonitorPeriodMs?: number;
  /** tolerationSeconds given to pods for the not-ready and unreachable taints (default 300 s). */
  defaultTolerationSeconds?: number;
  /** Terminated pods kept before pod GC deletes the oldest (default 12,500). */
  terminatedPodGCThreshold?: number;
  /** Where the local-path provisioner makes volume directories. */
  dataDir?: string;
}

export interface ControllerContext {
  client: RestClient;
  informers: InformerFactory;
  /** An event recorder for the named component (e.g. 'replicaset-controller'). */
  recorder(component: string): EventRecorder;
  logger: Logger;
  options: ControllerOptions;
}

export abstract class Controller {
  readonly queue = new WorkQueue();
  private workers: Promise<void>[] = [];
  private stopped = false;

  constructor(readonly name: string, protected readonly ctx: ControllerContext, private readonly workerCount = 5) {}

  /** Bring the object named by key to its desired state. Throwing retries the key with backoff. */
  protected abstract sync(key: string): Promise<void>;

  enqueue(obj: KObject): void { this.queue.add(objectKey(obj)); }

  enqueueAfter(obj: KObject, delayMs: number): void { this.queue.addAfter(objectKey(obj), delayMs); }

  /** Start the workers; informers must have been started by the manager. */
  run(): void {
    for (let i = 0; i < this.workerCount; i++) this.workers.push(this.worker());
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.queue.shutDown();
    await Promise.all(this.workers);
  }

  private async worker(): Promise<void> {
    for (;;) {
      const key = await this.queue.get();
      if (key === undefined || this.stopped) return;
      try {
        await this.sync(key);
        this.queue.forget(key);
      } catch (e) {
        if (this.stopped) return;
        // Conflicts are the normal result of racing the cache: retry quietly.
        if (!isConflict(e)) {
          this.ctx.logger.warn(`${this.name}: syncing ${key} failed`, { error: e instanceof Error ? e.message : String(e) });
        }
        this.queue.addRateLimited(key);
      } finally {
        this.queue.done(key);
      }
    }
  }
}

/** namespace/name → [namespace, name] (name alone for cluster-scoped keys). */
export function splitKey(key: string): [string | undefined, string] {
  const i = key.indexOf('/');
  return i < 0 ? [undefined, key] : [key.slice(0, i), key.slice(i + 1)];
}
