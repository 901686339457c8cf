// Upstream: test/e2e/network/endpointslice.go, "should have Endpoints and EndpointSlices
// pointing to API Server". default/kubernetes has Endpoints and EndpointSlices carrying the
// same addresses and ports.

import { fail, must } from '../../framework/expect.ts';
import type { KList, KObject } from '../../framework/json.ts';
import type { ConformanceCase } from '../../framework/types.ts';

interface Service extends KObject { spec?: { clusterIP?: string } }
interface Endpoints extends KObject {
  subsets?: { addresses?: { ip: string }[]; notReadyAddresses?: { ip: string }[]; ports?: { port: number }[] }[];
}
interface EndpointSlice extends KObject { addressType?: string; endpoints?: { addresses?: string[] }[]; ports?: { port?: number }[] }

const sameSet = <T>(a: Set<T>, b: Set<T>) => a.size === b.size && [...a].every((x) => b.has(x));
const show = <T>(s: Set<T>) => `[${[...s].sort().join(' ')}]`;

const testCase: ConformanceCase = {
  id: 'NW-11',
  codename: '[sig-network] EndpointSlice should have Endpoints and EndpointSlices pointing to API Server [Conformance]',
  class: 'API',
  needs: 'default/kubernetes Service, Endpoints and EndpointSlice kept by the API server',
  baseName: 'endpointslice',
  podSecurity: 'baseline',
  async run(ctx) {
    const namespace = 'default';
    const name = 'kubernetes';

    ctx.step('verify "kubernetes.default" service exist');
    const svc = await must(ctx.rest.get<Service>(`/api/v1/namespaces/${namespace}/services/${name}`), 'error obtaining API server "kubernetes" Service resource on "default" namespace');

    ctx.step('verify Endpoints for the API servers exist');
    const endpoints = await must(ctx.rest.get<Endpoints>(`/api/v1/namespaces/${namespace}/endpoints/${name}`), 'error obtaining API server "kubernetes" Endpoint resource on "default" namespace');
    if (!endpoints.subsets?.length) fail(`Expected at least 1 subset in endpoints, got 0: ${JSON.stringify(endpoints.subsets ?? null)}`);

    ctx.step('verify EndpointSlices for the API servers exist');
    const slices = await must(ctx.rest.get<KList<EndpointSlice>>(`/apis/discovery.k8s.io/v1/namespaces/${namespace}/endpointslices`, { labelSelector: `kubernetes.io/service-name=${name}` }),
      'error obtaining API server "kubernetes" EndpointSlice resource on "default" namespace');
    if (!slices.items.length) fail(`Expected at least 1 EndpointSlice, got 0`);

    // endpointSlicesEqual: same address and port sets, comparing only slices of the cluster's
    // IP family (that of the kubernetes Service's ClusterIP).
    const epAddresses = new Set<string>();
    const epPorts = new Set<number>();
    for (const s of endpoints.subsets) {
      for (const a of s.addresses ?? []) epAddresses.add(a.ip);
      for (const a of s.notReadyAddresses ?? []) epAddresses.add(a.ip);
      for (const p of s.ports ?? []) epPorts.add(p.port);
    }
    const addrType = (svc.spec?.clusterIP ?? '').includes(':') ? 'IPv6' : 'IPv4';
    const sliceAddresses = new Set<string>();
    const slicePorts = new Set<number>();
    for (const slice of slices.items) {
      if (slice.addressType !== addrType) { ctx.log(`Skipping slice ${slice.metadata.name}: wanted ${addrType} family, got ${slice.addressType}`); continue; }
      for (const e of slice.endpoints ?? []) for (const a of e.addresses ?? []) sliceAddresses.add(a);
      for (const p of slice.ports ?? []) if (p.port !== undefined) slicePorts.add(p.port);
    }
    ctx.log(`Endpoints addresses: ${show(epAddresses)}, ports: ${show(epPorts)}`);
    ctx.log(`EndpointSlices addresses: ${show(sliceAddresses)}, ports: ${show(slicePorts)}`);
    if (!sameSet(sliceAddresses, epAddresses) || !sameSet(slicePorts, epPorts)) {
      fail(`Expected EndpointSlice to have same addresses and port as Endpoints: Endpoints ${show(epAddresses)} ports ${show(epPorts)}, EndpointSlices ${show(sliceAddresses)} ports ${show(slicePorts)}`);
    }
  },
};

export default testCase;
