// Service ClusterIP and NodePort allocation around Service writes (upstream's service REST
// wrapper): allocate on create, keep or re-allocate on update, release on delete.

import { IPAllocator, PortAllocator } from './allocators/index.ts';
import type { ResourceHooks } from './generic.ts';
import type { KubeObject } from './object.ts';
import { type FieldError, StatusError, invalid } from '../server/errors.ts';

interface ServicePort { name?: string; protocol?: string; port?: number; nodePort?: number }
interface ServiceSpec { type?: string; clusterIP?: string; clusterIPs?: string[]; ports?: ServicePort[] }

const specOf = (o: KubeObject) => ((o.spec ??= {}) as ServiceSpec);
const needsClusterIP = (s: ServiceSpec) => s.type !== 'ExternalName' && s.clusterIP !== 'None';
const needsNodePorts = (s: ServiceSpec) => s.type === 'NodePort' || s.type === 'LoadBalancer';

export const DEFAULT_SERVICE_CIDR = '10.96.0.0/12';

export function serviceHooks(cidr = DEFAULT_SERVICE_CIDR): { hooks: ResourceHooks; rebuild(services: KubeObject[]): void } {
  const ips = new IPAllocator(cidr);
  const ports = new PortAllocator();
  /** What each in-flight write took, so a failed or dry-run write can give it back. */
  const taken = new WeakMap<KubeObject, { ips: string[]; ports: number[] }>();

  const fail = (obj: KubeObject, errs: FieldError[]): never => {
    throw invalid('Service', '', obj.metadata.name ?? '', errs);
  };

  function allocateIP(obj: KubeObject, got: { ips: string[] }): void {
    const spec = specOf(obj);
    const requested = spec.clusterIP || spec.clusterIPs?.[0] || undefined;
    try {
      const ip = ips.allocate(requested);
      got.ips.push(ip);
      spec.clusterIP = ip;
      spec.clusterIPs = [ip];
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      fail(obj, [{ type: 'FieldValueInvalid', field: 'spec.clusterIPs', value: [requested ?? ''], detail: `failed to allocate IP ${requested ?? ''}: ${msg}` }]);
    }
  }

  function allocatePorts(obj: KubeObject, got: { ports: number[] }, reuse: Map<string, number>): void {
    const spec = specOf(obj);
    const errs: FieldError[] = [];
    (spec.ports ?? []).forEach((p, i) => {
      if (p.nodePort) {
        if (reuse.get(`${p.protocol ?? 'TCP'}/${p.nodePort}`) === p.nodePort) { reuse.delete(`${p.protocol ?? 'TCP'}/${p.nodePort}`); return; }
        try { got.ports.push(ports.allocate(p.nodePort)); } catch (e) {
          errs.push({ type: 'FieldValueInvalid', field: `spec.ports[${i}].nodePort`, value: p.nodePort, detail: e instanceof Error ? e.message : String(e) });
        }
        return;
      }
      try {
        const port = ports.allocate();
        p.nodePort = port;
        got.ports.push(port);
      } catch (e) {
        errs.push({ type: 'FieldValueInvalid', field: `spec.ports[${i}].nodePort`, value: 0, detail: e instanceof Error ? e.message : String(e) });
      }
    });
    if (errs.length) {
      for (const port of got.ports) ports.release(port);
      got.ports = [];
      fail(obj, errs);
    }
  }

  const hooks: ResourceHooks = {
    beforeCreate(obj) {
      const spec = specOf(obj);
      const got = { ips: [] as string[], ports: [] as number[] };
      if (needsClusterIP(spec)) allocateIP(obj, got);
      else if (spec.clusterIP === 'None') spec.clusterIPs = ['None'];
      if (needsNodePorts(spec)) {
        try { allocatePorts(obj, got, new Map()); } catch (e) { for (const ip of got.ips) ips.release(ip); throw e; }
      }
      taken.set(obj, got);
    },
    beforeUpdate(obj, old) {
      const spec = specOf(obj);
      const oldSpec = specOf(old);
      const got = { ips: [] as string[], ports: [] as number[] };
      // ClusterIP is immutable once set; an update that omits it keeps the old one.
      if (!spec.clusterIP && oldSpec.clusterIP && needsClusterIP(spec)) {
        spec.clusterIP = oldSpec.clusterIP;
        spec.clusterIPs = oldSpec.clusterIPs ?? [oldSpec.clusterIP];
      } else if (needsClusterIP(spec) && !oldSpec.clusterIP) {
        allocateIP(obj, got);
      }
      if (needsNodePorts(spec)) {
        const reuse = new Map<string, number>();
        for (const p of oldSpec.ports ?? []) if (p.nodePort) reuse.set(`${p.protocol ?? 'TCP'}/${p.nodePort}`, p.nodePort);
        // Ports that kept their number keep their allocation; new ones without a number reuse an old one of the same port.
        for (const p of spec.ports ?? []) {
          if (p.nodePort) continue;
          const same = (oldSpec.ports ?? []).find((o) => o.port === p.port && (o.protocol ?? 'TCP') === (p.protocol ?? 'TCP') && o.nodePort);
          if (same?.nodePort && reuse.has(`${same.protocol ?? 'TCP'}/${same.nodePort}`)) p.nodePort = same.nodePort;
        }
        allocatePorts(obj, got, reuse);
      }
      taken.set(obj, got);
    },
    rollback(obj) {
      const got = taken.get(obj);
      if (!got) return;
      for (const ip of got.ips) ips.release(ip);
      for (const p of got.ports) ports.release(p);
      taken.delete(obj);
    },
    afterUpdate(obj, old) {
      taken.delete(obj);
      const spec = specOf(obj);
      const oldSpec = specOf(old);
      const keepIPs = new Set(spec.clusterIPs ?? []);
      for (const ip of oldSpec.clusterIPs ?? []) if (ip !== 'None' && !keepIPs.has(ip)) ips.release(ip);
      const keepPorts = new Set((spec.ports ?? []).map((p) => p.nodePort));
      for (const p of oldSpec.ports ?? []) if (p.nodePort && !keepPorts.has(p.nodePort)) ports.release(p.nodePort);
    },
    afterDelete(obj) {
      const spec = specOf(obj);
      for (const ip of spec.clusterIPs ?? (spec.clusterIP ? [spec.clusterIP] : [])) if (ip !== 'None') ips.release(ip);
      for (const p of spec.ports ?? []) if (p.nodePort) ports.release(p.nodePort);
    },
  };

  return {
    hooks,
    rebuild(services) {
      for (const s of services) {
        const spec = specOf(s);
        for (const ip of spec.clusterIPs ?? (spec.clusterIP ? [spec.clusterIP] : [])) {
          if (ip && ip !== 'None') try { ips.allocate(ip); } catch (e) { if (!(e instanceof StatusError)) { /* already known */ } }
        }
        for (const p of spec.ports ?? []) if (p.nodePort) try { ports.allocate(p.nodePort); } catch { /* already known */ }
      }
    },
  };
}
