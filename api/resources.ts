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
      { name: 'ephemeralcontainers', kind: { group: '', version: 'v1', kind: 'Pod' }, verbs: ['get', 'patch', 'update'] },
      { name: 'log', kind: { group: '', version: 'v1', kind: 'Pod' }, verbs: ['get'] },
      { name: 'exec', kind: { group: '', version: 'v1', kind: 'PodExecOptions' }, verbs: ['create', 'get'] },
      { name: 'attach', kind: { group: '', version: 'v1', kind: 'PodAttachOptions' }, verbs: ['create', 'get'] },
      { name: 'portforward', kind: { group: '', version: 'v1', kind: 'PodPortForwardOptions' }, verbs: ['create', 'get'] },
      { name: 'proxy', kind: { group: '', version: 'v1', kind: 'PodProxyOptions' }, verbs: ['create', 'delete', 'get', 'patch', 'update'] },
    ] },
  { kind: 'PodTemplate', plural: 'podtemplates' },
  { kind: 'ReplicationController', plural: 'replicationcontrollers', short: ['rc'], categories: ['all'], status: true, scale: true },
  { kind: 'Secret', plural: 'secrets' },
  { kind: 'ServiceAccount', plural: 'serviceaccounts', short: ['sa'],
    extra: [{ name: 'token', kind: { group: 'authentication.k8s.io', version: 'v1', kind: 'TokenRequest' }, verbs: ['create'] }] },
  { kind: 'Service', plural: 'services', short: ['svc'], categories: ['all'], status: true,
    verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
    extra: [{ name: 'proxy', kind: { group: '', version: 'v1', kind: 'ServiceProxyOptions' }, verbs: ['create', 'delete', 'get', 'patch', 'update'] }] },
  // apps/v1
  { group: 'apps', kind: 'ControllerRevision', plural: 'controllerrevisions' },
  { group: 'apps', kind: 'DaemonSet', plural: 'daemonsets', short: ['ds'], categories: ['all'], status: true },
  { group: 'apps', kind: 'Deployment', plural: 'deployments', short: ['deploy'], categories: ['all'], status: true, scale: true },
  { group: 'apps', kind: 'ReplicaSet', plural: 'replicasets', short: ['rs'], categories: ['all'], status: true, scale: true },
  { group: 'apps', kind: 'StatefulSet', plural: 'statefulsets', short: ['sts'], categories: ['all'], status: true, scale: true },
  // reviews: create-only, answered from the request (nothing stored)
  { group: 'authentication.k8s.io', kind: 'SelfSubjectReview', plural: 'selfsubjectreviews', namespaced: false, verbs: ['create'] },
  { group: 'authentication.k8s.io', kind: 'TokenReview', plural: 'tokenreviews', namespaced: false, verbs: ['create'] },
  { group: 'authorization.k8s.io', kind: 'LocalSubjectAccessReview', plural: 'localsubjectaccessreviews', verbs: ['create'] },
  { group: 'authorization.k8s.io', kind: 'SelfSubjectAccessReview', plural: 'selfsubjectaccessreviews', namespaced: false, verbs: ['create'] },
  { group: 'authorization.k8s.io', kind: 'SelfSubjectRulesReview', plural: 'selfsubjectrulesreviews', namespaced: false, verbs: ['create'] },
  { group: 'authorization.k8s.io', kind: 'SubjectAccessReview', plural: 'subjectaccessreviews', namespaced: false, verbs: ['create'] },
  // Groups every conformant cluster serves (stored as given; their controllers come later).
  { group: 'admissionregistration.k8s.io', kind: 'MutatingWebhookConfiguration', plural: 'mutatingwebhookconfigurations', namespaced: false },
  { group: 'admissionregistration.k8s.io', kind: 'ValidatingWebhookConfiguration', plural: 'validatingwebhookconfigurations', namespaced: false },
  { group: 'apiextensions.k8s.io', kind: 'CustomResourceDefinition', plural: 'customresourcedefinitions', namespaced: false, short: ['crd', 'crds'], status: true },
  { group: 'apiregistration.k8s.io', kind: 'APIService', plural: 'apiservices', namespaced: false, status: true },
  { group: 'autoscaling', version: 'v2', kind: 'HorizontalPodAutoscaler', plural: 'horizontalpodautoscalers', short: ['hpa'], categories: ['all'], status: true },
  { group: 'autoscaling', version: 'v1', kind: 'HorizontalPodAutoscaler', plural: 'horizontalpodautoscalers', short: ['hpa'], categories: ['all'], status: true },
  { group: 'batch', kind: 'CronJob', plural: 'cronjobs', short: ['cj'], categories: ['all'], status: true },
  { group: 'batch', kind: 'Job', plural: 'jobs', categories: ['all'], status: true },
  { group: 'certificates.k8s.io', kind: 'CertificateSigningRequest', plural: 'certificatesigningrequests', namespaced: false, short: ['csr'], status: true },
  { group: 'networking.k8s.io', kind: 'IngressClass', plural: 'ingressclasses', namespaced: false },
  { group: 'networking.k8s.io', kind: 'Ingress', plural: 'ingresses', short: ['ing'], status: true },
  { group: 'networking.k8s.io', kind: 'NetworkPolicy', plural: 'networkpolicies', short: ['netpol'] },
  { group: 'node.k8s.io', kind: 'RuntimeClass', plural: 'runtimeclasses', namespaced: false },
  { group: 'policy', kind: 'PodDisruptionBudget', plural: 'poddisruptionbudgets', short: ['pdb'], status: true },
  { group: 'scheduling.k8s.io', kind: 'PriorityClass', plural: 'priorityclasses', namespaced: false, short: ['pc'] },
  { group: 'storage.k8s.io', kind: 'CSIDriver', plural: 'csidrivers', namespaced: false },
  { group: 'storage.k8s.io', kind: 'CSINode', plural: 'csinodes', namespaced: false },
  { group: 'storage.k8s.io', kind: 'StorageClass', plural: 'storageclasses', namespaced: false, short: ['sc'] },
  { group: 'storage.k8s.io', kind: 'VolumeAttachment', plural: 'volumeattachments', namespaced: false, status: true },
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
  // Byte order, as upstream sorts (localeCompare would also load ICU's collator at startup).
  subresources.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
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
