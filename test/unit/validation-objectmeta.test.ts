import { expect } from 'chai';
import { validateObjectMeta, validateObjectMetaUpdate } from '../../src/registry/validation/objectmeta.ts';
import { nameIsDNS1035Label } from '../../src/registry/validation/names.ts';
import { fieldErrorString } from '../../src/server/errors.ts';
import type { ObjectMeta } from '../../src/registry/object.ts';

const msgs = (meta: ObjectMeta, namespaced = true, extra: { nameIsLabel?: boolean; validateName?: (n: string) => string[] } = {}) =>
  validateObjectMeta(meta, { namespaced, ...extra }).map(fieldErrorString);

describe('validateObjectMeta', () => {
  it('accepts a well-formed object', () => {
    expect(msgs({ name: 'web.example', namespace: 'default', labels: { app: 'web', 'app.kubernetes.io/name': 'x' }, annotations: { 'Example.com/Note': 'anything goes' }, finalizers: ['example.com/cleanup', 'kubernetes'] })).to.deep.equal([]);
  });

  const cases: Array<[string, ObjectMeta, boolean, string[]]> = [
    ['name or generateName', { namespace: 'default' }, true, ['metadata.name: Required value: name or generateName is required']],
    ['namespace required', { name: 'a' }, true, ['metadata.namespace: Required value']],
    ['namespace forbidden on cluster-scoped', { name: 'a', namespace: 'x' }, false, ['metadata.namespace: Forbidden: not allowed on this type']],
    ['bad label value', { name: 'a', namespace: 'd', labels: { app: 'a b' } }, true, ["metadata.labels: Invalid value: \"a b\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue', or 'my_value', or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"]],
    ['generation must not be negative', { name: 'a', namespace: 'd', generation: -1 }, true, ['metadata.generation: Invalid value: -1: must be greater than or equal to 0']],
    ['non-standard unqualified finalizer', { name: 'a', namespace: 'd', finalizers: ['custom'] }, true, ['metadata.finalizers[0]: Invalid value: "custom": name is neither a standard finalizer name nor is it fully qualified']],
    ['conflicting deletion finalizers', { name: 'a', namespace: 'd', finalizers: ['orphan', 'foregroundDeletion'] }, true, ['metadata.finalizers: Invalid value: ["orphan","foregroundDeletion"]: finalizer orphan and foregroundDeletion cannot be both set']],
  ];
  for (const [title, meta, namespaced, want] of cases) it(title, () => expect(msgs(meta, namespaced)).to.deep.equal(want));

  it('reports bad names with the kind-specific rule', () => {
    expect(msgs({ name: 'Bad_Name', namespace: 'd' })[0]).to.match(/^metadata\.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain must consist of/);
    expect(msgs({ name: 'a.b', namespace: 'd' }, true, { nameIsLabel: true })).to.deep.equal(['metadata.name: Invalid value: "a.b": must not contain dots']);
    expect(msgs({ name: '1svc', namespace: 'd' }, true, { validateName: (n) => nameIsDNS1035Label(n, false) })[0]).to.match(/a DNS-1035 label must consist of/);
  });

  it('validates generateName as a prefix', () => {
    expect(msgs({ generateName: 'web-', namespace: 'd' })).to.deep.equal([]);
    expect(msgs({ generateName: 'Web-', name: 'Web-abcde', namespace: 'd' })).to.have.length(2);
  });

  it('caps annotations at 256 KiB in total', () => {
    expect(msgs({ name: 'a', namespace: 'd', annotations: { big: 'x'.repeat(256 * 1024) } })).to.deep.equal(['metadata.annotations: Too long: must have at most 262144 bytes']);
  });

  it('checks owner references and a single controller', () => {
    const refs = [
      { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: 'u1', controller: true },
      { apiVersion: 'apps/v1', kind: 'Deployment', name: 'd', uid: 'u2', controller: true },
      { apiVersion: '', kind: '', name: '', uid: '' },
    ];
    const out = msgs({ name: 'a', namespace: 'd', ownerReferences: refs });
    expect(out).to.include('metadata.ownerReferences.apiVersion: Invalid value: "": version must not be empty');
    expect(out).to.include('metadata.ownerReferences.kind: Invalid value: "": must not be empty');
    expect(out).to.include('metadata.ownerReferences.uid: Invalid value: "": must not be empty');
    expect(out.some((m) => m.endsWith('Only one reference can have Controller set to true. Found "true" in references for ReplicaSet/rs and Deployment/d'))).to.equal(true);
  });
});

describe('validateObjectMetaUpdate', () => {
  const old: ObjectMeta = { name: 'a', namespace: 'd', uid: 'u1', creationTimestamp: '2024-01-01T00:00:00Z', resourceVersion: '5', generation: 2 };

  it('allows label and annotation changes', () => {
    expect(validateObjectMetaUpdate({ ...old, labels: { x: 'y' }, annotations: { a: 'b' } }, old)).to.deep.equal([]);
  });

  it('rejects identity changes as immutable', () => {
    const out = validateObjectMetaUpdate({ ...old, name: 'b', uid: 'u2', creationTimestamp: '2025-01-01T00:00:00Z' }, old).map(fieldErrorString);
    expect(out).to.deep.equal([
      'metadata.name: Invalid value: "b": field is immutable',
      'metadata.uid: Invalid value: "u2": field is immutable',
      'metadata.creationTimestamp: Invalid value: "2025-01-01T00:00:00Z": field is immutable',
    ]);
  });

  it('rejects a decremented generation and new finalizers while deleting', () => {
    const deleting = { ...old, deletionTimestamp: '2024-02-01T00:00:00Z', finalizers: ['a.io/x'] };
    const out = validateObjectMetaUpdate({ ...deleting, generation: 1, finalizers: ['a.io/x', 'b.io/y'] }, deleting).map(fieldErrorString);
    expect(out).to.deep.equal([
      'metadata.finalizers: Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{"b.io/y"}',
      'metadata.generation: Invalid value: 1: must not be decremented',
    ]);
  });

  it('can require a resourceVersion', () => {
    const out = validateObjectMetaUpdate({ ...old, resourceVersion: '' }, old, { requireResourceVersion: true }).map(fieldErrorString);
    expect(out).to.deep.equal(['metadata.resourceVersion: Invalid value: "": must be specified for an update']);
  });
});
