// The review kinds (src/server/reviews.ts), fed from JSON and from kubectl's protobuf bodies.

import { expect } from 'chai';
import { StatusError } from '../../src/server/errors.ts';
import { decodeProtobufBody } from '../../src/server/protobuf/index.ts';
import {
  type AccessAttributes, type ReviewUser, localSubjectAccessReview, reviewResourceRows, selfSubjectAccessReview,
  selfSubjectReview, selfSubjectRulesReview, serviceAccountTokenSubresource, subjectAccessReview, tokenReview,
} from '../../src/server/reviews.ts';
import { capturedBodies } from './protobuf-fixtures.ts';

const alice: ReviewUser = { username: 'alice', uid: 'u-1', groups: ['devs', 'system:authenticated'] };

function statusError(fn: () => unknown): StatusError {
  try {
    fn();
  } catch (e) {
    expect(e).to.be.instanceOf(StatusError);
    return e as StatusError;
  }
  throw new Error('expected a StatusError');
}

const captured = (prefix: string) => {
  const c = capturedBodies.find((x) => x.command.startsWith(prefix));
  if (!c) throw new Error(`no capture for ${prefix}`);
  return decodeProtobufBody(Buffer.from(c.protobuf, 'base64')).object;
};

describe('reviews: SelfSubjectAccessReview', () => {
  it('answers kubectl 1.32 `auth can-i create pods` (protobuf) with allowed', () => {
    const out = selfSubjectAccessReview(captured('kubectl auth can-i create pods'), alice);
    expect(out).to.deep.equal({
      kind: 'SelfSubjectAccessReview',
      apiVersion: 'authorization.k8s.io/v1',
      metadata: {},
      spec: { resourceAttributes: { namespace: 'default', verb: 'create', resource: 'pods' } },
      status: { allowed: true },
    });
  });

  it('accepts kubectl 1.31 JSON and passes the attributes to the authorizer', () => {
    const seen: AccessAttributes[] = [];
    const out = selfSubjectAccessReview({
      kind: 'SelfSubjectAccessReview', apiVersion: 'authorization.k8s.io/v1', metadata: { creationTimestamp: null },
      spec: { resourceAttributes: { namespace: 'kube-system', verb: 'get', resource: 'pods', subresource: 'log', fieldSelector: { rawSelector: 'spec.nodeName=n1' } } },
      status: { allowed: false },
    }, alice, (a) => {
      seen.push(a);
      return { allowed: false, denied: true, reason: 'nope' };
    });
    expect(out.status).to.deep.equal({ allowed: false, denied: true, reason: 'nope' });
    expect(seen).to.deep.equal([{
      user: alice, verb: 'get', resourceRequest: true, namespace: 'kube-system', group: '', version: '', resource: 'pods',
      subresource: 'log', name: '', path: '', fieldSelector: { rawSelector: 'spec.nodeName=n1' },
    }]);
    const nr = selfSubjectAccessReview(captured('kubectl auth can-i get /logs'), alice, (a) => {
      seen.push(a);
      return { allowed: true, reason: 'ok' };
    });
    expect(nr.status).to.deep.equal({ allowed: true, reason: 'ok' });
    expect(seen[1]).to.include({ resourceRequest: false, verb: 'get', path: '/logs' });
  });

  it('validates like upstream (422 Invalid, 400 for a non-object)', () => {
    let e = statusError(() => selfSubjectAccessReview({ spec: {} }, alice));
    expect(e.code).to.equal(422);
    expect(e.message).to.equal('SelfSubjectAccessReview.authorization.k8s.io "" is invalid: spec.resourceAttributes: Invalid value: "null": exactly one of nonResourceAttributes or resourceAttributes must be specified');
    e = statusError(() => selfSubjectAccessReview({ spec: { resourceAttributes: { verb: 'get' }, nonResourceAttributes: { path: '/', verb: 'get' } } }, alice));
    expect(e.message).to.match(/spec\.nonResourceAttributes: Invalid value: .*cannot be specified in combination with resourceAttributes/);
    e = statusError(() => selfSubjectAccessReview({ metadata: { name: 'x' }, spec: { resourceAttributes: { verb: 'get' } } }, alice));
    expect(e.message).to.match(/metadata: Invalid value: .*must be empty/);
    e = statusError(() => selfSubjectAccessReview({ spec: { resourceAttributes: { verb: 'list', labelSelector: { rawSelector: 'a=b', requirements: [{ key: 'a', operator: 'In', values: ['b'] }] } } } }, alice));
    expect(e.message).to.match(/spec\.resourceAttributes\.labelSelector\.rawSelector: Invalid value: "a=b": may not specified at the same time as requirements/);
    e = statusError(() => selfSubjectAccessReview({ spec: { resourceAttributes: { verb: 'list', fieldSelector: {} } } }, alice));
    expect(e.message).to.match(/spec\.resourceAttributes\.fieldSelector\.requirements: Required value: when spec\.resourceAttributes\.fieldSelector is specified/);
    e = statusError(() => selfSubjectAccessReview('nope', alice));
    expect(e.code).to.equal(400);
    expect(e.message).to.match(/^not a SelfSubjectAccessReview/);
  });
});

describe('reviews: SelfSubjectRulesReview, SelfSubjectReview', () => {
  it('answers `auth can-i --list` with allow-all rules and does not echo the spec', () => {
    expect(selfSubjectRulesReview(captured('kubectl auth can-i --list'), alice)).to.deep.equal({
      kind: 'SelfSubjectRulesReview',
      apiVersion: 'authorization.k8s.io/v1',
      metadata: {},
      spec: {},
      status: {
        resourceRules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }],
        nonResourceRules: [{ verbs: ['*'], nonResourceURLs: ['*'] }],
        incomplete: false,
      },
    });
    const e = statusError(() => selfSubjectRulesReview({ spec: {} }, alice));
    expect([e.code, e.message]).to.deep.equal([400, 'no namespace on request']);
    const custom = selfSubjectRulesReview({ spec: { namespace: 'ns' } }, alice, (u, ns) => ({
      resourceRules: [{ verbs: ['get'], apiGroups: [''], resources: ['pods'], resourceNames: [`${u.username}-${ns}`] }],
      nonResourceRules: [], incomplete: true, evaluationError: 'partial',
    }));
    expect(custom.status).to.deep.equal({
      resourceRules: [{ verbs: ['get'], apiGroups: [''], resources: ['pods'], resourceNames: ['alice-ns'] }],
      nonResourceRules: [], incomplete: true, evaluationError: 'partial',
    });
  });

  it('answers `auth whoami` with the user info, omitting empty fields', () => {
    const now = new Date('2025-03-04T05:06:07.890Z');
    expect(selfSubjectReview(alice, now)).to.deep.equal({
      kind: 'SelfSubjectReview',
      apiVersion: 'authentication.k8s.io/v1',
      metadata: { creationTimestamp: '2025-03-04T05:06:07Z' },
      status: { userInfo: { username: 'alice', uid: 'u-1', groups: ['devs', 'system:authenticated'] } },
    });
    expect(selfSubjectReview({ username: 'bob', groups: [], extra: { scopes: ['a'] } }, now).status)
      .to.deep.equal({ userInfo: { username: 'bob', extra: { scopes: ['a'] } } });
    // The decoded kubectl body is not needed (upstream ignores it), but it decodes.
    expect(captured('kubectl auth whoami')).to.deep.equal({ apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview', metadata: {}, status: { userInfo: {} } });
  });
});

describe('reviews: SubjectAccessReview, LocalSubjectAccessReview, TokenReview', () => {
  it('authorizes the user named in the spec', () => {
    let asked: AccessAttributes | undefined;
    const out = subjectAccessReview({ spec: { user: 'bob', groups: ['g'], uid: 'b-1', extra: { k: ['v'] }, resourceAttributes: { verb: 'delete', group: 'apps', resource: 'deployments', name: 'web', namespace: 'prod' } } },
      (a) => { asked = a; return { allowed: true }; });
    expect(out.status).to.deep.equal({ allowed: true });
    expect(asked?.user).to.deep.equal({ username: 'bob', groups: ['g'], uid: 'b-1', extra: { k: ['v'] } });
    expect(asked).to.include({ verb: 'delete', group: 'apps', resource: 'deployments', name: 'web', namespace: 'prod' });
    const e = statusError(() => subjectAccessReview({ spec: { resourceAttributes: { verb: 'get' } } }));
    expect(e.message).to.equal('SubjectAccessReview.authorization.k8s.io "" is invalid: spec.user: Invalid value: "": at least one of user or group must be specified');
  });

  it('checks the namespace of a LocalSubjectAccessReview', () => {
    const body = { metadata: { namespace: 'prod' }, spec: { user: 'bob', resourceAttributes: { namespace: 'prod', verb: 'get', resource: 'pods' } } };
    expect(localSubjectAccessReview(body, 'prod').status).to.deep.equal({ allowed: true });
    expect(statusError(() => localSubjectAccessReview(body, 'dev')).message).to.equal('spec.resourceAttributes.namespace must match namespace: dev');
    const bad = statusError(() => localSubjectAccessReview({ metadata: { namespace: 'prod' }, spec: { user: 'bob', resourceAttributes: { namespace: 'dev' } } }, 'prod'));
    expect(bad.code).to.equal(422);
    expect(bad.message).to.match(/spec\.resourceAttributes\.namespace: Invalid value: "dev": must match metadata\.namespace/);
    expect(statusError(() => localSubjectAccessReview({ metadata: { namespace: 'prod' }, spec: { user: 'bob', nonResourceAttributes: { path: '/' } } }, 'prod')).message)
      .to.match(/spec\.nonResourceAttributes: Invalid value: .*disallowed on this kind of request/);
  });

  it('reviews tokens', () => {
    const lookup = (t: string) => (t === 'good' ? alice : undefined);
    expect(tokenReview({ spec: { token: 'good', audiences: ['api'] } }, lookup)).to.deep.equal({
      kind: 'TokenReview', apiVersion: 'authentication.k8s.io/v1', metadata: {},
      spec: { token: 'good', audiences: ['api'] },
      status: { authenticated: true, user: { username: 'alice', uid: 'u-1', groups: ['devs', 'system:authenticated'] }, audiences: ['api'] },
    });
    expect(tokenReview({ spec: { token: 'bad' } }, lookup).status).to.deep.equal({ user: {} });
    const e = statusError(() => tokenReview({ spec: {} }, lookup));
    expect([e.code, e.message]).to.deep.equal([400, 'token is required for TokenReview in authentication']);
  });
});

describe('reviews: discovery rows', () => {
  it('lists the create-only review resources as upstream does', () => {
    expect(reviewResourceRows.map((r) => `${r.group}/${r.version}/${r.plural}:${r.kind}:${r.namespaced}:${r.verbs.join(',')}`)).to.have.members([
      'authentication.k8s.io/v1/selfsubjectreviews:SelfSubjectReview:false:create',
      'authentication.k8s.io/v1/tokenreviews:TokenReview:false:create',
      'authorization.k8s.io/v1/localsubjectaccessreviews:LocalSubjectAccessReview:true:create',
      'authorization.k8s.io/v1/selfsubjectaccessreviews:SelfSubjectAccessReview:false:create',
      'authorization.k8s.io/v1/selfsubjectrulesreviews:SelfSubjectRulesReview:false:create',
      'authorization.k8s.io/v1/subjectaccessreviews:SubjectAccessReview:false:create',
    ]);
    expect(serviceAccountTokenSubresource).to.deep.equal({ name: 'token', kind: { group: 'authentication.k8s.io', version: 'v1', kind: 'TokenRequest' }, verbs: ['create'] });
  });
});
