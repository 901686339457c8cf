// The controllers the manager runs, by upstream's names (kube-controller-manager --controllers).
// Each entry builds a controller on the shared context; the manager starts the informers they
// asked for, then their workers. One line per controller.

import type { Controller, ControllerContext } from './framework/controller.ts';
import { newReplicaSetController, newReplicationControllerManager } from './replicaset.ts';

export type ControllerFactory = (ctx: ControllerContext) => Controller | Promise<Controller>;

export const CONTROLLERS: Record<string, ControllerFactory> = {
  replicaset: newReplicaSetController,
  replicationcontroller: newReplicationControllerManager,
};
