// Container probes: the manager the agent runs, and the handlers (exec, httpGet, tcpSocket,
// grpc) that lifecycle hooks share.

export { ProberManager, PodProbes, proberFor, type PodProbeHooks, type ProberManagerOptions } from './manager.ts';
export { hostNetwork, simulatedNetwork, type ProbeNetwork } from './network.ts';
export { probe, runProbe, type ProbeContext, type ProbeType } from './prober.ts';
export { execProbe, expandCommand, runInContainer } from './exec.ts';
export { httpGet, httpProbeAnswer, requestForHTTPGetAction, type HTTPGetRequest, type HTTPGetResult } from './http.ts';
export { tcpProbe } from './tcp.ts';
export { grpcProbe, HealthService, ServingStatus } from './grpc.ts';
export { refuseTarget, resolveContainerPort, userAgent, ProbeError, MAX_OUTPUT_BYTES, type ProbeAnswer, type ProbeResult } from './probe.ts';
