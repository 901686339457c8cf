// The probe manager (upstream prober_manager.go): one per node agent (proberFor its runtime,
// unless the agent hands its pod workers one of its own); each pod it runs gets
// a PodProbes with a worker per container and probe type (liveness, readiness, startup) for
// its regular and sidecar containers. The pod worker hands it every status it generates, and
// asks it, container by container, whether the container has started and is ready, and which
// containers failed a liveness or startup probe and must be killed.

import { SimRuntime } from '../runtime/sim.ts';
import type { ContainerRuntime } from '../runtime/types.ts';
import type { Container, Pod, PodStatus } from '../types.ts';
import { hostNetwork, simulatedNetwork, type ProbeNetwork } from './network.ts';
import type { ProbeContext, ProbeType } from './prober.ts';
import { ResultsManager } from './results.ts';
import { ProbeWorker, type ProbeWorkerOwner } from './worker.ts';

export interface ProberManagerOptions {
  runtime: ContainerRuntime;
  /** How network probes reach pods (default: the host's network; simulatedNetwork for the simulated runtime). */
  network?: ProbeNetwork;
}

/** What the pod worker supplies for one pod's probes. */
export interface PodProbeHooks {
  hostIP: string;
  /** Records an event about one of the pod's containers. */
  event(container: Container, type: 'Normal' | 'Warning', reason: string, message: string): void;
  /** A probe result changed: the pod's status (or its containers) need another look. */
  onChange(): void;
}

export class ProberManager {
  readonly start = Date.now();
  readonly network: ProbeNetwork;
  private readonly pods = new Set<PodProbes>();

  constructor(readonly options: ProberManagerOptions) {
    this.network = options.network ?? hostNetwork;
  }

  /** AddPod: starts the pod's probe workers. */
  addPod(pod: Pod, hooks: PodProbeHooks): PodProbes {
    const p = new PodProbes(this, pod, hooks, () => this.pods.delete(p));
    this.pods.add(p);
    p.startWorkers();
    return p;
  }

  /** The IPs of the pods it probes, that is every pod this node runs (what hooks may call besides their own pod). */
  podIPs(): Set<string> {
    const ips = new Set<string>();
    for (const p of this.pods) if (p.status?.podIP) ips.add(p.status.podIP);
    return ips;
  }

  /** Stops every worker (the agent is stopping). */
  stop(): void {
    for (const p of [...this.pods]) p.stop();
  }
}

const managers = new WeakMap<ContainerRuntime, ProberManager>();

/** The probe manager of the agent that drives this runtime (made on first use; the simulated runtime's sends no packet). */
export function proberFor(runtime: ContainerRuntime): ProberManager {
  let m = managers.get(runtime);
  if (!m) managers.set(runtime, (m = new ProberManager({ runtime, network: runtime instanceof SimRuntime ? simulatedNetwork : hostNetwork })));
  return m;
}

const workerKey = (container: string, type: ProbeType): string => `${container}/${type}`;

export class PodProbes implements ProbeWorkerOwner {
  status: PodStatus | undefined;
  private readonly workers = new Map<string, ProbeWorker>();
  private readonly liveness: ResultsManager;
  private readonly readiness: ResultsManager;
  private readonly startup: ResultsManager;
  private stopped = false;

  constructor(private readonly manager: ProberManager, public pod: Pod, private readonly hooks: PodProbeHooks, private readonly onStop: () => void) {
    const changed = () => { if (!this.stopped) hooks.onChange(); };
    this.liveness = new ResultsManager(changed);
    this.readiness = new ResultsManager(changed);
    this.startup = new ResultsManager(changed);
  }

  get managerStart(): number { return this.manager.start; }

  startWorkers(): void {
    const add = (c: Container, init: boolean) => {
      const probes: [ProbeType, Container['livenessProbe'], ResultsManager][] = [
        ['Startup', c.startupProbe, this.startup], ['Readiness', c.readinessProbe, this.readiness], ['Liveness', c.livenessProbe, this.liveness],
      ];
      for (const [type, spec, results] of probes) {
        if (!spec) continue;
        const w = new ProbeWorker(this, c, type, spec, results, init);
        this.workers.set(workerKey(c.name, type), w);
        w.start();
      }
    };
    for (const c of this.pod.spec?.initContainers ?? []) if (c.restartPolicy === 'Always') add(c, true);
    for (const c of this.pod.spec?.containers ?? []) add(c, false);
  }

  /** The pod and the status just generated for it: what the workers look at next. */
  update(pod: Pod, status: PodStatus): void {
    this.pod = pod;
    this.status = status;
  }

  /**
   * UpdatePodStatus for one running container: started once its startup probe succeeded (at
   * once without one); ready once started and its readiness probe succeeded (at once without
   * one). A readiness probe with no success yet is run now rather than at its next period.
   */
  containerStatus(container: Container, containerId: string, running: boolean): { started: boolean; ready: boolean } {
    if (!running) return { started: false, ready: false };
    const started = this.started(container, containerId);
    if (!started) return { started, ready: false };
    if (this.readiness.get(containerId) === 'Success') return { started, ready: true };
    const w = this.workers.get(workerKey(container.name, 'Readiness'));
    w?.trigger();
    return { started, ready: w === undefined };
  }

  /** Whether the running container has started: its startup probe succeeded, or it has none. */
  started(container: Container, containerId: string): boolean {
    const startup = this.startup.get(containerId);
    return startup !== undefined ? startup === 'Success' : !this.workers.has(workerKey(container.name, 'Startup'));
  }

  /** Which probe the container failed so that it must be killed (liveness first, as upstream checks). */
  failed(containerId: string): 'liveness' | 'startup' | undefined {
    if (this.liveness.get(containerId) === 'Failure') return 'liveness';
    if (this.startup.get(containerId) === 'Failure') return 'startup';
    return undefined;
  }

  context(container: Container, containerId: string): ProbeContext {
    const podIP = this.status?.podIP ?? '';
    return {
      runtime: this.manager.options.runtime,
      network: this.manager.network,
      pod: this.pod,
      podIP,
      hostIP: this.hooks.hostIP,
      container,
      containerId,
      event: (type, reason, message) => { if (!this.stopped) this.hooks.event(container, type, reason, message); },
    };
  }

  async startedAt(containerId: string): Promise<number | undefined> {
    try {
      const ns = (await this.manager.options.runtime.containerStatus(containerId)).startedAt;
      return ns > 0 ? ns / 1e6 : undefined;
    } catch {
      return undefined;
    }
  }

  removeWorker(worker: ProbeWorker): void {
    const key = workerKey(worker.container.name, worker.type);
    if (this.workers.get(key) === worker) this.workers.delete(key);
  }

  /** StopLivenessAndStartup: the pod is being terminated, so no container is killed for failing a probe any more. */
  stopLivenessAndStartup(): void {
    for (const [key, w] of this.workers) {
      if (w.type === 'Readiness') continue;
      w.stop();
      this.workers.delete(key);
    }
  }

  /** RemovePod: the pod is done; its workers stop. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    for (const w of this.workers.values()) w.stop();
    this.workers.clear();
    this.onStop();
  }
}
