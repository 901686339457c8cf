// core/v1 Endpoints (SetDefaults_Endpoints, ValidateEndpoints).

import { fieldRequired } from '../validation/fielderrors.ts';
import { pushInvalidEach, validateDNS1123Label, validateEnum, validateName, validateQualifiedName, type Errs } from '../validation/fields.ts';
import { asNumber, asString, objects, setDefaultString, str } from '../validation/json.ts';
import { isValidPortNum, nameIsDNSSubdomain } from '../validation/names.ts';
import { validateIP, validateNonSpecialIP } from '../validation/net.ts';
import type { KubeObject } from '../object.ts';
import type { Strategy } from './strategy.ts';

function defaults(ep: KubeObject): void {
  for (const [ss] of objects(ep, 'subsets')) for (const [p] of objects(ss, 'ports')) setDefaultString(p, 'protocol', 'TCP');
}

function validate(ep: KubeObject): Errs {
  const errs: Errs = [];
  for (const [ss, i] of objects(ep, 'subsets')) {
    const sp = `subsets[${i}]`;
    const addrs = objects(ss, 'addresses');
    const notReady = objects(ss, 'notReadyAddresses');
    if (addrs.length === 0 && notReady.length === 0) errs.push(fieldRequired(sp, 'must specify `addresses` or `notReadyAddresses`'));
    for (const [list, field] of [[addrs, 'addresses'], [notReady, 'notReadyAddresses']] as const) {
      for (const [a, j] of list) {
        const ap = `${sp}.${field}[${j}]`;
        errs.push(...validateIP(`${ap}.ip`, str(a, 'ip')));
        const hostname = str(a, 'hostname');
        if (hostname) validateDNS1123Label(errs, `${ap}.hostname`, hostname);
        const nodeName = asString(a.nodeName);
        if (nodeName !== undefined) validateName(errs, `${ap}.nodeName`, nodeName, nameIsDNSSubdomain);
        errs.push(...validateNonSpecialIP(`${ap}.ip`, str(a, 'ip')));
      }
    }
    const ports = objects(ss, 'ports');
    for (const [p, j] of ports) {
      const pp = `${sp}.ports[${j}]`;
      const name = str(p, 'name');
      if (ports.length > 1 && !name) errs.push(fieldRequired(`${pp}.name`, ''));
      else if (name) validateDNS1123Label(errs, `${pp}.name`, name);
      const port = asNumber(p.port) ?? 0;
      pushInvalidEach(errs, `${pp}.port`, port, isValidPortNum(port));
      validateEnum(errs, `${pp}.protocol`, p.protocol, ['SCTP', 'TCP', 'UDP']);
      const app = asString(p.appProtocol);
      if (app !== undefined) validateQualifiedName(errs, `${pp}.appProtocol`, app);
    }
  }
  return errs;
}

export const endpointsStrategy: Strategy = { defaults, validate, validateUpdate: (ep) => validate(ep) };
