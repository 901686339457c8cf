// Brings up what a real node needs under one data dir, in the order each step needs the
// one before: the pod network (so containerd starts NetworkReady), the loopback registry
// with Skiff's locally built images published to it (so the pause image and common names
// resolve offline), containerd, and a CRI client for the agent.

import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { CriRuntime } from '../agent/cri/runtime.ts';
import { podCgroupParent, removePodCgroup, removePodCgroupRoot } from '../agent/podcgroups.ts';
import { removeRuntimePods } from '../agent/runtimepod.ts';
import { publishLocalImages } from '../images/publish.ts';
import type { Logger } from '../log.ts';
import { alive, startContainerd, type Containerd, type ContainerdOptions } from './containerd.ts';
import { setupPodNetwork, type PodNetwork } from './network.ts';
import { startRegistry, type RegistryHandle } from './registry.ts';

export interface NodeRuntimeOptions {
  dataDir: string;
  /** The pod network instance: 0 for `skiff up` (skiff0, 10.88.0.0/24); unset claims a free one (test clusters). */
  networkInstance?: number;
  /** The loopback registry's port (0: any free one). */
  registryPort?: number;
  /** Let mirrored names (docker.io, registry.k8s.io) fall back to the real registries (default false). */
  upstreamFallback?: boolean;
  log?: Logger;
}

export interface NodeRuntime {
  runtime: CriRuntime;
  network: PodNetwork;
  /** The running containerd (a new one after it died and was started again). */
  containerd: Containerd;
  registry: RegistryHandle;
  /** The node's pod CIDR (the network instance's subnet). */
  podCIDR: string;
  /** The kubelet root dir: DIR/kubelet. */
  rootDir: string;
  /** The pause image every sandbox runs (image garbage collection keeps it). */
  sandboxImage: string;
  /** `skiff up` shutdown: pods keep running (as the kubelet leaves them); containerd and the registry stop. */
  stop(): Promise<void>;
  /** Leaves nothing: every pod's sandbox and containers removed, containerd and registry stopped, network and pod cgroups gone. */
  destroy(): Promise<void>;
}

/** The uids of the pods with files under the kubelet root dir (pods/<uid>, logs/<ns>_<pod>_<uid>). */
async function podUidsOnDisk(rootDir: string): Promise<string[]> {
  const pods = await readdir(join(rootDir, 'pods')).catch(() => [] as string[]);
  const logs = (await readdir(join(rootDir, 'logs')).catch(() => [] as string[])).map((n) => n.slice(n.lastIndexOf('_') + 1));
  return [...pods, ...logs];
}

export async function startNodeRuntime(options: NodeRuntimeOptions): Promise<NodeRuntime> {
  const { dataDir, log } = options;
  const undo: (() => Promise<void>)[] = [];
  const unwind = async () => { for (const u of undo.reverse()) await u().catch(() => undefined); };
  try {
    const network = await setupPodNetwork({ dataDir, instance: options.networkInstance, log: log?.child('network') });
    undo.push(() => network.teardown());
    const registryLog = log?.child('registry');
    const registry = await startRegistry({ dataDir, port: options.registryPort ?? 0, log: (m) => registryLog?.info(m) });
    undo.push(() => registry.stop());
    const imagesLog = log?.child('images');
    const { sandboxImage } = await publishLocalImages({ dataDir, registry: registry.address, log: (m) => imagesLog?.info(m) });
    const containerdOptions: ContainerdOptions = {
      dataDir, sandboxImage, registry: registry.address, upstreamFallback: options.upstreamFallback, log: log?.child('containerd'),
    };
    let containerd = await startContainerd(containerdOptions);
    const runtime = new CriRuntime({ endpoint: containerd.socket, log: log?.child('cri') });
    let stopped: Promise<void> | undefined;
    let destroyed: Promise<void> | undefined;
    // containerd is this node's to keep running (systemd's job on a kubelet host): started again
    // when it dies, and the pods' shims, which outlive it, are found again by the new one.
    let restarting: Promise<void> | undefined;
    const watchdog = setInterval(() => {
      if (stopped || restarting || alive(containerd.pid)) return;
      log?.warn('containerd exited: starting it again', { pid: containerd.pid });
      restarting = startContainerd(containerdOptions)
        .then((c) => { containerd = c; })
        .catch((e: unknown) => log?.error('starting containerd again failed', { error: (e as Error).message }))
        .finally(() => { restarting = undefined; });
    }, 1000);
    watchdog.unref();
    const stop = () => (stopped ??= (async () => {
      clearInterval(watchdog);
      await restarting;
      runtime.close();
      await containerd.stop();
      await registry.stop();
    })());
    return {
      runtime, network, registry, podCIDR: network.podCIDR, rootDir: join(dataDir, 'kubelet'), sandboxImage,
      get containerd() { return containerd; },
      stop,
      destroy: () => (destroyed ??= (async () => {
        const uids = new Set(await podUidsOnDisk(join(dataDir, 'kubelet')));
        try {
          for (const uid of await removeRuntimePods(runtime)) uids.add(uid);
        } catch (e) {
          log?.warn('removing the pods failed', { error: (e as Error).message });
        }
        // Every pod this node ran, finished ones included (their sandboxes went before): no cgroup stays.
        for (const uid of uids) removePodCgroup(podCgroupParent(uid));
        await stop();
        await network.teardown();
        removePodCgroupRoot();
      })()),
    };
  } catch (e) {
    await unwind();
    throw e;
  }
}
