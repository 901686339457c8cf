// The StatefulSet controller's entry for the controller manager (registry name 'statefulset').

import type { ControllerFactory } from '../registry.ts';
import { StatefulSetController } from './controller.ts';

export { StatefulSetController } from './controller.ts';

export const newStatefulSetController: ControllerFactory = (ctx) => new StatefulSetController(ctx);
