// Writing responses: JSON (the hot path, pre-serialised where possible), YAML on request,
// and every error as a metav1.Status.

import type { IncomingMessage, ServerResponse } from 'node:http';
import yaml from 'js-yaml';
import { type StatusError, notAcceptable } from './errors.ts';

export type ResponseFormat = 'json' | 'yaml' | 'table';

/**
 * The format the Accept header prefers. Protobuf is answered as JSON (clients list JSON as
 * an alternative); a Table request is answered as Table where the kind has printers.
 */
export function negotiate(accept: string | undefined): ResponseFormat {
  if (!accept) return 'json';
  for (const raw of accept.split(',')) {
    const part = raw.trim();
    const semi = part.indexOf(';');
    const type = (semi < 0 ? part : part.slice(0, semi)).trim().toLowerCase();
    switch (type) {
      case 'application/json':
        return part.includes('as=Table') ? 'table' : 'json';
      case 'application/yaml':
        return 'yaml';
      case '*/*':
      case 'application/*':
      case 'application/vnd.kubernetes.protobuf':
      case 'application/vnd.kubernetes.protobuf;stream=watch':
        return 'json';
    }
  }
  throw notAcceptable(accept);
}

export function sendJson(res: ServerResponse, code: number, body: string): void {
  // Encode once: Buffer.byteLength followed by end(string) would encode the body twice.
  const buf = Buffer.from(body);
  res.writeHead(code, { 'Content-Type': 'application/json', 'Content-Length': buf.length });
  res.end(buf);
}

export function sendObject(res: ServerResponse, code: number, obj: unknown, format: ResponseFormat, serialized?: string): void {
  if (format === 'yaml') {
    const body = yaml.dump(obj, { noRefs: true, lineWidth: -1 });
    res.writeHead(code, { 'Content-Type': 'application/yaml', 'Content-Length': Buffer.byteLength(body) });
    res.end(body);
    return;
  }
  sendJson(res, code, serialized ?? JSON.stringify(obj));
}

export function sendStatusError(req: IncomingMessage, res: ServerResponse, err: StatusError): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  req.resume();
  const headers: Record<string, string> = {};
  if (err.code === 401) headers['WWW-Authenticate'] = 'Basic realm="kubernetes-master"';
  const body = JSON.stringify(err.toStatus());
  res.writeHead(err.code, { ...headers, 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

export function successStatus(details?: Record<string, unknown>): string {
  return JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', ...(details ? { details } : {}) });
}
