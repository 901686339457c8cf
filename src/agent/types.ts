// The API objects the agent reads and writes, as the upstream model types (JSON shapes:
// times are RFC 3339 strings), made informer-compatible (metadata.name always present).

import type { IContainer, IContainerStatus, INode, INodeCondition, IPod, IPodCondition, IPodStatus } from 'kubernetes-models/v1';
import type { ILease } from 'kubernetes-models/coordination.k8s.io/v1';
import type { KObject } from '../client/informer.ts';

export type Pod = IPod & KObject;
export type Node = INode & KObject;
export type Lease = ILease & KObject;
export type Container = IContainer;
export type ContainerStatus = IContainerStatus;
export type PodStatus = IPodStatus;
export type PodCondition = IPodCondition;
export type NodeCondition = INodeCondition;
export type ResourceList = Record<string, string>;

/** namespace/name, the informer's key. */
export const podKey = (pod: Pod): string => `${pod.metadata.namespace ?? ''}/${pod.metadata.name}`;

/** How the kubelet names a pod in messages (format.Pod): name_namespace(uid). */
export const podDescription = (pod: Pod): string => `${pod.metadata.name}_${pod.metadata.namespace ?? ''}(${pod.metadata.uid ?? ''})`;

export const isTerminalPhase = (phase: string | undefined): boolean => phase === 'Succeeded' || phase === 'Failed';
