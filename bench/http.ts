// One HTTPS request with a keep-alive agent, body collected as a string.

import https from 'node:https';
import { readFileSync } from 'node:fs';
import { load } from 'js-yaml';
import type { TlsOptions } from './load.ts';

interface KubeconfigDoc { users: { user: Record<string, string> }[]; clusters: { cluster: Record<string, string> }[] }

/** A keep-alive agent with the CA and client certificate of a kubeconfig skiff up wrote. */
export function agentFromKubeconfig(kubeconfigPath: string, maxSockets: number): https.Agent {
  const doc = load(readFileSync(kubeconfigPath, 'utf8')) as KubeconfigDoc;
  const b = (s: string | undefined) => (s ? Buffer.from(s, 'base64').toString('utf8') : undefined);
  return new https.Agent({
    keepAlive: true, maxSockets,
    ca: b(doc.clusters[0].cluster['certificate-authority-data']),
    cert: b(doc.users[0].user['client-certificate-data']),
    key: b(doc.users[0].user['client-key-data']),
  });
}

export interface HttpResult {
  status: number;
  body: string;
}

export function tlsAgent(tls: TlsOptions, maxSockets = 64): https.Agent {
  return new https.Agent({ keepAlive: true, maxSockets, ...tls });
}

export function httpRequest(agent: https.Agent, baseUrl: string, method: string, path: string, body?: string, timeoutMs = 60_000, contentType = 'application/json'): Promise<HttpResult> {
  const base = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) {
      headers['content-type'] = contentType;
      headers['content-length'] = String(Buffer.byteLength(body));
    }
    const req = https.request({ agent, host: base.hostname, port: base.port, method, path, headers, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${path} timed out after ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}

/** Request that must answer 2xx; returns the parsed JSON body. */
export async function httpJson(agent: https.Agent, baseUrl: string, method: string, path: string, body?: unknown): Promise<unknown> {
  const r = await httpRequest(agent, baseUrl, method, path, body === undefined ? undefined : JSON.stringify(body));
  if (r.status < 200 || r.status >= 300) throw new Error(`${method} ${path}: HTTP ${r.status} ${r.body.slice(0, 300)}`);
  return r.body ? (JSON.parse(r.body) as unknown) : null;
}

/** metadata.resourceVersion of a parsed object or list, as a number. */
export function resourceVersionOf(obj: unknown): number {
  if (typeof obj === 'object' && obj !== null && 'metadata' in obj) {
    const md = (obj as { metadata: unknown }).metadata;
    if (typeof md === 'object' && md !== null && 'resourceVersion' in md) {
      const rv = Number((md as { resourceVersion: unknown }).resourceVersion);
      if (Number.isFinite(rv)) return rv;
    }
  }
  throw new Error('response has no numeric metadata.resourceVersion');
}
