// The EndpointSlice controller (upstream pkg/controller/endpointslice and the k8s.io/endpointslice
// reconciler): for every Service with a selector, EndpointSlices (generateName `<service>-`,
// owned by the Service, labelled with its name and `managed-by: endpointslice-controller.k8s.io`)
// holding one endpoint per selected pod with an IP of the slice's address type, grouped by the
// ports the pod resolves the Service's ports to, at most 100 endpoints a slice. Terminating pods
// stay listed (ready=false, terminating=true). Changes are applied to the existing slices with the
// fewest writes: endpoints that changed are updated in place, new ones fill slices being written
// anyway, then the unchanged slice they fit best, and only then a new slice. A Service selecting
// no pods keeps one empty placeholder slice.
//
// Unlike upstream, which leaves deletion to the garbage collector and keeps slices of a Service
// whose selector was removed (kubernetes#118376), this controller deletes the slices it manages
// for a Service that is gone or no longer selects; deleting twice is harmless.

import type { KObject } from '../client/informer.ts';
import { objectKey } from '../client/informer.ts';
import { apiErrorCode, isNotFound, resource, type RestClient } from '../client/rest.ts';
import { Controller, splitKey, type ControllerContext } from './framework/controller.ts';
import type { OwnerReference } from './framework/controllerref.ts';
import type { SharedInformer } from './framework/informers.ts';
import type { WorkQueue } from './framework/queue.ts';
import type { ControllerFactory } from './registry.ts';
import {
  ANNOTATION_TRIGGER_TIME, LABEL_HEADLESS, LABEL_MANAGED_BY, LABEL_SERVICE_NAME, TriggerTimeTracker, findPort, isHeadless, podIPsOf,
  podReady, publishNotReady, selects, serviceSelector, queueServicesOnChanges, shouldPodBeInEndpoints,
  shouldSetHostname, type EndpointsPod, type Service,
  sameMap,
} from './servicepods.ts';

export const ENDPOINTSLICE_CONTROLLER_NAME = 'endpointslice-controller.k8s.io';
/** Most endpoints one slice holds (kube-controller-manager --max-endpoints-per-slice default). */
export const MAX_ENDPOINTS_PER_SLICE = 100;
const LABEL_ZONE = 'topology.kubernetes.io/zone';

export interface SlicePort { name?: string; port?: number; protocol?: string; appProtocol?: string }

export interface SliceEndpoint {
  addresses: string[];
  conditions?: { ready?: boolean; serving?: boolean; terminating?: boolean };
  hostname?: string;
  targetRef?: { kind?: string; namespace?: string; name?: string; uid?: string; resourceVersion?: string };
  nodeName?: string;
  zone?: string;
  hints?: unknown;
}

export interface EndpointSlice extends KObject {
  metadata: KObject['metadata'] & { generateName?: string; annotations?: Record<string, string>; ownerReferences?: OwnerReference[] };
  addressType: string;
  endpoints?: SliceEndpoint[] | null;
  ports?: SlicePort[] | null;
}

interface Node extends KObject { metadata: KObject['metadata'] }

type AddressType = 'IPv4' | 'IPv6';

const sliceResource = resource('discovery.k8s.io/endpointslices');

/** The index of slices by the Service they belong to (`namespace/service`). */
export const SLICES_BY_SERVICE = 'service-name';
export const sliceServiceIndex = (s: KObject): string[] => {
  const svc = s.metadata.labels?.[LABEL_SERVICE_NAME];
  return svc ? [`${s.metadata.namespace ?? ''}/${svc}`] : [];
};

/** The address types a Service's slices carry: its IP families (both for an old headless Service without them). */
export function addressTypesFor(svc: Service): AddressType[] {
  const fams = (svc.spec?.ipFamilies ?? []).filter((f): f is AddressType => f === 'IPv4' || f === 'IPv6');
  if (fams.length) return [...new Set(fams)];
  if (!isHeadless(svc)) return [svc.spec?.clusterIP?.includes(':') ? 'IPv6' : 'IPv4'];
  return ['IPv4', 'IPv6'];
}

/** The slice ports of one pod: each Service port it resolves, in the Service's order. */
export function endpointPorts(svc: Service, p: EndpointsPod): SlicePort[] {
  const out: SlicePort[] = [];
  for (const sp of svc.spec?.ports ?? []) {
    const num = findPort(p, sp);
    if (num === undefined) continue;
    const port: SlicePort = { name: sp.name ?? '', port: num, protocol: sp.protocol ?? 'TCP' };
    if (sp.appProtocol) port.appProtocol = sp.appProtocol;
    out.push(port);
  }
  return out;
}

const canonicalPort = (p: SlicePort) => JSON.stringify([p.name ?? '', p.port ?? null, p.protocol ?? '', p.appProtocol ?? null]);
/** Slices group endpoints by their set of ports, whatever the order. */
export const portsKey = (ports: SlicePort[] | null | undefined): string => (ports ?? []).map(canonicalPort).sort().join(',');

/** One pod's endpoint in a slice of this address type. */
export function podToEndpoint(p: EndpointsPod, node: Node | undefined, svc: Service, addressType: AddressType): SliceEndpoint {
  const serving = podReady(p);
  const terminating = !!p.metadata.deletionTimestamp;
  const ep: SliceEndpoint = {
    addresses: podIPsOf(p, addressType),
    // A terminating pod is never ready unless the Service publishes not-ready addresses.
    conditions: { ready: publishNotReady(svc) || (serving && !terminating), serving, terminating },
    targetRef: { kind: 'Pod', namespace: p.metadata.namespace, name: p.metadata.name, uid: p.metadata.uid },
  };
  if (shouldSetHostname(p, svc)) ep.hostname = p.spec?.hostname;
  if (p.spec?.nodeName) ep.nodeName = p.spec.nodeName;
  const zone = node?.metadata.labels?.[LABEL_ZONE];
  if (zone) ep.zone = zone;
  return ep;
}

/** Identity of an endpoint across syncs: its addresses, hostname and pod. */
export const endpointKey = (e: SliceEndpoint) => JSON.stringify([e.addresses, e.hostname ?? '', e.targetRef?.namespace ?? '', e.targetRef?.name ?? '']);

/** Everything else an endpoint shows (the pod's resourceVersion aside). */
export const endpointDetail = (e: SliceEndpoint) => JSON.stringify([
  e.nodeName ?? null, e.zone ?? null, e.conditions?.ready ?? null, e.conditions?.serving ?? null, e.conditions?.terminating ?? null,
  e.targetRef?.kind ?? null, e.targetRef?.uid ?? null,
]);

const ownedBy = (s: EndpointSlice, svc: Service) =>
  (s.metadata.ownerReferences ?? []).some((r) => r.uid === svc.metadata.uid && r.kind === 'Service' && r.apiVersion === 'v1');

/** A slice's labels: the Service's, plus the reserved ones this controller sets. */
export function sliceLabels(svc: Service, controllerName: string): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const [k, v] of Object.entries(svc.metadata.labels ?? {})) {
    if (k !== LABEL_SERVICE_NAME && k !== LABEL_MANAGED_BY && k !== LABEL_HEADLESS) labels[k] = v;
  }
  if (isHeadless(svc)) labels[LABEL_HEADLESS] = '';
  labels[LABEL_SERVICE_NAME] = svc.metadata.name;
  labels[LABEL_MANAGED_BY] = controllerName;
  return labels;
}

function newSlice(svc: Service, ports: SlicePort[], addressType: AddressType, controllerName: string): EndpointSlice {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      name: '',
      generateName: `${svc.metadata.name}-`,
      namespace: svc.metadata.namespace,
      labels: sliceLabels(svc, controllerName),
      ownerReferences: [{ apiVersion: 'v1', kind: 'Service', name: svc.metadata.name, uid: svc.metadata.uid as string, controller: true, blockOwnerDeletion: true }],
    },
    addressType,
    endpoints: [],
    ports,
  };
}

const copySlice = (s: EndpointSlice): EndpointSlice => ({
  ...s,
  metadata: { ...s.metadata, labels: { ...(s.metadata.labels ?? {}) }, annotations: s.metadata.annotations ? { ...s.metadata.annotations } : undefined },
  endpoints: [...(s.endpoints ?? [])],
});

export interface SlicePlan { create: EndpointSlice[]; update: EndpointSlice[]; delete: EndpointSlice[] }

/**
 * The writes that bring one port group's slices to the desired endpoints (upstream
 * reconcileByPortMapping): drop and refresh endpoints in place, fill the slices being written
 * anyway (fullest first), then put what is left in the unchanged slice it fits best, or new slices.
 */
export function planPortGroup(
  existing: EndpointSlice[], desired: Map<string, SliceEndpoint>, make: () => EndpointSlice, labels: Record<string, string>, max: number,
): SlicePlan {
  const plan: SlicePlan = { create: [], update: [], delete: [] };
  const unchanged: EndpointSlice[] = [];
  const toUpdate: EndpointSlice[] = [];
  for (const slice of existing) {
    const kept: SliceEndpoint[] = [];
    let changed = false;
    for (const e of slice.endpoints ?? []) {
      const k = endpointKey(e);
      const want = desired.get(k);
      if (!want) continue;
      kept.push(want);
      if (endpointDetail(want) !== endpointDetail(e)) changed = true;
      desired.delete(k);
    }
    const labelsChanged = !sameMap(slice.metadata.labels, labels);
    if (changed || kept.length !== (slice.endpoints ?? []).length) {
      if (kept.length === 0) { plan.delete.push(slice); continue; }
      const copy = copySlice(slice);
      copy.endpoints = kept;
      copy.metadata.labels = { ...labels };
      toUpdate.push(copy);
    } else if (labelsChanged) {
      const copy = copySlice(slice);
      copy.metadata.labels = { ...labels };
      toUpdate.push(copy);
    } else {
      unchanged.push(slice);
    }
  }
  const remaining = [...desired.values()];
  if (remaining.length > 0) {
    for (const slice of [...toUpdate].sort((a, b) => (b.endpoints?.length ?? 0) - (a.endpoints?.length ?? 0))) {
      const eps = slice.endpoints as SliceEndpoint[];
      while (remaining.length > 0 && eps.length < max) eps.push(remaining.shift() as SliceEndpoint);
    }
  }
  while (remaining.length > 0) {
    let target: EndpointSlice | undefined;
    if (remaining.length < max && unchanged.length > 0) {
      // The unchanged slice that would be closest to full.
      let best = max;
      for (const s of unchanged) {
        const gap = max - (remaining.length + (s.endpoints?.length ?? 0));
        if (gap >= 0 && gap < best) { best = gap; target = s; }
      }
    }
    let fresh = false;
    if (target) {
      unchanged.splice(unchanged.indexOf(target), 1);
      target = copySlice(target);
    } else {
      target = make();
      fresh = true;
    }
    const eps = target.endpoints as SliceEndpoint[];
    while (remaining.length > 0 && eps.length < max) eps.push(remaining.shift() as SliceEndpoint);
    (fresh ? plan.create : toUpdate).push(target);
  }
  plan.update = toUpdate;
  return plan;
}

/**
 * Our writes not yet seen by the slice informer (upstream EndpointSliceTracker): a sync on a cache
 * that lacks them would create duplicates or resurrect deleted slices, so it waits.
 */
export class SliceTracker {
  /** service key → slice name → resourceVersion written, or null for a deletion. */
  private readonly pending = new Map<string, Map<string, string | null>>();

  private of(svcKey: string): Map<string, string | null> {
    let m = this.pending.get(svcKey);
    if (!m) this.pending.set(svcKey, (m = new Map()));
    return m;
  }

  wrote(svcKey: string, s: EndpointSlice): void { if (s.metadata.resourceVersion) this.of(svcKey).set(s.metadata.name, s.metadata.resourceVersion); }

  deleted(svcKey: string, name: string): void { this.of(svcKey).set(name, null); }

  /** Whether an informer event is the echo of our own write (then it needs no sync). */
  expected(svcKey: string, s: EndpointSlice, deleted: boolean): boolean {
    const m = this.pending.get(svcKey);
    if (!m || !m.has(s.metadata.name)) return false;
    const want = m.get(s.metadata.name);
    if (deleted) { m.delete(s.metadata.name); return want === null; }
    return want === s.metadata.resourceVersion;
  }

  stale(svcKey: string, cached: (name: string) => EndpointSlice | undefined): boolean {
    const m = this.pending.get(svcKey);
    if (!m) return false;
    for (const [name, rv] of m) {
      const s = cached(name);
      if (rv === null) {
        if (s) return true;
      } else if (!s || Number(s.metadata.resourceVersion) < Number(rv)) {
        return true;
      }
      m.delete(name);
    }
    if (m.size === 0) this.pending.delete(svcKey);
    return false;
  }

  forget(svcKey: string): void { this.pending.delete(svcKey); }
}

/**
 * The EndpointSlices one controller manages (its managed-by label), by Service key: the slice
 * informer's handlers, which requeue a Service when one of its slices changes other than by
 * our own write, and the writes themselves, tracked so that their echoes requeue nothing.
 * The EndpointSlice and the mirroring controller each hold one.
 */
export class ManagedSlices {
  readonly tracker = new SliceTracker();

  constructor(private readonly slices: SharedInformer<EndpointSlice>, private readonly client: RestClient, private readonly managedBy: string, queue: WorkQueue) {
    slices.addIndex(SLICES_BY_SERVICE, sliceServiceIndex);
    const changed = (s: EndpointSlice, deleted: boolean) => {
      if (!this.managed(s)) return;
      for (const k of sliceServiceIndex(s)) if (!this.tracker.expected(k, s, deleted)) queue.add(k);
    };
    slices.addHandlers({
      add: (s) => changed(s, false),
      update: (old, s) => {
        if (old.metadata.resourceVersion === s.metadata.resourceVersion) return;
        // Relabelled away from us (or to another Service): the Service it left needs a sync too.
        if (this.managed(old) && (!this.managed(s) || old.metadata.labels?.[LABEL_SERVICE_NAME] !== s.metadata.labels?.[LABEL_SERVICE_NAME])) {
          for (const k of sliceServiceIndex(old)) queue.add(k);
        }
        changed(s, false);
      },
      delete: (s) => changed(s, true),
    });
  }

  managed(s: EndpointSlice): boolean { return s.metadata.labels?.[LABEL_MANAGED_BY] === this.managedBy; }

  /** The Service's slices this controller manages, from the cache. */
  of(key: string): EndpointSlice[] {
    return this.slices.byIndex(SLICES_BY_SERVICE, key).filter((s) => this.managed(s));
  }

  /** Whether the cache still lacks one of our writes for the Service (then a sync must wait). */
  stale(key: string, namespace: string | undefined): boolean {
    return this.tracker.stale(key, (n) => this.slices.get(namespace, n));
  }

  /**
   * Creates (unless the owner is being deleted: the garbage collector would race new slices;
   * and not in a terminating namespace), updates, then deletes.
   */
  async apply(key: string, namespace: string | undefined, plan: { create: EndpointSlice[]; update: EndpointSlice[]; delete: EndpointSlice[] }, ownerDeleting: boolean): Promise<void> {
    if (!ownerDeleting) {
      for (const s of plan.create) {
        // New slices are named by the server from generateName.
        const metadata: Partial<EndpointSlice['metadata']> = { ...s.metadata };
        delete metadata.name;
        try {
          this.tracker.wrote(key, await this.client.create<EndpointSlice>(sliceResource, namespace, { ...s, metadata }));
        } catch (e) {
          if (apiErrorCode(e) === 403) return; // the namespace is terminating
          throw e;
        }
      }
    }
    for (const s of plan.update) this.tracker.wrote(key, await this.client.update<EndpointSlice>(sliceResource, namespace, s.metadata.name, s));
    await this.delete(key, plan.delete);
  }

  async delete(key: string, slices: EndpointSlice[]): Promise<void> {
    for (const s of slices) {
      try {
        await this.client.delete(sliceResource, s.metadata.namespace, s.metadata.name);
        this.tracker.deleted(key, s.metadata.name);
      } catch (e) {
        if (!isNotFound(e)) throw e;
      }
    }
  }
}

export class EndpointSliceController extends Controller {
  private readonly services: SharedInformer<Service>;
  private readonly pods: SharedInformer<EndpointsPod>;
  private readonly slices: SharedInformer<EndpointSlice>;
  private readonly nodes: SharedInformer<Node>;
  private readonly client: RestClient;
  private readonly triggerTimes = new TriggerTimeTracker();
  private readonly owned: ManagedSlices;
  readonly maxEndpointsPerSlice = MAX_ENDPOINTS_PER_SLICE;
  private readonly controllerName = ENDPOINTSLICE_CONTROLLER_NAME;

  constructor(ctx: ControllerContext) {
    super('endpointslice-controller', ctx);
    this.client = ctx.client;
    this.services = ctx.informers.for<Service>('services');
    this.pods = ctx.informers.for<EndpointsPod>('pods');
    this.slices = ctx.informers.for<EndpointSlice>('discovery.k8s.io/endpointslices');
    this.nodes = ctx.informers.for<Node>('nodes');
    queueServicesOnChanges(this.queue, this.services, this.pods);
    this.owned = new ManagedSlices(this.slices, this.client, this.controllerName, this.queue);
  }

  protected async sync(key: string): Promise<void> {
    const [namespace, name] = splitKey(key);
    const svc = this.services.get(namespace, name);
    if (!svc || !serviceSelector(svc)) {
      if (!svc) this.triggerTimes.delete(key);
      await this.owned.delete(key, this.owned.of(key));
      if (!svc) this.owned.tracker.forget(key);
      return;
    }
    if (this.owned.stale(key, namespace)) {
      // Our last writes are not in the cache yet; their events will bring the Service back.
      this.queue.addAfter(key, 100);
      return;
    }
    const selector = serviceSelector(svc) as Record<string, string>;
    const pods = this.pods.list(namespace).filter((p) => selects(selector, p.metadata.labels));
    const triggerTime = this.triggerTimes.compute(svc, pods);
    const existing = this.owned.of(key);
    const supported = addressTypesFor(svc);
    const plan: SlicePlan = { create: [], update: [], delete: existing.filter((s) => !supported.includes(s.addressType as AddressType)) };
    let missingNode: Error | undefined;
    for (const addressType of supported) {
      const r = this.planAddressType(svc, pods, existing.filter((s) => s.addressType === addressType), addressType);
      missingNode ??= r.missingNode;
      plan.create.push(...r.plan.create);
      plan.update.push(...r.plan.update);
      plan.delete.push(...r.plan.delete);
    }
    await this.apply(key, svc, plan, triggerTime);
    // Pods on a node not (yet) known are left out for now and retried.
    if (missingNode) throw missingNode;
  }

  private planAddressType(svc: Service, pods: EndpointsPod[], existing: EndpointSlice[], addressType: AddressType): { plan: SlicePlan; missingNode?: Error } {
    const plan: SlicePlan = { create: [], update: [], delete: [] };
    const byPorts = new Map<string, EndpointSlice[]>();
    for (const s of existing) {
      if (!ownedBy(s, svc)) { plan.delete.push(s); continue; }
      const k = portsKey(s.ports);
      byPorts.set(k, [...(byPorts.get(k) ?? []), s]);
    }
    const desired = new Map<string, { ports: SlicePort[]; endpoints: Map<string, SliceEndpoint> }>();
    let missingNode: Error | undefined;
    for (const p of pods) {
      if (!shouldPodBeInEndpoints(p, true)) continue;
      const ports = endpointPorts(svc, p);
      const pk = portsKey(ports);
      let group = desired.get(pk);
      if (!group) desired.set(pk, (group = { ports, endpoints: new Map() }));
      const nodeName = p.spec?.nodeName ?? '';
      const node = nodeName ? this.nodes.get(undefined, nodeName) : undefined;
      if (!node && !publishNotReady(svc)) {
        missingNode ??= new Error(`skipping Pod ${p.metadata.name} for Service ${objectKey(svc)}: Node ${nodeName} Not Found`);
        continue;
      }
      const ep = podToEndpoint(p, node, svc, addressType);
      if (ep.addresses.length > 0) group.endpoints.set(endpointKey(ep), ep);
    }
    const labels = sliceLabels(svc, this.controllerName);
    for (const [pk, group] of desired) {
      const r = planPortGroup(byPorts.get(pk) ?? [], group.endpoints, () => newSlice(svc, group.ports, addressType, this.controllerName), labels, this.maxEndpointsPerSlice);
      plan.create.push(...r.create);
      plan.update.push(...r.update);
      plan.delete.push(...r.delete);
    }
    for (const [pk, slices] of byPorts) if (!desired.has(pk)) plan.delete.push(...slices);
    // A Service with no endpoints keeps one empty slice, so consumers can tell "none" from "not yet".
    if (existing.length === plan.delete.length && plan.create.length === 0) {
      const placeholder = newSlice(svc, [], addressType, this.controllerName);
      const only = plan.delete.length === 1 ? plan.delete[0] : undefined;
      if (only && isPlaceholder(only, placeholder)) plan.delete = [];
      else plan.create.push(placeholder);
    }
    return { plan, missingNode };
  }

  private async apply(key: string, svc: Service, plan: SlicePlan, triggerTime: string | undefined): Promise<void> {
    // Rather than create one slice and delete another, reuse the one going away.
    for (let i = 0; i < plan.delete.length && plan.create.length > 0;) {
      const old = plan.delete[i];
      const fresh = plan.create[plan.create.length - 1];
      if (old.addressType === fresh.addressType && ownedBy(old, svc)) {
        plan.create.pop();
        plan.update.push({ ...fresh, metadata: { ...old.metadata, labels: fresh.metadata.labels } });
        plan.delete.splice(i, 1);
      } else {
        i++;
      }
    }
    for (const s of [...plan.create, ...plan.update]) setTriggerTime(s, triggerTime);
    // No new slices for a Service being deleted: the garbage collector would race them.
    await this.owned.apply(key, svc.metadata.namespace, plan, !!svc.metadata.deletionTimestamp);
  }
}

function setTriggerTime(s: EndpointSlice, triggerTime: string | undefined): void {
  const annotations = { ...(s.metadata.annotations ?? {}) };
  if (triggerTime) annotations[ANNOTATION_TRIGGER_TIME] = triggerTime;
  else delete annotations[ANNOTATION_TRIGGER_TIME];
  if (Object.keys(annotations).length > 0) s.metadata.annotations = annotations;
  else delete s.metadata.annotations;
}

const refsKey = (refs: OwnerReference[] | undefined) =>
  (refs ?? []).map((r) => [r.apiVersion, r.kind, r.name, r.uid, !!r.controller, !!r.blockOwnerDeletion].join('/')).join(',');

/** An existing slice that already is the placeholder we would create (labels, owner, nothing in it). */
function isPlaceholder(s: EndpointSlice, want: EndpointSlice): boolean {
  return s.metadata.namespace === want.metadata.namespace && sameMap(s.metadata.labels, want.metadata.labels)
    && refsKey(s.metadata.ownerReferences) === refsKey(want.metadata.ownerReferences)
    && s.addressType === want.addressType && (s.endpoints ?? []).length === 0 && (s.ports ?? []).length === 0;
}

export const newEndpointSliceController: ControllerFactory = (ctx) => new EndpointSliceController(ctx);
