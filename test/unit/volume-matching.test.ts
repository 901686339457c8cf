// The PV controller's choice of volume for a claim (upstream findBestMatchForClaim and its
// access-mode index): a volume pre-bound to the claim wins; otherwise an Available one of the
// claim's class, volume mode and selector, from the group with the fewest access modes that
// covers the claim's, the smallest that fits; with delayed binding only a pre-bound one.

import { expect } from 'chai';
import { findBestMatch, volumeMismatch, type PersistentVolume, type PersistentVolumeClaim } from '../../src/controllers/volume/types.ts';

function pv(name: string, o: { size?: string; cls?: string; modes?: string[]; phase?: string; labels?: Record<string, string>; claim?: { name: string; uid?: string }; mode?: string; deleting?: boolean } = {}): PersistentVolume {
  return {
    metadata: { name, ...(o.labels ? { labels: o.labels } : {}), ...(o.deleting ? { deletionTimestamp: '2024-01-01T00:00:00Z' } : {}) },
    spec: {
      capacity: { storage: o.size ?? '1Gi' }, accessModes: o.modes ?? ['ReadWriteOnce'], storageClassName: o.cls ?? 'manual',
      ...(o.mode ? { volumeMode: o.mode } : {}), ...(o.claim ? { claimRef: { namespace: 'default', ...o.claim } } : {}),
    },
    status: { phase: o.phase ?? 'Available' },
  };
}

function pvc(o: { size?: string; cls?: string; modes?: string[]; selector?: Record<string, unknown>; mode?: string } = {}): PersistentVolumeClaim {
  return {
    metadata: { name: 'claim', namespace: 'default', uid: 'uid-claim' },
    spec: { accessModes: o.modes ?? ['ReadWriteOnce'], resources: { requests: { storage: o.size ?? '1Gi' } }, storageClassName: o.cls ?? 'manual', ...(o.selector ? { selector: o.selector } : {}), ...(o.mode ? { volumeMode: o.mode } : {}) },
  };
}

describe('volume matching (findBestMatch)', () => {
  const cases: { name: string; claim: PersistentVolumeClaim; pvs: PersistentVolume[]; delay?: boolean; want: string | undefined }[] = [
    { name: 'nothing to match', claim: pvc(), pvs: [], want: undefined },
    { name: 'the smallest that fits', claim: pvc({ size: '2Gi' }), pvs: [pv('1g'), pv('10g', { size: '10Gi' }), pv('3g', { size: '3Gi' })], want: '3g' },
    { name: 'sizes compare as quantities', claim: pvc({ size: '1000Mi' }), pvs: [pv('1g', { size: '1Gi' }), pv('1000M', { size: '1000M' })], want: '1g' },
    { name: 'only its class', claim: pvc({ cls: 'fast' }), pvs: [pv('slow', { cls: 'slow' }), pv('fast', { cls: 'fast', size: '5Gi' })], want: 'fast' },
    { name: 'no class matches only volumes without one', claim: pvc({ cls: '' }), pvs: [pv('classy'), pv('plain', { cls: '' })], want: 'plain' },
    { name: 'only Available volumes', claim: pvc(), pvs: [pv('pending', { phase: 'Pending' }), pv('released', { phase: 'Released' })], want: undefined },
    { name: 'not a volume claimed by another claim', claim: pvc(), pvs: [pv('taken', { claim: { name: 'other', uid: 'x' } })], want: undefined },
    { name: 'a volume pre-bound to it, even if bigger', claim: pvc(), pvs: [pv('small'), pv('mine', { size: '100Gi', claim: { name: 'claim' } })], want: 'mine' },
    { name: 'not a volume pre-bound to an earlier claim of the same name', claim: pvc(), pvs: [pv('old', { claim: { name: 'claim', uid: 'uid-old' } })], want: undefined },
    { name: 'not a volume being deleted', claim: pvc(), pvs: [pv('going', { deleting: true })], want: undefined },
    { name: 'the volume mode must agree', claim: pvc({ mode: 'Block' }), pvs: [pv('fs'), pv('block', { mode: 'Block', size: '9Gi' })], want: 'block' },
    { name: 'every access mode the claim asks for', claim: pvc({ modes: ['ReadWriteMany'] }), pvs: [pv('rwo'), pv('rwx', { modes: ['ReadWriteMany'], size: '8Gi' })], want: 'rwx' },
    { name: 'the fewest access modes first, before size', claim: pvc(), pvs: [pv('many', { modes: ['ReadWriteOnce', 'ReadWriteMany'] }), pv('one', { size: '4Gi' })], want: 'one' },
    { name: 'its selector', claim: pvc({ selector: { matchLabels: { disk: 'ssd' } } }), pvs: [pv('hdd', { labels: { disk: 'hdd' } }), pv('ssd', { labels: { disk: 'ssd' }, size: '2Gi' })], want: 'ssd' },
    { name: 'delayed binding: not an Available one (the scheduler picks)', claim: pvc(), pvs: [pv('free')], delay: true, want: undefined },
    { name: 'delayed binding: a pre-bound one', claim: pvc(), pvs: [pv('free'), pv('mine', { claim: { name: 'claim', uid: 'uid-claim' } })], delay: true, want: 'mine' },
  ];
  for (const c of cases) {
    it(c.name, () => expect(findBestMatch(c.claim, c.pvs, c.delay ?? false)?.metadata.name).to.equal(c.want));
  }

  it('says why a named volume cannot serve a claim', () => {
    expect(volumeMismatch(pvc({ size: '2Gi' }), pv('v'))).to.equal('requested PV is too small');
    expect(volumeMismatch(pvc({ cls: 'x' }), pv('v'))).to.equal('storageClassName does not match');
    expect(volumeMismatch(pvc({ modes: ['ReadOnlyMany'] }), pv('v'))).to.equal('incompatible accessMode');
    expect(volumeMismatch(pvc(), pv('v'))).to.equal(undefined);
  });
});
