// The gRPC side of the CRI client: loads Skiff's runtime.v1 .proto, dials the runtime's unix
// socket and makes unary calls with a deadline, turning gRPC status codes into RuntimeErrors.
// Messages cross this boundary in their wire shape (snake_case fields, int64 as decimal
// strings, enums as names); ./runtime.ts maps them to the agent's types.

import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { RuntimeError } from '../runtime/types.ts';

/** What the kubelet allows a runtime response to be (and containerd lists can reach it). */
const MAX_RECEIVE_BYTES = 16 * 1024 * 1024;

/** The .proto beside this module, or, from the CLI bundle in dist/, in the source tree. */
function protoPath(): string {
  const beside = fileURLToPath(new URL('./runtime.v1.proto', import.meta.url));
  if (existsSync(beside)) return beside;
  return fileURLToPath(new URL('../src/agent/cri/runtime.v1.proto', import.meta.url));
}

type MethodDefinition = grpc.MethodDefinition<unknown, unknown>;
let methods: Map<string, MethodDefinition> | undefined;

function methodsOf(): Map<string, MethodDefinition> {
  if (methods) return methods;
  const definition = protoLoader.loadSync(protoPath(), { keepCase: true, longs: String, enums: String, defaults: true, oneofs: true });
  methods = new Map();
  for (const service of ['RuntimeService', 'ImageService']) {
    const def = definition[`runtime.v1.${service}`] as grpc.ServiceDefinition;
    for (const [name, m] of Object.entries(def)) methods.set(`${service}/${name}`, m as MethodDefinition);
  }
  return methods;
}

export type CriService = 'RuntimeService' | 'ImageService';

const codeNames: Partial<Record<grpc.status, RuntimeError['code']>> = {
  [grpc.status.NOT_FOUND]: 'NotFound',
  [grpc.status.FAILED_PRECONDITION]: 'FailedPrecondition',
  [grpc.status.INVALID_ARGUMENT]: 'InvalidArgument',
  [grpc.status.RESOURCE_EXHAUSTED]: 'ResourceExhausted',
  [grpc.status.UNIMPLEMENTED]: 'Unimplemented',
  [grpc.status.DEADLINE_EXCEEDED]: 'DeadlineExceeded',
  [grpc.status.UNAVAILABLE]: 'Unavailable',
};

/** A gRPC failure as the runtime error the agent handles (NOT_FOUND → NotFound, ...). */
export function runtimeError(e: grpc.ServiceError): RuntimeError {
  return new RuntimeError(codeNames[e.code] ?? 'Unknown', e.details || e.message);
}

export class CriClient {
  private readonly client: grpc.Client;

  /** endpoint: the runtime's unix socket path (or a unix:// URL). */
  constructor(readonly endpoint: string) {
    const target = endpoint.startsWith('unix:') ? endpoint : `unix://${endpoint}`;
    this.client = new grpc.Client(target, grpc.credentials.createInsecure(), {
      'grpc.max_receive_message_length': MAX_RECEIVE_BYTES,
      'grpc.max_send_message_length': MAX_RECEIVE_BYTES,
    });
  }

  /** One unary call, failing with DeadlineExceeded after timeoutMs. */
  call<Res>(service: CriService, method: string, request: object, timeoutMs: number): Promise<Res> {
    const def = methodsOf().get(`${service}/${method}`);
    if (!def) return Promise.reject(new RuntimeError('Unimplemented', `${service}/${method} is not in Skiff's runtime.v1 proto`));
    return new Promise<Res>((resolve, reject) => {
      this.client.makeUnaryRequest(def.path, def.requestSerialize, def.responseDeserialize, request, { deadline: Date.now() + timeoutMs }, (err, res) => {
        if (err) reject(runtimeError(err));
        else resolve(res as Res);
      });
    });
  }

  close(): void {
    this.client.close();
  }
}
