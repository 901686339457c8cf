// What the runtime holds of one pod, found by the kubelet's labels (upstream
// kuberuntime_manager GetPodStatus): its sandboxes, newest first, and the newest attempt of
// each container. A restarted agent adopts a pod's running sandbox and containers from this
// instead of starting them again.

import {
  KubernetesContainerNameLabel, KubernetesPodUIDLabel,
  type ContainerRuntime, type ContainerStatus, type PodSandboxStatus,
} from './runtime/types.ts';

export interface RuntimePodStatus {
  /** Newest first; sandboxes[0] is the one to adopt when it is SANDBOX_READY. */
  sandboxes: PodSandboxStatus[];
  /** By container name: the newest attempt in the newest sandbox that has one. */
  containers: Map<string, ContainerStatus>;
}

/** The restart count the agent recorded on a container (annotation io.kubernetes.container.restartCount). */
export const restartCountOf = (c: ContainerStatus): number => Number(c.annotations?.['io.kubernetes.container.restartCount'] ?? c.metadata.attempt) || 0;

export async function getPodStatus(runtime: ContainerRuntime, uid: string): Promise<RuntimePodStatus> {
  const selector = { [KubernetesPodUIDLabel]: uid };
  const listed = await runtime.listPodSandbox({ labelSelector: selector });
  listed.sort((a, b) => b.createdAt - a.createdAt);
  const sandboxes: PodSandboxStatus[] = [];
  for (const s of listed) {
    try { sandboxes.push(await runtime.podSandboxStatus(s.id)); } catch { /* removed meanwhile */ }
  }
  const order = new Map(sandboxes.map((s, i) => [s.id, i]));
  const containers = new Map<string, ContainerStatus>();
  const newest = new Map<string, { rank: number; createdAt: number; id: string }>();
  for (const c of await runtime.listContainers({ labelSelector: selector })) {
    const name = c.labels?.[KubernetesContainerNameLabel] ?? c.metadata.name;
    const rank = order.get(c.podSandboxId) ?? Number.MAX_SAFE_INTEGER;
    const best = newest.get(name);
    if (!best || rank < best.rank || (rank === best.rank && c.createdAt > best.createdAt)) newest.set(name, { rank, createdAt: c.createdAt, id: c.id });
  }
  for (const [name, { id }] of newest) {
    try { containers.set(name, await runtime.containerStatus(id)); } catch { /* removed meanwhile */ }
  }
  return { sandboxes, containers };
}

/**
 * Stops and removes every container and sandbox of the given pods (all pods when uids is
 * undefined): containers are killed at once (timeout 0), since their pods are gone or the
 * whole node is being taken down.
 */
export async function removeRuntimePods(runtime: ContainerRuntime, uids?: Set<string>): Promise<string[]> {
  const sandboxes = (await runtime.listPodSandbox()).filter((s) => !uids || uids.has(s.labels?.[KubernetesPodUIDLabel] ?? s.metadata.uid));
  const ids = new Set(sandboxes.map((s) => s.id));
  const containers = (await runtime.listContainers()).filter((c) => ids.has(c.podSandboxId));
  await Promise.all(containers.map(async (c) => {
    if (c.state === 'CONTAINER_RUNNING' || c.state === 'CONTAINER_CREATED') await runtime.stopContainer(c.id, 0).catch(() => undefined);
    await runtime.removeContainer(c.id).catch(() => undefined);
  }));
  await Promise.all(sandboxes.map(async (s) => {
    await runtime.stopPodSandbox(s.id).catch(() => undefined);
    await runtime.removePodSandbox(s.id).catch(() => undefined);
  }));
  return [...new Set(sandboxes.map((s) => s.labels?.[KubernetesPodUIDLabel] ?? s.metadata.uid))];
}
