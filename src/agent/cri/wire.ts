// CRI messages as they cross the wire (proto-loader with keepCase, longs and enums as
// strings) and their mapping to and from the agent's camelCase runtime types.

import type {
  Container, ContainerState, ContainerStatus, Image, ImageSpec, Mount, MountPropagation, NamespaceMode, PodSandbox, PodSandboxMetadata,
  PodSandboxState, PodSandboxStatus,
} from '../runtime/types.ts';

/** Fields whose values are protobuf maps: their keys are data, never renamed. */
const MAP_FIELDS = new Set(['labels', 'annotations', 'sysctls', 'labelSelector', 'info']);

const snake = (k: string): string => k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** A request in wire shape: camelCase keys to snake_case (maps kept as they are), undefined dropped. */
export function toWire(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(toWire);
  if (value === null || typeof value !== 'object' || Buffer.isBuffer(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (v === undefined) continue;
    out[snake(k)] = MAP_FIELDS.has(k) ? { ...(v as object) } : toWire(v);
  }
  return out;
}

// --- Responses ---------------------------------------------------------------------------

type Long = string;
type StringMap = Record<string, string>;

export interface WireImageSpec { image: string; annotations: StringMap; user_specified_image?: string }
export interface WireMount { container_path: string; host_path: string; readonly: boolean; propagation: MountPropagation }
export interface WireSandboxMetadata { name: string; uid: string; namespace: string; attempt: number }
export interface WireNamespaceOption { network: string; pid: string; ipc: string; target_id: string }

export interface WirePodSandbox {
  id: string; metadata: WireSandboxMetadata | null; state: PodSandboxState; created_at: Long;
  labels: StringMap; annotations: StringMap; runtime_handler: string;
}

export interface WirePodSandboxStatus extends WirePodSandbox {
  network: { ip: string; additional_ips: { ip: string }[] } | null;
  linux: { namespaces: { options: WireNamespaceOption | null } | null } | null;
}

export interface WireContainer {
  id: string; pod_sandbox_id: string; metadata: { name: string; attempt: number } | null; image: WireImageSpec | null; image_ref: string;
  state: ContainerState; created_at: Long; labels: StringMap; annotations: StringMap;
}

export interface WireContainerStatus {
  id: string; metadata: { name: string; attempt: number } | null; state: ContainerState; created_at: Long; started_at: Long; finished_at: Long;
  exit_code: number; image: WireImageSpec | null; image_ref: string; reason: string; message: string; labels: StringMap;
  annotations: StringMap; mounts: WireMount[]; log_path: string;
}

export interface WireImage { id: string; repo_tags: string[]; repo_digests: string[]; size: Long; uid?: { value: Long } | null; username?: string; spec: WireImageSpec | null; pinned: boolean }

/** int64 nanoseconds (a decimal string) as a number: exact to well under a microsecond today. */
const num = (v: Long | number | undefined): number => Number(v ?? 0);

const namespaceModes: Record<string, NamespaceMode> = { POD: 0, CONTAINER: 1, NODE: 2, TARGET: 3 };

const metadataOf = (m: WireSandboxMetadata | null): PodSandboxMetadata => ({ name: m?.name ?? '', uid: m?.uid ?? '', namespace: m?.namespace ?? '', attempt: m?.attempt ?? 0 });

const imageSpecOf = (i: WireImageSpec | null): ImageSpec => {
  const spec: ImageSpec = { image: i?.image ?? '' };
  if (i && Object.keys(i.annotations).length) spec.annotations = { ...i.annotations };
  if (i?.user_specified_image) spec.userSpecifiedImage = i.user_specified_image;
  return spec;
};

const mountOf = (m: WireMount): Mount => ({ containerPath: m.container_path, hostPath: m.host_path, readonly: m.readonly, propagation: m.propagation });

export function podSandboxOf(s: WirePodSandbox): PodSandbox {
  return {
    id: s.id, metadata: metadataOf(s.metadata), state: s.state, createdAt: num(s.created_at),
    labels: { ...s.labels }, annotations: { ...s.annotations }, runtimeHandler: s.runtime_handler,
  };
}

export function podSandboxStatusOf(s: WirePodSandboxStatus): PodSandboxStatus {
  const status: PodSandboxStatus = {
    ...podSandboxOf(s),
    network: { ip: s.network?.ip ?? '', additionalIps: (s.network?.additional_ips ?? []).map((p) => ({ ip: p.ip })) },
  };
  const options = s.linux?.namespaces?.options;
  if (options) status.linux = { namespaces: { options: { network: namespaceModes[options.network] ?? 0 } } };
  return status;
}

export function containerOf(c: WireContainer): Container {
  return {
    id: c.id, podSandboxId: c.pod_sandbox_id, metadata: { name: c.metadata?.name ?? '', attempt: c.metadata?.attempt ?? 0 },
    image: imageSpecOf(c.image), imageRef: c.image_ref, state: c.state, createdAt: num(c.created_at),
    labels: { ...c.labels }, annotations: { ...c.annotations },
  };
}

export function containerStatusOf(c: WireContainerStatus): ContainerStatus {
  return {
    id: c.id, metadata: { name: c.metadata?.name ?? '', attempt: c.metadata?.attempt ?? 0 }, state: c.state,
    createdAt: num(c.created_at), startedAt: num(c.started_at), finishedAt: num(c.finished_at), exitCode: c.exit_code,
    image: imageSpecOf(c.image), imageRef: c.image_ref, reason: c.reason, message: c.message,
    labels: { ...c.labels }, annotations: { ...c.annotations }, mounts: c.mounts.map(mountOf), logPath: c.log_path,
  };
}

export function imageOf(i: WireImage): Image {
  const image: Image = { id: i.id, repoTags: [...i.repo_tags], repoDigests: [...i.repo_digests], size: num(i.size), spec: i.spec ? imageSpecOf(i.spec) : undefined, pinned: i.pinned };
  if (i.uid) image.uid = num(i.uid.value);
  else if (i.username) image.username = i.username;
  return image;
}
