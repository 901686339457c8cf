// /openapi/v2 and /openapi/v3: the OpenAPI documents kubectl reads for explain, client-side and
// server-side field validation checks, and apply's patch computation (see kubectl-wire.md §4).
//
//   GET /openapi/v3                  {"paths":{"api/v1":{"serverRelativeURL":"/openapi/v3/api/v1?hash=…"},…}}
//   GET /openapi/v3/api/v1?hash=…    the group-version document (JSON)
//   GET /openapi/v3/apis/<g>/<v>
//   GET /openapi/v2                  Swagger 2.0: gnostic protobuf (kubectl 1.27/1.28) or JSON
//
// Nothing is built at construction: the schema model and each document are generated on first
// request and cached with their ETag (upstream's SHA-512 hash), gzip variant and Last-Modified.
// Conditional requests (If-None-Match / If-Modified-Since) get 304; a stale `?hash=` is redirected
// to the current one (301) as upstream does; a matching one is served `Cache-Control: public, immutable`.

import type http from 'node:http';
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { OPENAPI_INFO_VERSION, buildV2Document, buildV3Document, groupVersionKeys } from '../../api/openapi/documents.ts';
import { encodeV2Document } from '../../api/openapi/protobuf.ts';

const PROTO_V2 = 'com.github.proto-openapi.spec.v2.v1.0+protobuf';
const PROTO_V2_DEPRECATED = 'com.github.proto-openapi.spec.v2@v1.0+protobuf';
const PROTO_V2_CONTENT_TYPE = `application/${PROTO_V2}`;
const JSON_CONTENT_TYPE = 'application/json';
/** Bodies smaller than this are sent uncompressed even when gzip is accepted. */
const GZIP_MIN_BYTES = 1400;

interface Built {
  body: Buffer;
  etag: string; // upper-case hex SHA-512, as upstream
  lastModified: string;
  contentType: string;
  gzipped?: Buffer;
}

function built(body: Buffer, contentType: string): Built {
  return {
    body,
    etag: createHash('sha512').update(body).digest('hex').toUpperCase(),
    lastModified: new Date().toUTCString(),
    contentType,
  };
}

interface AcceptClause { type: string; subtype: string; q: number }

/** Accept header clauses, best first (goautoneg order: q, then specificity). */
function parseAccept(header: string | undefined): AcceptClause[] {
  const clauses: AcceptClause[] = [];
  for (const part of (header && header.trim() ? header : '*/*').split(',')) {
    const [range, ...params] = part.trim().split(';');
    const slash = range.indexOf('/');
    if (slash < 0) continue;
    let q = 1;
    for (const p of params) {
      const [k, v] = p.trim().split('=');
      if (k === 'q') q = Number(v);
    }
    if (!(q > 0)) continue;
    clauses.push({ type: range.slice(0, slash).trim(), subtype: range.slice(slash + 1).trim(), q });
  }
  return clauses.map((c, i) => ({ c, i })).sort((a, b) => {
    if (a.c.q !== b.c.q) return b.c.q - a.c.q;
    const sa = (a.c.type === '*' ? 0 : 1) + (a.c.subtype === '*' ? 0 : 1);
    const sb = (b.c.type === '*' ? 0 : 1) + (b.c.subtype === '*' ? 0 : 1);
    return sb - sa || a.i - b.i;
  }).map((x) => x.c);
}

/** The first of `offered` subtypes (all `application/…`) the Accept header allows, in the header's order. */
function negotiate(header: string | undefined, offered: string[]): string | undefined {
  for (const c of parseAccept(header)) {
    for (const o of offered) {
      if ((c.type === 'application' || c.type === '*') && (c.subtype === o || c.subtype === '*')) return o;
    }
  }
  return undefined;
}

export interface OpenAPIServiceOptions {
  /** info.version of the documents (the server's gitVersion). */
  version?: string;
}

export class OpenAPIService {
  private readonly version: string;
  private v3 = new Map<string, Built>();
  private v3Index?: Built;
  private v2Json?: Built;
  private v2Proto?: Built;

  constructor(opts: OpenAPIServiceOptions = {}) {
    this.version = opts.version ?? OPENAPI_INFO_VERSION;
  }

  /** Serve `path` if it is an OpenAPI document path; false leaves the request to the caller. */
  handle(req: http.IncomingMessage, res: http.ServerResponse, path: string): boolean {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    if (path === '/openapi/v2') {
      this.serveV2(req, res);
      return true;
    }
    if (path === '/openapi/v3') {
      this.send(req, res, this.index(), {});
      return true;
    }
    if (path.startsWith('/openapi/v3/')) {
      this.serveGroupVersion(req, res, path.slice('/openapi/v3/'.length));
      return true;
    }
    return false;
  }

  /** Build everything now (e.g. from a timer after startup) instead of on the first request. */
  warm(): void {
    this.index();
  }

  private groupVersion(key: string): Built | undefined {
    let b = this.v3.get(key);
    if (!b) {
      const doc = buildV3Document(key, this.version);
      if (!doc) return undefined;
      b = built(Buffer.from(JSON.stringify(doc)), JSON_CONTENT_TYPE);
      this.v3.set(key, b);
    }
    return b;
  }

  private index(): Built {
    if (!this.v3Index) {
      const paths: Record<string, { serverRelativeURL: string }> = {};
      for (const key of groupVersionKeys()) {
        const b = this.groupVersion(key) as Built;
        paths[key] = { serverRelativeURL: `/openapi/v3/${key}?hash=${b.etag}` };
      }
      this.v3Index = built(Buffer.from(JSON.stringify({ paths })), JSON_CONTENT_TYPE);
    }
    return this.v3Index;
  }

  private serveGroupVersion(req: http.IncomingMessage, res: http.ServerResponse, key: string): void {
    const b = this.groupVersion(key);
    if (!b) {
      notFound(res);
      return;
    }
    if (!negotiate(req.headers.accept, ['json'])) {
      notAcceptable(res);
      return;
    }
    const hash = new URL(req.url ?? '/', 'http://x').searchParams.get('hash');
    if (hash !== null && hash !== '') {
      if (hash !== b.etag) {
        const location = `/openapi/v3/${key}?hash=${b.etag}`;
        res.writeHead(301, { Location: location, 'Content-Type': 'text/html; charset=utf-8', 'Content-Length': 0 });
        res.end();
        return;
      }
      this.send(req, res, b, {
        'Cache-Control': 'public, immutable',
        Expires: new Date(Date.now() + 365 * 24 * 3600 * 1000).toUTCString(),
      });
      return;
    }
    this.send(req, res, b, {});
  }

  private serveV2(req: http.IncomingMessage, res: http.ServerResponse): void {
    const which = negotiate(req.headers.accept, ['json', PROTO_V2_DEPRECATED, PROTO_V2]);
    if (!which) {
      notAcceptable(res);
      return;
    }
    if (which === 'json') {
      this.v2Json ??= built(Buffer.from(JSON.stringify(buildV2Document(this.version))), JSON_CONTENT_TYPE);
      this.send(req, res, this.v2Json, {});
      return;
    }
    this.v2Proto ??= built(encodeV2Document(buildV2Document(this.version)), PROTO_V2_CONTENT_TYPE);
    this.send(req, res, this.v2Proto, {});
  }

  private send(req: http.IncomingMessage, res: http.ServerResponse, b: Built, extra: Record<string, string>): void {
    const headers: Record<string, string | number> = {
      'Content-Type': b.contentType,
      ETag: `"${b.etag}"`,
      'Last-Modified': b.lastModified,
      'Cache-Control': 'no-cache, private',
      Vary: 'Accept, Accept-Encoding',
      'X-Content-Type-Options': 'nosniff',
      ...extra,
    };
    if (notModified(req, b)) {
      delete headers['Content-Type'];
      res.writeHead(304, headers);
      res.end();
      return;
    }
    let body = b.body;
    if (body.length >= GZIP_MIN_BYTES && acceptsGzip(req.headers['accept-encoding'])) {
      b.gzipped ??= gzipSync(b.body);
      body = b.gzipped;
      headers['Content-Encoding'] = 'gzip';
    }
    headers['Content-Length'] = body.length;
    res.writeHead(200, headers);
    res.end(req.method === 'HEAD' ? undefined : body);
  }
}

function notModified(req: http.IncomingMessage, b: Built): boolean {
  const inm = req.headers['if-none-match'];
  if (inm !== undefined) {
    return inm.split(',').some((t) => {
      const tag = t.trim().replace(/^W\//, '');
      return tag === '*' || tag === `"${b.etag}"`;
    });
  }
  const ims = req.headers['if-modified-since'];
  if (ims !== undefined) {
    const since = Date.parse(ims);
    return !Number.isNaN(since) && Date.parse(b.lastModified) <= since;
  }
  return false;
}

function acceptsGzip(header: string | string[] | undefined): boolean {
  const h = Array.isArray(header) ? header.join(',') : header;
  if (!h) return false;
  return h.split(',').some((p) => {
    const [coding, ...params] = p.trim().split(';');
    if (coding.trim().toLowerCase() !== 'gzip') return false;
    const q = params.map((x) => x.trim()).find((x) => x.startsWith('q='));
    return !q || Number(q.slice(2)) > 0;
  });
}

function notFound(res: http.ServerResponse): void {
  const body = JSON.stringify({
    kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure',
    message: 'the server could not find the requested resource', reason: 'NotFound', details: {}, code: 404,
  });
  res.writeHead(404, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

function notAcceptable(res: http.ServerResponse): void {
  res.writeHead(406, { 'Content-Length': 0 });
  res.end();
}
