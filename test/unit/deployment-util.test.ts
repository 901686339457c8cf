// The deployment controller's pure computations, as upstream's deployment_util_test,
// sync_test and progress_test pin them down: fenceposts, the new set's next size,
// proportional scaling mid-rollout, old-set scale-down budget, revisions and annotations,
// the pod-template-hash, and the Progressing/Available conditions.

import { expect } from 'chai';
import {
  calculateStatus, computeHash, equalIgnoreHash, findActiveOrLatest, findNewReplicaSet, getCondition, maxSurge, maxUnavailable,
  newRSNewReplicas, proportionalSizes, resolveFenceposts, scaledValue, setNewReplicaSetAnnotations, timestamp,
  type Deployment, type IntOrString, type ReplicaSet,
} from '../../src/controllers/deployment/util.ts';
import { rolloutStatus, stuckRequeueDelay } from '../../src/controllers/deployment/progress.ts';
import { maxOldScaleDown } from '../../src/controllers/deployment/rolling.ts';
import { oldPodsRunning } from '../../src/controllers/deployment/recreate.ts';

const template = (image = 'nginx:1'): Deployment['spec']['template'] => ({
  metadata: { labels: { app: 'web' } },
  spec: { containers: [{ name: 'c', image }] },
});

function deployment(replicas: number, o: { surge?: IntOrString; unavailable?: IntOrString; type?: string; image?: string; deadline?: number; generation?: number } = {}): Deployment {
  return {
    metadata: { name: 'web', namespace: 'default', uid: 'd-uid', generation: o.generation ?? 1 },
    spec: {
      replicas,
      selector: { matchLabels: { app: 'web' } },
      template: template(o.image),
      strategy: o.type === 'Recreate' ? { type: 'Recreate' } : { type: 'RollingUpdate', rollingUpdate: { maxSurge: o.surge ?? '25%', maxUnavailable: o.unavailable ?? '25%' } },
      progressDeadlineSeconds: o.deadline ?? 600,
      revisionHistoryLimit: 10,
    },
    status: {},
  };
}

function replicaSet(name: string, replicas: number, o: { available?: number; actual?: number; created?: string; maxReplicas?: number; desired?: number; image?: string; revision?: string } = {}): ReplicaSet {
  const annotations: Record<string, string> = {};
  if (o.maxReplicas !== undefined) annotations['deployment.kubernetes.io/max-replicas'] = String(o.maxReplicas);
  if (o.desired !== undefined) annotations['deployment.kubernetes.io/desired-replicas'] = String(o.desired);
  if (o.revision !== undefined) annotations['deployment.kubernetes.io/revision'] = o.revision;
  return {
    metadata: { name, namespace: 'default', uid: `${name}-uid`, creationTimestamp: o.created ?? '2024-01-01T00:00:00Z', annotations },
    spec: { replicas, template: { ...template(o.image), metadata: { labels: { app: 'web', 'pod-template-hash': name } } } },
    status: { replicas: o.actual ?? replicas, readyReplicas: o.available ?? replicas, availableReplicas: o.available ?? replicas },
  };
}

describe('deployment controller: fenceposts', () => {
  const cases: { surge?: IntOrString; unavailable?: IntOrString; desired: number; want?: [number, number]; error?: boolean }[] = [
    { surge: '0%', unavailable: '0%', desired: 0, want: [0, 1] },
    { surge: '39%', unavailable: '39%', desired: 10, want: [4, 3] },
    { surge: '25%', unavailable: '25%', desired: 10, want: [3, 2] },
    { surge: '25%', unavailable: '25%', desired: 1, want: [1, 0] },
    { surge: 0, unavailable: '1%', desired: 2, want: [0, 1] }, // both zero after rounding down: one may be unavailable
    { surge: 3, unavailable: 2, desired: 10, want: [3, 2] },
    { surge: undefined, unavailable: undefined, desired: 5, want: [0, 1] },
    { surge: 'oops', unavailable: '1%', desired: 10, error: true },
    { surge: '55%', unavailable: 'urg', desired: 10, error: true },
    { surge: '5', unavailable: '1', desired: 10, error: true },
  ];
  for (const c of cases) {
    it(`maxSurge ${String(c.surge)}, maxUnavailable ${String(c.unavailable)} of ${c.desired} → ${c.error ? 'error' : c.want?.join('/')}`, () => {
      if (c.error) expect(() => resolveFenceposts(c.surge, c.unavailable, c.desired)).to.throw(/not a percentage/);
      else expect(resolveFenceposts(c.surge, c.unavailable, c.desired)).to.deep.equal(c.want);
    });
  }

  it('percentages round up for surge and down for unavailability', () => {
    expect(scaledValue('33%', 10, true)).to.equal(4);
    expect(scaledValue('33%', 10, false)).to.equal(3);
  });

  it('maxUnavailable is at most replicas and zero when there are none; both are zero for Recreate', () => {
    expect(maxUnavailable(deployment(2, { surge: 0, unavailable: 5 }))).to.equal(2);
    expect(maxUnavailable(deployment(0))).to.equal(0);
    expect(maxSurge(deployment(4, { type: 'Recreate' }))).to.equal(0);
    expect(maxUnavailable(deployment(4, { type: 'Recreate' }))).to.equal(0);
  });
});

describe('deployment controller: new replica set size', () => {
  const cases = [
    { name: 'cannot scale up past replicas + maxSurge', d: deployment(1, { surge: 1 }), newRS: 5, old: 5, want: 5 },
    { name: 'scales up to the deployment size', d: deployment(6, { surge: 10 }), newRS: 2, old: 5, want: 6 },
    { name: 'scales up by the surge room left', d: deployment(10, { surge: 3 }), newRS: 0, old: 10, want: 3 },
    { name: 'Recreate takes the deployment size at once', d: deployment(3, { type: 'Recreate' }), newRS: 1, old: 5, want: 3 },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const newRS = replicaSet('new', c.newRS);
      expect(newRSNewReplicas(c.d, [replicaSet('old', c.old), newRS], newRS)).to.equal(c.want);
    });
  }
});

describe('deployment controller: proportional scaling mid-rollout', () => {
  const cases = [
    { name: '10 → 15 (maxSurge 3): the larger old set gets 3, the new one 2', replicas: 15, old: 8, new: 5, wantOld: 11, wantNew: 7 },
    { name: '10 → 5: the old set loses 3, the new one 2', replicas: 5, old: 8, new: 5, wantOld: 5, wantNew: 3 },
    { name: '10 → 0: both go to zero', replicas: 0, old: 8, new: 5, wantOld: 0, wantNew: 0 },
    { name: 'unchanged size: nothing moves', replicas: 10, old: 8, new: 5, wantOld: 8, wantNew: 5 },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const d = deployment(c.replicas, { surge: 3, unavailable: 2 });
      const old = replicaSet('old', c.old, { maxReplicas: 13, created: '2024-01-01T00:00:00Z' });
      const newer = replicaSet('new', c.new, { maxReplicas: 13, created: '2024-01-02T00:00:00Z' });
      const { sizes } = proportionalSizes(d, [old, newer]);
      expect({ old: sizes.get('old'), new: sizes.get('new') }).to.deep.equal({ old: c.wantOld, new: c.wantNew });
    });
  }

  it('leftovers from rounding go to the largest set', () => {
    const d = deployment(7, { surge: 0, unavailable: 1 });
    const sets = [replicaSet('a', 2, { maxReplicas: 6 }), replicaSet('b', 2, { maxReplicas: 6, created: '2024-01-02T00:00:00Z' }), replicaSet('c', 2, { maxReplicas: 6, created: '2024-01-03T00:00:00Z' })];
    const { sizes } = proportionalSizes(d, sets);
    expect([...sizes.values()].reduce((a, b) => a + b, 0)).to.equal(7);
  });

  it('the only active set (or the newest when none is) takes the whole size', () => {
    const a = replicaSet('a', 0), b = replicaSet('b', 3, { created: '2024-01-02T00:00:00Z' });
    expect(findActiveOrLatest(undefined, [a, b])?.metadata.name).to.equal('b');
    expect(findActiveOrLatest(replicaSet('n', 0), [a])?.metadata.name).to.equal('n');
    expect(findActiveOrLatest(replicaSet('n', 1), [b])).to.equal(undefined);
  });
});

describe('deployment controller: old sets scale-down budget', () => {
  const cases = [
    { name: 'new pods not yet available do not count: only maxUnavailable of the old ones', replicas: 10, unavailable: 2, all: 13, newRS: 3, newAvailable: 0, want: 2 },
    { name: 'available new pods free old ones', replicas: 10, unavailable: 2, all: 13, newRS: 3, newAvailable: 3, want: 5 },
    { name: 'maxUnavailable alone allows some', replicas: 10, unavailable: 2, all: 10, newRS: 0, newAvailable: 0, want: 2 },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const d = deployment(c.replicas, { surge: 3, unavailable: c.unavailable });
      const newRS = replicaSet('new', c.newRS, { available: c.newAvailable });
      expect(maxOldScaleDown(d, [replicaSet('old', c.all - c.newRS), newRS], newRS)).to.equal(c.want);
    });
  }
});

describe('deployment controller: templates, hashes and revisions', () => {
  it('the hash is stable, ignores key order, uses the safe alphabet, and changes with the collision count', () => {
    const a = computeHash({ metadata: { labels: { app: 'web', tier: 'x' } }, spec: { containers: [{ name: 'c', image: 'i' }] } });
    const b = computeHash({ spec: { containers: [{ image: 'i', name: 'c' }] }, metadata: { labels: { tier: 'x', app: 'web' } } });
    expect(a).to.equal(b);
    expect(a).to.match(/^[bcdfghjklmnpqrstvwxz2456789]{1,10}$/);
    expect(computeHash(template(), 1)).to.not.equal(computeHash(template()));
    expect(computeHash(template('nginx:2'))).to.not.equal(computeHash(template()));
  });

  it('templates compare equal ignoring the hash label and empty fields', () => {
    const rsTemplate = { metadata: { labels: { app: 'web', 'pod-template-hash': 'abc' }, annotations: {} }, spec: { containers: [{ name: 'c', image: 'nginx:1', env: [] }] } };
    expect(equalIgnoreHash(rsTemplate, template())).to.equal(true);
    expect(equalIgnoreHash(rsTemplate, template('nginx:2'))).to.equal(false);
  });

  it('the new set is the oldest one with the deployment template', () => {
    const sets = [replicaSet('b', 1, { created: '2024-01-02T00:00:00Z' }), replicaSet('a', 1), replicaSet('x', 1, { image: 'other' })];
    expect(findNewReplicaSet(deployment(1), sets)?.metadata.name).to.equal('a');
  });

  it('a new set gets the next revision, copied annotations and replicas annotations; last-applied is not copied', () => {
    const d = deployment(4, { surge: 1 });
    d.metadata.annotations = { 'kubernetes.io/change-cause': 'v2', 'kubectl.kubernetes.io/last-applied-configuration': '{}', 'deployment.kubernetes.io/revision': '7' };
    const rs = replicaSet('n', 0);
    expect(setNewReplicaSetAnnotations(d, rs, 3, false)).to.equal(true);
    expect(rs.metadata.annotations).to.deep.equal({
      'kubernetes.io/change-cause': 'v2', 'deployment.kubernetes.io/revision': '3',
      'deployment.kubernetes.io/desired-replicas': '4', 'deployment.kubernetes.io/max-replicas': '5',
    });
  });

  it('rolling back to a set raises its revision and keeps the old one in revision-history', () => {
    const d = deployment(1);
    const rs = replicaSet('n', 1, { revision: '1' });
    setNewReplicaSetAnnotations(d, rs, 3, true);
    expect(rs.metadata.annotations?.['deployment.kubernetes.io/revision']).to.equal('3');
    expect(rs.metadata.annotations?.['deployment.kubernetes.io/revision-history']).to.equal('1');
    setNewReplicaSetAnnotations(d, rs, 5, true);
    expect(rs.metadata.annotations?.['deployment.kubernetes.io/revision-history']).to.equal('1,3');
    expect(setNewReplicaSetAnnotations(d, rs, 4, true)).to.equal(false); // never lowered
  });

  it('revision-history drops the oldest entries past its length limit', () => {
    const rs = replicaSet('n', 1, { revision: '9' });
    (rs.metadata.annotations as Record<string, string>)['deployment.kubernetes.io/revision-history'] = '1,2,3';
    setNewReplicaSetAnnotations(deployment(1), rs, 10, true, 6);
    expect(rs.metadata.annotations?.['deployment.kubernetes.io/revision-history']).to.equal('2,3,9');
  });
});

describe('deployment controller: status and conditions', () => {
  const now = Date.parse('2024-06-01T12:00:00Z');

  it('Available follows replicas - maxUnavailable', () => {
    const d = deployment(4, { surge: 1, unavailable: 1 });
    const ok = calculateStatus([replicaSet('a', 4, { available: 3 })], undefined, d, now);
    expect(getCondition(ok, 'Available')).to.include({ status: 'True', reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.' });
    const low = calculateStatus([replicaSet('a', 4, { available: 2 })], undefined, d, now);
    expect(getCondition(low, 'Available')).to.include({ status: 'False', reason: 'MinimumReplicasUnavailable' });
    expect(low).to.include({ replicas: 4, availableReplicas: 2, unavailableReplicas: 2, observedGeneration: 1 });
  });

  it('a complete rollout is NewReplicaSetAvailable', () => {
    const d = deployment(2);
    const rs = replicaSet('web-abc', 2);
    const s = rolloutStatus([rs], rs, d, now);
    expect(getCondition(s, 'Progressing')).to.include({ status: 'True', reason: 'NewReplicaSetAvailable', message: 'ReplicaSet "web-abc" has successfully progressed.' });
  });

  it('progress refreshes lastUpdateTime but keeps lastTransitionTime', () => {
    const d = deployment(3);
    const t0 = timestamp(now - 60_000);
    d.status = { replicas: 1, updatedReplicas: 1, conditions: [{ type: 'Progressing', status: 'True', reason: 'NewReplicaSetCreated', lastUpdateTime: t0, lastTransitionTime: t0 }] };
    const rs = replicaSet('web-abc', 2, { available: 0 });
    const c = getCondition(rolloutStatus([rs], rs, d, now), 'Progressing');
    expect(c).to.include({ status: 'True', reason: 'ReplicaSetUpdated', message: 'ReplicaSet "web-abc" is progressing.', lastUpdateTime: timestamp(now), lastTransitionTime: t0 });
  });

  it('no progress past the deadline is ProgressDeadlineExceeded; before it, a requeue at the deadline', () => {
    const d = deployment(2, { deadline: 30 });
    const rs = replicaSet('web-abc', 2, { available: 0, actual: 2 });
    const at = (ago: number) => {
      const t = timestamp(now - ago);
      d.status = { replicas: 2, updatedReplicas: 2, conditions: [{ type: 'Progressing', status: 'True', reason: 'ReplicaSetUpdated', lastUpdateTime: t, lastTransitionTime: t }] };
    };
    at(10_000);
    const s = rolloutStatus([rs], rs, d, now);
    expect(getCondition(s, 'Progressing')?.reason).to.equal('ReplicaSetUpdated');
    expect(stuckRequeueDelay(d, s, now)).to.equal(20_000);
    at(31_000);
    expect(getCondition(rolloutStatus([rs], rs, d, now), 'Progressing')).to.include({ status: 'False', reason: 'ProgressDeadlineExceeded', message: 'ReplicaSet "web-abc" has timed out progressing.' });
  });

  it('a ReplicaSet failure surfaces as ReplicaFailure', () => {
    const rs = replicaSet('web-abc', 2, { available: 0, actual: 0 });
    rs.status!.conditions = [{ type: 'ReplicaFailure', status: 'True', reason: 'FailedCreate', message: 'quota', lastTransitionTime: timestamp(now) }];
    expect(getCondition(rolloutStatus([rs], rs, deployment(2), now), 'ReplicaFailure')).to.include({ reason: 'FailedCreate', message: 'quota' });
  });

  it('Recreate waits while any old pod is not terminal', () => {
    const old = replicaSet('old', 0, { actual: 0 });
    expect(oldPodsRunning(undefined, [old], new Map([['old-uid', [{ status: { phase: 'Running' } }]]]))).to.equal(true);
    expect(oldPodsRunning(undefined, [old], new Map([['old-uid', [{ status: { phase: 'Succeeded' } }]]]))).to.equal(false);
    expect(oldPodsRunning(undefined, [replicaSet('old', 0, { actual: 1 })], new Map())).to.equal(true);
  });
});
