// Workload controllers and their templates: deployments, replicasets, statefulsets,
// daemonsets, replicationcontrollers, controllerrevisions, podtemplates.

import type { KubeObject } from '../../src/registry/object.ts';
import { AGE, CONTAINERS, IMAGES, NAME, column, columns, selectorColumn } from './columns.ts';
import { containerCells, formatLabelSelector, formatLabels, int, labelSelectorString, age, text } from './format.ts';
import { type CellTemplate, printer } from './types.ts';

interface Template { metadata?: { labels?: Record<string, string> }; spec?: { containers?: unknown[]; nodeSelector?: Record<string, string> } }

interface WorkloadWire {
  metadata: { name?: string; creationTimestamp?: string; ownerReferences?: { apiVersion?: string; kind?: string; name?: string; controller?: boolean }[] };
  spec?: { replicas?: number; selector?: unknown; template?: Template };
  status?: Record<string, unknown>;
}

const wire = (obj: KubeObject) => obj as unknown as WorkloadWire;
/** spec.replicas defaults to 1 upstream; a missing value prints as the default would. */
const desired = (w: WorkloadWire): number => (typeof w.spec?.replicas === 'number' ? w.spec.replicas : 1);
const status = (w: WorkloadWire, field: string): number => int(w.status?.[field]);
const name = (w: WorkloadWire): string => w.metadata.name ?? '';

const integer = (title: string, description: string) => column(title, 'integer', description);

export const deploymentPrinter = printer({
  columns: columns(
    NAME,
    column('Ready', 'string', 'Number of the pod with ready state'),
    column('Up-to-date', 'string', 'Total number of non-terminated pods targeted by this deployment that have the desired template spec.'),
    column('Available', 'string', 'Total number of available pods (ready for at least minReadySeconds) targeted by this deployment.'),
    AGE, CONTAINERS, IMAGES, selectorColumn('this deployment'),
  ),
  cells(obj): CellTemplate[] {
    const d = wire(obj);
    const [names, images] = containerCells(d.spec?.template?.spec?.containers);
    // Upstream prints the converted selector itself here, "<invalid>" when it cannot convert.
    const selector = labelSelectorString(d.spec?.selector) ?? '<invalid>';
    return [name(d), `${status(d, 'readyReplicas')}/${desired(d)}`, status(d, 'updatedReplicas'), status(d, 'availableReplicas'), age(d.metadata.creationTimestamp), names, images, selector];
  },
});

const REPLICA_COLUMNS = (owner: string) => columns(
  NAME,
  integer('Desired', `Number of desired pods for this ${owner}.`),
  integer('Current', `The most recently observed number of pods of this ${owner}.`),
  integer('Ready', `The number of ready pods of this ${owner}.`),
  AGE, CONTAINERS, IMAGES, selectorColumn(`this ${owner}`),
);

export const replicaSetPrinter = printer({
  columns: REPLICA_COLUMNS('replica set'),
  cells(obj): CellTemplate[] {
    const r = wire(obj);
    const [names, images] = containerCells(r.spec?.template?.spec?.containers);
    return [name(r), desired(r), status(r, 'replicas'), status(r, 'readyReplicas'), age(r.metadata.creationTimestamp), names, images, formatLabelSelector(r.spec?.selector)];
  },
});

export const replicationControllerPrinter = printer({
  columns: REPLICA_COLUMNS('replication controller'),
  cells(obj): CellTemplate[] {
    const r = wire(obj);
    const [names, images] = containerCells(r.spec?.template?.spec?.containers);
    // An RC's selector is a plain label map, not a LabelSelector.
    return [name(r), desired(r), status(r, 'replicas'), status(r, 'readyReplicas'), age(r.metadata.creationTimestamp), names, images, formatLabels(r.spec?.selector)];
  },
});

export const statefulSetPrinter = printer({
  columns: columns(NAME, column('Ready', 'string', 'Number of the pod with ready state'), AGE, CONTAINERS, IMAGES),
  cells(obj): CellTemplate[] {
    const s = wire(obj);
    const [names, images] = containerCells(s.spec?.template?.spec?.containers);
    return [name(s), `${status(s, 'readyReplicas')}/${desired(s)}`, age(s.metadata.creationTimestamp), names, images];
  },
});

export const daemonSetPrinter = printer({
  columns: columns(
    NAME,
    integer('Desired', 'The total number of nodes that should be running the daemon pod.'),
    integer('Current', 'The number of nodes running at least one daemon pod that are supposed to.'),
    integer('Ready', 'The number of nodes that should be running the daemon pod and have one or more of it running and ready.'),
    integer('Up-to-date', 'The total number of nodes running the updated daemon pod.'),
    integer('Available', 'The number of nodes that should be running the daemon pod and have one or more of it running and available.'),
    column('Node Selector', 'string', 'The node labels a node must have for the daemon pod to run there (template spec.nodeSelector).'),
    AGE, CONTAINERS, IMAGES, selectorColumn('this daemon set'),
  ),
  cells(obj): CellTemplate[] {
    const d = wire(obj);
    const podSpec = d.spec?.template?.spec;
    const [names, images] = containerCells(podSpec?.containers);
    return [
      name(d),
      status(d, 'desiredNumberScheduled'), status(d, 'currentNumberScheduled'), status(d, 'numberReady'),
      status(d, 'updatedNumberScheduled'), status(d, 'numberAvailable'),
      formatLabels(podSpec?.nodeSelector), age(d.metadata.creationTimestamp),
      names, images, formatLabelSelector(d.spec?.selector),
    ];
  },
});

/** "kind.group/name" lower-cased as upstream's formatResourceName; just the kind for the core group. */
function controllerName(w: WorkloadWire): string {
  const ref = w.metadata.ownerReferences?.find((r) => r.controller === true);
  if (!ref) return '<none>';
  const apiVersion = ref.apiVersion ?? '';
  const slash = apiVersion.indexOf('/');
  const group = slash < 0 ? '' : apiVersion.slice(0, slash);
  const kind = ref.kind ?? '';
  if (!kind && !group) return ref.name ?? '';
  return `${(group ? `${kind}.${group}` : kind).toLowerCase()}/${ref.name ?? ''}`;
}

export const controllerRevisionPrinter = printer({
  columns: columns(
    NAME,
    column('Controller', 'string', 'Controller of the object'),
    column('Revision', 'string', 'The revision this object represents.'),
    AGE,
  ),
  cells(obj): CellTemplate[] {
    const c = wire(obj);
    return [name(c), controllerName(c), int(obj.revision), age(c.metadata.creationTimestamp)];
  },
});

export const podTemplatePrinter = printer({
  columns: columns(
    NAME,
    column('Containers', 'string', 'Names of each container in the template.'),
    column('Images', 'string', 'Images referenced by each container in the template.'),
    column('Pod Labels', 'string', 'The labels for the pod template.'),
  ),
  cells(obj): CellTemplate[] {
    const template = obj.template as Template | undefined;
    const [names, images] = containerCells(template?.spec?.containers);
    return [text(obj.metadata.name), names, images, formatLabels(template?.metadata?.labels)];
  },
});
