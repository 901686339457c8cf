// What the API server keeps in place itself (upstream's bootstrap controller): the system
// namespaces, and the `kubernetes` Service in default with the Endpoints and EndpointSlice
// that point at the API server.

import { networkInterfaces } from 'node:os';
import type { GenericRegistry } from '../registry/generic.ts';
import type { KubeObject } from '../registry/object.ts';

export const SYSTEM_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];
/** The first address of the service CIDR belongs to the API server's own Service. */
export const KUBERNETES_SERVICE_IP = '10.96.0.1';

export interface BootstrapRegistries {
  namespaces: GenericRegistry;
  services: GenericRegistry;
  endpoints: GenericRegistry;
  endpointSlices: GenericRegistry;
}

const MANAGER = { fieldManager: 'kube-apiserver' };

export async function ensureSystemNamespaces(r: BootstrapRegistries): Promise<void> {
  for (const name of SYSTEM_NAMESPACES) {
    if (!r.namespaces.cacherHas(undefined, name)) {
      await r.namespaces.create(undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } }, MANAGER);
    }
  }
}

/**
 * The address published for the API server: the host's first non-loopback IPv4 (endpoint
 * addresses may not be loopback). Only written into objects; nothing is sent to it.
 */
export function advertiseAddress(bind: string): string | undefined {
  if (bind !== '0.0.0.0' && bind !== '127.0.0.1' && bind !== 'localhost') return bind;
  for (const addrs of Object.values(networkInterfaces())) {
    for (const a of addrs ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return undefined;
}

/** Create or update an object so that it matches `desired` in the fields we own. */
async function reconcile(reg: GenericRegistry, namespace: string, desired: KubeObject, same: (cur: KubeObject) => boolean, update: (cur: KubeObject) => void): Promise<void> {
  const name = desired.metadata.name!;
  if (!reg.cacherHas(namespace, name)) {
    await reg.create(namespace, desired, MANAGER);
    return;
  }
  const cur = reg.served(reg.getEntry(namespace, name));
  if (same(cur)) return;
  await reg.guaranteedUpdate(namespace, name, (c) => reg.updateFrom(c, (update(c), c), '', MANAGER), MANAGER);
}

export async function reconcileKubernetesService(r: BootstrapRegistries, port: number, address: string | undefined): Promise<void> {
  const ports = [{ name: 'https', port: 443, protocol: 'TCP', targetPort: port }];
  await reconcile(r.services, 'default', {
    apiVersion: 'v1', kind: 'Service',
    metadata: { name: 'kubernetes', labels: { component: 'apiserver', provider: 'kubernetes' } },
    spec: { type: 'ClusterIP', clusterIP: KUBERNETES_SERVICE_IP, ports, sessionAffinity: 'None' },
  }, (cur) => (cur.spec as { ports?: { targetPort?: unknown }[] }).ports?.[0]?.targetPort === port,
  (cur) => { (cur.spec as { ports: unknown }).ports = ports; });
  if (!address) return;
  const subsets = [{ addresses: [{ ip: address }], ports: [{ name: 'https', port, protocol: 'TCP' }] }];
  await reconcile(r.endpoints, 'default', {
    apiVersion: 'v1', kind: 'Endpoints',
    metadata: { name: 'kubernetes', labels: { 'endpointslice.kubernetes.io/skip-mirror': 'true' } },
    subsets,
  }, (cur) => JSON.stringify(cur.subsets) === JSON.stringify(subsets), (cur) => { cur.subsets = subsets; });
  const slicePorts = [{ name: 'https', port, protocol: 'TCP' }];
  const endpoints = [{ addresses: [address], conditions: { ready: true } }];
  await reconcile(r.endpointSlices, 'default', {
    apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice',
    metadata: { name: 'kubernetes', labels: { 'kubernetes.io/service-name': 'kubernetes' } },
    addressType: 'IPv4', endpoints, ports: slicePorts,
  }, (cur) => JSON.stringify(cur.ports) === JSON.stringify(slicePorts) && JSON.stringify((cur.endpoints as { addresses?: unknown }[] | undefined)?.[0]?.addresses) === JSON.stringify([address]),
  (cur) => { cur.ports = slicePorts; cur.endpoints = endpoints; });
}
