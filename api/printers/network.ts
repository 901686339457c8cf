// Services and where they lead: services, endpoints, endpointslices.

import { AGE, NAME, column, columns } from './columns.ts';
import { formatLabels, joinHostPort, listWithMore, age, text } from './format.ts';
import { type CellTemplate, printer } from './types.ts';

interface ServiceWire {
  metadata: { name?: string; creationTimestamp?: string };
  spec?: {
    type?: string;
    clusterIP?: string;
    clusterIPs?: string[];
    externalIPs?: string[];
    externalName?: string;
    ports?: { port?: number; nodePort?: number; protocol?: string }[];
    selector?: Record<string, string>;
  };
  status?: { loadBalancer?: { ingress?: { ip?: string; hostname?: string }[] } };
}

/** The load balancer's addresses, de-duplicated and sorted (upstream collects them in a string set). */
function loadBalancerAddresses(svc: ServiceWire): string[] {
  const ingress = svc.status?.loadBalancer?.ingress;
  if (!ingress || ingress.length === 0) return [];
  const set = new Set<string>();
  for (const i of ingress) {
    if (i.ip) set.add(i.ip);
    else if (i.hostname) set.add(i.hostname);
  }
  return [...set].sort();
}

/**
 * EXTERNAL-IP. The server prints wide, so load balancer addresses are never clipped here
 * (the 16-character clipping upstream has only applies to client-side narrow printing).
 */
function externalIP(svc: ServiceWire): string {
  const spec = svc.spec ?? {};
  const external = spec.externalIPs ?? [];
  switch (spec.type) {
    case 'ClusterIP':
    case 'NodePort':
      return external.length > 0 ? external.join(',') : '<none>';
    case 'LoadBalancer': {
      const lb = loadBalancerAddresses(svc);
      if (external.length > 0) return [...lb, ...external].join(',');
      return lb.length > 0 ? lb.join(',') : '<pending>';
    }
    case 'ExternalName':
      return spec.externalName ?? '';
    default:
      return '<unknown>';
  }
}

/** PORT(S): "80/TCP", "80:30080/TCP" when a node port is allocated, "<none>" without ports. */
function ports(svc: ServiceWire): string {
  const list = svc.spec?.ports;
  if (!list || list.length === 0) return '<none>';
  let out = '';
  for (let i = 0; i < list.length; i++) {
    const p = list[i];
    // Protocol defaults to TCP on write; an undefaulted object prints as the defaulted one would.
    const proto = p.protocol ?? 'TCP';
    const port = p.port ?? 0;
    out += (i ? ',' : '') + (p.nodePort ? `${port}:${p.nodePort}/${proto}` : `${port}/${proto}`);
  }
  return out;
}

export const servicePrinter = printer({
  columns: columns(
    NAME,
    column('Type', 'string', 'How the service is exposed: ClusterIP, NodePort, LoadBalancer or ExternalName.'),
    column('Cluster-IP', 'string', 'The IP address of the service inside the cluster.'),
    column('External-IP', 'string', 'Addresses outside the cluster the service is reachable on.'),
    column('Port(s)', 'string', 'The ports the service exposes.'),
    AGE,
    column('Selector', 'string', 'The labels of the pods traffic is routed to.', 1),
  ),
  cells(obj): CellTemplate[] {
    const svc = obj as unknown as ServiceWire;
    const spec = svc.spec ?? {};
    // The v1→internal conversion makes spec.clusterIP authoritative over clusterIPs[0].
    const clusterIP = spec.clusterIP || spec.clusterIPs?.[0] || '<none>';
    return [svc.metadata.name ?? '', spec.type ?? '', clusterIP, externalIP(svc), ports(svc), age(svc.metadata.creationTimestamp), formatLabels(spec.selector)];
  },
});

interface Subset { addresses?: { ip?: string }[]; ports?: { port?: number }[] }

const MAX_LISTED = 3;

/** ENDPOINTS: up to three "ip:port" (or bare ips for port-less subsets), then "+ N more...". */
function formatEndpoints(subsets: Subset[] | undefined): string {
  if (!subsets || subsets.length === 0) return '<none>';
  const list: string[] = [];
  let count = 0;
  for (const ss of subsets) {
    const addresses = ss.addresses ?? [];
    const ssPorts = ss.ports ?? [];
    if (ssPorts.length === 0) {
      // Headless services may have no ports at all.
      count += addresses.length;
      for (const a of addresses) {
        if (list.length === MAX_LISTED) break;
        list.push(a.ip ?? '');
      }
      continue;
    }
    for (const p of ssPorts) {
      count += addresses.length;
      for (const a of addresses) {
        if (list.length === MAX_LISTED) break;
        list.push(joinHostPort(a.ip ?? '', p.port ?? 0));
      }
    }
  }
  return listWithMore(list, count, MAX_LISTED, '');
}

export const endpointsPrinter = printer({
  columns: columns(NAME, column('Endpoints', 'string', 'The addresses and ports that implement the service.'), AGE),
  cells(obj): CellTemplate[] {
    return [text(obj.metadata.name), formatEndpoints(obj.subsets as Subset[] | undefined), age(obj.metadata.creationTimestamp)];
  },
});

interface SlicePort { port?: number | null; name?: string | null }
interface SliceEndpoint { addresses?: string[] }

function slicePorts(list: SlicePort[] | undefined): string {
  const out: string[] = [];
  let count = 0;
  for (const p of list ?? []) {
    if (out.length < MAX_LISTED) out.push(typeof p.port === 'number' ? String(p.port) : typeof p.name === 'string' ? p.name : '*');
    count++;
  }
  return listWithMore(out, count, MAX_LISTED, '<unset>');
}

function sliceEndpoints(list: SliceEndpoint[] | undefined): string {
  const out: string[] = [];
  let count = 0;
  for (const e of list ?? []) {
    for (const a of e.addresses ?? []) {
      if (out.length < MAX_LISTED) out.push(a);
      count++;
    }
  }
  return listWithMore(out, count, MAX_LISTED, '<unset>');
}

export const endpointSlicePrinter = printer({
  columns: columns(
    NAME,
    column('AddressType', 'string', 'The type of address carried by this slice: IPv4, IPv6 or FQDN.'),
    column('Ports', 'string', 'The ports exposed by the endpoints of this slice.'),
    column('Endpoints', 'string', 'The addresses of the endpoints in this slice.'),
    AGE,
  ),
  cells(obj): CellTemplate[] {
    return [
      text(obj.metadata.name), text(obj.addressType),
      slicePorts(obj.ports as SlicePort[] | undefined), sliceEndpoints(obj.endpoints as SliceEndpoint[] | undefined),
      age(obj.metadata.creationTimestamp),
    ];
  },
});
