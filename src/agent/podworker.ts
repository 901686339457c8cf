// One pod worker per pod (upstream pod_workers.go + kuberuntime SyncPod): every change to
// the pod or to its containers kicks the worker, and syncs run one at a time, the latest
// pod winning (updates that arrive during a sync coalesce into one more sync). A sync is
// level-triggered: from what the runtime says now it pulls images, runs the sandbox, runs
// init containers in order to completion, runs the app containers, restarts what the
// restart policy asks for (with CrashLoopBackOff), and hands one status to the status
// manager. It converges as far as it can before publishing, so a pod that starts without
// trouble costs a single status write.

import { isConflict, isNotFound, resource, type RestClient } from '../client/rest.ts';
import { referenceTo, type ObjectReference } from '../client/events.ts';
import type { Logger } from '../log.ts';
import { timestamp } from '../registry/object.ts';
import { Backoff } from './backoff.ts';
import { formatDuration } from './duration.ts';
import { killContainer, runPostStartHook, terminationGracePeriod, type HookContext } from './lifecycle.ts';
import { generatePodStatus, terminatedState, type ContainerView } from './podstatus.ts';
import { proberFor, type PodProbes, type ProberManager } from './prober/manager.ts';
import {
  ContainerTypeLabel, KubernetesContainerNameLabel, KubernetesPodNameLabel, KubernetesPodNamespaceLabel, KubernetesPodUIDLabel, NamespaceMode,
  isRuntimeNotFound, type ContainerConfig, type ContainerRuntime, type ContainerType, type PodSandboxConfig, type PortMapping,
} from './runtime/types.ts';
import type { StatusManager } from './statusmanager.ts';
import { isTerminalPhase, podDescription, type Container, type Pod, type PodStatus } from './types.ts';

const pods = resource('pods');

const readinessGateStatuses = (p: Pod): string =>
  (p.spec?.readinessGates ?? []).map((g) => p.status?.conditions?.find((c) => c.type === g.conditionType)?.status ?? '').join(',');
/** The kubelet never gives a container less than this to stop (minimumGracePeriodInSeconds). */
const MIN_GRACE_SECONDS = 2;
const SYNC_RETRY_MS = 1000;
/** Failed sandboxes retry on the pull back-off's clock, under a key no image name can have. */
const SANDBOX_BACKOFF_KEY = '\0sandbox';

export type RecordEvent = (ref: ObjectReference, type: 'Normal' | 'Warning', reason: string, message: string) => void;

export interface PodWorkerDeps {
  runtime: ContainerRuntime;
  /** `<runtimeName>://<id>` is how container IDs are published. */
  runtimeName: string;
  hostIP: string;
  client: RestClient;
  statusManager: StatusManager;
  recordEvent: RecordEvent;
  crashBackoffBaseMs: number;
  crashBackoffMaxMs: number;
  log: Logger;
  /** The pod will run nothing more (its resources are free for other pods). */
  onTerminal(worker: PodWorker): void;
  /** The pod is gone from the API and torn down. */
  onRemoved(worker: PodWorker): void;
  /** Runs the pods' liveness, readiness and startup probes (default: the runtime's, proberFor). */
  prober?: ProberManager;
}

/** What the worker tracks of one container: its view for status plus the spec's place. */
interface ContainerRecord extends ContainerView {
  fieldPath: string;
}

interface Sandbox { id: string; config: PodSandboxConfig; ip: string }

export type Admission = 'pending' | 'admitted' | 'rejected';

const kindOf = (c: Container, init: boolean): ContainerType => (!init ? 'regular' : c.restartPolicy === 'Always' ? 'sidecar' : 'init');

/** Upstream's defaulting of imagePullPolicy: Always for :latest or no tag, else IfNotPresent. */
function pullPolicy(c: Container): string {
  if (c.imagePullPolicy) return c.imagePullPolicy;
  const image = c.image ?? '';
  if (image.includes('@')) return 'IfNotPresent';
  const colon = image.lastIndexOf(':');
  const tag = colon > image.lastIndexOf('/') ? image.slice(colon + 1) : '';
  return tag === '' || tag === 'latest' ? 'Always' : 'IfNotPresent';
}

const nsToMs = (ns: number): number => Math.floor(ns / 1e6);

export class PodWorker {
  pod: Pod;
  readonly uid: string;
  admission: Admission = 'pending';
  /** Nothing more will run for this pod. */
  terminal = false;
  private rejection: { reason: string; message: string } | undefined;
  private removed = false;
  /** Terminated and deleted from the API by this worker. */
  private finished = false;
  /** Torn down after the pod left the API: the worker is done for good. */
  private gone = false;
  private stopped = false;
  private running = false;
  private pending = false;
  private timer: NodeJS.Timeout | undefined;
  private wakeAt: number | undefined;
  private everStarted = false;
  private sandbox: Sandbox | undefined;
  private podIP = '';
  private startTime: string | undefined;
  private lastStatus: PodStatus | undefined;
  private readonly init: ContainerRecord[];
  private readonly regular: ContainerRecord[];
  private readonly crashBackoff: Backoff;
  private readonly pullBackoff: Backoff;
  private probes: PodProbes | undefined;
  /** Containers killed to be restarted (failed probe or postStart hook), whatever their exit code. */
  private readonly killedForRestart = new Set<string>();

  constructor(pod: Pod, private readonly deps: PodWorkerDeps) {
    this.pod = pod;
    this.uid = pod.metadata.uid ?? '';
    this.crashBackoff = new Backoff(deps.crashBackoffBaseMs, deps.crashBackoffMaxMs);
    this.pullBackoff = new Backoff(deps.crashBackoffBaseMs, deps.crashBackoffMaxMs);
    this.init = (pod.spec?.initContainers ?? []).map((c) => this.record(c, true));
    this.regular = (pod.spec?.containers ?? []).map((c) => this.record(c, false));
  }

  /**
   * A container's record, seeded from the API's status: after an agent restart the runtime has
   * lost the old attempt, so the next one counts as a restart of it.
   */
  private record(spec: Container, init: boolean): ContainerRecord {
    const published = (init ? this.pod.status?.initContainerStatuses : this.pod.status?.containerStatuses)?.find((s) => s.name === spec.name);
    const restartCount = published ? published.restartCount + (published.containerID ? 1 : 0) : 0;
    const lastTermination = published?.state?.terminated ?? published?.lastState?.terminated;
    return {
      spec,
      kind: kindOf(spec, init),
      restartCount,
      lastTermination,
      fieldPath: `spec.${init ? 'initContainers' : 'containers'}{${spec.name}}`,
    };
  }

  get containers(): readonly ContainerRecord[] { return [...this.init, ...this.regular]; }

  /** A newer version of the pod; only deletion changes what the worker does with it. */
  update(pod: Pod): void {
    const was = this.pod;
    this.pod = pod;
    if (was.metadata.deletionTimestamp !== pod.metadata.deletionTimestamp || was.metadata.deletionGracePeriodSeconds !== pod.metadata.deletionGracePeriodSeconds) this.kick();
    // Others set readiness gate conditions; Ready must follow them (upstream NeedToReconcilePodReadiness).
    else if (readinessGateStatuses(was) !== readinessGateStatuses(pod)) this.kick();
  }

  admit(): void {
    this.admission = 'admitted';
    this.kick();
  }

  reject(reason: string, message: string): void {
    this.admission = 'rejected';
    this.rejection = { reason, message };
    this.kick();
  }

  /** The pod is gone from the API. */
  remove(): void {
    this.removed = true;
    this.kick();
  }

  /** Stops working (the agent is going away); the runtime is left as it is. */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.probes?.stop();
  }

  /** Runs a sync now, or once more after the current one. */
  kick(): void {
    if (this.stopped || this.gone) return;
    if (this.running) {
      this.pending = true;
      return;
    }
    void this.loop();
  }

  /** Resolves when no sync is running or queued (for tests). */
  async idle(): Promise<void> {
    while (this.running) await new Promise((r) => setImmediate(r));
  }

  private async loop(): Promise<void> {
    this.running = true;
    try {
      do {
        this.pending = false;
        try {
          await this.sync();
        } catch (e) {
          this.deps.log.warn('pod sync failed', { pod: `${this.pod.metadata.namespace}/${this.pod.metadata.name}`, error: (e as Error).message });
          this.wake(Date.now() + SYNC_RETRY_MS);
        }
      } while (this.pending && !this.stopped && !this.gone);
    } finally {
      this.running = false;
    }
    this.armTimer();
  }

  private wake(at: number): void {
    if (this.wakeAt === undefined || at < this.wakeAt) this.wakeAt = at;
  }

  private armTimer(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.wakeAt === undefined || this.stopped || this.gone || this.finished) return;
    const delay = Math.max(0, this.wakeAt - Date.now());
    this.wakeAt = undefined;
    this.timer = setTimeout(() => this.kick(), delay);
  }

  private event(rec: ContainerRecord | undefined, type: 'Normal' | 'Warning', reason: string, message: string): void {
    const ref = referenceTo(this.pod, 'Pod');
    if (rec) ref.fieldPath = rec.fieldPath;
    this.deps.recordEvent(ref, type, reason, message);
  }

  private get prober(): ProberManager { return this.deps.prober ?? proberFor(this.deps.runtime); }

  /** What lifecycle hooks and kills need of this pod. */
  private hookContext(): HookContext {
    return {
      runtime: this.deps.runtime,
      network: this.prober.network,
      pod: this.pod,
      podIP: this.pod.spec?.hostNetwork ? this.deps.hostIP : this.podIP,
      hostIP: this.deps.hostIP,
      event: (c, type, reason, message) => this.event(c && this.containers.find((r) => r.spec.name === c.name), type, reason, message),
    };
  }

  private async sync(): Promise<void> {
    this.wakeAt = undefined;
    clearTimeout(this.timer);
    if (this.removed) {
      this.probes?.stop();
      await this.teardown();
      this.gone = true;
      this.deps.onRemoved(this);
      return;
    }
    if (this.finished) return;
    if (this.pod.metadata.deletionTimestamp) return this.terminate();
    if (this.terminal || this.admission === 'pending') return;
    if (this.admission === 'rejected') return this.publishRejection();
    // A pod that finished before this agent saw it is not run again.
    if (!this.everStarted && isTerminalPhase(this.pod.status?.phase)) {
      this.markTerminal();
      return;
    }
    this.everStarted = true;
    this.probes ??= this.prober.addPod(this.pod, { hostIP: this.deps.hostIP, event: this.hookContext().event, onChange: () => this.kick() });
    this.startTime ??= this.pod.status?.startTime ?? timestamp(Date.now());
    if (await this.ensureSandbox()) await this.converge();
    await this.publish(false);
  }

  private markTerminal(): void {
    if (this.terminal) return;
    this.terminal = true;
    this.probes?.stop();
    this.deps.onTerminal(this);
  }

  private publishRejection(): void {
    if (this.terminal || !this.rejection) return;
    const { reason, message } = this.rejection;
    this.event(undefined, 'Warning', reason, message);
    const status: PodStatus = { phase: 'Failed', reason, message: `Pod was rejected: ${message}`, startTime: this.pod.status?.startTime ?? timestamp(Date.now()) };
    this.deps.statusManager.setPodStatus(this.pod, status);
    this.markTerminal();
  }

  // --- Sandbox ---------------------------------------------------------------------------

  private sandboxConfig(): PodSandboxConfig {
    const { metadata: m, spec } = this.pod;
    const namespace = m.namespace ?? 'default';
    const portMappings: PortMapping[] = [];
    for (const c of spec?.containers ?? []) {
      for (const p of c.ports ?? []) {
        if (p.hostPort) portMappings.push({ protocol: p.protocol as PortMapping['protocol'], containerPort: p.containerPort, hostPort: p.hostPort, hostIp: p.hostIP });
      }
    }
    return {
      metadata: { name: m.name, uid: this.uid, namespace, attempt: 0 },
      hostname: spec?.hostname ?? m.name,
      logDirectory: `/var/log/pods/${namespace}_${m.name}_${this.uid}`,
      portMappings,
      labels: { ...m.labels, [KubernetesPodNameLabel]: m.name, [KubernetesPodNamespaceLabel]: namespace, [KubernetesPodUIDLabel]: this.uid },
      annotations: { ...m.annotations },
      linux: { securityContext: { namespaceOptions: { network: spec?.hostNetwork ? NamespaceMode.NODE : NamespaceMode.POD } } },
    };
  }

  private async ensureSandbox(): Promise<boolean> {
    if (this.sandbox) return true;
    const config = this.sandboxConfig();
    try {
      const id = await this.deps.runtime.runPodSandbox(config);
      const status = await this.deps.runtime.podSandboxStatus(id);
      this.sandbox = { id, config, ip: status.network?.ip ?? '' };
      this.podIP = this.sandbox.ip;
      return true;
    } catch (e) {
      this.event(undefined, 'Warning', 'FailedCreatePodSandBox', `Failed to create pod sandbox: ${(e as Error).message}`);
      this.pullBackoff.next(SANDBOX_BACKOFF_KEY, Date.now());
      this.wake(this.pullBackoff.updateExpiresAt(SANDBOX_BACKOFF_KEY) ?? Date.now() + SYNC_RETRY_MS);
      return false;
    }
  }

  private async releaseSandbox(): Promise<void> {
    const s = this.sandbox;
    if (!s) return;
    this.sandbox = undefined;
    const rt = this.deps.runtime;
    for (const rec of this.containers) if (rec.runtime) await rt.removeContainer(rec.runtime.id).catch(() => undefined);
    await rt.stopPodSandbox(s.id).catch(() => undefined);
    await rt.removePodSandbox(s.id).catch(() => undefined);
  }

  private async teardown(): Promise<void> {
    await this.releaseSandbox();
    this.deps.statusManager.forget(this.uid);
  }

  // --- Containers ------------------------------------------------------------------------

  private async refresh(): Promise<void> {
    for (const rec of this.containers) {
      if (!rec.runtime) continue;
      try {
        rec.runtime = await this.deps.runtime.containerStatus(rec.runtime.id);
      } catch (e) {
        if (!isRuntimeNotFound(e)) throw e;
        rec.runtime = { ...rec.runtime, state: 'CONTAINER_UNKNOWN' };
      }
    }
  }

  /** Start, or restart within the back-off, as often as progress is made (init containers that finish at once, first restarts). */
  private async converge(): Promise<void> {
    const blocked = new Set<ContainerRecord>();
    const rounds = 2 * (this.init.length + this.regular.length) + 2;
    await this.killUnhealthy();
    for (let i = 0; i < rounds; i++) {
      await this.refresh();
      const starts = this.plan(blocked, Date.now());
      if (starts.length === 0) return;
      for (const rec of starts) {
        if (!(await this.startContainer(rec))) blocked.add(rec);
      }
    }
    // Still not settled (containers that keep exiting at once): publish, then carry on.
    await this.refresh();
    this.wake(Date.now());
  }

  /** Containers that failed a liveness or startup probe are killed; plan() restarts them per the restart policy. */
  private async killUnhealthy(): Promise<void> {
    if (!this.probes) return;
    const restart = (this.pod.spec?.restartPolicy ?? 'Always') !== 'Never';
    for (const rec of this.containers) {
      const id = rec.runtime?.state === 'CONTAINER_RUNNING' ? rec.runtime.id : undefined;
      const failed = id === undefined ? undefined : this.probes.failed(id);
      if (id === undefined || failed === undefined) continue;
      const again = restart || rec.kind === 'sidecar';
      if (again) this.killedForRestart.add(id);
      const message = `Container ${rec.spec.name} failed ${failed} probe${again ? ', will be restarted' : ''}`;
      await killContainer(this.hookContext(), rec.spec, id, terminationGracePeriod(this.pod, rec.spec, failed), message);
    }
  }

  /** Whether an exited container may restart now; if not, it waits in CrashLoopBackOff until it may. */
  private restartReady(rec: ContainerRecord, now: number): boolean {
    const finishedAt = nsToMs(rec.runtime?.finishedAt ?? 0);
    const key = rec.fieldPath;
    if (!this.crashBackoff.inBackoffSince(key, finishedAt, now)) {
      this.crashBackoff.next(key, finishedAt, now);
      return true;
    }
    const delay = this.crashBackoff.get(key);
    if (rec.waiting?.reason !== 'CrashLoopBackOff') {
      this.event(rec, 'Warning', 'BackOff', `Back-off restarting failed container ${rec.spec.name} in pod ${podDescription(this.pod)}`);
    }
    rec.waiting = { reason: 'CrashLoopBackOff', message: `back-off ${formatDuration(delay)} restarting failed container=${rec.spec.name} pod=${podDescription(this.pod)}` };
    this.wake(finishedAt + delay);
    return false;
  }

  /** A container never created (or whose image could not be had) is tried again, unless it waits on a pull back-off. */
  private startable(rec: ContainerRecord, blocked: Set<ContainerRecord>, now: number): boolean {
    if (blocked.has(rec)) return false;
    if (rec.waiting?.reason === 'ImagePullBackOff' && this.pullBackoff.inBackoffSinceUpdate(rec.spec.image ?? '', now)) {
      this.wake(this.pullBackoff.updateExpiresAt(rec.spec.image ?? '') ?? now);
      return false;
    }
    return true;
  }

  /** Which containers to start now (computeInitContainerActions + the app containers' restart policy). */
  private plan(blocked: Set<ContainerRecord>, now: number): ContainerRecord[] {
    const policy = this.pod.spec?.restartPolicy ?? 'Always';
    const out: ContainerRecord[] = [];
    for (const rec of this.init) {
      const state = rec.runtime?.state;
      if (rec.kind === 'sidecar') {
        if (state === 'CONTAINER_RUNNING') continue;
        if (state === 'CONTAINER_EXITED' || state === 'CONTAINER_UNKNOWN') {
          if (this.restartReady(rec, now)) out.push(rec);
          continue;
        }
        if (!rec.runtime && this.startable(rec, blocked, now)) out.push(rec);
        return out;
      }
      if (!rec.runtime) {
        if (this.startable(rec, blocked, now)) out.push(rec);
        return out;
      }
      if (state === 'CONTAINER_RUNNING' || state === 'CONTAINER_CREATED') return out;
      if (state === 'CONTAINER_EXITED' && rec.runtime.exitCode === 0) continue;
      if (policy !== 'Never' && this.restartReady(rec, now)) out.push(rec);
      return out;
    }
    for (const rec of this.regular) {
      if (!rec.runtime) {
        if (this.startable(rec, blocked, now)) out.push(rec);
        continue;
      }
      const state = rec.runtime.state;
      if (state !== 'CONTAINER_EXITED' && state !== 'CONTAINER_UNKNOWN') continue;
      const restart = policy === 'Always' || (policy === 'OnFailure' && (rec.runtime.exitCode !== 0 || this.killedForRestart.has(rec.runtime.id)));
      if (restart && this.restartReady(rec, now)) out.push(rec);
    }
    return out;
  }

  /** EnsureImageExists: the image reference to create the container from, or undefined (rec.waiting says why). */
  private async ensureImage(rec: ContainerRecord): Promise<string | undefined> {
    const rt = this.deps.runtime;
    const image = rec.spec.image ?? '';
    const policy = pullPolicy(rec.spec);
    const present = await rt.imageStatus({ image });
    if (present && policy !== 'Always') {
      this.event(rec, 'Normal', 'Pulled', `Container image "${image}" already present on machine`);
      return present.repoDigests[0] ?? present.id;
    }
    if (policy === 'Never') {
      const message = `Container image "${image}" is not present with pull policy of Never`;
      this.event(rec, 'Warning', 'ErrImageNeverPull', message);
      this.event(rec, 'Warning', 'Failed', 'Error: ErrImageNeverPull');
      rec.waiting = { reason: 'ErrImageNeverPull', message };
      return undefined;
    }
    const now = Date.now();
    if (this.pullBackoff.inBackoffSinceUpdate(image, now)) {
      const message = `Back-off pulling image "${image}"`;
      this.event(rec, 'Normal', 'BackOff', message);
      this.event(rec, 'Warning', 'Failed', 'Error: ImagePullBackOff');
      rec.waiting = { reason: 'ImagePullBackOff', message };
      this.wake(this.pullBackoff.updateExpiresAt(image) ?? now);
      return undefined;
    }
    this.event(rec, 'Normal', 'Pulling', `Pulling image "${image}"`);
    const t0 = performance.now();
    try {
      const ref = await rt.pullImage({ image }, undefined, this.sandbox?.config);
      const took = formatDuration(performance.now() - t0);
      const size = (await rt.imageStatus({ image }))?.size ?? 0;
      this.event(rec, 'Normal', 'Pulled', `Successfully pulled image "${image}" in ${took} (${took} including waiting). Image size: ${size} bytes.`);
      this.pullBackoff.reset(image);
      return ref;
    } catch (e) {
      const message = `Failed to pull image "${image}": ${(e as Error).message}`;
      this.event(rec, 'Warning', 'Failed', message);
      this.event(rec, 'Warning', 'Failed', 'Error: ErrImagePull');
      this.pullBackoff.next(image, now);
      rec.waiting = { reason: 'ErrImagePull', message };
      // The next sync reports the back-off (ImagePullBackOff), as upstream's does.
      this.wake(Date.now());
      return undefined;
    }
  }

  private containerConfig(rec: ContainerRecord, imageRef: string): ContainerConfig {
    const { metadata: m, spec } = this.pod;
    const c = rec.spec;
    return {
      metadata: { name: c.name, attempt: rec.restartCount },
      image: { image: imageRef, userSpecifiedImage: c.image },
      command: c.command,
      args: c.args,
      workingDir: c.workingDir,
      envs: (c.env ?? []).filter((e) => e.value !== undefined).map((e) => ({ key: e.name, value: e.value ?? '' })),
      labels: {
        [KubernetesContainerNameLabel]: c.name,
        [KubernetesPodNameLabel]: m.name,
        [KubernetesPodNamespaceLabel]: m.namespace ?? 'default',
        [KubernetesPodUIDLabel]: this.uid,
        [ContainerTypeLabel]: rec.kind,
      },
      annotations: {
        'io.kubernetes.container.restartCount': String(rec.restartCount),
        'io.kubernetes.container.terminationMessagePath': c.terminationMessagePath ?? '/dev/termination-log',
        'io.kubernetes.pod.terminationGracePeriod': String(spec?.terminationGracePeriodSeconds ?? 30),
      },
      logPath: `${c.name}/${rec.restartCount}.log`,
      stdin: c.stdin,
      stdinOnce: c.stdinOnce,
      tty: c.tty,
    };
  }

  /** One attempt: image, create, start. False when it could not even be created (waiting says why). */
  private async startContainer(rec: ContainerRecord): Promise<boolean> {
    const rt = this.deps.runtime;
    const sandbox = this.sandbox;
    if (!sandbox) return false;
    const imageRef = await this.ensureImage(rec);
    if (imageRef === undefined) return false;
    if (rec.runtime) {
      // The previous attempt becomes the last state; the new one counts as a restart.
      const previous = rec.runtime;
      rec.lastTermination = previous.state === 'CONTAINER_EXITED' ? terminatedState(previous, this.deps.runtimeName) : rec.lastTermination;
      rec.runtime = undefined;
      rec.restartCount++;
      await rt.removeContainer(previous.id).catch(() => undefined);
    }
    rec.waiting = undefined;
    let id: string;
    try {
      id = await rt.createContainer(sandbox.id, this.containerConfig(rec, imageRef), sandbox.config);
    } catch (e) {
      const message = (e as Error).message;
      this.event(rec, 'Warning', 'Failed', `Error: ${message}`);
      rec.waiting = { reason: 'CreateContainerError', message };
      return false;
    }
    this.event(rec, 'Normal', 'Created', `Created container: ${rec.spec.name}`);
    try {
      await rt.startContainer(id);
      this.event(rec, 'Normal', 'Started', `Started container ${rec.spec.name}`);
      if ((await runPostStartHook(this.hookContext(), rec.spec, id)) !== undefined) {
        this.killedForRestart.add(id);
        await killContainer(this.hookContext(), rec.spec, id, terminationGracePeriod(this.pod, rec.spec), 'FailedPostStartHook');
      }
    } catch (e) {
      this.event(rec, 'Warning', 'Failed', `Error: ${(e as Error).message}`);
    }
    rec.runtime = await rt.containerStatus(id);
    return true;
  }

  // --- Status and termination --------------------------------------------------------------

  private async publish(terminating: boolean): Promise<void> {
    const view = {
      pod: this.pod,
      hostIP: this.deps.hostIP,
      podIP: this.podIP,
      sandboxReady: this.sandbox !== undefined && !terminating,
      init: this.init,
      regular: this.regular,
      terminating,
      startTime: this.startTime ?? this.pod.status?.startTime ?? timestamp(Date.now()),
      runtimeName: this.deps.runtimeName,
      previous: this.lastStatus ?? this.pod.status,
      probes: this.probes,
    };
    const now = timestamp(Date.now());
    let status = generatePodStatus(view, now);
    const done = isTerminalPhase(status.phase);
    // A finished pod's sandbox goes away with this very status, so say so in it.
    if (done && view.sandboxReady) status = generatePodStatus({ ...view, sandboxReady: false }, now);
    this.lastStatus = status;
    this.probes?.update(this.pod, status);
    this.deps.statusManager.setPodStatus(this.pod, status);
    if (done && !terminating) {
      this.markTerminal();
      await this.releaseSandbox();
    }
  }

  /** Deletion: stop the containers within the grace period, write the final status, then delete the pod for good. */
  private async terminate(): Promise<void> {
    const m = this.pod.metadata;
    const grace = Math.max(MIN_GRACE_SECONDS, m.deletionGracePeriodSeconds ?? this.pod.spec?.terminationGracePeriodSeconds ?? 30);
    // All at once, as the kubelet does: each runs its preStop hook within the grace period.
    const ctx = this.hookContext();
    const stopping = this.containers.filter((rec) => rec.runtime?.state === 'CONTAINER_RUNNING' || rec.runtime?.state === 'CONTAINER_CREATED');
    await Promise.all(stopping.map((rec) => killContainer(ctx, rec.spec, rec.runtime!.id, grace)));
    await this.refresh();
    if (this.everStarted && !this.terminal) {
      for (const rec of this.containers) if (rec.waiting?.reason === 'CrashLoopBackOff' && rec.runtime) rec.waiting = undefined;
      await this.publish(true);
      await this.deps.statusManager.flush(this.uid);
    }
    await this.releaseSandbox();
    this.markTerminal();
    try {
      await this.deps.client.delete(pods, m.namespace, m.name, { kind: 'DeleteOptions', apiVersion: 'v1', gracePeriodSeconds: 0, preconditions: { uid: this.uid } });
    } catch (e) {
      if (!isNotFound(e) && !isConflict(e)) throw e;
    }
    this.finished = true;
  }
}
