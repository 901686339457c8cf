// One probe worker per (pod, container, probe type) (upstream prober/worker.go): every
// periodSeconds (the first run jittered while the agent has just started) it looks at the
// container's latest status and, when the container runs, is past initialDelaySeconds and
// is started (or, for the startup probe, not yet started), probes it. A result only counts
// once it repeats successThreshold / failureThreshold times in a row. After a liveness
// failure, or a decided startup probe, the worker holds until a new container appears.

import type { IProbe } from 'kubernetes-models/v1';
import type { Container, ContainerStatus, Pod, PodStatus } from '../types.ts';
import { isTerminalPhase } from '../types.ts';
import { probe, type ProbeContext, type ProbeType } from './prober.ts';
import type { Result, ResultsManager } from './results.ts';

/** What a worker needs from the pod it probes (the pod's PodProbes). */
export interface ProbeWorkerOwner {
  readonly pod: Pod;
  /** The pod's status as last generated (upstream reads the status manager). */
  readonly status: PodStatus | undefined;
  /** When the prober manager started (the first probe is jittered only shortly after). */
  readonly managerStart: number;
  context(container: Container, containerId: string): ProbeContext;
  /** When the container started, to the millisecond (the status has whole seconds). */
  startedAt(containerId: string): Promise<number | undefined>;
  removeWorker(worker: ProbeWorker): void;
}

const INITIAL_VALUE: Record<ProbeType, Result> = { Readiness: 'Failure', Liveness: 'Success', Startup: 'Unknown' };

/** The runtime's ID in a status containerID (`<runtime>://<id>`). */
export const runtimeID = (containerID: string): string => containerID.slice(containerID.indexOf('://') + 3);

export class ProbeWorker {
  private containerId = '';
  private lastResult: Result | undefined;
  private resultRun = 0;
  private onHold = false;
  private stopped = false;
  private probing = false;
  private again = false;
  private timer: NodeJS.Timeout | undefined;
  private readonly periodMs: number;

  constructor(
    private readonly owner: ProbeWorkerOwner,
    readonly container: Container,
    readonly type: ProbeType,
    readonly spec: IProbe,
    private readonly results: ResultsManager,
    private readonly initContainer: boolean,
  ) {
    this.periodMs = (spec.periodSeconds && spec.periodSeconds > 0 ? spec.periodSeconds : 10) * 1000;
  }

  start(): void {
    // Many workers started together (an agent restart) would probe in step: spread them out.
    const jitter = this.periodMs > Date.now() - this.owner.managerStart ? Math.random() * this.periodMs : 0;
    this.schedule(jitter);
  }

  /** Stops probing; the container's result goes with the worker. */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    if (this.containerId) this.results.remove(this.containerId);
  }

  /** Probes now (a status wants a readiness result), restarting the period from here. */
  trigger(): void {
    if (this.stopped) return;
    if (this.probing) this.again = true;
    else this.schedule(0);
  }

  private schedule(ms: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.run(), ms);
  }

  private async run(): Promise<void> {
    if (this.stopped) return;
    this.probing = true;
    let keepGoing = true;
    try {
      do {
        this.again = false;
        keepGoing = await this.doProbe();
      } while (keepGoing && this.again && !this.stopped);
    } catch {
      // A probe that blew up is not a result; try again next period.
    } finally {
      this.probing = false;
    }
    if (this.stopped) return;
    if (!keepGoing) {
      this.stop();
      this.owner.removeWorker(this);
      return;
    }
    this.schedule(this.periodMs);
  }

  private findStatus(status: PodStatus): ContainerStatus | undefined {
    const name = this.container.name;
    const list = this.initContainer ? status.initContainerStatuses : status.containerStatuses;
    const s = list?.find((c) => c.name === name);
    return s?.containerID ? s : undefined;
  }

  /** doProbe: probes once and records the result; false when the worker should end. */
  private async doProbe(): Promise<boolean> {
    const { pod, status } = this.owner;
    if (!status) return true;
    if (isTerminalPhase(status.phase)) return false;
    const c = this.findStatus(status);
    if (!c?.containerID) return true;

    const id = runtimeID(c.containerID);
    if (id !== this.containerId) {
      if (this.containerId) this.results.remove(this.containerId);
      this.containerId = id;
      this.results.set(id, INITIAL_VALUE[this.type]);
      this.onHold = false;
      this.lastResult = undefined;
      this.resultRun = 0;
    }
    if (this.onHold) return true;

    if (!c.state?.running) {
      this.results.set(id, 'Failure');
      // Nothing more to probe when the container will not be restarted.
      const sidecar = this.initContainer && this.container.restartPolicy === 'Always';
      return !c.state?.terminated || pod.spec?.restartPolicy !== 'Never' || sidecar;
    }
    if (pod.metadata.deletionTimestamp && (this.type === 'Liveness' || this.type === 'Startup')) {
      // A pod being deleted is not restarted for failing a probe: end quietly.
      this.results.set(id, 'Success');
      return false;
    }
    const delayMs = (this.spec.initialDelaySeconds ?? 0) * 1000;
    if (delayMs > 0) {
      let startedAt = Date.parse(c.state.running.startedAt ?? '');
      // Close to the end of the delay, whole seconds are not enough: ask the runtime.
      if (!(Date.now() - startedAt >= delayMs + 1000)) startedAt = (await this.owner.startedAt(id)) ?? startedAt;
      if (this.stopped) return true;
      if (Date.now() - startedAt < delayMs) return true;
    }
    // The startup probe runs until the container has started; the others only after.
    if (c.started ? this.type === 'Startup' : this.type !== 'Startup') return true;

    const result = await probe(this.type, this.spec, this.owner.context(this.container, id));
    if (result === undefined || this.stopped || id !== this.containerId) return true;

    if (this.lastResult === result) this.resultRun++;
    else {
      this.lastResult = result;
      this.resultRun = 1;
    }
    const failureThreshold = this.spec.failureThreshold ?? 3;
    const successThreshold = this.spec.successThreshold ?? 1;
    if ((result === 'Failure' && this.resultRun < failureThreshold) || (result === 'Success' && this.resultRun < successThreshold)) return true;

    this.results.set(id, result);
    if ((this.type === 'Liveness' && result === 'Failure') || this.type === 'Startup') {
      // The container will be restarted (or has started): nothing to probe until a new one.
      this.onHold = true;
      this.resultRun = 0;
    }
    return true;
  }
}
