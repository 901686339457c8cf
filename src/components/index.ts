// The components that run beside the API server in `skiff up` — the scheduler and the node
// agents — each an ordinary API client. They run either on the caller's thread or, for
// scale (many simulated nodes), each kind in a worker thread of its own, so the API
// server, the scheduler and the agents use separate cores while staying one process.

import { hostname } from 'node:os';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import type { ClientConfig } from '../client/rest.ts';

export interface SimNodesSpec {
  count: number; zones?: string[]; regions?: string[]; capacity?: Record<string, string>; namePrefix?: string;
  /** The simulated kubelets' Events (Pulled, Created, Started, ...); default true. kwok writes none. */
  recordEvents?: boolean;
}

export interface ComponentsSpec {
  scheduler?: boolean;
  /** The controller manager (all controllers unless a list is given; see src/controllers). */
  controllers?: boolean | {
    names?: string[];
    options?: import('../controllers/framework/controller.ts').ControllerOptions;
    /** Extra controllers by name (in-thread only: functions do not cross to a worker). */
    factories?: Record<string, import('../controllers/registry.ts').ControllerFactory>;
  };
  /** This host as a node (real capacity), run by the simulated runtime or by containerd (runtime 'cri'). */
  hostNode?: boolean;
  /** The host node's container runtime (default sim). */
  runtime?: 'sim' | 'cri';
  /** With runtime 'cri': stopping leaves the pods running, as the kubelet does (`skiff up`); else every pod is removed and the network torn down. */
  keepPods?: boolean;
  /** With runtime 'cri': the pod network instance (0 for `skiff up`: skiff0, 10.88.0.0/24; unset: a free one) and the loopback registry's port (0: any). */
  podNetworkInstance?: number;
  registryPort?: number;
  /** The host agent's HTTPS endpoint port (logs, exec, port-forward); default 0, a free one (`skiff up`: 10250, the kubelet's). */
  agentPort?: number;
  simNodes?: SimNodesSpec;
  dataDir: string;
  /** The components' log level (default warn, as startSkiff's). */
  logLevel?: import('../log.ts').Level;
}

export interface RunningComponents {
  /** Names of the nodes whose agents run here. */
  nodeNames: string[];
  /** The in-thread scheduler and agents (empty when they run in workers). */
  local: {
    scheduler?: import('../scheduler/scheduler.ts').Scheduler;
    agents: import('../agent/agent.ts').NodeAgent[];
    controllerManager?: import('../controllers/manager.ts').ControllerManager;
  };
  stop(): Promise<void>;
}

type Kind = 'controllers' | 'scheduler' | 'nodes';

/** Starts one kind of component on this thread. */
async function startKind(kind: Kind, config: ClientConfig, spec: ComponentsSpec): Promise<RunningComponents> {
  if (kind === 'controllers') {
    const { startControllerManager } = await import('../controllers/manager.ts');
    const c = typeof spec.controllers === 'object' ? spec.controllers : {};
    const { createLogger } = await import('../log.ts');
    const manager = await startControllerManager(config, {
      controllers: c.names, factories: c.factories, options: { dataDir: spec.dataDir, ...c.options },
      logger: createLogger(spec.logLevel ?? 'warn', 'controller-manager'),
    });
    return { nodeNames: [], local: { agents: [], controllerManager: manager }, stop: () => manager.stop() };
  }
  if (kind === 'scheduler') {
    const scheduler = await (await import('../scheduler/index.ts')).startScheduler(config);
    return { nodeNames: [], local: { scheduler, agents: [] }, stop: () => scheduler.stop() };
  }
  const { NodeAgent, startSimNodes } = await import('../agent/index.ts');
  const agents: import('../agent/agent.ts').NodeAgent[] = [];
  const stops: (() => Promise<void>)[] = [];
  try {
    if (spec.hostNode) {
      let real: import('../host/noderuntime.ts').NodeRuntime | undefined;
      if (spec.runtime === 'cri') {
        const { startNodeRuntime } = await import('../host/noderuntime.ts');
        const { createLogger } = await import('../log.ts');
        real = await startNodeRuntime({
          dataDir: spec.dataDir, networkInstance: spec.podNetworkInstance, registryPort: spec.registryPort,
          log: createLogger(spec.logLevel ?? 'warn', 'node'),
        });
        const node = real;
        stops.push(() => (spec.keepPods ? node.stop() : node.destroy()));
      }
      const host = new NodeAgent({
        config: { ...config, userAgent: 'kubelet/skiff' }, nodeName: hostname().toLowerCase(),
        labels: { 'node-role.kubernetes.io/control-plane': '' }, nodeIP: '127.0.0.1', dataDir: spec.dataDir,
        runtime: real?.runtime, podCIDR: real?.podCIDR, rootDir: real?.rootDir, sandboxImage: real?.sandboxImage, logLevel: spec.logLevel, serverPort: spec.agentPort,
      });
      await host.start();
      agents.push(host);
      stops.push(() => host.stop());
    }
    if (spec.simNodes && spec.simNodes.count > 0) {
      const { count, zones, regions, capacity, namePrefix, recordEvents } = spec.simNodes;
      const sim = await startSimNodes({ config, count, zones, regions, capacity, namePrefix, recordEvents, dataDir: spec.dataDir });
      agents.push(...sim.agents);
      stops.push(() => sim.stop());
    }
  } catch (e) {
    for (const s of stops.reverse()) await s();
    throw e;
  }
  return { nodeNames: agents.map((a) => a.nodeName), local: { agents }, stop: async () => { for (const s of stops.reverse()) await s(); } };
}

function kindsOf(spec: ComponentsSpec): Kind[] {
  const kinds: Kind[] = [];
  if (spec.controllers) kinds.push('controllers');
  if (spec.scheduler) kinds.push('scheduler');
  if (spec.hostNode || (spec.simNodes && spec.simNodes.count > 0)) kinds.push('nodes');
  return kinds;
}

function merge(parts: RunningComponents[]): RunningComponents {
  return {
    nodeNames: parts.flatMap((p) => p.nodeNames),
    local: {
      scheduler: parts.find((p) => p.local.scheduler)?.local.scheduler,
      agents: parts.flatMap((p) => p.local.agents),
      controllerManager: parts.find((p) => p.local.controllerManager)?.local.controllerManager,
    },
    stop: async () => { for (const p of [...parts].reverse()) await p.stop(); },
  };
}

/** The scheduler and agents on this thread. */
export async function startComponents(config: ClientConfig, spec: ComponentsSpec): Promise<RunningComponents> {
  const parts: RunningComponents[] = [];
  try {
    for (const kind of kindsOf(spec)) parts.push(await startKind(kind, config, spec));
  } catch (e) {
    await merge(parts).stop();
    throw e;
  }
  return merge(parts);
}

interface WorkerInput { skiffComponent: Kind; config: ClientConfig; spec: ComponentsSpec }
type WorkerMessage = { type: 'started'; nodeNames: string[] } | { type: 'failed'; error: string } | { type: 'stopped' };

/**
 * Each kind of component in a worker thread of its own. `entry` is the module a worker
 * loads: the bundled CLI (which hands over to runComponentWorker) or ./worker.ts.
 */
export async function startComponentsInWorkers(config: ClientConfig, spec: ComponentsSpec, entry: URL): Promise<RunningComponents> {
  const parts = await Promise.allSettled(kindsOf(spec).map((kind) => new Promise<RunningComponents>((resolve, reject) => {
    // Functions (extra controller factories) cannot cross to a worker: only names and options do.
    const c = spec.controllers;
    const input: WorkerInput = { skiffComponent: kind, config, spec: { ...spec, controllers: typeof c === 'object' ? { names: c.names, options: c.options } : c } };
    const worker = new Worker(entry, { workerData: input });
    let started = false;
    let stopped: (() => void) | undefined;
    worker.on('message', (m: WorkerMessage) => {
      if (m.type === 'started') {
        started = true;
        resolve({
          nodeNames: m.nodeNames,
          local: { agents: [] },
          stop: () => new Promise<void>((done) => {
            stopped = done;
            worker.postMessage('stop');
            // A worker that does not stop in time is terminated.
            setTimeout(() => void worker.terminate(), 10_000).unref();
          }),
        });
      } else if (m.type === 'failed') reject(new Error(`${kind} worker: ${m.error}`));
      else if (m.type === 'stopped') void worker.terminate();
    });
    worker.on('error', (e) => { if (!started) reject(e); });
    worker.on('exit', () => { stopped?.(); if (!started) reject(new Error(`${kind} worker exited before starting`)); });
  })));
  const ok = parts.filter((p): p is PromiseFulfilledResult<RunningComponents> => p.status === 'fulfilled').map((p) => p.value);
  const failed = parts.find((p): p is PromiseRejectedResult => p.status === 'rejected');
  if (failed) {
    await merge(ok).stop();
    throw failed.reason;
  }
  return merge(ok);
}

/** True in a worker started by startComponentsInWorkers. */
export const isComponentWorker = (): boolean => !isMainThread && typeof (workerData as WorkerInput | undefined)?.skiffComponent === 'string';

/** The worker side: start the component, report, stop when told. */
export async function runComponentWorker(): Promise<void> {
  const { skiffComponent, config, spec } = workerData as WorkerInput;
  const port = parentPort!;
  let running: RunningComponents;
  try {
    running = await startKind(skiffComponent, config, spec);
  } catch (e) {
    port.postMessage({ type: 'failed', error: e instanceof Error ? e.message : String(e) } satisfies WorkerMessage);
    return;
  }
  port.on('message', (m) => {
    if (m !== 'stop') return;
    void running.stop().finally(() => port.postMessage({ type: 'stopped' } satisfies WorkerMessage));
  });
  port.postMessage({ type: 'started', nodeNames: running.nodeNames } satisfies WorkerMessage);
}
