// Pod admission on the node (upstream lifecycle/predicate.go): before it runs a pod, the
// kubelet checks again what the scheduler checked, against the pods it has already
// admitted: the OS, the pod count and resource requests against allocatable, and the
// pod's node selector and required node affinity. A pod that fails is rejected: phase
// Failed with the first reason (OutOfcpu, OutOfmemory, NodeAffinity, ...).

import type { INodeSelectorRequirement, INodeSelectorTerm } from 'kubernetes-models/v1';
import { addResourceList, emptyResource, podRequests } from '../scheduler/framework/nodeinfo.ts';
import type { Pod as SchedulerPod, Resource } from '../scheduler/framework/types.ts';
import type { Node, Pod } from './types.ts';

export type AdmitResult = { admit: true } | { admit: false; reason: string; message: string };

const ADMIT: AdmitResult = { admit: true };

/** fn's answer kept per object (a changed pod or node arrives as a new object). */
function perObject<K extends object, V>(fn: (k: K) => V): (k: K) => V {
  const cache = new WeakMap<K, V>();
  return (k) => {
    let v = cache.get(k);
    if (v === undefined) cache.set(k, (v = fn(k)));
    return v;
  };
}

/**
 * The effective request of a pod (the scheduler's accounting: init containers, sidecars,
 * overhead), kept per pod: each admission sums the requests of every pod admitted before.
 */
export const requestsOf: (pod: Pod) => Resource = perObject((pod) => podRequests(pod as unknown as SchedulerPod));

/** The node's allocatable, parsed once per node object. */
const allocatableOf: (node: Node) => Resource = perObject((node) => addResourceList(emptyResource(), node.status?.allocatable as Record<string, unknown> | undefined));

function insufficient(resourceName: string, requested: number, used: number, capacity: number): AdmitResult {
  const reason = `OutOf${resourceName}`;
  return { admit: false, reason, message: `Node didn't have enough resource: ${resourceName}, requested: ${requested}, used: ${used}, capacity: ${capacity}` };
}

/** noderesources.Fits: the pod count first, then cpu, memory, ephemeral storage and extended resources. */
function fitsResources(pod: Pod, allocatable: Resource, admitted: Pod[]): AdmitResult {
  if (admitted.length + 1 > allocatable.allowedPodNumber) return insufficient('pods', 1, admitted.length, allocatable.allowedPodNumber);
  const want = requestsOf(pod);
  const used = emptyResource();
  for (const p of admitted) {
    const r = requestsOf(p);
    used.milliCPU += r.milliCPU;
    used.memory += r.memory;
    used.ephemeralStorage += r.ephemeralStorage;
    for (const [k, v] of r.scalar) used.scalar.set(k, (used.scalar.get(k) ?? 0) + v);
  }
  if (want.milliCPU > 0 && want.milliCPU > allocatable.milliCPU - used.milliCPU) return insufficient('cpu', want.milliCPU, used.milliCPU, allocatable.milliCPU);
  if (want.memory > 0 && want.memory > allocatable.memory - used.memory) return insufficient('memory', want.memory, used.memory, allocatable.memory);
  if (want.ephemeralStorage > 0 && want.ephemeralStorage > allocatable.ephemeralStorage - used.ephemeralStorage) {
    return insufficient('ephemeral-storage', want.ephemeralStorage, used.ephemeralStorage, allocatable.ephemeralStorage);
  }
  for (const [name, quantity] of want.scalar) {
    // Extended resources the node does not know are cluster-level: not the node's to check.
    const cap = allocatable.scalar.get(name);
    if (cap === undefined || quantity <= 0) continue;
    const inUse = used.scalar.get(name) ?? 0;
    if (quantity > cap - inUse) return insufficient(name, quantity, inUse, cap);
  }
  return ADMIT;
}

function matchRequirement(r: INodeSelectorRequirement, value: string | undefined): boolean {
  switch (r.operator) {
    case 'In': return value !== undefined && (r.values ?? []).includes(value);
    case 'NotIn': return value === undefined || !(r.values ?? []).includes(value);
    case 'Exists': return value !== undefined;
    case 'DoesNotExist': return value === undefined;
    case 'Gt':
    case 'Lt': {
      const bound = Number((r.values ?? [])[0]);
      if (value === undefined || !/^-?\d+$/.test(value) || !Number.isInteger(bound)) return false;
      return r.operator === 'Gt' ? Number(value) > bound : Number(value) < bound;
    }
    default: return false;
  }
}

/** A term matches when all its requirements do; an empty term matches nothing. */
function matchTerm(term: INodeSelectorTerm, node: Node): boolean {
  const exprs = term.matchExpressions ?? [];
  const fields = term.matchFields ?? [];
  if (exprs.length === 0 && fields.length === 0) return false;
  const labels = node.metadata.labels ?? {};
  return exprs.every((r) => matchRequirement(r, labels[r.key]))
    && fields.every((r) => matchRequirement(r, r.key === 'metadata.name' ? node.metadata.name : undefined));
}

/** The pod's nodeSelector and requiredDuringSchedulingIgnoredDuringExecution node affinity. */
export function matchesNodeAffinity(pod: Pod, node: Node): boolean {
  const labels = node.metadata.labels ?? {};
  for (const [k, v] of Object.entries(pod.spec?.nodeSelector ?? {})) if (labels[k] !== v) return false;
  const terms = pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
  return terms === undefined || terms.some((t) => matchTerm(t, node));
}

/** Whether the node takes the pod, given the pods already admitted (which must exclude it). */
export function admitPod(pod: Pod, node: Node, admitted: Pod[]): AdmitResult {
  const podOS = pod.metadata.labels?.['kubernetes.io/os'];
  if (podOS !== undefined && podOS !== (node.metadata.labels?.['kubernetes.io/os'] ?? 'linux')) {
    return { admit: false, reason: 'PodOSSelectorNodeLabelDoesNotMatch', message: "Failed to admit pod as the `kubernetes.io/os` label doesn't match node label" };
  }
  if (pod.spec?.os?.name !== undefined && pod.spec.os.name !== 'linux') {
    return { admit: false, reason: 'PodOSNotSupported', message: "Failed to admit pod as the OS field doesn't match node OS" };
  }
  const allocatable = allocatableOf(node);
  const fit = fitsResources(pod, allocatable, admitted);
  if (!fit.admit) return fit;
  if (!matchesNodeAffinity(pod, node)) {
    return { admit: false, reason: 'NodeAffinity', message: "Predicate NodeAffinity failed: node(s) didn't match Pod's node affinity/selector" };
  }
  return ADMIT;
}
