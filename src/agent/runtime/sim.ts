// The simulated container runtime (what kwok is to a cluster, in CRI shape): no
// processes, no images on disk, no network. Sandboxes get an IP from the node's pod CIDR
// (handed in through UpdateRuntimeConfig, as the kubelet does) and give it back when
// stopped; containers run at once (or after startDelayMs) and keep running until stopped,
// except init containers, which complete with exit code 0 at once. Images "pull" at once.
//
// Pods drive it through annotations, so kubectl users can script failures:
//
//   sim.skiff.dev/exit-code: "1"          regular containers exit with this code ...
//   sim.skiff.dev/exit-after: "2s"        ... this long after they start (Go duration; default
//                                          at once when only exit-code is given, code 0
//                                          when only exit-after is given)
//   sim.skiff.dev/start-error: "boom"     starting a regular container fails with this message
//   sim.skiff.dev/pull-error: "img,img2"  pulling these images (as written in the pod, or
//                                          "*" for any) fails
//   sim.skiff.dev/exec-exit-code: "1"     commands run in the containers (ExecSync: exec
//                                          probes, hooks) exit with this code (default 0)
//
// A suffix names one container and applies to init containers too:
// `sim.skiff.dev/exit-code.setup: "3"`. Tests can do the same through failImagePull,
// failContainerStart, exitContainer and scriptExec.

import { createHash, randomUUID } from 'node:crypto';
import { IPAllocator } from '../../registry/allocators/ip.ts';
import {
  ContainerTypeLabel, NamespaceMode, RuntimeError,
  type Container, type ContainerConfig, type ContainerEventResponse, type ContainerEventType, type ContainerFilter, type ContainerRuntime,
  type ContainerStatus, type ExecSyncResponse, type Image, type ImageSpec, type PodSandbox, type PodSandboxConfig, type PodSandboxFilter, type PodSandboxStatus,
  type RuntimeConfig, type VersionResponse,
} from './types.ts';
import { parseDuration } from '../duration.ts';

export const SIM_ANNOTATION_PREFIX = 'sim.skiff.dev/';
export const SimAnnotations = {
  exitCode: 'sim.skiff.dev/exit-code',
  exitAfter: 'sim.skiff.dev/exit-after',
  startError: 'sim.skiff.dev/start-error',
  pullError: 'sim.skiff.dev/pull-error',
  execExitCode: 'sim.skiff.dev/exec-exit-code',
} as const;

/** What a simulated ExecSync answers; delayMs past the call's timeout makes it time out. */
export interface ExecScript { exitCode: number; stdout?: string; stderr?: string; delayMs?: number }
/** A fixed answer, or one computed per command (undefined: the next script, or the annotation, decides). */
export type ExecAnswer = ExecScript | ((cmd: string[], container: ContainerStatus) => ExecScript | undefined);

export const SIM_RUNTIME_NAME = 'skiff-sim';
export const SIM_RUNTIME_VERSION = '0.1.0';

export interface SimRuntimeOptions {
  /** Pod CIDR to allocate sandbox IPs from (normally set later by UpdateRuntimeConfig). */
  podCIDR?: string;
  /** How long StartContainer takes (default 0: running at once). */
  startDelayMs?: number;
  /** How long an init container runs before it completes (default 0). */
  initContainerRunMs?: number;
  /** Images present from the start. */
  images?: string[];
}

/** Picks containers by pod and container name (any field left out matches everything). */
export interface ContainerMatch { namespace?: string; podName?: string; containerName?: string }

interface SimSandbox {
  status: PodSandboxStatus;
  config: PodSandboxConfig;
  containers: Set<string>;
}

interface SimContainer {
  status: ContainerStatus;
  podSandboxId: string;
  podName: string;
  namespace: string;
  exitCode?: number;
  exitAfterMs?: number;
  startError?: string;
  timer?: NodeJS.Timeout;
}

interface StartFailure { match: ContainerMatch; message: string }

const nowNs = (): number => Math.round((performance.timeOrigin + performance.now()) * 1e6);
// 64 hex digits as containerd's IDs, from randomUUID's buffered entropy (randomBytes costs a
// call into OpenSSL each time, which a thousand simulated nodes starting pods feel).
const newId = (): string => (randomUUID() + randomUUID()).replaceAll('-', '');
const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');

/**
 * A reference as containerd names it: registry host, repository path (docker.io's
 * single-name images under library/) and a tag (latest by default) or digest.
 */
export function normalizeImage(ref: string): string {
  let name = ref;
  let suffix = '';
  const at = name.indexOf('@');
  if (at >= 0) {
    suffix = name.slice(at);
    name = name.slice(0, at);
  } else {
    const colon = name.lastIndexOf(':');
    if (colon > name.lastIndexOf('/')) {
      suffix = name.slice(colon);
      name = name.slice(0, colon);
    }
  }
  const slash = name.indexOf('/');
  const first = slash < 0 ? '' : name.slice(0, slash);
  const hasDomain = first !== '' && (first.includes('.') || first.includes(':') || first === 'localhost');
  if (!hasDomain) name = `docker.io/${slash < 0 ? `library/${name}` : name}`;
  return `${name}${suffix || ':latest'}`;
}

/** The repository part of a normalized reference (no tag, no digest). */
const repositoryOf = (normalized: string): string => {
  const at = normalized.indexOf('@');
  if (at >= 0) return normalized.slice(0, at);
  const colon = normalized.lastIndexOf(':');
  return colon > normalized.lastIndexOf('/') ? normalized.slice(0, colon) : normalized;
};

function copyStatus(s: ContainerStatus): ContainerStatus {
  return { ...s, metadata: { ...s.metadata }, image: { ...s.image } };
}

function matches(labels: Record<string, string> | undefined, selector: Record<string, string> | undefined): boolean {
  if (!selector) return true;
  for (const k in selector) if (labels?.[k] !== selector[k]) return false;
  return true;
}

export class SimRuntime implements ContainerRuntime {
  private readonly sandboxes = new Map<string, SimSandbox>();
  private readonly containers = new Map<string, SimContainer>();
  /** Present images by normalized reference. */
  private readonly images = new Map<string, Image>();
  private readonly listeners = new Set<(e: ContainerEventResponse) => void>();
  private readonly pullFailures = new Map<string, string>();
  private readonly startFailures: StartFailure[] = [];
  private readonly execScripts: { match: ContainerMatch; answer: ExecAnswer }[] = [];
  private allocator: IPAllocator | undefined;
  private readonly startDelayMs: number;
  private readonly initContainerRunMs: number;

  constructor(options: SimRuntimeOptions = {}) {
    this.startDelayMs = options.startDelayMs ?? 0;
    this.initContainerRunMs = options.initContainerRunMs ?? 0;
    if (options.podCIDR) this.setPodCIDR(options.podCIDR);
    for (const image of options.images ?? []) this.addImage(image);
  }

  // --- Test controls -------------------------------------------------------------------

  /** Pulls of this image (as written in the pod, or normalized) fail until cleared. */
  failImagePull(image: string, message = `failed to resolve reference "${normalizeImage(image)}": ${normalizeImage(image)}: not found`): void {
    this.pullFailures.set(normalizeImage(image), message);
  }

  clearImagePullFailure(image?: string): void {
    if (image === undefined) this.pullFailures.clear();
    else this.pullFailures.delete(normalizeImage(image));
  }

  /** Starting matching containers fails with message (until cleared). */
  failContainerStart(match: ContainerMatch, message = 'simulated start failure'): void {
    this.startFailures.push({ match, message });
  }

  clearContainerStartFailures(): void {
    this.startFailures.length = 0;
  }

  /** A running container exits with exitCode, now or after afterMs. */
  exitContainer(containerId: string, exitCode: number, afterMs = 0): void {
    const c = this.containers.get(containerId);
    if (!c) throw new RuntimeError('NotFound', `container "${containerId}" not found`);
    clearTimeout(c.timer);
    if (afterMs > 0) c.timer = setTimeout(() => this.exit(c, exitCode), afterMs);
    else this.exit(c, exitCode);
  }

  /** Commands run in matching containers answer this way (the latest script that answers wins) until cleared. */
  scriptExec(match: ContainerMatch, answer: ExecAnswer): void {
    this.execScripts.push({ match, answer });
  }

  clearExecScripts(): void {
    this.execScripts.length = 0;
  }

  /** Statuses of the containers that match (newest attempt last). */
  findContainers(match: ContainerMatch): ContainerStatus[] {
    const out: ContainerStatus[] = [];
    for (const c of this.containers.values()) if (this.matchesContainer(c, match)) out.push(copyStatus(c.status));
    return out.sort((a, b) => a.createdAt - b.createdAt);
  }

  /** Sandbox IPs currently handed out. */
  ipsInUse(): string[] {
    const ips: string[] = [];
    for (const s of this.sandboxes.values()) if (s.status.network?.ip && s.status.state === 'SANDBOX_READY') ips.push(s.status.network.ip);
    return ips;
  }

  /** Stops every timer (containers stay as they are). */
  close(): void {
    for (const c of this.containers.values()) clearTimeout(c.timer);
    this.listeners.clear();
  }

  // --- RuntimeService ------------------------------------------------------------------

  async version(): Promise<VersionResponse> {
    return { version: '0.1.0', runtimeName: SIM_RUNTIME_NAME, runtimeVersion: SIM_RUNTIME_VERSION, runtimeApiVersion: 'v1' };
  }

  async updateRuntimeConfig(config: RuntimeConfig): Promise<void> {
    const cidr = config.networkConfig?.podCidr;
    if (cidr && cidr !== this.allocator?.cidr) this.setPodCIDR(cidr);
  }

  getContainerEvents(listener: (e: ContainerEventResponse) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async runPodSandbox(config: PodSandboxConfig, runtimeHandler = ''): Promise<string> {
    const hostNetwork = config.linux?.securityContext?.namespaceOptions?.network === NamespaceMode.NODE;
    let ip = '';
    if (!hostNetwork) {
      if (!this.allocator) throw new RuntimeError('FailedPrecondition', 'failed to setup network for sandbox: no pod CIDR configured');
      try {
        ip = this.allocator.allocate();
      } catch (e) {
        throw new RuntimeError('ResourceExhausted', `failed to setup network for sandbox: failed to allocate for range 0: no IP addresses available in range set: ${this.allocator.cidr} (${(e as Error).message})`);
      }
    }
    const id = newId();
    this.sandboxes.set(id, {
      config,
      containers: new Set(),
      status: {
        id,
        metadata: { ...config.metadata },
        state: 'SANDBOX_READY',
        createdAt: nowNs(),
        network: { ip, additionalIps: [] },
        linux: { namespaces: { options: { network: hostNetwork ? NamespaceMode.NODE : NamespaceMode.POD } } },
        labels: config.labels,
        annotations: config.annotations,
        runtimeHandler,
      },
    });
    return id;
  }

  async stopPodSandbox(podSandboxId: string): Promise<void> {
    const s = this.sandboxes.get(podSandboxId);
    if (!s) return;
    for (const id of s.containers) {
      const c = this.containers.get(id);
      if (c) this.stop(c, 0);
    }
    if (s.status.state === 'SANDBOX_READY' && s.status.network?.ip) this.allocator?.release(s.status.network.ip);
    s.status.state = 'SANDBOX_NOTREADY';
  }

  async removePodSandbox(podSandboxId: string): Promise<void> {
    const s = this.sandboxes.get(podSandboxId);
    if (!s) return;
    await this.stopPodSandbox(podSandboxId);
    for (const id of s.containers) await this.removeContainer(id);
    this.sandboxes.delete(podSandboxId);
  }

  async podSandboxStatus(podSandboxId: string): Promise<PodSandboxStatus> {
    const s = this.sandboxes.get(podSandboxId);
    if (!s) throw new RuntimeError('NotFound', `an error occurred when try to find sandbox: not found: ${podSandboxId}`);
    return { ...s.status, metadata: { ...s.status.metadata }, network: s.status.network && { ...s.status.network } };
  }

  async listPodSandbox(filter: PodSandboxFilter = {}): Promise<PodSandbox[]> {
    const out: PodSandbox[] = [];
    for (const s of this.sandboxes.values()) {
      const st = s.status;
      if (filter.id && st.id !== filter.id) continue;
      if (filter.state && st.state !== filter.state.state) continue;
      if (!matches(st.labels, filter.labelSelector)) continue;
      out.push({ id: st.id, metadata: { ...st.metadata }, state: st.state, createdAt: st.createdAt, labels: st.labels, annotations: st.annotations, runtimeHandler: st.runtimeHandler });
    }
    return out;
  }

  async createContainer(podSandboxId: string, config: ContainerConfig, sandboxConfig: PodSandboxConfig): Promise<string> {
    const s = this.sandboxes.get(podSandboxId);
    if (!s) throw new RuntimeError('NotFound', `failed to get sandbox "${podSandboxId}": not found`);
    if (s.status.state !== 'SANDBOX_READY') throw new RuntimeError('FailedPrecondition', `sandbox "${podSandboxId}" is not running`);
    const normalized = normalizeImage(config.image.image);
    const image = this.images.get(normalized) ?? this.findImageById(config.image.image);
    if (!image) throw new RuntimeError('NotFound', `failed to create containerd container: get image "${config.image.image}": not found`);
    const id = newId();
    const c: SimContainer = {
      podSandboxId,
      podName: sandboxConfig.metadata.name,
      namespace: sandboxConfig.metadata.namespace,
      status: {
        id,
        metadata: { ...config.metadata },
        state: 'CONTAINER_CREATED',
        createdAt: nowNs(),
        startedAt: 0,
        finishedAt: 0,
        exitCode: 0,
        image: { image: image.repoTags[0] ?? normalized, userSpecifiedImage: config.image.userSpecifiedImage },
        imageRef: image.repoDigests[0] ?? image.id,
        reason: '',
        message: '',
        labels: config.labels,
        annotations: config.annotations,
        logPath: config.logPath,
      },
    };
    this.plan(c, config, sandboxConfig);
    this.containers.set(id, c);
    s.containers.add(id);
    this.emit('CONTAINER_CREATED_EVENT', c);
    return id;
  }

  async startContainer(containerId: string): Promise<void> {
    const c = this.mustGet(containerId);
    if (c.status.state !== 'CONTAINER_CREATED') throw new RuntimeError('FailedPrecondition', `container "${containerId}" is in ${c.status.state} state`);
    if (c.startError !== undefined) {
      // containerd records a container that could not start as exited with 128 / StartError.
      Object.assign(c.status, { state: 'CONTAINER_EXITED', exitCode: 128, finishedAt: nowNs(), reason: 'StartError', message: c.startError });
      this.emit('CONTAINER_STOPPED_EVENT', c);
      throw new RuntimeError('Unknown', `failed to start containerd task "${containerId}": ${c.startError}`);
    }
    if (this.startDelayMs > 0) await new Promise((r) => setTimeout(r, this.startDelayMs));
    if (c.status.state !== 'CONTAINER_CREATED') throw new RuntimeError('FailedPrecondition', `container "${containerId}" was stopped while starting`);
    c.status.state = 'CONTAINER_RUNNING';
    c.status.startedAt = nowNs();
    this.emit('CONTAINER_STARTED_EVENT', c);
    if (c.exitCode !== undefined) {
      if (!c.exitAfterMs) this.exit(c, c.exitCode);
      else c.timer = setTimeout(() => this.exit(c, c.exitCode ?? 0), c.exitAfterMs);
    }
  }

  async stopContainer(containerId: string, timeoutSeconds: number): Promise<void> {
    const c = this.containers.get(containerId);
    if (!c) throw new RuntimeError('NotFound', `an error occurred when try to find container "${containerId}": not found`);
    this.stop(c, timeoutSeconds);
  }

  async removeContainer(containerId: string): Promise<void> {
    const c = this.containers.get(containerId);
    if (!c) return;
    this.stop(c, 0);
    this.containers.delete(containerId);
    this.sandboxes.get(c.podSandboxId)?.containers.delete(containerId);
    this.emit('CONTAINER_DELETED_EVENT', c);
  }

  async containerStatus(containerId: string): Promise<ContainerStatus> {
    return copyStatus(this.mustGet(containerId).status);
  }

  async listContainers(filter: ContainerFilter = {}): Promise<Container[]> {
    const out: Container[] = [];
    for (const c of this.containers.values()) {
      const st = c.status;
      if (filter.id && st.id !== filter.id) continue;
      if (filter.podSandboxId && c.podSandboxId !== filter.podSandboxId) continue;
      if (filter.state && st.state !== filter.state.state) continue;
      if (!matches(st.labels, filter.labelSelector)) continue;
      out.push({ id: st.id, podSandboxId: c.podSandboxId, metadata: { ...st.metadata }, image: { ...st.image }, imageRef: st.imageRef, state: st.state, createdAt: st.createdAt, labels: st.labels, annotations: st.annotations });
    }
    return out;
  }

  // --- Streaming (ExecSync only: nothing runs, so the answer is scripted) -------------------

  async execSync(containerId: string, cmd: string[], timeoutSeconds: number): Promise<ExecSyncResponse> {
    const c = this.mustGet(containerId);
    if (c.status.state !== 'CONTAINER_RUNNING') throw new RuntimeError('FailedPrecondition', `failed to exec in container: container is in ${c.status.state} state`);
    const script = this.execScript(c, cmd);
    const delayMs = script.delayMs ?? 0;
    if (timeoutSeconds > 0 && delayMs > timeoutSeconds * 1000) {
      await new Promise((r) => setTimeout(r, timeoutSeconds * 1000));
      throw new RuntimeError('DeadlineExceeded', `command "${cmd.join(' ')}" timed out`);
    }
    if (delayMs > 0) await new Promise((r) => setTimeout(r, delayMs));
    return { stdout: Buffer.from(script.stdout ?? ''), stderr: Buffer.from(script.stderr ?? ''), exitCode: script.exitCode };
  }

  // --- ImageService --------------------------------------------------------------------

  async listImages(filter: { image?: ImageSpec } = {}): Promise<Image[]> {
    if (filter.image?.image) {
      const img = await this.imageStatus(filter.image);
      return img ? [img] : [];
    }
    return [...new Set(this.images.values())].map((i) => ({ ...i }));
  }

  async imageStatus(image: ImageSpec): Promise<Image | undefined> {
    const found = this.images.get(normalizeImage(image.image)) ?? this.findImageById(image.image);
    return found && { ...found };
  }

  async pullImage(image: ImageSpec, _auth?: unknown, sandboxConfig?: PodSandboxConfig): Promise<string> {
    const normalized = normalizeImage(image.image);
    const failure = this.pullFailures.get(normalized) ?? this.annotatedPullFailure(image.image, normalized, sandboxConfig);
    if (failure !== undefined) throw new RuntimeError('NotFound', `failed to pull and unpack image "${normalized}": ${failure}`);
    return this.addImage(image.image).repoDigests[0];
  }

  async removeImage(image: ImageSpec): Promise<void> {
    const found = this.images.get(normalizeImage(image.image)) ?? this.findImageById(image.image);
    if (!found) return;
    for (const [k, v] of this.images) if (v === found) this.images.delete(k);
  }

  // --- Internals -----------------------------------------------------------------------

  private setPodCIDR(cidr: string): void {
    const allocator = new IPAllocator(cidr);
    // The first address is the bridge's gateway, as with CNI's host-local IPAM.
    if (allocator.size > 1n) allocator.allocate();
    this.allocator = allocator;
  }

  private addImage(ref: string): Image {
    const normalized = normalizeImage(ref);
    const existing = this.images.get(normalized);
    if (existing) return existing;
    const digest = sha256(`manifest:${normalized}`);
    const img: Image = {
      id: `sha256:${sha256(`config:${normalized}`)}`,
      repoTags: normalized.includes('@') ? [] : [normalized],
      repoDigests: [`${repositoryOf(normalized)}@sha256:${digest}`],
      // A stable, plausible size (1–64 MiB) so node status and events have one to show.
      size: 1_048_576 + (parseInt(digest.slice(0, 8), 16) % 63) * 1_048_576,
      pinned: false,
    };
    this.images.set(normalized, img);
    return img;
  }

  private findImageById(ref: string): Image | undefined {
    for (const img of this.images.values()) if (img.id === ref || img.repoDigests.includes(ref)) return img;
    return undefined;
  }

  private annotatedPullFailure(asWritten: string, normalized: string, sandboxConfig?: PodSandboxConfig): string | undefined {
    const value = sandboxConfig?.annotations?.[SimAnnotations.pullError];
    if (value === undefined) return undefined;
    const listed = value.split(',').map((s) => s.trim()).filter(Boolean);
    const hit = listed.some((l) => l === '*' || l === asWritten || normalizeImage(l) === normalized);
    return hit ? `failed to resolve reference "${normalized}": ${normalized}: not found` : undefined;
  }

  /** What this container will do, from the pod's annotations, its kind and the test controls. */
  private plan(c: SimContainer, config: ContainerConfig, sandboxConfig: PodSandboxConfig): void {
    const name = config.metadata.name;
    const kind = config.labels?.[ContainerTypeLabel] ?? 'regular';
    const annotations = sandboxConfig.annotations ?? {};
    const get = (key: string): string | undefined => annotations[`${key}.${name}`] ?? (kind === 'regular' ? annotations[key] : undefined);
    const code = get(SimAnnotations.exitCode);
    const after = get(SimAnnotations.exitAfter);
    const exitCode = code === undefined || !/^-?\d+$/.test(code.trim()) ? undefined : Number(code);
    const exitAfterMs = after === undefined ? undefined : parseDuration(after);
    if (exitCode !== undefined || exitAfterMs !== undefined) {
      c.exitCode = exitCode ?? 0;
      c.exitAfterMs = exitAfterMs ?? 0;
    } else if (kind === 'init') {
      c.exitCode = 0;
      c.exitAfterMs = this.initContainerRunMs;
    }
    c.startError = get(SimAnnotations.startError);
    const failure = this.startFailures.find((f) => this.matchesContainer(c, f.match, name));
    if (failure) c.startError = failure.message;
  }

  private execScript(c: SimContainer, cmd: string[]): ExecScript {
    for (let i = this.execScripts.length - 1; i >= 0; i--) {
      const { match, answer } = this.execScripts[i];
      if (!this.matchesContainer(c, match)) continue;
      const script = typeof answer === 'function' ? answer(cmd, copyStatus(c.status)) : answer;
      if (script) return script;
    }
    const annotations = this.sandboxes.get(c.podSandboxId)?.config.annotations ?? {};
    const code = annotations[`${SimAnnotations.execExitCode}.${c.status.metadata.name}`] ?? annotations[SimAnnotations.execExitCode];
    return { exitCode: code !== undefined && /^-?\d+$/.test(code.trim()) ? Number(code) : 0 };
  }

  private matchesContainer(c: SimContainer, m: ContainerMatch, name = c.status.metadata.name): boolean {
    return (m.namespace === undefined || m.namespace === c.namespace)
      && (m.podName === undefined || m.podName === c.podName)
      && (m.containerName === undefined || m.containerName === name);
  }

  private mustGet(containerId: string): SimContainer {
    const c = this.containers.get(containerId);
    if (!c) throw new RuntimeError('NotFound', `an error occurred when try to find container "${containerId}": not found`);
    return c;
  }

  private exit(c: SimContainer, exitCode: number): void {
    if (c.status.state !== 'CONTAINER_RUNNING') return;
    clearTimeout(c.timer);
    c.timer = undefined;
    Object.assign(c.status, { state: 'CONTAINER_EXITED', exitCode, finishedAt: nowNs(), reason: exitCode === 0 ? 'Completed' : 'Error' });
    this.emit('CONTAINER_STOPPED_EVENT', c);
  }

  /** A graceful stop ends the simulated process cleanly; a kill (no grace) is SIGKILL's 137. */
  private stop(c: SimContainer, timeoutSeconds: number): void {
    if (c.status.state === 'CONTAINER_RUNNING') this.exit(c, timeoutSeconds > 0 ? 0 : 137);
    else if (c.status.state === 'CONTAINER_CREATED') {
      Object.assign(c.status, { state: 'CONTAINER_EXITED', finishedAt: nowNs(), reason: 'Error', exitCode: 255 });
      this.emit('CONTAINER_STOPPED_EVENT', c);
    }
  }

  private emit(type: ContainerEventType, c: SimContainer): void {
    if (this.listeners.size === 0) return;
    const sandbox = this.sandboxes.get(c.podSandboxId);
    const event: ContainerEventResponse = {
      containerId: c.status.id,
      containerEventType: type,
      createdAt: nowNs(),
      podSandboxStatus: sandbox && { ...sandbox.status },
      containersStatuses: [copyStatus(c.status)],
    };
    for (const l of this.listeners) l(event);
  }
}
