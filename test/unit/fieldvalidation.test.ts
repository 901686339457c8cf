// Server-side field validation: unknown and duplicate fields, with upstream's messages.

import { expect } from 'chai';
import {
  fieldValidationDirective, findDuplicateFields, findUnknownFields, pruneUnknownFields, strictDecodingError, strictDecodingMessage,
  strictPatchError, strictWarnings, warningHeader,
} from '../../src/server/fieldvalidation.ts';

const POD = { group: '', version: 'v1', kind: 'Pod' };
const DEPLOY = { group: 'apps', version: 'v1', kind: 'Deployment' };

describe('field validation', () => {
  describe('findUnknownFields', () => {
    it('finds nothing in a valid pod, including metadata, status and maps', () => {
      const pod = {
        apiVersion: 'v1', kind: 'Pod',
        metadata: { name: 'p', labels: { 'any-key': 'x' }, annotations: { y: 'z' }, managedFields: [{ manager: 'm', fieldsV1: { 'f:spec': { 'f:anything': {} } } }] },
        spec: {
          containers: [{ name: 'c', image: 'i', ports: [{ containerPort: 80 }], resources: { limits: { cpu: '1', 'example.com/gpu': 2 } }, livenessProbe: { httpGet: { port: 'http', path: '/' } } }],
          nodeSelector: { 'kubernetes.io/os': 'linux' },
          volumes: [{ name: 'v', configMap: { name: 'c', items: [{ key: 'k', path: 'p' }] } }],
        },
        status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }], podIP: '10.0.0.1' },
      };
      expect(findUnknownFields(POD, pod)).to.deep.equal([]);
    });

    it('reports unknown fields with their paths, in document order', () => {
      const pod = {
        apiVersion: 'v1', kind: 'Pod', bogusTop: 1,
        metadata: { name: 'p', nmae: 'x' },
        spec: {
          bogusField: true,
          containers: [{ name: 'a', image: 'i' }, { name: 'b', image: 'i', imagePullPolicyy: 'Always', ports: [{ containerPort: 1, hostPortt: 2 }] }],
        },
        status: { phasee: 'x' },
      };
      expect(findUnknownFields(POD, pod)).to.deep.equal([
        'bogusTop', 'metadata.nmae', 'spec.bogusField', 'spec.containers[1].imagePullPolicyy', 'spec.containers[1].ports[0].hostPortt', 'status.phasee',
      ]);
    });

    it('does not descend into unknown fields, opaque values or mismatched types', () => {
      const d = {
        spec: { template: { spec: { containers: 'not-a-list', unknownThing: { deep: { deeper: 1 } } } }, strategy: 'x' },
      };
      expect(findUnknownFields(DEPLOY, d)).to.deep.equal(['spec.template.spec.unknownThing']);
      const cr = { apiVersion: 'apps/v1', kind: 'ControllerRevision', revision: 1, data: { whatever: { you: 'like' } } };
      expect(findUnknownFields({ group: 'apps', version: 'v1', kind: 'ControllerRevision' }, cr)).to.deep.equal([]);
    });

    it('knows every served kind (events.k8s.io Event, EndpointSlice, Lease, Scale)', () => {
      expect(findUnknownFields({ group: 'events.k8s.io', version: 'v1', kind: 'Event' }, { eventTime: 'x', note: 'n', regarding: { kind: 'Pod' }, bad: 1 })).to.deep.equal(['bad']);
      expect(findUnknownFields({ group: 'discovery.k8s.io', version: 'v1', kind: 'EndpointSlice' }, { addressType: 'IPv4', endpoints: [{ addresses: ['1.2.3.4'], conditions: { ready: true, x: 1 } }] })).to.deep.equal(['endpoints[0].conditions.x']);
      expect(findUnknownFields({ group: 'coordination.k8s.io', version: 'v1', kind: 'Lease' }, { spec: { holderIdentity: 'a', leaseDurationSeconds: 1 } })).to.deep.equal([]);
      expect(findUnknownFields({ group: 'autoscaling', version: 'v1', kind: 'Scale' }, { spec: { replicas: 3, foo: 1 } })).to.deep.equal(['spec.foo']);
    });

    it('pruneUnknownFields deletes what findUnknownFields reports', () => {
      const pod = { metadata: { name: 'p', nmae: 'x' }, spec: { containers: [{ name: 'c', image: 'i', bogus: 1 }], extra: {} } };
      expect(pruneUnknownFields(POD, pod)).to.deep.equal(['metadata.nmae', 'spec.containers[0].bogus', 'spec.extra']);
      expect(pod).to.deep.equal({ metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'i' }] } });
    });

    it('returns [] for kinds outside the model', () => {
      expect(findUnknownFields({ group: 'example.com', version: 'v1', kind: 'Widget' }, { anything: 1 })).to.deep.equal([]);
    });
  });

  describe('findDuplicateFields', () => {
    it('finds duplicate keys with their paths', () => {
      const body = '{"apiVersion":"v1","kind":"Pod","metadata":{"name":"a","name":"b","labels":{"x":"1","x":"2"}},'
        + '"spec":{"containers":[{"name":"c","image":"i"},{"name":"d","image":"i","image":"j"}]},"kind":"Pod"}';
      expect(findDuplicateFields(body)).to.deep.equal(['metadata.name', 'metadata.labels.x', 'spec.containers[1].image', 'kind']);
    });

    it('handles escapes, whitespace and nesting; reports each path once', () => {
      const body = ' { "a\\"b" : [ 1 , { "k" : "v\\\\" , "k" : null } ] , "a\\"b" : { } , "x": {"y":1,"y":2,"y":3} } ';
      expect(findDuplicateFields(body)).to.deep.equal(['a"b[1].k', 'a"b', 'x.y']);
      expect(findDuplicateFields('{"a":1,"b":{"a":2}}')).to.deep.equal([]);
    });

    it('handles large bodies', () => {
      const items = Array.from({ length: 2000 }, (_, i) => ({ name: `n${i}`, value: 'v'.repeat(50) }));
      const body = JSON.stringify({ metadata: { name: 'big' }, data: Object.fromEntries(items.map((x) => [x.name, x.value])) });
      expect(findDuplicateFields(body)).to.deep.equal([]);
      expect(findDuplicateFields(body.replace('"n1":', '"n0":'))).to.deep.equal(['data.n0']);
    });
  });

  describe('messages', () => {
    it('strict decoding error texts', () => {
      expect(strictDecodingMessage(['spec.bogusField'], ['metadata.name']))
        .to.equal('strict decoding error: unknown field "spec.bogusField", duplicate field "metadata.name"');
      const e = strictDecodingError(POD, ['spec.bogusField'], []);
      expect([e.code, e.reason]).to.deep.equal([400, 'BadRequest']);
      expect(e.message).to.equal('Pod in version "v1" cannot be handled as a Pod: strict decoding error: unknown field "spec.bogusField"');
    });

    it('strict errors on patch are a 422 on the patch value', () => {
      const e = strictPatchError({ spec: { foo: 1 } }, ['spec.foo'], []);
      expect(e.code).to.equal(422);
      expect(e.message).to.equal(' "" is invalid: patch: Invalid value: "map[spec:map[foo:1]]": strict decoding error: unknown field "spec.foo"');
      expect(strictPatchError({}, ['spec.foo'], ['spec.a']).message).to.contain('strict decoding error: duplicate field "spec.a", unknown field "spec.foo"');
      expect(e.details?.causes?.[0]).to.include({ reason: 'FieldValueInvalid', field: 'patch' });
    });

    it('warnings and the Warning header', () => {
      const w = strictWarnings(['spec.bogusField', 'spec.bogusField'], ['metadata.name']);
      expect(w).to.deep.equal(['unknown field "spec.bogusField"', 'duplicate field "metadata.name"']);
      expect(warningHeader(w[0])).to.equal('299 - "unknown field \\"spec.bogusField\\""');
    });

    it('caps the number of strict errors at 100', () => {
      const many = Array.from({ length: 150 }, (_, i) => `f${i}`);
      expect(strictWarnings(many, [])).to.have.length(100);
    });

    it('fieldValidation directive', () => {
      expect(fieldValidationDirective(null, 'CreateOptions')).to.equal('Warn');
      expect(fieldValidationDirective('', 'CreateOptions')).to.equal('Warn');
      expect(fieldValidationDirective('Strict', 'PatchOptions')).to.equal('Strict');
      expect(fieldValidationDirective('Ignore', 'UpdateOptions')).to.equal('Ignore');
      expect(() => fieldValidationDirective('strict', 'PatchOptions')).to.throw(
        'PatchOptions.meta.k8s.io "" is invalid: fieldValidation: Unsupported value: "strict": supported values: "", "Ignore", "Strict", "Warn"',
      ).with.property('code', 422);
    });
  });

  it('a deployment check is stable across repeated calls (its cost is measured in bench/, not here)', () => {
    const d = {
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'w', labels: { a: 'b' } },
      spec: { replicas: 2, selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'i', env: [{ name: 'X', value: '1' }], ports: [{ containerPort: 80 }] }] } } },
    };
    const first = findUnknownFields(DEPLOY, d);
    expect(first).to.deep.equal([]);
    for (let i = 0; i < 1000; i++) expect(findUnknownFields(DEPLOY, d)).to.deep.equal(first);
  });
});
