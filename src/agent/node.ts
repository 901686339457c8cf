// The Node object the agent registers and keeps up to date (upstream kubelet_node_status.go
// and nodestatus/setters.go): default labels, addresses, capacity and allocatable, node
// info, daemon endpoints, images, and the Ready / pressure conditions with their reasons.

import { readFileSync, statfsSync } from 'node:fs';
import { cpus, release, totalmem } from 'node:os';
import { createHash, randomUUID } from 'node:crypto';
import type { INodeStatus, INodeSystemInfo, ITaint } from 'kubernetes-models/v1';
import type { Image, RuntimeCondition } from './runtime/types.ts';
import type { Node, NodeCondition, ResourceList } from './types.ts';

export const KUBELET_VERSION = 'v1.32.0';
export const KUBELET_PORT = 10250;
/** The most images a node status lists (nodeStatusMaxImages) and names per image. */
const MAX_IMAGES = 50;
const MAX_NAMES_PER_IMAGE = 5;

export const LabelHostname = 'kubernetes.io/hostname';
export const LabelOS = 'kubernetes.io/os';
export const LabelArch = 'kubernetes.io/arch';
export const LabelZone = 'topology.kubernetes.io/zone';
export const LabelRegion = 'topology.kubernetes.io/region';
/** Marks nodes whose pods the simulated runtime runs: nothing may dial their addresses. */
export const SimulatedNodeAnnotation = 'sim.skiff.dev/node';

/** Everything the agent publishes about its node apart from the conditions. */
export interface NodeConfig {
  nodeName: string;
  /** The agent endpoint's port (status.daemonEndpoints); default KUBELET_PORT. */
  kubeletPort?: number;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  podCIDR?: string;
  taints?: ITaint[];
  unschedulable?: boolean;
  nodeIP: string;
  capacity: ResourceList;
  allocatable: ResourceList;
  nodeInfo: INodeSystemInfo;
}

/** Go's GOARCH for this process. */
export function goArch(): string {
  switch (process.arch) {
    case 'x64': return 'amd64';
    case 'ia32': return '386';
    case 'ppc64': return 'ppc64le';
    default: return process.arch;
  }
}

/** The labels the kubelet puts on its node (updateDefaultLabels), then the extra ones. */
export function nodeLabels(nodeName: string, opts: { zone?: string; region?: string; labels?: Record<string, string> }): Record<string, string> {
  const labels: Record<string, string> = {
    'beta.kubernetes.io/arch': goArch(),
    'beta.kubernetes.io/os': 'linux',
    [LabelArch]: goArch(),
    [LabelHostname]: nodeName,
    [LabelOS]: 'linux',
  };
  if (opts.zone) labels[LabelZone] = opts.zone;
  if (opts.region) labels[LabelRegion] = opts.region;
  return { ...labels, ...opts.labels };
}

const readText = (path: string): string | undefined => {
  try { return readFileSync(path, 'utf8').trim(); } catch { return undefined; }
};

interface HostFacts { kernelVersion: string; osImage: string; machineID: string; systemUUID: string; bootID: string }
let host: HostFacts | undefined;

/** What this machine says about itself, read once per process. */
export function hostFacts(): HostFacts {
  if (host) return host;
  const osRelease = readText('/etc/os-release') ?? '';
  const pretty = /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(osRelease)?.[1];
  const machineID = readText('/etc/machine-id') ?? '';
  host = {
    kernelVersion: release(),
    osImage: pretty ?? 'Linux',
    machineID,
    systemUUID: readText('/sys/class/dmi/id/product_uuid') ?? machineID,
    bootID: readText('/proc/sys/kernel/random/boot_id') ?? randomUUID(),
  };
  return host;
}

/** A UUID-shaped, stable digest of a name. */
function uuidOf(seed: string): string {
  const h = createHash('sha256').update(seed).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/**
 * Machine identity of a simulated node: stable per node name, except the boot ID, which is new
 * for every agent (a simulated node's runtime state does not survive the agent, as after a reboot).
 */
export function simulatedIdentity(nodeName: string): { machineID: string; systemUUID: string; bootID: string } {
  return {
    machineID: createHash('sha256').update(`machine:${nodeName}`).digest('hex').slice(0, 32),
    systemUUID: uuidOf(`system:${nodeName}`),
    bootID: randomUUID(),
  };
}

/** Size of the filesystem holding dir, in KiB. */
function filesystemKi(dir: string): number {
  try {
    const fs = statfsSync(dir);
    return Math.floor((fs.blocks * fs.bsize) / 1024);
  } catch {
    return 0;
  }
}

const capacities = new Map<string, ResourceList>();

/**
 * This host's capacity as the kubelet reports it (memory and storage in Ki; pods 110), read once
 * per process and data directory: a thousand simulated nodes all report the same machine.
 */
export function hostCapacity(dataDir: string): ResourceList {
  let capacity = capacities.get(dataDir);
  if (!capacity) {
    capacity = {
      cpu: String(cpus().length),
      'ephemeral-storage': `${filesystemKi(dataDir)}Ki`,
      'hugepages-1Gi': '0',
      'hugepages-2Mi': '0',
      memory: `${Math.floor(totalmem() / 1024)}Ki`,
      pods: '110',
    };
    capacities.set(dataDir, capacity);
  }
  return { ...capacity };
}

const condition = (type: string, status: string, reason: string, message: string): NodeCondition =>
  ({ type, status, reason, message, lastHeartbeatTime: '', lastTransitionTime: '' });

/**
 * The four conditions the kubelet owns, Ready last (upstream keeps it last for old readers).
 * A condition whose status did not change keeps its lastTransitionTime.
 */
export function nodeConditions(previous: NodeCondition[] | undefined, now: string, capacity: ResourceList, runtimeErrors: string[] = []): NodeCondition[] {
  const missing = ['cpu', 'memory', 'pods', 'ephemeral-storage'].filter((r) => capacity[r] === undefined);
  const errors = [...runtimeErrors];
  if (missing.length) errors.push(`Missing node capacity for resources: ${missing.join(', ')}`);
  const desired = [
    condition('MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'),
    condition('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
    condition('PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
    errors.length === 0
      ? condition('Ready', 'True', 'KubeletReady', 'kubelet is posting ready status')
      : condition('Ready', 'False', 'KubeletNotReady', errors.join(', ')),
  ];
  const ours = new Set(desired.map((c) => c.type));
  const others = (previous ?? []).filter((c) => !ours.has(c.type));
  for (const c of desired) {
    const prev = previous?.find((p) => p.type === c.type);
    c.lastHeartbeatTime = now;
    c.lastTransitionTime = prev && prev.status === c.status && prev.lastTransitionTime ? prev.lastTransitionTime : now;
  }
  return [...others, ...desired];
}

/** Node status images: largest first, up to 50, each with its digests then tags (up to 5 names). */
export function nodeImages(images: Image[]): NonNullable<INodeStatus['images']> {
  return [...images]
    .sort((a, b) => b.size - a.size)
    .slice(0, MAX_IMAGES)
    .map((i) => ({ names: [...i.repoDigests, ...i.repoTags].slice(0, MAX_NAMES_PER_IMAGE), sizeBytes: i.size }));
}

/**
 * What keeps the node from being Ready on the runtime's side (the kubelet's runtime state
 * check): the CRI RuntimeReady and NetworkReady conditions, worded as upstream's.
 */
export function runtimeErrors(conditions: RuntimeCondition[] | undefined): string[] {
  if (!conditions) return [];
  const errors: string[] = [];
  const find = (type: string) => conditions.find((c) => c.type === type);
  const runtime = find('RuntimeReady');
  if (!runtime?.status) errors.push(`container runtime is down: RuntimeReady=false reason:${runtime?.reason ?? ''} message:${runtime?.message ?? ''}`);
  const network = find('NetworkReady');
  if (!network?.status) errors.push(`container runtime network not ready: NetworkReady=false reason:${network?.reason ?? ''} message:${network?.message ?? ''}`);
  return errors;
}

export function nodeStatus(cfg: NodeConfig, previous: NodeCondition[] | undefined, images: Image[], now: string, runtimeProblems: string[] = []): INodeStatus {
  return {
    addresses: [{ type: 'InternalIP', address: cfg.nodeIP }, { type: 'Hostname', address: cfg.nodeName }],
    allocatable: { ...cfg.allocatable },
    capacity: { ...cfg.capacity },
    conditions: nodeConditions(previous, now, cfg.capacity, runtimeProblems),
    daemonEndpoints: { kubeletEndpoint: { Port: cfg.kubeletPort ?? KUBELET_PORT } },
    images: nodeImages(images),
    nodeInfo: { ...cfg.nodeInfo },
  };
}

/** Whether two statuses differ in anything but heartbeat times (what forces an early report). */
export function nodeStatusChanged(a: INodeStatus | undefined, b: INodeStatus): boolean {
  if (!a) return true;
  const strip = (s: INodeStatus) => JSON.stringify({ ...s, conditions: (s.conditions ?? []).map((c) => ({ ...c, lastHeartbeatTime: undefined })) });
  return strip(a) !== strip(b);
}

/** The Node to create on registration (initialNode), status included. */
export function newNode(cfg: NodeConfig, status: INodeStatus): Node {
  const spec: NonNullable<Node['spec']> = {};
  if (cfg.podCIDR) {
    spec.podCIDR = cfg.podCIDR;
    spec.podCIDRs = [cfg.podCIDR];
  }
  if (cfg.taints?.length) spec.taints = cfg.taints;
  if (cfg.unschedulable) spec.unschedulable = true;
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: cfg.nodeName, labels: { ...cfg.labels }, annotations: { ...cfg.annotations } },
    spec,
    status,
  };
}
