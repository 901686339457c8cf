import { expect } from 'chai';
import { eventCoreToV1, eventV1ToCore, strategyFor } from '../../src/registry/strategies/index.ts';
import { applyCreate, applyUpdate } from '../../src/registry/strategies/pipeline.ts';
import { fieldErrorString, type FieldError } from '../../src/server/errors.ts';
import type { KubeObject } from '../../src/registry/object.ts';

const msgs = (errors: FieldError[]) => errors.map(fieldErrorString);
const meta = { name: 'web.17a1b2c3', namespace: 'default', uid: 'u', creationTimestamp: '2024-01-01T00:00:00Z', resourceVersion: '1' };

const v1Event = (): KubeObject => ({
  apiVersion: 'events.k8s.io/v1', kind: 'Event', metadata: { ...meta },
  eventTime: '2024-01-01T00:00:00.000000Z', reportingController: 'example.com/ctl', reportingInstance: 'ctl-1',
  action: 'Scheduling', reason: 'Scheduled', regarding: { kind: 'Pod', namespace: 'default', name: 'web' },
  related: { kind: 'Node', name: 'n1' }, note: 'assigned', type: 'Normal', series: { count: 2, lastObservedTime: '2024-01-01T00:01:00.000000Z' },
});

describe('events', () => {
  describe('conversion between events.k8s.io/v1 and core/v1', () => {
    it('maps renamed fields both ways', () => {
      const core = eventV1ToCore(v1Event());
      expect(core).to.deep.equal({
        apiVersion: 'v1', kind: 'Event', metadata: meta,
        eventTime: '2024-01-01T00:00:00.000000Z', series: { count: 2, lastObservedTime: '2024-01-01T00:01:00.000000Z' },
        action: 'Scheduling', reason: 'Scheduled', related: { kind: 'Node', name: 'n1' }, type: 'Normal', reportingInstance: 'ctl-1',
        involvedObject: { kind: 'Pod', namespace: 'default', name: 'web' }, message: 'assigned', reportingComponent: 'example.com/ctl',
        source: {}, firstTimestamp: null, lastTimestamp: null,
      });
      expect(eventCoreToV1(core)).to.deep.equal({ ...v1Event(), deprecatedSource: {}, deprecatedFirstTimestamp: null, deprecatedLastTimestamp: null });
    });

    it('shows a legacy core event with deprecated fields', () => {
      const v1 = eventCoreToV1({
        apiVersion: 'v1', kind: 'Event', metadata: { ...meta }, involvedObject: { kind: 'Pod', name: 'web' }, reason: 'Pulled', message: 'ok',
        source: { component: 'kubelet', host: 'n1' }, firstTimestamp: '2024-01-01T00:00:00Z', lastTimestamp: '2024-01-01T00:00:05Z', count: 3, type: 'Normal',
        eventTime: null, reportingComponent: '', reportingInstance: '',
      });
      expect(v1).to.deep.equal({
        apiVersion: 'events.k8s.io/v1', kind: 'Event', metadata: meta, eventTime: null, reason: 'Pulled', regarding: { kind: 'Pod', name: 'web' },
        note: 'ok', type: 'Normal', deprecatedSource: { component: 'kubelet', host: 'n1' }, deprecatedFirstTimestamp: '2024-01-01T00:00:00Z',
        deprecatedLastTimestamp: '2024-01-01T00:00:05Z', deprecatedCount: 3,
      });
    });

    it('the events.k8s.io strategy stores the core form and serves the v1 form', () => {
      const s = strategyFor('events.k8s.io', 'events');
      const stored = s.toStorage!(v1Event());
      expect(stored.apiVersion).to.equal('v1');
      expect(stored).to.have.property('involvedObject');
      expect(s.fromStorage!(stored)).to.deep.include({ apiVersion: 'events.k8s.io/v1', note: 'assigned', reportingController: 'example.com/ctl' });
    });
  });

  describe('events.k8s.io/v1 validation (strict)', () => {
    const s = strategyFor('events.k8s.io', 'events');
    it('accepts a complete event', () => expect(msgs(applyCreate(s, v1Event(), true).errors)).to.deep.equal([]));
    it('requires the reporting fields, eventTime and a known type', () => {
      const ev: KubeObject = { apiVersion: 'events.k8s.io/v1', kind: 'Event', metadata: { ...meta }, regarding: { kind: 'Pod', namespace: 'default', name: 'web' }, type: 'Bad' };
      expect(msgs(applyCreate(s, ev, true).errors)).to.deep.equal(['eventTime: Required value', 'type: Invalid value: "": has invalid value: Bad']);
      const timed: KubeObject = { ...ev, eventTime: '2024-01-01T00:00:00.000000Z', type: 'Normal', deprecatedCount: 2 };
      expect(msgs(applyCreate(s, timed, true).errors)).to.deep.equal([
        'reportingController: Required value',
        "reportingController: Invalid value: \"\": name part must be non-empty",
        "reportingController: Invalid value: \"\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName', or 'my.name', or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
        'reportingInstance: Required value',
        'action: Required value',
        'reason: Required value',
        'count: Invalid value: "": needs to be unset',
      ]);
    });
    it('most fields are immutable', () => {
      const old = applyCreate(s, v1Event(), true).obj;
      const next = { ...v1Event(), note: 'changed' };
      expect(msgs(applyUpdate(s, next, old).errors)).to.deep.equal(['message: Invalid value: "changed": field is immutable']);
    });
    it('selects by events.k8s.io field names', () => {
      expect(s.selectableFields?.(v1Event())).to.deep.include({ 'regarding.name': 'web', reportingController: 'example.com/ctl', type: 'Normal', reason: 'Scheduled' });
    });
  });

  describe('core/v1 validation (legacy)', () => {
    const s = strategyFor('', 'events');
    it('only checks namespace consistency for old-style events', () => {
      const ev: KubeObject = { metadata: { ...meta }, involvedObject: { kind: 'Pod', namespace: 'other', name: 'web' }, reason: 'X' };
      expect(msgs(applyCreate(s, ev, true).errors)).to.deep.equal(['involvedObject.namespace: Invalid value: "other": does not match event.namespace']);
      const ok = applyCreate(s, { metadata: { ...meta, name: 'Any_Name.1' }, involvedObject: { kind: 'Node', name: 'n1' }, source: { component: 'kubelet' } }, true);
      expect(msgs(ok.errors)).to.deep.equal([]);
      expect(ok.obj).to.deep.include({ reportingComponent: '', reportingInstance: '', eventTime: null, firstTimestamp: null, lastTimestamp: null });
    });
    it('names only need to be path segments', () => {
      expect(msgs(applyCreate(s, { metadata: { ...meta, name: 'a/b' }, involvedObject: {} }, true).errors)).to.deep.equal(["metadata.name: Invalid value: \"a/b\": may not contain '/'"]);
    });
    it('selects by involvedObject and source', () => {
      const ev: KubeObject = { metadata: { ...meta }, involvedObject: { kind: 'Pod', name: 'web', uid: 'x' }, reason: 'Pulled', type: 'Normal', source: { component: 'kubelet' } };
      expect(s.selectableFields?.(ev)).to.deep.equal({
        'involvedObject.kind': 'Pod', 'involvedObject.namespace': '', 'involvedObject.name': 'web', 'involvedObject.uid': 'x',
        'involvedObject.apiVersion': '', 'involvedObject.resourceVersion': '', 'involvedObject.fieldPath': '',
        reason: 'Pulled', reportingComponent: '', source: 'kubelet', type: 'Normal',
      });
    });
  });
});
