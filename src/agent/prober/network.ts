// How probes and hooks reach a pod over the network. On a real node they dial the pod's IP;
// the simulated runtime's pods have addresses that nothing routes to, so on a simulated
// node no packet is sent and every port of a running pod answers as a healthy server would.

import { httpGet, type HTTPGetRequest, type HTTPGetResult } from './http.ts';
import { tcpProbe } from './tcp.ts';
import type { ProbeAnswer } from './probe.ts';

export interface ProbeNetwork {
  httpGet(req: HTTPGetRequest, timeoutMs: number): Promise<HTTPGetResult>;
  tcp(host: string, port: number, timeoutMs: number): Promise<ProbeAnswer>;
  grpc(host: string, port: number, service: string, timeoutMs: number): Promise<ProbeAnswer>;
}

export const hostNetwork: ProbeNetwork = {
  httpGet,
  tcp: tcpProbe,
  // grpc-js is loaded at the first gRPC probe: most nodes never run one, and it costs every start ~40 ms and megabytes.
  grpc: async (host, port, service, timeoutMs) => (await import('./grpc.ts')).grpcProbe(host, port, service, timeoutMs),
};

export const simulatedNetwork: ProbeNetwork = {
  httpGet: async () => ({ statusCode: 200, body: '' }),
  tcp: async () => ({ result: 'Success', output: '' }),
  grpc: async () => ({ result: 'Success', output: 'service healthy' }),
};
