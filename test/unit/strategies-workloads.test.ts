import { expect } from 'chai';
import { strategyFor } from '../../src/registry/strategies/index.ts';
import { applyCreate, applyStatusUpdate, applyUpdate } from '../../src/registry/strategies/pipeline.ts';
import { fieldErrorString, type FieldError } from '../../src/server/errors.ts';
import type { JsonObject, KubeObject } from '../../src/registry/object.ts';

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;
const msgs = (errors: FieldError[]) => errors.map(fieldErrorString);
const meta = (name: string): KubeObject['metadata'] => ({ name, namespace: 'default', uid: 'u', creationTimestamp: '2024-01-01T00:00:00Z', resourceVersion: '1' });
const template = (labels: Record<string, string> = { app: 'web' }, spec: JsonObject = {}): JsonObject => ({ metadata: { labels }, spec: { containers: [{ name: 'c', image: 'nginx:1' }], ...spec } });
const workload = (name: string, spec: JsonObject): KubeObject => ({ metadata: meta(name), spec: { selector: { matchLabels: { app: 'web' } }, template: template(), ...spec } });

function create(group: string, plural: string, obj: KubeObject): { obj: KubeObject; errors: string[] } {
  const r = applyCreate(strategyFor(group, plural), obj, true);
  return { obj: r.obj, errors: msgs(r.errors) };
}

const MISMATCH = 'spec.template.metadata.labels: Invalid value: {"app":"other"}: `selector` does not match template `labels`';

describe('deployments', () => {
  const s = strategyFor('apps', 'deployments');

  it('defaults replicas, strategy, history, deadline and the pod template', () => {
    const { obj, errors } = create('apps', 'deployments', workload('web', {}));
    expect(errors).to.deep.equal([]);
    expect(obj.spec).to.deep.include({
      replicas: 1, revisionHistoryLimit: 10, progressDeadlineSeconds: 600,
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } },
    });
    const podSpec = ((obj.spec as JsonObject).template as { spec: JsonObject }).spec;
    expect(podSpec).to.deep.include({ restartPolicy: 'Always', dnsPolicy: 'ClusterFirst', terminationGracePeriodSeconds: 30, schedulerName: 'default-scheduler' });
    expect(podSpec).to.not.have.property('enableServiceLinks'); // SetDefaults_Pod is for Pods only
    expect(obj.status).to.deep.equal({});
    expect(s.hasGeneration).to.equal(true);
  });

  const cases: Array<[string, JsonObject, string[]]> = [
    ['selector must match the template', { template: template({ app: 'other' }) }, [MISMATCH]],
    // A missing selector converts to "match nothing", so the template check fails too (as upstream).
    ['selector is required', { selector: undefined }, ['spec.selector: Required value', 'spec.template.metadata.labels: Invalid value: {"app":"web"}: `selector` does not match template `labels`']],
    ['empty selector', { selector: {} }, ['spec.selector: Invalid value: {}: empty selector is invalid for deployment']],
    ['negative replicas', { replicas: -1 }, ['spec.replicas: Invalid value: -1: must be greater than or equal to 0']],
    ['pods must restart Always', { template: template(undefined, { restartPolicy: 'Never' }) }, ['spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"']],
    ['strategy type', { strategy: { type: 'BlueGreen' } }, ['spec.strategy: Unsupported value: {"type":"BlueGreen"}: supported values: "Recreate", "RollingUpdate"']],
    ['maxUnavailable and maxSurge not both 0', { strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: '0%' } } }, ['spec.strategy.rollingUpdate.maxUnavailable: Invalid value: 0: may not be 0 when `maxSurge` is 0']],
    ['percent format', { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '1x' } } }, ["spec.strategy.rollingUpdate.maxSurge: Invalid value: \"1x\": a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%', or '93%', regex used for validation is '[0-9]+%')"]],
    ['progress deadline', { progressDeadlineSeconds: 5, minReadySeconds: 10 }, ['spec.progressDeadlineSeconds: Invalid value: 5: must be greater than minReadySeconds']],
    ['Recreate takes no rollingUpdate', { strategy: { type: 'Recreate', rollingUpdate: {} } }, ["spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy `type` is 'Recreate'"]],
    ['pod spec errors use template paths', { template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c' }] } } }, ['spec.template.spec.containers[0].image: Required value']],
  ];
  for (const [title, spec, want] of cases) {
    it(title, () => {
      const d = workload('web', spec);
      if ('selector' in spec && spec.selector === undefined) delete (d.spec as JsonObject).selector;
      expect(create('apps', 'deployments', d).errors).to.deep.equal(want);
    });
  }

  it('selector is immutable and status is kept', () => {
    const old = create('apps', 'deployments', workload('web', {})).obj;
    old.status = { replicas: 1 };
    const next = clone(old);
    (next.spec as JsonObject).selector = { matchLabels: { app: 'web', tier: 'x' } };
    ((next.spec as JsonObject).template as { metadata: JsonObject }).metadata.labels = { app: 'web', tier: 'x' };
    next.status = {};
    const r = applyUpdate(s, next, old);
    expect(msgs(r.errors)).to.deep.equal(['spec.selector: Invalid value: {"matchLabels":{"app":"web","tier":"x"}}: field is immutable']);
    expect(r.obj.status).to.deep.equal({ replicas: 1 });
  });

  it('status updates keep spec and labels and check counters', () => {
    const old = create('apps', 'deployments', workload('web', {})).obj;
    old.metadata.labels = { a: 'b' };
    const next = clone(old);
    next.metadata.labels = { changed: 'x' };
    (next.spec as JsonObject).replicas = 9;
    next.status = { replicas: 1, readyReplicas: 2, collisionCount: 0 };
    const r = applyStatusUpdate(s, next, old);
    expect((r.obj.spec as JsonObject).replicas).to.equal(1);
    expect(r.obj.metadata.labels).to.deep.equal({ a: 'b' });
    expect(msgs(r.errors)).to.deep.equal(['status.readyReplicas: Invalid value: 2: cannot be greater than status.replicas']);
  });
});

describe('replicasets and replicationcontrollers', () => {
  it('replicaset defaults and status', () => {
    const { obj, errors } = create('apps', 'replicasets', workload('rs', {}));
    expect(errors).to.deep.equal([]);
    expect((obj.spec as JsonObject).replicas).to.equal(1);
    expect(obj.status).to.deep.equal({ replicas: 0 });
    expect(strategyFor('apps', 'replicasets').selectableFields?.(obj)).to.deep.equal({ 'status.replicas': '0' });
    expect(create('apps', 'replicasets', workload('rs', { template: template({ app: 'other' }) })).errors).to.deep.equal([MISMATCH]);
  });

  it('replication controllers default selector and labels from the template', () => {
    const { obj, errors } = create('', 'replicationcontrollers', { metadata: meta('rc'), spec: { template: template({ app: 'web' }) } });
    expect(errors).to.deep.equal([]);
    expect(obj.spec).to.deep.include({ selector: { app: 'web' }, replicas: 1 });
    expect(obj.metadata.labels).to.deep.equal({ app: 'web' });
    expect(create('', 'replicationcontrollers', { metadata: meta('rc'), spec: { selector: { app: 'x' }, template: template({ app: 'other' }) } }).errors)
      .to.deep.equal(['spec.template.metadata.labels: Invalid value: {"app":"other"}: `selector` does not match template `labels`']);
    expect(create('', 'replicationcontrollers', { metadata: meta('rc'), spec: { selector: { app: 'web' }, template: template(undefined, { activeDeadlineSeconds: 5 }) } }).errors)
      .to.deep.equal(['spec.template.spec.activeDeadlineSeconds: Forbidden: activeDeadlineSeconds in ReplicationController is not Supported']);
  });
});

describe('statefulsets', () => {
  const s = strategyFor('apps', 'statefulsets');
  const sts = (spec: JsonObject = {}) => workload('db', { serviceName: 'db', ...spec });

  it('defaults policies, strategy, retention and claim templates', () => {
    const { obj, errors } = create('apps', 'statefulsets', sts({ volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }] }));
    expect(errors).to.deep.equal([]);
    expect(obj.spec).to.deep.include({
      podManagementPolicy: 'OrderedReady', replicas: 1, revisionHistoryLimit: 10,
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } },
      persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' },
    });
    expect((obj.spec as { volumeClaimTemplates: JsonObject[] }).volumeClaimTemplates[0]).to.deep.equal({
      apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'data' },
      spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, volumeMode: 'Filesystem' },
      status: { phase: 'Pending' },
    });
    expect(obj.status).to.deep.equal({ replicas: 0, availableReplicas: 0 });
  });

  it('names are DNS labels', () => {
    expect(create('apps', 'statefulsets', { ...sts(), metadata: meta('db.v1') }).errors).to.deep.equal(['metadata.name: Invalid value: "db.v1": must not contain dots']);
  });

  it('validates policies', () => {
    expect(create('apps', 'statefulsets', sts({ podManagementPolicy: 'Random' })).errors).to.deep.equal(["spec.podManagementPolicy: Invalid value: \"Random\": must be 'OrderedReady' or 'Parallel'"]);
    expect(create('apps', 'statefulsets', sts({ updateStrategy: { type: 'OnDelete', rollingUpdate: { partition: 1 } } })).errors)
      .to.deep.equal(['spec.updateStrategy.rollingUpdate: Invalid value: {"partition":1}: only allowed for updateStrategy \'RollingUpdate\'']);
    expect(create('apps', 'statefulsets', sts({ template: template({ app: 'other' }) })).errors).to.deep.equal([MISMATCH]);
  });

  it('only some spec fields may change', () => {
    const old = create('apps', 'statefulsets', sts()).obj;
    const scaled = clone(old);
    (scaled.spec as JsonObject).replicas = 3;
    expect(msgs(applyUpdate(s, scaled, old).errors)).to.deep.equal([]);
    const renamed = clone(old);
    (renamed.spec as JsonObject).serviceName = 'other';
    expect(msgs(applyUpdate(s, renamed, old).errors)).to.deep.equal(["spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden"]);
  });
});

describe('daemonsets', () => {
  const s = strategyFor('apps', 'daemonsets');

  it('defaults the update strategy and records the template generation', () => {
    const { obj, errors } = create('apps', 'daemonsets', workload('agent', {}));
    expect(errors).to.deep.equal([]);
    expect(obj.spec).to.deep.include({ revisionHistoryLimit: 10, updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } } });
    expect(obj.metadata.annotations).to.deep.equal({ 'deprecated.daemonset.template.generation': '1' });
    expect(obj.status).to.deep.equal({ currentNumberScheduled: 0, numberMisscheduled: 0, desiredNumberScheduled: 0, numberReady: 0 });
  });

  it('bumps the template generation only on template changes', () => {
    const old = create('apps', 'daemonsets', workload('agent', {})).obj;
    const same = clone(old);
    expect(applyUpdate(s, same, old).obj.metadata.annotations).to.deep.equal({ 'deprecated.daemonset.template.generation': '1' });
    const changed = clone(old);
    (((changed.spec as JsonObject).template as { spec: { containers: JsonObject[] } }).spec.containers[0]).image = 'nginx:2';
    expect(applyUpdate(s, changed, old).obj.metadata.annotations).to.deep.equal({ 'deprecated.daemonset.template.generation': '2' });
  });

  it('validates the rolling update', () => {
    expect(create('apps', 'daemonsets', workload('agent', { updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 1 } } })).errors)
      .to.deep.equal(['spec.updateStrategy.rollingUpdate.maxSurge: Invalid value: 1: may not be set when maxUnavailable is non-zero']);
    expect(create('apps', 'daemonsets', workload('agent', { template: template({ app: 'other' }) })).errors).to.deep.equal([MISMATCH]);
  });
});
