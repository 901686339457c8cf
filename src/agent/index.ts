// The node agent: the kubelet's registration, heartbeat and pod lifecycle over a container
// runtime interface shaped after CRI, with a simulated runtime for tests and scale.

export { NodeAgent, type NodeAgentOptions } from './agent.ts';
export { startSimNodes, type SimNodes, type SimNodesOptions } from './simnodes.ts';
export { SimRuntime, SimAnnotations, SIM_RUNTIME_NAME, SIM_RUNTIME_VERSION, normalizeImage, type ContainerMatch, type SimRuntimeOptions } from './runtime/sim.ts';
export * from './runtime/types.ts';
export { simNodeIP, simPodCIDR } from './addresses.ts';
export { admitPod, matchesNodeAffinity, type AdmitResult } from './admission.ts';
export { NodeLease, NODE_LEASE_NAMESPACE, microTime } from './lease.ts';
export { KUBELET_VERSION, KUBELET_PORT, SimulatedNodeAnnotation, hostCapacity, nodeConditions, nodeLabels } from './node.ts';
export { PodWorker } from './podworker.ts';
export { generatePodStatus, podPhase, type ContainerView, type PodView } from './podstatus.ts';
export { StatusManager } from './statusmanager.ts';
export { formatDuration, parseDuration } from './duration.ts';
export type { Pod, Node, Lease } from './types.ts';
