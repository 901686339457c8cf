// pods/proxy (upstream pkg/registry/core/pod/rest ProxyREST + ResourceLocation): HTTP to the
// pod's IP, `/api/v1/namespaces/{ns}/pods/[scheme:]{name}[:port]/proxy/{path}`. The API server
// dials the pod itself, as upstream does; only pods whose address is on one of this machine's
// pod bridges (or loopback, for host-network pods here) are reachable.

import http from 'node:http';
import https from 'node:https';
import { networkInterfaces } from 'node:os';
import { BlockList, isIPv4 } from 'node:net';
import { StatusError, badRequest, serviceUnavailable } from '../errors.ts';
import { SimulatedNodeAnnotation } from '../../agent/node.ts';
import type { Pod } from '../../agent/types.ts';
import type { StreamingContext } from './index.ts';

const PROXY_PATH = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/proxy(\/.*)?$/;

/** The namespace, `[scheme:]name[:port]` and remaining path of a pods/proxy path, if it is one. */
export function matchPodProxy(path: string): { namespace: string; target: string; rest: string } | undefined {
  const m = PROXY_PATH.exec(path);
  if (!m) return undefined;
  try {
    return { namespace: decodeURIComponent(m[1]!), target: decodeURIComponent(m[2]!), rest: m[3] ?? '/' };
  } catch {
    return undefined;
  }
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
  const secure = id.scheme === 'https';
  const headers: http.OutgoingHttpHeaders = {};
  for (const [k, v] of Object.entries(req.headers)) if (v !== undefined && !HOP_BY_HOP.has(k)) headers[k] = v;
  await new Promise<void>((resolve, reject) => {
    const options: https.RequestOptions = {
      host: ip, port: port || (secure ? 443 : 80), method: req.method, path: `${rest}${search}`, headers, agent: false, timeout: 30_000,
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
