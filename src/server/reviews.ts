// The review kinds: create-only virtual resources that answer questions about the requesting user
// (authorization.k8s.io/v1 *SubjectAccessReview, SelfSubjectRulesReview; authentication.k8s.io/v1
// SelfSubjectReview, TokenReview). Nothing is stored: each handler takes the decoded request body
// and returns the object upstream's registry returns (pkg/registry/authorization/*,
// pkg/registry/authentication/*), to be sent with 201 Created.
//
// Authorization is allow-all for now: every handler takes an optional Authorizer defaulting to
// `allowAll`, the same answers upstream gives with --authorization-mode=AlwaysAllow.

import { type SubresourceInfo, type Verb, resources } from '../../api/resources.ts';
import { isObject } from '../registry/object.ts';
import { type FieldError, badRequest, fieldInvalid, fieldRequired, invalid } from './errors.ts';

const AUTHZ_GROUP = 'authorization.k8s.io';
const AUTHN_GROUP = 'authentication.k8s.io';
const AUTHZ_V1 = `${AUTHZ_GROUP}/v1`;
const AUTHN_V1 = `${AUTHN_GROUP}/v1`;

/** The authenticated requester (structurally the same as authn.ts's UserInfo). */
export interface ReviewUser {
  username: string;
  uid?: string;
  groups: readonly string[];
  extra?: Readonly<Record<string, readonly string[]>>;
}

/** What is being asked: upstream's authorizer.Attributes. */
export interface AccessAttributes {
  user: ReviewUser;
  verb: string;
  /** true for resourceAttributes, false for nonResourceAttributes (then only `path` applies). */
  resourceRequest: boolean;
  namespace: string;
  group: string;
  version: string;
  resource: string;
  subresource: string;
  name: string;
  path: string;
  /** resourceAttributes.fieldSelector / labelSelector as sent (1.31+), for authorizers that use them. */
  fieldSelector?: Record<string, unknown>;
  labelSelector?: Record<string, unknown>;
}

export interface AccessDecision {
  allowed: boolean;
  denied?: boolean;
  reason?: string;
  evaluationError?: string;
}

export type Authorizer = (attributes: AccessAttributes) => AccessDecision;

/** AlwaysAllow. */
export const allowAll: Authorizer = () => ({ allowed: true });

export interface ResourceRule { verbs: string[]; apiGroups?: string[]; resources?: string[]; resourceNames?: string[] }
export interface NonResourceRule { verbs: string[]; nonResourceURLs?: string[] }
export interface RulesResult { resourceRules: ResourceRule[]; nonResourceRules: NonResourceRule[]; incomplete: boolean; evaluationError?: string }

export type RuleResolver = (user: ReviewUser, namespace: string) => RulesResult;

/** AlwaysAllow's rules: everything, everywhere. */
export const allowAllRules: RuleResolver = () => ({
  resourceRules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }],
  nonResourceRules: [{ verbs: ['*'], nonResourceURLs: ['*'] }],
  incomplete: false,
});

// ---------------------------------------------------------------------------------------------
// Discovery rows (the shape of api/resources.ts `rows`), for the lead to merge.

export interface ReviewResourceRow {
  group: string;
  version: string;
  kind: string;
  plural: string;
  namespaced: boolean;
  verbs: Verb[];
}

/** The create-only review resources of the resource table (no get → nothing stored). */
export const reviewResourceRows: readonly ReviewResourceRow[] = resources
  .filter((r) => (r.group === AUTHN_GROUP || r.group === AUTHZ_GROUP) && r.plural.endsWith('reviews'))
  .map(({ group, version, kind, plural, namespaced, verbs }) => ({ group, version, kind, plural, namespaced, verbs }));

/** serviceaccounts/token (`kubectl create token`), as the ServiceAccount row declares it. */
export const serviceAccountTokenSubresource: SubresourceInfo = resources
  .find((r) => r.group === '' && r.plural === 'serviceaccounts')!.subresources.find((s) => s.name === 'token')!;

// ---------------------------------------------------------------------------------------------

type Obj = Record<string, unknown>;

const isObj = isObject;
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

function bodyObject(body: unknown, kind: string): Obj {
  if (!isObj(body)) throw badRequest(`not a ${kind}: ${JSON.stringify(body) ?? String(body)}`);
  return body;
}

/** Go's zero value test, as apiequality.Semantic.DeepEqual(metav1.ObjectMeta{}, meta) sees JSON. */
function isZero(v: unknown): boolean {
  if (v === undefined || v === null || v === '' || v === 0 || v === false) return true;
  if (Array.isArray(v)) return v.length === 0;
  if (isObj(v)) return Object.values(v).every(isZero);
  return false;
}

function metadataErrors(meta: unknown, allowNamespace: boolean): FieldError[] {
  if (meta === undefined || meta === null) return [];
  if (!isObj(meta)) return [fieldInvalid('metadata', meta, 'must be empty')];
  const rest = Object.entries(meta).filter(([k]) => k !== 'managedFields' && !(allowNamespace && k === 'namespace'));
  if (rest.every(([, v]) => isZero(v))) return [];
  return [fieldInvalid('metadata', meta, allowNamespace ? 'must be empty except for namespace' : 'must be empty')];
}

function selectorErrors(sel: unknown, path: string): FieldError[] {
  if (sel === undefined || sel === null) return [];
  if (!isObj(sel)) return [fieldInvalid(path, sel, 'must be an object')];
  const raw = str(sel.rawSelector);
  const reqs = Array.isArray(sel.requirements) ? sel.requirements : [];
  if (raw !== '' && reqs.length > 0) return [fieldInvalid(`${path}.rawSelector`, raw, 'may not specified at the same time as requirements')];
  if (raw === '' && reqs.length === 0) return [fieldRequired(`${path}.requirements`, `when ${path} is specified, requirements or rawSelector is required`)];
  return [];
}

/** ValidateSubjectAccessReviewSpec / ValidateSelfSubjectAccessReviewSpec. */
function specErrors(spec: Obj, requireSubject: boolean): FieldError[] {
  const errs: FieldError[] = [];
  const ra = spec.resourceAttributes;
  const nra = spec.nonResourceAttributes;
  const hasRa = ra !== undefined && ra !== null;
  const hasNra = nra !== undefined && nra !== null;
  if (hasRa && hasNra) errs.push(fieldInvalid('spec.nonResourceAttributes', nra, 'cannot be specified in combination with resourceAttributes'));
  if (!hasRa && !hasNra) errs.push(fieldInvalid('spec.resourceAttributes', 'null', 'exactly one of nonResourceAttributes or resourceAttributes must be specified'));
  if (hasRa && !isObj(ra)) errs.push(fieldInvalid('spec.resourceAttributes', ra, 'must be an object'));
  if (hasNra && !isObj(nra)) errs.push(fieldInvalid('spec.nonResourceAttributes', nra, 'must be an object'));
  if (requireSubject && str(spec.user) === '' && !(Array.isArray(spec.groups) && spec.groups.length > 0)) {
    errs.push(fieldInvalid('spec.user', str(spec.user), 'at least one of user or group must be specified'));
  }
  if (isObj(ra)) {
    errs.push(...selectorErrors(ra.fieldSelector, 'spec.resourceAttributes.fieldSelector'));
    errs.push(...selectorErrors(ra.labelSelector, 'spec.resourceAttributes.labelSelector'));
  }
  return errs;
}

function attributesFrom(spec: Obj, user: ReviewUser): AccessAttributes {
  const ra = spec.resourceAttributes;
  if (isObj(ra)) {
    const a: AccessAttributes = {
      user,
      verb: str(ra.verb),
      resourceRequest: true,
      namespace: str(ra.namespace),
      group: str(ra.group),
      version: str(ra.version),
      resource: str(ra.resource),
      subresource: str(ra.subresource),
      name: str(ra.name),
      path: '',
    };
    if (isObj(ra.fieldSelector)) a.fieldSelector = ra.fieldSelector;
    if (isObj(ra.labelSelector)) a.labelSelector = ra.labelSelector;
    return a;
  }
  const nra = isObj(spec.nonResourceAttributes) ? spec.nonResourceAttributes : {};
  return {
    user, verb: str(nra.verb), resourceRequest: false,
    namespace: '', group: '', version: '', resource: '', subresource: '', name: '', path: str(nra.path),
  };
}

function accessStatus(d: AccessDecision): Obj {
  const status: Obj = { allowed: d.allowed };
  if (d.denied) status.denied = true;
  if (d.reason) status.reason = d.reason;
  if (d.evaluationError) status.evaluationError = d.evaluationError;
  return status;
}

function extraOf(extra: unknown): Record<string, string[]> | undefined {
  if (!isObj(extra)) return undefined;
  const out: Record<string, string[]> = {};
  for (const [k, v] of Object.entries(extra)) out[k] = Array.isArray(v) ? v.map(String) : [];
  return out;
}

function userInfoJson(user: ReviewUser): Obj {
  const info: Obj = {};
  if (user.username) info.username = user.username;
  if (user.uid) info.uid = user.uid;
  if (user.groups.length > 0) info.groups = [...user.groups];
  if (user.extra && Object.keys(user.extra).length > 0) {
    info.extra = Object.fromEntries(Object.entries(user.extra).map(([k, v]) => [k, [...v]]));
  }
  return info;
}

/** POST /apis/authorization.k8s.io/v1/selfsubjectaccessreviews (`kubectl auth can-i`). */
export function selfSubjectAccessReview(body: unknown, user: ReviewUser, authorize: Authorizer = allowAll): Obj {
  const obj = bodyObject(body, 'SelfSubjectAccessReview');
  const spec = isObj(obj.spec) ? obj.spec : {};
  const errs = [...specErrors(spec, false), ...metadataErrors(obj.metadata, false)];
  if (errs.length > 0) throw invalid('SelfSubjectAccessReview', AUTHZ_GROUP, '', errs);
  const decision = authorize(attributesFrom(spec, user));
  return { kind: 'SelfSubjectAccessReview', apiVersion: AUTHZ_V1, metadata: {}, spec, status: accessStatus(decision) };
}

/** POST /apis/authorization.k8s.io/v1/subjectaccessreviews: the same question for spec.user/groups. */
export function subjectAccessReview(body: unknown, authorize: Authorizer = allowAll): Obj {
  const obj = bodyObject(body, 'SubjectAccessReview');
  const spec = isObj(obj.spec) ? obj.spec : {};
  const errs = [...specErrors(spec, true), ...metadataErrors(obj.metadata, false)];
  if (errs.length > 0) throw invalid('SubjectAccessReview', AUTHZ_GROUP, '', errs);
  const decision = authorize(attributesFrom(spec, subjectOf(spec)));
  return { kind: 'SubjectAccessReview', apiVersion: AUTHZ_V1, metadata: {}, spec, status: accessStatus(decision) };
}

/** POST /apis/authorization.k8s.io/v1/namespaces/{namespace}/localsubjectaccessreviews. */
export function localSubjectAccessReview(body: unknown, namespace: string, authorize: Authorizer = allowAll): Obj {
  const obj = bodyObject(body, 'LocalSubjectAccessReview');
  const spec = isObj(obj.spec) ? obj.spec : {};
  const metaNamespace = isObj(obj.metadata) ? str(obj.metadata.namespace) : '';
  const errs = [...specErrors(spec, true), ...metadataErrors(obj.metadata, true)];
  if (isObj(spec.resourceAttributes) && str(spec.resourceAttributes.namespace) !== metaNamespace) {
    errs.push(fieldInvalid('spec.resourceAttributes.namespace', str(spec.resourceAttributes.namespace), 'must match metadata.namespace'));
  }
  if (spec.nonResourceAttributes !== undefined && spec.nonResourceAttributes !== null) {
    errs.push(fieldInvalid('spec.nonResourceAttributes', spec.nonResourceAttributes, 'disallowed on this kind of request'));
  }
  if (errs.length > 0) throw invalid('LocalSubjectAccessReview', AUTHZ_GROUP, '', errs);
  if (namespace === '') throw badRequest('namespace is required on this type: ');
  if (namespace !== metaNamespace) throw badRequest(`spec.resourceAttributes.namespace must match namespace: ${namespace}`);
  const decision = authorize(attributesFrom(spec, subjectOf(spec)));
  return { kind: 'LocalSubjectAccessReview', apiVersion: AUTHZ_V1, metadata: { namespace }, spec, status: accessStatus(decision) };
}

function subjectOf(spec: Obj): ReviewUser {
  const u: ReviewUser = {
    username: str(spec.user),
    groups: Array.isArray(spec.groups) ? spec.groups.map(String) : [],
  };
  if (str(spec.uid)) u.uid = str(spec.uid);
  const extra = extraOf(spec.extra);
  if (extra) u.extra = extra;
  return u;
}

/** POST /apis/authorization.k8s.io/v1/selfsubjectrulesreviews (`kubectl auth can-i --list`). */
export function selfSubjectRulesReview(body: unknown, user: ReviewUser, rulesFor: RuleResolver = allowAllRules): Obj {
  const obj = bodyObject(body, 'SelfSubjectRulesReview');
  const namespace = isObj(obj.spec) ? str(obj.spec.namespace) : '';
  if (namespace === '') throw badRequest('no namespace on request');
  const r = rulesFor(user, namespace);
  const status: Obj = {
    resourceRules: r.resourceRules.map((x) => ({ ...x })),
    nonResourceRules: r.nonResourceRules.map((x) => ({ ...x })),
    incomplete: r.incomplete,
  };
  if (r.evaluationError) status.evaluationError = r.evaluationError;
  // Upstream answers with a fresh object: the spec is not echoed.
  return { kind: 'SelfSubjectRulesReview', apiVersion: AUTHZ_V1, metadata: {}, spec: {}, status };
}

/** POST /apis/authentication.k8s.io/v1/selfsubjectreviews (`kubectl auth whoami`). */
export function selfSubjectReview(user: ReviewUser, now: Date = new Date(), apiVersion: string = AUTHN_V1): Obj {
  return {
    kind: 'SelfSubjectReview',
    apiVersion,
    metadata: { creationTimestamp: `${now.toISOString().slice(0, 19)}Z` },
    status: { userInfo: userInfoJson(user) },
  };
}

/**
 * POST /apis/authentication.k8s.io/v1/tokenreviews: who a bearer token belongs to.
 * `authenticateToken` returns the user or undefined for an unknown token.
 */
export function tokenReview(body: unknown, authenticateToken: (token: string) => ReviewUser | undefined): Obj {
  const obj = bodyObject(body, 'TokenReview');
  const spec = isObj(obj.spec) ? obj.spec : {};
  const token = str(spec.token);
  if (token === '') throw badRequest('token is required for TokenReview in authentication');
  const user = authenticateToken(token);
  const status: Obj = {};
  if (user) {
    status.authenticated = true;
    status.user = userInfoJson(user);
    const auds = Array.isArray(spec.audiences) ? spec.audiences.map(String) : [];
    if (auds.length > 0) status.audiences = auds;
  } else {
    // Unknown token: not authenticated, no error (what upstream's token authenticators answer).
    status.user = {};
  }
  const metadata = isObj(obj.metadata) ? obj.metadata : {};
  return { kind: 'TokenReview', apiVersion: AUTHN_V1, metadata, spec, status };
}
