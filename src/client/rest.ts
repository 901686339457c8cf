// A small REST client for Skiff's own components (scheduler, agent, controllers): the
// same HTTPS + JSON API kubectl uses, over a keep-alive agent of its own, so each
// component is an ordinary API client (client-go's rest.Interface, reduced to what the
// components need).

import http from 'node:http';
import https from 'node:https';
import tls from 'node:tls';
import type { Duplex } from 'node:stream';
import { readFileSync } from 'node:fs';
import { jsYaml } from '../yaml.ts';
import { HttpPool, headLines, type HttpResponse } from './transport.ts';
import { groupVersion, resources, type ResourceInfo } from '../../api/resources.ts';

export interface ClientConfig {
  /** https://host:port */
  server: string;
  caPem?: string;
  certPem?: string;
  keyPem?: string;
  token?: string;
  /** Sent as User-Agent; shows who wrote what (managedFields manager for SSA/updates). */
  userAgent?: string;
  /**
   * Most connections the client opens at once (default 64); more requests wait for one. Each
   * open watch holds one. Keeps many clients in one process (simulated nodes) from opening
   * bursts of connections, each a TLS handshake, that overflow the server's accept queue.
   */
  maxSockets?: number;
  /**
   * The API server's loopback socket (components in the server's own process): requests go
   * there as plain HTTP, authenticated by the token; server still names the Host.
   */
  socketPath?: string;
}

interface KubeconfigDoc {
  'current-context'?: string;
  contexts?: { name: string; context: { cluster: string; user: string } }[];
  clusters?: { name: string; cluster: { server: string; 'certificate-authority-data'?: string } }[];
  users?: { name: string; user: { 'client-certificate-data'?: string; 'client-key-data'?: string; token?: string } }[];
}

const unb64 = (s: string | undefined) => (s ? Buffer.from(s, 'base64').toString('utf8') : undefined);

/** The current context of a kubeconfig (YAML text or a path) as a ClientConfig. */
export function configFromKubeconfig(yamlOrPath: string, userAgent?: string): ClientConfig {
  const text = yamlOrPath.includes('\n') ? yamlOrPath : readFileSync(yamlOrPath, 'utf8');
  const doc = jsYaml().load(text) as KubeconfigDoc;
  const ctx = doc.contexts?.find((c) => c.name === doc['current-context'])?.context;
  const cluster = doc.clusters?.find((c) => c.name === ctx?.cluster)?.cluster;
  const user = doc.users?.find((u) => u.name === ctx?.user)?.user;
  if (!cluster) throw new Error('kubeconfig: no cluster for the current context');
  return {
    server: cluster.server,
    caPem: unb64(cluster['certificate-authority-data']),
    certPem: unb64(user?.['client-certificate-data']),
    keyPem: unb64(user?.['client-key-data']),
    token: user?.token,
    userAgent,
  };
}

/** A metav1.Status answer (or a transport failure, code 0). */
export class ApiError extends Error {
  constructor(readonly code: number, readonly reason: string, message: string, readonly status?: Record<string, unknown>) {
    super(message);
    this.name = 'ApiError';
  }
}

/**
 * The HTTP code of an ApiError. Checked by shape, not instanceof: a test runner may load this
 * module twice (static and dynamic import chains), and an error from one copy must still count.
 */
export function apiErrorCode(e: unknown): number | undefined {
  if (typeof e !== 'object' || e === null || (e as Error).name !== 'ApiError') return undefined;
  const code = (e as { code?: unknown }).code;
  return typeof code === 'number' ? code : undefined;
}

export const isNotFound = (e: unknown) => apiErrorCode(e) === 404;
export const isConflict = (e: unknown) => apiErrorCode(e) === 409;
export const isAlreadyExists = (e: unknown) => apiErrorCode(e) === 409 && (e as ApiError).reason === 'AlreadyExists';
export const isGone = (e: unknown) => apiErrorCode(e) === 410;

/** Where a resource lives: from the API table, by plural ('pods', 'apps/deployments'). */
export function resource(name: string): ResourceInfo {
  const slash = name.indexOf('/');
  const group = slash < 0 ? '' : name.slice(0, slash);
  const plural = slash < 0 ? name : name.slice(slash + 1);
  const info = resources.find((r) => r.group === group && r.plural === plural);
  if (!info) throw new Error(`unknown resource ${name}`);
  return info;
}

export function resourcePath(r: ResourceInfo, namespace?: string, name?: string, subresource?: string): string {
  let p = r.group ? `/apis/${groupVersion(r)}` : `/api/${r.version}`;
  if (r.namespaced && namespace) p += `/namespaces/${namespace}`;
  p += `/${r.plural}`;
  if (name !== undefined) p += `/${encodeURIComponent(name)}`;
  if (subresource) p += `/${subresource}`;
  return p;
}

export type Query = Record<string, string | number | boolean | undefined>;

export function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const parts: string[] = [];
  for (const k in query) {
    const v = query[k];
    if (v !== undefined) parts.push(`${k}=${encodeURIComponent(String(v))}`);
  }
  return parts.length ? `${path}?${parts.join('&')}` : path;
}

export type PatchType = 'merge' | 'strategic' | 'json' | 'apply';
const PATCH_CONTENT: Record<PatchType, string> = {
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  json: 'application/json-patch+json',
  apply: 'application/apply-patch+yaml',
};

export interface ListResult<T> {
  metadata: { resourceVersion: string; continue?: string };
  items: T[];
}

/**
 * One TLS context per set of credentials, shared by every client that uses them: building a
 * context parses the key and certificates, and a client would otherwise do it per connection
 * (which dominates when a process runs a thousand simulated nodes, each with its own pool).
 */
const secureContexts = new Map<string, tls.SecureContext>();

const credentialsKey = (config: ClientConfig): string => `${config.caPem ?? ''}\0${config.certPem ?? ''}\0${config.keyPem ?? ''}`;

function secureContextFor(config: ClientConfig): tls.SecureContext {
  const key = credentialsKey(config);
  let ctx = secureContexts.get(key);
  if (!ctx) {
    ctx = tls.createSecureContext({ ca: config.caPem, cert: config.certPem, key: config.keyPem });
    secureContexts.set(key, ctx);
  }
  return ctx;
}

/** The latest TLS session per server and credentials, shared by every client that uses them. */
const tlsSessions = new Map<string, Buffer>();

/**
 * A keep-alive agent whose new connections resume the TLS session that any client with the
 * same server and credentials last got, instead of a full handshake with certificate checks
 * (when the server does not take it, the handshake simply is a full one).
 */
class ResumingAgent extends https.Agent {
  constructor(options: https.AgentOptions, private readonly sessionKey: string) {
    super(options);
  }

  override createConnection(options: https.RequestOptions, callback?: (err: Error | null, stream: Duplex) => void): Duplex | null | undefined {
    const session = tlsSessions.get(this.sessionKey);
    const socket = super.createConnection(session ? ({ ...options, session } as https.RequestOptions) : options, callback);
    socket?.on('session', (s: Buffer) => tlsSessions.set(this.sessionKey, s));
    return socket;
  }
}

export class RestClient {
  /** The connections of watches (long-lived streams); ordinary requests use their own pool. */
  readonly agent: http.Agent;
  private readonly pool: HttpPool;
  private readonly url: URL;
  private closed = false;
  private readonly headers: Record<string, string>;
  /** The same headers as one block of request-head lines, for the pool. */
  private readonly headLines: string;

  constructor(readonly config: ClientConfig) {
    this.url = new URL(config.server);
    const maxSockets = config.maxSockets ?? 64;
    if (config.socketPath !== undefined) {
      this.agent = new http.Agent({ keepAlive: true, maxSockets });
      this.pool = new HttpPool(this.url, () => ({}), maxSockets, undefined, config.socketPath);
    } else {
      const sessionKey = `${config.server}\0${credentialsKey(config)}`;
      const secureContext = secureContextFor(config);
      this.agent = new ResumingAgent({
        keepAlive: true,
        maxSockets,
        ca: config.caPem,
        cert: config.certPem,
        key: config.keyPem,
        secureContext,
      }, sessionKey);
      this.pool = new HttpPool(this.url, () => {
        const session = tlsSessions.get(sessionKey);
        return { secureContext, ...(session ? { session } : {}) };
      }, maxSockets, (s) => tlsSessions.set(sessionKey, s));
    }
    this.headers = { Accept: 'application/json', 'User-Agent': config.userAgent ?? 'skiff' };
    if (config.token) this.headers.Authorization = `Bearer ${config.token}`;
    this.headLines = headLines(this.headers);
  }

  /**
   * One request; resolves to the parsed JSON body, rejects with ApiError on a non-2xx.
   * discardResponse: a successful answer's body is not parsed and the promise resolves to
   * undefined (a writer that needs nothing back, such as the node agent's status writes,
   * spares itself the decoding of the whole object).
   */
  async request<T = unknown>(method: string, path: string, body?: unknown, contentType = 'application/json', discardResponse = false): Promise<T> {
    // A closed client would open fresh connections that nobody closes any more.
    if (this.closed) throw new ApiError(0, 'ConnectionError', `${method} ${path}: the client is closed`);
    const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
    let res: HttpResponse;
    try {
      res = await this.pool.request(method, path, payload === undefined ? this.headLines : `${this.headLines}Content-Type: ${contentType}\r\n`, payload);
    } catch (e) {
      throw new ApiError(0, 'ConnectionError', (e as Error).message);
    }
    const code = res.status;
    if (discardResponse && code >= 200 && code < 300) return undefined as T;
    const text = res.body.toString('utf8');
    let parsed: unknown;
    try { parsed = text ? JSON.parse(text) : undefined; } catch { parsed = undefined; }
    if (code >= 200 && code < 300) return parsed as T;
    const st = (parsed ?? {}) as { reason?: string; message?: string };
    throw new ApiError(code, st.reason ?? '', st.message ?? `${method} ${path}: HTTP ${code}`, parsed as Record<string, unknown>);
  }

  get<T>(r: ResourceInfo, namespace: string | undefined, name: string, subresource?: string): Promise<T> {
    return this.request<T>('GET', resourcePath(r, namespace, name, subresource));
  }

  list<T>(r: ResourceInfo, namespace?: string, query?: Query): Promise<ListResult<T>> {
    return this.request<ListResult<T>>('GET', withQuery(resourcePath(r, namespace), query));
  }

  create<T>(r: ResourceInfo, namespace: string | undefined, obj: unknown, subresource?: string, name?: string, opts?: { discardResponse?: boolean }): Promise<T> {
    return this.request<T>('POST', resourcePath(r, namespace, name, subresource), obj, 'application/json', opts?.discardResponse);
  }

  update<T>(r: ResourceInfo, namespace: string | undefined, name: string, obj: unknown, subresource?: string): Promise<T> {
    return this.request<T>('PUT', resourcePath(r, namespace, name, subresource), obj);
  }

  patch<T>(r: ResourceInfo, namespace: string | undefined, name: string, type: PatchType, patch: unknown, opts?: { subresource?: string; query?: Query; discardResponse?: boolean }): Promise<T> {
    return this.request<T>('PATCH', withQuery(resourcePath(r, namespace, name, opts?.subresource), opts?.query), patch, PATCH_CONTENT[type], opts?.discardResponse);
  }

  delete<T = unknown>(r: ResourceInfo, namespace: string | undefined, name: string, options?: Record<string, unknown>): Promise<T> {
    return this.request<T>('DELETE', resourcePath(r, namespace, name), options);
  }

  /** Opens a raw streaming GET (used by watches). */
  stream(path: string, onResponse: (res: import('node:http').IncomingMessage) => void, onError: (e: Error) => void): import('node:http').ClientRequest {
    const req = this.config.socketPath !== undefined
      ? http.request({ socketPath: this.config.socketPath, path, method: 'GET', headers: { ...this.headers, Host: this.url.host }, agent: this.agent }, onResponse)
      : https.request({ host: this.url.hostname, port: this.url.port, path, method: 'GET', headers: this.headers, agent: this.agent }, onResponse);
    req.on('error', onError);
    req.end();
    return req;
  }

  /** Closes every connection; requests made later fail at once. */
  close(): void {
    this.closed = true;
    this.pool.close();
    this.agent.destroy();
  }
}
