// The API surface as data: one row per served resource drives discovery, routing,
// short names, categories and verbs.

export type Verb = 'create' | 'delete' | 'deletecollection' | 'get' | 'list' | 'patch' | 'update' | 'watch';

export interface SubresourceInfo {
  name: string; // status, scale, binding, finalize, log, exec, ...
  kind: { group: string; version: string; kind: string };
  verbs: string[];
}

export interface ResourceInfo {
  group: string; // '' for core
  version: string;
  kind: string;
  listKind: string;
  plural: string;
  singular: string;
  namespaced: boolean;
  shortNames: string[];
  categories: string[];
  verbs: Verb[];
  subresources: SubresourceInfo[];
}

const ALL_VERBS: Verb[] = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
const GPU = ['get', 'patch', 'update'];

interface Row {
  group?: string;
  version?: string;
  kind: string;
  plural: string;
  namespaced?: boolean;
  short?: string[];
  categories?: string[];
  verbs?: Verb[];
  status?: boolean;
  scale?: boolean;
  extra?: SubresourceInfo[];
}

const rows: Row[] = [
  // core/v1
  { kind: 'Binding', plural: 'bindings', verbs: ['create'] },
  { kind: 'ConfigMap', plural: 'configmaps', short: ['cm'] },
  { kind: 'Endpoints', plural: 'endpoints', short: ['ep'] },
  { kind: 'Event', plural: 'events', short: ['ev'] },
  { kind: 'Namespace', plural: 'namespaces', namespaced: false, short: ['ns'], verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'], status: true,
    extra: [{ name: 'finalize', kind: { group: '', version: 'v1', kind: 'Namespace' }, verbs: ['update'] }] },
  { kind: 'Node', plural: 'nodes', namespaced: false, short: ['no'], status: true },
  { kind: 'PersistentVolumeClaim', plural: 'persistentvolumeclaims', short: ['pvc'], status: true },
  { kind: 'PersistentVolume', plural: 'persistentvolumes', namespaced: false, short: ['pv'], status: true },
  { kind: 'Pod', plural: 'pods', short: ['po'], categories: ['all'], status: true,
    extra: [
      { name: 'binding', kind: { group: '', version: 'v1', kind: 'Binding' }, verbs: ['create'] },
      { name: 'eviction', kind: { group: 'policy', version: 'v1', kind: 'Eviction' }, verbs: ['create'] },
    ] },
  { kind: 'PodTemplate', plural: 'podtemplates' },
  { kind: 'ReplicationController', plural: 'replicationcontrollers', short: ['rc'], categories: ['all'], status: true, scale: true },
  { kind: 'Secret', plural: 'secrets' },
  { kind: 'ServiceAccount', plural: 'serviceaccounts', short: ['sa'] },
  { kind: 'Service', plural: 'services', short: ['svc'], categories: ['all'], status: true,
    verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'] },
  // apps/v1
  { group: 'apps', kind: 'ControllerRevision', plural: 'controllerrevisions' },
  { group: 'apps', kind: 'DaemonSet', plural: 'daemonsets', short: ['ds'], categories: ['all'], status: true },
  { group: 'apps', kind: 'Deployment', plural: 'deployments', short: ['deploy'], categories: ['all'], status: true, scale: true },
  { group: 'apps', kind: 'ReplicaSet', plural: 'replicasets', short: ['rs'], categories: ['all'], status: true, scale: true },
  { group: 'apps', kind: 'StatefulSet', plural: 'statefulsets', short: ['sts'], categories: ['all'], status: true, scale: true },
  // others
  { group: 'coordination.k8s.io', kind: 'Lease', plural: 'leases' },
  { group: 'discovery.k8s.io', kind: 'EndpointSlice', plural: 'endpointslices' },
  { group: 'events.k8s.io', kind: 'Event', plural: 'events', short: ['ev'] },
];

function toInfo(r: Row): ResourceInfo {
  const group = r.group ?? '';
  const version = r.version ?? 'v1';
  const subresources: SubresourceInfo[] = [];
  if (r.scale) subresources.push({ name: 'scale', kind: { group: 'autoscaling', version: 'v1', kind: 'Scale' }, verbs: GPU });
  if (r.status) subresources.push({ name: 'status', kind: { group, version, kind: r.kind }, verbs: GPU });
  subresources.push(...(r.extra ?? []));
  subresources.sort((a, b) => a.name.localeCompare(b.name));
  return {
    group,
    version,
    kind: r.kind,
    listKind: `${r.kind}List`,
    plural: r.plural,
    singular: r.kind.toLowerCase(),
    namespaced: r.namespaced ?? true,
    shortNames: r.short ?? [],
    categories: r.categories ?? [],
    verbs: r.verbs ?? ALL_VERBS,
    subresources,
  };
}

export const resources: readonly ResourceInfo[] = rows.map(toInfo);

export const groupVersion = (r: { group: string; version: string }) => (r.group ? `${r.group}/${r.version}` : r.version);

/** Groups in discovery order; the core group ('') first, as upstream. */
export const groups: readonly string[] = [...new Set(resources.map((r) => r.group))];

const byPath = new Map<string, ResourceInfo>();
for (const r of resources) byPath.set(`${r.group}/${r.version}/${r.plural}`, r);

export function lookupResource(group: string, version: string, plural: string): ResourceInfo | undefined {
  return byPath.get(`${group}/${version}/${plural}`);
}

export function resourcesIn(group: string, version: string): ResourceInfo[] {
  return resources.filter((r) => r.group === group && r.version === version);
}

/** Whether objects of this resource are served from storage (Binding is a virtual create-only kind). */
export const isStored = (r: ResourceInfo) => r.verbs.includes('get');
