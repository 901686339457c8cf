// The `skiff` command.

import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startSkiff } from '../skiff.ts';
import { KUBELET_PORT } from '../agent/node.ts';
import { isComponentWorker, runComponentWorker } from '../components/index.ts';
import type { Level } from '../log.ts';
import { writeSchemaCache } from '../../api/openapi/schemas.ts';

const USAGE = `Usage: skiff <command> [flags]

Commands:
  up      Start the all-in-one cluster in the foreground
          --data-dir DIR        store, certificates and kubeconfig (default ~/.skiff)
          --port N              API server port (default 6443; 0 picks a free one)
          --host ADDR           listen address (default 127.0.0.1)
          --token-auth-file F   bearer tokens: token,user,uid,"group1,group2"
          --log-level LEVEL     debug|info|warn|error (default info)
          --runtime cri|sim     the host node's container runtime: cri runs real pods in a private
                                containerd (default on Linux as root), sim simulates them (no containers)
          --registry-port N     the host node's loopback image registry (default 5000; cri only)
          --sim-nodes N         nodes to run (default 1: this host, with its real capacity;
                                N > 1: N simulated nodes sim-node-0 ... sim-node-<N-1>)
          --sim-zones A,B,...   topology.kubernetes.io/zone of simulated node i: zones[i % n]
          --sim-regions A,B,..  topology.kubernetes.io/region likewise
          --sim-capacity LIST   capacity of each simulated node, e.g. cpu=8,memory=32Gi,pods=110
                                (default: this host's)
          --no-sim-events       simulated nodes write no kubelet Events (as kwok; for scale runs)
          --no-scheduler        do not run the scheduler
          --controllers LIST    controllers to run, upstream's names (default *: all; *,-name
                                leaves one out); --no-controllers runs none
  agent   Run a node agent (the kubelet) for this host against a cluster
          --kubeconfig FILE     the cluster (default $KUBECONFIG, else ~/.skiff/kubeconfig)
          --data-dir DIR        containerd, registry, images, pod network and kubelet files (default ~/.skiff)
          --runtime cri|sim     as for up
          --node-name NAME      the Node's name (default this host's name)
          --registry-port N     as for up
          --log-level LEVEL     debug|info|warn|error (default info)
  down    Remove what the real runtime of up/agent leaves running on exit (as a kubelet leaves
          its pods): every pod's containers and sandbox, containerd, the registry, the pod
          network (bridge, routes, rules) and pod cgroups. The store is kept.
          --data-dir DIR        as for up (default ~/.skiff)
  image   Build and publish Skiff's local OCI images (skiff image --help)
  controller-manager  Run the controllers against a cluster (leader-elected, so copies can stand by)
          --kubeconfig FILE     the cluster to manage (default $KUBECONFIG, else ~/.skiff/kubeconfig)
          --controllers LIST    as for up
          --leader-elect=false  act without taking the kube-system/kube-controller-manager Lease
`;

async function up(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      'data-dir': { type: 'string' },
      port: { type: 'string' },
      host: { type: 'string' },
      'token-auth-file': { type: 'string' },
      'log-level': { type: 'string' },
      runtime: { type: 'string' },
      'registry-port': { type: 'string' },
      'sim-nodes': { type: 'string' },
      'sim-zones': { type: 'string' },
      'sim-regions': { type: 'string' },
      'sim-capacity': { type: 'string' },
      'no-scheduler': { type: 'boolean' },
      controllers: { type: 'string' },
      'no-controllers': { type: 'boolean' },
      'no-sim-events': { type: 'boolean' },
    },
    strict: true,
  });
  const runtime = runtimeFlag(values.runtime);
  const registryPort = portFlag('--registry-port', values['registry-port'], 5000);
  const simNodes = values['sim-nodes'] !== undefined ? Number(values['sim-nodes']) : 1;
  if (!Number.isInteger(simNodes) || simNodes < 0) throw new Error(`invalid --sim-nodes ${values['sim-nodes']}`);
  const list = (v: string | undefined) => (v ? v.split(',').map((x) => x.trim()).filter(Boolean) : undefined);
  let capacity: Record<string, string> | undefined;
  for (const kv of list(values['sim-capacity']) ?? []) {
    const [k, v] = kv.split('=');
    if (!k || !v) throw new Error(`invalid --sim-capacity entry ${kv} (want name=quantity)`);
    (capacity ??= {})[k] = v;
  }
  const dataDir = resolve(values['data-dir'] ?? join(homedir(), '.skiff'));
  const port = values.port !== undefined ? Number(values.port) : 6443;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`invalid --port ${values.port}`);
  const skiff = await startSkiff({
    dataDir,
    port,
    host: values.host,
    tokenAuthFile: values['token-auth-file'],
    logLevel: (values['log-level'] as Level | undefined) ?? 'info',
    waitForBootstrap: false,
    waitForComponents: false,
    scheduler: !values['no-scheduler'],
    controllers: values['no-controllers'] ? false : { names: values.controllers?.split(',').map((s) => s.trim()).filter(Boolean) },
    hostNode: simNodes === 1,
    // The real host node: pods outlive skiff up (as the kubelet leaves them), on skiff0 and 10.88.0.0/24.
    runtime, keepPods: true, podNetworkInstance: 0, registryPort, agentPort: KUBELET_PORT,
    // Many simulated nodes: the scheduler and the agents get threads of their own.
    componentWorkers: simNodes > 1,
    simNodes: simNodes > 1 ? { count: simNodes, zones: list(values['sim-zones']), regions: list(values['sim-regions']), capacity, recordEvents: !values['no-sim-events'] } : undefined,
  });
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`received ${signal}, shutting down\n`);
    await skiff.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
  process.stdout.write(`Skiff API server listening on ${skiff.url}\n`);
  process.stdout.write(`Kubeconfig written to ${skiff.kubeconfigPath}. To use it:\n`);
  process.stdout.write(`export KUBECONFIG=${skiff.kubeconfigPath}\n`);
  // startSkiff returns once the server listens and /readyz answers ok: no need to ask it over TLS.
  process.stdout.write(`Skiff is ready (kubectl get namespaces)\n`);
  await skiff.bootstrap();
  await skiff.components;
  codeCacheCheckpoint();
  if (skiff.nodeNames.length > 0) process.stdout.write(`${skiff.nodeNames.length} node(s) registered (kubectl get nodes)\n`);
}

/** The bundle loader's (scripts/bundle-loader.cjs) cue that a start is done: its code cache then holds what a start compiles. */
function codeCacheCheckpoint(): void {
  const checkpoint = (globalThis as Record<symbol, unknown>)[Symbol.for('skiff.codeCacheCheckpoint')];
  if (typeof checkpoint === 'function') checkpoint();
}

/** --runtime: cri by default where it can run (Linux, as root), else sim. */
function runtimeFlag(value: string | undefined): 'cri' | 'sim' {
  const runtime = value ?? (process.platform === 'linux' && process.getuid?.() === 0 ? 'cri' : 'sim');
  if (runtime !== 'cri' && runtime !== 'sim') throw new Error(`unknown --runtime ${runtime} (available: cri, sim)`);
  if (runtime === 'cri' && (process.platform !== 'linux' || process.getuid?.() !== 0)) throw new Error('--runtime cri needs Linux and root (containerd, CNI and cgroups)');
  return runtime;
}

function portFlag(flag: string, value: string | undefined, fallback: number): number {
  const port = value !== undefined ? Number(value) : fallback;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`invalid ${flag} ${value}`);
  return port;
}

/** `skiff agent`: this host as a node of a cluster, its pods in the data dir's containerd (or simulated). */
async function agent(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      kubeconfig: { type: 'string' },
      'data-dir': { type: 'string' },
      runtime: { type: 'string' },
      'node-name': { type: 'string' },
      'registry-port': { type: 'string' },
      'log-level': { type: 'string' },
    },
    strict: true,
  });
  const path = values.kubeconfig ?? process.env.KUBECONFIG ?? join(homedir(), '.skiff', 'kubeconfig');
  const dataDir = resolve(values['data-dir'] ?? join(homedir(), '.skiff'));
  const runtime = runtimeFlag(values.runtime);
  const level = (values['log-level'] as Level | undefined) ?? 'info';
  const { configFromKubeconfig } = await import('../client/rest.ts');
  const { NodeAgent } = await import('../agent/agent.ts');
  const { createLogger } = await import('../log.ts');
  const { hostname } = await import('node:os');
  let node: import('../host/noderuntime.ts').NodeRuntime | undefined;
  if (runtime === 'cri') {
    const { startNodeRuntime } = await import('../host/noderuntime.ts');
    node = await startNodeRuntime({ dataDir, networkInstance: 0, registryPort: portFlag('--registry-port', values['registry-port'], 5000), log: createLogger(level, 'node') });
  }
  const nodeAgent = new NodeAgent({
    config: configFromKubeconfig(path, 'kubelet/skiff'), nodeName: values['node-name'] ?? hostname().toLowerCase(), nodeIP: '127.0.0.1', dataDir,
    runtime: node?.runtime, podCIDR: node?.podCIDR, rootDir: node?.rootDir, sandboxImage: node?.sandboxImage, logger: createLogger(level, 'agent'), serverPort: KUBELET_PORT,
  });
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`received ${signal}, stopping the agent (pods keep running)\n`);
    await nodeAgent.stop();
    await node?.stop();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
  try {
    await nodeAgent.start();
  } catch (e) {
    await node?.stop();
    throw e;
  }
  process.stdout.write(`node ${nodeAgent.nodeName} registered against ${path} (runtime ${runtime}${node ? `, pod CIDR ${node.podCIDR}` : ''})\n`);
}

/**
 * `skiff down`: what k3s-killall.sh is to k3s. The node runtime is brought up on the data dir
 * (re-using a containerd or registry still running there) only to be destroyed.
 */
async function down(argv: string[]): Promise<void> {
  const { values } = parseArgs({ args: argv, options: { 'data-dir': { type: 'string' } }, strict: true });
  const dataDir = resolve(values['data-dir'] ?? join(homedir(), '.skiff'));
  const { startNodeRuntime } = await import('../host/noderuntime.ts');
  const { createLogger } = await import('../log.ts');
  const node = await startNodeRuntime({ dataDir, networkInstance: 0, registryPort: 0, log: createLogger('warn', 'node') });
  await node.destroy();
  process.stdout.write(`removed the pods, containerd, registry and pod network of ${dataDir}\n`);
}

/** `skiff image ...`: the image tooling (src/cli/image.ts). */
async function image(argv: string[]): Promise<void> {
  const { runImageCommand } = await import('./image.ts');
  process.exitCode = await runImageCommand(argv);
}

async function controllerManager(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      kubeconfig: { type: 'string' },
      controllers: { type: 'string' },
      'leader-elect': { type: 'string' },
      'log-level': { type: 'string' },
    },
  });
  const path = values.kubeconfig ?? process.env.KUBECONFIG ?? join(homedir(), '.skiff', 'kubeconfig');
  const { configFromKubeconfig } = await import('../client/rest.ts');
  const { startControllerManager } = await import('../controllers/manager.ts');
  const { createLogger } = await import('../log.ts');
  const manager = await startControllerManager(configFromKubeconfig(path, 'kube-controller-manager/skiff'), {
    controllers: values.controllers?.split(',').map((s) => s.trim()).filter(Boolean),
    leaderElect: values['leader-elect'] !== 'false',
    logger: createLogger((values['log-level'] as Level | undefined) ?? 'info', 'controller-manager'),
  });
  const stop = async () => { await manager.stop(); process.exit(0); };
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => void stop());
  process.stdout.write(`controller manager started against ${path}; waiting for the leader Lease\n`);
  await manager.leading;
  process.stdout.write(`controller manager leading: ${[...manager.controllers.keys()].join(', ')}\n`);
}

async function main(): Promise<void> {
  // A closed pipe on stdout (e.g. `| head`) must not crash the server.
  process.stdout.on('error', () => undefined);
  const [cmd, ...rest] = process.argv.slice(2);
  switch (cmd) {
    case 'up':
      return up(rest);
    case 'agent':
      return agent(rest);
    case 'down':
      return down(rest);
    case 'image':
      return image(rest);
    case 'controller-manager':
      return controllerManager(rest);
    case 'write-schema-cache':
      // Run by scripts/skiff.sh right after bundling: the API model beside the bundle.
      return writeSchemaCache(rest[0]);
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(USAGE);
      return;
    default:
      process.stderr.write(`unknown command "${cmd}"\n${USAGE}`);
      process.exit(2);
  }
}

// The bundle is also the entry of the component worker threads (scheduler, node agents).
const run = isComponentWorker() ? runComponentWorker : main;
run().catch((e: unknown) => {
  process.stderr.write(`skiff: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
