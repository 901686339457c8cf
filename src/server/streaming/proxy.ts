// pods/proxy and services/proxy (upstream ProxyREST + ResourceLocation of pods and services):
// HTTP to the pod's IP, `/api/v1/namespaces/{ns}/pods/[scheme:]{name}[:port]/proxy/{path}`, or to
// one ready endpoint of the Service, `.../services/[scheme:]{name}[:port]/proxy/{path}`. The API
// server dials the pod itself, as upstream does; only addresses on one of this machine's pod
// bridges (or loopback, for host-network pods here) are dialled.

import http from 'node:http';
import https from 'node:https';
import { networkInterfaces } from 'node:os';
import { BlockList, isIPv4 } from 'node:net';
import { StatusError, badRequest, serviceUnavailable } from '../errors.ts';
import { SimulatedNodeAnnotation } from '../../agent/node.ts';
import type { Pod } from '../../agent/types.ts';
import type { StreamingContext } from './index.ts';

const PROXY_PATH = /^\/api\/v1\/namespaces\/([^/]+)\/(pods|services)\/([^/]+)\/proxy(\/.*)?$/;

export interface ProxyRequest { kind: 'pods' | 'services'; namespace: string; target: string; rest: string }

/** The kind, namespace, `[scheme:]name[:port]` and remaining path of a pods/proxy or services/proxy path. */
export function matchProxy(path: string): ProxyRequest | undefined {
  const m = PROXY_PATH.exec(path);
  if (!m) return undefined;
  try {
    return { kind: m[2] as 'pods' | 'services', namespace: decodeURIComponent(m[1]!), target: decodeURIComponent(m[3]!), rest: m[4] ?? '/' };
  } catch {
    return undefined;
  }
}

export function proxy(sc: StreamingContext, req: http.IncomingMessage, res: http.ServerResponse, p: ProxyRequest, search: string): Promise<void> {
  return p.kind === 'pods' ? podProxy(sc, req, res, p.namespace, p.target, p.rest, search) : serviceProxy(sc, req, res, p.namespace, p.target, p.rest, search);
}

/** Upstream's SplitSchemeNamePort: "name", "name:port" or "scheme:name:port". */
export function splitSchemeNamePort(id: string): { scheme: string; name: string; port: string } | undefined {
  const parts = id.split(':');
  let scheme = '', name = '', port = '';
  if (parts.length === 1) [name] = parts as [string];
  else if (parts.length === 2) [name, port] = parts as [string, string];
  else if (parts.length === 3) [scheme, name, port] = parts as [string, string, string];
  else return undefined;
  if (!name || (scheme && scheme !== 'http' && scheme !== 'https')) return undefined;
  return { scheme, name, port };
}

/** Pod addresses the API server may dial: loopback, or inside the subnet of one of this machine's skiff bridges. */
function isLocalPodAddress(ip: string): boolean {
  if (ip === '::1' || /^127\.\d+\.\d+\.\d+$/.test(ip)) return true;
  if (!isIPv4(ip)) return false;
  const bridges = new BlockList();
  for (const [name, list] of Object.entries(networkInterfaces())) {
    if (!name.startsWith('skiff')) continue;
    for (const a of list ?? []) if (a.family === 'IPv4' && a.cidr) bridges.addSubnet(a.cidr.split('/')[0]!, Number(a.cidr.split('/')[1]), 'ipv4');
  }
  return bridges.check(ip, 'ipv4');
}

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'authorization', 'host']);

export async function podProxy(sc: StreamingContext, req: http.IncomingMessage, res: http.ServerResponse, namespace: string, target: string, rest: string, search: string): Promise<void> {
  const id = splitSchemeNamePort(target);
  if (!id) throw badRequest(`invalid request ${JSON.stringify(target)}`);
  const pod: Pod = sc.getPod(namespace, id.name);
  let port = id.port;
  if (!port) {
    // Upstream picks the first declared container port.
    port = String(pod.spec?.containers.flatMap((c) => c.ports ?? [])[0]?.containerPort ?? '');
  }
  if (port && !/^\d+$/.test(port)) throw badRequest(`invalid port ${JSON.stringify(port)}: named ports are not supported`);
  const nodeName = pod.spec?.nodeName;
  const node = nodeName ? sc.getNode(nodeName) : undefined;
  if (node?.metadata.annotations?.[SimulatedNodeAnnotation] === 'true') {
    throw badRequest(`pod ${id.name} runs on the simulated node ${nodeName}: there is nothing to proxy to`);
  }
  const ip = pod.status?.podIP;
  if (!ip) throw serviceUnavailable(`pod ${id.name} has no IP address yet`);
  if (!isLocalPodAddress(ip)) throw badRequest(`address not allowed: ${ip} is not on a pod network of this machine`);
  return forward(req, res, id.scheme, ip, Number(port) || (id.scheme === 'https' ? 443 : 80), rest, search);
}

/** services/proxy: a ready endpoint of the Service's port (by name, or by number mapped to its name). */
export async function serviceProxy(sc: StreamingContext, req: http.IncomingMessage, res: http.ServerResponse, namespace: string, target: string, rest: string, search: string): Promise<void> {
  const id = splitSchemeNamePort(target);
  if (!id) throw badRequest(`invalid service request ${JSON.stringify(target)}`);
  const svc = sc.getService(namespace, id.name);
  let portName = id.port;
  if (/^\d+$/.test(portName)) {
    const port = svc.spec?.ports?.find((p) => p.port === Number(portName));
    if (!port) throw serviceUnavailable(`no service port ${portName} found for service "${id.name}"`);
    portName = port.name ?? '';
  }
  const subsets = sc.getEndpoints(namespace, id.name)?.subsets ?? [];
  if (subsets.length === 0) throw serviceUnavailable(`no endpoints available for service "${id.name}"`);
  const start = Math.floor(Math.random() * subsets.length);
  for (let i = 0; i < subsets.length; i++) {
    const ss = subsets[(start + i) % subsets.length]!;
    const addresses = ss.addresses ?? [];
    const port = (ss.ports ?? []).find((p) => (p.name ?? '') === portName);
    if (!port || addresses.length === 0) continue;
    const addr = addresses[Math.floor(Math.random() * addresses.length)]!;
    if (!isLocalPodAddress(addr.ip)) throw badRequest(`address not allowed: ${addr.ip} is not on a pod network of this machine`);
    return forward(req, res, id.scheme, addr.ip, port.port, rest, search);
  }
  throw serviceUnavailable(`no endpoints available for service "${target}"`);
}

/** Proxies one HTTP request to ip:port and streams the answer back (hop-by-hop headers and credentials dropped). */
function forward(req: http.IncomingMessage, res: http.ServerResponse, scheme: string, ip: string, port: number, rest: string, search: string): Promise<void> {
  const secure = scheme === 'https';
  const headers: http.OutgoingHttpHeaders = {};
  for (const [k, v] of Object.entries(req.headers)) if (v !== undefined && !HOP_BY_HOP.has(k)) headers[k] = v;
  return new Promise<void>((resolve, reject) => {
    const options: https.RequestOptions = {
      host: ip, port, method: req.method, path: `${rest}${search}`, headers, agent: false, timeout: 30_000,
      ...(secure ? { rejectUnauthorized: false } : {}),
    };
    const upstream = (secure ? https : http).request(options, (up) => {
      const out: http.OutgoingHttpHeaders = {};
      for (const [k, v] of Object.entries(up.headers)) if (v !== undefined && !HOP_BY_HOP.has(k)) out[k] = v;
      res.writeHead(up.statusCode ?? 502, out);
      up.pipe(res);
      up.on('end', () => resolve());
      up.on('error', () => { res.destroy(); resolve(); });
    });
    upstream.on('timeout', () => upstream.destroy(new Error('timed out')));
    upstream.on('error', (e) => {
      if (res.headersSent) { res.destroy(); resolve(); return; }
      reject(new StatusError(503, 'ServiceUnavailable', `error trying to reach service: ${e.message}`));
    });
    res.on('close', () => upstream.destroy());
    req.pipe(upstream);
  });
}
