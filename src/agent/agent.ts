// The node agent (the kubelet): registers its Node, keeps its Lease and status fresh, and
// runs the pods bound to it through a container runtime (the simulated one by default).
// It is an ordinary API client: a pod informer filtered to its node, pod workers that
// write pods/status, and events from component "kubelet".

import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ITaint } from 'kubernetes-models/v1';
import { EventRecorder, type ObjectReference } from '../client/events.ts';
import { isAlreadyExists, isNotFound, resource, resourcePath, RestClient, withQuery, type ClientConfig } from '../client/rest.ts';
import { createLogger, type Level, type Logger } from '../log.ts';
import { timestamp } from '../registry/object.ts';
import { nameIndex, simNodeIP, simPodCIDR, SIM_POD_CIDR_COUNT } from './addresses.ts';
import { admitPod } from './admission.ts';
import { ImageGCManager, type ImageGCPolicy } from './imagegc.ts';
import { NodeLease } from './lease.ts';
import {
  goArch, hostCapacity, hostFacts, KUBELET_VERSION, newNode, nodeLabels, nodeStatus, nodeStatusChanged, runtimeErrors, simulatedIdentity, SimulatedNodeAnnotation,
  type NodeConfig,
} from './node.ts';
import { podCgroupParent, removePodCgroup } from './podcgroups.ts';
import { PodWorker, type PodWorkerDeps } from './podworker.ts';
import { SimRuntime } from './runtime/sim.ts';
import { KubernetesPodUIDLabel, type ContainerEventResponse, type ContainerRuntime, type VersionResponse } from './runtime/types.ts';
import { removeRuntimePods } from './runtimepod.ts';
import { removeOrphanedPodDirs } from './volumes/manager.ts';
import { StatusManager } from './statusmanager.ts';
import { startAgentServer, type AgentServer } from './server/index.ts';
import { isTerminalPhase, podDescription, podKey, type Node, type Pod, type ResourceList } from './types.ts';
import { ownPodSource, type PodSource, type PodSubscription } from './podsource.ts';
import { createPodObjects, type PodObjects } from './kuberuntime/objects.ts';
import { PeriodicPass } from './periodic.ts';
import { ContainerLogManager, type ContainerLogPolicy, type LogRuntime } from './logs/manager.ts';
import type { INodeStatus } from 'kubernetes-models/v1';

const nodes = resource('nodes');

export interface NodeAgentOptions {
  /** The API client to use (shared with the caller, not closed by stop()). */
  client?: RestClient;
  /** Or a client configuration: the agent makes its own client (own connection pool). */
  config?: ClientConfig;
  nodeName: string;
  /** Labels besides the kubelet's defaults (hostname, os, arch, zone, region). */
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  /** topology.kubernetes.io/zone and region labels. */
  zone?: string;
  region?: string;
  /** cpu, memory, ephemeral-storage, pods...; what is not given comes from this host (pods: 110). */
  capacity?: ResourceList;
  /** Default: the capacity. */
  allocatable?: ResourceList;
  /** spec.podCIDR; when the Node exists already with one, that one is used. */
  podCIDR?: string;
  /** The InternalIP; default an unrouted TEST-NET address derived from the node name. */
  nodeIP?: string;
  /** Default a new SimRuntime (then closed by stop()). */
  runtime?: ContainerRuntime;
  /** Whether the node is simulated (synthetic machine identity, annotated as such); default: the runtime is a SimRuntime. */
  simulated?: boolean;
  taints?: ITaint[];
  unschedulable?: boolean;
  leaseDurationSeconds?: number;
  renewIntervalMs?: number;
  /** Node status is written at least this often ... */
  nodeStatusReportMs?: number;
  /** ... and checked for changes this often. */
  nodeStatusCheckMs?: number;
  /** First CrashLoopBackOff / ImagePullBackOff delay (doubles up to crashLoopBackoffMaxMs). */
  crashLoopBackoffBaseMs?: number;
  crashLoopBackoffMaxMs?: number;
  /** Write Events (Pulling, Created, Started, ...); default true. */
  recordEvents?: boolean;
  /** The directory whose filesystem size is the default ephemeral-storage capacity. */
  dataDir?: string;
  /** Where pods' ConfigMaps, Secrets and Services come from (shared by many simulated nodes); default: the agent's own, from its client. */
  objects?: PodObjects;
  /** Where the node's pods come from (one watch shared by many simulated nodes); default: its own watch. */
  podSource?: PodSource;
  /** The kubelet's root dir (pods/<uid>/..., pod logs under logs/); unset: pods keep nothing on disk (simulated nodes). */
  rootDir?: string;
  /** Port of the agent's HTTPS endpoint (logs, exec, attach, port-forward; 0 = free), served when the runtime streams. */
  serverPort?: number;
  /** The sandbox (pause) image, which image garbage collection never removes. */
  sandboxImage?: string;
  /** Image garbage collection by disk thresholds on a real runtime (kubelet defaults), or false for none. */
  imageGC?: (Partial<ImageGCPolicy> & { periodMs?: number }) | false;
  /** How often pods' local storage is checked against emptyDir size limits (default 10 s, the eviction manager's period). */
  evictionMonitoringPeriodMs?: number;
  /** Container log rotation (10Mi, 5 files, looked at every 10 s by default); false: none. Real runtimes only. */
  containerLogs?: (Partial<ContainerLogPolicy> & { periodMs?: number }) | false;
  logLevel?: Level;
  logger?: Logger;
}

const jitter = (ms: number, factor = 0.04): number => ms * (1 + Math.random() * factor);

/** How often the eviction manager looks at pods' local storage (its monitoring interval, 10 s). */
const EVICTION_MONITORING_PERIOD_MS = 10_000;

export class NodeAgent {
  readonly nodeName: string;
  readonly client: RestClient;
  readonly runtime: ContainerRuntime;
  readonly statusManager: StatusManager;
  /** The Node as last written by this agent. */
  node: Node | undefined;
  private readonly ownsClient: boolean;
  private readonly objects: PodObjects;
  private readonly ownsRuntime: boolean;
  private readonly log: Logger;
  private readonly recorder: EventRecorder | undefined;
  private readonly lease: NodeLease;
  private podSubscription: PodSubscription | undefined;
  private cfg: NodeConfig | undefined;
  private runtimeName = '';
  private readonly workers = new Map<string, PodWorker>();
  private readonly uidByKey = new Map<string, string>();
  private buffered: Map<string, Pod> | undefined = new Map();
  private admissions: Promise<void> = Promise.resolve();
  private unsubscribe: (() => void) | undefined;
  private tickTimer: NodeJS.Timeout | undefined;
  private nextRenewAt = 0;
  private nextStatusAt = 0;
  private lastReportAt = 0;
  private stopped = false;
  private server: AgentServer | undefined;
  private imageGC: ImageGCManager | undefined;
  private containerLogs: ContainerLogManager | undefined;
  private eviction: PeriodicPass | undefined;
  private housekeeping: Promise<void> | undefined;
  /** Terminal pods whose cgroup is gone already. */
  private readonly cgroupsRemoved = new Set<string>();

  constructor(private readonly options: NodeAgentOptions) {
    this.nodeName = options.nodeName;
    if (options.client) {
      this.client = options.client;
      this.ownsClient = false;
    } else if (options.config) {
      this.client = new RestClient({ userAgent: `kubelet/${KUBELET_VERSION} (linux/${goArch()}) skiff`, ...options.config });
      this.ownsClient = true;
    } else {
      throw new Error('NodeAgent needs a client or a client config');
    }
    this.objects = options.objects ?? createPodObjects(this.client);
    this.ownsRuntime = options.runtime === undefined;
    this.runtime = options.runtime ?? new SimRuntime();
    this.log = options.logger ?? createLogger(options.logLevel ?? 'warn', `agent/${this.nodeName}`);
    this.statusManager = new StatusManager(this.client, this.log);
    this.recorder = options.recordEvents === false ? undefined : new EventRecorder(this.client, 'kubelet', this.nodeName, { maxInFlight: 1 });
    this.lease = new NodeLease(this.client, this.nodeName, () => this.node?.metadata.uid, options.leaseDurationSeconds ?? 40);
  }

  get simulated(): boolean {
    return this.options.simulated ?? this.runtime instanceof SimRuntime;
  }

  /** The pod CIDR in use (the Node's, once registered). */
  get podCIDR(): string | undefined {
    return this.node?.spec?.podCIDR ?? this.cfg?.podCIDR;
  }

  /** The Lease as last renewed. */
  get currentLease() { return this.lease.current; }

  /** The pod worker of a pod (namespace/name), while the agent runs it. */
  podWorker(namespace: string, name: string): PodWorker | undefined {
    const uid = this.uidByKey.get(`${namespace}/${name}`);
    return uid === undefined ? undefined : this.workers.get(uid);
  }

  /** Registers the Node, starts the heartbeat and the pod informer; resolves once the pods are synced. */
  async start(): Promise<void> {
    const version = await this.runtime.version();
    this.runtimeName = version.runtimeName;
    this.cfg = this.nodeConfig(version);
    if (!this.simulated && this.runtime.exec) {
      this.server = await startAgentServer({
        runtime: this.runtime, nodeName: this.nodeName, clientCaPem: this.client.config.caPem ?? '', host: this.cfg.nodeIP, port: this.options.serverPort ?? 0,
        podLogsDir: this.options.rootDir && join(this.options.rootDir, 'logs'), logger: this.log,
      })
        .catch((e: unknown) => { this.log.warn('the agent endpoint (logs, exec, port-forward) did not start', { error: (e as Error).message }); return undefined; });
      if (this.server) this.cfg.kubeletPort = this.server.port;
    }
    await this.register();
    // The Node's pod CIDR wins over the one configured (it is immutable once set).
    if (this.node?.spec?.podCIDR) this.cfg.podCIDR = this.node.spec.podCIDR;
    const podCidr = this.podCIDR;
    if (podCidr) await this.runtime.updateRuntimeConfig({ networkConfig: { podCidr } });
    this.unsubscribe = this.runtime.getContainerEvents((e) => this.onContainerEvent(e));
    await this.lease.renew();

    this.podSubscription = (this.options.podSource ?? ownPodSource(this.client)).subscribe(this.nodeName, {
      add: (pod) => (this.buffered ? this.buffered.set(podKey(pod), pod) : this.podAdded(pod)),
      update: (_old, pod) => (this.buffered ? this.buffered.set(podKey(pod), pod) : this.podUpdated(pod)),
      delete: (pod) => (this.buffered ? this.buffered.delete(podKey(pod)) : this.podDeleted(pod)),
    }, (e) => {
      if (!this.stopped) this.log.warn('pod watch failed', { error: e.message });
    });
    await this.podSubscription.synced;
    if (!this.simulated && this.options.imageGC !== false) {
      const { periodMs, ...policy } = this.options.imageGC ?? {};
      const nodeRef: ObjectReference = { kind: 'Node', name: this.nodeName, uid: this.nodeName };
      this.imageGC = new ImageGCManager({
        runtime: this.runtime, policy, sandboxImage: this.options.sandboxImage, log: this.log.child('imagegc'),
        recordEvent: (type, reason, message) => this.recorder?.event(nodeRef, type, reason, message),
      });
      this.imageGC.start(periodMs);
    }
    const runtime = this.runtime;
    if (!this.simulated && this.options.containerLogs !== false && runtime.reopenContainerLog) {
      const { periodMs, ...policy } = this.options.containerLogs ?? {};
      this.containerLogs = new ContainerLogManager({ runtime: runtime as LogRuntime, policy, log: this.log.child('logs') });
      this.containerLogs.start(periodMs);
    }
    // The eviction manager's local storage check (emptyDir sizeLimit); pods' disks exist only with a root dir.
    if (!this.simulated && this.options.rootDir) {
      this.eviction = new PeriodicPass(() => this.synchronizeEviction(), (e) => this.log.warn('local storage eviction failed', { error: e.message }));
      this.eviction.start(this.options.evictionMonitoringPeriodMs ?? EVICTION_MONITORING_PERIOD_MS);
    }
    // Pods already bound are admitted oldest first, as the kubelet does on start.
    const initial = [...(this.buffered?.values() ?? [])].sort((a, b) => { const x = a.metadata.creationTimestamp ?? '', y = b.metadata.creationTimestamp ?? ''; return x < y ? -1 : x > y ? 1 : 0; });
    this.buffered = undefined;
    for (const pod of initial) this.podAdded(pod);
    this.cleanupPods();

    const now = Date.now();
    const renew = this.options.renewIntervalMs ?? 10_000;
    const check = this.options.nodeStatusCheckMs ?? 10_000;
    // Staggered, so that many agents started together do not tick together.
    this.nextRenewAt = now + renew * (0.5 + Math.random() * 0.5);
    this.nextStatusAt = now + check * Math.random();
    this.scheduleTick();
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    clearTimeout(this.tickTimer);
    await this.imageGC?.stop();
    await this.containerLogs?.stop();
    await this.eviction?.stop();
    await this.podSubscription?.stop();
    this.unsubscribe?.();
    for (const w of this.workers.values()) w.stop();
    this.statusManager.close();
    await this.server?.close();
    if (this.ownsRuntime && this.runtime instanceof SimRuntime) this.runtime.close();
    if (!this.options.objects) await this.objects.stop();
    if (this.ownsClient) this.client.close();
  }

  // --- Node registration and status ---------------------------------------------------------

  private nodeConfig(version: VersionResponse): NodeConfig {
    const o = this.options;
    const facts = hostFacts();
    const identity = this.simulated ? simulatedIdentity(this.nodeName) : { machineID: facts.machineID, systemUUID: facts.systemUUID, bootID: facts.bootID };
    const capacity = { ...hostCapacity(o.dataDir ?? tmpdir()), ...o.capacity };
    const annotations: Record<string, string> = { 'volumes.kubernetes.io/controller-managed-attach-detach': 'true', ...o.annotations };
    if (this.simulated) annotations[SimulatedNodeAnnotation] = 'true';
    return {
      nodeName: this.nodeName,
      labels: nodeLabels(this.nodeName, o),
      annotations,
      podCIDR: o.podCIDR ?? simPodCIDR(nameIndex(this.nodeName, SIM_POD_CIDR_COUNT)),
      taints: o.taints,
      unschedulable: o.unschedulable,
      nodeIP: o.nodeIP ?? simNodeIP(nameIndex(this.nodeName, 254)),
      capacity,
      allocatable: { ...(o.allocatable ?? capacity) },
      nodeInfo: {
        ...identity,
        kernelVersion: facts.kernelVersion,
        osImage: facts.osImage,
        containerRuntimeVersion: `${version.runtimeName}://${version.runtimeVersion}`,
        kubeletVersion: KUBELET_VERSION,
        kubeProxyVersion: KUBELET_VERSION,
        operatingSystem: 'linux',
        architecture: goArch(),
      },
    };
  }

  private async register(): Promise<void> {
    const cfg = this.cfg!;
    const status = nodeStatus(cfg, undefined, await this.runtime.listImages(), timestamp(Date.now()), await this.runtimeProblems());
    try {
      this.node = await this.client.create<Node>(nodes, undefined, newNode(cfg, status));
      this.lastReportAt = Date.now();
      this.nodeEvent('Normal', 'Starting', 'Starting kubelet.');
      for (const c of status.conditions ?? []) this.conditionEvent(c.type, c.status);
      return;
    } catch (e) {
      if (!isAlreadyExists(e)) throw e;
    }
    // Restarted: adopt the Node as it is, with our labels and annotations, and its pod CIDR.
    const existing = await this.client.get<Node>(nodes, undefined, this.nodeName);
    const patch: { metadata: object; spec?: object } = { metadata: { labels: cfg.labels, annotations: cfg.annotations } };
    if (!existing.spec?.podCIDR && cfg.podCIDR) patch.spec = { podCIDR: cfg.podCIDR, podCIDRs: [cfg.podCIDR] };
    this.node = await this.client.patch<Node>(nodes, undefined, this.nodeName, 'merge', patch);
    this.nodeEvent('Normal', 'Starting', 'Starting kubelet.');
    await this.syncNodeStatus(true);
  }

  /** Writes the node status when it changed, or when the last report is nodeStatusReportMs old. */
  private async syncNodeStatus(force = false): Promise<void> {
    // Compare with the server's copy (read from its cache, as the kubelet does), not with our
    // last report: the node lifecycle controller may have marked the node Unknown meanwhile,
    // and a Node deleted under us shows up here as a 404.
    const server = await this.client.request<Node>('GET', withQuery(resourcePath(nodes, undefined, this.nodeName), { resourceVersion: '0' }));
    this.node = server;
    const previous = server.status?.conditions;
    const next = nodeStatus(this.cfg!, previous, await this.runtime.listImages(), timestamp(Date.now()), await this.runtimeProblems());
    const due = Date.now() - this.lastReportAt >= (this.options.nodeStatusReportMs ?? 5 * 60_000);
    const reported = server.status ? (Object.fromEntries(Object.keys(next).map((k) => [k, (server.status as Record<string, unknown>)[k]])) as INodeStatus) : undefined;
    if (!force && !due && !nodeStatusChanged(reported, next)) return;
    this.node = await this.client.patch<Node>(nodes, undefined, this.nodeName, 'merge', { status: next }, { subresource: 'status' });
    for (const c of next.conditions ?? []) {
      const before = previous?.find((p) => p.type === c.type);
      if (before?.status !== c.status) this.conditionEvent(c.type, c.status);
    }
    this.lastReportAt = Date.now();
  }

  /** Why the runtime keeps the node from Ready (CRI Status: RuntimeReady, NetworkReady); none for a runtime without Status. */
  private async runtimeProblems(): Promise<string[]> {
    if (!this.runtime.status) return [];
    try {
      return runtimeErrors((await this.runtime.status()).conditions);
    } catch (e) {
      return [`container runtime is down: ${(e as Error).message}`];
    }
  }

  private nodeEvent(type: 'Normal' | 'Warning', reason: string, message: string): void {
    // The kubelet refers to its node by name, with the name as UID.
    const ref: ObjectReference = { kind: 'Node', name: this.nodeName, uid: this.nodeName };
    this.recorder?.event(ref, type, reason, message);
  }

  private conditionEvent(type: string, status: string): void {
    const reason = ({
      MemoryPressure: { True: 'NodeHasInsufficientMemory', False: 'NodeHasSufficientMemory' },
      DiskPressure: { True: 'NodeHasDiskPressure', False: 'NodeHasNoDiskPressure' },
      PIDPressure: { True: 'NodeHasInsufficientPID', False: 'NodeHasSufficientPID' },
      Ready: { True: 'NodeReady', False: 'NodeNotReady' },
    } as Record<string, Record<string, string>>)[type]?.[status];
    if (reason) this.nodeEvent('Normal', reason, `Node ${this.nodeName} status is now: ${reason}`);
  }

  private scheduleTick(): void {
    if (this.stopped) return;
    const delay = Math.max(0, Math.min(this.nextRenewAt, this.nextStatusAt) - Date.now());
    this.tickTimer = setTimeout(() => void this.tick(), delay);
  }

  /** One timer per node: renews the Lease and checks the node status when each is due. */
  private async tick(): Promise<void> {
    const now = Date.now();
    if (now >= this.nextRenewAt) {
      const interval = this.options.renewIntervalMs ?? 10_000;
      this.nextRenewAt = now + jitter(interval);
      try {
        await this.lease.renew();
      } catch (e) {
        // Retry sooner than a full interval, as the lease controller does.
        this.nextRenewAt = Date.now() + Math.min(interval, 1000);
        if (!this.stopped) this.log.warn('renewing the node lease failed', { error: (e as Error).message });
      }
    }
    if (now >= this.nextStatusAt) {
      this.nextStatusAt = now + (this.options.nodeStatusCheckMs ?? 10_000);
      this.cleanupPods();
      try {
        await this.syncNodeStatus();
      } catch (e) {
        if (!this.stopped) this.log.warn('updating node status failed', { error: (e as Error).message });
        // The Node was deleted under us: register it again, as the kubelet does.
        if (isNotFound(e) && !this.stopped) await this.register().catch((err: unknown) => this.log.warn('registering the node again failed', { error: (err as Error).message }));
      }
    }
    this.scheduleTick();
  }

  // --- Pods ----------------------------------------------------------------------------------

  /** One pass of local storage eviction: pods whose disk emptyDir outgrew its sizeLimit are evicted. */
  private async synchronizeEviction(): Promise<void> {
    for (const w of [...this.workers.values()]) {
      await w.checkLocalStorage().catch((e: unknown) => this.log.warn('local storage check failed', { pod: podDescription(w.pod), error: (e as Error).message }));
    }
  }

  private workerDeps(): PodWorkerDeps {
    // Typed with rootDir as well, so that it passes through whether or not the pod worker declares it.
    const deps: PodWorkerDeps & { rootDir?: string } = {
      rootDir: this.options.rootDir,
      runtime: this.runtime,
      runtimeName: this.runtimeName,
      hostIP: this.cfg!.nodeIP,
      client: this.client,
      objects: this.objects,
      statusManager: this.statusManager,
      recordEvent: (ref, type, reason, message) => this.recorder?.event(ref, type, reason, message),
      crashBackoffBaseMs: this.options.crashLoopBackoffBaseMs ?? 10_000,
      crashBackoffMaxMs: this.options.crashLoopBackoffMaxMs ?? 300_000,
      log: this.log,
      nodeAllocatable: () => this.node?.status?.allocatable as ResourceList | undefined,
      onTerminal: () => undefined,
      onRemoved: (w) => {
        if (this.workers.get(w.uid) === w) this.workers.delete(w.uid);
        const key = podKey(w.pod);
        if (this.uidByKey.get(key) === w.uid) this.uidByKey.delete(key);
        // The sandbox is gone: so goes the pod's cgroup, which the runtime leaves behind.
        if (!this.simulated) removePodCgroup(podCgroupParent(w.uid));
        this.cgroupsRemoved.delete(w.uid);
      },
    };
    return deps;
  }

  /**
   * HandlePodCleanups: pods the runtime still runs that the API no longer has (deleted while the
   * agent was down) are killed and removed, with their cgroups and directories. One pass at a time, in the background.
   */
  private cleanupPods(): void {
    if (this.simulated || this.housekeeping || this.stopped) return;
    this.housekeeping = (async () => {
      const sandboxes = await this.runtime.listPodSandbox();
      const orphans = new Set<string>();
      for (const s of sandboxes) {
        // Only pods the agent ran (its labels): sandboxes others made through the same runtime are theirs.
        const uid = s.labels?.[KubernetesPodUIDLabel];
        if (uid && !this.workers.has(uid)) orphans.add(uid);
      }
      if (orphans.size > 0 && !this.stopped) {
        this.log.info('removing pods the API no longer has', { uids: [...orphans] });
        for (const uid of await removeRuntimePods(this.runtime, orphans)) removePodCgroup(podCgroupParent(uid));
      }
      // Finished pods keep their API object but run nothing: their cgroups go (cleanupOrphanedPodCgroups).
      for (const [uid, w] of this.workers) {
        if (w.terminal && !this.cgroupsRemoved.has(uid) && removePodCgroup(podCgroupParent(uid))) this.cgroupsRemoved.add(uid);
      }
      // Then the directories of pods the API no longer has (volumes, hosts file, logs): cleanupOrphanedPodDirs.
      if (this.options.rootDir && !this.stopped) await removeOrphanedPodDirs(this.options.rootDir, new Set(this.workers.keys()));
    })().catch((e: unknown) => this.log.warn('cleaning up orphaned pods failed', { error: (e as Error).message })).finally(() => { this.housekeeping = undefined; });
  }

  private podAdded(pod: Pod): void {
    const uid = pod.metadata.uid ?? '';
    const existing = this.workers.get(uid);
    if (existing) {
      existing.update(pod);
      return;
    }
    const w = new PodWorker(pod, this.workerDeps());
    this.workers.set(uid, w);
    this.uidByKey.set(podKey(pod), uid);
    if (pod.metadata.deletionTimestamp) {
      w.kick();
      return;
    }
    if (isTerminalPhase(pod.status?.phase)) return;
    this.admissions = this.admissions.then(() => this.admit(w)).catch((e: unknown) => this.log.warn('pod admission failed', { pod: podKey(pod), error: (e as Error).message }));
  }

  private podUpdated(pod: Pod): void {
    const uid = this.uidByKey.get(podKey(pod));
    if (uid !== undefined && uid !== pod.metadata.uid) {
      // Same name, new pod: the old one is gone.
      this.workers.get(uid)?.remove();
      this.uidByKey.delete(podKey(pod));
    }
    const w = this.workers.get(pod.metadata.uid ?? '');
    if (w) w.update(pod);
    else this.podAdded(pod);
  }

  private podDeleted(pod: Pod): void {
    this.workers.get(pod.metadata.uid ?? '')?.remove();
  }

  /** Admission runs one pod at a time, against the pods admitted before it that still run. */
  private async admit(w: PodWorker): Promise<void> {
    if (this.stopped || w.admission !== 'pending') return;
    const admitted = () => [...this.workers.values()].filter((o) => o !== w && o.admission === 'admitted' && !o.terminal).map((o) => o.pod);
    let result = admitPod(w.pod, this.node!, admitted());
    if (!result.admit && result.reason === 'NodeAffinity') {
      // The node's labels may have changed since we last wrote it: look again before refusing.
      this.node = await this.client.get<Node>(nodes, undefined, this.nodeName);
      result = admitPod(w.pod, this.node, admitted());
    }
    if (result.admit) w.admit();
    else w.reject(result.reason, result.message);
  }

  private onContainerEvent(e: ContainerEventResponse): void {
    if (e.containerEventType !== 'CONTAINER_STOPPED_EVENT') return;
    const uid = e.podSandboxStatus?.metadata.uid;
    if (uid !== undefined) this.workers.get(uid)?.kick();
  }
}
