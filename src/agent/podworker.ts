// One pod worker per pod (upstream pod_workers.go + kuberuntime SyncPod): every change to
// the pod or to its containers kicks the worker, and syncs run one at a time, the latest
// pod winning (updates that arrive during a sync coalesce into one more sync). A sync is
// level-triggered: from what the runtime says now it pulls images, runs the sandbox, runs
// init containers in order to completion, runs the app containers, restarts what the
// restart policy asks for (with CrashLoopBackOff), and hands one status to the status
// manager. It converges as far as it can before publishing, so a pod that starts without
// trouble costs a single status write. With a root directory it first sets up the pod's
// volumes (volumes/), and each container's config is built as the kubelet builds it:
// environment (env.ts), mounts, cgroup resources, namespaces, DNS and hosts (kuberuntime/).

import { readFileSync } from 'node:fs';
import { chmod, mkdir, rm, writeFile } from 'node:fs/promises';
import { totalmem } from 'node:os';
import { join } from 'node:path';
import { isConflict, isNotFound, resource, type RestClient } from '../client/rest.ts';
import { referenceTo, type ObjectReference } from '../client/events.ts';
import type { Logger } from '../log.ts';
import { timestamp } from '../registry/object.ts';
import { Backoff } from './backoff.ts';
import { formatDuration } from './duration.ts';
import { expandCommandAndArgs, makeEnvironmentVariables } from './env.ts';
import { hostsFileContent, podDNSConfig, sandboxHostname } from './kuberuntime/dns.ts';
import { podObjectsFor, type PodObjects } from './kuberuntime/objects.ts';
import { linuxContainerResources, namespacesForPod } from './kuberuntime/resources.ts';
import { containerSecurityContext, needsImageUser, sandboxSecurityContext, verifyRunAsNonRoot } from './kuberuntime/security.ts';
import { readContainerLogTail, readTerminationMessageFile } from './kuberuntime/termination.ts';
import { killContainer, runPostStartHook, terminationGracePeriod, type HookContext } from './lifecycle.ts';
import { generatePodStatus, terminatedState, type ContainerView, type PodView } from './podstatus.ts';
import { proberFor, type PodProbes, type ProberManager } from './prober/manager.ts';
import {
  ContainerTypeLabel, KubernetesContainerNameLabel, KubernetesPodNameLabel, KubernetesPodNamespaceLabel, KubernetesPodUIDLabel, NamespaceMode,
  isRuntimeNotFound, type NamespaceOption, type ContainerConfig, type ContainerRuntime, type ContainerType, type Mount, type PodSandboxConfig, type PortMapping,
} from './runtime/types.ts';
import type { StatusManager } from './statusmanager.ts';
import { isTerminalPhase, podDescription, type Container, type Pod, type PodStatus, type ResourceList } from './types.ts';
import { getPodStatus, removeRuntimePods, restartCountOf } from './runtimepod.ts';
import { diskUsage, PodVolumes } from './volumes/manager.ts';
import { podCgroupParent } from './podcgroups.ts';

const pods = resource('pods');

const readinessGateStatuses = (p: Pod): string =>
  (p.spec?.readinessGates ?? []).map((g) => p.status?.conditions?.find((c) => c.type === g.conditionType)?.status ?? '').join(',');
/** The kubelet never gives a container less than this to stop (minimumGracePeriodInSeconds). */
const MIN_GRACE_SECONDS = 2;
const SYNC_RETRY_MS = 1000;
/** Failed sandboxes retry on the pull back-off's clock, under a key no image name can have. */
const SANDBOX_BACKOFF_KEY = '\0sandbox';
/** A container config that cannot be made yet is tried again after SYNC_RETRY_MS, doubling up to this (the kubelet's 10 s). */
const CONFIG_RETRY_MAX_MS = 10_000;
/** Volumes that could not be set up are tried again after this, doubling up to the maximum. */
const VOLUME_RETRY_MS = 500;
const VOLUME_RETRY_MAX_MS = 30_000;
export const DEFAULT_CLUSTER_DNS = ['10.96.0.10'];
export const DEFAULT_CLUSTER_DOMAIN = 'cluster.local';
export const DEFAULT_VOLUME_RESYNC_MS = 10_000;
const DEFAULT_TERMINATION_MESSAGE_PATH = '/dev/termination-log';

/** The machine's memory (cadvisor's MachineInfo.MemoryCapacity): read once, a syscall each time otherwise. */
let machineMemory: number | undefined;

/**
 * The host's resolv.conf and hosts, read at most once a second per path: every sandbox
 * needs them, and on a node with many pods starting at once (or a thousand simulated
 * nodes in one process) a read per pod was a measurable share of the agents' CPU.
 */
const hostFiles = new Map<string, { content: string; readAt: number }>();
const HOST_FILE_TTL_MS = 1_000;
const readHostFile = (path: string): string => {
  const now = Date.now();
  const cached = hostFiles.get(path);
  if (cached && now - cached.readAt < HOST_FILE_TTL_MS) return cached.content;
  let content = '';
  try {
    content = readFileSync(path, 'utf8');
  } catch {
    // A host without the file: the pod gets none of its entries.
  }
  hostFiles.set(path, { content, readAt: now });
  return content;
};

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
  /**
   * The agent's root directory: pod volumes, hosts files and termination-message files under
   * `pods/<uid>/`, container logs under `logs/`. Without one nothing is written to disk
   * (simulated nodes): volumes are not set up and containers get no mounts.
   */
  rootDir?: string;
  /** Cluster DNS server IPs for ClusterFirst pods (default 10.96.0.10). */
  clusterDNS?: string[];
  /** Default cluster.local. */
  clusterDomain?: string;
  /** The host's resolver configuration for dnsPolicy Default (default /etc/resolv.conf). */
  resolvConf?: string;
  /** How often volumes that follow ConfigMaps, Secrets and the pod are refreshed (default 10 s). */
  volumeResyncMs?: number;
  /** Where ConfigMaps, Secrets, Services, claims and the Node come from (default: the API client, podObjectsFor). */
  objects?: PodObjects;
  /** The node's allocatable, what resourceFieldRef reports for unset limits (default: the Node's, read through the API). */
  nodeAllocatable?: () => ResourceList | undefined;
}

/** What the worker tracks of one container: its view for status plus the spec's place. */
interface ContainerRecord extends ContainerView {
  fieldPath: string;
  /** An ephemeral container that ran before this worker (it is not run again). */
  ranBefore?: boolean;
  /** The runtime container whose termination message was read (read once, after it exited). */
  terminationMessageOf?: string;
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
  /** Ephemeral containers, in the order the spec gained them (they are only ever added). */
  private readonly ephemeral: ContainerRecord[] = [];
  private readonly crashBackoff: Backoff;
  private readonly pullBackoff: Backoff;
  private probes: PodProbes | undefined;
  /** Containers killed to be restarted (failed probe or postStart hook), whatever their exit code. */
  private readonly killedForRestart = new Set<string>();
  /** Deletion is stopping the containers (the sync is busy, but readiness changes are still published). */
  private stoppingContainers = false;
  /** The pod's volumes on disk (only with a root directory). */
  private readonly volumes: PodVolumes | undefined;
  private volumeRetryMs = VOLUME_RETRY_MS;
  private configRetryMs = SYNC_RETRY_MS;
  private volumeErrors = '';
  /** The pod's API-object volumes must be rewritten at the next sync (a watched object or the pod changed). */
  private volumesDirty = true;
  private volumesRefreshAt = 0;
  /** Whether the runtime was asked for a sandbox this pod already has (once, before the first is made). */
  private adoptionChecked = false;
  /** Stops the watches on the ConfigMaps and Secrets the pod's volumes show. */
  private unwatchObjects: (() => void) | undefined;
  /** Why the agent ends the pod while it runs (active deadline, eviction): it is killed and fails with this. */
  private failure: { reason: string; message: string; graceSeconds?: number; disruption: boolean } | undefined;

  constructor(pod: Pod, private readonly deps: PodWorkerDeps) {
    this.pod = pod;
    this.uid = pod.metadata.uid ?? '';
    this.crashBackoff = new Backoff(deps.crashBackoffBaseMs, deps.crashBackoffMaxMs);
    this.pullBackoff = new Backoff(deps.crashBackoffBaseMs, deps.crashBackoffMaxMs);
    this.init = (pod.spec?.initContainers ?? []).map((c) => this.record(c, true));
    this.regular = (pod.spec?.containers ?? []).map((c) => this.record(c, false));
    this.addEphemeralContainers();
    if (deps.rootDir) {
      this.volumes = new PodVolumes({
        rootDir: deps.rootDir,
        objects: deps.objects ?? podObjectsFor(deps.client),
        allocatable: () => this.allocatable(),
        facts: () => ({ podIP: this.podIP, hostIP: deps.hostIP }),
      }, this.uid);
    }
  }

  private get objects(): PodObjects { return this.deps.objects ?? podObjectsFor(this.deps.client); }

  /** The node's allocatable (kl.GetNode): what resourceFieldRef reports for limits a container does not set. */
  private async allocatable(): Promise<ResourceList> {
    const given = this.deps.nodeAllocatable?.();
    if (given) return given;
    const node = await this.objects.node(this.pod.spec?.nodeName ?? '');
    return (node?.status?.allocatable ?? {}) as ResourceList;
  }

  private get clusterDomain(): string { return this.deps.clusterDomain ?? DEFAULT_CLUSTER_DOMAIN; }

  /** `<rootDir>/pods/<uid>`, where this pod's files live. */
  get podDir(): string | undefined { return this.volumes?.dir; }

  /** The sandbox's log directory (upstream's /var/log/pods/<ns>_<name>_<uid>, under the root dir when there is one). */
  get logDirectory(): string {
    const m = this.pod.metadata;
    const dir = `${m.namespace ?? 'default'}_${m.name}_${this.uid}`;
    return this.deps.rootDir ? join(this.deps.rootDir, 'logs', dir) : `/var/log/pods/${dir}`;
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

  /**
   * Records for the ephemeral containers the spec gained; the next sync starts them. One that
   * ran before (its published status has a container ID the runtime no longer has, after an
   * agent restart) is never run again: ephemeral containers are not restarted.
   */
  private addEphemeralContainers(): boolean {
    let added = false;
    for (const spec of this.pod.spec?.ephemeralContainers ?? []) {
      if (this.ephemeral.some((r) => r.spec.name === spec.name)) continue;
      const published = this.pod.status?.ephemeralContainerStatuses?.find((st) => st.name === spec.name);
      this.ephemeral.push({
        spec: spec as Container,
        kind: 'ephemeral',
        restartCount: 0,
        lastTermination: published?.state?.terminated,
        ranBefore: published?.containerID !== undefined,
        fieldPath: `spec.ephemeralContainers{${spec.name}}`,
      });
      added = true;
    }
    return added;
  }

  get containers(): readonly ContainerRecord[] { return [...this.init, ...this.regular, ...this.ephemeral]; }

  /** A newer version of the pod; only deletion changes what the worker does with it. */
  update(pod: Pod): void {
    const was = this.pod;
    this.pod = pod;
    if (was.metadata.deletionTimestamp !== pod.metadata.deletionTimestamp || was.metadata.deletionGracePeriodSeconds !== pod.metadata.deletionGracePeriodSeconds) this.kick();
    // Downward API files follow the pod's labels and annotations.
    else if (this.volumes?.followsObjects && (JSON.stringify(was.metadata.labels) !== JSON.stringify(pod.metadata.labels) || JSON.stringify(was.metadata.annotations) !== JSON.stringify(pod.metadata.annotations))) this.volumesChanged();
    // Others set readiness gate conditions; Ready must follow them (upstream NeedToReconcilePodReadiness).
    else if (readinessGateStatuses(was) !== readinessGateStatuses(pod)) this.kick();
    // pods/ephemeralcontainers added a debugger: start it.
    if (this.addEphemeralContainers()) this.kick();
    // activeDeadlineSeconds may be shortened on a running pod.
    if (was.spec?.activeDeadlineSeconds !== pod.spec?.activeDeadlineSeconds) this.kick();
  }

  /**
   * Ends the running pod for good (the kubelet's killPodNow with a status): its containers are
   * killed within graceSeconds (default the pod's grace period) and it fails with reason and
   * message; disruption adds the DisruptionTarget condition an eviction carries.
   */
  fail(reason: string, message: string, opts: { graceSeconds?: number; disruption?: boolean } = {}): void {
    if (this.terminal || this.failure || this.pod.metadata.deletionTimestamp) return;
    this.failure = { reason, message, graceSeconds: opts.graceSeconds, disruption: opts.disruption ?? false };
    this.kick();
  }

  /** The eviction manager's local storage check: a disk emptyDir beyond its sizeLimit evicts the pod. True when it did. */
  async checkLocalStorage(): Promise<boolean> {
    if (!this.volumes || this.terminal || this.failure || !this.everStarted || this.pod.metadata.deletionTimestamp) return false;
    for (const v of this.volumes.emptyDirLimits(this.pod)) {
      if ((await diskUsage(v.path)) <= v.limitBytes) continue;
      const message = `Usage of EmptyDir volume "${v.name}" exceeds the limit "${v.limit}". `;
      this.event(undefined, 'Warning', 'Evicted', message);
      this.fail('Evicted', message, { graceSeconds: 0, disruption: true });
      return true;
    }
    return false;
  }

  /** When the pod's activeDeadlineSeconds runs out, counted from its start on this node. */
  private activeDeadline(): number | undefined {
    const seconds = this.pod.spec?.activeDeadlineSeconds;
    const start = this.startTime ? Date.parse(this.startTime) : NaN;
    return seconds === undefined || Number.isNaN(start) ? undefined : start + seconds * 1000;
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
    this.stopWatchingObjects();
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
      nodePodIPs: () => this.prober.podIPs(),
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
      // What the runtime may still hold of it (the agent restarted after it finished) goes.
      if (!this.adoptionChecked) {
        this.adoptionChecked = true;
        await removeRuntimePods(this.deps.runtime, new Set([this.uid]));
      }
      this.markTerminal();
      return;
    }
    this.everStarted = true;
    this.probes ??= this.prober.addPod(this.pod, { hostIP: this.deps.hostIP, event: this.hookContext().event, onChange: () => this.probeResultChanged() });
    this.startTime ??= this.pod.status?.startTime ?? timestamp(Date.now());
    const deadline = this.activeDeadline();
    if (deadline !== undefined && Date.now() >= deadline && !this.failure) {
      const message = 'Pod was active on the node longer than the specified deadline';
      this.event(undefined, 'Normal', 'DeadlineExceeded', message);
      this.failure = { reason: 'DeadlineExceeded', message, disruption: false };
    }
    if (this.failure) return this.killForFailure();
    if ((await this.mountVolumes()) && (await this.ensureSandbox())) await this.converge();
    await this.publish(false);
    if (deadline !== undefined && !this.terminal) this.wake(deadline);
    // ConfigMap, Secret and downward API volumes are rewritten when what they show changes.
    if (this.volumes?.followsObjects && !this.terminal) this.wake(this.volumesRefreshAt);
  }

  /** WaitForAttachAndMount: the pod's volumes are set up (or refreshed) before its sandbox and containers. */
  private async mountVolumes(): Promise<boolean> {
    if (!this.volumes) return true;
    if (!this.stopped) this.unwatchObjects ??= this.watchVolumeObjects();
    // Volumes showing API objects or the pod are rewritten when those changed or the resync is due, not at every sync.
    const refresh = this.volumesDirty || Date.now() >= this.volumesRefreshAt;
    if (refresh) {
      this.volumesDirty = false;
      this.volumesRefreshAt = Date.now() + (this.deps.volumeResyncMs ?? DEFAULT_VOLUME_RESYNC_MS);
    }
    const errors = await this.volumes.setUp(this.pod, refresh);
    if (errors.length === 0) {
      this.volumeRetryMs = VOLUME_RETRY_MS;
      this.volumeErrors = '';
      return true;
    }
    const text = errors.map((e) => `${e.volume}: ${e.message}`).join('; ');
    if (text !== this.volumeErrors || this.volumeRetryMs >= VOLUME_RETRY_MAX_MS) {
      for (const e of errors) this.event(undefined, 'Warning', 'FailedMount', `MountVolume.SetUp failed for volume "${e.volume}" : ${e.message}`);
    }
    this.volumeErrors = text;
    // Volumes already in use are refreshed; only a pod still waiting to start waits for all of them.
    if (this.sandbox) return true;
    this.volumesDirty = true;
    this.wake(Date.now() + this.volumeRetryMs);
    this.volumeRetryMs = Math.min(VOLUME_RETRY_MAX_MS, this.volumeRetryMs * 2);
    return false;
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
    const dns = podDNSConfig(this.pod, {
      clusterDNS: this.deps.clusterDNS ?? DEFAULT_CLUSTER_DNS,
      clusterDomain: this.clusterDomain,
      hostResolvConf: readHostFile(this.deps.resolvConf ?? '/etc/resolv.conf'),
    });
    for (const w of dns.warnings) this.event(undefined, 'Warning', w.reason, w.message);
    const sysctls = Object.fromEntries((spec?.securityContext?.sysctls ?? []).map((s) => [s.name, s.value]));
    return {
      metadata: { name: m.name, uid: this.uid, namespace, attempt: 0 },
      hostname: sandboxHostname(this.pod, this.clusterDomain),
      logDirectory: this.logDirectory,
      dnsConfig: dns.config,
      portMappings,
      labels: { ...m.labels, [KubernetesPodNameLabel]: m.name, [KubernetesPodNamespaceLabel]: namespace, [KubernetesPodUIDLabel]: this.uid },
      annotations: { ...m.annotations },
      linux: {
        cgroupParent: podCgroupParent(this.uid),
        securityContext: sandboxSecurityContext(this.pod, namespacesForPod(this.pod)),
        ...(Object.keys(sysctls).length ? { sysctls } : {}),
      },
    };
  }

  /** The managed /etc/hosts, written once the sandbox has its IP (the pod's own IP is in it). */
  private async writeHostsFile(): Promise<void> {
    const dir = this.podDir;
    if (!dir) return;
    await mkdir(dir, { recursive: true });
    const ip = this.pod.spec?.hostNetwork ? this.deps.hostIP : this.podIP;
    const content = hostsFileContent(this.pod, ip ? [ip] : [], this.clusterDomain, this.pod.spec?.hostNetwork ? readHostFile('/etc/hosts') : '');
    await writeFile(join(dir, 'etc-hosts'), content, { mode: 0o644 });
  }

  private async ensureSandbox(): Promise<boolean> {
    if (this.sandbox) return true;
    if (!this.adoptionChecked) {
      this.adoptionChecked = true;
      try {
        if (await this.adoptSandbox()) return true;
      } catch (e) {
        this.deps.log.warn('adopting the pod\'s sandbox failed', { pod: podDescription(this.pod), error: (e as Error).message });
      }
    }
    try {
      const config = this.sandboxConfig();
      if (this.deps.rootDir) await mkdir(this.logDirectory, { recursive: true, mode: 0o755 });
      const id = await this.deps.runtime.runPodSandbox(config);
      const status = await this.deps.runtime.podSandboxStatus(id);
      this.sandbox = { id, config, ip: status.network?.ip ?? '' };
      this.podIP = this.sandbox.ip;
      await this.writeHostsFile();
      return true;
    } catch (e) {
      this.event(undefined, 'Warning', 'FailedCreatePodSandBox', `Failed to create pod sandbox: ${(e as Error).message}`);
      this.pullBackoff.next(SANDBOX_BACKOFF_KEY, Date.now());
      this.wake(this.pullBackoff.updateExpiresAt(SANDBOX_BACKOFF_KEY) ?? Date.now() + SYNC_RETRY_MS);
      return false;
    }
  }

  /**
   * A pod the runtime already runs (the agent restarted; upstream's GetPodStatus before SyncPod):
   * its newest sandbox, if ready, is taken over with the newest attempt of each container in it,
   * so nothing restarts. Sandboxes that will not be used are stopped and removed.
   */
  private async adoptSandbox(): Promise<boolean> {
    const rt = this.deps.runtime;
    const { sandboxes } = await getPodStatus(rt, this.uid);
    const [newest, ...older] = sandboxes;
    const adopt = newest?.state === 'SANDBOX_READY' ? newest : undefined;
    for (const s of adopt ? older : sandboxes) {
      for (const c of await rt.listContainers({ podSandboxId: s.id })) {
        await rt.stopContainer(c.id, 0).catch(() => undefined);
        await rt.removeContainer(c.id).catch(() => undefined);
      }
      await rt.stopPodSandbox(s.id).catch(() => undefined);
      await rt.removePodSandbox(s.id).catch(() => undefined);
    }
    if (!adopt) return false;
    const newestByName = new Map<string, { id: string; createdAt: number }>();
    for (const c of await rt.listContainers({ podSandboxId: adopt.id })) {
      const name = c.labels?.[KubernetesContainerNameLabel] ?? c.metadata.name;
      const best = newestByName.get(name);
      if (!best || c.createdAt > best.createdAt) newestByName.set(name, c);
    }
    for (const rec of this.containers) {
      const c = newestByName.get(rec.spec.name);
      if (!c) continue;
      rec.runtime = await rt.containerStatus(c.id);
      rec.restartCount = restartCountOf(rec.runtime);
    }
    this.sandbox = { id: adopt.id, config: this.sandboxConfig(), ip: adopt.network?.ip ?? '' };
    this.podIP = this.sandbox.ip;
    return true;
  }

  /** A change to a ConfigMap or Secret a volume shows syncs the pod at once (the watch-based manager). */
  private watchVolumeObjects(): () => void {
    const objects = this.objects;
    const ns = this.pod.metadata.namespace ?? 'default';
    const refs = new Set<string>();
    for (const v of this.pod.spec?.volumes ?? []) {
      if (v.configMap?.name) refs.add(`configmaps/${v.configMap.name}`);
      if (v.secret?.secretName) refs.add(`secrets/${v.secret.secretName}`);
      for (const src of v.projected?.sources ?? []) {
        if (src.configMap?.name) refs.add(`configmaps/${src.configMap.name}`);
        if (src.secret?.name) refs.add(`secrets/${src.secret.name}`);
      }
    }
    const stops = [...refs].map((ref) => {
      const [kind, name] = ref.split('/') as ['configmaps' | 'secrets', string];
      return objects.watch(kind, ns, name, () => this.volumesChanged());
    });
    return () => { for (const stop of stops) stop(); };
  }

  private volumesChanged(): void {
    this.volumesDirty = true;
    this.kick();
  }

  private stopWatchingObjects(): void {
    this.unwatchObjects?.();
    this.unwatchObjects = undefined;
  }

  private async releaseSandbox(): Promise<void> {
    const s = this.sandbox;
    if (!s) return;
    this.sandbox = undefined;
    const rt = this.deps.runtime;
    for (const rec of this.containers) if (rec.runtime) await rt.removeContainer(rec.runtime.id).catch(() => undefined);
    await rt.stopPodSandbox(s.id).catch(() => undefined);
    await rt.removePodSandbox(s.id).catch(() => undefined);
    // A pod that will run nothing more keeps no volumes (its logs and termination messages stay).
    this.stopWatchingObjects();
    await this.volumes?.tearDownVolumes().catch((e: unknown) => this.deps.log.warn('tearing down volumes failed', { pod: podDescription(this.pod), error: (e as Error).message }));
  }

  private async teardown(): Promise<void> {
    await this.releaseSandbox();
    if (this.volumes) {
      await this.volumes.removePodDir().catch((e: unknown) => this.deps.log.warn('removing pod directory failed', { pod: podDescription(this.pod), error: (e as Error).message }));
      await rm(this.logDirectory, { recursive: true, force: true });
    }
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
      if (rec.runtime.state === 'CONTAINER_EXITED' && rec.terminationMessageOf !== rec.runtime.id) {
        rec.terminationMessageOf = rec.runtime.id;
        rec.terminationMessage = await this.terminationMessage(rec);
      }
    }
  }

  /** What the exited container left at its terminationMessagePath, else (FallbackToLogsOnError, failed) its log's tail. */
  private async terminationMessage(rec: ContainerRecord): Promise<string | undefined> {
    const cri = rec.runtime;
    if (!this.podDir || !cri) return undefined;
    const c = rec.spec;
    let message = '';
    if ((c.terminationMessagePath ?? DEFAULT_TERMINATION_MESSAGE_PATH) !== '') message = await readTerminationMessageFile(this.terminationMessageFile(rec));
    const fallback = c.terminationMessagePolicy === 'FallbackToLogsOnError' && cri.exitCode !== 0 && cri.reason !== 'ContainerCannotRun';
    if (message === '' && fallback) message = await readContainerLogTail(join(this.logDirectory, c.name, `${rec.restartCount}.log`));
    return message || undefined;
  }

  private terminationMessageFile(rec: ContainerRecord): string {
    return join(this.podDir ?? '', 'containers', rec.spec.name, String(rec.restartCount));
  }

  /** Start, or restart within the back-off, as often as progress is made (init containers that finish at once, first restarts). */
  private async converge(): Promise<void> {
    const blocked = new Set<ContainerRecord>();
    const rounds = 2 * (this.init.length + this.regular.length) + this.ephemeral.length + 2;
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

  /** A probe result changed: sync again, or while deletion waits for the containers, publish readiness right away. */
  private probeResultChanged(): void {
    if (this.stoppingContainers) void this.publish(true).catch(() => undefined);
    else this.kick();
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
    // Ephemeral containers start once the sandbox is up, initialized or not, and never again.
    for (const rec of this.ephemeral) if (!rec.runtime && !rec.ranBefore && this.startable(rec, blocked, now)) out.push(rec);
    for (const rec of this.init) {
      const state = rec.runtime?.state;
      if (rec.kind === 'sidecar') {
        if (state === 'CONTAINER_RUNNING') {
          // What comes next waits until the sidecar has started (its startup probe succeeded).
          if (this.probes && !this.probes.started(rec.spec, rec.runtime!.id)) return out;
          continue;
        }
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
      // The pod worker tries again after a while (upstream requeues a failed sync after its
      // back-off period), inside the pull back-off: that sync reports ImagePullBackOff.
      this.wake(Date.now() + this.deps.crashBackoffBaseMs / 2);
      return undefined;
    }
  }

  /**
   * generateContainerConfig: environment (from the API objects it names), command and args
   * expanded with it, mounts (volumes, the managed /etc/hosts, the termination-message file),
   * cgroup resources and namespaces. Throws what makes a CreateContainerConfigError.
   */
  private async containerConfig(rec: ContainerRecord, imageRef: string): Promise<ContainerConfig> {
    const { metadata: m, spec } = this.pod;
    const c = rec.spec;
    // The image's own user counts only when runAsNonRoot is not settled by runAsUser (getImageUser).
    const image = needsImageUser(this.pod, c) ? await this.deps.runtime.imageStatus({ image: imageRef }) : undefined;
    verifyRunAsNonRoot(this.pod, c, image && { uid: image.uid, username: image.username });
    const securityContext = containerSecurityContext(this.pod, c, this.namespacesFor(rec));
    const env = await makeEnvironmentVariables(this.pod, c, {
      objects: this.objects,
      facts: { podIP: this.podIP, hostIP: this.deps.hostIP },
      allocatable: () => this.allocatable(),
      warn: (reason, message) => this.event(undefined, 'Warning', reason, message),
    });
    const { command, args } = expandCommandAndArgs(c, env);
    const mounts = await this.containerMounts(rec, env);
    // The machine's memory, as the kubelet's machine info gives it.
    const memoryCapacity = (machineMemory ??= totalmem());
    return {
      metadata: { name: c.name, attempt: rec.restartCount },
      image: { image: imageRef, userSpecifiedImage: c.image },
      command,
      args,
      workingDir: c.workingDir,
      envs: env.map((e) => ({ key: e.name, value: e.value })),
      mounts,
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
      linux: {
        resources: linuxContainerResources(this.pod, c, memoryCapacity),
        securityContext,
      },
    };
  }

  /**
   * The pod's namespaces; an ephemeral container aimed at another container (kubectl debug
   * --target) joins that container's process namespace (upstream's getTargetID).
   */
  private namespacesFor(rec: ContainerRecord): NamespaceOption {
    const namespaces = namespacesForPod(this.pod);
    const target = rec.kind === 'ephemeral' ? (rec.spec as { targetContainerName?: string }).targetContainerName : undefined;
    if (!target) return namespaces;
    const t = [...this.init, ...this.regular].find((r) => r.spec.name === target);
    if (t?.runtime?.state !== 'CONTAINER_RUNNING') throw new Error(`unable to find target container ${target}`);
    return { ...namespaces, pid: NamespaceMode.TARGET, targetId: t.runtime.id };
  }

  /** makeMounts plus the kubelet's own: /etc/hosts (unless the container mounts its own) and the termination-message file. */
  private async containerMounts(rec: ContainerRecord, env: { name: string; value: string }[]): Promise<Mount[] | undefined> {
    const dir = this.podDir;
    if (!dir || !this.volumes) return undefined;
    const c = rec.spec;
    const mounts = await this.volumes.containerMounts(c, env);
    // The kubelet mounts it once the pod has IPs; a hostNetwork pod has the node's.
    if ((this.podIP || this.pod.spec?.hostNetwork) && !mounts.some((x) => x.containerPath === '/etc/hosts')) {
      mounts.push({ containerPath: '/etc/hosts', hostPath: join(dir, 'etc-hosts'), readonly: false, propagation: 'PROPAGATION_PRIVATE' });
    }
    const path = c.terminationMessagePath ?? DEFAULT_TERMINATION_MESSAGE_PATH;
    if (path !== '' && !mounts.some((x) => x.containerPath === path)) {
      const file = this.terminationMessageFile(rec);
      await mkdir(join(file, '..'), { recursive: true });
      await writeFile(file, '');
      await chmod(file, 0o666);
      mounts.push({ containerPath: path, hostPath: file, readonly: false, propagation: 'PROPAGATION_PRIVATE' });
    }
    if (this.deps.rootDir) await mkdir(join(this.logDirectory, c.name), { recursive: true, mode: 0o755 });
    return mounts;
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
      rec.lastTermination = previous.state === 'CONTAINER_EXITED' ? terminatedState(previous, this.deps.runtimeName, rec.terminationMessage) : rec.lastTermination;
      rec.runtime = undefined;
      rec.terminationMessage = undefined;
      rec.restartCount++;
      await rt.removeContainer(previous.id).catch(() => undefined);
    }
    rec.waiting = undefined;
    let config: ContainerConfig;
    try {
      config = await this.containerConfig(rec, imageRef);
    } catch (e) {
      // Retried, less often the longer it lasts (the pod worker's back-off): the ConfigMap or Secret may appear.
      const message = (e as Error).message;
      this.event(rec, 'Warning', 'Failed', `Error: ${message}`);
      rec.waiting = { reason: 'CreateContainerConfigError', message };
      this.wake(Date.now() + this.configRetryMs);
      this.configRetryMs = Math.min(CONFIG_RETRY_MAX_MS, this.configRetryMs * 2);
      return false;
    }
    this.configRetryMs = SYNC_RETRY_MS;
    let id: string;
    try {
      id = await rt.createContainer(sandbox.id, config, sandbox.config);
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
    const view = this.statusView(terminating);
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

  /** What generatePodStatus is given about this pod now. */
  private statusView(terminating: boolean): PodView {
    return {
      pod: this.pod,
      hostIP: this.deps.hostIP,
      podIP: this.podIP,
      sandboxReady: this.sandbox !== undefined && !terminating,
      init: this.init,
      regular: this.regular,
      ephemeral: this.ephemeral,
      terminating,
      startTime: this.startTime ?? this.pod.status?.startTime ?? timestamp(Date.now()),
      runtimeName: this.deps.runtimeName,
      previous: this.lastStatus ?? this.pod.status,
      probes: this.probes,
    };
  }

  /**
   * Stops every container that runs (or was created) within the grace period, all at once as
   * the kubelet does (each runs its preStop hook within it), then reads their ends back.
   */
  private async killContainers(graceSeconds: number): Promise<void> {
    this.probes?.stopLivenessAndStartup();
    const grace = Math.max(MIN_GRACE_SECONDS, graceSeconds);
    const ctx = this.hookContext();
    const stopping = this.containers.filter((rec) => rec.runtime?.state === 'CONTAINER_RUNNING' || rec.runtime?.state === 'CONTAINER_CREATED');
    this.stoppingContainers = true;
    try {
      await Promise.all(stopping.map((rec) => killContainer(ctx, rec.spec, rec.runtime!.id, grace)));
    } finally {
      this.stoppingContainers = false;
    }
    await this.refresh();
  }

  /**
   * The pod fails while it runs (active deadline, eviction): every container is killed, then
   * the final status says Failed with the failure's reason and message, and the sandbox goes.
   */
  private async killForFailure(): Promise<void> {
    const f = this.failure!;
    await this.killContainers(f.graceSeconds ?? this.pod.spec?.terminationGracePeriodSeconds ?? 30);
    for (const rec of this.containers) if (rec.runtime && rec.waiting) rec.waiting = undefined;
    const now = timestamp(Date.now());
    const status = generatePodStatus({ ...this.statusView(true), sandboxReady: false }, now);
    status.phase = 'Failed';
    status.reason = f.reason;
    status.message = f.message;
    if (f.disruption) {
      status.conditions = [...(status.conditions ?? []).filter((c) => c.type !== 'DisruptionTarget'),
        { type: 'DisruptionTarget', status: 'True', reason: 'TerminationByKubelet', message: f.message, lastTransitionTime: now }];
    }
    this.lastStatus = status;
    this.deps.statusManager.setPodStatus(this.pod, status);
    this.markTerminal();
    await this.releaseSandbox();
  }

  /** Deletion: stop the containers within the grace period, write the final status, then delete the pod for good. */
  private async terminate(): Promise<void> {
    const m = this.pod.metadata;
    await this.killContainers(m.deletionGracePeriodSeconds ?? this.pod.spec?.terminationGracePeriodSeconds ?? 30);
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
