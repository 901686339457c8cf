// VolumeBinding, as upstream's volumebinding/volume_binding_test.go and binder_test.go:
// claim lookup errors, unbound Immediate claims, PV node affinity for bound claims (and
// the PreFilter narrowing to a local PV's host), matching Available PVs for
// WaitForFirstConsumer claims (size, class, access modes, selector, node affinity),
// dynamic provisioning, and the Reserve/PreBind hand-off.

import { expect } from 'chai';
import type { V1PersistentVolume, V1PersistentVolumeClaim, V1StorageClass } from '@kubernetes/client-node';
import { Code, CycleState, isPreBind, isPreFilter, isReserve, type Listers, type NodeInfo } from '../../src/scheduler/framework/types.ts';
import * as vb from '../../src/scheduler/plugins/volumebinding.ts';
import { fakeHandle, node, nodeInfo, pod, runFilter, type PodOptions } from './scheduler-fixtures.ts';

const hostAffinity = (...hosts: string[]) => ({ required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: hosts }] }] } });

function pvc(name: string, o: { class?: string; volumeName?: string; bound?: boolean; size?: string; modes?: string[]; phase?: string; annotations?: Record<string, string>; selector?: object; deleting?: boolean; owner?: string } = {}): V1PersistentVolumeClaim {
  return {
    metadata: {
      name, namespace: 'default', uid: `uid-${name}`,
      annotations: { ...(o.bound ? { 'pv.kubernetes.io/bind-completed': 'yes' } : {}), ...o.annotations },
      ...(o.deleting ? { deletionTimestamp: new Date(0) } : {}),
      ...(o.owner ? { ownerReferences: [{ apiVersion: 'v1', kind: 'Pod', name: 'p', uid: o.owner, controller: true }] } : {}),
    },
    spec: {
      accessModes: o.modes ?? ['ReadWriteOnce'], resources: { requests: { storage: o.size ?? '1Gi' } },
      ...(o.class !== undefined ? { storageClassName: o.class } : {}), ...(o.volumeName ? { volumeName: o.volumeName } : {}),
      ...(o.selector ? { selector: o.selector } : {}),
    },
    status: { phase: o.phase ?? (o.bound ? 'Bound' : 'Pending') },
  };
}

function pv(name: string, o: { class?: string; size?: string; hosts?: string[]; phase?: string; modes?: string[]; claim?: string; labels?: Record<string, string> } = {}): V1PersistentVolume {
  return {
    metadata: { name, ...(o.labels ? { labels: o.labels } : {}) },
    spec: {
      capacity: { storage: o.size ?? '1Gi' }, accessModes: o.modes ?? ['ReadWriteOnce'], storageClassName: o.class ?? 'local',
      ...(o.hosts ? { nodeAffinity: hostAffinity(...o.hosts) } : {}),
      ...(o.claim ? { claimRef: { name: o.claim, namespace: 'default' } } : {}),
    },
    status: { phase: o.phase ?? 'Available' },
  };
}

const classes: Record<string, V1StorageClass> = {
  local: { metadata: { name: 'local' }, provisioner: 'kubernetes.io/no-provisioner', volumeBindingMode: 'WaitForFirstConsumer' },
  'local-path': { metadata: { name: 'local-path' }, provisioner: 'skiff.dev/local-path', volumeBindingMode: 'WaitForFirstConsumer', reclaimPolicy: 'Delete' },
  dynamic: { metadata: { name: 'dynamic' }, provisioner: 'csi.example.com', volumeBindingMode: 'WaitForFirstConsumer', allowedTopologies: [{ matchLabelExpressions: [{ key: 'zone', values: ['a'] }] }] },
  immediate: { metadata: { name: 'immediate' }, provisioner: 'csi.example.com', volumeBindingMode: 'Immediate' },
};

function listers(claims: V1PersistentVolumeClaim[], pvs: V1PersistentVolume[]): Partial<Listers> {
  return {
    pvc: (ns, name) => claims.find((c) => c.metadata?.namespace === ns && c.metadata?.name === name) as Record<string, unknown> | undefined,
    pv: (name) => pvs.find((v) => v.metadata?.name === name) as Record<string, unknown> | undefined,
    storageClass: (name) => classes[name] as unknown as Record<string, unknown> | undefined,
    pvs: () => pvs as Record<string, unknown>[],
  };
}

/** The PV controller's binding, on the fixtures: claimRef, phases, volumeName and bind-completed. */
function bindClaim(claims: V1PersistentVolumeClaim[], pvs: V1PersistentVolume[], claimName: string, pvName: string): void {
  const c = claims.find((x) => x.metadata?.name === claimName)!;
  const v = pvs.find((x) => x.metadata?.name === pvName)!;
  v.spec!.claimRef = { name: claimName, namespace: 'default', uid: c.metadata?.uid };
  v.status = { phase: 'Bound' };
  c.spec!.volumeName = pvName;
  c.metadata!.annotations = { ...c.metadata?.annotations, 'pv.kubernetes.io/bind-completed': 'yes' };
  c.status = { phase: 'Bound' };
}

const withClaims = (...names: string[]): PodOptions => ({ volumes: names.map((n, i) => ({ name: `v${i}`, persistentVolumeClaim: { claimName: n } })) });
const nodes = (): NodeInfo[] => [nodeInfo(node('node1', { labels: { zone: 'a' } })), nodeInfo(node('node2', { labels: { zone: 'b' } }))];

describe('VolumeBinding filter', () => {
  const S = Code.Success, R = Code.UnschedulableAndUnresolvable;
  const cases: { name: string; pod: PodOptions; claims: V1PersistentVolumeClaim[]; pvs: V1PersistentVolume[]; want: Record<string, [Code, string[]]>; wantNodeNames?: string[] }[] = [
    { name: 'no volumes', pod: {}, claims: [], pvs: [], want: { node1: [S, []], node2: [S, []] } },
    { name: 'volumes without claims', pod: { volumes: [{ name: 'e', emptyDir: {} }] }, claims: [], pvs: [], want: { node1: [S, []], node2: [S, []] } },
    { name: 'a missing claim', pod: withClaims('pvc-a'), claims: [], pvs: [], want: { node1: [R, ['persistentvolumeclaim "pvc-a" not found']], node2: [R, ['persistentvolumeclaim "pvc-a" not found']] } },
    {
      name: 'a missing ephemeral claim',
      pod: { volumes: [{ name: 'scratch', ephemeral: { volumeClaimTemplate: { spec: { accessModes: ['ReadWriteOnce'] } } } }] }, claims: [], pvs: [],
      want: { node1: [R, ['waiting for ephemeral volume controller to create the persistentvolumeclaim "p-scratch"']], node2: [R, ['waiting for ephemeral volume controller to create the persistentvolumeclaim "p-scratch"']] },
    },
    {
      name: 'an ephemeral claim the pod does not own',
      pod: { volumes: [{ name: 'scratch', ephemeral: { volumeClaimTemplate: { spec: {} } } }] }, claims: [pvc('p-scratch', { owner: 'someone-else', class: 'dynamic' })], pvs: [],
      want: { node1: [R, ['PVC default/p-scratch was not created for pod default/p (pod is not owner)']], node2: [R, ['PVC default/p-scratch was not created for pod default/p (pod is not owner)']] },
    },
    { name: 'a lost claim', pod: withClaims('pvc-a'), claims: [pvc('pvc-a', { volumeName: 'gone', phase: 'Lost' })], pvs: [], want: { node1: [R, ['persistentvolumeclaim "pvc-a" bound to non-existent persistentvolume "gone"']], node2: [R, ['persistentvolumeclaim "pvc-a" bound to non-existent persistentvolume "gone"']] } },
    { name: 'a terminating claim', pod: withClaims('pvc-a'), claims: [pvc('pvc-a', { class: 'local', deleting: true })], pvs: [], want: { node1: [R, ['persistentvolumeclaim "pvc-a" is being deleted']], node2: [R, ['persistentvolumeclaim "pvc-a" is being deleted']] } },
    { name: 'an unbound Immediate claim', pod: withClaims('pvc-a'), claims: [pvc('pvc-a', { class: 'immediate' })], pvs: [], want: { node1: [R, [vb.ERR_UNBOUND_IMMEDIATE]], node2: [R, [vb.ERR_UNBOUND_IMMEDIATE]] } },
    { name: 'an unbound claim without a class is Immediate', pod: withClaims('pvc-a'), claims: [pvc('pvc-a')], pvs: [], want: { node1: [R, [vb.ERR_UNBOUND_IMMEDIATE]], node2: [R, [vb.ERR_UNBOUND_IMMEDIATE]] } },
    { name: 'a claim pre-bound to a volume but not yet bound is Immediate', pod: withClaims('pvc-a'), claims: [pvc('pvc-a', { class: 'local', volumeName: 'pv-a' })], pvs: [pv('pv-a')], want: { node1: [R, [vb.ERR_UNBOUND_IMMEDIATE]], node2: [R, [vb.ERR_UNBOUND_IMMEDIATE]] } },
    {
      name: 'a bound claim whose PV has node affinity',
      pod: withClaims('pvc-a'), claims: [pvc('pvc-a', { class: 'local', volumeName: 'pv-a', bound: true })], pvs: [pv('pv-a', { hosts: ['node1'], claim: 'pvc-a', phase: 'Bound' })],
      want: { node1: [S, []], node2: [R, ['node(s) had volume node affinity conflict']] }, wantNodeNames: ['node1'],
    },
    {
      name: 'a bound claim whose PV admits every node',
      pod: withClaims('pvc-a'), claims: [pvc('pvc-a', { class: 'local', volumeName: 'pv-a', bound: true })], pvs: [pv('pv-a', { claim: 'pvc-a', phase: 'Bound' })],
      want: { node1: [S, []], node2: [S, []] },
    },
    {
      name: 'a bound claim whose PV is gone',
      pod: withClaims('pvc-a'), claims: [pvc('pvc-a', { class: 'local', volumeName: 'pv-a', bound: true })], pvs: [],
      want: { node1: [R, [vb.ERR_REASON_PV_NOT_EXIST]], node2: [R, [vb.ERR_REASON_PV_NOT_EXIST]] },
    },
    {
      name: 'a WaitForFirstConsumer claim and an Available local PV on node1',
      pod: withClaims('pvc-a'), claims: [pvc('pvc-a', { class: 'local' })], pvs: [pv('pv-a', { hosts: ['node1'] })],
      want: { node1: [S, []], node2: [R, ["node(s) didn't find available persistent volumes to bind"]] },
    },
    {
      name: 'the PV is too small',
      pod: withClaims('pvc-a'), claims: [pvc('pvc-a', { class: 'local', size: '2Gi' })], pvs: [pv('pv-a', { hosts: ['node1'] })],
      want: { node1: [R, [vb.ERR_REASON_BIND_CONFLICT]], node2: [R, [vb.ERR_REASON_BIND_CONFLICT]] },
    },
    {
      name: 'the PV is of another class',
      pod: withClaims('pvc-a'), claims: [pvc('pvc-a', { class: 'local' })], pvs: [pv('pv-a', { class: 'other' })],
      want: { node1: [R, [vb.ERR_REASON_BIND_CONFLICT]], node2: [R, [vb.ERR_REASON_BIND_CONFLICT]] },
    },
    {
      name: 'the PV lacks an access mode the claim wants',
      pod: withClaims('pvc-a'), claims: [pvc('pvc-a', { class: 'local', modes: ['ReadWriteMany'] })], pvs: [pv('pv-a')],
      want: { node1: [R, [vb.ERR_REASON_BIND_CONFLICT]], node2: [R, [vb.ERR_REASON_BIND_CONFLICT]] },
    },
    {
      name: 'the PV is not Available yet',
      pod: withClaims('pvc-a'), claims: [pvc('pvc-a', { class: 'local' })], pvs: [pv('pv-a', { phase: 'Pending' })],
      want: { node1: [R, [vb.ERR_REASON_BIND_CONFLICT]], node2: [R, [vb.ERR_REASON_BIND_CONFLICT]] },
    },
    {
      name: 'the claim\'s selector does not match the PV',
      pod: withClaims('pvc-a'), claims: [pvc('pvc-a', { class: 'local', selector: { matchLabels: { disk: 'ssd' } } })], pvs: [pv('pv-a', { labels: { disk: 'hdd' } }), pv('pv-b', { labels: { disk: 'ssd' }, hosts: ['node2'] })],
      want: { node1: [R, [vb.ERR_REASON_BIND_CONFLICT]], node2: [S, []] },
    },
    {
      name: 'two claims need two PVs on the same node',
      pod: withClaims('pvc-a', 'pvc-b'), claims: [pvc('pvc-a', { class: 'local' }), pvc('pvc-b', { class: 'local' })], pvs: [pv('pv-1', { hosts: ['node1'] }), pv('pv-2', { hosts: ['node1'] }), pv('pv-3', { hosts: ['node2'] })],
      want: { node1: [S, []], node2: [R, [vb.ERR_REASON_BIND_CONFLICT]] },
    },
    {
      name: 'no PV, but the class provisions in zone a',
      pod: withClaims('pvc-a'), claims: [pvc('pvc-a', { class: 'dynamic' })], pvs: [],
      want: { node1: [S, []], node2: [R, [vb.ERR_REASON_BIND_CONFLICT]] },
    },
    {
      name: 'no PV, and a provisioning class without topology admits every node',
      pod: withClaims('pvc-a'), claims: [pvc('pvc-a', { class: 'local-path' })], pvs: [],
      want: { node1: [S, []], node2: [S, []] },
    },
    {
      name: 'a bound provisioned claim keeps its PV on the node it was made for',
      pod: withClaims('pvc-a'), claims: [pvc('pvc-a', { class: 'local-path', volumeName: 'pvc-uid-a', bound: true, annotations: { 'volume.kubernetes.io/selected-node': 'node2' } })],
      pvs: [pv('pvc-uid-a', { class: 'local-path', hosts: ['node2'], claim: 'pvc-a', phase: 'Bound' })],
      want: { node1: [R, [vb.ERR_REASON_NODE_CONFLICT]], node2: [S, []] }, wantNodeNames: ['node2'],
    },
    {
      name: 'a claim already provisioning for node2',
      pod: withClaims('pvc-a'), claims: [pvc('pvc-a', { class: 'dynamic', annotations: { 'volume.kubernetes.io/selected-node': 'node2' } })], pvs: [],
      want: { node1: [R, [vb.ERR_REASON_BIND_CONFLICT]], node2: [R, [vb.ERR_REASON_BIND_CONFLICT]] },
    },
    {
      name: 'bound and unbound claims both failing report both reasons',
      pod: withClaims('pvc-a', 'pvc-b'), claims: [pvc('pvc-a', { class: 'local', volumeName: 'pv-a', bound: true }), pvc('pvc-b', { class: 'local' })], pvs: [pv('pv-a', { hosts: ['node1'], claim: 'pvc-a', phase: 'Bound' }), pv('pv-b', { hosts: ['node1'] })],
      want: { node1: [S, []], node2: [R, [vb.ERR_REASON_NODE_CONFLICT, vb.ERR_REASON_BIND_CONFLICT]] }, wantNodeNames: ['node1'],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const ns = nodes();
      const { preFilter, statuses } = runFilter(vb.factory(fakeHandle(ns, listers(c.claims, c.pvs))), pod('p', c.pod), ns);
      expect(Object.fromEntries([...statuses].map(([n, s]) => [n, [s.code, s.reasons]]))).to.deep.equal(c.want);
      expect(preFilter?.nodeNames ? [...preFilter.nodeNames] : undefined).to.deep.equal(c.wantNodeNames);
    });
  }

  it('picks the smallest PV that fits and hands it to bindVolumes in PreBind', async () => {
    const ns = nodes();
    const claims = [pvc('pvc-a', { class: 'local', size: '1Gi' })];
    const pvs = [pv('big', { size: '10Gi' }), pv('small', { size: '2Gi' }), pv('tiny', { size: '512Mi' })];
    const calls: string[] = [];
    const pl = vb.factory(fakeHandle(ns, listers(claims, pvs)), {
      bindVolumes: async (p: { metadata?: { name?: string } }, nodeName: string, bindings: vb.VolumeBinding[], provisions: unknown[]) => {
        calls.push(`${p.metadata?.name}@${nodeName}: ${bindings.map((b) => `${b.pvc.metadata?.name}->${b.pv.metadata?.name}`).join(',')} +${provisions.length}`);
        // What the PV controller then does: PreBind waits for it.
        for (const b of bindings) bindClaim(claims, pvs, b.pvc.metadata?.name ?? '', b.pv.metadata?.name ?? '');
      },
    });
    const state = new CycleState();
    const p = pod('p', withClaims('pvc-a'));
    expect(runFilter(pl, p, ns, state).statuses.get('node1')?.code).to.equal(Code.Success);
    if (!isReserve(pl) || !isPreBind(pl)) throw new Error('Reserve and PreBind expected');
    expect(pl.reserve(state, p, 'node1').code).to.equal(Code.Success);
    expect((await pl.preBind(state, p, 'node1')).code).to.equal(Code.Success);
    expect(calls).to.deep.equal(['p@node1: pvc-a->small +0']);
  });

  it('does not offer a PV reserved for another claim until unreserved', () => {
    const ns = [nodeInfo(node('node1'))];
    const claims = [pvc('pvc-a', { class: 'local' }), pvc('pvc-b', { class: 'local' })];
    const pvs = [pv('only')];
    const pl = vb.factory(fakeHandle(ns, listers(claims, pvs)));
    if (!isReserve(pl) || !isPreFilter(pl)) throw new Error('Reserve expected');
    const first = new CycleState(), pa = pod('a', withClaims('pvc-a'));
    expect(runFilter(pl, pa, ns, first).statuses.get('node1')?.code).to.equal(Code.Success);
    pl.reserve(first, pa, 'node1');
    const pb = pod('b', withClaims('pvc-b'));
    expect(runFilter(pl, pb, ns).statuses.get('node1')?.reasons).to.deep.equal([vb.ERR_REASON_BIND_CONFLICT]);
    pl.unreserve(first, pa, 'node1');
    expect(runFilter(pl, pb, ns).statuses.get('node1')?.code).to.equal(Code.Success);
  });
  it('places a second pod of a claim where Reserve put the first, until the API shows the decision', () => {
    const ns = nodes();
    const table: [string, V1PersistentVolumeClaim[], V1PersistentVolume[]][] = [
      ['provisioned', [pvc('pvc-a', { class: 'local-path' })], []],
      ['bound to a static volume', [pvc('pvc-a', { class: 'local' })], [pv('on-1', { hosts: ['node1'] }), pv('on-2', { hosts: ['node2'] })]],
    ];
    for (const [what, claims, pvs] of table) {
      const pl = vb.factory(fakeHandle(ns, listers(claims, pvs)));
      if (!isReserve(pl)) throw new Error('Reserve expected');
      const first = new CycleState(), pa = pod('a', withClaims('pvc-a'));
      expect(runFilter(pl, pa, ns, first).statuses.get('node1')?.code, what).to.equal(Code.Success);
      pl.reserve(first, pa, 'node1');
      const statuses = runFilter(pl, pod('b', withClaims('pvc-a')), ns).statuses;
      expect(statuses.get('node1')?.code, what).to.equal(Code.Success);
      expect(statuses.get('node2')?.reasons, what).to.deep.equal([vb.ERR_REASON_BIND_CONFLICT]);
      pl.unreserve(first, pa, 'node1');
      expect(runFilter(pl, pod('b', withClaims('pvc-a')), ns).statuses.get('node2')?.code, what).to.equal(Code.Success);
    }
  });

  describe('PreBind waits for the PV controller', () => {
    const provisionRun = async (claims: V1PersistentVolumeClaim[], pvs: V1PersistentVolume[], bindVolumes: vb.BindVolumes, bindTimeoutSeconds = 5) => {
      const ns = nodes();
      const pl = vb.factory(fakeHandle(ns, listers(claims, pvs)), { bindVolumes, bindTimeoutSeconds, pollIntervalMs: 5 });
      const state = new CycleState();
      const p = pod('p', withClaims('pvc-a'));
      expect(runFilter(pl, p, ns, state).statuses.get('node1')?.code).to.equal(Code.Success);
      if (!isReserve(pl) || !isPreBind(pl)) throw new Error('Reserve and PreBind expected');
      pl.reserve(state, p, 'node1');
      return pl.preBind(state, p, 'node1');
    };

    it('marks a claim to provision with the node, then succeeds once a volume on that node is bound', async () => {
      const claims = [pvc('pvc-a', { class: 'local-path' })];
      const pvs: V1PersistentVolume[] = [];
      const provisioned: string[] = [];
      const st = await provisionRun(claims, pvs, async (_p, nodeName, bindings, provisions) => {
        expect(bindings).to.deep.equal([]);
        for (const c of provisions) {
          provisioned.push(`${c.metadata?.name}@${nodeName}`);
          claims[0].metadata!.annotations = { ...claims[0].metadata?.annotations, 'volume.kubernetes.io/selected-node': nodeName };
          // The provisioner and the binder answer a little later.
          setTimeout(() => {
            pvs.push(pv('pvc-uid-a', { class: 'local-path', hosts: [nodeName] }));
            bindClaim(claims, pvs, 'pvc-a', 'pvc-uid-a');
          }, 30);
        }
      });
      expect(provisioned).to.deep.equal(['pvc-a@node1']);
      expect(st.code, st.message()).to.equal(Code.Success);
    });

    it('fails when the claim is bound to a volume that does not admit the node', async () => {
      const claims = [pvc('pvc-a', { class: 'local-path' })];
      const pvs: V1PersistentVolume[] = [];
      const st = await provisionRun(claims, pvs, async (_p, nodeName) => {
        claims[0].metadata!.annotations = { 'volume.kubernetes.io/selected-node': nodeName };
        pvs.push(pv('elsewhere', { class: 'local-path', hosts: ['node2'] }));
        bindClaim(claims, pvs, 'pvc-a', 'elsewhere');
      });
      expect(st.code).to.equal(Code.Error);
      expect(st.message()).to.contain('does not admit node "node1"');
    });

    it('fails when the selected-node annotation is taken away (provisioning gave up)', async () => {
      const claims = [pvc('pvc-a', { class: 'local-path' })];
      const st = await provisionRun(claims, [], async (_p, nodeName) => {
        claims[0].metadata!.annotations = { 'volume.kubernetes.io/selected-node': nodeName };
        setTimeout(() => { claims[0].metadata!.annotations = {}; }, 30);
      });
      expect(st.code).to.equal(Code.Error);
      expect(st.message()).to.contain('no longer to be provisioned on node "node1"');
    });

    it('gives up after bindTimeoutSeconds', async () => {
      const claims = [pvc('pvc-a', { class: 'local-path' })];
      const st = await provisionRun(claims, [], async (_p, nodeName) => {
        claims[0].metadata!.annotations = { 'volume.kubernetes.io/selected-node': nodeName };
      }, 0.05);
      expect(st.code).to.equal(Code.Error);
      expect(st.message()).to.contain('timed out');
    });
  });
});
