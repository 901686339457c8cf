// The API objects a pod's containers and volumes are made from (upstream's configmap, secret
// and service managers): ConfigMaps and Secrets are read fresh each time they are needed,
// and watched while pods on the node use them (as the kubelet's watch-based manager does;
// one watch per namespace and kind here) so that their volumes are rewritten as soon as
// they change. Services, which every container start needs for its environment, come from
// one informer over all of them (the kubelet's service lister), read once it has synced.

import type { IConfigMap, INode, IPersistentVolume, IPersistentVolumeClaim, ISecret, IService } from 'kubernetes-models/v1';
import { Informer, watchStream, type KObject, type WatchEvent } from '../../client/informer.ts';
import { isGone, isNotFound, resource, resourcePath, RestClient, withQuery } from '../../client/rest.ts';

const configMaps = resource('configmaps');
const secrets = resource('secrets');
const services = resource('services');
const serviceAccounts = resource('serviceaccounts');
const claims = resource('persistentvolumeclaims');
const volumes = resource('persistentvolumes');
const nodes = resource('nodes');

export type ConfigMap = IConfigMap;
export type Secret = ISecret;
export type Service = IService;
export type PersistentVolumeClaim = IPersistentVolumeClaim;
export type PersistentVolume = IPersistentVolume;
export type Node = INode;

/** How long the Node (for its allocatable) is reused. */
const NODE_CACHE_MS = 1000;
/** A broken object watch is started again after this. */
const WATCH_RETRY_MS = 1000;

export type WatchedKind = 'configmaps' | 'secrets';
type WatchedObject = { metadata?: { name?: string; resourceVersion?: string } };
interface NamespaceWatch { byName: Map<string, Set<() => void>>; signal: { aborted: boolean; onAbort?: () => void } }

export interface TokenRequestStatus { token: string; expirationTimestamp: string }

export interface PodObjects {
  /** The ConfigMap, or undefined when it does not exist. */
  configMap(namespace: string, name: string): Promise<ConfigMap | undefined>;
  secret(namespace: string, name: string): Promise<Secret | undefined>;
  services(namespace: string): Promise<Service[]>;
  persistentVolumeClaim(namespace: string, name: string): Promise<PersistentVolumeClaim | undefined>;
  persistentVolume(name: string): Promise<PersistentVolume | undefined>;
  /** The Node (for its allocatable), from the same short-lived cache as services. */
  node(name: string): Promise<Node | undefined>;
  /** Calls onChange whenever the object is created, changed or deleted, until the returned function is called. */
  watch(kind: WatchedKind, namespace: string, name: string, onChange: () => void): () => void;
  /** serviceaccounts/token for a projected serviceAccountToken volume, bound to the pod. */
  serviceAccountToken(namespace: string, name: string, request: { audiences: string[]; expirationSeconds: number; pod: { name: string; uid: string } }): Promise<TokenRequestStatus>;
  /** Ends the service informer and every object watch, and closes the watch client. */
  stop(): Promise<void>;
}

const getOrUndefined = async <T>(p: Promise<T>): Promise<T | undefined> => {
  try {
    return await p;
  } catch (e) {
    if (isNotFound(e)) return undefined;
    throw e;
  }
};

class ApiPodObjects implements PodObjects {
  private serviceInformer: Informer<KObject> | undefined;
  private readonly nodes = new Map<string, { at: number; node: Promise<Node | undefined> }>();
  private readonly watches = new Map<string, NamespaceWatch>();
  private watchClient: RestClient | undefined;

  constructor(private readonly client: RestClient) {}

  configMap(namespace: string, name: string): Promise<ConfigMap | undefined> {
    return getOrUndefined(this.client.get<ConfigMap>(configMaps, namespace, name));
  }

  secret(namespace: string, name: string): Promise<Secret | undefined> {
    return getOrUndefined(this.client.get<Secret>(secrets, namespace, name));
  }

  persistentVolumeClaim(namespace: string, name: string): Promise<PersistentVolumeClaim | undefined> {
    return getOrUndefined(this.client.get<PersistentVolumeClaim>(claims, namespace, name));
  }

  persistentVolume(name: string): Promise<PersistentVolume | undefined> {
    return getOrUndefined(this.client.get<PersistentVolume>(volumes, undefined, name));
  }

  node(name: string): Promise<Node | undefined> {
    const now = Date.now();
    const cached = this.nodes.get(name);
    if (cached && now - cached.at < NODE_CACHE_MS) return cached.node;
    const node = getOrUndefined(this.client.get<Node>(nodes, undefined, name));
    node.catch(() => this.nodes.delete(name));
    this.nodes.set(name, { at: now, node });
    return node;
  }

  /**
   * The namespace's Services from the informer (started at the first call; upstream's kubelet
   * informs on every Service too). A Service is seen a watch event after its creation, which
   * comes long before a pod that names it reaches its node.
   */
  async services(namespace: string): Promise<Service[]> {
    this.serviceInformer ??= new Informer<KObject>(this.watchingClient(), services).start();
    await this.serviceInformer.synced;
    const out: Service[] = [];
    for (const s of this.serviceInformer.store.values()) if (s.metadata.namespace === namespace) out.push(s as Service);
    return out;
  }

  async stop(): Promise<void> {
    for (const w of this.watches.values()) {
      w.signal.aborted = true;
      w.signal.onAbort?.();
    }
    this.watches.clear();
    await this.serviceInformer?.stop();
    this.serviceInformer = undefined;
    this.watchClient?.close();
    this.watchClient = undefined;
  }

  /** Watches hold their connection for good, so they get a client of their own: the agent's pool stays free for its requests. */
  private watchingClient(): RestClient {
    return (this.watchClient ??= new RestClient({ ...this.client.config, maxSockets: Infinity }));
  }

  watch(kind: WatchedKind, namespace: string, name: string, onChange: () => void): () => void {
    const key = `${kind}/${namespace}`;
    let w = this.watches.get(key);
    if (!w) {
      w = { byName: new Map(), signal: { aborted: false } };
      this.watches.set(key, w);
      void this.runWatch(kind, namespace, w);
    }
    const entry = w;
    const subscriber = () => onChange();
    let subs = entry.byName.get(name);
    if (!subs) entry.byName.set(name, (subs = new Set()));
    subs.add(subscriber);
    return () => {
      subs.delete(subscriber);
      if (subs.size === 0 && entry.byName.get(name) === subs) entry.byName.delete(name);
      if (entry.byName.size > 0 || this.watches.get(key) !== entry) return;
      this.watches.delete(key);
      entry.signal.aborted = true;
      entry.signal.onAbort?.();
    };
  }

  /**
   * The namespace's watch of one kind, kept up while any of its objects is in use (on the watch client).
   */
  private async runWatch(kind: WatchedKind, namespace: string, w: NamespaceWatch): Promise<void> {
    const r = resource(kind);
    const client = this.watchingClient();
    let resourceVersion = '';
    let listed = false;
    const notify = (name?: string) => {
      for (const [n, subs] of w.byName) if (name === undefined || n === name) for (const s of subs) s();
    };
    while (!w.signal.aborted) {
      try {
        if (!resourceVersion) {
          resourceVersion = (await client.list(r, namespace, { limit: 1 })).metadata.resourceVersion;
          // What happened while there was no watch counts as a change.
          if (listed) notify();
          listed = true;
        }
        const path = withQuery(resourcePath(r, namespace), { watch: true, resourceVersion, allowWatchBookmarks: true });
        await watchStream<WatchedObject>(client, path, (e: WatchEvent<WatchedObject>) => {
          if (e.type === 'ERROR') throw new Error('watch expired');
          resourceVersion = e.object.metadata?.resourceVersion ?? resourceVersion;
          if (e.type !== 'BOOKMARK') notify(e.object.metadata?.name ?? '');
        }, w.signal);
      } catch (e) {
        if (w.signal.aborted) return;
        if (isGone(e) || (e as Error).message === 'watch expired') resourceVersion = '';
        await new Promise((res) => setTimeout(res, WATCH_RETRY_MS));
      }
    }
  }

  async serviceAccountToken(namespace: string, name: string, request: { audiences: string[]; expirationSeconds: number; pod: { name: string; uid: string } }): Promise<TokenRequestStatus> {
    const body = {
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'TokenRequest',
      spec: { audiences: request.audiences, expirationSeconds: request.expirationSeconds, boundObjectRef: { apiVersion: 'v1', kind: 'Pod', name: request.pod.name, uid: request.pod.uid } },
    };
    const res = await this.client.create<{ status: TokenRequestStatus }>(serviceAccounts, namespace, body, 'token', name);
    return res.status;
  }
}

/** The objects source of an API client, for one owner (a NodeAgent) that stops it. */
export function createPodObjects(client: RestClient): PodObjects {
  return new ApiPodObjects(client);
}

const perClient = new WeakMap<RestClient, PodObjects>();

/** The objects source of an API client shared by whoever asks with it (pod workers made without an agent). */
export function podObjectsFor(client: RestClient): PodObjects {
  let o = perClient.get(client);
  if (!o) {
    o = new ApiPodObjects(client);
    perClient.set(client, o);
  }
  return o;
}
