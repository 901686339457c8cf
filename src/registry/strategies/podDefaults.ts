// Defaulting of everything that embeds a PodSpec (pkg/apis/core/v1/defaults.go and the
// declarative +default markers), applied recursively as upstream's generated defaulters do.

import { asArray, asObject, ensureObj, isObject, obj, objects, setDefault, setDefaultString, str, type JsonObject } from '../validation/json.ts';

const IMAGE_NAME_RE = new RegExp(
  '^(?:(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])(?:\\.(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))*(?::[0-9]+)?/)?' +
  '[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*)*' +
  '(?::([\\w][\\w.-]{0,127}))?' +
  '(?:@[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,})?$',
);

/**
 * The tag parsers.ParseImageName reports: the explicit tag, "latest" when there is neither tag
 * nor digest, and "" for a digest-only or unparseable reference.
 */
export function imageTag(image: string): string {
  if (image.length === 0 || image.length > 255) return '';
  const m = IMAGE_NAME_RE.exec(image);
  if (!m) return '';
  if (m[1] !== undefined) return m[1];
  return image.includes('@') ? '' : 'latest';
}

function defaultProbe(p: unknown): void {
  if (!isObject(p)) return;
  for (const [k, v] of [['timeoutSeconds', 1], ['periodSeconds', 10], ['successThreshold', 1], ['failureThreshold', 3]] as const) {
    if (p[k] === undefined || p[k] === null || p[k] === 0) p[k] = v;
  }
  defaultHandler(p);
}

function defaultHandler(h: JsonObject): void {
  const http = obj(h, 'httpGet');
  if (http) {
    setDefaultString(http, 'path', '/');
    setDefaultString(http, 'scheme', 'HTTP');
  }
  const grpc = obj(h, 'grpc');
  if (grpc) setDefault(grpc, 'service', '');
}

function defaultEnv(c: JsonObject): void {
  for (const [e] of objects(c, 'env')) {
    const from = obj(e, 'valueFrom');
    const fieldRef = obj(from, 'fieldRef');
    if (fieldRef) setDefaultString(fieldRef, 'apiVersion', 'v1');
    const resRef = obj(from, 'resourceFieldRef');
    // A zero Quantity always serialises (as "0").
    if (resRef) setDefault(resRef, 'divisor', '0');
  }
}

export function defaultContainer(c: JsonObject): void {
  if (c.imagePullPolicy === undefined || c.imagePullPolicy === null || c.imagePullPolicy === '') {
    c.imagePullPolicy = imageTag(str(c, 'image')) === 'latest' ? 'Always' : 'IfNotPresent';
  }
  setDefaultString(c, 'terminationMessagePath', '/dev/termination-log');
  setDefaultString(c, 'terminationMessagePolicy', 'File');
  // ResourceRequirements is a struct without omitempty: it is always present.
  setDefault(c, 'resources', {});
  for (const [p] of objects(c, 'ports')) setDefaultString(p, 'protocol', 'TCP');
  defaultProbe(c.livenessProbe);
  defaultProbe(c.readinessProbe);
  defaultProbe(c.startupProbe);
  const lifecycle = obj(c, 'lifecycle');
  for (const hook of ['postStart', 'preStop']) {
    const h = obj(lifecycle, hook);
    if (h) defaultHandler(h);
  }
  defaultEnv(c);
}

/** SetDefaults_PersistentVolumeClaimSpec. */
export function defaultPVCSpec(spec: JsonObject): void {
  setDefault(spec, 'volumeMode', 'Filesystem');
}

const VOLUME_SOURCE_KEYS = [
  'hostPath', 'emptyDir', 'gcePersistentDisk', 'awsElasticBlockStore', 'gitRepo', 'secret', 'nfs', 'iscsi',
  'glusterfs', 'persistentVolumeClaim', 'rbd', 'flexVolume', 'cinder', 'cephfs', 'flocker', 'downwardAPI', 'fc',
  'azureFile', 'configMap', 'vsphereVolume', 'quobyte', 'azureDisk', 'photonPersistentDisk', 'projected',
  'portworxVolume', 'scaleIO', 'storageos', 'csi', 'ephemeral', 'image',
];

function defaultDownwardItems(items: unknown): void {
  for (const it of asArray(items) ?? []) {
    if (!isObject(it)) continue;
    const fieldRef = obj(it, 'fieldRef');
    if (fieldRef) setDefaultString(fieldRef, 'apiVersion', 'v1');
    const resRef = obj(it, 'resourceFieldRef');
    if (resRef) setDefault(resRef, 'divisor', '0');
  }
}

export function defaultVolume(v: JsonObject): void {
  if (!VOLUME_SOURCE_KEYS.some((k) => v[k] !== undefined && v[k] !== null)) v.emptyDir = {};
  const hostPath = obj(v, 'hostPath');
  if (hostPath) setDefault(hostPath, 'type', '');
  for (const k of ['secret', 'configMap', 'downwardAPI', 'projected']) {
    const src = obj(v, k);
    if (src) setDefault(src, 'defaultMode', 420);
  }
  const dapi = obj(v, 'downwardAPI');
  if (dapi) defaultDownwardItems(dapi.items);
  const projected = obj(v, 'projected');
  for (const [s] of objects(projected, 'sources')) {
    const sat = obj(s, 'serviceAccountToken');
    if (sat) setDefault(sat, 'expirationSeconds', 3600);
    const d = obj(s, 'downwardAPI');
    if (d) defaultDownwardItems(d.items);
  }
  const tplSpec = obj(obj(obj(v, 'ephemeral'), 'volumeClaimTemplate'), 'spec');
  if (tplSpec) defaultPVCSpec(tplSpec);
}

/** SetDefaults_PodSpec plus the defaulting of everything nested in a PodSpec. */
export function defaultPodSpec(spec: JsonObject): void {
  setDefaultString(spec, 'dnsPolicy', 'ClusterFirst');
  setDefaultString(spec, 'restartPolicy', 'Always');
  setDefault(spec, 'securityContext', {});
  setDefault(spec, 'terminationGracePeriodSeconds', 30);
  setDefaultString(spec, 'schedulerName', 'default-scheduler');
  for (const f of ['containers', 'initContainers', 'ephemeralContainers']) {
    for (const [c] of objects(spec, f)) defaultContainer(c);
  }
  for (const [v] of objects(spec, 'volumes')) defaultVolume(v);
}

/** Defaults of a PodTemplateSpec embedded in another object. */
export function defaultPodTemplate(template: unknown): void {
  const t = asObject(template);
  if (!t) return;
  defaultPodSpec(ensureObj(t, 'spec'));
}

function requestsFromLimits(c: JsonObject): void {
  const res = obj(c, 'resources');
  const limits = obj(res, 'limits');
  if (!res || !limits) return;
  const requests = ensureObj(res, 'requests');
  for (const k of Object.keys(limits)) if (!(k in requests)) requests[k] = limits[k];
}

/** SetDefaults_Pod: only for Pods, never for templates (requests from limits, service links, host ports). */
export function defaultPod(pod: JsonObject): void {
  const spec = ensureObj(pod, 'spec');
  defaultPodSpec(spec);
  for (const f of ['containers', 'initContainers']) for (const [c] of objects(spec, f)) requestsFromLimits(c);
  setDefault(spec, 'enableServiceLinks', true);
  if (spec.hostNetwork === true) {
    for (const f of ['containers', 'initContainers']) {
      for (const [c] of objects(spec, f)) {
        for (const [p] of objects(c, 'ports')) {
          if (p.hostPort === undefined || p.hostPort === null || p.hostPort === 0) p.hostPort = p.containerPort;
        }
      }
    }
  }
}
