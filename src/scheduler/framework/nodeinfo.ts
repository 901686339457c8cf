// NodeInfo and PodInfo construction, and a pod's effective resource request
// (upstream framework/types.go and component-helpers' resource.PodRequests).

import type { V1Container, V1PodAffinityTerm, V1WeightedPodAffinityTerm } from '@kubernetes/client-node';
import { fromMetaLabelSelector, type LabelSelector, type MetaLabelSelector } from '../../registry/selection.ts';
import { quantityValue } from '../../registry/validation/quantity.ts';
import type { AffinityTerm, Node, NodeInfo, Pod, PodInfo, Resource, WeightedAffinityTerm } from './types.ts';

/** Requests assumed for scoring when a container names none (DefaultMilliCPURequest / DefaultMemoryRequest). */
export const DEFAULT_MILLI_CPU_REQUEST = 100;
export const DEFAULT_MEMORY_REQUEST = 200 * 1024 * 1024;

/** A selector that matches no labels (metav1.LabelSelectorAsSelector(nil) for affinity terms). */
export const NOTHING: LabelSelector = { requirements: [{ op: 'in', key: '', values: [] }], empty: false };

export const emptyResource = (): Resource => ({ milliCPU: 0, memory: 0, ephemeralStorage: 0, allowedPodNumber: 0, scalar: new Map() });

/** Milli-units rounded up, as resource.Quantity.MilliValue. */
const milli = (q: unknown): number => Math.ceil(Math.round((quantityValue(q) ?? 0) * 1e6) / 1e3);
/** Whole units rounded up, as resource.Quantity.Value. */
const whole = (q: unknown): number => Math.ceil(quantityValue(q) ?? 0);

/** Adds a ResourceList (requests, allocatable, overhead) into r. */
export function addResourceList(r: Resource, list: Record<string, unknown> | undefined): Resource {
  if (!list) return r;
  for (const name in list) {
    const q = list[name];
    switch (name) {
      case 'cpu': r.milliCPU += milli(q); break;
      case 'memory': r.memory += whole(q); break;
      case 'ephemeral-storage': r.ephemeralStorage += whole(q); break;
      case 'pods': r.allowedPodNumber += whole(q); break;
      default: r.scalar.set(name, (r.scalar.get(name) ?? 0) + whole(q)); break;
    }
  }
  return r;
}

function addInto(r: Resource, o: Resource, sign = 1): void {
  r.milliCPU += sign * o.milliCPU;
  r.memory += sign * o.memory;
  r.ephemeralStorage += sign * o.ephemeralStorage;
  r.allowedPodNumber += sign * o.allowedPodNumber;
  for (const [k, v] of o.scalar) r.scalar.set(k, (r.scalar.get(k) ?? 0) + sign * v);
}

function maxInto(r: Resource, o: Resource): void {
  r.milliCPU = Math.max(r.milliCPU, o.milliCPU);
  r.memory = Math.max(r.memory, o.memory);
  r.ephemeralStorage = Math.max(r.ephemeralStorage, o.ephemeralStorage);
  r.allowedPodNumber = Math.max(r.allowedPodNumber, o.allowedPodNumber);
  for (const [k, v] of o.scalar) r.scalar.set(k, Math.max(r.scalar.get(k) ?? 0, v));
}

function containerRequest(c: V1Container, nonZero: boolean): Resource {
  const r = addResourceList(emptyResource(), c.resources?.requests as Record<string, unknown> | undefined);
  if (nonZero) {
    const req = c.resources?.requests as Record<string, unknown> | undefined;
    if (req?.cpu === undefined) r.milliCPU = DEFAULT_MILLI_CPU_REQUEST;
    if (req?.memory === undefined) r.memory = DEFAULT_MEMORY_REQUEST;
  }
  return r;
}

const isSidecar = (c: V1Container) => c.restartPolicy === 'Always';

/**
 * The pod's effective request: the app containers plus restartable (sidecar) init
 * containers run together, an ordinary init container runs alone with the sidecars
 * started before it, and the pod needs the larger of the two; plus pod overhead.
 * With nonZero, containers without a cpu/memory request count the scoring defaults.
 */
export function podRequests(pod: Pod, nonZero = false): Resource {
  const spec = pod.spec;
  const reqs = emptyResource();
  for (const c of spec?.containers ?? []) addInto(reqs, containerRequest(c, nonZero));
  const sidecars = emptyResource();
  const initMax = emptyResource();
  for (const c of spec?.initContainers ?? []) {
    const r = containerRequest(c, nonZero);
    if (isSidecar(c)) {
      addInto(sidecars, r);
      addInto(reqs, r);
      maxInto(initMax, sidecars);
    } else {
      addInto(r, sidecars);
      maxInto(initMax, r);
    }
  }
  maxInto(reqs, initMax);
  addResourceList(reqs, spec?.overhead as Record<string, unknown> | undefined);
  return reqs;
}

function affinityTerm(pod: Pod, t: V1PodAffinityTerm): AffinityTerm {
  const ns = pod.metadata?.namespace ?? 'default';
  const namespaces = new Set(t.namespaces ?? []);
  const namespaceSelector = t.namespaceSelector ? fromMetaLabelSelector(t.namespaceSelector as MetaLabelSelector) : undefined;
  if (namespaces.size === 0 && !namespaceSelector) namespaces.add(ns);
  return {
    namespaces,
    namespaceSelector,
    selector: t.labelSelector ? fromMetaLabelSelector(t.labelSelector as MetaLabelSelector) : NOTHING,
    topologyKey: t.topologyKey,
  };
}

const weighted = (pod: Pod, terms: V1WeightedPodAffinityTerm[] | undefined): WeightedAffinityTerm[] =>
  (terms ?? []).map((w) => ({ ...affinityTerm(pod, w.podAffinityTerm), weight: w.weight }));

export function newPodInfo(pod: Pod): PodInfo {
  const a = pod.spec?.affinity;
  return {
    pod,
    requiredAffinityTerms: (a?.podAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []).map((t) => affinityTerm(pod, t)),
    requiredAntiAffinityTerms: (a?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []).map((t) => affinityTerm(pod, t)),
    preferredAffinityTerms: weighted(pod, a?.podAffinity?.preferredDuringSchedulingIgnoredDuringExecution),
    preferredAntiAffinityTerms: weighted(pod, a?.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution),
  };
}

export function newNodeInfo(node: Node): NodeInfo {
  return {
    node,
    name: node.metadata?.name ?? '',
    labels: node.metadata?.labels,
    taints: node.spec?.taints,
    unschedulable: node.spec?.unschedulable === true,
    pods: [],
    podsWithAffinity: [],
    podsWithRequiredAntiAffinity: [],
    usedPorts: new Map(),
    requested: emptyResource(),
    nonZeroRequested: emptyResource(),
    allocatable: addResourceList(emptyResource(), node.status?.allocatable as Record<string, unknown> | undefined),
    generation: 0,
  };
}

/** Replaces the node object (labels, taints, allocatable changed), keeping its pods. */
export function setNode(ni: NodeInfo, node: Node): void {
  ni.node = node;
  ni.labels = node.metadata?.labels;
  ni.taints = node.spec?.taints;
  ni.unschedulable = node.spec?.unschedulable === true;
  ni.allocatable = addResourceList(emptyResource(), node.status?.allocatable as Record<string, unknown> | undefined);
  ni.generation++;
}

const hasAffinity = (pi: PodInfo) => pi.requiredAffinityTerms.length + pi.requiredAntiAffinityTerms.length + pi.preferredAffinityTerms.length + pi.preferredAntiAffinityTerms.length > 0;

function podPorts(pod: Pod): { ip: string; key: string }[] {
  const out: { ip: string; key: string }[] = [];
  for (const c of [...(pod.spec?.initContainers ?? []).filter(isSidecar), ...(pod.spec?.containers ?? [])]) {
    for (const p of c.ports ?? []) {
      if (!p.hostPort || p.hostPort <= 0) continue;
      out.push({ ip: p.hostIP || '0.0.0.0', key: `${p.protocol ?? 'TCP'}/${p.hostPort}` });
    }
  }
  return out;
}

export function addPod(ni: NodeInfo, pi: PodInfo): void {
  ni.pods.push(pi);
  if (hasAffinity(pi)) ni.podsWithAffinity.push(pi);
  if (pi.requiredAntiAffinityTerms.length > 0) ni.podsWithRequiredAntiAffinity.push(pi);
  addInto(ni.requested, podRequests(pi.pod));
  addInto(ni.nonZeroRequested, podRequests(pi.pod, true));
  for (const { ip, key } of podPorts(pi.pod)) {
    let set = ni.usedPorts.get(ip);
    if (!set) ni.usedPorts.set(ip, (set = new Set()));
    set.add(key);
  }
  ni.generation++;
}

/** Removes the pod with this uid; false when it was not on the node. */
export function removePod(ni: NodeInfo, uid: string): boolean {
  const i = ni.pods.findIndex((p) => p.pod.metadata?.uid === uid);
  if (i < 0) return false;
  const [pi] = ni.pods.splice(i, 1);
  const drop = (list: PodInfo[]) => { const j = list.indexOf(pi); if (j >= 0) list.splice(j, 1); };
  drop(ni.podsWithAffinity);
  drop(ni.podsWithRequiredAntiAffinity);
  addInto(ni.requested, podRequests(pi.pod), -1);
  addInto(ni.nonZeroRequested, podRequests(pi.pod, true), -1);
  for (const { ip, key } of podPorts(pi.pod)) ni.usedPorts.get(ip)?.delete(key);
  // Another pod may still use the same port: rebuild the set for exactness.
  if (podPorts(pi.pod).length > 0) {
    ni.usedPorts.clear();
    for (const other of ni.pods) for (const { ip, key } of podPorts(other.pod)) {
      let set = ni.usedPorts.get(ip);
      if (!set) ni.usedPorts.set(ip, (set = new Set()));
      set.add(key);
    }
  }
  ni.generation++;
  return true;
}

/** A copy whose pod lists and sums can be changed without touching the original (preemption dry runs). */
export function cloneNodeInfo(ni: NodeInfo): NodeInfo {
  const cloneRes = (r: Resource): Resource => ({ ...r, scalar: new Map(r.scalar) });
  return {
    ...ni,
    pods: [...ni.pods],
    podsWithAffinity: [...ni.podsWithAffinity],
    podsWithRequiredAntiAffinity: [...ni.podsWithRequiredAntiAffinity],
    usedPorts: new Map([...ni.usedPorts].map(([k, v]) => [k, new Set(v)])),
    requested: cloneRes(ni.requested),
    nonZeroRequested: cloneRes(ni.nonZeroRequested),
    allocatable: cloneRes(ni.allocatable),
  };
}

/** Simple snapshot over a node list (tests and preemption dry runs). */
export function snapshotOf(nodes: NodeInfo[]): import('./types.ts').Snapshot {
  const byName = new Map(nodes.map((n) => [n.name, n]));
  return {
    nodeInfos: nodes,
    get: (name) => byName.get(name),
    havePodsWithAffinity: nodes.filter((n) => n.podsWithAffinity.length > 0),
    havePodsWithRequiredAntiAffinity: nodes.filter((n) => n.podsWithRequiredAntiAffinity.length > 0),
  };
}
