// The controllers the manager runs, by upstream's names (kube-controller-manager --controllers).
// Each entry builds a controller on the shared context; the manager starts the informers they
// asked for, then their workers. One line per controller.

import type { Controller, ControllerContext } from './framework/controller.ts';
import { newDaemonSetController } from './daemonset.ts';
import { newDeploymentController } from './deployment/controller.ts';
import { newEndpointsController } from './endpoints.ts';
import { newEndpointSliceController } from './endpointslice.ts';
import { newEndpointSliceMirroringController } from './endpointslicemirroring.ts';
import { newGarbageCollectorController } from './garbagecollector.ts';
import { newNamespaceController } from './namespace.ts';
import { newNodeLifecycleController } from './nodelifecycle.ts';
import { newPodGCController } from './podgc.ts';
import { newReplicaSetController, newReplicationControllerManager } from './replicaset.ts';
import { newRootCACertPublisher } from './rootcacert.ts';
import { newServiceAccountController } from './serviceaccount.ts';
import { newStatefulSetController } from './statefulset/index.ts';
import { newTaintEvictionController } from './tainteviction.ts';
import { newLocalPathProvisionerController } from './volume/localpath.ts';
import { newPersistentVolumeBinderController } from './volume/binder.ts';

export type ControllerFactory = (ctx: ControllerContext) => Controller | Promise<Controller>;

export const CONTROLLERS: Record<string, ControllerFactory> = {
  daemonset: newDaemonSetController,
  deployment: newDeploymentController,
  replicaset: newReplicaSetController,
  replicationcontroller: newReplicationControllerManager,
  statefulset: newStatefulSetController,
  endpoint: newEndpointsController,
  endpointslice: newEndpointSliceController,
  endpointslicemirroring: newEndpointSliceMirroringController,
  garbagecollector: newGarbageCollectorController,
  namespace: newNamespaceController,
  serviceaccount: newServiceAccountController,
  'root-ca-cert-publisher': newRootCACertPublisher,
  'persistentvolume-binder': newPersistentVolumeBinderController,
  'local-path-provisioner': newLocalPathProvisionerController,
  // node-lifecycle taints unhealthy nodes; taint-eviction-controller evicts what does not tolerate them.
  'node-lifecycle': newNodeLifecycleController,
  'taint-eviction-controller': newTaintEvictionController,
  'pod-garbage-collector': newPodGCController,
};
