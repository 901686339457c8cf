// One in-process API server and one node agent on the simulated runtime, for tests of what
// the agent does with pods (probes, hooks): started in before(), stopped in after().

import { startSkiff, type Skiff } from '../../src/index.ts';
import { RestClient, type ClientConfig } from '../../src/client/rest.ts';
import { NodeAgent, SimRuntime } from '../../src/agent/index.ts';

export interface SimNode { skiff: Skiff; client: RestClient; sim: SimRuntime; agent: NodeAgent; stop(): Promise<void> }

export async function startSimNode(o: { nodeName: string; userAgent: string; podCIDR: string; nodeIP: string; setup?: (sim: SimRuntime) => void }): Promise<SimNode> {
  const skiff = await startSkiff();
  const config: ClientConfig = { server: skiff.url, ...skiff.credentials, userAgent: o.userAgent };
  const client = new RestClient(config);
  const sim = new SimRuntime();
  o.setup?.(sim);
  const agent = new NodeAgent({ config, nodeName: o.nodeName, podCIDR: o.podCIDR, nodeIP: o.nodeIP, runtime: sim, crashLoopBackoffBaseMs: 100, crashLoopBackoffMaxMs: 400 });
  await agent.start();
  return {
    skiff, client, sim, agent,
    stop: async () => {
      await agent.stop();
      sim.close();
      client.close();
      await skiff.close();
    },
  };
}
