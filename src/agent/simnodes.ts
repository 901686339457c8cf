// Many simulated nodes in one process (kwok's use case: scale tests of the control plane).
// Each node is a full NodeAgent with its own API client (its own keep-alive pool), its own
// SimRuntime, an unrouted address and its own pod CIDR; their pods come from one shared watch.
// Agents start a bounded number at a time so registration does not stampede the server.

import { RestClient, type ClientConfig } from '../client/rest.ts';
import { createPodObjects } from './kuberuntime/objects.ts';
import { simNodeIP, simPodCIDR } from './addresses.ts';
import { NodeAgent, type NodeAgentOptions } from './agent.ts';
import { SharedPodSource } from './podsource.ts';
import { SimRuntime, type SimRuntimeOptions } from './runtime/sim.ts';

export interface SimNodesOptions extends Omit<NodeAgentOptions, 'client' | 'config' | 'nodeName' | 'zone' | 'region' | 'podCIDR' | 'nodeIP' | 'runtime'> {
  config: ClientConfig;
  count: number;
  /** Node i is named `${namePrefix}${i}` (default "sim-node-"). */
  namePrefix?: string;
  /** Index of the first node (default 0): several groups can share a cluster. */
  firstIndex?: number;
  /** Node i is in zones[i % zones.length] and regions[i % regions.length]. */
  zones?: string[];
  regions?: string[];
  /** Options of every node's SimRuntime (its pod CIDR is set per node). */
  sim?: Omit<SimRuntimeOptions, 'podCIDR'>;
  /** How many agents register at once (default 50). */
  concurrency?: number;
}

export interface SimNodes {
  agents: NodeAgent[];
  stop(): Promise<void>;
}

export async function startSimNodes(options: SimNodesOptions): Promise<SimNodes> {
  const { config, count, namePrefix = 'sim-node-', firstIndex = 0, zones, regions, sim, concurrency = 50, ...agentOptions } = options;
  const agents: NodeAgent[] = [];
  // One Service informer, one set of object watches and one watch of bound pods for all of
  // them, as kwok shares one client among its nodes: a thousand nodes each watching every
  // Service, or each its own pods, would cost the API server a thousand watches (each written
  // to alone), and each node's pool of two sockets one of them.
  const objectsClient = new RestClient({ ...config, userAgent: config.userAgent ?? `kubelet/sim (${namePrefix}*)` });
  const objects = createPodObjects(objectsClient);
  const podSource = new SharedPodSource(objectsClient);
  for (let n = 0; n < count; n++) {
    const i = firstIndex + n;
    agents.push(new NodeAgent({
      ...agentOptions,
      // A watch and a few requests at a time: as a kubelet's one HTTP/2 connection would carry.
      config: { ...config, maxSockets: config.maxSockets ?? 2, userAgent: config.userAgent ?? `kubelet/sim (${namePrefix}${i})` },
      nodeName: `${namePrefix}${i}`,
      zone: zones?.length ? zones[i % zones.length] : undefined,
      region: regions?.length ? regions[i % regions.length] : undefined,
      podCIDR: simPodCIDR(i),
      nodeIP: simNodeIP(i),
      runtime: new SimRuntime(sim),
      simulated: true,
      objects,
      podSource,
    }));
  }
  const stop = async () => {
    await Promise.all(agents.map((a) => a.stop()));
    for (const a of agents) (a.runtime as SimRuntime).close();
    await objects.stop();
    await podSource.stop();
    objectsClient.close();
  };
  let next = 0;
  const starter = async () => {
    while (next < agents.length) await agents[next++].start();
  };
  try {
    await Promise.all(Array.from({ length: Math.min(concurrency, agents.length) }, starter));
  } catch (e) {
    await stop();
    throw e;
  }
  return { agents, stop };
}
