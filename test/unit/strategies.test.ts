import { expect } from 'chai';
import { GENERIC_KINDS } from '../../src/registry/strategies/generic.ts';
import { resources, isStored } from '../../api/resources.ts';
import { strategyFor, validateBinding, validateFinalize } from '../../src/registry/strategies/index.ts';
import { applyCreate, applyStatusUpdate, applyUpdate } from '../../src/registry/strategies/pipeline.ts';
import { imageTag } from '../../src/registry/strategies/podDefaults.ts';
import { fieldErrorString } from '../../src/server/errors.ts';
import type { JsonObject, KubeObject } from '../../src/registry/object.ts';

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;
const msgs = (r: { errors: Parameters<typeof fieldErrorString>[0][] }) => r.errors.map(fieldErrorString);
const meta = (name: string, namespace?: string): KubeObject['metadata'] => ({ name, ...(namespace ? { namespace } : {}), uid: 'u', creationTimestamp: '2024-01-01T00:00:00Z', resourceVersion: '1' });

function created(group: string, plural: string, obj: KubeObject, namespaced = true): KubeObject {
  const r = applyCreate(strategyFor(group, plural), obj, namespaced);
  expect(msgs(r), `${plural} should be valid`).to.deep.equal([]);
  return r.obj;
}

describe('strategyFor', () => {
  it('has a strategy for every stored resource', () => {
    for (const r of resources.filter(isStored)) {
      expect(Object.keys(strategyFor(r.group, r.plural)), `${r.group}/${r.plural}`).to.not.have.length(0);
    }
  });
  it('returns an empty strategy for unknown resources', () => expect(strategyFor('example.com', 'widgets')).to.deep.equal({}));
  it('declares status and generation as upstream', () => {
    const gen = [...new Set(resources.filter((r) => strategyFor(r.group, r.plural).hasGeneration).map((r) => `${r.group}/${r.plural}`))].sort();
    const genericWithGeneration = GENERIC_KINDS.filter(([, o]) => o.generation).map(([k]) => k);
    expect(gen).to.deep.equal(['/podtemplates', '/replicationcontrollers', 'apps/daemonsets', 'apps/deployments', 'apps/replicasets', 'apps/statefulsets', 'discovery.k8s.io/endpointslices', ...genericWithGeneration].sort());
    for (const r of resources.filter((x) => x.subresources.some((s) => s.name === 'status'))) {
      const s = strategyFor(r.group, r.plural);
      expect(s.hasStatus, r.plural).to.equal(true);
      expect(s.prepareForStatusUpdate, r.plural).to.be.a('function');
    }
  });
});

describe('pods', () => {
  const s = strategyFor('', 'pods');
  const base = (): KubeObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: meta('web', 'default'), spec: { containers: [{ name: 'c', image: 'nginx' }] } });

  describe('imagePullPolicy defaulting follows the image tag', () => {
    const cases: Array<[string, string]> = [
      ['nginx', 'latest'], ['nginx:latest', 'latest'], ['nginx:1.27', '1.27'], ['registry.io:5000/team/app', 'latest'],
      ['registry.io:5000/team/app:v2', 'v2'], ['nginx@sha256:' + 'a'.repeat(64), ''], ['Nginx', ''], ['', ''],
    ];
    for (const [image, tag] of cases) it(JSON.stringify(image.slice(0, 30)), () => expect(imageTag(image)).to.equal(tag));
    it('Always for latest, IfNotPresent otherwise', () => {
      const p = created('', 'pods', { ...base(), spec: { containers: [{ name: 'a', image: 'nginx' }, { name: 'b', image: 'nginx:1' }] } });
      expect((p.spec as { containers: JsonObject[] }).containers.map((c) => c.imagePullPolicy)).to.deep.equal(['Always', 'IfNotPresent']);
    });
  });

  it('applies SetDefaults_Pod / PodSpec / Container / Volume / Probe', () => {
    const p = created('', 'pods', {
      ...base(),
      spec: {
        hostNetwork: true,
        containers: [{
          name: 'c', image: 'nginx:1', ports: [{ containerPort: 80 }], resources: { limits: { cpu: '1' } },
          readinessProbe: { httpGet: { port: 80 } }, env: [{ name: 'N', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } }],
        }],
        volumes: [{ name: 'a' }, { name: 'b', secret: { secretName: 's' } }, { name: 'c', hostPath: { path: '/x' } }, { name: 'd', projected: { sources: [{ serviceAccountToken: { path: 't' } }] } }],
        serviceAccountName: 'default',
      },
    });
    expect(p.spec).to.deep.equal({
      hostNetwork: true,
      containers: [{
        name: 'c', image: 'nginx:1', ports: [{ containerPort: 80, protocol: 'TCP', hostPort: 80 }],
        resources: { limits: { cpu: '1' }, requests: { cpu: '1' } },
        readinessProbe: { httpGet: { port: 80, path: '/', scheme: 'HTTP' }, timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3 },
        env: [{ name: 'N', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName', apiVersion: 'v1' } } }],
        imagePullPolicy: 'IfNotPresent', terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File',
      }],
      volumes: [
        { name: 'a', emptyDir: {} }, { name: 'b', secret: { secretName: 's', defaultMode: 420 } }, { name: 'c', hostPath: { path: '/x', type: '' } },
        { name: 'd', projected: { sources: [{ serviceAccountToken: { path: 't', expirationSeconds: 3600 } }], defaultMode: 420 } },
      ],
      serviceAccountName: 'default',
      dnsPolicy: 'ClusterFirst', restartPolicy: 'Always', securityContext: {}, terminationGracePeriodSeconds: 30,
      schedulerName: 'default-scheduler', enableServiceLinks: true,
    });
  });

  describe('status on create: phase Pending and the QoS class', () => {
    const cases: Array<[string, JsonObject, string]> = [
      ['BestEffort', {}, 'BestEffort'],
      ['Guaranteed from limits only', { limits: { cpu: '1', memory: '1Gi' } }, 'Guaranteed'],
      ['Burstable with lower requests', { requests: { cpu: '100m' }, limits: { cpu: '1', memory: '1Gi' } }, 'Burstable'],
      ['Burstable with requests only', { requests: { memory: '1Gi' } }, 'Burstable'],
    ];
    for (const [title, resources, qos] of cases) {
      it(title, () => {
        const p = created('', 'pods', { ...base(), spec: { containers: [{ name: 'c', image: 'x', resources }] }, status: { phase: 'Running' } });
        expect(p.status).to.deep.equal({ phase: 'Pending', qosClass: qos });
      });
    }
    it('adds the SchedulingGated condition', () => {
      const p = created('', 'pods', { ...base(), spec: { containers: [{ name: 'c', image: 'x' }], schedulingGates: [{ name: 'example.com/wait' }] } });
      expect((p.status as { conditions: JsonObject[] }).conditions[0]).to.include({ type: 'PodScheduled', status: 'False', reason: 'SchedulingGated' });
    });
  });

  describe('updates', () => {
    const stored = () => created('', 'pods', base());
    it('may change images', () => {
      const old = stored();
      const next = clone(old);
      (next.spec as { containers: JsonObject[] }).containers[0].image = 'nginx:2';
      expect(msgs(applyUpdate(s, next, old))).to.deep.equal([]);
    });
    it('may not change other fields', () => {
      const old = stored();
      const next = clone(old);
      (next.spec as JsonObject).restartPolicy = 'Never';
      const out = msgs(applyUpdate(s, next, old));
      expect(out).to.have.length(1);
      expect(out[0]).to.match(/^spec: Forbidden: pod updates may not change fields other than `spec.containers\[\*\].image`,`spec.initContainers\[\*\].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` \(only additions to existing tolerations\),`spec.terminationGracePeriodSeconds` \(allow it to be set to 1 if it was previously negative\)\n/);
      expect(out[0]).to.include('spec.restartPolicy');
    });
    it('may not add containers', () => {
      const old = stored();
      const next = clone(old);
      (next.spec as { containers: JsonObject[] }).containers.push({ name: 'd', image: 'x' });
      expect(msgs(applyUpdate(s, next, old))).to.deep.equal(['spec.containers: Forbidden: pod updates may not add or remove containers']);
    });
    it('may only add tolerations and shorten activeDeadlineSeconds', () => {
      const old = stored();
      (old.spec as JsonObject).activeDeadlineSeconds = 100;
      (old.spec as JsonObject).tolerations = [{ key: 'a', operator: 'Exists' }];
      const added = clone(old);
      (added.spec as JsonObject).tolerations = [{ key: 'a', operator: 'Exists' }, { key: 'b', operator: 'Exists' }];
      (added.spec as JsonObject).activeDeadlineSeconds = 50;
      expect(msgs(applyUpdate(s, added, old))).to.deep.equal([]);
      const longer = clone(old);
      (longer.spec as JsonObject).activeDeadlineSeconds = 200;
      expect(msgs(applyUpdate(s, longer, old))).to.deep.equal(['spec.activeDeadlineSeconds: Invalid value: 200: must be less than or equal to previous value']);
      const removed = clone(old);
      (removed.spec as JsonObject).tolerations = [];
      expect(msgs(applyUpdate(s, removed, old))).to.deep.equal(['spec.tolerations: Forbidden: existing toleration can not be modified except its tolerationSeconds']);
    });
    it('keeps status on main-resource updates and spec on status updates', () => {
      const old = stored();
      const next = clone(old);
      next.status = { phase: 'Running' };
      expect(applyUpdate(s, next, old).obj.status).to.deep.equal(old.status);
      const st = clone(old);
      st.status = { phase: 'Running', podIP: '10.0.0.5', podIPs: [{ ip: '10.0.0.5' }] };
      (st.spec as JsonObject).restartPolicy = 'Never';
      const r = applyStatusUpdate(s, st, old);
      expect(msgs(r)).to.deep.equal([]);
      expect((r.obj.spec as JsonObject).restartPolicy).to.equal('Always');
      expect(r.obj.status).to.deep.equal({ phase: 'Running', podIP: '10.0.0.5', podIPs: [{ ip: '10.0.0.5' }], qosClass: 'BestEffort' });
    });
    it('rejects terminated containers coming back under restartPolicy Never', () => {
      const old = created('', 'pods', { ...base(), spec: { containers: [{ name: 'c', image: 'x' }], restartPolicy: 'Never' } });
      old.status = { phase: 'Failed', qosClass: 'BestEffort', containerStatuses: [{ name: 'c', state: { terminated: { exitCode: 1 } } }] };
      const st = clone(old);
      st.status = { phase: 'Running', qosClass: 'BestEffort', containerStatuses: [{ name: 'c', state: { running: {} } }] };
      expect(msgs(applyStatusUpdate(s, st, old))).to.deep.equal(['status.containerStatuses[0].state: Forbidden: may not be transitioned to non-terminated state']);
    });
  });

  it('exposes upstream field selectors', () => {
    const p = created('', 'pods', { ...base(), spec: { containers: [{ name: 'c', image: 'x' }], nodeName: 'n1', serviceAccountName: 'sa' } });
    p.status = { phase: 'Running', podIPs: [{ ip: '10.1.1.1' }] };
    expect(s.selectableFields?.(p)).to.deep.equal({
      'spec.nodeName': 'n1', 'spec.restartPolicy': 'Always', 'spec.schedulerName': 'default-scheduler', 'spec.serviceAccountName': 'sa',
      'spec.hostNetwork': 'false', 'status.phase': 'Running', 'status.podIP': '10.1.1.1', 'status.nominatedNodeName': '',
    });
  });

  describe('grace period (CheckGracefulDelete)', () => {
    const cases: Array<[string, JsonObject, JsonObject, number | undefined, number]> = [
      ['unscheduled pods go at once', {}, { phase: 'Pending' }, undefined, 0],
      ['bound pods use terminationGracePeriodSeconds', { nodeName: 'n' }, { phase: 'Running' }, undefined, 30],
      ['the request wins', { nodeName: 'n' }, { phase: 'Running' }, 5, 5],
      ['finished pods go at once', { nodeName: 'n' }, { phase: 'Succeeded' }, 10, 0],
      ['negative becomes 1', { nodeName: 'n' }, { phase: 'Running' }, -5, 1],
    ];
    for (const [title, spec, status, requested, want] of cases) {
      it(title, () => {
        const p = created('', 'pods', { ...base(), spec: { containers: [{ name: 'c', image: 'x' }], ...spec } });
        p.status = status;
        expect(s.gracePeriod?.(p, requested === undefined ? {} : { gracePeriodSeconds: requested })).to.equal(want);
      });
    }
  });
});

describe('namespaces', () => {
  const s = strategyFor('', 'namespaces');
  it('gets the name label, the kubernetes finalizer and phase Active', () => {
    const ns = created('', 'namespaces', { metadata: meta('team-a'), spec: { finalizers: ['example.com/x'] } }, false);
    expect(ns.metadata.labels).to.deep.equal({ 'kubernetes.io/metadata.name': 'team-a' });
    expect(ns.spec).to.deep.equal({ finalizers: ['example.com/x', 'kubernetes'] });
    expect(ns.status).to.deep.equal({ phase: 'Active' });
  });
  it('names are DNS labels', () => {
    expect(msgs(applyCreate(s, { metadata: meta('a.b') }, false))).to.deep.equal(['metadata.name: Invalid value: "a.b": must not contain dots']);
  });
  it('keeps spec.finalizers on update and checks status phase', () => {
    const old = created('', 'namespaces', { metadata: meta('ns1') }, false);
    const next = clone(old);
    next.spec = { finalizers: [] };
    expect(applyUpdate(s, next, old).obj.spec).to.deep.equal({ finalizers: ['kubernetes'] });
    const st = clone(old);
    st.status = { phase: 'Terminating' };
    expect(msgs(applyStatusUpdate(s, st, old))).to.deep.equal(['status.Phase: Invalid value: "Terminating": may only be \'Active\' if `deletionTimestamp` is empty']);
    expect(s.selectableFields?.(old)).to.deep.equal({ 'status.phase': 'Active', name: 'ns1' });
  });
});

describe('configmaps and secrets', () => {
  it('validates configmap keys and immutability', () => {
    const s = strategyFor('', 'configmaps');
    expect(msgs(applyCreate(s, { metadata: meta('c', 'd'), data: { 'bad/key': 'x', ok: 'y' }, binaryData: { ok: 'eA==' } }, true))).to.deep.equal([
      "data[bad/key]: Invalid value: \"bad/key\": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name', or 'KEY_NAME', or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')",
      'data[ok]: Invalid value: "ok": duplicate of key present in binaryData',
    ]);
    const old = created('', 'configmaps', { metadata: meta('c', 'd'), data: { a: '1' }, immutable: true });
    const next = clone(old);
    next.data = { a: '2' };
    expect(msgs(applyUpdate(s, next, old))).to.deep.equal(['data: Forbidden: field is immutable when `immutable` is set']);
  });

  it('defaults secret type, folds stringData into data and checks types', () => {
    const s = strategyFor('', 'secrets');
    const sec = created('', 'secrets', { metadata: meta('s', 'd'), data: { a: 'eA==' }, stringData: { b: 'hello' } });
    expect(sec).to.deep.include({ type: 'Opaque', data: { a: 'eA==', b: 'aGVsbG8=' } });
    expect(sec).to.not.have.property('stringData');
    expect(s.selectableFields?.(sec)).to.deep.equal({ type: 'Opaque' });
    expect(msgs(applyCreate(s, { metadata: meta('t', 'd'), type: 'kubernetes.io/tls', data: { 'tls.crt': 'eA==' } }, true))).to.deep.equal(['data[tls.key]: Required value']);
    const next = clone(sec);
    next.type = 'kubernetes.io/basic-auth';
    expect(msgs(applyUpdate(s, next, sec))[0]).to.equal('type: Invalid value: "kubernetes.io/basic-auth": field is immutable');
  });
});

describe('nodes', () => {
  const s = strategyFor('', 'nodes');
  it('defaults allocatable, keeps status on create and validates taints', () => {
    const n = created('', 'nodes', { metadata: meta('node-1'), spec: { unschedulable: true }, status: { capacity: { cpu: '4', pods: '110' } } }, false);
    expect(n.status).to.deep.equal({ capacity: { cpu: '4', pods: '110' }, allocatable: { cpu: '4', pods: '110' } });
    expect(s.selectableFields?.(n)).to.deep.equal({ 'spec.unschedulable': 'true' });
    expect(msgs(applyCreate(s, { metadata: meta('node-2'), spec: { taints: [{ key: 'k', effect: 'Sometimes' }] } }, false)))
      .to.deep.equal(['metadata.taints[0].effect: Unsupported value: "Sometimes": supported values: "NoSchedule", "PreferNoSchedule", "NoExecute"']);
  });
  it('podCIDRs can be set once', () => {
    const old = created('', 'nodes', { metadata: meta('node-1'), spec: { podCIDRs: ['10.244.0.0/24'] } }, false);
    const next = clone(old);
    (next.spec as JsonObject).podCIDRs = ['10.244.1.0/24'];
    expect(msgs(applyUpdate(s, next, old))).to.deep.equal(['spec.podCIDRs: Forbidden: node updates may not change podCIDR except from "" to valid']);
  });
});

describe('endpoints and serviceaccounts', () => {
  it('defaults endpoint port protocols and validates subsets', () => {
    const ep = created('', 'endpoints', { metadata: meta('svc', 'd'), subsets: [{ addresses: [{ ip: '10.0.0.1' }], ports: [{ port: 80 }] }] });
    expect(ep.subsets).to.deep.equal([{ addresses: [{ ip: '10.0.0.1' }], ports: [{ port: 80, protocol: 'TCP' }] }]);
    expect(msgs(applyCreate(strategyFor('', 'endpoints'), { metadata: meta('svc', 'd'), subsets: [{ addresses: [{ ip: '127.0.0.1' }], ports: [{ port: 80 }, { port: 81 }] }] }, true))).to.deep.equal([
      'subsets[0].addresses[0].ip: Invalid value: "127.0.0.1": may not be in the loopback range (127.0.0.0/8, ::1/128)',
      'subsets[0].ports[0].name: Required value',
      'subsets[0].ports[1].name: Required value',
    ]);
  });
  it('reduces service account secret references to names', () => {
    const sa = created('', 'serviceaccounts', { metadata: meta('sa', 'd'), secrets: [{ name: 's', namespace: 'x', uid: 'u' }] });
    expect(sa.secrets).to.deep.equal([{ name: 's' }]);
  });
});

describe('persistent volumes and claims', () => {
  const pvcS = strategyFor('', 'persistentvolumeclaims');
  const pvc = (): KubeObject => ({ metadata: meta('data', 'd'), spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } });
  it('defaults volumeMode and phase Pending', () => {
    const c = created('', 'persistentvolumeclaims', pvc());
    expect(c.spec).to.deep.include({ volumeMode: 'Filesystem' });
    expect(c.status).to.deep.equal({ phase: 'Pending' });
    expect(pvcS.selectableFields?.(c)).to.deep.equal({ name: 'data' });
  });
  it('requires access modes and storage', () => {
    expect(msgs(applyCreate(pvcS, { metadata: meta('x', 'd'), spec: {} }, true))).to.deep.equal([
      'spec.accessModes: Required value: at least 1 access mode is required',
      'spec.resources[storage]: Required value',
    ]);
  });
  it('is immutable after creation except the storage request of bound claims', () => {
    const old = created('', 'persistentvolumeclaims', pvc());
    const next = clone(old);
    (next.spec as JsonObject).accessModes = ['ReadWriteMany'];
    expect(msgs(applyUpdate(pvcS, next, old))[0]).to.match(/^spec: Forbidden: spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims\n/);
    const bound = clone(old);
    bound.status = { phase: 'Bound', capacity: { storage: '1Gi' } };
    const grown = clone(bound);
    (grown.spec as { resources: { requests: JsonObject } }).resources.requests.storage = '2Gi';
    expect(msgs(applyUpdate(pvcS, grown, bound))).to.deep.equal([]);
    const volumeName = clone(old);
    (volumeName.spec as JsonObject).volumeName = 'pv-1';
    expect(msgs(applyUpdate(pvcS, volumeName, old))).to.deep.equal([]);
  });
  it('defaults and validates persistent volumes', () => {
    const s = strategyFor('', 'persistentvolumes');
    const pv = created('', 'persistentvolumes', { metadata: meta('pv-1'), spec: { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], hostPath: { path: '/data' } } }, false);
    expect(pv.spec).to.deep.include({ persistentVolumeReclaimPolicy: 'Retain', volumeMode: 'Filesystem' });
    expect((pv.status as JsonObject).phase).to.equal('Pending');
    expect(msgs(applyCreate(s, { metadata: meta('pv-2'), spec: { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'] } }, false))).to.deep.equal(['spec: Required value: must specify a volume type']);
    const next = clone(pv);
    (next.spec as JsonObject).hostPath = { path: '/other', type: '' };
    expect(msgs(applyUpdate(s, next, pv))[0]).to.match(/^spec.persistentvolumesource: Forbidden: spec.persistentvolumesource is immutable after creation\n/);
  });
});

describe('podtemplates, controllerrevisions, leases, endpointslices', () => {
  it('validates pod templates under "template"', () => {
    const s = strategyFor('', 'podtemplates');
    expect(msgs(applyCreate(s, { metadata: meta('t', 'd'), template: { spec: { containers: [] } } }, true))).to.deep.equal(['template.spec.containers: Required value']);
    const t = created('', 'podtemplates', { metadata: meta('t', 'd'), template: { spec: { containers: [{ name: 'c', image: 'x' }] } } });
    expect((t.template as { spec: JsonObject }).spec.restartPolicy).to.equal('Always');
  });
  it('controller revisions need data that never changes', () => {
    const s = strategyFor('apps', 'controllerrevisions');
    expect(msgs(applyCreate(s, { metadata: meta('r', 'd'), revision: -1 }, true))).to.deep.equal(['data: Required value: data is mandatory', 'revision: Invalid value: -1: must be greater than or equal to 0']);
    const old = created('apps', 'controllerrevisions', { metadata: meta('r', 'd'), data: { a: 1 }, revision: 1 });
    const next = clone(old);
    next.data = { a: 2 };
    expect(msgs(applyUpdate(s, next, old))).to.deep.equal(['data: Invalid value: {"a":2}: field is immutable']);
  });
  it('leases check durations', () => {
    const s = strategyFor('coordination.k8s.io', 'leases');
    expect(msgs(applyCreate(s, { metadata: meta('l', 'd'), spec: { holderIdentity: 'x', leaseDurationSeconds: 0 } }, true))).to.deep.equal(['spec.leaseDurationSeconds: Invalid value: 0: must be greater than 0']);
  });
  it('endpoint slices default ports and check addresses', () => {
    const s = strategyFor('discovery.k8s.io', 'endpointslices');
    const eps = created('discovery.k8s.io', 'endpointslices', { metadata: meta('web-abc', 'd'), addressType: 'IPv4', endpoints: [{ addresses: ['10.0.0.1'], conditions: { ready: true } }], ports: [{ port: 80 }] });
    expect(eps.ports).to.deep.equal([{ port: 80, name: '', protocol: 'TCP' }]);
    expect(msgs(applyCreate(s, { metadata: meta('x', 'd'), addressType: 'IPv4', endpoints: [{ addresses: ['fd00::1'] }, { addresses: [] }] }, true))).to.deep.equal([
      'endpoints[0].addresses[0]: Invalid value: "fd00::1": must be a valid IPv4 address',
      'endpoints[1].addresses: Required value: must contain at least 1 address',
    ]);
    expect(msgs(applyCreate(s, { metadata: meta('y', 'd'), addressType: 'IP' }, true))).to.deep.equal(['addressType: Unsupported value: "IP": supported values: "FQDN", "IPv4", "IPv6"']);
  });
});

describe('smaller rules', () => {
  it('pods/binding targets a node by name', () => {
    expect(validateBinding({ target: { kind: 'Node', name: 'n1' } })).to.deep.equal([]);
    expect(validateBinding({ target: { kind: 'Pod' } }).map(fieldErrorString)).to.deep.equal([
      'target.kind: Unsupported value: "Pod": supported values: "Node", "<empty>"',
      'target.name: Required value',
    ]);
  });

  it('namespaces/finalize checks each finalizer', () => {
    expect(validateFinalize({ metadata: meta('ns'), spec: { finalizers: ['kubernetes', 'custom'] } }).map(fieldErrorString))
      .to.deep.equal(['spec.finalizers[1]: Invalid value: "custom": name is neither a standard finalizer name nor is it fully qualified']);
  });

  it('configmaps hold at most 1 MiB and secrets need valid base64', () => {
    expect(msgs(applyCreate(strategyFor('', 'configmaps'), { metadata: meta('c', 'd'), data: { a: 'x'.repeat(1024 * 1024 + 1) } }, true))).to.deep.equal([': Too long: must have at most 1048576 bytes']);
    expect(msgs(applyCreate(strategyFor('', 'secrets'), { metadata: meta('s', 'd'), data: { a: 'not base64!' } }, true))).to.deep.equal(['data[a]: Invalid value: "<secret contents redacted>": illegal base64 data at input byte 3']);
  });

  it('endpoint slices drop deprecatedTopology written through v1', () => {
    const eps = created('discovery.k8s.io', 'endpointslices', { metadata: meta('s', 'd'), addressType: 'IPv4', endpoints: [{ addresses: ['10.0.0.1'], deprecatedTopology: { 'kubernetes.io/hostname': 'n1' } }] });
    expect(eps.endpoints).to.deep.equal([{ addresses: ['10.0.0.1'] }]);
  });

  it('leases drop the alpha coordinated-election fields', () => {
    const l = created('coordination.k8s.io', 'leases', { metadata: meta('l', 'd'), spec: { holderIdentity: 'a', strategy: 'OldestEmulationVersion', preferredHolder: 'b' } });
    expect(l.spec).to.deep.equal({ holderIdentity: 'a' });
  });
});
