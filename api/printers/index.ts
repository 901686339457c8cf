// Which printer serves which resource, keyed by API group and plural resource name.

import { controllerRevisionPrinter, daemonSetPrinter, deploymentPrinter, podTemplatePrinter, replicaSetPrinter, replicationControllerPrinter, statefulSetPrinter } from './workloads.ts';
import { configMapPrinter, leasePrinter, namespacePrinter, secretPrinter, serviceAccountPrinter } from './config.ts';
import { endpointSlicePrinter, endpointsPrinter, servicePrinter } from './network.ts';
import { eventPrinter } from './events.ts';
import { nodePrinter } from './nodes.ts';
import { podPrinter } from './pods.ts';
import { persistentVolumeClaimPrinter, persistentVolumePrinter, storageClassPrinter } from './storage.ts';
import type { Printer } from './types.ts';

export type { Cell, CellTemplate, ColumnDefinition, Printer, RowCondition } from './types.ts';
export { finishCells } from './types.ts';
export { Ago, humanDuration } from './format.ts';
export { defaultPrinter } from './default.ts';

const printers = new Map<string, Printer>([
  ['/pods', podPrinter],
  ['/podtemplates', podTemplatePrinter],
  ['/replicationcontrollers', replicationControllerPrinter],
  ['/services', servicePrinter],
  ['/endpoints', endpointsPrinter],
  ['/configmaps', configMapPrinter],
  ['/secrets', secretPrinter],
  ['/serviceaccounts', serviceAccountPrinter],
  ['/namespaces', namespacePrinter],
  ['/nodes', nodePrinter],
  ['/events', eventPrinter],
  ['/persistentvolumes', persistentVolumePrinter],
  ['/persistentvolumeclaims', persistentVolumeClaimPrinter],
  ['apps/deployments', deploymentPrinter],
  ['apps/replicasets', replicaSetPrinter],
  ['apps/statefulsets', statefulSetPrinter],
  ['apps/daemonsets', daemonSetPrinter],
  ['apps/controllerrevisions', controllerRevisionPrinter],
  ['coordination.k8s.io/leases', leasePrinter],
  ['discovery.k8s.io/endpointslices', endpointSlicePrinter],
  ['storage.k8s.io/storageclasses', storageClassPrinter],
  // events.k8s.io shares core Events' storage and printer upstream.
  ['events.k8s.io/events', eventPrinter],
]);

/** The printer for a resource ('' is the core group), or undefined when upstream has none for it. */
export function printerFor(group: string, resource: string): Printer | undefined {
  return printers.get(`${group}/${resource}`);
}
