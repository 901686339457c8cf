// From a container's requests and limits to the cgroup values CRI takes
// (kuberuntime_container_linux.go generateLinuxContainerResources, qos/policy.go), and the
// namespaces a pod shares with the host or among its containers (namespacesForPod).

import type { IContainer } from 'kubernetes-models/v1';
import { computePodQOS, type QOSClass } from '../../registry/validation/resources.ts';
import type { JsonObject } from '../../registry/validation/json.ts';
import { quantityValue } from '../../registry/validation/quantity.ts';
import { NamespaceMode, type LinuxContainerResources, type NamespaceOption } from '../runtime/types.ts';
import type { Pod } from '../types.ts';

export type { QOSClass };

const MIN_SHARES = 2;
const MAX_SHARES = 262144;
const SHARES_PER_CPU = 1024;
/** CFS period the kubelet uses for cpu limits (100 ms). */
export const QUOTA_PERIOD = 100000;
const MIN_QUOTA_PERIOD = 1000;

/** Priorities at or above this are system-critical (kubelet types.IsCriticalPodBasedOnPriority). */
const SYSTEM_CRITICAL_PRIORITY = 2 * 1000000000;
export const GUARANTEED_OOM_SCORE_ADJ = -997;
export const BEST_EFFORT_OOM_SCORE_ADJ = 1000;

/** The pod's QoS class (qos.GetPodQOS): what the API server recorded, else computed from the spec. */
export function podQOS(pod: Pod): QOSClass {
  const recorded = pod.status?.qosClass;
  if (recorded === 'Guaranteed' || recorded === 'Burstable' || recorded === 'BestEffort') return recorded;
  return computePodQOS(pod.spec as unknown as JsonObject | undefined);
}

export function milliCPUToShares(milliCPU: number): number {
  if (milliCPU === 0) return MIN_SHARES;
  const shares = Math.floor((milliCPU * SHARES_PER_CPU) / 1000);
  return Math.min(MAX_SHARES, Math.max(MIN_SHARES, shares));
}

export function milliCPUToQuota(milliCPU: number, period: number): number {
  if (milliCPU === 0) return 0;
  return Math.max(MIN_QUOTA_PERIOD, Math.floor((milliCPU * period) / 1000));
}

const milli = (q: unknown): number => Math.round((quantityValue(q ?? 0) ?? 0) * 1000);
const bytes = (q: unknown): number => Math.round(quantityValue(q ?? 0) ?? 0);

/** qos.GetContainerOOMScoreAdjust: Guaranteed and critical pods -997, BestEffort 1000, Burstable by memory request. */
export function containerOOMScoreAdjust(pod: Pod, container: IContainer, memoryCapacity: number): number {
  if ((pod.spec?.priority ?? 0) >= SYSTEM_CRITICAL_PRIORITY) return GUARANTEED_OOM_SCORE_ADJ;
  switch (podQOS(pod)) {
    case 'Guaranteed': return GUARANTEED_OOM_SCORE_ADJ;
    case 'BestEffort': return BEST_EFFORT_OOM_SCORE_ADJ;
  }
  if (memoryCapacity <= 0) return 1000 + GUARANTEED_OOM_SCORE_ADJ;
  const request = bytes(container.resources?.requests?.memory);
  const adjust = 1000 - Math.floor((1000 * request) / memoryCapacity);
  // Burstable containers stay above Guaranteed ones and below BestEffort ones.
  if (adjust < 1000 + GUARANTEED_OOM_SCORE_ADJ) return 1000 + GUARANTEED_OOM_SCORE_ADJ;
  if (adjust === BEST_EFFORT_OOM_SCORE_ADJ) return adjust - 1;
  return adjust;
}

/** CRI LinuxContainerResources for a container (cpu shares from requests, quota from limits, memory limit, OOM score). */
export function linuxContainerResources(pod: Pod, container: IContainer, memoryCapacity: number): LinuxContainerResources {
  const cpuRequest = milli(container.resources?.requests?.cpu);
  const cpuLimit = milli(container.resources?.limits?.cpu);
  const memoryLimit = bytes(container.resources?.limits?.memory);
  const r: LinuxContainerResources = {
    // With only a limit, the request defaults to it.
    cpuShares: milliCPUToShares(cpuRequest === 0 && cpuLimit !== 0 ? cpuLimit : cpuRequest),
    oomScoreAdj: containerOOMScoreAdjust(pod, container, memoryCapacity),
  };
  if (memoryLimit !== 0) r.memoryLimitInBytes = memoryLimit;
  if (cpuLimit !== 0) {
    r.cpuPeriod = QUOTA_PERIOD;
    r.cpuQuota = milliCPUToQuota(cpuLimit, QUOTA_PERIOD);
  }
  return r;
}

/** The same namespace options go on the sandbox and on every container (namespacesForPod). */
export function namespacesForPod(pod: Pod): NamespaceOption {
  const s = pod.spec;
  return {
    network: s?.hostNetwork ? NamespaceMode.NODE : NamespaceMode.POD,
    pid: s?.hostPID ? NamespaceMode.NODE : s?.shareProcessNamespace ? NamespaceMode.POD : NamespaceMode.CONTAINER,
    ipc: s?.hostIPC ? NamespaceMode.NODE : NamespaceMode.POD,
  };
}
