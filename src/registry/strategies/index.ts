// Resource → strategy lookup used by the generic registry.

import { configMapStrategy } from './configmaps.ts';
import { controllerRevisionStrategy } from './controllerrevisions.ts';
import { daemonSetStrategy } from './daemonsets.ts';
import { deploymentStrategy } from './deployments.ts';
import { endpointSliceStrategy } from './endpointslices.ts';
import { endpointsStrategy } from './endpoints.ts';
import { eventStrategy } from './events.ts';
import { eventV1Strategy } from './eventsv1.ts';
import { leaseStrategy } from './leases.ts';
import { namespaceStrategy } from './namespaces.ts';
import { nodeStrategy } from './nodes.ts';
import { persistentVolumeClaimStrategy } from './persistentvolumeclaims.ts';
import { persistentVolumeStrategy } from './persistentvolumes.ts';
import { podStrategy } from './pods.ts';
import { podTemplateStrategy } from './podtemplates.ts';
import { replicaSetStrategy } from './replicasets.ts';
import { replicationControllerStrategy } from './replicationcontrollers.ts';
import { secretStrategy } from './secrets.ts';
import { serviceAccountStrategy } from './serviceaccounts.ts';
import { serviceStrategy } from './services.ts';
import { statefulSetStrategy } from './statefulsets.ts';
import { storageClassStrategy } from './storageclasses.ts';
import type { Strategy } from './strategy.ts';

export type { DeleteOptions, Strategy } from './strategy.ts';
export { configureServiceIPFamilies } from './services.ts';
export { eventCoreToV1, eventV1ToCore } from './eventsv1.ts';
export { prepareForFinalize, validateFinalize } from './namespaces.ts';
export { validateBinding } from './pods.ts';

import { GENERIC_KINDS, genericStrategy } from './generic.ts';
const strategies = new Map<string, Strategy>([
  ['/namespaces', namespaceStrategy],
  ['/pods', podStrategy],
  ['/services', serviceStrategy],
  ['/configmaps', configMapStrategy],
  ['/secrets', secretStrategy],
  ['/events', eventStrategy],
  ['/nodes', nodeStrategy],
  ['/endpoints', endpointsStrategy],
  ['/serviceaccounts', serviceAccountStrategy],
  ['/persistentvolumeclaims', persistentVolumeClaimStrategy],
  ['/persistentvolumes', persistentVolumeStrategy],
  ['/podtemplates', podTemplateStrategy],
  ['/replicationcontrollers', replicationControllerStrategy],
  ['apps/deployments', deploymentStrategy],
  ['apps/replicasets', replicaSetStrategy],
  ['apps/statefulsets', statefulSetStrategy],
  ['apps/daemonsets', daemonSetStrategy],
  ['apps/controllerrevisions', controllerRevisionStrategy],
  ['events.k8s.io/events', eventV1Strategy],
  ['discovery.k8s.io/endpointslices', endpointSliceStrategy],
  ['coordination.k8s.io/leases', leaseStrategy],
  ['storage.k8s.io/storageclasses', storageClassStrategy],
]);

for (const [key, opts] of GENERIC_KINDS) strategies.set(key, genericStrategy(opts));

const EMPTY: Strategy = Object.freeze({});

/** The strategy for a served resource; resources without special rules get an empty one. */
export function strategyFor(group: string, plural: string): Strategy {
  return strategies.get(`${group}/${plural}`) ?? EMPTY;
}
