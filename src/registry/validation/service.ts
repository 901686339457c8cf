// Service validation (ValidateService, ValidateServiceClusterIPsRelatedFields and the
// update checks), minus ObjectMeta which the registry validates.

import { fieldDuplicate, fieldForbidden, fieldInvalid, fieldNotSupported, fieldRequired } from './fielderrors.ts';
import {
  pushInvalidEach, validateDNS1123Label, validateDNS1123Subdomain, validateEnum, validateLabels, validateQualifiedName,
  type Errs,
} from './fields.ts';
import { asArray, asNumber, asString, obj, objects, str, child, index, key, type JsonObject } from './json.ts';
import { isValidPortName, isValidPortNum } from './names.ts';
import { isIPv6String, parseIP, validateCIDR, validateIP, validateNonSpecialIP } from './net.ts';

export const SERVICE_TYPES = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'];
const SESSION_AFFINITIES = ['ClientIP', 'None'];
const PROTOCOLS = ['SCTP', 'TCP', 'UDP'];
const IP_FAMILIES = ['IPv4', 'IPv6'];
const IP_FAMILY_POLICIES = ['PreferDualStack', 'RequireDualStack', 'SingleStack'];
const MAX_CLIENT_IP_AFFINITY_SECONDS = 86400;

const strings = (v: unknown): string[] => (asArray(v) ?? []).map((x) => (typeof x === 'string' ? x : String(x)));

export const clusterIPsOf = (spec: JsonObject | undefined): string[] => strings(spec?.clusterIPs);
export const isHeadless = (spec: JsonObject | undefined): boolean => {
  const ips = clusterIPsOf(spec);
  return ips.length === 1 && ips[0] === 'None';
};
export function externallyAccessible(spec: JsonObject | undefined): boolean {
  const t = str(spec, 'type');
  return t === 'LoadBalancer' || t === 'NodePort' || (t === 'ClusterIP' && strings(spec?.externalIPs).length > 0);
}
export const needsHealthCheck = (spec: JsonObject | undefined): boolean => str(spec, 'type') === 'LoadBalancer' && str(spec, 'externalTrafficPolicy') === 'Local';

function validatePortNumOrName(errs: Errs, path: string, port: unknown): void {
  if (typeof port === 'number') pushInvalidEach(errs, path, port, isValidPortNum(port));
  else if (typeof port === 'string') pushInvalidEach(errs, path, port, isValidPortName(port));
  else pushInvalidEach(errs, path, 0, isValidPortNum(0));
}

function validateServicePort(errs: Errs, path: string, p: JsonObject, requireName: boolean, names: Set<string>): void {
  const name = str(p, 'name');
  if (requireName && !name) errs.push(fieldRequired(child(path, 'name'), ''));
  else if (name) {
    validateDNS1123Label(errs, child(path, 'name'), name);
    if (names.has(name)) errs.push(fieldDuplicate(child(path, 'name'), name));
    else names.add(name);
  }
  const port = asNumber(p.port) ?? 0;
  pushInvalidEach(errs, child(path, 'port'), port, isValidPortNum(port));
  const proto = str(p, 'protocol');
  if (!proto) errs.push(fieldRequired(child(path, 'protocol'), ''));
  else if (!PROTOCOLS.includes(proto)) errs.push(fieldNotSupported(child(path, 'protocol'), proto, PROTOCOLS));
  validatePortNumOrName(errs, child(path, 'targetPort'), p.targetPort);
  const app = asString(p.appProtocol);
  if (app !== undefined) validateQualifiedName(errs, child(path, 'appProtocol'), app);
}

/** ValidateServiceClusterIPsRelatedFields. */
function validateClusterIPFields(errs: Errs, spec: JsonObject): void {
  if (str(spec, 'type') === 'ExternalName') return;
  const clusterIP = str(spec, 'clusterIP');
  const ips = clusterIPsOf(spec);
  const ipsPath = 'spec.clusterIPs';
  if (clusterIP) {
    if (ips.length === 0) errs.push(fieldRequired(ipsPath, ''));
    else if (ips[0] !== clusterIP) errs.push(fieldInvalid(ipsPath, ips, 'first value must match `clusterIP`'));
  } else if (ips.length !== 0) {
    errs.push(fieldInvalid(ipsPath, ips, 'must be empty when `clusterIP` is not specified'));
  }
  const families = strings(spec.ipFamilies);
  const seen = new Set<string>();
  families.forEach((f, i) => {
    if (!IP_FAMILIES.includes(f)) errs.push(fieldNotSupported(index('spec.ipFamilies', i), f, IP_FAMILIES));
    if (seen.has(f)) errs.push(fieldDuplicate(index('spec.ipFamilies', i), f));
    seen.add(f);
  });
  const policy = spec.ipFamilyPolicy;
  if (policy !== undefined && policy !== null && (typeof policy !== 'string' || !IP_FAMILY_POLICIES.includes(policy))) {
    errs.push(fieldNotSupported('spec.ipFamilyPolicy', policy, IP_FAMILY_POLICIES));
  }
  let invalidIPs = false;
  ips.forEach((ip, i) => {
    if (i === 0 && ip === 'None') {
      if (ips.length > 1) {
        invalidIPs = true;
        errs.push(fieldInvalid(ipsPath, ips, "'None' must be the first and only value"));
      }
      return;
    }
    const e = validateIP(index(ipsPath, i), ip);
    if (e.length) invalidIPs = true;
    errs.push(...e);
  });
  if (ips.length > 2) errs.push(fieldInvalid(ipsPath, ips, 'may only hold up to 2 values'));
  if (invalidIPs) return;
  if (ips.length > 1) {
    const fams = new Set(ips.map((ip) => parseIP(ip)?.family));
    if (fams.size !== ips.length) errs.push(fieldInvalid(ipsPath, ips, 'may specify no more than one IP for each IP family'));
  }
  if (!isHeadless(spec) && ips.length > 0 && families.length > 0) {
    ips.forEach((ip, i) => {
      if (i >= families.length) return;
      if (families[i] === 'IPv4' && isIPv6String(ip)) errs.push(fieldInvalid(index(ipsPath, i), ip, `expected an IPv4 value as indicated by \`ipFamilies[${i}]\``));
      if (families[i] === 'IPv6' && !isIPv6String(ip)) errs.push(fieldInvalid(index(ipsPath, i), ip, `expected an IPv6 value as indicated by \`ipFamilies[${i}]\``));
    });
  }
}

export function validateService(errs: Errs, svc: JsonObject): void {
  const meta = obj(svc, 'metadata');
  const annotations = obj(meta, 'annotations');
  const spec = obj(svc, 'spec') ?? {};
  const hints = asString(annotations?.['service.kubernetes.io/topology-aware-hints']);
  const mode = asString(annotations?.['service.kubernetes.io/topology-mode']);
  if (hints !== undefined && mode !== undefined && hints !== mode) {
    errs.push(fieldInvalid(key('metadata.annotations', 'service.kubernetes.io/topology-mode'), mode, 'must match annotations[service.kubernetes.io/topology-aware-hints] when both are specified'));
  }
  const type = str(spec, 'type');
  const ports = objects(spec, 'ports');
  const headless = isHeadless(spec);
  if ((asArray(spec.ports) ?? []).length === 0 && !headless && type !== 'ExternalName') errs.push(fieldRequired('spec.ports', ''));
  const ips = clusterIPsOf(spec);
  if (type === 'LoadBalancer' && headless) errs.push(fieldInvalid('spec.clusterIPs[0]', ips[0], "may not be set to 'None' for LoadBalancer services"));
  if (type === 'NodePort' && headless) errs.push(fieldInvalid('spec.clusterIPs[0]', ips[0], "may not be set to 'None' for NodePort services"));
  if (type === 'ExternalName') {
    if (ips.length > 0) errs.push(fieldForbidden('spec.clusterIPs', 'may not be set for ExternalName services'));
    if (strings(spec.ipFamilies).length > 0) errs.push(fieldForbidden('spec.ipFamilies', 'may not be set for ExternalName services'));
    if (spec.ipFamilyPolicy !== undefined && spec.ipFamilyPolicy !== null) errs.push(fieldForbidden('spec.ipFamilyPolicy', 'may not be set for ExternalName services'));
    const cname = str(spec, 'externalName').replace(/\.$/, '');
    if (cname) validateDNS1123Subdomain(errs, 'spec.externalName', cname);
    else errs.push(fieldRequired('spec.externalName', ''));
  }
  const names = new Set<string>();
  for (const [p, i] of ports) validateServicePort(errs, index('spec.ports', i), p, ports.length > 1, names);
  if (spec.selector !== undefined && spec.selector !== null) validateLabels(errs, 'spec.selector', spec.selector);
  const affinity = str(spec, 'sessionAffinity');
  if (!affinity) errs.push(fieldRequired('spec.sessionAffinity', ''));
  else if (!SESSION_AFFINITIES.includes(affinity)) errs.push(fieldNotSupported('spec.sessionAffinity', affinity, SESSION_AFFINITIES));
  if (affinity === 'ClientIP') {
    const cfg = obj(spec, 'sessionAffinityConfig');
    const cip = obj(cfg, 'clientIP');
    const detail = 'when session affinity type is ClientIP';
    if (!cfg) errs.push(fieldRequired('spec.sessionAffinityConfig', detail));
    else if (!cip) errs.push(fieldRequired('spec.sessionAffinityConfig.clientIP', detail));
    else if (cip.timeoutSeconds === undefined || cip.timeoutSeconds === null) errs.push(fieldRequired('spec.sessionAffinityConfig.clientIP.timeoutSeconds', detail));
    else {
      const t = asNumber(cip.timeoutSeconds) ?? 0;
      if (t <= 0 || t > MAX_CLIENT_IP_AFFINITY_SECONDS) errs.push(fieldInvalid('spec.sessionAffinityConfig.clientIP.timeoutSeconds', t, `must be greater than 0 and less than ${MAX_CLIENT_IP_AFFINITY_SECONDS}`));
    }
  } else if (affinity === 'None' && spec.sessionAffinityConfig !== undefined && spec.sessionAffinityConfig !== null) {
    errs.push(fieldForbidden('spec.sessionAffinityConfig', 'must not be set when session affinity is None'));
  }
  validateClusterIPFields(errs, spec);
  strings(spec.externalIPs).forEach((ip, i) => {
    const e = validateIP(index('spec.externalIPs', i), ip);
    errs.push(...(e.length ? e : validateNonSpecialIP(index('spec.externalIPs', i), ip)));
  });
  validateEnum(errs, 'spec.type', spec.type, SERVICE_TYPES);
  if (type === 'ClusterIP') {
    for (const [p, i] of ports) if ((asNumber(p.nodePort) ?? 0) !== 0) errs.push(fieldForbidden(child(index('spec.ports', i), 'nodePort'), "may not be used when `type` is 'ClusterIP'"));
  }
  const nodePorts = new Set<string>();
  const portKeys = new Set<string>();
  for (const [p, i] of ports) {
    const np = asNumber(p.nodePort) ?? 0;
    const proto = str(p, 'protocol');
    if (np !== 0) {
      const k = `${proto}/${np}`;
      if (nodePorts.has(k)) errs.push(fieldDuplicate(child(index('spec.ports', i), 'nodePort'), np));
      nodePorts.add(k);
    }
    const pk = `${proto}/${asNumber(p.port) ?? 0}`;
    if (portKeys.has(pk)) errs.push(fieldDuplicate(index('spec.ports', i), { protocol: proto, port: asNumber(p.port) ?? 0 }));
    portKeys.add(pk);
  }
  const ranges = strings(spec.loadBalancerSourceRanges);
  if (ranges.length > 0) {
    // Upstream spells this path with a capital L.
    if (type !== 'LoadBalancer') errs.push(fieldForbidden('spec.LoadBalancerSourceRanges', "may only be used when `type` is 'LoadBalancer'"));
    ranges.forEach((r, i) => errs.push(...validateCIDR(index('spec.LoadBalancerSourceRanges', i), r.trim())));
  } else {
    const ann = asString(annotations?.['service.beta.kubernetes.io/load-balancer-source-ranges']);
    if (ann !== undefined) {
      const p = key('metadata.annotations', 'service.beta.kubernetes.io/load-balancer-source-ranges');
      if (type !== 'LoadBalancer') errs.push(fieldForbidden(p, "may only be used when `type` is 'LoadBalancer'"));
      const v = ann.trim();
      if (v) for (const c of v.split(',')) errs.push(...validateCIDR(p, c.trim()));
    }
  }
  if (spec.allocateLoadBalancerNodePorts !== undefined && spec.allocateLoadBalancerNodePorts !== null && type !== 'LoadBalancer') {
    errs.push(fieldForbidden('spec.allocateLoadBalancerNodePorts', "may only be used when `type` is 'LoadBalancer'"));
  }
  if (type === 'LoadBalancer' && (spec.allocateLoadBalancerNodePorts === undefined || spec.allocateLoadBalancerNodePorts === null)) {
    errs.push(fieldRequired('allocateLoadBalancerNodePorts', ''));
  }
  validateLoadBalancerClass(errs, spec);
  if (!externallyAccessible(spec)) {
    const etp = str(spec, 'externalTrafficPolicy');
    if (etp) errs.push(fieldInvalid('spec.externalTrafficPolicy', etp, 'may only be set for externally-accessible services'));
  } else {
    validateEnum(errs, 'spec.externalTrafficPolicy', spec.externalTrafficPolicy, ['Cluster', 'Local']);
  }
  const hc = asNumber(spec.healthCheckNodePort) ?? 0;
  if (!needsHealthCheck(spec)) {
    if (hc !== 0) errs.push(fieldInvalid('spec.healthCheckNodePort', hc, "may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'"));
  } else if (hc === 0) {
    errs.push(fieldRequired('spec.healthCheckNodePort', ''));
  } else {
    pushInvalidEach(errs, 'spec.healthCheckNodePort', hc, isValidPortNum(hc));
  }
  const itp = spec.internalTrafficPolicy;
  if (itp === undefined || itp === null) {
    if (type === 'NodePort' || type === 'LoadBalancer' || type === 'ClusterIP') errs.push(fieldRequired('spec.internalTrafficPolicy', ''));
  } else if (itp !== 'Cluster' && itp !== 'Local') {
    errs.push(fieldNotSupported('spec.internalTrafficPolicy', itp, ['Cluster', 'Local']));
  }
  const td = spec.trafficDistribution;
  if (td !== undefined && td !== null && td !== 'PreferClose') errs.push(fieldNotSupported('spec.trafficDistribution', td, ['PreferClose']));
}

function validateLoadBalancerClass(errs: Errs, spec: JsonObject, old?: JsonObject): void {
  const cls = spec.loadBalancerClass;
  const isLB = str(spec, 'type') === 'LoadBalancer';
  if (old && isLB && str(old, 'type') === 'LoadBalancer' && (old.loadBalancerClass ?? null) !== (cls ?? null)) {
    errs.push(fieldInvalid('spec.loadBalancerClass', cls ?? null, 'may not change once set'));
  }
  if (old) return;
  if (isLB) {
    if (typeof cls === 'string') validateQualifiedName(errs, 'spec.loadBalancerClass', cls);
  } else if (cls !== undefined && cls !== null) {
    errs.push(fieldForbidden('spec.loadBalancerClass', "may only be used when `type` is 'LoadBalancer'"));
  }
}

/** ValidateServiceUpdate's extra rules (before the create-time validation of the new object). */
export function validateServiceUpdate(errs: Errs, svc: JsonObject, old: JsonObject): void {
  const spec = obj(svc, 'spec') ?? {};
  const oldSpec = obj(old, 'spec') ?? {};
  const extName = str(spec, 'type') === 'ExternalName' || str(oldSpec, 'type') === 'ExternalName';
  if (!extName) {
    const newIPs = clusterIPsOf(spec);
    const oldIPs = clusterIPsOf(oldSpec);
    const newHeadless = isHeadless(spec);
    const oldHeadless = isHeadless(oldSpec);
    if (!(oldHeadless && newHeadless)) {
      if (oldIPs.length === newIPs.length) {
        oldIPs.forEach((ip, i) => { if (ip !== newIPs[i]) errs.push(fieldInvalid(index('spec.clusterIPs', i), newIPs, 'may not change once set')); });
      } else if (oldIPs.length > newIPs.length) {
        if (newIPs.length === 0) errs.push(fieldInvalid('spec.clusterIPs[0]', newIPs, 'primary clusterIP can not be unset'));
        if (oldIPs.length > 0 && newIPs.length > 0 && newIPs[0] !== oldIPs[0]) errs.push(fieldInvalid('spec.clusterIPs[0]', newIPs, 'may not change once set'));
        if (newIPs.length === 1 && spec.ipFamilyPolicy !== 'SingleStack') errs.push(fieldInvalid('spec.ipFamilyPolicy', spec.ipFamilyPolicy ?? null, "must be set to 'SingleStack' when releasing the secondary clusterIP"));
      } else if (oldIPs.length > 0 && newIPs[0] !== oldIPs[0]) {
        errs.push(fieldInvalid('spec.clusterIPs[0]', newIPs, 'may not change once set'));
      }
    }
    if (newHeadless === oldHeadless && !newHeadless) {
      const nf = strings(spec.ipFamilies);
      const of = strings(oldSpec.ipFamilies);
      if (of.length === nf.length) {
        if (of.some((f, i) => f !== nf[i])) errs.push(fieldInvalid('spec.ipFamilies[0]', nf, 'may not change once set'));
      } else if (of.length > nf.length) {
        if (newIPs.length === 0) errs.push(fieldInvalid('spec.ipFamilies[0]', nf, 'primary ipFamily can not be unset'));
        if (nf.length > 0 && nf[0] !== of[0]) errs.push(fieldInvalid('spec.ipFamilies[0]', newIPs, 'may not change once set'));
        if (nf.length === 1 && spec.ipFamilyPolicy !== 'SingleStack') errs.push(fieldInvalid('spec.ipFamilyPolicy', spec.ipFamilyPolicy ?? null, "must be set to 'SingleStack' when releasing the secondary ipFamily"));
      } else if (of.length > 0 && nf.length > 0 && nf[0] !== of[0]) {
        errs.push(fieldInvalid('spec.ipFamilies[0]', newIPs, 'may not change once set'));
      }
    }
  }
  validateLoadBalancerClass(errs, spec, oldSpec);
  if (needsHealthCheck(oldSpec) && needsHealthCheck(spec) && (asNumber(spec.healthCheckNodePort) ?? 0) !== (asNumber(oldSpec.healthCheckNodePort) ?? 0)) {
    errs.push(fieldForbidden('spec.healthCheckNodePort', 'field is immutable'));
  }
}

/** Load-balancer status (ValidateLoadBalancerStatus, IPMode GA in v1.32). */
export function validateServiceStatus(errs: Errs, svc: JsonObject): void {
  const spec = obj(svc, 'spec');
  const ingress = objects(obj(obj(svc, 'status'), 'loadBalancer'), 'ingress');
  const path = 'status.loadBalancer.ingress';
  if (str(spec, 'type') !== 'LoadBalancer' && ingress.length > 0) {
    errs.push(fieldForbidden(path, "may only be used when `spec.type` is 'LoadBalancer'"));
    return;
  }
  for (const [ing, i] of ingress) {
    const p = index(path, i);
    const ip = str(ing, 'ip');
    if (ip) errs.push(...validateIP(child(p, 'ip'), ip));
    const mode = ing.ipMode;
    if ((mode === undefined || mode === null) && ip) errs.push(fieldRequired(child(p, 'ipMode'), 'must be specified when `ip` is set'));
    else if (mode !== undefined && mode !== null && !ip) errs.push(fieldForbidden(child(p, 'ipMode'), 'may not be specified when `ip` is not set'));
    else if (mode !== undefined && mode !== null && mode !== 'VIP' && mode !== 'Proxy') errs.push(fieldNotSupported(child(p, 'ipMode'), mode, ['Proxy', 'VIP']));
    const hostname = str(ing, 'hostname');
    if (hostname) {
      validateDNS1123Subdomain(errs, child(p, 'hostname'), hostname);
      if (parseIP(hostname)) errs.push(fieldInvalid(child(p, 'hostname'), hostname, 'must be a DNS name, not an IP address'));
    }
  }
}

