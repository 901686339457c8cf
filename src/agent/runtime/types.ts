// The container runtime as the agent sees it: CRI runtime.v1's RuntimeService and
// ImageService (k8s.io/cri-api api.proto), with the message fields in camelCase and every
// call async. The simulated runtime implements it in memory; a containerd client will
// implement it over gRPC. Nothing here knows which one is running.
//
// Times are nanoseconds since the epoch, as CRI's int64 fields (a JS number is exact to
// well under a microsecond at today's dates, which is all the agent needs).

export interface KeyValue { key: string; value: string }

export interface VersionResponse {
  version: string;
  runtimeName: string;
  runtimeVersion: string;
  runtimeApiVersion: string;
}

// --- Pod sandboxes ---------------------------------------------------------------------

export interface PodSandboxMetadata { name: string; uid: string; namespace: string; attempt: number }

/** NamespaceMode: POD = 0, CONTAINER = 1, NODE = 2 (host namespace), TARGET = 3. */
export type NamespaceMode = 0 | 1 | 2 | 3;
export const NamespaceMode = { POD: 0, CONTAINER: 1, NODE: 2, TARGET: 3 } as const;

export interface PortMapping { protocol?: 'TCP' | 'UDP' | 'SCTP'; containerPort: number; hostPort?: number; hostIp?: string }

export interface DNSConfig { servers?: string[]; searches?: string[]; options?: string[] }

export interface PodSandboxConfig {
  metadata: PodSandboxMetadata;
  hostname?: string;
  logDirectory?: string;
  dnsConfig?: DNSConfig;
  portMappings?: PortMapping[];
  labels?: Record<string, string>;
  /** The pod's annotations, as the kubelet passes them. */
  annotations?: Record<string, string>;
  linux?: { cgroupParent?: string; securityContext?: { namespaceOptions?: NamespaceOption }; sysctls?: Record<string, string> };
}

export type PodSandboxState = 'SANDBOX_READY' | 'SANDBOX_NOTREADY';

export interface PodIP { ip: string }

export interface PodSandboxNetworkStatus { ip: string; additionalIps?: PodIP[] }

export interface PodSandboxStatus {
  id: string;
  metadata: PodSandboxMetadata;
  state: PodSandboxState;
  createdAt: number;
  network?: PodSandboxNetworkStatus;
  linux?: { namespaces?: { options?: { network?: NamespaceMode } } };
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  runtimeHandler?: string;
}

export interface PodSandbox {
  id: string;
  metadata: PodSandboxMetadata;
  state: PodSandboxState;
  createdAt: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  runtimeHandler?: string;
}

export interface PodSandboxFilter {
  id?: string;
  state?: { state: PodSandboxState };
  labelSelector?: Record<string, string>;
}

// --- Containers ------------------------------------------------------------------------

export interface ContainerMetadata { name: string; attempt: number }

export interface ImageSpec { image: string; annotations?: Record<string, string>; userSpecifiedImage?: string }

export type MountPropagation = 'PROPAGATION_PRIVATE' | 'PROPAGATION_HOST_TO_CONTAINER' | 'PROPAGATION_BIDIRECTIONAL';

export interface Mount { containerPath: string; hostPath: string; readonly?: boolean; propagation?: MountPropagation }

/** CRI LinuxContainerResources (cgroup values the kubelet derives from requests/limits). */
export interface LinuxContainerResources {
  cpuPeriod?: number;
  cpuQuota?: number;
  cpuShares?: number;
  memoryLimitInBytes?: number;
  oomScoreAdj?: number;
}

export interface NamespaceOption { network?: NamespaceMode; pid?: NamespaceMode; ipc?: NamespaceMode; targetId?: string }

export interface LinuxContainerConfig {
  resources?: LinuxContainerResources;
  securityContext?: { namespaceOptions?: NamespaceOption };
}

export interface ContainerConfig {
  metadata: ContainerMetadata;
  image: ImageSpec;
  command?: string[];
  args?: string[];
  workingDir?: string;
  envs?: KeyValue[];
  mounts?: Mount[];
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  logPath?: string;
  stdin?: boolean;
  stdinOnce?: boolean;
  tty?: boolean;
  linux?: LinuxContainerConfig;
}

export type ContainerState = 'CONTAINER_CREATED' | 'CONTAINER_RUNNING' | 'CONTAINER_EXITED' | 'CONTAINER_UNKNOWN';

export interface ContainerStatus {
  id: string;
  metadata: ContainerMetadata;
  state: ContainerState;
  createdAt: number;
  /** 0 until started. */
  startedAt: number;
  /** 0 until exited. */
  finishedAt: number;
  exitCode: number;
  image: ImageSpec;
  imageRef: string;
  /** Brief CamelCase reason for the state (e.g. Completed, Error, StartError). */
  reason: string;
  message: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  mounts?: Mount[];
  logPath?: string;
}

export interface Container {
  id: string;
  podSandboxId: string;
  metadata: ContainerMetadata;
  image: ImageSpec;
  imageRef: string;
  state: ContainerState;
  createdAt: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export interface ContainerFilter {
  id?: string;
  state?: { state: ContainerState };
  podSandboxId?: string;
  labelSelector?: Record<string, string>;
}

export type ContainerEventType = 'CONTAINER_CREATED_EVENT' | 'CONTAINER_STARTED_EVENT' | 'CONTAINER_STOPPED_EVENT' | 'CONTAINER_DELETED_EVENT';

/** One item of CRI's GetContainerEvents stream (what the kubelet's evented PLEG consumes). */
export interface ContainerEventResponse {
  containerId: string;
  containerEventType: ContainerEventType;
  createdAt: number;
  podSandboxStatus?: PodSandboxStatus;
  containersStatuses: ContainerStatus[];
}

export interface RuntimeConfig { networkConfig?: { podCidr: string } }

// --- Images ----------------------------------------------------------------------------

export interface Image {
  id: string;
  repoTags: string[];
  repoDigests: string[];
  size: number;
  /** The image config's user, when numeric ... */
  uid?: number;
  /** ... else its name (neither: the image runs as root). */
  username?: string;
  spec?: ImageSpec;
  pinned?: boolean;
}

export interface AuthConfig { username?: string; password?: string; auth?: string; serverAddress?: string; identityToken?: string; registryToken?: string }

// --- Services --------------------------------------------------------------------------

export interface RuntimeService {
  version(apiVersion?: string): Promise<VersionResponse>;

  runPodSandbox(config: PodSandboxConfig, runtimeHandler?: string): Promise<string>;
  stopPodSandbox(podSandboxId: string): Promise<void>;
  removePodSandbox(podSandboxId: string): Promise<void>;
  podSandboxStatus(podSandboxId: string): Promise<PodSandboxStatus>;
  listPodSandbox(filter?: PodSandboxFilter): Promise<PodSandbox[]>;

  createContainer(podSandboxId: string, config: ContainerConfig, sandboxConfig: PodSandboxConfig): Promise<string>;
  startContainer(containerId: string): Promise<void>;
  /** Stops a running container, killing it after timeoutSeconds (0: at once). */
  stopContainer(containerId: string, timeoutSeconds: number): Promise<void>;
  removeContainer(containerId: string): Promise<void>;
  containerStatus(containerId: string): Promise<ContainerStatus>;
  listContainers(filter?: ContainerFilter): Promise<Container[]>;

  updateRuntimeConfig(config: RuntimeConfig): Promise<void>;
  /** Subscribes to container lifecycle events; returns the unsubscribe function. */
  getContainerEvents(listener: (e: ContainerEventResponse) => void): () => void;
}

export interface ImageService {
  listImages(filter?: { image?: ImageSpec }): Promise<Image[]>;
  /** The image if present, else undefined (CRI answers an empty image). */
  imageStatus(image: ImageSpec): Promise<Image | undefined>;
  /** Pulls an image; resolves to its imageRef. */
  pullImage(image: ImageSpec, auth?: AuthConfig, sandboxConfig?: PodSandboxConfig): Promise<string>;
  removeImage(image: ImageSpec): Promise<void>;
}

// --- Streaming and runtime health (optional: the simulated runtime runs no processes) ---

export interface ExecSyncResponse { stdout: Buffer; stderr: Buffer; exitCode: number }
export interface ExecRequest { containerId: string; cmd: string[]; tty?: boolean; stdin?: boolean; stdout?: boolean; stderr?: boolean }
export interface AttachRequest { containerId: string; stdin?: boolean; tty?: boolean; stdout?: boolean; stderr?: boolean }
/** CRI RuntimeCondition: RuntimeReady and NetworkReady. */
export interface RuntimeCondition { type: string; status: boolean; reason?: string; message?: string }

export interface StreamingService {
  /** Runs a command in a container to completion (probes, hooks); a non-zero exit is a normal answer. */
  execSync(containerId: string, cmd: string[], timeoutSeconds: number): Promise<ExecSyncResponse>;
  /** The runtime streaming server's single-use URL for an exec / attach / port-forward session. */
  exec(req: ExecRequest): Promise<string>;
  attach(req: AttachRequest): Promise<string>;
  portForward(podSandboxId: string, ports: number[]): Promise<string>;
  /** After the agent renamed a container's log file (rotation). */
  reopenContainerLog(containerId: string): Promise<void>;
  updateContainerResources(containerId: string, resources: LinuxContainerResources): Promise<void>;
  status(): Promise<{ conditions: RuntimeCondition[] }>;
}

/** CRI FilesystemUsage of the image filesystem (ImageFsInfo). */
export interface FilesystemUsage { timestamp: number; mountpoint: string; usedBytes: number; inodesUsed: number }

export interface ImageFsService {
  /** Where the runtime keeps images, and how much of it they use (image garbage collection reads it). */
  imageFsInfo(): Promise<FilesystemUsage[]>;
}

export type ContainerRuntime = RuntimeService & ImageService & Partial<StreamingService> & Partial<ImageFsService>;

/** A runtime call failed (gRPC status code names, as CRI errors carry them). */
export class RuntimeError extends Error {
  constructor(readonly code: 'NotFound' | 'FailedPrecondition' | 'InvalidArgument' | 'Unknown' | 'ResourceExhausted' | 'Unimplemented' | 'DeadlineExceeded' | 'Unavailable', message: string) {
    super(message);
  }
}

export const isRuntimeNotFound = (e: unknown): boolean => e instanceof RuntimeError && e.code === 'NotFound';

/** Labels the kubelet puts on sandboxes and containers (kubelet/types/labels.go). */
export const KubernetesPodNameLabel = 'io.kubernetes.pod.name';
export const KubernetesPodNamespaceLabel = 'io.kubernetes.pod.namespace';
export const KubernetesPodUIDLabel = 'io.kubernetes.pod.uid';
export const KubernetesContainerNameLabel = 'io.kubernetes.container.name';
/** Skiff's own container label: init, sidecar (restartable init), regular or ephemeral (a debugger added to a running pod). */
export const ContainerTypeLabel = 'skiff.dev/container-type';
export type ContainerType = 'init' | 'sidecar' | 'regular' | 'ephemeral';
