// The scheduling queue (upstream pkg/scheduler/backend/queue): pods waiting for a
// scheduling attempt live in exactly one of three places —
//   activeQ        ready now, ordered by the profile's QueueSort (priority, then age);
//   backoffQ       failed recently, waiting out an exponential backoff (1 s doubling to 10 s);
//   unschedulable  failed and parked until a cluster event (a node added or changed, a
//                  pod deleted, ...) might make it fit, or until 5 minutes have passed.
// A move request that happens while a pod is being scheduled sends that pod, if it then
// fails, to backoff instead of unschedulable, so the event is not missed.

import { Heap } from './heap.ts';
import type { Pod } from './framework/types.ts';

export interface QueuedPodInfo {
  pod: Pod;
  key: string;
  /** When the pod entered the queue (or was last moved back to it): the age tie-break. */
  timestamp: number;
  /** When the pod was first added; kept across attempts. */
  initialAttemptTimestamp: number;
  attempts: number;
  /** Plugins that rejected the pod in its last attempt. */
  unschedulablePlugins: Set<string>;
}

export interface QueueOptions {
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** Unschedulable pods are retried at least this often. */
  maxInUnschedulableMs?: number;
  /** QueueSort: true when a should be tried before b. */
  less?: (a: QueuedPodInfo, b: QueuedPodInfo) => boolean;
  now?: () => number;
}

export const podKey = (pod: Pod): string => `${pod.metadata?.namespace ?? ''}/${pod.metadata?.name ?? ''}`;

/** PrioritySort: higher priority first, then the one that has waited longer. */
export function prioritySortLess(a: QueuedPodInfo, b: QueuedPodInfo): boolean {
  const pa = a.pod.spec?.priority ?? 0, pb = b.pod.spec?.priority ?? 0;
  return pa > pb || (pa === pb && a.timestamp < b.timestamp);
}

export class SchedulingQueue {
  private readonly active: Heap<QueuedPodInfo>;
  private readonly backoff: Heap<QueuedPodInfo>;
  private readonly unschedulable = new Map<string, QueuedPodInfo>();
  /** Pods popped and not yet done (scheduling or binding). */
  private readonly inFlight = new Map<string, number>();
  private schedulingCycle = 0;
  private moveRequestCycle = -1;
  private readonly waiters: ((p: QueuedPodInfo | undefined) => void)[] = [];
  private closed = false;
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly initialBackoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly maxInUnschedulableMs: number;
  private readonly now: () => number;

  constructor(opts: QueueOptions = {}) {
    this.initialBackoffMs = opts.initialBackoffMs ?? 1000;
    this.maxBackoffMs = opts.maxBackoffMs ?? 10_000;
    this.maxInUnschedulableMs = opts.maxInUnschedulableMs ?? 5 * 60_000;
    this.now = opts.now ?? Date.now;
    this.active = new Heap((p) => p.key, opts.less ?? prioritySortLess);
    this.backoff = new Heap((p) => p.key, (a, b) => this.backoffExpiry(a) < this.backoffExpiry(b));
  }

  /** Starts the periodic flushes (backoff every second, unschedulable every 30 s). */
  run(): void {
    this.timers.push(setInterval(() => this.flushBackoffCompleted(), 1000).unref());
    this.timers.push(setInterval(() => this.flushUnschedulableLeftover(), 30_000).unref());
  }

  close(): void {
    this.closed = true;
    for (const t of this.timers) clearInterval(t);
    for (const w of this.waiters.splice(0)) w(undefined);
  }

  get length(): { active: number; backoff: number; unschedulable: number } {
    return { active: this.active.size, backoff: this.backoff.size, unschedulable: this.unschedulable.size };
  }

  /** A new pending pod. */
  add(pod: Pod): void {
    const key = podKey(pod);
    const now = this.now();
    const existing = this.find(key);
    if (existing) { existing.pod = pod; return; }
    this.pushActive({ pod, key, timestamp: now, initialAttemptTimestamp: now, attempts: 0, unschedulablePlugins: new Set() });
  }

  /** The pending pod changed: an unschedulable pod whose spec or labels changed gets another try. */
  update(oldPod: Pod, pod: Pod): void {
    const key = podKey(pod);
    if (this.active.has(key)) { const p = this.active.get(key) as QueuedPodInfo; p.pod = pod; this.active.addOrUpdate(p); return; }
    if (this.backoff.has(key)) { (this.backoff.get(key) as QueuedPodInfo).pod = pod; return; }
    const u = this.unschedulable.get(key);
    if (u) {
      u.pod = pod;
      if (schedulingRelevantChange(oldPod, pod)) {
        this.unschedulable.delete(key);
        if (this.isBackingOff(u)) this.backoff.addOrUpdate(u);
        else this.pushActive(u);
      }
      return;
    }
    if (!this.inFlight.has(key)) this.add(pod);
  }

  delete(pod: Pod): void {
    const key = podKey(pod);
    this.active.delete(key);
    this.backoff.delete(key);
    this.unschedulable.delete(key);
  }

  /** Waits for the next pod to try; undefined once the queue is closed. */
  pop(): Promise<QueuedPodInfo | undefined> {
    const p = this.active.pop();
    if (p) return Promise.resolve(this.popped(p));
    if (this.closed) return Promise.resolve(undefined);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private popped(p: QueuedPodInfo): QueuedPodInfo {
    p.attempts++;
    this.schedulingCycle++;
    this.inFlight.set(p.key, this.schedulingCycle);
    return p;
  }

  /** The attempt is over (scheduled, or handed back with addUnschedulableIfNotPresent). */
  done(key: string): void {
    this.inFlight.delete(key);
  }

  /**
   * A failed attempt: the pod waits in backoff when a move request came in during its
   * attempt (or the failure was an error), otherwise in unschedulable.
   */
  addUnschedulableIfNotPresent(p: QueuedPodInfo, rejectedBy: Set<string>, error = false): void {
    const cycle = this.inFlight.get(p.key) ?? this.schedulingCycle;
    this.inFlight.delete(p.key);
    if (this.find(p.key)) return;
    p.unschedulablePlugins = rejectedBy;
    p.timestamp = this.now();
    if (error || this.moveRequestCycle >= cycle) this.backoff.addOrUpdate(p);
    else this.unschedulable.set(p.key, p);
  }

  /** A cluster event that may make unschedulable pods fit: retry them all. */
  moveAllToActiveOrBackoff(): void {
    for (const [key, p] of this.unschedulable) {
      this.unschedulable.delete(key);
      if (this.isBackingOff(p)) this.backoff.addOrUpdate(p);
      else this.pushActive(p);
    }
    this.moveRequestCycle = this.schedulingCycle;
  }

  /** Pending pods (for tests and debugging). */
  pendingPods(): Pod[] {
    return [...this.active.list(), ...this.backoff.list(), ...this.unschedulable.values()].map((p) => p.pod);
  }

  flushBackoffCompleted(): void {
    const now = this.now();
    for (let p = this.backoff.peek(); p && this.backoffExpiry(p) <= now; p = this.backoff.peek()) {
      this.backoff.pop();
      this.pushActive(p);
    }
  }

  flushUnschedulableLeftover(): void {
    const now = this.now();
    for (const [key, p] of this.unschedulable) {
      if (now - p.timestamp > this.maxInUnschedulableMs) {
        this.unschedulable.delete(key);
        if (this.isBackingOff(p)) this.backoff.addOrUpdate(p);
        else this.pushActive(p);
      }
    }
  }

  private find(key: string): QueuedPodInfo | undefined {
    return this.active.get(key) ?? this.backoff.get(key) ?? this.unschedulable.get(key);
  }

  private pushActive(p: QueuedPodInfo): void {
    const w = this.waiters.shift();
    if (w) { w(this.popped(p)); return; }
    this.active.addOrUpdate(p);
  }

  private backoffDuration(p: QueuedPodInfo): number {
    let d = this.initialBackoffMs;
    for (let i = 1; i < p.attempts; i++) {
      d *= 2;
      if (d >= this.maxBackoffMs) return this.maxBackoffMs;
    }
    return d;
  }

  private backoffExpiry(p: QueuedPodInfo): number {
    return p.timestamp + this.backoffDuration(p);
  }

  private isBackingOff(p: QueuedPodInfo): boolean {
    return p.attempts > 0 && this.backoffExpiry(p) > this.now();
  }
}

/** Changes worth a retry: anything but status and resourceVersion/managedFields. */
function schedulingRelevantChange(a: Pod, b: Pod): boolean {
  const strip = (p: Pod) => JSON.stringify({ spec: p.spec, labels: p.metadata?.labels, annotations: p.metadata?.annotations });
  return strip(a) !== strip(b);
}
