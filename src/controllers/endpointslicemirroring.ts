// The EndpointSlice mirroring controller (upstream pkg/controller/endpointslicemirroring): an
// Endpoints object written by hand for a Service without a selector is copied into
// EndpointSlices, so slice consumers see it too. One slice per address type and set of ports
// (at most 1000 addresses each, the rest skipped with a warning event), owned by the Endpoints,
// labelled with the Service's name and `managed-by: endpointslicemirroring-controller.k8s.io`,
// carrying the Endpoints' labels and annotations. Ready addresses are ready endpoints, not-ready
// ones are not. Endpoints marked `endpointslice.kubernetes.io/skip-mirror: "true"` (the
// API server's own, and the Endpoints controller's are for Services with selectors), leader
// election records, and Endpoints of Services that select pods or do not exist are not mirrored,
// and slices mirrored earlier for them are deleted.

import type { RestClient } from '../client/rest.ts';
import type { EventRecorder } from '../client/events.ts';
import { Controller, splitKey, type ControllerContext } from './framework/controller.ts';
import type { OwnerReference } from './framework/controllerref.ts';
import type { SharedInformer } from './framework/informers.ts';
import type { ControllerFactory } from './registry.ts';
import type { EndpointAddress, Endpoints, EndpointPort } from './endpoints.ts';
import {
  ManagedSlices, endpointDetail, endpointKey, portsKey,
  type EndpointSlice, type SliceEndpoint, type SlicePort,
} from './endpointslice.ts';
import { ANNOTATION_TRIGGER_TIME, LABEL_MANAGED_BY, LABEL_SERVICE_NAME, sameMap, type Service } from './servicepods.ts';

export const MIRRORING_CONTROLLER_NAME = 'endpointslicemirroring-controller.k8s.io';
/** Most addresses mirrored per Endpoints subset (--mirroring-max-endpoints-per-subset default). */
export const MAX_ENDPOINTS_PER_SUBSET = 1000;
export const LABEL_SKIP_MIRROR = 'endpointslice.kubernetes.io/skip-mirror';
const LEADER_ELECTION_ANNOTATION = 'control-plane.alpha.kubernetes.io/leader';
const LAST_APPLIED_ANNOTATION = 'kubectl.kubernetes.io/last-applied-configuration';


type AddressType = 'IPv4' | 'IPv6';

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/** An address's family, or undefined when it is not an IP. */
function addressTypeOf(ip: string): AddressType | undefined {
  if (IPV4.test(ip)) return 'IPv4';
  if (ip.includes(':') && /^[0-9a-fA-F:.]+$/.test(ip)) return 'IPv6';
  return undefined;
}

/** Slice ports from an Endpoints subset's ports. */
const slicePorts = (ports: EndpointPort[] | undefined): SlicePort[] => (ports ?? []).map((p) => {
  const sp: SlicePort = { name: p.name ?? '', port: p.port, protocol: p.protocol ?? 'TCP' };
  if (p.appProtocol) sp.appProtocol = p.appProtocol;
  return sp;
});

function addressToEndpoint(a: EndpointAddress, ready: boolean): SliceEndpoint {
  const ep: SliceEndpoint = { addresses: [a.ip], conditions: { ready } };
  if (a.targetRef) ep.targetRef = { ...a.targetRef };
  if (a.nodeName) ep.nodeName = a.nodeName;
  if (a.hostname) ep.hostname = a.hostname;
  return ep;
}

/** The labels and annotations a mirrored slice carries. */
function mirroredMeta(ep: Endpoints): { labels: Record<string, string>; annotations: Record<string, string> } {
  const labels = { ...(ep.metadata.labels ?? {}), [LABEL_SERVICE_NAME]: ep.metadata.name, [LABEL_MANAGED_BY]: MIRRORING_CONTROLLER_NAME };
  const annotations: Record<string, string> = {};
  for (const [k, v] of Object.entries(ep.metadata.annotations ?? {})) {
    if (k !== ANNOTATION_TRIGGER_TIME && k !== LAST_APPLIED_ANNOTATION) annotations[k] = v;
  }
  return { labels, annotations };
}

interface Desired { addressType: AddressType; ports: SlicePort[]; endpoints: Map<string, SliceEndpoint> }

/** Group an Endpoints' addresses by address type and ports; counts what had to be skipped. */
export function desiredSlices(ep: Endpoints, maxPerSubset = MAX_ENDPOINTS_PER_SUBSET): { groups: Map<string, Desired>; invalid: number; skipped: number } {
  const groups = new Map<string, Desired>();
  let invalid = 0, skipped = 0;
  for (const subset of ep.subsets ?? []) {
    const ports = slicePorts(subset.ports);
    const pk = portsKey(ports);
    let added = 0;
    const all: [EndpointAddress, boolean][] = [
      ...(subset.addresses ?? []).map((a): [EndpointAddress, boolean] => [a, true]),
      ...(subset.notReadyAddresses ?? []).map((a): [EndpointAddress, boolean] => [a, false]),
    ];
    for (const [a, ready] of all) {
      if (added >= maxPerSubset) { skipped++; continue; }
      const type = addressTypeOf(a.ip);
      if (!type) { invalid++; skipped++; continue; }
      const key = `${type}/${pk}`;
      let g = groups.get(key);
      if (!g) groups.set(key, (g = { addressType: type, ports, endpoints: new Map() }));
      const e = addressToEndpoint(a, ready);
      const ek = endpointKey(e);
      if (!g.endpoints.has(ek)) g.endpoints.set(ek, e);
      added++;
    }
  }
  return { groups, invalid, skipped };
}

export class EndpointSliceMirroringController extends Controller {
  private readonly services: SharedInformer<Service>;
  private readonly endpoints: SharedInformer<Endpoints>;
  private readonly slices: SharedInformer<EndpointSlice>;
  private readonly client: RestClient;
  private readonly recorder: EventRecorder;
  private readonly owned: ManagedSlices;

  constructor(ctx: ControllerContext) {
    super('endpointslice-mirroring-controller', ctx);
    this.client = ctx.client;
    this.recorder = ctx.recorder('endpointslice-mirroring-controller');
    this.services = ctx.informers.for<Service>('services');
    this.endpoints = ctx.informers.for<Endpoints>('endpoints');
    this.slices = ctx.informers.for<EndpointSlice>('discovery.k8s.io/endpointslices');
    // An Endpoints is keyed like its Service.
    this.services.addHandlers({ add: (s) => this.enqueue(s), update: (_, s) => this.enqueue(s), delete: (s) => this.enqueue(s) });
    this.endpoints.addHandlers({ add: (e) => this.enqueue(e), update: (_, e) => this.enqueue(e), delete: (e) => this.enqueue(e) });
    this.owned = new ManagedSlices(this.slices, this.client, MIRRORING_CONTROLLER_NAME, this.queue);
  }

  protected async sync(key: string): Promise<void> {
    const [namespace, name] = splitKey(key);
    const ep = this.endpoints.get(namespace, name);
    const svc = this.services.get(namespace, name);
    const mirror = ep && ep.metadata.labels?.[LABEL_SKIP_MIRROR] !== 'true' && ep.metadata.annotations?.[LEADER_ELECTION_ANNOTATION] === undefined
      && svc && !(svc.spec?.selector && typeof svc.spec.selector === 'object');
    if (!mirror || !ep) {
      await this.owned.delete(key, this.owned.of(key));
      if (!ep) this.owned.tracker.forget(key);
      return;
    }
    if (this.owned.stale(key, namespace)) {
      this.queue.addAfter(key, 100);
      return;
    }
    const { groups, invalid, skipped } = desiredSlices(ep);
    const ref = { kind: 'Endpoints', apiVersion: 'v1', namespace, name, uid: ep.metadata.uid };
    if (invalid > 0) this.recorder.event(ref, 'Warning', 'InvalidIPAddress', `Skipped ${invalid} invalid IP addresses when mirroring to EndpointSlices`);
    if (skipped > invalid) {
      this.recorder.event(ref, 'Warning', 'TooManyAddressesToMirror',
        `A max of ${MAX_ENDPOINTS_PER_SUBSET} addresses can be mirrored to EndpointSlices per Endpoints subset. ${skipped} addresses were skipped`);
    }

    const { labels, annotations } = mirroredMeta(ep);
    const existingByKey = new Map<string, EndpointSlice[]>();
    for (const s of this.owned.of(key)) {
      const k = `${s.addressType}/${portsKey(s.ports)}`;
      existingByKey.set(k, [...(existingByKey.get(k) ?? []), s]);
    }
    const create: EndpointSlice[] = [], update: EndpointSlice[] = [], remove: EndpointSlice[] = [];
    for (const [k, want] of groups) {
      const [first, ...extra] = existingByKey.get(k) ?? [];
      remove.push(...extra);
      const endpoints = [...want.endpoints.values()];
      if (first && sameEndpoints(first.endpoints ?? [], endpoints) && sameMap(first.metadata.labels, labels)
        && sameMap(first.metadata.annotations, annotations) && ownerIs(first, ep)) continue;
      const slice = this.newSlice(ep, want, labels, annotations, endpoints);
      if (first) {
        slice.metadata = { ...first.metadata, labels, annotations, ownerReferences: slice.metadata.ownerReferences };
        update.push(slice);
      } else {
        create.push(slice);
      }
    }
    for (const [k, slices] of existingByKey) if (!groups.has(k)) remove.push(...slices);
    // Reuse slices going away instead of creating new ones.
    while (create.length > 0 && remove.length > 0) {
      const fresh = create.pop() as EndpointSlice;
      const old = remove.pop() as EndpointSlice;
      if (old.addressType !== fresh.addressType) { create.push(fresh); remove.push(old); break; }
      update.push({ ...fresh, metadata: { ...old.metadata, labels: fresh.metadata.labels, annotations: fresh.metadata.annotations, ownerReferences: fresh.metadata.ownerReferences } });
    }
    await this.owned.apply(key, namespace, { create, update, delete: remove }, !!(ep.metadata as { deletionTimestamp?: string }).deletionTimestamp);
  }

  private newSlice(ep: Endpoints, want: Desired, labels: Record<string, string>, annotations: Record<string, string>, endpoints: SliceEndpoint[]): EndpointSlice {
    const owner: OwnerReference = { apiVersion: 'v1', kind: 'Endpoints', name: ep.metadata.name, uid: ep.metadata.uid as string, controller: true, blockOwnerDeletion: true };
    return {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: { name: '', generateName: `${ep.metadata.name}-`, namespace: ep.metadata.namespace, labels, annotations, ownerReferences: [owner] },
      addressType: want.addressType,
      endpoints,
      ports: want.ports,
    };
  }
}

const ownerIs = (s: EndpointSlice, ep: Endpoints) => (s.metadata.ownerReferences ?? []).some((r) => r.uid === ep.metadata.uid && r.kind === 'Endpoints');

function sameEndpoints(have: SliceEndpoint[], want: SliceEndpoint[]): boolean {
  if (have.length !== want.length) return false;
  const byKey = new Map(want.map((e) => [endpointKey(e), e]));
  for (const e of have) {
    const w = byKey.get(endpointKey(e));
    if (!w || endpointDetail(w) !== endpointDetail(e)) return false;
  }
  return true;
}

export const newEndpointSliceMirroringController: ControllerFactory = (ctx) => new EndpointSliceMirroringController(ctx);
