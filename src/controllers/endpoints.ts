// The Endpoints controller (upstream pkg/controller/endpoint): for every Service with a selector,
// an Endpoints object of the same name listing the selected pods' IPs by the ports they serve:
// ready pods under addresses, the others under notReadyAddresses (all under addresses when the
// Service publishes not-ready addresses), subsets repacked into the canonical form (one subset
// per distinct set of ports, sorted), at most 1000 addresses with the over-capacity annotation
// beyond that. A deleted Service loses its Endpoints.
//
// Unlike upstream (kubernetes#91072, left open for compatibility), an Endpoints this controller
// wrote is also deleted when its Service stops selecting (selector removed, type ExternalName),
// so stale addresses are neither served nor mirrored; one changed by anyone since is left alone.

import { createHash } from 'node:crypto';
import type { KObject } from '../client/informer.ts';
import { apiErrorCode, isConflict, isNotFound, resource, type RestClient } from '../client/rest.ts';
import type { EventRecorder } from '../client/events.ts';
import { Controller, splitKey, type ControllerContext } from './framework/controller.ts';
import type { SharedInformer } from './framework/informers.ts';
import type { ControllerFactory } from './registry.ts';
import {
  ANNOTATION_TRIGGER_TIME, LABEL_HEADLESS, TriggerTimeTracker, findPort, isHeadless, podIPsOf, podReady, primaryFamily, publishNotReady,
  selects, serviceSelector, queueServicesOnChanges, shouldPodBeInEndpoints, shouldSetHostname,
  type EndpointsPod, type Service,
  sameMap,
} from './servicepods.ts';

/** Most addresses one Endpoints object holds (upstream maxCapacity). */
export const MAX_ENDPOINTS_CAPACITY = 1000;
export const ANNOTATION_OVER_CAPACITY = 'endpoints.kubernetes.io/over-capacity';
const LEADER_ELECTION_ANNOTATION = 'control-plane.alpha.kubernetes.io/leader';

export interface EndpointAddress {
  ip: string;
  hostname?: string;
  nodeName?: string;
  targetRef?: { kind: string; namespace?: string; name: string; uid?: string; resourceVersion?: string };
}
export interface EndpointPort { name?: string; port: number; protocol?: string; appProtocol?: string }
export interface EndpointSubset { addresses?: EndpointAddress[]; notReadyAddresses?: EndpointAddress[]; ports?: EndpointPort[] }

export interface Endpoints extends KObject {
  metadata: KObject['metadata'] & { annotations?: Record<string, string> };
  subsets?: EndpointSubset[];
}

const endpointsResource = resource('endpoints');

const compareStrings = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Addresses sort by IP (byte order), then by their pod's UID. */
const compareAddresses = (a: EndpointAddress, b: EndpointAddress) =>
  compareStrings(a.ip, b.ip) || compareStrings(a.targetRef?.uid ?? '', b.targetRef?.uid ?? '');

const portKey = (p: EndpointPort) => `${p.name ?? ''}\0${p.port}\0${p.protocol ?? ''}\0${p.appProtocol ?? ''}`;
const addressKey = (a: EndpointAddress) => `${a.ip}\0${a.targetRef?.uid ?? ''}`;
const digest = (v: unknown) => createHash('md5').update(JSON.stringify(v)).digest('hex');

/**
 * The canonical layout of subsets (upstream RepackSubsets): every address grouped with exactly
 * the ports it serves, one subset per distinct group; an address not ready on any port of a group
 * is not ready there. Addresses sort by IP and UID, ports and subsets in a fixed order.
 */
export function repackSubsets(subsets: EndpointSubset[]): EndpointSubset[] {
  const addrs = new Map<string, EndpointAddress>();
  // port key (or '' for an address without ports) → address key → ready
  const byPort = new Map<string, { port?: EndpointPort; members: Map<string, boolean> }>();
  const note = (a: EndpointAddress, port: EndpointPort | undefined, ready: boolean) => {
    const ak = addressKey(a);
    if (!addrs.has(ak)) addrs.set(ak, a);
    const pk = port ? portKey(port) : '';
    let entry = byPort.get(pk);
    if (!entry) byPort.set(pk, (entry = { port, members: new Map() }));
    if (entry.members.get(ak) !== false) entry.members.set(ak, ready);
  };
  for (const s of subsets) {
    const ports: (EndpointPort | undefined)[] = s.ports?.length ? s.ports : [undefined];
    for (const port of ports) {
      for (const a of s.addresses ?? []) note(a, port, true);
      for (const a of s.notReadyAddresses ?? []) note(a, port, false);
    }
  }
  // Group ports by the exact set of addresses (and readiness) behind them.
  const groups = new Map<string, { members: Map<string, boolean>; ports: EndpointPort[] }>();
  for (const { port, members } of byPort.values()) {
    const sig = [...members].map(([k, r]) => `${k}\0${r}`).sort().join('\n');
    let g = groups.get(sig);
    if (!g) groups.set(sig, (g = { members, ports: [] }));
    if (port) g.ports.push(port);
  }
  const out: EndpointSubset[] = [];
  for (const g of groups.values()) {
    const ready: EndpointAddress[] = [], notReady: EndpointAddress[] = [];
    for (const [k, r] of g.members) (r ? ready : notReady).push(addrs.get(k) as EndpointAddress);
    const s: EndpointSubset = {};
    if (ready.length) s.addresses = ready.sort(compareAddresses);
    if (notReady.length) s.notReadyAddresses = notReady.sort(compareAddresses);
    if (g.ports.length) s.ports = g.ports.sort((a, b) => compareStrings(digest(a), digest(b)));
    out.push(s);
  }
  return out.sort((a, b) => compareStrings(digest(a), digest(b)));
}

const countAddresses = (subsets: EndpointSubset[]) => subsets.reduce((n, s) => n + (s.addresses?.length ?? 0) + (s.notReadyAddresses?.length ?? 0), 0);

/**
 * Cut subsets down to MAX_ENDPOINTS_CAPACITY addresses (upstream truncateEndpoints): ready
 * addresses are kept before not-ready ones, and each subset keeps a share proportional to its
 * size (rounded up, so the last ones may get less). Returns whether anything was cut.
 */
export function truncateSubsets(subsets: EndpointSubset[]): boolean {
  const totalReady = subsets.reduce((n, s) => n + (s.addresses?.length ?? 0), 0);
  const totalNotReady = subsets.reduce((n, s) => n + (s.notReadyAddresses?.length ?? 0), 0);
  if (totalReady + totalNotReady <= MAX_ENDPOINTS_CAPACITY) return false;
  const cutReady = totalReady > MAX_ENDPOINTS_CAPACITY;
  const room = cutReady ? MAX_ENDPOINTS_CAPACITY : MAX_ENDPOINTS_CAPACITY - totalReady;
  const total = cutReady ? totalReady : totalNotReady;
  let left = room;
  for (const s of subsets) {
    const list = cutReady ? s.addresses ?? [] : s.notReadyAddresses ?? [];
    const keep = Math.min(left, Math.ceil((list.length / total) * room));
    left -= keep;
    if (cutReady) {
      s.addresses = list.slice(0, keep);
      delete s.notReadyAddresses;
    } else {
      s.notReadyAddresses = list.slice(0, keep);
    }
    if (s.addresses?.length === 0) delete s.addresses;
    if (s.notReadyAddresses?.length === 0) delete s.notReadyAddresses;
  }
  return true;
}

/** The subsets a Service's pods make, before repacking. */
export function subsetsFor(svc: Service, pods: EndpointsPod[]): EndpointSubset[] {
  const tolerate = publishNotReady(svc);
  const subsets: EndpointSubset[] = [];
  const ports = svc.spec?.ports ?? [];
  for (const p of pods) {
    if (!shouldPodBeInEndpoints(p, tolerate)) continue;
    const ip = podIPsOf(p, primaryFamily(svc, p))[0];
    if (!ip) continue;
    const addr: EndpointAddress = {
      ip,
      nodeName: p.spec?.nodeName,
      targetRef: { kind: 'Pod', namespace: p.metadata.namespace, name: p.metadata.name, uid: p.metadata.uid },
    };
    if (shouldSetHostname(p, svc)) addr.hostname = p.spec?.hostname;
    if (addr.nodeName === undefined) delete addr.nodeName;
    const ready = tolerate || podReady(p);
    const add = (port?: EndpointPort) => {
      const s: EndpointSubset = ready ? { addresses: [addr] } : { notReadyAddresses: [addr] };
      if (port) s.ports = [port];
      subsets.push(s);
    };
    if (ports.length === 0) {
      // A headless Service may have no ports: its addresses are still published.
      if (svc.spec?.clusterIP === 'None') add();
      continue;
    }
    for (const sp of ports) {
      const num = findPort(p, sp);
      if (num === undefined) continue;
      const ep: EndpointPort = { port: num, protocol: sp.protocol ?? 'TCP' };
      if (sp.name) ep.name = sp.name;
      if (sp.appProtocol) ep.appProtocol = sp.appProtocol;
      add(ep);
    }
  }
  return repackSubsets(subsets);
}

/** Subsets equal apart from the resourceVersion in target references. */
function sameSubsets(a: EndpointSubset[] | undefined, b: EndpointSubset[]): boolean {
  const strip = (ss: EndpointSubset[] | undefined) => JSON.stringify((ss ?? []).map((s) => ({
    addresses: s.addresses?.map(stripAddress), notReadyAddresses: s.notReadyAddresses?.map(stripAddress), ports: s.ports,
  })));
  return strip(a) === strip(b);
}
const stripAddress = (a: EndpointAddress) => {
  const ref = a.targetRef ? { kind: a.targetRef.kind, namespace: a.targetRef.namespace, name: a.targetRef.name, uid: a.targetRef.uid } : undefined;
  return { ip: a.ip, hostname: a.hostname, nodeName: a.nodeName, targetRef: ref };
};

export class EndpointsController extends Controller {
  private readonly services: SharedInformer<Service>;
  private readonly pods: SharedInformer<EndpointsPod>;
  private readonly endpoints: SharedInformer<Endpoints>;
  private readonly client: RestClient;
  private readonly recorder: EventRecorder;
  private readonly triggerTimes = new TriggerTimeTracker();
  /** The resourceVersion of each Endpoints as this controller last wrote it. */
  private readonly written = new Map<string, string>();

  constructor(ctx: ControllerContext) {
    super('endpoint-controller', ctx);
    this.client = ctx.client;
    this.recorder = ctx.recorder('endpoint-controller');
    this.services = ctx.informers.for<Service>('services');
    this.pods = ctx.informers.for<EndpointsPod>('pods');
    this.endpoints = ctx.informers.for<Endpoints>('endpoints');
    queueServicesOnChanges(this.queue, this.services, this.pods);
    this.endpoints.addHandlers({ delete: (e) => this.enqueue(e) });
  }

  override run(): void {
    super.run();
    // Endpoints left behind by Services deleted while no controller ran (upstream checkLeftoverEndpoints).
    for (const e of this.endpoints.list()) {
      if (e.metadata.annotations?.[LEADER_ELECTION_ANNOTATION] === undefined) this.enqueue(e);
    }
  }


  protected async sync(key: string): Promise<void> {
    const [namespace, name] = splitKey(key);
    const svc = this.services.get(namespace, name);
    if (!svc) {
      this.triggerTimes.delete(key);
      this.written.delete(key);
      try {
        await this.client.delete(endpointsResource, namespace, name);
      } catch (e) {
        if (!isNotFound(e)) throw e;
      }
      return;
    }
    const selector = serviceSelector(svc);
    if (!selector) return this.releaseEndpoints(key, namespace, name);

    const pods = this.pods.list(namespace).filter((p) => selects(selector, p.metadata.labels));
    const triggerTime = this.triggerTimes.compute(svc, pods);
    const subsets = subsetsFor(svc, pods);

    const current = this.endpoints.get(namespace, name);
    // The headless label is ours, not the Service's: leave it out of the comparison.
    const currentLabels = { ...(current?.metadata.labels ?? {}) };
    delete currentLabels[LABEL_HEADLESS];
    const count = countAddresses(subsets);
    const capacityOk = count <= MAX_ENDPOINTS_CAPACITY && current?.metadata.annotations?.[ANNOTATION_OVER_CAPACITY] === undefined;
    if (current && sameSubsets(current.subsets, subsets) && sameMap(currentLabels, svc.metadata.labels) && capacityOk) return;

    const labels: Record<string, string> = { ...(svc.metadata.labels ?? {}) };
    if (isHeadless(svc)) labels[LABEL_HEADLESS] = '';
    else delete labels[LABEL_HEADLESS];
    const annotations: Record<string, string> = { ...(current?.metadata.annotations ?? {}) };
    if (triggerTime) annotations[ANNOTATION_TRIGGER_TIME] = triggerTime;
    else delete annotations[ANNOTATION_TRIGGER_TIME];
    if (truncateSubsets(subsets)) annotations[ANNOTATION_OVER_CAPACITY] = 'truncated';
    else delete annotations[ANNOTATION_OVER_CAPACITY];

    const metadata: Endpoints['metadata'] = current
      ? { ...current.metadata, labels, annotations }
      : { name, namespace, labels, annotations };
    const body: Endpoints = { apiVersion: 'v1', kind: 'Endpoints', metadata, subsets };
    if (Object.keys(annotations).length === 0) delete metadata.annotations;
    try {
      const saved = current
        ? await this.client.update<Endpoints>(endpointsResource, namespace, name, body)
        : await this.client.create<Endpoints>(endpointsResource, namespace, body);
      if (saved.metadata.resourceVersion) this.written.set(key, saved.metadata.resourceVersion);
    } catch (e) {
      // A namespace being deleted refuses new objects for good: nothing to retry.
      if (!current && apiErrorCode(e) === 403) return;
      if (!isConflict(e)) {
        const ref = { kind: 'Endpoints', apiVersion: 'v1', namespace, name };
        const msg = e instanceof Error ? e.message : String(e);
        if (current) this.recorder.event(ref, 'Warning', 'FailedToUpdateEndpoint', `Failed to update endpoint ${key}: ${msg}`);
        else this.recorder.event(ref, 'Warning', 'FailedToCreateEndpoint', `Failed to create endpoint for service ${key}: ${msg}`);
      }
      throw e;
    }
  }

  /** The Service no longer selects pods: delete the Endpoints if it is still as this controller wrote it. */
  private async releaseEndpoints(key: string, namespace: string | undefined, name: string): Promise<void> {
    const rv = this.written.get(key);
    if (rv === undefined) return;
    this.written.delete(key);
    this.triggerTimes.delete(key);
    try {
      await this.client.delete(endpointsResource, namespace, name, { preconditions: { resourceVersion: rv } });
    } catch (e) {
      if (!isNotFound(e) && !isConflict(e)) throw e;
    }
  }
}

export const newEndpointsController: ControllerFactory = (ctx) => new EndpointsController(ctx);
