// What the Endpoints and EndpointSlice controllers share (upstream k8s.io/endpointslice/util):
// which Services select a pod, whether a pod belongs in a Service's endpoints at all, which
// port a Service port resolves to on a given pod, when a pod's hostname is published, and the
// endpoints.kubernetes.io/last-change-trigger-time bookkeeping.

import type { KObject } from '../client/informer.ts';
import { objectKey } from '../client/informer.ts';
import type { SharedInformer } from './framework/informers.ts';
import type { WorkQueue } from './framework/queue.ts';
import { sameMap } from '../registry/selection.ts';

export { sameMap };

export interface ServicePort {
  name?: string;
  protocol?: string;
  port: number;
  targetPort?: number | string;
  appProtocol?: string;
}

export interface Service extends KObject {
  metadata: KObject['metadata'] & { creationTimestamp?: string; deletionTimestamp?: string; annotations?: Record<string, string> };
  spec?: {
    type?: string;
    selector?: Record<string, string> | null;
    clusterIP?: string;
    ipFamilies?: string[];
    ports?: ServicePort[];
    publishNotReadyAddresses?: boolean;
  };
}

export interface ContainerPort { name?: string; containerPort: number; protocol?: string }

export interface EndpointsPod extends KObject {
  metadata: KObject['metadata'] & { deletionTimestamp?: string };
  spec?: {
    nodeName?: string;
    hostname?: string;
    subdomain?: string;
    containers?: { ports?: ContainerPort[] }[];
    initContainers?: { ports?: ContainerPort[]; restartPolicy?: string }[];
  };
  status?: {
    phase?: string;
    podIP?: string;
    podIPs?: { ip: string }[];
    conditions?: { type: string; status: string; lastTransitionTime?: string }[];
  };
}

/** Labels every EndpointSlice carries (discovery.k8s.io/v1 well-known labels). */
export const LABEL_SERVICE_NAME = 'kubernetes.io/service-name';
export const LABEL_MANAGED_BY = 'endpointslice.kubernetes.io/managed-by';
export const LABEL_HEADLESS = 'service.kubernetes.io/headless';
export const ANNOTATION_TRIGGER_TIME = 'endpoints.kubernetes.io/last-change-trigger-time';
/** The pre-publishNotReadyAddresses way of asking for not-ready endpoints. */
export const ANNOTATION_TOLERATE_UNREADY = 'service.alpha.kubernetes.io/tolerate-unready-endpoints';

const readyCondition = (p: EndpointsPod) => p.status?.conditions?.find((c) => c.type === 'Ready');

export const podReady = (p: EndpointsPod): boolean => readyCondition(p)?.status === 'True';

const isTerminal = (p: EndpointsPod): boolean => p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed';

/**
 * Whether a pod appears in a Service's endpoints at all: not terminal, has an IP, and (unless
 * terminating pods are wanted) not being deleted.
 */
export function shouldPodBeInEndpoints(p: EndpointsPod, includeTerminating: boolean): boolean {
  if (isTerminal(p)) return false;
  if (!p.status?.podIP && !(p.status?.podIPs?.length)) return false;
  if (!includeTerminating && p.metadata.deletionTimestamp) return false;
  return true;
}

/** A pod publishes its hostname when its subdomain names the Service (stable network identity). */
export const shouldSetHostname = (p: EndpointsPod, svc: Service): boolean =>
  !!p.spec?.hostname && p.spec.subdomain === svc.metadata.name && p.metadata.namespace === svc.metadata.namespace;

/** A Service without a cluster IP (None or unset) is headless. */
export const isHeadless = (svc: Service): boolean => !svc.spec?.clusterIP || svc.spec.clusterIP === 'None';

/** Whether the Service asks for not-ready addresses (the field, or the legacy annotation). */
export function publishNotReady(svc: Service): boolean {
  if (svc.spec?.publishNotReadyAddresses) return true;
  const v = svc.metadata.annotations?.[ANNOTATION_TOLERATE_UNREADY];
  return v !== undefined && /^(1|t|true)$/i.test(v);
}

/** The selector as a map, or undefined when the Service selects nothing (no selector, or ExternalName). */
export function serviceSelector(svc: Service): Record<string, string> | undefined {
  if (svc.spec?.type === 'ExternalName') return undefined;
  const sel = svc.spec?.selector;
  return sel && typeof sel === 'object' ? sel : undefined;
}

/** A map selector matches labels holding every pair; the empty map matches every pod. */
export function selects(selector: Record<string, string>, labels: Record<string, string> | undefined): boolean {
  for (const k in selector) if (labels?.[k] !== selector[k]) return false;
  return true;
}

const isIPv6 = (ip: string) => ip.includes(':');

/** The IP family of a Service's endpoints (its first family; else its cluster IP's). */
export function primaryFamily(svc: Service, p?: EndpointsPod): 'IPv4' | 'IPv6' {
  const fam = svc.spec?.ipFamilies?.[0];
  if (fam === 'IPv4' || fam === 'IPv6') return fam;
  const ip = !isHeadless(svc) ? svc.spec?.clusterIP : p?.status?.podIP;
  return ip && isIPv6(ip) ? 'IPv6' : 'IPv4';
}

/** The pod's IPs of one family, in the pod's order. */
export function podIPsOf(p: EndpointsPod, family: 'IPv4' | 'IPv6'): string[] {
  const ips = p.status?.podIPs?.length ? p.status.podIPs.map((x) => x.ip) : p.status?.podIP ? [p.status.podIP] : [];
  return ips.filter((ip) => isIPv6(ip) === (family === 'IPv6'));
}

/**
 * The port a Service port reaches on this pod: a number as given; a name looked up among the
 * pod's container ports (and restartable init containers') with the same protocol. Undefined
 * when the pod has no such named port (it then serves no endpoint for this port).
 */
export function findPort(p: EndpointsPod, sp: ServicePort): number | undefined {
  const target = sp.targetPort ?? sp.port;
  if (typeof target === 'number') return target;
  if (/^\d+$/.test(target)) return Number(target);
  const protocol = sp.protocol ?? 'TCP';
  const containers = [...(p.spec?.containers ?? []), ...(p.spec?.initContainers ?? []).filter((c) => c.restartPolicy === 'Always')];
  for (const c of containers) {
    for (const cp of c.ports ?? []) if (cp.name === target && (cp.protocol ?? 'TCP') === protocol) return cp.containerPort;
  }
  return undefined;
}

/** The Services in the pod's namespace whose selector matches these labels. */
export function servicesSelecting(services: SharedInformer<Service>, namespace: string | undefined, labels: Record<string, string> | undefined): Set<string> {
  const keys = new Set<string>();
  for (const s of services.list(namespace ?? '')) {
    const sel = serviceSelector(s);
    if (sel && selects(sel, labels)) keys.add(objectKey(s));
  }
  return keys;
}

const sameIPs = (a: EndpointsPod, b: EndpointsPod) =>
  JSON.stringify(a.status?.podIPs ?? a.status?.podIP ?? null) === JSON.stringify(b.status?.podIPs ?? b.status?.podIP ?? null);


/**
 * The Services to resync after a pod update (upstream GetServicesToUpdateOnPodChange): none when
 * nothing an endpoint shows changed; when only its membership may have changed (labels,
 * hostname), those it joined or left; when both, every Service it was or is in.
 */
export function servicesToUpdateOnPodChange(services: SharedInformer<Service>, old: EndpointsPod, cur: EndpointsPod): Set<string> {
  if (old.metadata.resourceVersion === cur.metadata.resourceVersion) return new Set();
  const labelsChanged = !sameMap(old.metadata.labels, cur.metadata.labels)
    || old.spec?.hostname !== cur.spec?.hostname || old.spec?.subdomain !== cur.spec?.subdomain;
  const podChanged = old.metadata.deletionTimestamp !== cur.metadata.deletionTimestamp || podReady(old) !== podReady(cur)
    || !sameIPs(old, cur) || old.status?.phase !== cur.status?.phase || old.spec?.nodeName !== cur.spec?.nodeName;
  if (!labelsChanged && !podChanged) return new Set();
  const now = servicesSelecting(services, cur.metadata.namespace, cur.metadata.labels);
  if (!labelsChanged) return now;
  const before = servicesSelecting(services, old.metadata.namespace, old.metadata.labels);
  const out = new Set<string>();
  if (podChanged) {
    for (const k of now) out.add(k);
    for (const k of before) out.add(k);
  } else {
    for (const k of now) if (!before.has(k)) out.add(k);
    for (const k of before) if (!now.has(k)) out.add(k);
  }
  return out;
}

/**
 * The time of the change that a sync publishes (upstream TriggerTimeTracker): a Service seen for
 * the first time reports its creation; later, the earliest of the pods' Ready transitions that are
 * newer than at the previous sync. Undefined when nothing new triggered the sync.
 */
/**
 * The handlers both endpoints controllers need: a Service's own changes queue it, and a pod's
 * changes queue every Service whose selector matches the pod (before or after the change).
 */
export function queueServicesOnChanges(queue: WorkQueue, services: SharedInformer<Service>, pods: SharedInformer<EndpointsPod>): void {
  services.addHandlers({ add: (s) => queue.add(objectKey(s)), update: (_, s) => queue.add(objectKey(s)), delete: (s) => queue.add(objectKey(s)) });
  const podChanged = (p: EndpointsPod) => { for (const k of servicesSelecting(services, p.metadata.namespace, p.metadata.labels)) queue.add(k); };
  pods.addHandlers({
    add: podChanged,
    update: (old, p) => { for (const k of servicesToUpdateOnPodChange(services, old, p)) queue.add(k); },
    delete: podChanged,
  });
}

export class TriggerTimeTracker {
  private readonly states = new Map<string, { service: number; pods: Map<string, number> }>();

  compute(svc: Service, pods: EndpointsPod[]): string | undefined {
    const key = objectKey(svc);
    const state = this.states.get(key);
    let min: number | undefined;
    const podTimes = new Map<string, number>();
    for (const p of pods) {
      const t = Date.parse(readyCondition(p)?.lastTransitionTime ?? '');
      if (Number.isNaN(t)) continue;
      podTimes.set(p.metadata.name, t);
      if (t > (state?.pods.get(p.metadata.name) ?? -Infinity) && (min === undefined || t < min)) min = t;
    }
    const created = Date.parse(svc.metadata.creationTimestamp ?? '') || 0;
    if (created > (state?.service ?? -Infinity) && (min === undefined || created < min)) min = created;
    this.states.set(key, { service: created, pods: podTimes });
    if (!state) return created ? formatTime(created) : undefined;
    return min === undefined ? undefined : formatTime(min);
  }

  delete(key: string): void { this.states.delete(key); }
}

/** RFC 3339 as Go prints it with RFC3339Nano: no trailing zero fraction. */
const formatTime = (ms: number): string => new Date(ms).toISOString().replace(/\.?0+Z$/, 'Z');
