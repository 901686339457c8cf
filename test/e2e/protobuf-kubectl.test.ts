// The real kubectl 1.32 (protobuf bodies) and 1.31 (JSON bodies) against a throwaway HTTPS server
// that decodes with src/server/protobuf and answers the review kinds with src/server/reviews.ts:
// every typed write must decode to exactly what 1.31 sent as JSON, and the commands must work.
// Skipped when the versioned kubectl binaries or openssl are missing.

import { expect } from 'chai';
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StatusError, toStatusError } from '../../src/server/errors.ts';
import { decodeProtobufBody } from '../../src/server/protobuf/index.ts';
import {
  type ReviewUser, reviewResourceRows, selfSubjectAccessReview, selfSubjectReview, selfSubjectRulesReview,
} from '../../src/server/reviews.ts';

const BIN = '/usr/lib/google-cloud-sdk/bin';
const KUBECTL_PB = process.env.KUBECTL_PROTOBUF ?? `${BIN}/kubectl.1.32`;
const KUBECTL_JSON = process.env.KUBECTL_JSON ?? `${BIN}/kubectl.1.31`;
const TOKEN = 'protobuf-e2e-token';
const USER: ReviewUser = { username: 'alice', uid: 'uid-alice', groups: ['devs', 'system:authenticated'] };

interface Recorded { client: string; method: string; path: string; contentType: string; body: Buffer }

type Row = [plural: string, kind: string, namespaced: boolean];
const CORE: Row[] = [
  ['configmaps', 'ConfigMap', true], ['secrets', 'Secret', true], ['namespaces', 'Namespace', false],
  ['serviceaccounts', 'ServiceAccount', true], ['services', 'Service', true],
];
const GROUPS: Record<string, Row[]> = {
  'apps/v1': [['deployments', 'Deployment', true]],
  'authorization.k8s.io/v1': [],
  'authentication.k8s.io/v1': [],
};
for (const r of reviewResourceRows) GROUPS[`${r.group}/${r.version}`].push([r.plural, r.kind, r.namespaced]);

function resourceList(groupVersion: string, rows: Row[]) {
  const resources: Record<string, unknown>[] = rows.map(([name, kind, namespaced]) => ({
    name, singularName: kind.toLowerCase(), namespaced, kind,
    verbs: reviewResourceRows.some((r) => r.plural === name) ? ['create'] : ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
  }));
  if (groupVersion === 'v1') {
    resources.push({ name: 'serviceaccounts/token', singularName: '', namespaced: true, group: 'authentication.k8s.io', version: 'v1', kind: 'TokenRequest', verbs: ['create'] });
  }
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion, resources };
}

function send(res: import('node:http').ServerResponse, code: number, obj: unknown): void {
  const body = JSON.stringify(obj);
  res.writeHead(code, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

/** The answer to a write: the review handlers, or the decoded object echoed back as stored. */
function answer(path: string, obj: Record<string, unknown>): [number, unknown] {
  if (path.endsWith('/selfsubjectaccessreviews')) return [201, selfSubjectAccessReview(obj, USER)];
  if (path.endsWith('/selfsubjectrulesreviews')) return [201, selfSubjectRulesReview(obj, USER)];
  if (path.endsWith('/selfsubjectreviews')) return [201, selfSubjectReview(USER)];
  if (path.endsWith('/token')) {
    return [201, { ...obj, status: { token: 'issued.token.value', expirationTimestamp: '2030-01-01T00:00:00Z' } }];
  }
  const meta = typeof obj.metadata === 'object' && obj.metadata !== null ? obj.metadata as Record<string, unknown> : {};
  return [201, { ...obj, metadata: { ...meta, uid: 'uid-1', resourceVersion: '1', creationTimestamp: '2025-01-01T00:00:00Z' } }];
}

const stripNulls = (v: unknown): unknown => {
  if (Array.isArray(v)) return v.map(stripNulls);
  if (typeof v === 'object' && v !== null) {
    return Object.fromEntries(Object.entries(v).filter(([, x]) => x !== null).map(([k, x]) => [k, stripNulls(x)]));
  }
  return v;
};

const COMMANDS: { args: string[]; stdout: RegExp }[] = [
  { args: ['create', 'configmap', 'cfg', '--from-literal=a=b', '--from-literal=empty='], stdout: /^configmap\/cfg created/ },
  { args: ['create', 'deployment', 'web', '--image=busybox', '--replicas=2', '--port=80'], stdout: /^deployment\.apps\/web created/ },
  { args: ['create', 'secret', 'generic', 's', '--from-literal=p=q'], stdout: /^secret\/s created/ },
  { args: ['create', 'namespace', 'n'], stdout: /^namespace\/n created/ },
  { args: ['create', 'serviceaccount', 'sa'], stdout: /^serviceaccount\/sa created/ },
  { args: ['create', 'service', 'clusterip', 'svc', '--tcp=80:8080'], stdout: /^service\/svc created/ },
  { args: ['auth', 'can-i', 'create', 'pods'], stdout: /^yes$/m },
  { args: ['auth', 'can-i', '--list'], stdout: /\*\.\*\s+\[\]\s+\[\]\s+\[\*\]/ },
  { args: ['auth', 'whoami'], stdout: /Username\s+alice[\s\S]*UID\s+uid-alice[\s\S]*Groups\s+\[devs system:authenticated\]/ },
  { args: ['create', 'token', 'sa', '--audience=api', '--duration=1h'], stdout: /^issued\.token\.value/ },
];

describe('kubectl protobuf request bodies (e2e)', function () {
  this.timeout(180_000);
  let work = '';
  let server: https.Server | undefined;
  let kubeconfig = '';
  const recorded: Recorded[] = [];

  before(async function () {
    if (!existsSync(KUBECTL_PB) || !existsSync(KUBECTL_JSON)) this.skip();
    work = mkdtempSync(join(tmpdir(), 'skiff-protobuf-'));
    try {
      execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
        '-keyout', join(work, 'key.pem'), '-out', join(work, 'cert.pem'), '-days', '1', '-subj', '/CN=127.0.0.1',
        '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
    } catch {
      this.skip();
    }
    server = https.createServer({ key: readFileSync(join(work, 'key.pem')), cert: readFileSync(join(work, 'cert.pem')) }, (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const path = new URL(req.url ?? '/', 'https://x').pathname;
        const body = Buffer.concat(chunks);
        if (req.headers.authorization !== `Bearer ${TOKEN}`) return send(res, 401, new StatusError(401, 'Unauthorized', 'Unauthorized').toStatus());
        if (path === '/version') {
          return send(res, 200, { major: '1', minor: '32', gitVersion: 'v1.32.0', gitCommit: '0000000000000000000000000000000000000000', gitTreeState: 'clean', buildDate: '2024-12-11T00:00:00Z', goVersion: 'go1.23.4', compiler: 'gc', platform: 'linux/amd64' });
        }
        if (path === '/api') return send(res, 200, { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '127.0.0.1' }] });
        if (path === '/apis') {
          return send(res, 200, { kind: 'APIGroupList', apiVersion: 'v1', groups: Object.keys(GROUPS).map((gv) => {
            const [name, version] = gv.split('/');
            return { name, versions: [{ groupVersion: gv, version }], preferredVersion: { groupVersion: gv, version } };
          }) });
        }
        if (path === '/api/v1') return send(res, 200, resourceList('v1', CORE));
        for (const [gv, rows] of Object.entries(GROUPS)) if (path === `/apis/${gv}`) return send(res, 200, resourceList(gv, rows));
        if (req.method !== 'POST') return send(res, 404, new StatusError(404, 'NotFound', 'the server could not find the requested resource').toStatus());
        const contentType = String(req.headers['content-type'] ?? '');
        recorded.push({ client: String(req.headers['user-agent'] ?? ''), method: req.method, path, contentType, body });
        try {
          const obj = contentType.startsWith('application/vnd.kubernetes.protobuf')
            ? decodeProtobufBody(body).object
            : JSON.parse(body.toString('utf8')) as Record<string, unknown>;
          const [code, out] = answer(path, obj);
          send(res, code, out);
        } catch (e) {
          const se = toStatusError(e);
          send(res, se.code, se.toStatus());
        }
      });
    });
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    kubeconfig = join(work, 'kubeconfig');
    writeFileSync(kubeconfig, `apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: "https://127.0.0.1:${port}", insecure-skip-tls-verify: true}}]
users: [{name: u, user: {token: ${TOKEN}}}]
contexts: [{name: c, context: {cluster: c, user: u, namespace: default}}]
current-context: c
`);
  });

  after(async () => {
    if (server) await new Promise<void>((resolve) => server?.close(() => resolve()));
    if (work) rmSync(work, { recursive: true, force: true });
  });

  const kubectl = (bin: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> =>
    new Promise((resolve) => {
      execFile(bin, ['--kubeconfig', kubeconfig, '--cache-dir', join(work, `cache-${bin.slice(-4)}`), ...args], { timeout: 30_000 }, (err, stdout, stderr) => {
        const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
        resolve({ code, stdout, stderr });
      });
    });

  for (const { args, stdout } of COMMANDS) {
    it(`kubectl ${args.join(' ')}: works on 1.32 (protobuf) and 1.31 (JSON), same object`, async () => {
      const bodies: Recorded[][] = [];
      for (const bin of [KUBECTL_PB, KUBECTL_JSON]) {
        const before = recorded.length;
        const r = await kubectl(bin, args);
        expect(r.code, `${bin} ${args.join(' ')}\n${r.stderr}`).to.equal(0);
        expect(r.stdout).to.match(stdout);
        bodies.push(recorded.slice(before));
      }
      const [pb, js] = bodies;
      expect(pb).to.have.length(1);
      expect(js).to.have.length(1);
      expect(pb[0].contentType).to.equal('application/vnd.kubernetes.protobuf');
      expect(js[0].contentType).to.equal('application/json');
      expect(pb[0].path).to.equal(js[0].path);
      expect(decodeProtobufBody(pb[0].body).object).to.deep.equal(stripNulls(JSON.parse(js[0].body.toString('utf8'))));
    });
  }
});
