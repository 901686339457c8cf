// In-memory allocators for Service ClusterIPs and NodePorts.

export { AllocationError, isAllocationError, type AllocationFailure } from './errors.ts';
export { IPAllocator, DEFAULT_SERVICE_CIDR } from './ip.ts';
export { PortAllocator, DEFAULT_NODE_PORT_MIN, DEFAULT_NODE_PORT_MAX } from './port.ts';
