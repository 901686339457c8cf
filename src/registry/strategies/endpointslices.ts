// discovery.k8s.io/v1 EndpointSlice (pkg/registry/discovery/endpointslice/strategy.go,
// discovery/v1 defaults, pkg/apis/discovery/validation).

import { fieldDuplicate, fieldInvalid, fieldNotSupported, fieldRequired, fieldTooMany } from '../validation/fielderrors.ts';
import { pushInvalidEach, validateDNS1123Label, validateImmutable, validateLabels, validateName, type Errs } from '../validation/fields.ts';
import { asArray, asString, isObject, objects, semanticEqual, setDefault, str, type JsonObject } from '../validation/json.ts';
import { isDNS1123Label, isDNS1123Subdomain, isQualifiedName, nameIsDNSSubdomain } from '../validation/names.ts';
import { validateIPv4, validateIPv6, validateNonSpecialIP } from '../validation/net.ts';
import type { KubeObject } from '../object.ts';
import type { Strategy } from './strategy.ts';

const ADDRESS_TYPES = ['FQDN', 'IPv4', 'IPv6'];
const PROTOCOLS = ['SCTP', 'TCP', 'UDP'];
const MAX_ENDPOINTS = 1000;
const MAX_ADDRESSES = 100;
const MAX_PORTS = 100;
const MAX_TOPOLOGY_LABELS = 16;
const MAX_HINTS = 8;
const HOSTNAME_LABEL = 'kubernetes.io/hostname';

function defaults(eps: KubeObject): void {
  for (const [p] of objects(eps, 'ports')) {
    setDefault(p, 'name', '');
    setDefault(p, 'protocol', 'TCP');
  }
}

/** IsFullyQualifiedDomainName. */
function validateFQDN(errs: Errs, path: string, name: string): void {
  if (!name) {
    errs.push(fieldRequired(path, ''));
    return;
  }
  const n = name.endsWith('.') ? name.slice(0, -1) : name;
  const sub = isDNS1123Subdomain(n);
  if (sub.length) {
    errs.push(fieldInvalid(path, n, sub.join(',')));
    return;
  }
  const labels = n.split('.');
  if (labels.length < 2) {
    errs.push(fieldInvalid(path, n, 'should be a domain with at least two segments separated by dots'));
    return;
  }
  for (const l of labels) {
    const m = isDNS1123Label(l);
    if (m.length) {
      errs.push(fieldInvalid(path, l, m.join(',')));
      return;
    }
  }
}

/** v1 writes may not set deprecatedTopology; a hostname label a previous version had moves into nodeName. */
function dropTopology(eps: KubeObject, old: KubeObject | undefined): void {
  if (old && semanticEqual(eps.endpoints, old.endpoints)) return;
  const prevNodes = new Set<string>();
  for (const [e] of objects(old, 'endpoints')) {
    const t = isObject(e.deprecatedTopology) ? e.deprecatedTopology[HOSTNAME_LABEL] : undefined;
    if (typeof t === 'string') prevNodes.add(t);
  }
  for (const [e] of objects(eps, 'endpoints')) {
    const topo = isObject(e.deprecatedTopology) ? e.deprecatedTopology : undefined;
    const host = topo?.[HOSTNAME_LABEL];
    if ((e.nodeName === undefined || e.nodeName === null) && typeof host === 'string' && prevNodes.has(host) && isDNS1123Subdomain(host).length === 0) {
      e.nodeName = host;
    }
    delete e.deprecatedTopology;
  }
}

function validate(eps: KubeObject, validTypes = ADDRESS_TYPES): Errs {
  const errs: Errs = [];
  const addressType = str(eps, 'addressType');
  if (!addressType) errs.push(fieldRequired('addressType', ''));
  else if (!validTypes.includes(addressType)) errs.push(fieldNotSupported('addressType', addressType, validTypes));
  const endpoints = asArray(eps.endpoints) ?? [];
  if (endpoints.length > MAX_ENDPOINTS) {
    errs.push(fieldTooMany('endpoints', endpoints.length, MAX_ENDPOINTS));
  } else {
    for (const [e, i] of objects(eps, 'endpoints')) validateEndpoint(errs, `endpoints[${i}]`, e, addressType);
  }
  const ports = asArray(eps.ports) ?? [];
  if (ports.length > MAX_PORTS) {
    errs.push(fieldTooMany('ports', ports.length, MAX_PORTS));
    return errs;
  }
  const names = new Set<string>();
  for (const [p, i] of objects(eps, 'ports')) {
    const pp = `ports[${i}]`;
    const name = str(p, 'name');
    if (name) validateDNS1123Label(errs, `${pp}.name`, name);
    if (names.has(name)) errs.push(fieldDuplicate(`${pp}.name`, name));
    else names.add(name);
    const proto = p.protocol;
    if (proto === undefined || proto === null) errs.push(fieldRequired(`${pp}.protocol`, ''));
    else if (typeof proto !== 'string' || !PROTOCOLS.includes(proto)) errs.push(fieldNotSupported(`${pp}.protocol`, proto, PROTOCOLS));
    const app = asString(p.appProtocol);
    if (app !== undefined) pushInvalidEach(errs, `${pp}.appProtocol`, app, isQualifiedName(app));
  }
  return errs;
}

function validateEndpoint(errs: Errs, path: string, e: JsonObject, addressType: string): void {
  const addresses = asArray(e.addresses) ?? [];
  if (addresses.length === 0) errs.push(fieldRequired(`${path}.addresses`, 'must contain at least 1 address'));
  else if (addresses.length > MAX_ADDRESSES) errs.push(fieldTooMany(`${path}.addresses`, addresses.length, MAX_ADDRESSES));
  addresses.forEach((a, i) => {
    const ap = `${path}.addresses[${i}]`;
    const s = typeof a === 'string' ? a : String(a);
    if (addressType === 'IPv4') {
      const e4 = validateIPv4(ap, s);
      errs.push(...(e4.length ? e4 : validateNonSpecialIP(ap, s)));
    } else if (addressType === 'IPv6') {
      const e6 = validateIPv6(ap, s);
      errs.push(...(e6.length ? e6 : validateNonSpecialIP(ap, s)));
    } else if (addressType === 'FQDN') {
      validateFQDN(errs, ap, s);
    }
  });
  const topology = isObject(e.deprecatedTopology) ? e.deprecatedTopology : undefined;
  if (topology && Object.keys(topology).length > MAX_TOPOLOGY_LABELS) errs.push(fieldTooMany(`${path}.deprecatedTopology`, Object.keys(topology).length, MAX_TOPOLOGY_LABELS));
  validateLabels(errs, `${path}.deprecatedTopology`, topology);
  const hostname = asString(e.hostname);
  if (hostname !== undefined) validateDNS1123Label(errs, `${path}.hostname`, hostname);
  const nodeName = asString(e.nodeName);
  if (nodeName !== undefined) validateName(errs, `${path}.nodeName`, nodeName, nameIsDNSSubdomain);
  const hints = isObject(e.hints) ? e.hints : undefined;
  if (hints) {
    const zones = objects(hints, 'forZones');
    if (zones.length > MAX_HINTS) errs.push(fieldTooMany(`${path}.hints.forZones`, zones.length, MAX_HINTS));
    else {
      const seen = new Set<string>();
      for (const [z, i] of zones) {
        const zp = `${path}.hints.forZones[${i}].name`;
        const name = str(z, 'name');
        if (seen.has(name)) errs.push(fieldDuplicate(zp, name));
        else seen.add(name);
      }
    }
  }
}

export const endpointSliceStrategy: Strategy = {
  hasGeneration: true,
  defaults,
  prepareForCreate: (eps) => dropTopology(eps, undefined),
  prepareForUpdate: dropTopology,
  validate: (eps) => validate(eps),
  validateUpdate(eps, old) {
    // The deprecated "IP" address type stays valid on objects that already use it.
    const errs = validate(eps, [...ADDRESS_TYPES, 'IP'].sort());
    validateImmutable(errs, 'addressType', eps.addressType ?? '', old.addressType ?? '');
    return errs;
  },
};
