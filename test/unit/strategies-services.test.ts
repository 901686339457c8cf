import { expect } from 'chai';
import { strategyFor } from '../../src/registry/strategies/index.ts';
import { applyCreate, applyStatusUpdate, applyUpdate } from '../../src/registry/strategies/pipeline.ts';
import { fieldErrorString, type FieldError } from '../../src/server/errors.ts';
import type { JsonObject, KubeObject } from '../../src/registry/object.ts';

const s = strategyFor('', 'services');
const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;
const msgs = (errors: FieldError[]) => errors.map(fieldErrorString);
const svc = (spec: JsonObject, name = 'web'): KubeObject => ({ metadata: { name, namespace: 'default', uid: 'u', creationTimestamp: '2024-01-01T00:00:00Z', resourceVersion: '1' }, spec });
const create = (spec: JsonObject, name?: string) => applyCreate(s, svc(spec, name), true);
/** A stored service: created, then given the addresses the allocator would assign. */
function stored(spec: JsonObject): KubeObject {
  const r = create(spec);
  expect(msgs(r.errors)).to.deep.equal([]);
  const sp = r.obj.spec as JsonObject;
  if (sp.type !== 'ExternalName' && sp.clusterIP !== 'None') {
    sp.clusterIP = '10.96.0.10';
    sp.clusterIPs = ['10.96.0.10'];
  }
  return r.obj;
}

describe('services', () => {
  it('defaults a ClusterIP service', () => {
    const r = create({ selector: { app: 'web' }, ports: [{ port: 80 }, { name: 'b', port: 81, targetPort: 'metrics', protocol: 'UDP' }].map((p, i) => (i === 0 ? { ...p, name: 'a' } : p)) });
    expect(msgs(r.errors)).to.deep.equal([]);
    expect(r.obj.spec).to.deep.equal({
      selector: { app: 'web' },
      ports: [{ name: 'a', port: 80, protocol: 'TCP', targetPort: 80 }, { name: 'b', port: 81, targetPort: 'metrics', protocol: 'UDP' }],
      type: 'ClusterIP', sessionAffinity: 'None', internalTrafficPolicy: 'Cluster', ipFamilyPolicy: 'SingleStack', ipFamilies: ['IPv4'],
    });
    expect(r.obj.status).to.deep.equal({ loadBalancer: {} });
  });

  it('defaults NodePort / LoadBalancer / ClientIP specifics', () => {
    const np = create({ type: 'NodePort', ports: [{ port: 80 }] }).obj.spec as JsonObject;
    expect(np).to.deep.include({ externalTrafficPolicy: 'Cluster', internalTrafficPolicy: 'Cluster' });
    const lb = create({ type: 'LoadBalancer', ports: [{ port: 80 }], sessionAffinity: 'ClientIP' }).obj.spec as JsonObject;
    expect(lb).to.deep.include({ allocateLoadBalancerNodePorts: true, externalTrafficPolicy: 'Cluster', sessionAffinityConfig: { clientIP: { timeoutSeconds: 10800 } } });
    const headless = create({ clusterIP: 'None' }).obj.spec as JsonObject;
    expect(headless).to.deep.include({ clusterIPs: ['None'], ipFamilyPolicy: 'RequireDualStack', ipFamilies: ['IPv4'] });
    const ext = create({ type: 'ExternalName', externalName: 'db.example.com' });
    expect(msgs(ext.errors)).to.deep.equal([]);
    expect(ext.obj.spec).to.not.have.property('ipFamilies');
  });

  const cases: Array<[string, JsonObject, string[], string?]> = [
    ['names are DNS-1035 labels', { ports: [{ port: 80 }] }, ["metadata.name: Invalid value: \"1web\": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name', or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')"], '1web'],
    ['ports are required', {}, ['spec.ports: Required value']],
    ['type enum', { type: 'Magic', ports: [{ port: 80 }] }, ['spec.type: Unsupported value: "Magic": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"']],
    ['port range', { ports: [{ port: 0 }] }, ['spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive', 'spec.ports[0].targetPort: Invalid value: 0: must be between 1 and 65535, inclusive']],
    ['multiple ports need names', { ports: [{ port: 80 }, { port: 81 }] }, ['spec.ports[0].name: Required value', 'spec.ports[1].name: Required value']],
    ['duplicate port names', { ports: [{ name: 'a', port: 80 }, { name: 'a', port: 81 }] }, ['spec.ports[1].name: Duplicate value: "a"']],
    ['duplicate ports', { ports: [{ name: 'a', port: 80 }, { name: 'b', port: 80 }] }, ['spec.ports[1]: Duplicate value: {"protocol":"TCP","port":80}']],
    ['protocol enum', { ports: [{ port: 80, protocol: 'HTTP' }] }, ['spec.ports[0].protocol: Unsupported value: "HTTP": supported values: "SCTP", "TCP", "UDP"']],
    ['nodePort on ClusterIP', { ports: [{ port: 80, nodePort: 30080 }] }, ["spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'"]],
    ['clusterIP format', { clusterIP: '10.96.0.300', ports: [{ port: 80 }] }, ['spec.clusterIPs[0]: Invalid value: "10.96.0.300": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)']],
    ['session affinity enum', { sessionAffinity: 'Sticky', ports: [{ port: 80 }] }, ['spec.sessionAffinity: Unsupported value: "Sticky": supported values: "ClientIP", "None"']],
    ['externalName required', { type: 'ExternalName' }, ['spec.externalName: Required value']],
    ['source ranges only for LoadBalancer', { ports: [{ port: 80 }], loadBalancerSourceRanges: ['10.0.0.0/8'] }, ["spec.LoadBalancerSourceRanges: Forbidden: may only be used when `type` is 'LoadBalancer'"]],
    ['externalTrafficPolicy only when externally accessible', { ports: [{ port: 80 }], externalTrafficPolicy: 'Local' }, ['spec.externalTrafficPolicy: Invalid value: "Local": may only be set for externally-accessible services']],
    ['dual-stack is not configured', { ports: [{ port: 80 }], ipFamilyPolicy: 'RequireDualStack' }, ['spec.ipFamilyPolicy: Invalid value: "RequireDualStack": this cluster is not configured for dual-stack services']],
    ['IPv6 is not configured', { ports: [{ port: 80 }], ipFamilies: ['IPv6'] }, ['spec.ipFamilies[0]: Invalid value: "IPv6": not configured on this cluster']],
    ['headless NodePort', { type: 'NodePort', clusterIP: 'None', ports: [{ port: 80 }] }, ["spec.clusterIPs[0]: Invalid value: \"None\": may not be set to 'None' for NodePort services"]],
  ];
  for (const [title, spec, want, name] of cases) it(title, () => expect(msgs(create(spec, name).errors)).to.deep.equal(want));

  it('selectable fields', () => {
    expect(s.selectableFields?.(stored({ ports: [{ port: 80 }] }))).to.deep.equal({ 'spec.clusterIP': '10.96.0.10', 'spec.type': 'ClusterIP' });
  });

  describe('updates', () => {
    it('keep allocated values a client leaves out', () => {
      const old = stored({ type: 'NodePort', ports: [{ name: 'http', port: 80, nodePort: 30080 }] });
      const next = svc({ type: 'NodePort', ports: [{ name: 'http', port: 80 }] });
      const r = applyUpdate(s, next, old);
      expect(msgs(r.errors)).to.deep.equal([]);
      expect(r.obj.spec).to.deep.include({ clusterIP: '10.96.0.10', clusterIPs: ['10.96.0.10'], ipFamilies: ['IPv4'], ipFamilyPolicy: 'SingleStack' });
      expect((r.obj.spec as { ports: JsonObject[] }).ports[0].nodePort).to.equal(30080);
    });

    it('clusterIP may not change', () => {
      const old = stored({ ports: [{ port: 80 }] });
      const next = clone(old);
      (next.spec as JsonObject).clusterIP = '10.96.0.99';
      expect(msgs(applyUpdate(s, next, old).errors)).to.deep.equal(['spec.clusterIPs[0]: Invalid value: ["10.96.0.99"]: may not change once set']);
    });

    it('switching to ExternalName drops the cluster IP fields', () => {
      const old = stored({ ports: [{ port: 80 }] });
      const next = clone(old);
      Object.assign(next.spec as JsonObject, { type: 'ExternalName', externalName: 'example.com' });
      const r = applyUpdate(s, next, old);
      expect(msgs(r.errors)).to.deep.equal([]);
      expect(r.obj.spec).to.not.have.any.keys('clusterIP', 'clusterIPs', 'ipFamilies', 'ipFamilyPolicy');
    });

    it('status updates keep the spec and check the load balancer status', () => {
      const old = stored({ type: 'LoadBalancer', ports: [{ port: 80, nodePort: 30001 }] });
      const next = clone(old);
      next.status = { loadBalancer: { ingress: [{ ip: '1.2.3.4' }] } };
      (next.spec as JsonObject).type = 'ClusterIP';
      const r = applyStatusUpdate(s, next, old);
      expect((r.obj.spec as JsonObject).type).to.equal('LoadBalancer');
      expect(msgs(r.errors)).to.deep.equal([]);
      expect(r.obj.status).to.deep.equal({ loadBalancer: { ingress: [{ ip: '1.2.3.4', ipMode: 'VIP' }] } });
      const bad = clone(old);
      bad.status = { loadBalancer: { ingress: [{ hostname: '1.2.3.4', ipMode: 'Proxy' }] } };
      expect(msgs(applyStatusUpdate(s, bad, old).errors)).to.deep.equal([
        'status.loadBalancer.ingress[0].ipMode: Forbidden: may not be specified when `ip` is not set',
        'status.loadBalancer.ingress[0].hostname: Invalid value: "1.2.3.4": must be a DNS name, not an IP address',
      ]);
    });
  });
});
