// Assembles a Skiff control plane: PKI, LMDB store, watch cache, registries and the API
// server. `startSkiff()` is the programmatic entry (an in-process cluster for test suites);
// `skiff up` runs the same thing in the foreground.

import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resources, isStored, type ResourceInfo } from '../api/resources.ts';
import { ADMIN_CN, ADMIN_GROUP, ensurePki } from './server/pki.ts';
import { kubeconfigYaml, writeKubeconfig } from './server/kubeconfig.ts';
import { Authenticator, loadTokenFile, userOf } from './server/authn.ts';
import { TokenSigner } from './server/serviceaccount/token.ts';
import { ApiServer } from './server/apiserver.ts';
import { kubeletClientCredentials, streamingContext } from './server/streaming/index.ts';
import { rowTemplates } from './server/table.ts';
import { LmdbBackend } from './registry/store/lmdb.ts';
import { Cacher, type FieldsFn } from './watch/cacher.ts';
import { GenericRegistry, type ResourceHooks } from './registry/generic.ts';
import { strategyFor } from './registry/strategies/index.ts';
import { serviceHooks } from './registry/services.ts';
import { ensureSystemPriorityClasses, priorityAdmission } from './registry/priority.ts';
import { chainHooks, defaultTolerationSecondsAdmission } from './registry/tolerations.ts';
import { defaultStorageClassAdmission } from './registry/defaultstorageclass.ts';
import { advertiseAddress, ensureSystemNamespaces, reconcileKubernetesService } from './server/bootstrap.ts';
import type { KubeObject } from './registry/object.ts';
import { createLogger, type Level } from './log.ts';
import type { Scheduler } from './scheduler/index.ts';
import type { NodeAgent } from './agent/index.ts';
import type { ComponentsSpec, RunningComponents, SimNodesSpec } from './components/index.ts';
import type { ControllerManager } from './controllers/manager.ts';
import type { ClientConfig } from './client/rest.ts';

/** The module a component worker loads: the bundle itself when bundled, else the TS entry. */
function componentWorkerEntry(): URL {
  return /\.c?js$/.test(import.meta.url) ? new URL(import.meta.url) : new URL('./components/worker.ts', import.meta.url);
}

export interface SkiffOptions {
  /** Where the store, certificates and kubeconfig live; a fresh temp dir (removed on close) when omitted. */
  dataDir?: string;
  /** 0 picks a free port. Default 0 for startSkiff, 6443 for `skiff up`. */
  port?: number;
  host?: string;
  logLevel?: Level;
  /** Upstream --token-auth-file format: token,user,uid,"group1,group2" */
  tokenAuthFile?: string;
  /** How long the revision log is kept for watch resume (default 5 minutes). */
  retainWindowMs?: number;
  /**
   * tolerationSeconds of the not-ready and unreachable NoExecute tolerations that admission gives
   * pods without them (upstream --default-not-ready/unreachable-toleration-seconds; default 300).
   */
  defaultTolerationSeconds?: number;
  bookmarkIntervalMs?: number;
  /** Resolve only once the kubernetes Service and its endpoints are reconciled (default true). */
  waitForBootstrap?: boolean;
  /** Run the scheduler in this process, as an API client of its own (default false; `skiff up` runs it). */
  scheduler?: boolean;
  /**
   * Run the controller manager in this process (default false; `skiff up` runs it): true for all
   * controllers, or names (upstream's, e.g. ['replicaset', 'deployment']) and options.
   */
  controllers?: ComponentsSpec['controllers'];
  /** Register this host as a node, with its real capacity, run by the simulated runtime unless runtime is 'cri'. */
  hostNode?: boolean;
  /**
   * The host node's container runtime: 'sim' (default; no containers) or 'cri' (containerd over CRI,
   * with its own registry, images and pod network under the data dir; Linux, as root).
   */
  runtime?: 'sim' | 'cri';
  /** With runtime 'cri': close() leaves the pods running, as the kubelet does on exit (`skiff up`); default: everything is removed. */
  keepPods?: boolean;
  /** With runtime 'cri': the pod network instance (0: skiff0 and 10.88.0.0/24; default a free one) and the registry's port (default any free one). */
  podNetworkInstance?: number;
  registryPort?: number;
  /** The host agent's HTTPS endpoint port (default 0: a free one). */
  agentPort?: number;
  /** Run simulated nodes in this process (like kwok): N node agents, each its own client, lease and watch. */
  simNodes?: SimNodesSpec;
  /** Resolve only once the scheduler and nodes are running (default true); else see `components`. */
  waitForComponents?: boolean;
  /** Run the scheduler and the node agents each in a worker thread (for scale); default: on this thread. */
  componentWorkers?: boolean;
}

export interface Skiff {
  url: string;
  port: number;
  dataDir: string;
  /** The admin kubeconfig, as YAML, also written to kubeconfigPath. */
  kubeconfig: string;
  kubeconfigPath: string;
  credentials: { caPem: string; certPem: string; keyPem: string };
  /**
   * How the components in this process reach the server (a RestClient takes it): on Linux the
   * loopback socket and its token, elsewhere the URL and the admin certificate.
   */
  componentConfig: ClientConfig;
  /** Reconcile the kubernetes Service and endpoints (already done unless waitForBootstrap was false). */
  bootstrap(): Promise<void>;
  /** Settles once the scheduler and node agents asked for are running. */
  components: Promise<void>;
  /** The in-thread scheduler and node agents (not set when they run in workers). */
  scheduler?: Scheduler;
  /** The in-thread controller manager (not set when it runs in a worker). */
  controllerManager?: ControllerManager;
  nodes: NodeAgent[];
  /** Names of the nodes whose agents this Skiff runs. */
  nodeNames: string[];
  close(): Promise<void>;
}


/** SKIFF_TRACE=1 prints how long each startup phase took (since process start). */
const trace = process.env.SKIFF_TRACE ? (phase: string) => process.stderr.write(`startup ${performance.now().toFixed(1)} ms: ${phase}\n`) : () => undefined;

export async function startSkiff(options: SkiffOptions = {}): Promise<Skiff> {
  trace('startSkiff');
  const logger = createLogger(options.logLevel ?? 'warn');
  const temporary = options.dataDir === undefined;
  const dataDir = options.dataDir ?? await mkdtemp(join(tmpdir(), 'skiff-'));
  await mkdir(dataDir, { recursive: true });
  const host = options.host ?? '127.0.0.1';
  const pki = await ensurePki(dataDir, { ips: host === '0.0.0.0' ? [] : [host] });

  trace('pki');
  const backend = new LmdbBackend({ path: join(dataDir, 'db'), retainWindowMs: options.retainWindowMs });
  const strategyByStorage = new Map<string, ResourceInfo>();
  for (const r of resources) if (isStored(r) && !strategyByStorage.has(r.plural)) strategyByStorage.set(r.plural, r);
  const fieldsFor = (plural: string): FieldsFn => {
    const info = strategyByStorage.get(plural);
    const selectable = info ? strategyFor(info.group, info.plural).selectableFields : undefined;
    return (obj: KubeObject) => {
      const base: Record<string, string> = { 'metadata.name': obj.metadata?.name ?? '', 'metadata.namespace': obj.metadata?.namespace ?? '' };
      return selectable ? Object.assign(base, selectable(obj)) : base;
    };
  };
  trace('store open');
  // Each object's Table row is kept with it, made while a write has it decoded.
  const deriveFor = (plural: string) => {
    const info = strategyByStorage.get(plural);
    return info ? rowTemplates(info.group, info.plural) : undefined;
  };
  const cacher = new Cacher(backend, { fieldsFor, deriveFor });
  await cacher.start();

  trace('watch cache loaded');
  const registries = new Map<ResourceInfo, GenericRegistry>();
  const services = serviceHooks();
  const byName = (group: string, plural: string) => [...registries.values()].find((g) => g.info.group === group && g.info.plural === plural)!;
  const priority = priorityAdmission(() => byName('scheduling.k8s.io', 'priorityclasses'));
  const tolerations = defaultTolerationSecondsAdmission({ notReadySeconds: options.defaultTolerationSeconds, unreachableSeconds: options.defaultTolerationSeconds });
  const defaultStorageClass = defaultStorageClassAdmission(() => byName('storage.k8s.io', 'storageclasses'));
  const admission: Record<string, ResourceHooks> = { services: services.hooks, pods: chainHooks(priority, tolerations), persistentvolumeclaims: defaultStorageClass };
  for (const r of resources) {
    if (!isStored(r)) continue;
    const hooks = r.group === '' ? admission[r.plural] : undefined;
    registries.set(r, new GenericRegistry(r, strategyFor(r.group, r.plural), backend, cacher, hooks));
  }
  const servicesRegistry = [...registries.values()].find((g) => g.info.group === '' && g.info.plural === 'services')!;
  services.rebuild(servicesRegistry.list(undefined, { label: { requirements: [], empty: true }, field: { requirements: [], empty: true } }).items.map((e) => e.object));

  const bootstrap = { namespaces: byName('', 'namespaces'), services: servicesRegistry, endpoints: byName('', 'endpoints'), endpointSlices: byName('discovery.k8s.io', 'endpointslices') };
  await ensureSystemNamespaces(bootstrap);

  trace('registries and system namespaces');
  const authenticator = new Authenticator({ tokens: options.tokenAuthFile ? loadTokenFile(options.tokenAuthFile) : undefined });
  const signer = new TokenSigner(join(dataDir, 'pki'));
  // Service account tokens are valid while their service account (same uid) exists.
  authenticator.addTokenAuthenticator((token) => {
    const t = signer.verify(token);
    if (!t) return undefined;
    const sa = cacher.get('serviceaccounts', `/registry/serviceaccounts/${t.namespace}/${t.name}`);
    if (!sa || sa.object.metadata.uid !== t.uid) return undefined;
    return userOf(`system:serviceaccount:${t.namespace}:${t.name}`, ['system:serviceaccounts', `system:serviceaccounts:${t.namespace}`], t.uid);
  });

  // The components beside the server reach it on a local socket, as upstream's loopback
  // client does (a token for a privileged user, minted at each start and never written down).
  // An abstract socket (Linux): nothing on disk to clean up after a kill, nothing to collide with.
  const loopback = process.platform === 'linux'
    ? { socketPath: `\0skiff-apiserver-${randomBytes(12).toString('hex')}`, token: randomBytes(32).toString('base64url'), user: userOf(ADMIN_CN, [ADMIN_GROUP]) }
    : undefined;
  let ready = false;
  const server = new ApiServer({
    loopback,
    tls: { key: pki.serverKeyPem, cert: pki.serverCertPem, ca: pki.caCertPem },
    authenticator,
    rest: {
      registries, bookmarkIntervalMs: options.bookmarkIntervalMs ?? 60_000, currentRevision: () => cacher.currentRevision(),
      authenticateToken: (t) => authenticator.authenticateToken(t),
      issueToken: (c) => signer.issue(c),
      streaming: streamingContext(registries.values(), kubeletClientCredentials(pki, dataDir), logger),
    },
    logger,
    ready: () => ready,
  });
  trace('api server constructed');
  const port = await server.listen(options.port ?? 0, host);
  // The kubernetes Service and its endpoints are not needed to answer requests (and their first
  // write builds the schema model, ~100 ms): `skiff up` reports ready first, then reconciles.
  let reconciled: Promise<void> | undefined;
  const reconcile = () => (reconciled ??= reconcileKubernetesService(bootstrap, port, advertiseAddress(host))
    .then(() => ensureSystemPriorityClasses(byName('scheduling.k8s.io', 'priorityclasses')))
    .catch((e: unknown) => logger.error('reconciling the kubernetes Service failed', { error: e instanceof Error ? e.message : String(e) })));
  if (options.waitForBootstrap !== false) await reconcile();

  trace('listening');
  const urlHost = host === '0.0.0.0' ? '127.0.0.1' : host;
  const url = `https://${urlHost}:${port}`;
  const kubeconfig = kubeconfigYaml({ server: url, caPem: pki.caCertPem, certPem: pki.adminCertPem, keyPem: pki.adminKeyPem });
  const kubeconfigPath = join(dataDir, 'kubeconfig');
  await writeKubeconfig(kubeconfigPath, kubeconfig);
  trace('kubeconfig written');
  ready = true;

  const clientConfig: ClientConfig = loopback
    ? { server: url, caPem: pki.caCertPem, socketPath: loopback.socketPath, token: loopback.token }
    : { server: url, caPem: pki.caCertPem, certPem: pki.adminCertPem, keyPem: pki.adminKeyPem };
  const running: { components?: RunningComponents } = {};
  const nodeNames: string[] = [];
  const components = (async () => {
    if (!options.controllers && !options.scheduler && !options.hostNode && !options.simNodes?.count) return;
    // Loaded only when asked for: the API server alone starts without them.
    const c = await import('./components/index.ts');
    const spec = {
      controllers: options.controllers, scheduler: options.scheduler, hostNode: options.hostNode, simNodes: options.simNodes, dataDir, logLevel: options.logLevel,
      runtime: options.runtime, keepPods: options.keepPods, podNetworkInstance: options.podNetworkInstance, registryPort: options.registryPort,
      agentPort: options.agentPort,
    };
    running.components = options.componentWorkers
      ? await c.startComponentsInWorkers(clientConfig, spec, componentWorkerEntry())
      : await c.startComponents(clientConfig, spec);
    nodeNames.push(...running.components.nodeNames);
  })();
  if (options.waitForComponents !== false) await components;
  else components.catch((e: unknown) => logger.error('starting the scheduler or nodes failed', { error: e instanceof Error ? e.message : String(e) }));

  let closed = false;
  return {
    components,
    get scheduler() { return running.components?.local.scheduler; },
    get controllerManager() { return running.components?.local.controllerManager; },
    get nodes() { return running.components?.local.agents ?? []; },
    nodeNames,
    url,
    port,
    dataDir,
    kubeconfig,
    kubeconfigPath,
    credentials: { caPem: pki.caCertPem, certPem: pki.adminCertPem, keyPem: pki.adminKeyPem },
    componentConfig: clientConfig,
    bootstrap: reconcile,
    async close() {
      if (closed) return;
      closed = true;
      await components.catch(() => undefined);
      await running.components?.stop();
      await reconciled;
      ready = false;
      cacher.stop();
      await server.close();
      await backend.close();
      if (temporary) await rm(dataDir, { recursive: true, force: true });
    },
  };
}
