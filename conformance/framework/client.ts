// A small JSON REST client over raw HTTPS, authenticated from any kubeconfig through
// @kubernetes/client-node (CA, client certificate, bearer token or exec plugin). Cases use
// it where they must control the exact request body or compare the server's JSON
// verbatim; the typed client-node APIs serve the rest.

import https from 'node:https';
import http from 'node:http';
import { ApiException, type KubeConfig } from '@kubernetes/client-node';
import { isRecord, type Status } from './json.ts';

export type Query = Record<string, string | number | boolean | undefined>;

export interface RequestOptions {
  query?: Query;
  /** Serialized with JSON.stringify unless a string. */
  body?: unknown;
  contentType?: string;
  accept?: string;
  signal?: AbortSignal;
}

/** An error answer from the API server (a metav1.Status body when the server sent one). */
export class ApiError extends Error {
  constructor(readonly code: number, readonly status: Status | undefined, readonly method: string, readonly path: string, readonly text: string) {
    super(`${method} ${path}: ${code}${status?.reason ? ` ${status.reason}` : ''}: ${status?.message ?? text.slice(0, 300)}`);
    this.name = 'ApiError';
  }
  get reason(): string | undefined { return this.status?.reason; }
}

/** Status code, reason and message of an error from this client or from client-node. */
export function apiErrorOf(e: unknown): { code: number; reason?: string; message: string } | undefined {
  if (e instanceof ApiError) return { code: e.code, reason: e.reason, message: e.status?.message ?? e.text };
  if (e instanceof ApiException) {
    const raw: unknown = e.body;
    let body: unknown = raw;
    if (typeof raw === 'string') {
      try { body = JSON.parse(raw); } catch { body = undefined; }
    }
    const st = isRecord(body) ? (body as Status) : undefined;
    return { code: e.code, reason: st?.reason, message: st?.message ?? (typeof raw === 'string' ? raw : e.message) };
  }
  return undefined;
}

export function isNotFound(e: unknown): boolean { return apiErrorOf(e)?.code === 404; }
export function isConflict(e: unknown): boolean { return apiErrorOf(e)?.code === 409 && apiErrorOf(e)?.reason !== 'AlreadyExists'; }
export function isAlreadyExists(e: unknown): boolean { return apiErrorOf(e)?.reason === 'AlreadyExists'; }
/** apierrors.IsInvalid: a 422 with reason Invalid. */
export function isInvalid(e: unknown): boolean { const a = apiErrorOf(e); return a?.code === 422 && a.reason === 'Invalid'; }

export interface RawResponse { statusCode: number; headers: http.IncomingHttpHeaders; text: string }

export class RestClient {
  private constructor(private readonly kc: KubeConfig, private readonly base: URL, private readonly agent: https.Agent | http.Agent) {}

  static async fromKubeConfig(kc: KubeConfig): Promise<RestClient> {
    const cluster = kc.getCurrentCluster();
    if (!cluster) throw new Error('kubeconfig has no current cluster');
    const base = new URL(cluster.server);
    const opts: https.RequestOptions = {};
    await kc.applyToHTTPSOptions(opts);
    const agent = base.protocol === 'https:'
      ? new https.Agent({
        keepAlive: true,
        ca: opts.ca, cert: opts.cert, key: opts.key, pfx: opts.pfx, passphrase: opts.passphrase,
        servername: opts.servername,
        ...(opts.rejectUnauthorized !== undefined ? { rejectUnauthorized: opts.rejectUnauthorized } : {}),
      })
      : new http.Agent({ keepAlive: true });
    return new RestClient(kc, base, agent);
  }

  /** The URL for an absolute API path such as /api/v1/namespaces. */
  url(path: string, query?: Query): URL {
    const prefix = this.base.pathname.replace(/\/$/, '');
    const u = new URL(this.base.origin + prefix + path);
    for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined && v !== '') u.searchParams.set(k, String(v));
    return u;
  }

  /** Per-request headers from the kubeconfig (bearer tokens, impersonation, basic auth). */
  async authHeaders(): Promise<Record<string, string>> {
    const opts: https.RequestOptions = {};
    await this.kc.applyToHTTPSOptions(opts);
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(opts.headers ?? {})) if (typeof v === 'string') headers[k] = v;
    if (opts.auth) headers.Authorization = `Basic ${Buffer.from(opts.auth).toString('base64')}`;
    return headers;
  }

  /** Opens a request and hands back the response stream (for watches). */
  async open(method: string, path: string, opts: RequestOptions = {}): Promise<{ req: http.ClientRequest; res: http.IncomingMessage }> {
    const u = this.url(path, opts.query);
    const body = opts.body === undefined ? undefined : typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
    const headers: Record<string, string> = {
      Accept: opts.accept ?? 'application/json',
      'User-Agent': 'skiff-conformance/1.0',
      ...(await this.authHeaders()),
    };
    if (body !== undefined) {
      headers['Content-Type'] = opts.contentType ?? 'application/json';
      headers['Content-Length'] = String(Buffer.byteLength(body));
    }
    const mod = u.protocol === 'https:' ? https : http;
    return new Promise((resolve, reject) => {
      const req = mod.request(u, { method, headers, agent: this.agent, signal: opts.signal }, (res) => resolve({ req, res }));
      req.on('error', reject);
      if (body !== undefined) req.write(body);
      req.end();
    });
  }

  async raw(method: string, path: string, opts: RequestOptions = {}): Promise<RawResponse> {
    const { res } = await this.open(method, path, opts);
    const chunks: Buffer[] = [];
    for await (const c of res) chunks.push(c as Buffer);
    return { statusCode: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') };
  }

  /** A JSON request; throws ApiError on any non-2xx answer. */
  async request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
    const r = await this.raw(method, path, opts);
    if (r.statusCode < 200 || r.statusCode > 299) {
      let st: Status | undefined;
      try { const j: unknown = JSON.parse(r.text); if (isRecord(j)) st = j as Status; } catch { /* not JSON */ }
      throw new ApiError(r.statusCode, st, method, path, r.text);
    }
    try {
      return JSON.parse(r.text) as T;
    } catch {
      throw new Error(`${method} ${path}: answer is not JSON: ${r.text.slice(0, 200)}`);
    }
  }

  get<T>(path: string, query?: Query): Promise<T> { return this.request<T>('GET', path, { query }); }
  post<T>(path: string, body: unknown, query?: Query): Promise<T> { return this.request<T>('POST', path, { body, query }); }
  put<T>(path: string, body: unknown, query?: Query): Promise<T> { return this.request<T>('PUT', path, { body, query }); }
  delete<T>(path: string, query?: Query, body?: unknown): Promise<T> { return this.request<T>('DELETE', path, { query, body }); }
  patch<T>(path: string, type: 'merge' | 'strategic' | 'json', body: unknown, query?: Query): Promise<T> {
    const contentType = type === 'merge' ? 'application/merge-patch+json' : type === 'strategic' ? 'application/strategic-merge-patch+json' : 'application/json-patch+json';
    return this.request<T>('PATCH', path, { body, contentType, query });
  }

  close(): void {
    this.agent.destroy();
  }
}
