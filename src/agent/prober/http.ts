// HTTP GET probes and hooks (upstream pkg/probe/http): the request an HTTPGetAction
// describes, sent without keep-alive and without verifying TLS certificates, redirects
// followed only while they stay on the same host, at most 10 KiB of the body read.
// 200-399 succeeds; a redirect that is not followed succeeds with a warning.

import http from 'node:http';
import https from 'node:https';
import type { IHTTPGetAction } from 'kubernetes-models/v1';
import type { Container } from '../types.ts';
import { joinHostPort, MAX_OUTPUT_BYTES, resolveContainerPort, userAgent, type ProbeAnswer } from './probe.ts';

export interface HTTPGetRequest {
  url: URL;
  /** Header name → values, in the order given. */
  headers: Record<string, string[]>;
}

export type HTTPGetResult =
  | { statusCode: number; body: string; error?: undefined }
  /** The exchange failed (Go's client error text); httpResponseToHTTPS: an HTTPS request met a plain HTTP server. */
  | { error: string; httpResponseToHTTPS?: boolean; statusCode?: undefined };

const REDIRECT_CODES = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 10;

const hasHeader = (headers: Record<string, string[]>, name: string): string | undefined =>
  Object.keys(headers).find((k) => k.toLowerCase() === name.toLowerCase());

/** NewRequestForHTTPGetAction: scheme (default http), host (default the pod IP), port, path, headers. */
export function requestForHTTPGetAction(action: IHTTPGetAction, container: Container, podIP: string, purpose: 'probe' | 'lifecycle'): HTTPGetRequest {
  const scheme = (action.scheme ?? 'HTTP').toLowerCase();
  const host = action.host || podIP;
  const port = resolveContainerPort(action.port, container);
  let path = action.path ?? '';
  if (!path.startsWith('/')) path = `/${path}`;
  const url = new URL(`${scheme}://${joinHostPort(host, port)}${path}`);
  const headers: Record<string, string[]> = {};
  for (const h of action.httpHeaders ?? []) {
    const name = hasHeader(headers, h.name) ?? h.name;
    (headers[name] ??= []).push(h.value);
  }
  if (!hasHeader(headers, 'User-Agent')) headers['User-Agent'] = [userAgent(purpose)];
  const accept = hasHeader(headers, 'Accept');
  if (!accept) headers.Accept = ['*/*'];
  else if (headers[accept].every((v) => v === '')) delete headers[accept];
  return { url, headers };
}

/** The host a request goes to (what the network guard checks). */
export const requestHost = (req: HTTPGetRequest): string => req.url.hostname.replace(/^\[(.*)\]$/, '$1');

function goError(url: URL, e: NodeJS.ErrnoException): string {
  const addr = url.host;
  if (e.code === 'ECONNREFUSED') return `Get "${url.href}": dial tcp ${addr}: connect: connection refused`;
  if (e.code === 'ECONNRESET') return `Get "${url.href}": read tcp ${addr}: read: connection reset by peer`;
  if (e.code === 'EHOSTUNREACH') return `Get "${url.href}": dial tcp ${addr}: connect: no route to host`;
  return `Get "${url.href}": ${e.message}`;
}

function once(url: URL, headers: Record<string, string[]>, signal: AbortSignal): Promise<{ statusCode: number; location?: string; body: string }> {
  const mod = url.protocol === 'https:' ? https : http;
  // Node takes one Host value (Go's req.Host is the first too); other repeated headers as arrays.
  const outgoing = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, k.toLowerCase() === 'host' || v.length === 1 ? v[0] : v]));
  return new Promise((resolve, reject) => {
    const req = mod.request(url, { method: 'GET', headers: outgoing, agent: false, signal, rejectUnauthorized: false }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const done = () => resolve({ statusCode: res.statusCode ?? 0, location: res.headers.location, body: Buffer.concat(chunks).subarray(0, MAX_OUTPUT_BYTES).toString('utf8') });
      res.on('data', (c: Buffer) => {
        chunks.push(c);
        size += c.length;
        // Enough read: the rest is not wanted (a non-fatal truncation upstream).
        if (size >= MAX_OUTPUT_BYTES) {
          res.destroy();
          done();
        }
      });
      res.on('end', done);
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/** One GET with Go's client semantics: an overall timeout, same-host redirects only, 10 at most. */
export async function httpGet(req: HTTPGetRequest, timeoutMs: number): Promise<HTTPGetResult> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  const first = req.url;
  let url = first;
  const headers = { ...req.headers };
  try {
    for (let redirects = 0; ; redirects++) {
      let res;
      try {
        res = await once(url, headers, controller.signal);
      } catch (e) {
        if (controller.signal.aborted) return { error: `Get "${url.href}": context deadline exceeded (Client.Timeout exceeded while awaiting headers)` };
        const err = e as NodeJS.ErrnoException;
        // TLS spoken to a plain HTTP server: Go's client says so in these words.
        if (url.protocol === 'https:' && /wrong version number|packet length too long/i.test(err.message)) {
          return { error: `Get "${url.href}": http: server gave HTTP response to HTTPS client`, httpResponseToHTTPS: true };
        }
        return { error: goError(url, err) };
      }
      if (!REDIRECT_CODES.has(res.statusCode) || !res.location) return res;
      const next = new URL(res.location, url);
      // A redirect elsewhere ends the chain: its response is the answer.
      if (next.hostname !== first.hostname || (next.protocol !== 'http:' && next.protocol !== 'https:')) return res;
      if (redirects + 1 >= MAX_REDIRECTS) return { error: `Get "${next.href}": stopped after ${MAX_REDIRECTS} redirects` };
      const host = hasHeader(headers, 'Host');
      if (host) delete headers[host];
      url = next;
    }
  } finally {
    clearTimeout(timer);
  }
}

/** DoHTTPProbe: 2xx succeeds, 3xx (a redirect not followed) succeeds with a warning, anything else fails. */
export function httpProbeAnswer(res: HTTPGetResult): ProbeAnswer {
  if (res.error !== undefined) return { result: 'Failure', output: res.error };
  if (res.statusCode >= 200 && res.statusCode < 400) {
    if (res.statusCode >= 300) return { result: 'Warning', output: `Probe terminated redirects, Response body: ${res.body}` };
    return { result: 'Success', output: res.body };
  }
  // Upstream never puts the body in the failure message.
  return { result: 'Failure', output: `HTTP probe failed with statuscode: ${res.statusCode}` };
}
