// Brings up what a real node needs under one data dir, in the order each step needs the
// one before: the pod network (so containerd starts NetworkReady), the loopback registry
// with Skiff's locally built images published to it (so the pause image and common names
// resolve offline), containerd, and a CRI client for the agent.

import { join } from 'node:path';
import { CriRuntime } from '../agent/cri/runtime.ts';
import { podCgroupParent, removePodCgroup, removePodCgroupRoot } from '../agent/podcgroups.ts';
import { removeRuntimePods } from '../agent/runtimepod.ts';
import type { Logger } from '../log.ts';
import { startContainerd, type Containerd } from './containerd.ts';
import { setupPodNetwork, type PodNetwork } from './network.ts';

/** The registry and image publishing side (src/host/registry.ts). */
interface Registry { address: string; pid: number; stop(): Promise<void> }
interface RegistryModule {
  startRegistry(o: { dataDir: string; port: number; log?: Logger }): Promise<Registry>;
  publishLocalImages(o: { dataDir: string; registry: string; log?: Logger }): Promise<{ sandboxImage: string; images: string[] }>;
}

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
  containerd: Containerd;
  registry: Registry;
  /** The node's pod CIDR (the network instance's subnet). */
  podCIDR: string;
  /** The kubelet root dir: DIR/kubelet. */
  rootDir: string;
  /** `skiff up` shutdown: pods keep running (as the kubelet leaves them); containerd and the registry stop. */
  stop(): Promise<void>;
  /** Leaves nothing: every pod's sandbox and containers removed, containerd and registry stopped, network and pod cgroups gone. */
  destroy(): Promise<void>;
}

async function loadRegistryModule(): Promise<RegistryModule> {
  // Imported by name at run time: the registry module is built alongside this one.
  const path = './registry.ts';
  return (await import(path)) as RegistryModule;
}

export async function startNodeRuntime(options: NodeRuntimeOptions): Promise<NodeRuntime> {
  const { dataDir, log } = options;
  const undo: (() => Promise<void>)[] = [];
  const unwind = async () => { for (const u of undo.reverse()) await u().catch(() => undefined); };
  try {
    const network = await setupPodNetwork({ dataDir, instance: options.networkInstance, log: log?.child('network') });
    undo.push(() => network.teardown());
    const registries = await loadRegistryModule();
    const registry = await registries.startRegistry({ dataDir, port: options.registryPort ?? 0, log: log?.child('registry') });
    undo.push(() => registry.stop());
    const { sandboxImage } = await registries.publishLocalImages({ dataDir, registry: registry.address, log: log?.child('images') });
    const containerd = await startContainerd({
      dataDir, sandboxImage, registry: registry.address, upstreamFallback: options.upstreamFallback, log: log?.child('containerd'),
    });
    const runtime = new CriRuntime({ endpoint: containerd.socket, log: log?.child('cri') });
    let stopped: Promise<void> | undefined;
    let destroyed: Promise<void> | undefined;
    const stop = () => (stopped ??= (async () => {
      runtime.close();
      await containerd.stop();
      await registry.stop();
    })());
    return {
      runtime, network, containerd, registry, podCIDR: network.podCIDR, rootDir: join(dataDir, 'kubelet'),
      stop,
      destroy: () => (destroyed ??= (async () => {
        try {
          for (const uid of await removeRuntimePods(runtime)) removePodCgroup(podCgroupParent(uid));
        } catch (e) {
          log?.warn('removing the pods failed', { error: (e as Error).message });
        }
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
