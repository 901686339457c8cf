// gRPC probes (upstream pkg/probe/grpc): the standard grpc.health.v1.Health/Check call over
// plaintext, the connection and the call both within the timeout. SERVING succeeds; every
// other answer or error fails, worded as upstream words it. The two messages are tiny, so
// they are encoded here by hand rather than from a .proto file.

import * as grpc from '@grpc/grpc-js';
import { formatDuration } from '../duration.ts';
import { joinHostPort, userAgent, type ProbeAnswer } from './probe.ts';

/** HealthCheckResponse.ServingStatus. */
export const ServingStatus = ['UNKNOWN', 'SERVING', 'NOT_SERVING', 'SERVICE_UNKNOWN'] as const;
export type ServingStatusName = (typeof ServingStatus)[number];

export interface HealthCheckRequest { service: string }
export interface HealthCheckResponse { status: number }

function varint(n: number): number[] {
  const out: number[] = [];
  while (n > 0x7f) {
    out.push((n & 0x7f) | 0x80);
    n >>>= 7;
  }
  out.push(n);
  return out;
}

function readVarint(buf: Buffer, at: number): [number, number] {
  let value = 0;
  let shift = 0;
  for (;;) {
    if (at >= buf.length) throw new Error('truncated varint');
    const b = buf[at++];
    value += (b & 0x7f) * 2 ** shift;
    if (b < 0x80) return [value, at];
    shift += 7;
  }
}

/** Field 1 (string service), or nothing when empty (proto3). */
export function encodeHealthCheckRequest(req: HealthCheckRequest): Buffer {
  if (!req.service) return Buffer.alloc(0);
  const s = Buffer.from(req.service, 'utf8');
  return Buffer.concat([Buffer.from([0x0a, ...varint(s.length)]), s]);
}

export function decodeHealthCheckRequest(buf: Buffer): HealthCheckRequest {
  const out: HealthCheckRequest = { service: '' };
  forEachField(buf, (field, wire, value, bytes) => { if (field === 1 && wire === 2 && bytes) out.service = bytes.toString('utf8'); });
  return out;
}

export function encodeHealthCheckResponse(res: HealthCheckResponse): Buffer {
  return res.status ? Buffer.from([0x08, ...varint(res.status)]) : Buffer.alloc(0);
}

export function decodeHealthCheckResponse(buf: Buffer): HealthCheckResponse {
  const out: HealthCheckResponse = { status: 0 };
  forEachField(buf, (field, wire, value) => { if (field === 1 && wire === 0) out.status = value; });
  return out;
}

function forEachField(buf: Buffer, fn: (field: number, wire: number, value: number, bytes?: Buffer) => void): void {
  let at = 0;
  while (at < buf.length) {
    let key: number;
    [key, at] = readVarint(buf, at);
    const field = Math.floor(key / 8);
    const wire = key & 7;
    if (wire === 0) {
      let v: number;
      [v, at] = readVarint(buf, at);
      fn(field, wire, v);
    } else if (wire === 2) {
      let len: number;
      [len, at] = readVarint(buf, at);
      fn(field, wire, len, buf.subarray(at, at + len));
      at += len;
    } else if (wire === 1) at += 8;
    else if (wire === 5) at += 4;
    else throw new Error(`unsupported wire type ${wire}`);
  }
}

/** grpc.health.v1.Health with its Check method (servers in tests add it with addService). */
export const HealthService: grpc.ServiceDefinition = {
  check: {
    path: '/grpc.health.v1.Health/Check',
    requestStream: false,
    responseStream: false,
    requestSerialize: (r: HealthCheckRequest) => encodeHealthCheckRequest(r),
    requestDeserialize: (b: Buffer) => decodeHealthCheckRequest(b),
    responseSerialize: (r: HealthCheckResponse) => encodeHealthCheckResponse(r),
    responseDeserialize: (b: Buffer) => decodeHealthCheckResponse(b),
  },
};

/** gRPC status codes by the names Go prints them with. */
const CODE_NAMES = ['OK', 'Canceled', 'Unknown', 'InvalidArgument', 'DeadlineExceeded', 'NotFound', 'AlreadyExists', 'PermissionDenied', 'ResourceExhausted',
  'FailedPrecondition', 'Aborted', 'OutOfRange', 'Unimplemented', 'Internal', 'Unavailable', 'DataLoss', 'Unauthenticated'];

export function grpcProbe(host: string, port: number, service: string, timeoutMs: number): Promise<ProbeAnswer> {
  const addr = joinHostPort(host, port);
  const timeout = formatDuration(timeoutMs);
  const deadline = Date.now() + timeoutMs;
  const client = new grpc.Client(addr, grpc.credentials.createInsecure(), { 'grpc.primary_user_agent': userAgent('probe') });
  return new Promise<ProbeAnswer>((resolve) => {
    client.waitForReady(deadline, (err) => {
      if (err) {
        resolve({ result: 'Failure', output: `timeout: failed to connect service "${addr}" within ${timeout}: context deadline exceeded` });
        return;
      }
      client.makeUnaryRequest<HealthCheckRequest, HealthCheckResponse>(
        HealthService.check.path, encodeHealthCheckRequest, decodeHealthCheckResponse, { service }, new grpc.Metadata(), { deadline },
        (e, res) => {
          if (e) {
            const code = e.code ?? grpc.status.UNKNOWN;
            if (code === grpc.status.UNIMPLEMENTED) resolve({ result: 'Failure', output: `error: this server does not implement the grpc health protocol (grpc.health.v1.Health): ${e.details}` });
            else if (code === grpc.status.DEADLINE_EXCEEDED) resolve({ result: 'Failure', output: `timeout: health rpc did not complete within ${timeout}` });
            else resolve({ result: 'Failure', output: `error: health rpc probe failed: rpc error: code = ${CODE_NAMES[code] ?? `Code(${code})`} desc = ${e.details}` });
            return;
          }
          const status = res?.status ?? 0;
          if (status !== 1) resolve({ result: 'Failure', output: `service unhealthy (responded with "${ServingStatus[status] ?? String(status)}")` });
          else resolve({ result: 'Success', output: 'service healthy' });
        },
      );
    });
  }).finally(() => client.close());
}
