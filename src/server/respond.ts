// Writing responses: JSON (the hot path, pre-serialised where possible), YAML on request,
// and every error as a metav1.Status.

import type { IncomingMessage, ServerResponse } from 'node:http';
import { jsYaml } from '../yaml.ts';
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

/** A piece of a response body: bytes, or text written as UTF-8. */
export type BodyPart = Buffer | string;

/**
 * Bodies are written in slices of about this many bytes, each once the one before has
 * drained. One write of a whole 50 MB list makes TLS encrypt all of it (and hold it twice)
 * before the first byte leaves; slices let the client decrypt one while the next is encrypted,
 * and other requests run between them.
 */
const SLICE_BYTES = 256 * 1024;

/**
 * Slice buffers whose writes completed, for the next slice. Fresh memory costs a page fault
 * per 4 KiB on first touch, and buffers are only freed by a later GC: a large list written
 * into new slices faulted its whole size in again, which cost more than the copying itself.
 */
const freeSlices: Buffer[] = [];
const MAX_FREE_SLICES = 8;

function takeSlice(): Buffer {
  return freeSlices.pop() ?? Buffer.allocUnsafeSlow(SLICE_BYTES);
}

/**
 * Sends a JSON body made of parts (e.g. a list's head, each item's cached encoding,
 * separators), with a Content-Length, streamed in slices under backpressure. The parts must
 * not change while they are sent: callers pass immutable snapshots.
 */
export function sendParts(res: ServerResponse, code: number, parts: readonly BodyPart[]): void {
  const sizes = new Array<number>(parts.length);
  let length = 0;
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i];
    length += sizes[i] = typeof p === 'string' ? Buffer.byteLength(p) : p.length;
  }
  res.writeHead(code, { 'Content-Type': 'application/json', 'Content-Length': length });
  let i = 0;
  /** A part larger than a slice, sent a slice at a time from its own memory, and how much of it has gone. */
  let big: Buffer | undefined;
  let bigOffset = 0;
  const pump = (): void => {
    while (!res.destroyed) {
      let chunk: Buffer;
      let slice: Buffer | undefined;
      if (big) {
        chunk = big.subarray(bigOffset, bigOffset + SLICE_BYTES);
        bigOffset += chunk.length;
        if (bigOffset >= big.length) big = undefined;
      } else {
        if (i >= parts.length) break;
        if (sizes[i] > SLICE_BYTES) {
          const p = parts[i++];
          big = typeof p === 'string' ? Buffer.from(p) : p;
          bigOffset = 0;
          continue;
        }
        slice = takeSlice();
        let at = 0;
        for (; i < parts.length && at + sizes[i] <= SLICE_BYTES; i++) {
          const p = parts[i];
          at += typeof p === 'string' ? slice.write(p, at) : p.copy(slice, at);
        }
        chunk = slice.subarray(0, at);
      }
      const done = slice ? () => { if (freeSlices.length < MAX_FREE_SLICES) freeSlices.push(slice); } : undefined;
      if (!big && i >= parts.length) {
        res.end(chunk, done);
        return;
      }
      if (!res.write(chunk, done)) {
        res.once('drain', pump);
        return;
      }
    }
    if (!res.destroyed && !res.writableEnded) res.end();
  };
  pump();
}

/** Bodies of at most this many UTF-16 units are surely within one slice (3 bytes a unit at most). */
const SMALL_BODY = Math.floor(SLICE_BYTES / 3);

export function sendJson(res: ServerResponse, code: number, body: string): void {
  if (body.length <= SMALL_BODY) {
    // One write of header and body as a string, encoded by the socket itself: a Buffer made
    // here would be a fresh allocation per response (and a second chunk to write).
    res.writeHead(code, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
    res.end(body);
    return;
  }
  const buf = Buffer.from(body);
  if (buf.length > SLICE_BYTES) return sendParts(res, code, [buf]);
  res.writeHead(code, { 'Content-Type': 'application/json', 'Content-Length': buf.length });
  res.end(buf);
}

export function sendObject(res: ServerResponse, code: number, obj: unknown, format: ResponseFormat, serialized?: string): void {
  if (format === 'yaml') {
    const body = jsYaml().dump(obj, { noRefs: true, lineWidth: -1 });
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
