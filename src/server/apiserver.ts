// The API server: TLS, authentication, then a resource request (the hot path), one of the
// fixed documents (discovery, version, health), or an extension route served by express.

import https from 'node:https';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type express from 'express';
import { Authenticator, type UserInfo, USER_ANONYMOUS, GROUP_UNAUTHENTICATED, bearerToken } from './authn.ts';
import { StatusError, badRequest, pathNotFound, toStatusError, unauthorized } from './errors.ts';
import { resolvePath } from './requestinfo.ts';
import { OpenAPIService } from './openapi.ts';
import { type RestContext, handleResource } from './rest.ts';
import { sendJson, sendStatusError } from './respond.ts';
import { aggregatedContentType, aggregatedVersionAccepted, buildDiscovery } from './discovery.ts';
import type { Logger } from '../log.ts';
import { handleStreamingUpgrade } from './streaming/index.ts';
import { writeResponse } from './streaming/upgrade.ts';
import { matchProxy, proxy } from './streaming/proxy.ts';

export interface ApiServerOptions {
  tls: { key: string; cert: string; ca: string };
  authenticator: Authenticator;
  rest: RestContext;
  logger: Logger;
  /** Answers /readyz once everything the server depends on is up. */
  ready: () => boolean;
  /**
   * The loopback endpoint for the components in this process (upstream's loopback client
   * config): plain HTTP on a local socket, each request carrying the token, which stands for
   * the user given. It skips TLS and TCP, which cost the server and every in-process client
   * more CPU per small request than the request itself.
   */
  loopback?: { socketPath: string; token: string; user: UserInfo };
}

const ANONYMOUS: UserInfo = { username: USER_ANONYMOUS, groups: [GROUP_UNAUTHENTICATED] };

export const VERSION_INFO = {
  major: '1',
  minor: '32',
  gitVersion: 'v1.32.0+skiff',
  gitCommit: '0000000000000000000000000000000000000000',
  gitTreeState: 'clean',
  buildDate: '2026-01-01T00:00:00Z',
  goVersion: 'go1.23.4',
  compiler: 'gc',
  platform: `linux/${process.arch === 'x64' ? 'amd64' : process.arch}`,
};

/** Paths anyone may read without credentials, as upstream's system:public-info-viewer allows. */
function isPublicPath(path: string): boolean {
  return path === '/version' || path === '/healthz' || path === '/livez' || path === '/readyz'
    || path.startsWith('/healthz/') || path.startsWith('/livez/') || path.startsWith('/readyz/');
}

/** Constant-time comparison of two token strings, allocating nothing (it runs per loopback request). */
function tokensEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

type Handler = (req: http.IncomingMessage, res: http.ServerResponse, next: () => void) => void;

export class ApiServer {
  readonly server: https.Server;
  private loopbackServer?: http.Server;
  /** The connections to the loopback socket: only these may present the loopback token. */
  private readonly loopbackSockets = new WeakSet<object>();
  /** Non-API routes (extensions) go through express, loaded after start so it never delays readiness. */
  private extensions?: Promise<Handler>;
  private discovery = buildDiscovery('127.0.0.1:6443');
  /** Documents are built on first request (and cached), never at startup. */
  private readonly openapi = new OpenAPIService({ version: VERSION_INFO.gitVersion });

  constructor(private readonly opts: ApiServerOptions) {
    this.server = https.createServer({
      key: opts.tls.key,
      cert: opts.tls.cert,
      ca: opts.tls.ca,
      requestCert: true,
      rejectUnauthorized: false,
      // Long-lived watches and kubectl's keep-alive connections.
      keepAlive: true,
      keepAliveTimeout: 65_000,
      requestTimeout: 0,
      headersTimeout: 60_000,
    }, (req, res) => this.handle(req, res));
    // Connection upgrades: pods/exec, attach and portforward (WebSocket or SPDY/3.1).
    this.server.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => this.handleUpgrade(req, socket, head));
    this.server.on('clientError', (_err, socket) => {
      if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
      else socket.destroy();
    });
  }

  async listen(port: number, host = '127.0.0.1'): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      // A deep accept queue: a thousand node agents connecting at once must not see resets.
      this.server.listen({ port, host, backlog: 4096 }, () => { this.server.off('error', reject); resolve(); });
    });
    const actual = (this.server.address() as AddressInfo).port;
    this.discovery = buildDiscovery(`${host === '0.0.0.0' ? '127.0.0.1' : host}:${actual}`);
    if (this.opts.loopback) await this.listenLoopback(this.opts.loopback.socketPath);
    return actual;
  }

  private async listenLoopback(socketPath: string): Promise<void> {
    const server = http.createServer({ keepAlive: true, keepAliveTimeout: 65_000, requestTimeout: 0, headersTimeout: 60_000 }, (req, res) => this.handle(req, res));
    server.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => this.handleUpgrade(req, socket, head));
    server.on('connection', (socket: Duplex) => this.loopbackSockets.add(socket));
    server.on('clientError', (_err, socket) => socket.destroy());
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ path: socketPath, backlog: 4096 }, () => { server.off('error', reject); resolve(); });
    });
    this.loopbackServer = server;
  }

  async close(): Promise<void> {
    await Promise.all([this.server, this.loopbackServer].map((server) => server && new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    })));
  }

  /** The request's user: the loopback token on the loopback socket, else what the authenticator finds. */
  private authenticate(req: http.IncomingMessage): UserInfo | undefined {
    const loopback = this.opts.loopback;
    if (loopback && this.loopbackSockets.has(req.socket)) {
      const h = req.headers.authorization;
      const token = h === undefined ? undefined : bearerToken(h);
      if (token !== undefined && tokensEqual(token, loopback.token)) return loopback.user;
    }
    return this.opts.authenticator.authenticate(req);
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    let user: UserInfo | undefined;
    if (!isPublicPath(path)) {
      user = this.authenticate(req);
      if (!user) {
        sendStatusError(req, res, unauthorized());
        return;
      }
    }
    try {
      if (path.startsWith('/openapi/') && this.openapi.handle(req, res, path)) return;
      const proxied = this.opts.rest.streaming && path.includes('/proxy') ? matchProxy(path) : undefined;
      if (proxied) {
        proxy(this.opts.rest.streaming!, req, res, proxied, q < 0 ? '' : url.slice(q)).catch((e: unknown) => this.fail(req, res, e));
        return;
      }
      if (path.startsWith('/api/') || path.startsWith('/apis/')) {
        const resolved = resolvePath(path);
        if (resolved.kind === 'resource') {
          const query = new URLSearchParams(q < 0 ? '' : url.slice(q + 1));
          handleResource(this.opts.rest, req, res, resolved.request, query, user ?? ANONYMOUS).catch((e: unknown) => this.fail(req, res, e));
          return;
        }
        if (resolved.kind === 'unknown-resource') throw pathNotFound();
      }
      if (this.serveBuiltin(req, res, path)) return;
    } catch (e) {
      this.fail(req, res, e);
      return;
    }
    const notFound = () => sendStatusError(req, res, pathNotFound());
    this.loadExtensions().then((ext) => ext(req, res, notFound), (e: unknown) => this.fail(req, res, e));
  }

  private handleUpgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer): void {
    const refuse = (e: StatusError) => writeResponse(socket, e.code, 'application/json', JSON.stringify(e.toStatus()));
    socket.on('error', () => socket.destroy());
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    const user = this.authenticate(req);
    if (!user) return refuse(unauthorized());
    try {
      const resolved = path.startsWith('/api/') || path.startsWith('/apis/') ? resolvePath(path) : undefined;
      if (resolved?.kind !== 'resource' || !this.opts.rest.streaming) throw badRequest(`no connection upgrade is served at ${path}`);
      handleStreamingUpgrade(this.opts.rest.streaming, req, socket, head, resolved.request, new URLSearchParams(q < 0 ? '' : url.slice(q + 1)));
    } catch (e) {
      refuse(toStatusError(e));
    }
  }

  /** Discovery, version and health: small fixed documents every kubectl command asks for. */
  private serveBuiltin(req: http.IncomingMessage, res: http.ServerResponse, path: string): boolean {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    if (path === '/healthz' || path === '/livez' || path.startsWith('/healthz/') || path.startsWith('/livez/')) {
      sendText(res, 200, 'ok');
      return true;
    }
    if (path === '/readyz' || path.startsWith('/readyz/')) {
      if (this.opts.ready()) sendText(res, 200, 'ok');
      else sendText(res, 503, '[-]startup not finished\nreadyz check failed');
      return true;
    }
    if (path === '/version') {
      sendJson(res, 200, VERSION_JSON);
      return true;
    }
    if (path === '/api' || path === '/apis') {
      const v = aggregatedVersionAccepted(req.headers.accept);
      if (v) {
        const body = path === '/api' ? this.discovery.aggregatedApi[v] : this.discovery.aggregatedApis[v];
        res.writeHead(200, { 'Content-Type': aggregatedContentType(v), 'Content-Length': Buffer.byteLength(body) });
        res.end(body);
        return true;
      }
    }
    const doc = this.discovery.legacy.get(path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path);
    if (doc) {
      sendJson(res, 200, doc);
      return true;
    }
    return false;
  }

  /** Loaded on first use: importing express costs about 100 ms that startup need not pay. */
  private loadExtensions(): Promise<Handler> {
    return (this.extensions ??= this.buildExtensions());
  }

  private async buildExtensions(): Promise<Handler> {
    const { default: express } = await import('express');
    const app = express();
    app.disable('x-powered-by');
    app.disable('etag');
    app.set('query parser', false);
    app.use((err: unknown, req: express.Request, res: express.Response, _next: express.NextFunction) => {
      this.fail(req, res, err);
    });
    return app as unknown as Handler;
  }

  private fail(req: http.IncomingMessage, res: http.ServerResponse, e: unknown): void {
    const err = toStatusError(e);
    if (!(e instanceof StatusError)) this.opts.logger.error('request failed', { method: req.method, url: req.url, error: e instanceof Error ? e.stack : String(e) });
    sendStatusError(req, res, err);
  }
}

const VERSION_JSON = JSON.stringify(VERSION_INFO, null, 2);

function sendText(res: http.ServerResponse, code: number, body: string): void {
  res.writeHead(code, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}
