// OpenAPI: the generated schema model, the v3/v2 documents and the HTTP service (caching, negotiation).

import { expect } from 'chai';
import http from 'node:http';
import { gunzipSync } from 'node:zlib';
import type { AddressInfo } from 'node:net';
import { OpenAPIService } from '../../src/server/openapi.ts';
import { schemaRegistry, definitionFor, type Schema } from '../../api/openapi/schemas.ts';
import { buildV2Document, buildV3Document, groupVersionKeys, type V3Document } from '../../api/openapi/documents.ts';
import { encodeV2Document } from '../../api/openapi/protobuf.ts';
import { resources } from '../../api/resources.ts';

const def = (name: string): Schema => {
  const s = schemaRegistry().schemas.get(name);
  if (!s) throw new Error(`no definition ${name}`);
  return s;
};
const prop = (name: string, field: string): Schema => (def(name).properties ?? {})[field];

describe('openapi schema model', () => {
  it('has a GVK-tagged definition for every served kind and its list', () => {
    for (const r of resources) {
      const name = definitionFor({ group: r.group, version: r.version, kind: r.kind });
      expect(name, `${r.group}/${r.version}/${r.kind}`).to.be.a('string');
      expect(def(name as string)['x-kubernetes-group-version-kind']).to.deep.include({ group: r.group, kind: r.kind, version: r.version });
      if (r.verbs.includes('list')) expect(definitionFor({ group: r.group, version: r.version, kind: r.listKind }), r.listKind).to.be.a('string');
    }
    for (const k of [['autoscaling', 'Scale'], ['policy', 'Eviction'], ['authorization.k8s.io', 'SelfSubjectAccessReview'], ['authentication.k8s.io', 'TokenReview']]) {
      expect(definitionFor({ group: k[0], version: 'v1', kind: k[1] }), k[1]).to.be.a('string');
    }
    expect(definitionFor({ group: 'events.k8s.io', version: 'v1', kind: 'Event' })).to.equal('io.k8s.api.events.v1.Event');
    expect(definitionFor({ group: '', version: 'v1', kind: 'Event' })).to.equal('io.k8s.api.core.v1.Event');
  });

  it('carries descriptions, types, formats, enums and required fields', () => {
    const pod = def('io.k8s.api.core.v1.Pod');
    expect(pod.description).to.match(/^Pod is a collection of containers/);
    expect(pod.required ?? []).to.not.include('apiVersion');
    expect(prop('io.k8s.api.core.v1.Pod', 'apiVersion').description).to.match(/^APIVersion defines the versioned schema/);
    expect(def('io.k8s.api.core.v1.PodSpec').required).to.deep.equal(['containers']);
    expect(prop('io.k8s.api.core.v1.PodSpec', 'restartPolicy')).to.include({ type: 'string' }).and.have.deep.property('enum', ['Always', 'Never', 'OnFailure']);
    expect(prop('io.k8s.api.core.v1.Probe', 'failureThreshold')).to.include({ type: 'integer', format: 'int32' });
    expect(prop('io.k8s.api.core.v1.PodSpec', 'activeDeadlineSeconds')).to.include({ type: 'integer', format: 'int64' });
    expect(prop('io.k8s.api.core.v1.Secret', 'data').additionalProperties).to.deep.equal({ type: 'string', format: 'byte' });
    expect(def('io.k8s.apimachinery.pkg.apis.meta.v1.Time')).to.include({ type: 'string', format: 'date-time' });
    expect(def('io.k8s.apimachinery.pkg.util.intstr.IntOrString')).to.include({ format: 'int-or-string' });
    expect(prop('io.k8s.api.core.v1.PodSpec', 'securityContext').allOf).to.deep.equal([{ $ref: '#/components/schemas/io.k8s.api.core.v1.PodSecurityContext' }]);
    expect(prop('io.k8s.api.core.v1.Container', 'env').items).to.deep.equal({ $ref: '#/components/schemas/io.k8s.api.core.v1.EnvVar' });
    expect(prop('io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta', 'labels')).to.deep.include({ additionalProperties: { type: 'string' } });
    expect(prop('io.k8s.api.apps.v1.StatefulSetSpec', 'volumeClaimTemplates').items).to.deep.equal({ $ref: '#/components/schemas/io.k8s.api.core.v1.PersistentVolumeClaim' });
  });

  it('merges the patch metadata table', () => {
    expect(prop('io.k8s.api.core.v1.PodSpec', 'containers')).to.deep.include({
      'x-kubernetes-patch-strategy': 'merge', 'x-kubernetes-patch-merge-key': 'name', 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['name'],
    });
    expect(prop('io.k8s.api.core.v1.PodSpec', 'volumes')).to.include({ 'x-kubernetes-patch-strategy': 'merge,retainKeys' });
    expect(prop('io.k8s.api.core.v1.Container', 'ports')).to.deep.include({ 'x-kubernetes-patch-merge-key': 'containerPort', 'x-kubernetes-list-map-keys': ['containerPort', 'protocol'] });
    expect(prop('io.k8s.api.apps.v1.DeploymentSpec', 'strategy')).to.include({ 'x-kubernetes-patch-strategy': 'retainKeys' });
    expect(prop('io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta', 'finalizers')).to.include({ 'x-kubernetes-patch-strategy': 'merge', 'x-kubernetes-list-type': 'set' });
    expect(prop('io.k8s.api.core.v1.Container', 'args')).to.include({ 'x-kubernetes-list-type': 'atomic' });
    expect(prop('io.k8s.api.core.v1.PodSpec', 'nodeSelector')).to.include({ 'x-kubernetes-map-type': 'atomic' });
    expect(def('io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector')).to.include({ 'x-kubernetes-map-type': 'atomic' });
    expect(prop('io.k8s.api.core.v1.EphemeralContainer', 'env')).to.include({ 'x-kubernetes-patch-merge-key': 'name' });
  });
});

function refsOf(v: unknown, into: string[] = []): string[] {
  if (Array.isArray(v)) for (const x of v) refsOf(x, into);
  else if (v && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) {
      if (k === '$ref' && typeof x === 'string') into.push(x);
      else refsOf(x, into);
    }
  }
  return into;
}

describe('openapi documents', () => {
  let docs: Map<string, V3Document>;
  before(() => {
    docs = new Map(groupVersionKeys().map((k) => [k, buildV3Document(k) as V3Document]));
  });

  it('serves one v3 document per served group-version', () => {
    const expected = [...new Set(resources.map((r) => (r.group ? `apis/${r.group}/${r.version}` : `api/${r.version}`)))];
    expect(groupVersionKeys()).to.deep.equal(expected);
    expect(groupVersionKeys()).to.include.members(['api/v1', 'apis/apps/v1', 'apis/coordination.k8s.io/v1', 'apis/discovery.k8s.io/v1', 'apis/events.k8s.io/v1']);
    expect(buildV3Document('apis/example.com/v1')).to.equal(undefined);
  });

  it('resolves every $ref within each document', () => {
    for (const [key, doc] of docs) {
      for (const ref of refsOf(doc)) {
        expect(ref.startsWith('#/components/schemas/'), ref).to.equal(true);
        expect(doc.components.schemas, `${key}: ${ref}`).to.have.property(ref.slice('#/components/schemas/'.length));
      }
    }
  });

  it('has every resource path and verb, with actions, GVKs and parameters', () => {
    const v1 = docs.get('api/v1') as V3Document;
    const item = v1.paths['/api/v1/namespaces/{namespace}/pods/{name}'];
    expect(Object.keys(item)).to.include.members(['get', 'put', 'delete', 'patch', 'parameters']);
    const patch = item.patch;
    expect(patch?.['x-kubernetes-group-version-kind']).to.deep.equal({ group: '', version: 'v1', kind: 'Pod' });
    expect(patch?.['x-kubernetes-action']).to.equal('patch');
    expect(patch?.operationId).to.equal('patchCoreV1NamespacedPod');
    expect(patch?.parameters?.map((p) => p.name)).to.deep.equal(['dryRun', 'fieldManager', 'fieldValidation', 'force']);
    expect(Object.keys(patch?.requestBody?.content ?? {})).to.deep.equal([
      'application/apply-patch+yaml', 'application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json',
    ]);
    const list = v1.paths['/api/v1/namespaces/{namespace}/pods'].get;
    expect(list?.['x-kubernetes-action']).to.equal('list');
    expect(list?.parameters?.map((p) => p.name)).to.include.members(['labelSelector', 'fieldSelector', 'limit', 'continue', 'watch', 'resourceVersion']);
    expect(v1.paths['/api/v1/namespaces/{namespace}/pods'].post?.parameters?.map((p) => p.name)).to.deep.equal(['dryRun', 'fieldManager', 'fieldValidation']);
    expect(v1.paths['/api/v1/pods'].get?.operationId).to.equal('listCoreV1PodForAllNamespaces');
    expect(v1.paths['/api/v1/watch/namespaces/{namespace}/pods'].get?.['x-kubernetes-action']).to.equal('watchlist');
    expect(v1.paths['/api/v1/nodes/{name}'].patch?.operationId).to.equal('patchCoreV1Node');
    expect(v1.paths['/api/v1/namespaces/{namespace}/pods/{name}/eviction'].post?.['x-kubernetes-group-version-kind']).to.deep.equal({ group: 'policy', version: 'v1', kind: 'Eviction' });
    expect(v1.paths['/api/v1/namespaces/{namespace}/pods/{name}/status'].patch?.operationId).to.equal('patchCoreV1NamespacedPodStatus');
    expect(v1.paths['/api/v1/namespaces/{name}/finalize'].put?.operationId).to.equal('replaceCoreV1NamespaceFinalize');
    expect(v1.paths['/api/v1/namespaces/{namespace}/bindings'].post?.operationId).to.equal('createCoreV1NamespacedBinding');
    const apps = docs.get('apis/apps/v1') as V3Document;
    expect(apps.paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale'].patch?.['x-kubernetes-group-version-kind']).to.deep.equal({ group: 'autoscaling', version: 'v1', kind: 'Scale' });
    expect(apps.paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}'].patch?.tags).to.deep.equal(['apps_v1']);
    expect(docs.get('apis/coordination.k8s.io/v1')?.paths['/apis/coordination.k8s.io/v1/namespaces/{namespace}/leases/{name}'].patch?.operationId).to.equal('patchCoordinationV1NamespacedLease');
  });

  it('every PATCH operation of a served kind lists fieldValidation (kubectl\'s server-side validation check)', () => {
    for (const r of resources) {
      if (!r.verbs.includes('patch')) continue;
      const key = r.group ? `apis/${r.group}/${r.version}` : `api/${r.version}`;
      const doc = docs.get(key) as V3Document;
      const ops = Object.values(doc.paths).map((p) => p.patch).filter((o) => o && o['x-kubernetes-group-version-kind']?.kind === r.kind && o['x-kubernetes-group-version-kind']?.group === r.group);
      expect(ops.length, r.kind).to.be.greaterThan(0);
      for (const o of ops) expect(o?.parameters?.some((p) => p.name === 'fieldValidation' && p.in === 'query'), r.kind).to.equal(true);
    }
  });

  it('the v2 document resolves every $ref and uses $ref+description instead of allOf', () => {
    const v2 = buildV2Document();
    for (const ref of refsOf(v2)) {
      expect(ref.startsWith('#/definitions/'), ref).to.equal(true);
      expect(v2.definitions).to.have.property(ref.slice('#/definitions/'.length));
    }
    for (const d of Object.values(v2.definitions)) {
      expect(d).to.not.have.property('oneOf');
      for (const p of Object.values(d.properties ?? {})) expect(p).to.not.have.property('allOf');
    }
    expect(v2.definitions['io.k8s.api.core.v1.PodSpec'].properties?.securityContext).to.include({ $ref: '#/definitions/io.k8s.api.core.v1.PodSecurityContext' });
    expect(v2.definitions['io.k8s.apimachinery.pkg.util.intstr.IntOrString']).to.include({ type: 'string', format: 'int-or-string' });
    const patch = v2.paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}'].patch;
    expect(patch?.consumes).to.include('application/strategic-merge-patch+json');
    expect(patch?.parameters?.find((p) => p.name === 'body')).to.include({ in: 'body', required: true });
  });
});

// ---------------------------------------------------------------------------------------------
// A minimal protobuf reader to check the encoded v2 document.

type Fields = Map<number, (Buffer | number)[]>;

function readVarint(b: Buffer, pos: number): [number, number] {
  let v = 0;
  let mul = 1;
  let p = pos;
  for (;;) {
    const byte = b[p++];
    v += (byte & 127) * mul;
    if (byte < 128) return [v, p];
    mul *= 128;
  }
}

function decode(b: Buffer): Fields {
  const out: Fields = new Map();
  let p = 0;
  while (p < b.length) {
    const [tag, p1] = readVarint(b, p);
    const field = Math.floor(tag / 8);
    const wire = tag % 8;
    let value: Buffer | number;
    if (wire === 0) { const [v, p2] = readVarint(b, p1); value = v; p = p2; } else if (wire === 2) {
      const [len, p2] = readVarint(b, p1);
      value = b.subarray(p2, p2 + len);
      p = p2 + len;
    } else throw new Error(`unexpected wire type ${wire}`);
    if (!out.has(field)) out.set(field, []);
    out.get(field)?.push(value);
  }
  return out;
}
const str = (f: Fields, n: number) => (f.get(n)?.[0] as Buffer | undefined)?.toString('utf8');
const msg = (f: Fields, n: number) => decode(f.get(n)?.[0] as Buffer);
const msgs = (f: Fields, n: number) => (f.get(n) ?? []).map((x) => decode(x as Buffer));

describe('openapi v2 protobuf', () => {
  it('encodes gnostic openapi.v2.Document', () => {
    const doc = decode(encodeV2Document(buildV2Document()));
    expect(str(doc, 1)).to.equal('2.0');
    expect(str(msg(doc, 2), 1)).to.equal('Kubernetes');
    const defs = msgs(msg(doc, 9), 1);
    const pod = defs.find((d) => str(d, 1) === 'io.k8s.api.core.v1.Pod');
    expect(pod).to.not.equal(undefined);
    const podSchema = msg(pod as Fields, 2);
    expect(str(podSchema, 4)).to.match(/^Pod is a collection/);
    const ext = msgs(podSchema, 31).map((na) => [str(na, 1), str(msg(na, 2), 2)]);
    expect(ext).to.deep.include(['x-kubernetes-group-version-kind', '- group: ""\n  kind: "Pod"\n  version: "v1"\n']);
    // PodSpec.containers carries its patch metadata as vendor extensions
    const podSpec = msg(defs.find((d) => str(d, 1) === 'io.k8s.api.core.v1.PodSpec') as Fields, 2);
    const containers = msgs(msg(podSpec, 25), 1).find((p) => str(p, 1) === 'containers') as Fields;
    const cext = msgs(msg(containers, 2), 31).map((na) => [str(na, 1), str(msg(na, 2), 2)]);
    expect(cext).to.deep.include(['x-kubernetes-patch-merge-key', '"name"\n']);
    expect(cext).to.deep.include(['x-kubernetes-patch-strategy', '"merge"\n']);
    // the deployment PATCH operation: gvk extension, consumes, fieldValidation query parameter
    const paths = msgs(msg(doc, 8), 2);
    const dep = paths.find((p) => str(p, 1) === '/apis/apps/v1/namespaces/{namespace}/deployments/{name}') as Fields;
    const patch = msg(msg(dep, 2), 8);
    expect((patch.get(7) ?? []).map((x) => (x as Buffer).toString())).to.include('application/strategic-merge-patch+json');
    const gvk = msgs(patch, 13).find((na) => str(na, 1) === 'x-kubernetes-group-version-kind') as Fields;
    expect(str(msg(gvk, 2), 2)).to.equal('group: "apps"\nkind: "Deployment"\nversion: "v1"\n');
    const queryNames = msgs(patch, 8).map((pi) => msg(pi, 1)).filter((p) => p.has(2)).map((p) => msg(msg(p, 2), 3)).map((q) => str(q, 4));
    expect(queryNames).to.include('fieldValidation');
  });
});

// ---------------------------------------------------------------------------------------------
// HTTP service

interface Resp { status: number; headers: http.IncomingHttpHeaders; body: Buffer }

describe('OpenAPIService', () => {
  let server: http.Server;
  let base: string;
  const get = (path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Resp> => new Promise((resolve, reject) => {
    const req = http.request(`${base}${path}`, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });

  before(async () => {
    const svc = new OpenAPIService();
    server = http.createServer((req, res) => {
      const path = (req.url ?? '/').split('?')[0];
      if (!svc.handle(req, res, path)) { res.writeHead(418); res.end(); }
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((r) => server.close(() => r())));

  it('serves the v3 index and each listed document with its hash as ETag', async () => {
    const idx = await get('/openapi/v3', { Accept: 'application/json, */*' });
    expect(idx.status).to.equal(200);
    expect(idx.headers['content-type']).to.equal('application/json');
    const paths = (JSON.parse(idx.body.toString()) as { paths: Record<string, { serverRelativeURL: string }> }).paths;
    expect(Object.keys(paths)).to.deep.equal(groupVersionKeys());
    for (const [key, { serverRelativeURL }] of Object.entries(paths)) {
      expect(serverRelativeURL).to.match(new RegExp(`^/openapi/v3/${key.replace(/\./g, '\\.')}\\?hash=[0-9A-F]{128}$`));
      const r = await get(`${serverRelativeURL}&timeout=32s`, { Accept: 'application/json' });
      expect(r.status).to.equal(200);
      expect(r.headers.etag).to.equal(`"${serverRelativeURL.split('hash=')[1]}"`);
      expect(r.headers['cache-control']).to.equal('public, immutable');
      expect(r.headers.expires).to.be.a('string');
      const doc = JSON.parse(r.body.toString()) as V3Document;
      expect(doc.openapi).to.equal('3.0.0');
    }
  });

  it('answers conditional requests with 304 and redirects stale hashes', async () => {
    const first = await get('/openapi/v3/apis/apps/v1');
    expect(first.status).to.equal(200);
    expect(first.headers['cache-control']).to.equal('no-cache, private');
    const etag = first.headers.etag as string;
    const again = await get('/openapi/v3/apis/apps/v1', { 'If-None-Match': etag });
    expect(again.status).to.equal(304);
    expect(again.body.length).to.equal(0);
    expect(again.headers.etag).to.equal(etag);
    const stale = await get('/openapi/v3/apis/apps/v1?hash=ABC');
    expect(stale.status).to.equal(301);
    expect(stale.headers.location).to.equal(`/openapi/v3/apis/apps/v1?hash=${etag.slice(1, -1)}`);
    const head = await get('/openapi/v3/api/v1', {}, 'HEAD');
    expect(head.status).to.equal(200);
    expect(Number(head.headers['content-length'])).to.be.greaterThan(1000);
  });

  it('gzips large documents when asked', async () => {
    const r = await get('/openapi/v3/api/v1', { 'Accept-Encoding': 'gzip' });
    expect(r.headers['content-encoding']).to.equal('gzip');
    const doc = JSON.parse(gunzipSync(r.body).toString()) as V3Document;
    expect(doc.paths).to.have.property('/api/v1/namespaces/{namespace}/pods/{name}');
  });

  it('serves /openapi/v2 as protobuf for kubectl and as JSON otherwise', async () => {
    const pb = await get('/openapi/v2', { Accept: 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf' });
    expect(pb.status).to.equal(200);
    expect(pb.headers['content-type']).to.equal('application/com.github.proto-openapi.spec.v2.v1.0+protobuf');
    expect(str(decode(pb.body), 1)).to.equal('2.0');
    const js = await get('/openapi/v2', { Accept: 'application/json' });
    expect(js.headers['content-type']).to.equal('application/json');
    expect(JSON.parse(js.body.toString())).to.include({ swagger: '2.0' });
    const any = await get('/openapi/v2');
    expect(any.headers['content-type']).to.equal('application/json');
    expect((await get('/openapi/v2', { 'If-None-Match': pb.headers.etag as string, Accept: 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf' })).status).to.equal(304);
  });

  it('404 for unknown documents, 406 for unacceptable types, other paths left alone', async () => {
    expect((await get('/openapi/v3/apis/example.com/v1')).status).to.equal(404);
    expect((await get('/openapi/v2', { Accept: 'text/html' })).status).to.equal(406);
    expect((await get('/openapi/v3/api/v1', { Accept: 'application/com.github.proto-openapi.spec.v3.v1.0+protobuf' })).status).to.equal(406);
    expect((await get('/openapiv2')).status).to.equal(418);
    expect((await get('/openapi/v2', {}, 'POST')).status).to.equal(418);
  });
});
