// The agent's ContainerRuntime over CRI runtime.v1 gRPC (containerd's CRI plugin): each
// method is one RuntimeService or ImageService call with a deadline, as the kubelet's
// remote runtime client makes them. Container events come from a relisting PLEG, since
// containerd 1.6 does not implement GetContainerEvents.

import type { Logger } from '../../log.ts';
import {
  type AttachRequest, type AuthConfig, type Container, type ContainerConfig, type ContainerEventResponse, type ContainerFilter,
  type ContainerRuntime, type ContainerStatus, type ExecRequest, type ExecSyncResponse, type FilesystemUsage, type Image, type ImageSpec,
  type LinuxContainerResources, type PodSandbox, type PodSandboxConfig, type PodSandboxFilter, type PodSandboxStatus,
  type RuntimeCondition, type RuntimeConfig, type VersionResponse,
} from '../runtime/types.ts';
import { CriClient, type CriService } from './client.ts';
import { RelistPLEG } from './pleg.ts';
import {
  containerOf, containerStatusOf, imageOf, podSandboxOf, podSandboxStatusOf, toWire,
  type WireContainer, type WireContainerStatus, type WireImage, type WirePodSandbox, type WirePodSandboxStatus,
} from './wire.ts';

export interface CriRuntimeOptions {
  /** The runtime's CRI socket (e.g. DIR/containerd/containerd.sock). */
  endpoint: string;
  /** Deadline of an ordinary call (the kubelet's --runtime-request-timeout, 2 min). */
  requestTimeoutMs?: number;
  /** Deadline of an image pull. */
  pullTimeoutMs?: number;
  /** How often the PLEG relists (the kubelet's generic PLEG: 1 s). */
  relistPeriodMs?: number;
  log?: Logger;
}

const RUNTIME: CriService = 'RuntimeService';
const IMAGES: CriService = 'ImageService';

export class CriRuntime implements ContainerRuntime {
  readonly endpoint: string;
  private readonly client: CriClient;
  private readonly timeoutMs: number;
  private readonly pullTimeoutMs: number;
  private readonly pleg: RelistPLEG;

  constructor(options: CriRuntimeOptions) {
    this.endpoint = options.endpoint;
    this.client = new CriClient(options.endpoint);
    this.timeoutMs = options.requestTimeoutMs ?? 120_000;
    this.pullTimeoutMs = options.pullTimeoutMs ?? 600_000;
    this.pleg = new RelistPLEG({
      listPodSandbox: () => this.listPodSandbox(),
      listContainers: () => this.listContainers(),
      containerStatus: (id) => this.containerStatus(id),
    }, options.relistPeriodMs ?? 1000, options.log);
  }

  private call<Res>(service: CriService, method: string, request: object, timeoutMs = this.timeoutMs): Promise<Res> {
    return this.client.call<Res>(service, method, toWire(request) as object, timeoutMs);
  }

  /** A call that changes containers: the PLEG looks again right after it. */
  private async mutate<Res>(method: string, request: object, timeoutMs?: number): Promise<Res> {
    try {
      return await this.call<Res>(RUNTIME, method, request, timeoutMs);
    } finally {
      this.pleg.relistSoon();
    }
  }

  close(): void {
    this.pleg.close();
    this.client.close();
  }

  // --- RuntimeService ------------------------------------------------------------------

  async version(apiVersion = 'v1', timeoutMs?: number): Promise<VersionResponse> {
    const r = await this.call<{ version: string; runtime_name: string; runtime_version: string; runtime_api_version: string }>(RUNTIME, 'Version', { version: apiVersion }, timeoutMs);
    return { version: r.version, runtimeName: r.runtime_name, runtimeVersion: r.runtime_version, runtimeApiVersion: r.runtime_api_version };
  }

  async status(): Promise<{ conditions: RuntimeCondition[] }> {
    const r = await this.call<{ status: { conditions: RuntimeCondition[] } | null }>(RUNTIME, 'Status', { verbose: false });
    return { conditions: (r.status?.conditions ?? []).map((c) => ({ type: c.type, status: c.status, reason: c.reason, message: c.message })) };
  }

  async runPodSandbox(config: PodSandboxConfig, runtimeHandler = ''): Promise<string> {
    const r = await this.mutate<{ pod_sandbox_id: string }>('RunPodSandbox', { config, runtimeHandler });
    return r.pod_sandbox_id;
  }

  async stopPodSandbox(podSandboxId: string): Promise<void> {
    await this.mutate('StopPodSandbox', { podSandboxId });
  }

  async removePodSandbox(podSandboxId: string): Promise<void> {
    await this.mutate('RemovePodSandbox', { podSandboxId });
  }

  async podSandboxStatus(podSandboxId: string): Promise<PodSandboxStatus> {
    const r = await this.call<{ status: WirePodSandboxStatus }>(RUNTIME, 'PodSandboxStatus', { podSandboxId, verbose: false });
    return podSandboxStatusOf(r.status);
  }

  async listPodSandbox(filter?: PodSandboxFilter): Promise<PodSandbox[]> {
    const r = await this.call<{ items: WirePodSandbox[] }>(RUNTIME, 'ListPodSandbox', { filter });
    return r.items.map(podSandboxOf);
  }

  async createContainer(podSandboxId: string, config: ContainerConfig, sandboxConfig: PodSandboxConfig): Promise<string> {
    const r = await this.mutate<{ container_id: string }>('CreateContainer', { podSandboxId, config, sandboxConfig });
    return r.container_id;
  }

  async startContainer(containerId: string): Promise<void> {
    await this.mutate('StartContainer', { containerId });
  }

  async stopContainer(containerId: string, timeoutSeconds: number): Promise<void> {
    // The call lasts as long as the grace period, plus the usual deadline for the rest.
    await this.mutate('StopContainer', { containerId, timeout: timeoutSeconds }, this.timeoutMs + timeoutSeconds * 1000);
  }

  async removeContainer(containerId: string): Promise<void> {
    await this.mutate('RemoveContainer', { containerId });
  }

  async containerStatus(containerId: string): Promise<ContainerStatus> {
    const r = await this.call<{ status: WireContainerStatus }>(RUNTIME, 'ContainerStatus', { containerId, verbose: false });
    return containerStatusOf(r.status);
  }

  async listContainers(filter?: ContainerFilter): Promise<Container[]> {
    const r = await this.call<{ containers: WireContainer[] }>(RUNTIME, 'ListContainers', { filter });
    return r.containers.map(containerOf);
  }

  /** The pod CIDR lives in the CNI config Skiff writes (src/host/network.ts), so there is nothing to tell the runtime. */
  async updateRuntimeConfig(_config: RuntimeConfig): Promise<void> {}

  getContainerEvents(listener: (e: ContainerEventResponse) => void): () => void {
    return this.pleg.subscribe(listener);
  }

  async updateContainerResources(containerId: string, resources: LinuxContainerResources): Promise<void> {
    await this.call(RUNTIME, 'UpdateContainerResources', { containerId, linux: resources });
  }

  async reopenContainerLog(containerId: string): Promise<void> {
    await this.call(RUNTIME, 'ReopenContainerLog', { containerId });
  }

  // --- Streaming -------------------------------------------------------------------------

  async execSync(containerId: string, cmd: string[], timeoutSeconds: number): Promise<ExecSyncResponse> {
    const deadline = timeoutSeconds > 0 ? timeoutSeconds * 1000 + this.timeoutMs : this.timeoutMs;
    const r = await this.call<{ stdout: Buffer; stderr: Buffer; exit_code: number }>(RUNTIME, 'ExecSync', { containerId, cmd, timeout: timeoutSeconds }, deadline);
    return { stdout: r.stdout, stderr: r.stderr, exitCode: r.exit_code };
  }

  async exec(req: ExecRequest): Promise<string> {
    return (await this.call<{ url: string }>(RUNTIME, 'Exec', req)).url;
  }

  async attach(req: AttachRequest): Promise<string> {
    return (await this.call<{ url: string }>(RUNTIME, 'Attach', req)).url;
  }

  async portForward(podSandboxId: string, ports: number[]): Promise<string> {
    return (await this.call<{ url: string }>(RUNTIME, 'PortForward', { podSandboxId, port: ports })).url;
  }

  // --- ImageService ----------------------------------------------------------------------

  async listImages(filter?: { image?: ImageSpec }): Promise<Image[]> {
    const r = await this.call<{ images: WireImage[] }>(IMAGES, 'ListImages', { filter });
    return r.images.map(imageOf);
  }

  async imageStatus(image: ImageSpec): Promise<Image | undefined> {
    const r = await this.call<{ image: WireImage | null }>(IMAGES, 'ImageStatus', { image, verbose: false });
    // An absent image is an empty answer, not an error.
    return r.image && r.image.id ? imageOf(r.image) : undefined;
  }

  async pullImage(image: ImageSpec, auth?: AuthConfig, sandboxConfig?: PodSandboxConfig): Promise<string> {
    const r = await this.call<{ image_ref: string }>(IMAGES, 'PullImage', { image, auth, sandboxConfig }, this.pullTimeoutMs);
    return r.image_ref;
  }

  async removeImage(image: ImageSpec): Promise<void> {
    await this.call(IMAGES, 'RemoveImage', { image });
  }

  async imageFsInfo(): Promise<FilesystemUsage[]> {
    type Wire = { timestamp: string; fs_id: { mountpoint: string } | null; used_bytes: { value: string } | null; inodes_used: { value: string } | null };
    const r = await this.call<{ image_filesystems: Wire[] }>(IMAGES, 'ImageFsInfo', {});
    return r.image_filesystems.map((f) => ({
      timestamp: Number(f.timestamp), mountpoint: f.fs_id?.mountpoint ?? '', usedBytes: Number(f.used_bytes?.value ?? 0), inodesUsed: Number(f.inodes_used?.value ?? 0),
    }));
  }
}
