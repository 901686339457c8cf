// Request bodies: size limit, media types and decoding into plain JSON values.

import type { IncomingMessage } from 'node:http';
import { jsYaml } from '../yaml.ts';
import { badRequest, requestEntityTooLarge, unsupportedMediaType } from './errors.ts';
import { decodeProtobufBody } from './protobuf/index.ts';

/** Upstream's default request body limit for writes. */
export const MAX_BODY_BYTES = 3 * 1024 * 1024;

export function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (declared > limit) {
    req.resume();
    return Promise.reject(requestEntityTooLarge(limit));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on('data', (c: Buffer) => {
      if (failed) return;
      size += c.length;
      if (size > limit) {
        failed = true;
        reject(requestEntityTooLarge(limit));
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => { if (!failed) resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)); });
    req.on('error', (e) => { if (!failed) { failed = true; reject(e); } });
  });
}

export type BodyKind = 'json' | 'yaml' | 'json-patch' | 'merge-patch' | 'strategic-merge-patch' | 'apply-patch' | 'protobuf';

/** The media type without parameters, lower-cased. */
export function mediaType(contentType: string | undefined): string {
  if (!contentType) return '';
  const i = contentType.indexOf(';');
  return (i < 0 ? contentType : contentType.slice(0, i)).trim().toLowerCase();
}

export function bodyKind(contentType: string | undefined): BodyKind | undefined {
  switch (mediaType(contentType)) {
    case '':
    case 'application/json':
      return 'json';
    case 'application/yaml':
    case 'application/x-yaml':
    case 'text/yaml':
      return 'yaml';
    case 'application/json-patch+json': return 'json-patch';
    case 'application/merge-patch+json': return 'merge-patch';
    case 'application/strategic-merge-patch+json': return 'strategic-merge-patch';
    case 'application/apply-patch+yaml':
    case 'application/apply-patch+cbor':
      return 'apply-patch';
    case 'application/vnd.kubernetes.protobuf': return 'protobuf';
    default: return undefined;
  }
}

/** Decode a JSON or YAML document into a plain value; malformed input is a 400. */
export function decodeDocument(buf: Buffer, kind: BodyKind): unknown {
  // kubectl 1.32+ typed clients write protobuf; everything downstream works on the JSON form.
  if (kind === 'protobuf') return decodeProtobufBody(buf).object;
  const text = buf.toString('utf8');
  if (kind === 'yaml' || kind === 'apply-patch') {
    try {
      const yaml = jsYaml();
      return yaml.load(text, { schema: yaml.CORE_SCHEMA });
    } catch (e) {
      throw badRequest(`error converting YAML to JSON: ${(e as Error).message.split('\n')[0]}`);
    }
  }
  if (text.trim() === '') throw badRequest('the request body is empty');
  try {
    return JSON.parse(text);
  } catch (e) {
    throw badRequest(`the body of the request was in an unknown format - could not decode JSON: ${(e as Error).message}`);
  }
}

export function requireKind(contentType: string | undefined, allowed: readonly BodyKind[]): BodyKind {
  const kind = bodyKind(contentType);
  if (!kind || !allowed.includes(kind)) throw unsupportedMediaType(contentType ?? '');
  return kind;
}
