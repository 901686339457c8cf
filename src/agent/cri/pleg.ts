// The pod lifecycle event generator for runtimes without CRI GetContainerEvents (containerd
// 1.6 answers UNIMPLEMENTED): like the kubelet's generic PLEG it relists sandboxes and
// containers periodically, compares each container's state with the previous relist, and
// turns the differences into container events (started, stopped, deleted).

import type { Logger } from '../../log.ts';
import {
  KubernetesPodNameLabel, KubernetesPodNamespaceLabel, KubernetesPodUIDLabel,
  type Container, type ContainerEventResponse, type ContainerEventType, type ContainerState, type ContainerStatus, type PodSandbox,
  type PodSandboxStatus,
} from '../runtime/types.ts';

/** The runtime calls a relist needs. */
export interface RelistSource {
  listPodSandbox(): Promise<PodSandbox[]>;
  listContainers(): Promise<Container[]>;
  containerStatus(id: string): Promise<ContainerStatus>;
}

interface Seen { state: ContainerState; podSandboxId: string; labels: Record<string, string> }

/** The events for one container going from `before` (undefined: did not exist) to `after` (generic.go computeEvents). */
export function containerEvents(before: ContainerState | undefined, after: ContainerState | undefined): ContainerEventType[] {
  if (before === after) return [];
  switch (after) {
    case 'CONTAINER_CREATED': return ['CONTAINER_CREATED_EVENT'];
    case 'CONTAINER_RUNNING': return ['CONTAINER_STARTED_EVENT'];
    case 'CONTAINER_EXITED':
    case 'CONTAINER_UNKNOWN': return ['CONTAINER_STOPPED_EVENT'];
    default: return before === 'CONTAINER_EXITED' ? ['CONTAINER_DELETED_EVENT'] : ['CONTAINER_STOPPED_EVENT', 'CONTAINER_DELETED_EVENT'];
  }
}

const nowNs = (): number => Date.now() * 1e6;

export class RelistPLEG {
  private readonly listeners = new Set<(e: ContainerEventResponse) => void>();
  private seen = new Map<string, Seen>();
  private sandboxes = new Map<string, PodSandbox>();
  private timer: NodeJS.Timeout | undefined;
  private soon: NodeJS.Timeout | undefined;
  private relisting: Promise<void> | undefined;
  private again = false;
  private closed = false;

  constructor(private readonly source: RelistSource, private readonly periodMs: number, private readonly log?: Logger) {}

  subscribe(listener: (e: ContainerEventResponse) => void): () => void {
    this.listeners.add(listener);
    if (this.listeners.size === 1) this.schedule(0);
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) this.pause();
    };
  }

  /** Relist shortly (the agent has just changed something); calls close together share one relist. */
  relistSoon(delayMs = 50): void {
    if (this.listeners.size === 0 || this.closed || this.soon) return;
    this.soon = setTimeout(() => {
      this.soon = undefined;
      void this.relist();
    }, delayMs);
  }

  close(): void {
    this.closed = true;
    this.pause();
  }

  private pause(): void {
    clearTimeout(this.timer);
    clearTimeout(this.soon);
    this.timer = this.soon = undefined;
  }

  private schedule(delayMs: number): void {
    clearTimeout(this.timer);
    if (this.closed || this.listeners.size === 0) return;
    this.timer = setTimeout(() => void this.relist(), delayMs);
  }

  /** One relist; a relist asked for while one runs follows it. */
  async relist(): Promise<void> {
    if (this.relisting) {
      this.again = true;
      return this.relisting;
    }
    this.relisting = (async () => {
      do {
        this.again = false;
        try {
          await this.relistOnce();
        } catch (e) {
          if (!this.closed) this.log?.warn('relisting the runtime failed', { error: (e as Error).message });
        }
      } while (this.again && !this.closed);
    })();
    try {
      await this.relisting;
    } finally {
      this.relisting = undefined;
      this.schedule(this.periodMs);
    }
  }

  private async relistOnce(): Promise<void> {
    const [sandboxes, containers] = await Promise.all([this.source.listPodSandbox(), this.source.listContainers()]);
    for (const s of sandboxes) this.sandboxes.set(s.id, s);
    const now = new Map<string, Seen>(containers.map((c) => [c.id, { state: c.state, podSandboxId: c.podSandboxId, labels: c.labels ?? {} }]));
    const changes: { id: string; seen: Seen; types: ContainerEventType[] }[] = [];
    for (const [id, after] of now) {
      const types = containerEvents(this.seen.get(id)?.state, after.state);
      if (types.length) changes.push({ id, seen: after, types });
    }
    for (const [id, before] of this.seen) {
      if (!now.has(id)) changes.push({ id, seen: before, types: containerEvents(before.state, undefined) });
    }
    this.seen = now;
    for (const { id, seen, types } of changes) {
      const statuses: ContainerStatus[] = [];
      if (now.has(id)) {
        try { statuses.push(await this.source.containerStatus(id)); } catch { /* gone meanwhile: the next relist says so */ }
      }
      for (const type of types) this.emit({ containerId: id, containerEventType: type, createdAt: nowNs(), podSandboxStatus: this.sandboxOf(seen), containersStatuses: statuses });
    }
    // Sandboxes no container refers to any more are forgotten.
    const live = new Set(sandboxes.map((s) => s.id));
    for (const c of now.values()) live.add(c.podSandboxId);
    for (const id of this.sandboxes.keys()) if (!live.has(id)) this.sandboxes.delete(id);
  }

  /** The container's sandbox as last listed, or what its labels say of the pod. */
  private sandboxOf(seen: Seen): PodSandboxStatus {
    const s = this.sandboxes.get(seen.podSandboxId);
    if (s) return { ...s };
    const l = seen.labels;
    return {
      id: seen.podSandboxId,
      metadata: { name: l[KubernetesPodNameLabel] ?? '', namespace: l[KubernetesPodNamespaceLabel] ?? '', uid: l[KubernetesPodUIDLabel] ?? '', attempt: 0 },
      state: 'SANDBOX_NOTREADY',
      createdAt: 0,
    };
  }

  private emit(e: ContainerEventResponse): void {
    for (const l of this.listeners) {
      try { l(e); } catch (err) { this.log?.warn('container event listener failed', { error: (err as Error).message }); }
    }
  }
}
