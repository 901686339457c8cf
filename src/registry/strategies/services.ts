// core/v1 Service (SetDefaults_Service, pkg/registry/core/service/strategy.go and the field
// normalisation its REST layer does around ClusterIP / IP families). Address allocation itself
// lives in src/registry/services.ts.

import { fieldInvalid } from '../validation/fielderrors.ts';
import type { Errs } from '../validation/fields.ts';
import { asArray, asNumber, clone, isObject, obj, objects, semanticEqual, setDefault, setDefaultString, str, type JsonObject } from '../validation/json.ts';
import { nameIsDNS1035Label } from '../validation/names.ts';
import { parseIP } from '../validation/net.ts';
import {
  clusterIPsOf, externallyAccessible, needsHealthCheck, validateService, validateServiceStatus, validateServiceUpdate,
} from '../validation/service.ts';
import type { KubeObject } from '../object.ts';
import { keepAllButStatus, specOf } from './common.ts';
import type { Strategy } from './strategy.ts';

type Family = 'IPv4' | 'IPv6';
/** IP families of the service CIDR(s), primary first. Single-stack IPv4 unless configured. */
let clusterFamilies: Family[] = ['IPv4'];

/** Tell the strategy which families the service CIDRs provide (call when the allocator's CIDR is not IPv4). */
export function configureServiceIPFamilies(families: Family[]): void {
  if (families.length > 0) clusterFamilies = [...families];
}

function defaults(svc: KubeObject): void {
  const spec = specOf(svc);
  setDefaultString(spec, 'sessionAffinity', 'None');
  if (spec.sessionAffinity === 'None') delete spec.sessionAffinityConfig;
  if (spec.sessionAffinity === 'ClientIP') {
    const cip = obj(obj(spec, 'sessionAffinityConfig'), 'clientIP');
    if (!cip || cip.timeoutSeconds === undefined || cip.timeoutSeconds === null) spec.sessionAffinityConfig = { clientIP: { timeoutSeconds: 10800 } };
  }
  setDefaultString(spec, 'type', 'ClusterIP');
  for (const [p] of objects(spec, 'ports')) {
    setDefaultString(p, 'protocol', 'TCP');
    if (p.targetPort === undefined || p.targetPort === null || p.targetPort === 0 || p.targetPort === '') p.targetPort = p.port;
  }
  if (externallyAccessible(spec)) setDefaultString(spec, 'externalTrafficPolicy', 'Cluster');
  const type = spec.type;
  if (type === 'NodePort' || type === 'LoadBalancer' || type === 'ClusterIP') setDefault(spec, 'internalTrafficPolicy', 'Cluster');
  if (type === 'LoadBalancer') {
    setDefault(spec, 'allocateLoadBalancerNodePorts', true);
    const ingress = objects(obj(obj(svc, 'status'), 'loadBalancer'), 'ingress');
    for (const [ing] of ingress) if (str(ing, 'ip') && (ing.ipMode === undefined || ing.ipMode === null)) ing.ipMode = 'VIP';
  }
}

/** The singular and plural clusterIP fields move together (normalizeClusterIPs). */
function normalizeClusterIPs(spec: JsonObject, oldSpec: JsonObject | undefined): void {
  const clusterIP = str(spec, 'clusterIP');
  const ips = clusterIPsOf(spec);
  if (!oldSpec) {
    if (clusterIP && ips.length === 0) spec.clusterIPs = [clusterIP];
    return;
  }
  const oldIPs = clusterIPsOf(oldSpec);
  // An old client cleared clusterIP but sent the stored clusterIPs back: clear both.
  if (oldIPs.length > 0 && ips.length > 0 && !clusterIP && ips[0]) {
    delete spec.clusterIPs;
    return;
  }
  // An old client changed clusterIP only: move the plural along (validation then rejects it).
  if (oldIPs.length > 0 && clusterIP && clusterIP !== str(oldSpec, 'clusterIP') && semanticEqual(ips, oldIPs)) spec.clusterIPs = [clusterIP];
}

const needsClusterIP = (spec: JsonObject) => str(spec, 'type') !== 'ExternalName';
const needsNodePort = (spec: JsonObject) => str(spec, 'type') === 'NodePort' || str(spec, 'type') === 'LoadBalancer';

/** Fill in allocated values a client left out on update (patchAllocatedValues). */
function patchAllocatedValues(spec: JsonObject, oldSpec: JsonObject): void {
  if (needsClusterIP(oldSpec) && needsClusterIP(spec)) {
    if (!str(spec, 'clusterIP') && str(oldSpec, 'clusterIP')) spec.clusterIP = oldSpec.clusterIP;
    if (clusterIPsOf(spec).length === 0 && clusterIPsOf(oldSpec).length > 0) spec.clusterIPs = clone(oldSpec.clusterIPs);
  }
  if (needsNodePort(oldSpec) && needsNodePort(spec)) {
    const ports = (s: JsonObject) => new Set(objects(s, 'ports').map(([p]) => asNumber(p.nodePort) ?? 0).filter((n) => n !== 0));
    const newPorts = ports(spec);
    const used = new Set([...ports(oldSpec)].filter((n) => newPorts.has(n)));
    const byName = new Map<string, number>();
    for (const [p] of objects(oldSpec, 'ports')) byName.set(str(p, 'name'), asNumber(p.nodePort) ?? 0);
    for (const [p] of objects(spec, 'ports')) {
      if ((asNumber(p.nodePort) ?? 0) !== 0) continue;
      const prev = byName.get(str(p, 'name')) ?? 0;
      if (prev !== 0 && !used.has(prev)) p.nodePort = prev;
    }
  }
  if (needsHealthCheck(oldSpec) && needsHealthCheck(spec) && !asNumber(spec.healthCheckNodePort)) {
    if (oldSpec.healthCheckNodePort !== undefined) spec.healthCheckNodePort = oldSpec.healthCheckNodePort;
  }
}

/** Clear fields a type change made meaningless, when the client did not touch them (dropTypeDependentFields). */
function dropTypeDependentFields(svc: KubeObject, spec: JsonObject, oldSpec: JsonObject): void {
  if (needsClusterIP(oldSpec) && !needsClusterIP(spec)) {
    if (str(spec, 'clusterIP') === str(oldSpec, 'clusterIP') && semanticEqual(clusterIPsOf(spec), clusterIPsOf(oldSpec))) {
      delete spec.clusterIP;
      delete spec.clusterIPs;
    }
    if (semanticEqual(spec.ipFamilies, oldSpec.ipFamilies)) delete spec.ipFamilies;
    if ((spec.ipFamilyPolicy ?? '') === (oldSpec.ipFamilyPolicy ?? '')) delete spec.ipFamilyPolicy;
  }
  const nodePorts = (s: JsonObject) => objects(s, 'ports').map(([p]) => asNumber(p.nodePort) ?? 0).filter((n) => n !== 0);
  if (needsNodePort(oldSpec) && !needsNodePort(spec)) {
    const old = new Set(nodePorts(oldSpec));
    if (nodePorts(spec).every((n) => old.has(n))) for (const [p] of objects(spec, 'ports')) delete p.nodePort;
  }
  if (needsHealthCheck(oldSpec) && !needsHealthCheck(spec) && (asNumber(spec.healthCheckNodePort) ?? 0) === (asNumber(oldSpec.healthCheckNodePort) ?? 0)) {
    delete spec.healthCheckNodePort;
  }
  const wasLB = str(oldSpec, 'type') === 'LoadBalancer';
  const isLB = str(spec, 'type') === 'LoadBalancer';
  if (wasLB && !isLB) {
    if (typeof spec.allocateLoadBalancerNodePorts === 'boolean' && spec.allocateLoadBalancerNodePorts === oldSpec.allocateLoadBalancerNodePorts) delete spec.allocateLoadBalancerNodePorts;
    if ((spec.loadBalancerClass ?? null) === (oldSpec.loadBalancerClass ?? null)) delete spec.loadBalancerClass;
  }
  if (externallyAccessible(oldSpec) && !externallyAccessible(spec) && str(spec, 'externalTrafficPolicy') === str(oldSpec, 'externalTrafficPolicy')) {
    delete spec.externalTrafficPolicy;
  }
  if (!isLB && isObject(svc.status)) svc.status.loadBalancer = {};
}

/** ipFamilyPolicy / ipFamilies, as the allocator initialises them for this cluster's families. */
function initIPFamilies(spec: JsonObject, oldSpec: JsonObject | undefined): void {
  if (!needsClusterIP(spec)) return;
  if (oldSpec && needsClusterIP(oldSpec)) {
    if ((asArray(spec.ipFamilies) ?? []).length === 0 && oldSpec.ipFamilies !== undefined) spec.ipFamilies = clone(oldSpec.ipFamilies);
    if ((spec.ipFamilyPolicy === undefined || spec.ipFamilyPolicy === null) && oldSpec.ipFamilyPolicy !== undefined) spec.ipFamilyPolicy = oldSpec.ipFamilyPolicy;
  }
  const ips = clusterIPsOf(spec);
  const headless = ips.length > 0 && ips[0] === 'None';
  const selectorless = !isObject(spec.selector) || Object.keys(spec.selector).length === 0;
  if (spec.ipFamilyPolicy === undefined || spec.ipFamilyPolicy === null) {
    // Headless services without a selector serve every family the cluster has.
    spec.ipFamilyPolicy = headless && selectorless ? 'RequireDualStack' : 'SingleStack';
  }
  const families = (asArray(spec.ipFamilies) ?? []).filter((f): f is string => typeof f === 'string');
  if (families.length === 0) {
    const fromIP = !headless && ips[0] ? parseIP(ips[0])?.family : undefined;
    families.push(fromIP ?? clusterFamilies[0]);
  }
  if (spec.ipFamilyPolicy !== 'SingleStack' && families.length === 1 && clusterFamilies.length > 1) {
    const other = clusterFamilies.find((f) => f !== families[0]);
    if (other) families.push(other);
  }
  spec.ipFamilies = families;
}

function prepareForCreate(svc: KubeObject): void {
  // Run defaults first so type-dependent handling sees the defaulted type (idempotent).
  defaults(svc);
  svc.status = { loadBalancer: {} };
  const spec = specOf(svc);
  normalizeClusterIPs(spec, undefined);
  if (str(spec, 'type') !== 'ExternalName' && str(spec, 'clusterIP') === 'None' && clusterIPsOf(spec).length === 0) spec.clusterIPs = ['None'];
  initIPFamilies(spec, undefined);
}

function prepareForUpdate(svc: KubeObject, old: KubeObject): void {
  if (old.status === undefined) delete svc.status;
  else svc.status = clone(old.status);
  defaults(svc);
  const spec = specOf(svc);
  const oldSpec = isObject(old.spec) ? old.spec : {};
  patchAllocatedValues(spec, oldSpec);
  normalizeClusterIPs(spec, oldSpec);
  dropTypeDependentFields(svc, spec, oldSpec);
  initIPFamilies(spec, oldSpec);
}

/** Family checks the allocator layer makes against the cluster's configuration. */
function validateFamiliesForCluster(errs: Errs, spec: JsonObject): void {
  if (!needsClusterIP(spec)) return;
  const ips = clusterIPsOf(spec);
  const headlessSelectorless = ips[0] === 'None' && (!isObject(spec.selector) || Object.keys(spec.selector).length === 0);
  if (spec.ipFamilyPolicy === 'RequireDualStack' && clusterFamilies.length < 2 && !headlessSelectorless) {
    errs.push(fieldInvalid('spec.ipFamilyPolicy', 'RequireDualStack', 'this cluster is not configured for dual-stack services'));
  }
  (asArray(spec.ipFamilies) ?? []).forEach((f, i) => {
    if (typeof f === 'string' && (f === 'IPv4' || f === 'IPv6') && !clusterFamilies.includes(f)) {
      errs.push(fieldInvalid(`spec.ipFamilies[${i}]`, f, 'not configured on this cluster'));
    }
  });
}

function validate(svc: KubeObject): Errs {
  const errs: Errs = [];
  validateService(errs, svc);
  validateFamiliesForCluster(errs, specOf(svc));
  return errs;
}

function validateUpdate(svc: KubeObject, old: KubeObject): Errs {
  const errs: Errs = [];
  validateServiceUpdate(errs, svc, old);
  validateService(errs, svc);
  validateFamiliesForCluster(errs, specOf(svc));
  return errs;
}

function validateStatusUpdate(svc: KubeObject): Errs {
  const errs: Errs = [];
  validateServiceStatus(errs, svc);
  return errs;
}

export const serviceStrategy: Strategy = {
  hasStatus: true,
  // Service names become DNS names: DNS-1035 labels (must start with a letter).
  validateName: (name) => nameIsDNS1035Label(name, false),
  defaults,
  prepareForCreate,
  prepareForUpdate,
  validate,
  validateUpdate,
  prepareForStatusUpdate: (svc, old) => {
    keepAllButStatus(svc, old);
    // Upstream decodes status writes with defaults too (ingress ipMode VIP).
    defaults(svc);
  },
  validateStatusUpdate,
  selectableFields: (svc) => {
    const spec = isObject(svc.spec) ? svc.spec : {};
    return { 'spec.clusterIP': str(spec, 'clusterIP'), 'spec.type': str(spec, 'type') };
  },
};
