// What server-side apply needs to know of a type's shape: how each list merges (atomic, set,
// or map keyed by some fields) and which structs and maps are atomic. Granular objects and
// atomic lists are the defaults, as for built-in types without markers.

export type ListType = { type: 'atomic' } | { type: 'set' } | { type: 'map'; keys: string[] };

/** Field-name paths (list items skipped) matched by their tail; the longest match wins. */
const LIST_TYPES: [string, ListType][] = [
  ['metadata.finalizers', { type: 'set' }],
  ['metadata.ownerReferences', { type: 'map', keys: ['uid'] }],
  ['metadata.managedFields', { type: 'atomic' }],
  ['containers', { type: 'map', keys: ['name'] }],
  ['initContainers', { type: 'map', keys: ['name'] }],
  ['ephemeralContainers', { type: 'map', keys: ['name'] }],
  ['containers.ports', { type: 'map', keys: ['containerPort', 'protocol'] }],
  ['initContainers.ports', { type: 'map', keys: ['containerPort', 'protocol'] }],
  ['containers.env', { type: 'map', keys: ['name'] }],
  ['initContainers.env', { type: 'map', keys: ['name'] }],
  ['containers.volumeMounts', { type: 'map', keys: ['mountPath'] }],
  ['initContainers.volumeMounts', { type: 'map', keys: ['mountPath'] }],
  ['containers.volumeDevices', { type: 'map', keys: ['devicePath'] }],
  ['containers.resizePolicy', { type: 'atomic' }],
  ['spec.volumes', { type: 'map', keys: ['name'] }],
  ['spec.imagePullSecrets', { type: 'map', keys: ['name'] }],
  ['spec.hostAliases', { type: 'map', keys: ['ip'] }],
  ['spec.topologySpreadConstraints', { type: 'map', keys: ['topologyKey', 'whenUnsatisfiable'] }],
  ['spec.resourceClaims', { type: 'map', keys: ['name'] }],
  ['spec.schedulingGates', { type: 'map', keys: ['name'] }],
  ['spec.readinessGates', { type: 'atomic' }],
  ['spec.tolerations', { type: 'atomic' }],
  ['status.conditions', { type: 'map', keys: ['type'] }],
  ['status.containerStatuses', { type: 'atomic' }],
  ['status.podIPs', { type: 'map', keys: ['ip'] }],
  ['status.addresses', { type: 'atomic' }],
  ['spec.clusterIPs', { type: 'atomic' }],
  ['spec.ipFamilies', { type: 'atomic' }],
  ['spec.externalIPs', { type: 'atomic' }],
  // Service ports merge by port and protocol.
  ['spec.ports', { type: 'map', keys: ['port', 'protocol'] }],
  ['spec.volumeClaimTemplates', { type: 'atomic' }],
  ['spec.accessModes', { type: 'atomic' }],
];

const byTail = new Map(LIST_TYPES);
const maxDepth = Math.max(...LIST_TYPES.map(([k]) => k.split('.').length));

export function listTypeAt(fieldPath: readonly string[]): ListType {
  for (let n = Math.min(maxDepth, fieldPath.length); n >= 1; n--) {
    const t = byTail.get(fieldPath.slice(fieldPath.length - n).join('.'));
    if (t) return t;
  }
  return { type: 'atomic' };
}

/** Structs and maps that are replaced as a whole (e.g. LabelSelector is +structType=atomic). */
const ATOMIC_OBJECTS = new Set(['selector', 'nodeSelectorTerms', 'labelSelector', 'namespaceSelector', 'matchLabelKeys']);

export function isAtomicObject(kind: string, fieldPath: readonly string[]): boolean {
  const last = fieldPath[fieldPath.length - 1];
  if (last === 'selector' && fieldPath.length === 2 && (kind === 'Service' || kind === 'ReplicationController')) {
    // These select with a plain granular map; workloads with an atomic LabelSelector.
    return false;
  }
  return last !== undefined && ATOMIC_OBJECTS.has(last);
}

/** Fields that are string maps (not structs): an Update that adds one owns it as a whole ("."). */
const MAP_FIELDS = new Set([
  'labels', 'annotations', 'data', 'binaryData', 'stringData', 'nodeSelector', 'matchLabels', 'limits', 'requests',
  'capacity', 'allocatable', 'hard', 'used', 'parameters', 'volumeAttributes', 'overhead', 'sysctls',
]);

export function isMapField(kind: string, fieldPath: readonly string[]): boolean {
  const last = fieldPath[fieldPath.length - 1];
  if (last === 'selector' && fieldPath.length === 2 && (kind === 'Service' || kind === 'ReplicationController')) return true;
  return last !== undefined && MAP_FIELDS.has(last);
}
