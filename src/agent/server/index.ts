// The agent's own HTTPS endpoint: the kubelet's port-10250 API (pkg/kubelet/server/server.go)
// that the API server proxies pods/log, exec, attach and portforward to. Callers present a
// client certificate signed by the cluster CA. Logs are read from the CRI log files; exec,
// attach and port-forward are SPDY/3.1 upgrades spliced through to the runtime's streaming
// server (containerd's, on loopback), as the kubelet's proxying stream handlers do.

import https from 'node:https';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { TLSSocket } from 'node:tls';
import { copyContainerLog, type LogOptions } from './logs.ts';
import { selfSignedServingCert } from './cert.ts';
import { dialUpgrade, splice, upgradeHeaders, write101, writeResponse } from '../../server/streaming/upgrade.ts';
import {
  KubernetesContainerNameLabel, KubernetesPodNameLabel, KubernetesPodNamespaceLabel,
  type Container, type ContainerRuntime, type PodSandbox,
} from '../runtime/types.ts';
import type { Logger } from '../../log.ts';

export interface AgentServerOptions {
  runtime: ContainerRuntime;
  nodeName: string;
  /** CA whose client certificates may call (the cluster CA). */
  clientCaPem: string;
  /** Serving certificate; self-signed for the node when not given. */
  tls?: { certPem: string; keyPem: string };
  /**
   * Where pod logs live in the kubelet's layout (`<dir>/<ns>_<pod>_<uid>/<container>/<restartCount>.log`):
   * logs of containers already removed from the runtime (a completed pod's) are read from there.
   */
  podLogsDir?: string;
  /** Listen address (default 127.0.0.1). */
  host?: string;
  /** 0 picks a free port (default). */
  port?: number;
  logger?: Logger;
}

export interface AgentServer {
  readonly host: string;
  readonly port: number;
  close(): Promise<void>;
}

export async function startAgentServer(o: AgentServerOptions): Promise<AgentServer> {
  const host = o.host ?? '127.0.0.1';
  const tls = o.tls ?? await selfSignedServingCert(o.nodeName, [host]);
  const handler = new AgentHandler(o);
  const server = https.createServer({
    key: tls.keyPem, cert: tls.certPem, ca: o.clientCaPem, requestCert: true, rejectUnauthorized: false,
    keepAlive: true, requestTimeout: 0,
  }, (req, res) => { handler.handle(req, res).catch((e: unknown) => handler.fail(res, e)); });
  server.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    handler.upgrade(req, socket, head).catch((e: unknown) => writeStatus(socket, errorStatus(e)));
  });
  server.on('clientError', (_e, socket) => socket.destroy());
  const sockets = new Set<Duplex>();
  server.on('connection', (s: Socket) => { sockets.add(s); s.on('close', () => sockets.delete(s)); });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port ?? 0, host, () => { server.off('error', reject); resolve(); });
  });
  const port = (server.address() as AddressInfo).port;
  return {
    host,
    port,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      for (const s of sockets) s.destroy();
      handler.closeAll();
    }),
  };
}

/** A metav1.Status-shaped failure the agent answers with. */
interface Failure { code: number; reason: string; message: string }

class AgentError extends Error {
  constructor(readonly code: number, readonly reason: string, message: string) { super(message); }
}
const badRequest = (m: string) => new AgentError(400, 'BadRequest', m);
const notFound = (m: string) => new AgentError(404, 'NotFound', m);

function errorStatus(e: unknown): Failure {
  if (e instanceof AgentError) return { code: e.code, reason: e.reason, message: e.message };
  return { code: 500, reason: 'InternalError', message: e instanceof Error ? e.message : String(e) };
}

function statusJson(f: Failure): string {
  return JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: f.message, reason: f.reason, code: f.code });
}

function writeStatus(socket: Duplex, f: Failure): void {
  writeResponse(socket, f.code, 'application/json', statusJson(f));
}

const boolParam = (q: URLSearchParams, name: string): boolean => {
  const v = q.get(name);
  return v === 'true' || v === '1';
};

function intParam(q: URLSearchParams, name: string): number | undefined {
  const v = q.get(name);
  if (v === null || v === '') return undefined;
  if (!/^-?\d+$/.test(v)) throw badRequest(`invalid ${name}: ${JSON.stringify(v)}`);
  return Number(v);
}

const STREAM_PATHS = /^\/(exec|attach)\/([^/]+)\/([^/]+)\/([^/]+)$|^\/(portForward)\/([^/]+)\/([^/]+)$/;

class AgentHandler {
  private readonly open = new Set<Duplex>();

  constructor(private readonly o: AgentServerOptions) {}

  closeAll(): void {
    for (const s of this.open) s.destroy();
  }

  fail(res: http.ServerResponse, e: unknown): void {
    const f = errorStatus(e);
    if (f.code >= 500) this.o.logger?.warn('agent server request failed', { error: f.message });
    if (res.headersSent) { res.destroy(); return; }
    const body = statusJson(f);
    res.writeHead(f.code, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
    res.end(body);
  }

  private authorized(req: http.IncomingMessage): boolean {
    const s = req.socket as TLSSocket;
    return s.authorized === true;
  }

  async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'https://agent');
    if (url.pathname === '/healthz') {
      res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('ok');
      return;
    }
    if (!this.authorized(req)) throw new AgentError(401, 'Unauthorized', 'Unauthorized');
    const logs = /^\/containerLogs\/([^/]+)\/([^/]+)\/([^/]+)$/.exec(url.pathname);
    if (logs) {
      if (req.method !== 'GET') throw new AgentError(405, 'MethodNotAllowed', `${req.method} is not allowed`);
      return this.containerLogs(res, decodeURIComponent(logs[1]!), decodeURIComponent(logs[2]!), decodeURIComponent(logs[3]!), url.searchParams);
    }
    if (STREAM_PATHS.test(url.pathname)) throw badRequest('Upgrade request required');
    throw notFound(`the server could not find the requested resource (${url.pathname})`);
  }

  // --- logs ------------------------------------------------------------------------------

  private async containerLogs(res: http.ServerResponse, ns: string, pod: string, container: string, q: URLSearchParams): Promise<void> {
    const previous = boolParam(q, 'previous');
    const opts: LogOptions = {
      follow: boolParam(q, 'follow') && !previous,
      timestamps: boolParam(q, 'timestamps'),
      tailLines: intParam(q, 'tailLines'),
      limitBytes: intParam(q, 'limitBytes'),
    };
    const sinceSeconds = intParam(q, 'sinceSeconds');
    const sinceTime = q.get('sinceTime');
    if (sinceSeconds !== undefined) opts.sinceMs = Date.now() - sinceSeconds * 1000;
    else if (sinceTime) {
      const t = Date.parse(sinceTime);
      if (Number.isNaN(t)) throw badRequest(`invalid sinceTime: ${JSON.stringify(sinceTime)}`);
      opts.sinceMs = t;
    }
    const runtime = this.o.runtime;
    const target = await this.logTarget(ns, pod, container, previous);
    if (!target) {
      throw badRequest(previous ? `previous terminated container "${container}" in pod "${pod}" not found` : `container "${container}" in pod "${pod}" is waiting to start - no logs yet`);
    }
    const abort = new AbortController();
    res.on('close', () => abort.abort());
    res.writeHead(200, { 'Content-Type': 'text/plain', 'Transfer-Encoding': 'chunked', 'Cache-Control': 'no-cache' });
    res.flushHeaders();
    const sink = {
      get closed() { return res.destroyed || res.writableEnded; },
      write: (chunk: Buffer) => new Promise<void>((resolve) => {
        if (res.write(chunk)) resolve();
        else {
          const done = () => { res.off('drain', done); res.off('close', done); resolve(); };
          res.on('drain', done);
          res.on('close', done);
        }
      }),
    };
    try {
      await copyContainerLog(target.logPath, opts, sink, {
        signal: abort.signal,
        isRunning: async () => target.containerId !== '' && (await runtime.containerStatus(target.containerId)).state === 'CONTAINER_RUNNING',
      });
    } catch (e) {
      // Headers are out: all we can do is end the body.
      this.o.logger?.warn('reading container log failed', { pod: `${ns}/${pod}`, container, error: (e as Error).message });
    }
    if (!res.destroyed) res.end();
  }

  /**
   * The log file to read. Upstream picks the container from the pod status: the running one,
   * else the last terminated; previous is the instance before a running one, or the last
   * terminated while the next one waits. An instance already removed from the runtime still
   * has its file beside the current one (`<container>/<restartCount>.log`).
   */
  private async logTarget(ns: string, pod: string, container: string, previous: boolean): Promise<{ logPath: string; containerId: string } | undefined> {
    const runtime = this.o.runtime;
    const containers = await this.containersOf(ns, pod, container);
    const newest = containers[0];
    if (!newest) {
      // Gone from the runtime (the pod completed): its files remain while the pod exists.
      const files = await this.logFiles(ns, pod, container);
      const file = previous ? files[1] : files[0];
      return file ? { logPath: file, containerId: '' } : undefined;
    }
    const pathOf = async (c: Container) => {
      const status = await runtime.containerStatus(c.id);
      if (!status.logPath) throw badRequest(`container "${container}" in pod "${pod}" has no log file`);
      return { logPath: status.logPath, containerId: c.id };
    };
    if (!previous || newest.state === 'CONTAINER_EXITED') return pathOf(newest);
    const before = containers.find((c) => c.metadata.attempt === newest.metadata.attempt - 1);
    if (before) return pathOf(before);
    const current = await pathOf(newest);
    const m = /^(.*\/)(\d+)\.log$/.exec(current.logPath);
    if (!m || Number(m[2]) === 0) return undefined;
    const logPath = `${m[1]}${Number(m[2]) - 1}.log`;
    return (await stat(logPath).catch(() => undefined))?.isFile() ? { logPath, containerId: newest.id } : undefined;
  }

  /** A container's log files under podLogsDir, newest instance first. */
  private async logFiles(ns: string, pod: string, container: string): Promise<string[]> {
    const root = this.o.podLogsDir;
    if (!root) return [];
    // Names and namespaces cannot hold '_', so the prefix is unambiguous; the newest uid wins.
    const prefix = `${ns}_${pod}_`;
    const dirs = (await readdir(root).catch(() => [] as string[])).filter((d) => d.startsWith(prefix) && !d.slice(prefix.length).includes('_'));
    const withTimes = await Promise.all(dirs.map(async (d) => ({ d, t: (await stat(join(root, d)).catch(() => undefined))?.mtimeMs ?? 0 })));
    const dir = withTimes.sort((a, b) => b.t - a.t)[0]?.d;
    if (!dir) return [];
    const files = await readdir(join(root, dir, container)).catch(() => [] as string[]);
    return files.filter((f) => /^\d+\.log$/.test(f)).sort((a, b) => parseInt(b, 10) - parseInt(a, 10)).map((f) => join(root, dir, container, f));
  }

  /** The pod's instances of a container, newest first. */
  private async containersOf(ns: string, pod: string, container: string): Promise<Container[]> {
    const list = await this.o.runtime.listContainers({
      labelSelector: { [KubernetesPodNamespaceLabel]: ns, [KubernetesPodNameLabel]: pod, [KubernetesContainerNameLabel]: container },
    });
    return list.sort((a, b) => (b.metadata.attempt - a.metadata.attempt) || (b.createdAt - a.createdAt));
  }

  private async sandboxOf(ns: string, pod: string): Promise<PodSandbox | undefined> {
    const list = await this.o.runtime.listPodSandbox({
      labelSelector: { [KubernetesPodNamespaceLabel]: ns, [KubernetesPodNameLabel]: pod },
      state: { state: 'SANDBOX_READY' },
    });
    return list.sort((a, b) => b.createdAt - a.createdAt)[0];
  }

  // --- exec, attach, port-forward -----------------------------------------------------------

  async upgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    this.open.add(socket);
    socket.on('close', () => this.open.delete(socket));
    socket.on('error', () => socket.destroy());
    if (!this.authorized(req)) throw new AgentError(401, 'Unauthorized', 'Unauthorized');
    const url = new URL(req.url ?? '/', 'https://agent');
    const m = STREAM_PATHS.exec(url.pathname);
    if (!m) throw notFound(`the server could not find the requested resource (${url.pathname})`);
    if ((req.headers.upgrade ?? '').toLowerCase() !== 'spdy/3.1') throw badRequest(`unsupported upgrade protocol ${JSON.stringify(req.headers.upgrade ?? '')}: this endpoint speaks SPDY/3.1`);
    const runtime = this.o.runtime;
    if (!runtime.exec || !runtime.attach || !runtime.portForward) throw badRequest(`the container runtime of node ${this.o.nodeName} does not support streaming`);
    const q = url.searchParams;
    let target: string;
    if (m[5] === 'portForward') {
      const ns = decodeURIComponent(m[6]!), pod = decodeURIComponent(m[7]!);
      const sandbox = await this.sandboxOf(ns, pod);
      if (!sandbox) throw notFound(`pod "${pod}" in namespace "${ns}" has no running sandbox on node ${this.o.nodeName}`);
      const ports = q.getAll('port').map(Number).filter((p) => Number.isInteger(p) && p > 0 && p < 65536);
      target = await runtime.portForward(sandbox.id, ports);
    } else {
      const ns = decodeURIComponent(m[2]!), pod = decodeURIComponent(m[3]!), container = decodeURIComponent(m[4]!);
      const running = (await this.containersOf(ns, pod, container)).find((c) => c.state === 'CONTAINER_RUNNING');
      if (!running) throw badRequest(`container not found (${JSON.stringify(container)})`);
      const stdin = boolParam(q, 'stdin'), stdout = boolParam(q, 'stdout'), stderr = boolParam(q, 'stderr'), tty = boolParam(q, 'tty');
      if (!stdin && !stdout && !stderr) throw badRequest('you must specify at least 1 of stdin, stdout, stderr');
      if (tty && stderr) throw badRequest('tty and stderr cannot both be true');
      if (m[1] === 'exec') {
        const cmd = q.getAll('command');
        if (cmd.length === 0) throw badRequest('you must specify a command');
        target = await runtime.exec({ containerId: running.id, cmd, tty, stdin, stdout, stderr });
      } else {
        target = await runtime.attach({ containerId: running.id, tty, stdin, stdout, stderr });
      }
    }
    const backend = new URL(target);
    // The runtime's streaming server is local; never follow a URL anywhere else.
    if (!isLoopback(backend.hostname)) throw new AgentError(502, 'BadGateway', `refusing to dial the runtime streaming URL ${backend.host}: not a loopback address`);
    const result = await dialUpgrade({ url: backend, method: req.method ?? 'POST', headers: upgradeHeaders(req) });
    if (!result.upgraded) {
      writeResponse(socket, result.statusCode, result.headers['content-type'] ?? 'text/plain', result.body);
      return;
    }
    this.open.add(result.socket);
    result.socket.on('close', () => this.open.delete(result.socket));
    write101(socket, result.rawHeaders);
    splice(socket, result.socket, head, result.head);
  }
}

export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^127\.\d+\.\d+\.\d+$/.test(h);
}
