// The pods subresources that stream from the node agent (upstream pkg/registry/core/pod/rest
// LogREST, ExecREST, AttachREST, PortForwardREST): the API server finds the pod's container and
// node, then proxies to the agent's HTTPS endpoint. kubectl's SPDY/3.1 upgrades are spliced
// through as they are; its WebSocket exec/attach (v5/v4) is translated to SPDY, and its
// WebSocket-tunnelled SPDY port-forward is unwrapped, as upstream's translating handlers do.

import https from 'node:https';
import type http from 'node:http';
import type { Duplex } from 'node:stream';
import type { WebSocket, WebSocketServer } from 'ws';
import { StatusError, badRequest, fieldInvalid, invalid, methodNotAllowed, toStatusError } from '../errors.ts';
import type { ResourceRequest } from '../requestinfo.ts';
import type { GenericRegistry } from '../../registry/generic.ts';
import type { Node, Pod } from '../../agent/types.ts';
import type { IEndpoints, IService } from 'kubernetes-models/v1';
import type { Logger } from '../../log.ts';
import { agentLocation, type KubeletCredentials } from './kubelet.ts';
import { dialUpgrade, splice, upgradeHeaders, write101, writeResponse, type UpgradeResult } from './upgrade.ts';
import { SPDY_REMOTECOMMAND_PROTOCOL, bridgeWebSocket, negotiateWsProtocol, openRemoteCommand, throttleTo, writeFromWebSocket } from './remotecommand.ts';

export { kubeletClientCredentials, KUBELET_CLIENT_CN, KUBELET_CLIENT_GROUP } from './kubelet.ts';

export interface StreamingContext {
  /** The pod from the API server's cache; throws NotFound. */
  getPod(namespace: string, name: string): Pod;
  getNode(name: string): Node | undefined;
  /** The Service from the cache; throws NotFound. */
  getService(namespace: string, name: string): IService;
  getEndpoints(namespace: string, name: string): IEndpoints | undefined;
  /** The API server's client certificate toward agents. */
  credentials(): Promise<KubeletCredentials>;
  logger?: Logger;
}

/** The context over the API server's pod and node registries. */
export function streamingContext(
  registries: Iterable<GenericRegistry>, credentials: () => Promise<KubeletCredentials>, logger?: Logger,
): StreamingContext {
  const all = [...registries];
  const core = (plural: string) => {
    const g = all.find((x) => x.info.group === '' && x.info.plural === plural);
    if (!g) throw new Error(`streaming needs the ${plural} registry`);
    return g;
  };
  const [pods, nodes, services, endpoints] = [core('pods'), core('nodes'), core('services'), core('endpoints')];
  return {
    getPod: (namespace, name) => pods.served(pods.getEntry(namespace, name)) as Pod,
    getNode: (name) => (nodes.cacherHas(undefined, name) ? nodes.served(nodes.getEntry(undefined, name)) as Node : undefined),
    getService: (namespace, name) => services.served(services.getEntry(namespace, name)) as IService,
    getEndpoints: (namespace, name) => (endpoints.cacherHas(namespace, name) ? endpoints.served(endpoints.getEntry(namespace, name)) as IEndpoints : undefined),
    credentials,
    logger,
  };
}

/** kubectl's WebSocket-tunnelled SPDY port-forward subprotocol (1.31+). */
export const PORT_FORWARD_WS_PROTOCOL = 'SPDY/3.1+portforward.k8s.io';
export const PORT_FORWARD_PROTOCOL = 'portforward.k8s.io';

type Query = URLSearchParams;

// --- container selection and log status (the apiserver's and kubelet's checks) ------------

function containerNames(list: { name: string }[] | undefined): string {
  return (list ?? []).map((c) => c.name).join(' ');
}

/** The container a request names, defaulted when the pod has exactly one (upstream streamLocation). */
export function selectContainer(pod: Pod, requested: string | null, withEphemeral: boolean): string {
  const name = pod.metadata.name;
  const spec = pod.spec;
  if (!requested) {
    const containers = spec?.containers ?? [];
    if (containers.length === 1) return containers[0]!.name;
    if (containers.length === 0) throw badRequest(`a container name must be specified for pod ${name}`);
    let message = `a container name must be specified for pod ${name}, choose one of: [${containerNames(containers)}]`;
    if (spec?.initContainers?.length) message += ` or one of the init containers: [${containerNames(spec.initContainers)}]`;
    if (withEphemeral && spec?.ephemeralContainers?.length) message += ` or one of the ephemeral containers: [${containerNames(spec.ephemeralContainers)}]`;
    throw badRequest(message);
  }
  const all = [...(spec?.containers ?? []), ...(spec?.initContainers ?? []), ...(spec?.ephemeralContainers ?? [])];
  if (!all.some((c) => c.name === requested)) throw badRequest(`container ${requested} is not valid for pod ${name}`);
  return requested;
}

/** Whether the container has logs to show, from the pod status (the kubelet's validateContainerLogStatus). */
export function validateContainerLogStatus(pod: Pod, container: string, previous: boolean): void {
  const name = pod.metadata.name;
  const st = pod.status;
  const cs = [...(st?.containerStatuses ?? []), ...(st?.initContainerStatuses ?? []), ...(st?.ephemeralContainerStatuses ?? [])].find((c) => c.name === container);
  if (!cs) throw badRequest(`container "${container}" in pod "${name}" is not available`);
  const last = cs.lastState?.terminated;
  const { waiting, running, terminated } = cs.state ?? {};
  if (previous) {
    if (!last?.containerID) throw badRequest(`previous terminated container "${container}" in pod "${name}" not found`);
    return;
  }
  if (running) return;
  if (terminated) {
    if (!terminated.containerID && !last?.containerID) throw badRequest(`container "${container}" in pod "${name}" is terminated`);
    return;
  }
  if (last) {
    if (!last.containerID) throw badRequest(`container "${container}" in pod "${name}" is terminated`);
    return;
  }
  if (waiting) {
    switch (waiting.reason) {
      case 'ErrImagePull': throw badRequest(`container "${container}" in pod "${name}" is waiting to start: image can't be pulled`);
      case 'ImagePullBackOff': throw badRequest(`container "${container}" in pod "${name}" is waiting to start: trying and failing to pull image`);
      default: throw badRequest(`container "${container}" in pod "${name}" is waiting to start: ${waiting.reason ?? ''}`);
    }
  }
  throw badRequest(`container "${container}" in pod "${name}" is waiting to start - no logs yet`);
}

// --- pods/log --------------------------------------------------------------------------------

const LOG_PARAMS = ['follow', 'previous', 'sinceSeconds', 'sinceTime', 'tailLines', 'limitBytes', 'timestamps'] as const;

function validateLogOptions(name: string, q: Query): void {
  const errs = [];
  const int = (p: string): number | undefined => {
    const v = q.get(p);
    if (v === null || v === '') return undefined;
    if (!/^-?\d+$/.test(v)) { errs.push(fieldInvalid(p, v, 'must be an integer')); return undefined; }
    return Number(v);
  };
  const tail = int('tailLines');
  if (tail !== undefined && tail < 0) errs.push(fieldInvalid('tailLines', tail, 'must be greater than or equal to 0'));
  const limit = int('limitBytes');
  if (limit !== undefined && limit < 1) errs.push(fieldInvalid('limitBytes', limit, 'must be greater than 0'));
  const since = int('sinceSeconds');
  if (since !== undefined && since < 1) errs.push(fieldInvalid('sinceSeconds', since, 'must be greater than 0'));
  const sinceTime = q.get('sinceTime');
  if (sinceTime && Number.isNaN(Date.parse(sinceTime))) errs.push(fieldInvalid('sinceTime', sinceTime, 'must be an RFC3339 time'));
  if (since !== undefined && sinceTime) errs.push(fieldInvalid('sinceSeconds', since, 'at most one of sinceTime or sinceSeconds may be specified'));
  for (const b of ['follow', 'previous', 'timestamps', 'insecureSkipTLSVerifyBackend']) {
    const v = q.get(b);
    if (v !== null && v !== '' && !['true', 'false', '1', '0'].includes(v)) errs.push(fieldInvalid(b, v, 'must be a boolean'));
  }
  if (errs.length) throw invalid('PodLogOptions', '', name, errs);
}

const isTrue = (q: Query, p: string) => q.get(p) === 'true' || q.get(p) === '1';

/**
 * Opens the container's log on its node agent after upstream's checks; undefined for a pod
 * not yet scheduled (whose log is empty, as upstream answers). The caller consumes or destroys
 * the stream.
 */
async function openPodLog(sc: StreamingContext, namespace: string, name: string, q: Query): Promise<http.IncomingMessage | undefined> {
  validateLogOptions(name, q);
  const pod = sc.getPod(namespace, name);
  const container = selectContainer(pod, q.get('container'), true);
  const nodeName = pod.spec?.nodeName;
  if (!nodeName) return undefined;
  validateContainerLogStatus(pod, container, isTrue(q, 'previous'));
  const base = agentLocation(pod, sc.getNode(nodeName));
  const forward = new URLSearchParams();
  for (const p of LOG_PARAMS) { const v = q.get(p); if (v !== null && v !== '') forward.set(p, v); }
  const url = new URL(`/containerLogs/${enc(namespace)}/${enc(name)}/${enc(container)}?${forward}`, base);
  const creds = await sc.credentials();
  return new Promise((resolve, reject) => {
    const upstream = https.request({
      host: url.hostname.replace(/^\[|\]$/g, ''), port: url.port, path: url.pathname + url.search, method: 'GET',
      cert: creds.certPem, key: creds.keyPem, rejectUnauthorized: false, agent: false, timeout: 30_000,
    }, (up) => {
      if (up.statusCode !== 200) {
        const chunks: Buffer[] = [];
        up.on('data', (c: Buffer) => chunks.push(c));
        up.on('end', () => reject(agentError(up.statusCode ?? 502, Buffer.concat(chunks))));
        up.on('error', reject);
        return;
      }
      upstream.setTimeout(0);
      resolve(up);
    });
    upstream.on('timeout', () => upstream.destroy(new Error(`timed out connecting to the agent of node ${nodeName}`)));
    upstream.on('error', (e) => reject(badRequest(`unable to reach the agent of node ${nodeName}: ${e.message}`)));
    upstream.end();
  });
}

/** GET pods/{name}/log: text/plain from the agent's container log, streamed while following. */
export async function podLog(sc: StreamingContext, req: http.IncomingMessage, res: http.ServerResponse, namespace: string, name: string, q: Query): Promise<void> {
  if (req.method !== 'GET') throw methodNotAllowed(req.method ?? '', 'Pod');
  const log = await openPodLog(sc, namespace, name, q);
  if (!log) {
    res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': 0 });
    res.end();
    return;
  }
  res.writeHead(200, { 'Content-Type': 'text/plain', 'Transfer-Encoding': 'chunked', 'Cache-Control': 'no-cache, private' });
  res.flushHeaders();
  res.on('close', () => log.destroy());
  log.on('error', () => res.destroy());
  log.pipe(res);
}

/** WebSocket subprotocols of a log stream (upstream wsstream's Reader): raw binary messages, or base64 text. */
const LOG_WS_PROTOCOLS = ['binary.k8s.io', 'base64.binary.k8s.io'] as const;

/** pods/{name}/log over a WebSocket: each chunk of the log one message, then a normal close. */
async function podLogWebSocket(sc: StreamingContext, req: http.IncomingMessage, socket: Duplex, head: Buffer, namespace: string, name: string, q: Query): Promise<void> {
  const offered = (req.headers['sec-websocket-protocol'] ?? '').split(',').map((x) => x.trim()).filter(Boolean);
  const protocol = offered.length === 0 ? '' : LOG_WS_PROTOCOLS.find((p) => offered.includes(p));
  if (protocol === undefined) throw badRequest(`none of the offered WebSocket subprotocols ${JSON.stringify(offered.join(', '))} is supported (want binary.k8s.io or base64.binary.k8s.io)`);
  const log = await openPodLog(sc, namespace, name, q);
  await acceptWebSocket(req, socket, head, protocol, (ws) => {
    if (!log) { ws.close(1000); return; }
    const throttle = throttleTo(ws, log);
    log.on('data', (d: Buffer) => {
      if (ws.readyState !== ws.OPEN) return;
      if (protocol === 'base64.binary.k8s.io') ws.send(d.toString('base64'));
      else ws.send(d);
      throttle();
    });
    log.on('end', () => { if (ws.readyState === ws.OPEN) ws.close(1000); });
    log.on('error', () => ws.terminate());
    ws.on('close', () => log.destroy());
    ws.on('error', () => log.destroy());
  }, log ?? { destroy: () => undefined });
}

const enc = encodeURIComponent;

/** The agent's refusal as a Status: its own Status if it sent one, else BadRequest with its text (upstream's GenericHttpResponseChecker). */
function agentError(code: number, body: Buffer): StatusError {
  try {
    const s = JSON.parse(body.toString('utf8')) as { kind?: string; message?: string; reason?: string; code?: number };
    if (s.kind === 'Status' && typeof s.message === 'string') {
      // The agent's client errors pass through; anything else it failed at is a bad request for this pod.
      if (s.code === 404) return new StatusError(404, 'NotFound', s.message);
      return badRequest(s.message);
    }
  } catch {
    // Plain text.
  }
  return badRequest(body.toString('utf8').trim() || `the agent answered ${code}`);
}

// --- exec, attach, port-forward -------------------------------------------------------------

/** Answers a refused upgrade with its Status (kubectl's WebSocket client then falls back to SPDY). */
function refuse(socket: Duplex, e: unknown, logger?: Logger): void {
  const err = toStatusError(e);
  if (err.code >= 500) logger?.warn('streaming request failed', { error: err.message });
  writeResponse(socket, err.code, 'application/json', JSON.stringify(err.toStatus()));
}

/** An upgrade request on pods/{exec,attach,portforward}. */
export function handleStreamingUpgrade(sc: StreamingContext, req: http.IncomingMessage, socket: Duplex, head: Buffer, r: ResourceRequest, q: Query): void {
  socket.on('error', () => socket.destroy());
  upgrade(sc, req, socket, head, r, q).catch((e: unknown) => refuse(socket, e, sc.logger));
}

async function upgrade(sc: StreamingContext, req: http.IncomingMessage, socket: Duplex, head: Buffer, r: ResourceRequest, q: Query): Promise<void> {
  const sub = r.subresource;
  if (r.resource.group !== '' || r.resource.plural !== 'pods' || !r.namespace || !r.name || (sub !== 'exec' && sub !== 'attach' && sub !== 'portforward' && sub !== 'log')) {
    throw badRequest('connection upgrades are served only by pods/exec, pods/attach, pods/portforward and (WebSocket) pods/log');
  }
  if (sub === 'log') {
    if ((req.headers.upgrade ?? '').toLowerCase() !== 'websocket' || req.method !== 'GET') throw badRequest('pods/log upgrades only to a WebSocket, with GET');
    return podLogWebSocket(sc, req, socket, head, r.namespace, r.name, q);
  }
  if (req.method !== 'GET' && req.method !== 'POST') throw methodNotAllowed(req.method ?? '', sub === 'portforward' ? 'PodPortForwardOptions' : sub === 'exec' ? 'PodExecOptions' : 'PodAttachOptions');
  const pod = sc.getPod(r.namespace, r.name);
  const websocket = (req.headers.upgrade ?? '').toLowerCase() === 'websocket';
  const spdy = (req.headers.upgrade ?? '').toLowerCase() === 'spdy/3.1';
  if (!websocket && !spdy) throw badRequest(`unsupported upgrade protocol ${JSON.stringify(req.headers.upgrade ?? '')}`);

  let path: string;
  const forward = new URLSearchParams();
  let opts = { stdin: false, stdout: false, stderr: false, tty: false };
  if (sub === 'portforward') {
    if (!pod.spec?.nodeName) throw badRequest(`pod ${r.name} does not have a host assigned`);
    for (const p of q.getAll('ports')) forward.append('port', p);
    path = `/portForward/${enc(r.namespace)}/${enc(r.name)}`;
  } else {
    const container = selectContainer(pod, q.get('container'), true);
    const phase = pod.status?.phase;
    if (phase === 'Succeeded' || phase === 'Failed') {
      throw badRequest(`cannot ${sub === 'exec' ? 'exec into' : 'attach to'} a container in a completed pod; current phase is ${phase}`);
    }
    opts = { stdin: isTrue(q, 'stdin'), stdout: isTrue(q, 'stdout'), stderr: isTrue(q, 'stderr'), tty: isTrue(q, 'tty') };
    if (!opts.stdin && !opts.stdout && !opts.stderr) throw badRequest('you must specify at least 1 of stdin, stdout, stderr');
    if (opts.tty && opts.stderr) throw badRequest('tty and stderr cannot both be true');
    if (sub === 'exec') {
      const command = q.getAll('command');
      if (command.length === 0) throw badRequest('you must specify a command');
      for (const c of command) forward.append('command', c);
    }
    for (const [k, v] of Object.entries(opts)) if (v) forward.set(k, 'true');
    path = `/${sub}/${enc(r.namespace)}/${enc(r.name)}/${enc(container)}`;
  }
  const base = agentLocation(pod, sc.getNode(pod.spec!.nodeName!));
  const url = new URL(`${path}${forward.size ? `?${forward}` : ''}`, base);
  const tls = await sc.credentials();

  if (spdy) {
    const result = await dialAgent(url, 'POST', upgradeHeaders(req), tls);
    write101(socket, result.rawHeaders);
    splice(socket, result.socket, head, result.head);
    return;
  }

  // WebSocket.
  const offered = req.headers['sec-websocket-protocol'];
  if (sub === 'portforward') {
    const list = (offered ?? '').split(',').map((s) => s.trim());
    if (!list.includes(PORT_FORWARD_WS_PROTOCOL)) throw badRequest(`port-forward over WebSocket needs the subprotocol ${PORT_FORWARD_WS_PROTOCOL}`);
    const result = await dialAgent(url, 'POST', { Connection: 'Upgrade', Upgrade: 'SPDY/3.1', 'X-Stream-Protocol-Version': PORT_FORWARD_PROTOCOL, 'Content-Length': '0' }, tls);
    await acceptWebSocket(req, socket, head, PORT_FORWARD_WS_PROTOCOL, (ws) => tunnel(ws, result.socket, result.head), result.socket);
    return;
  }
  const protocol = negotiateWsProtocol(offered);
  if (!protocol) throw badRequest(`none of the offered WebSocket subprotocols ${JSON.stringify(offered ?? '')} is supported (want v5.channel.k8s.io or v4.channel.k8s.io)`);
  const result = await dialAgent(url, 'POST', { Connection: 'Upgrade', Upgrade: 'SPDY/3.1', 'X-Stream-Protocol-Version': SPDY_REMOTECOMMAND_PROTOCOL, 'Content-Length': '0' }, tls);
  const streams = await openRemoteCommand(result.socket, result.head, opts).catch((e: unknown) => {
    throw badRequest(`unable to start the ${sub} session: ${(e as Error).message}`);
  });
  await acceptWebSocket(req, socket, head, protocol, (ws) => bridgeWebSocket(ws, protocol, streams), result.socket);
}

async function dialAgent(url: URL, method: string, headers: Record<string, string | string[]>, tls: KubeletCredentials): Promise<Extract<UpgradeResult, { upgraded: true }>> {
  let result: UpgradeResult;
  try {
    result = await dialUpgrade({ url, method, headers, tls });
  } catch (e) {
    throw badRequest(`unable to reach the node agent at ${url.host}: ${(e as Error).message}`);
  }
  if (!result.upgraded) throw agentError(result.statusCode, result.body);
  result.socket.on('error', () => result.socket.destroy());
  return result;
}

/** ws is loaded on the first WebSocket session, not at API server start. */
let wsModule: Promise<{ WebSocketServer: typeof WebSocketServer }> | undefined;

async function acceptWebSocket(req: http.IncomingMessage, socket: Duplex, head: Buffer, protocol: string, onOpen: (ws: WebSocket) => void, upstream: { destroy(): unknown }): Promise<void> {
  const { WebSocketServer: Server } = await (wsModule ??= import('ws'));
  const server = new Server({ noServer: true, perMessageDeflate: false, clientTracking: false, handleProtocols: () => protocol || false });
  socket.on('close', () => upstream.destroy());
  server.handleUpgrade(req, socket, head, (ws) => onOpen(ws));
}

/** WebSocket binary messages carry the raw SPDY bytes of the tunnelled connection. */
function tunnel(ws: WebSocket, upstream: Duplex, upstreamHead: Buffer): void {
  if (upstreamHead.length) ws.send(upstreamHead);
  const throttle = throttleTo(ws, upstream);
  upstream.on('data', (d: Buffer) => { if (ws.readyState === ws.OPEN) { ws.send(d); throttle(); } });
  upstream.on('close', () => { if (ws.readyState === ws.OPEN) ws.close(1000); });
  ws.on('message', (raw: Buffer | ArrayBuffer | Buffer[]) => {
    const b = Array.isArray(raw) ? Buffer.concat(raw) : Buffer.isBuffer(raw) ? raw : Buffer.from(raw);
    if (!upstream.destroyed) writeFromWebSocket(ws, upstream, b);
  });
  ws.on('close', () => upstream.destroy());
  ws.on('error', () => upstream.destroy());
}
