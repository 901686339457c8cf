// pods/log, exec, attach and portforward as the API server answers them before any byte reaches
// a node: container selection and option validation as upstream's pod REST does, Status errors
// (never a 500) for bad input, and a clear BadRequest for pods on simulated nodes (their
// runtime runs no processes). Real streaming is in test/e2e/streaming.test.ts.

import { expect } from 'chai';
import { execFile } from 'node:child_process';
import https from 'node:https';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSkiff, type Skiff } from '../../src/skiff.ts';
import { request, until } from '../helpers.ts';

interface Status { kind: string; status: string; reason: string; code: number; message: string }

/** An upgrade request; resolves to the refusal (status and body), or 101. */
function upgrade(skiff: Skiff, path: string, headers: Record<string, string>, anonymous = false): Promise<{ status: number; body: string }> {
  const c = skiff.credentials;
  return new Promise((resolve, reject) => {
    const req = https.request(`${skiff.url}${path}`, {
      method: headers.Upgrade === 'websocket' ? 'GET' : 'POST', agent: false, ca: c.caPem, ...(anonymous ? {} : { cert: c.certPem, key: c.keyPem }),
      headers: { Connection: 'Upgrade', ...headers },
    });
    req.on('upgrade', (_res, socket) => { socket.destroy(); resolve({ status: 101, body: '' }); });
    req.on('response', (res) => {
      let body = '';
      res.on('data', (d: Buffer) => { body += d.toString(); });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

const SPDY = { Upgrade: 'SPDY/3.1', 'X-Stream-Protocol-Version': 'v4.channel.k8s.io' };
const WS = { Upgrade: 'websocket', 'Sec-WebSocket-Version': '13', 'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==', 'Sec-WebSocket-Protocol': 'v5.channel.k8s.io' };

describe('streaming subresources on the API server', function () {
  this.timeout(60_000);
  let skiff: Skiff;
  let work: string;

  const pod = (name: string, containers: string[], extra: Record<string, unknown> = {}) => ({
    apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default' },
    spec: { containers: containers.map((c) => ({ name: c, image: 'busybox' })), ...extra },
  });

  before(async () => {
    skiff = await startSkiff({ hostNode: true, scheduler: true });
    work = mkdtempSync(join(tmpdir(), 'skiff-streaming-int-'));
    for (const p of [pod('one', ['main']), pod('two', ['main', 'side'], { initContainers: [{ name: 'init', image: 'busybox' }] })]) {
      expect((await request(skiff, 'POST', '/api/v1/namespaces/default/pods', { body: p })).status).to.equal(201);
    }
    // Never scheduled: no node matches.
    expect((await request(skiff, 'POST', '/api/v1/namespaces/default/pods', { body: pod('nowhere', ['main'], { nodeSelector: { none: 'such' } }) })).status).to.equal(201);
    await until('pods running', async () => {
      const r = await request(skiff, 'GET', '/api/v1/namespaces/default/pods/one');
      return (r.json as { status?: { phase?: string } }).status?.phase === 'Running' || undefined;
    }, 30_000);
  });

  after(async () => {
    await skiff?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('lists pods log, exec, attach, portforward, proxy and services proxy in discovery', async () => {
    const r = await request(skiff, 'GET', '/api/v1');
    const names = (r.json as { resources: { name: string; verbs: string[] }[] }).resources.filter((x) => x.name.includes('/')).map((x) => x.name);
    expect(names).to.include.members(['pods/log', 'pods/exec', 'pods/attach', 'pods/portforward', 'pods/proxy', 'services/proxy']);
  });

  const cases: { name: string; path: string; code: number; reason: string; message?: string | RegExp }[] = [
    { name: 'log of a missing pod', path: '/api/v1/namespaces/default/pods/nope/log', code: 404, reason: 'NotFound', message: 'pods "nope" not found' },
    { name: 'log without a container of a two-container pod', path: '/api/v1/namespaces/default/pods/two/log', code: 400, reason: 'BadRequest', message: 'a container name must be specified for pod two, choose one of: [main side] or one of the init containers: [init]' },
    { name: 'log of an unknown container', path: '/api/v1/namespaces/default/pods/one/log?container=zzz', code: 400, reason: 'BadRequest', message: 'container zzz is not valid for pod one' },
    { name: 'negative tailLines', path: '/api/v1/namespaces/default/pods/one/log?tailLines=-3', code: 422, reason: 'Invalid', message: /tailLines: Invalid value: -3/ },
    { name: 'non-numeric limitBytes', path: '/api/v1/namespaces/default/pods/one/log?limitBytes=lots', code: 422, reason: 'Invalid', message: /limitBytes/ },
    { name: 'both sinceSeconds and sinceTime', path: '/api/v1/namespaces/default/pods/one/log?sinceSeconds=5&sinceTime=2026-01-01T00:00:00Z', code: 422, reason: 'Invalid', message: /at most one of sinceTime or sinceSeconds/ },
    { name: 'log of a pod on a simulated node', path: '/api/v1/namespaces/default/pods/one/log', code: 400, reason: 'BadRequest', message: /runs on the simulated node .*runs no containers/ },
    { name: 'exec without an upgrade', path: '/api/v1/namespaces/default/pods/one/exec?command=ls&stdout=true', code: 400, reason: 'BadRequest', message: 'Upgrade request required' },
  ];
  for (const c of cases) {
    it(`${c.name}: ${c.code} ${c.reason}`, async () => {
      const r = await request(skiff, c.path.includes('/exec') ? 'POST' : 'GET', c.path);
      expect(r.status, r.text).to.equal(c.code);
      const s = r.json as Status;
      expect(s.kind).to.equal('Status');
      expect(s.reason).to.equal(c.reason);
      if (typeof c.message === 'string') expect(s.message).to.equal(c.message);
      else if (c.message) expect(s.message).to.match(c.message);
    });
  }

  it('log of a pod not yet scheduled is empty', async () => {
    const r = await request(skiff, 'GET', '/api/v1/namespaces/default/pods/nowhere/log');
    expect(r.status).to.equal(200);
    expect(r.text).to.equal('');
  });

  const upgrades: { name: string; path: string; headers: Record<string, string>; anonymous?: boolean; code: number; message: RegExp }[] = [
    { name: 'SPDY exec on a simulated node', path: '/api/v1/namespaces/default/pods/one/exec?command=ls&stdout=true', headers: SPDY, code: 400, message: /simulated node/ },
    { name: 'WebSocket exec on a simulated node (kubectl then falls back to SPDY)', path: '/api/v1/namespaces/default/pods/one/exec?command=ls&stdout=true', headers: WS, code: 400, message: /simulated node/ },
    { name: 'port-forward on a simulated node', path: '/api/v1/namespaces/default/pods/one/portforward', headers: { Upgrade: 'SPDY/3.1', 'X-Stream-Protocol-Version': 'portforward.k8s.io' }, code: 400, message: /simulated node/ },
    { name: 'exec of a missing pod', path: '/api/v1/namespaces/default/pods/nope/exec?command=ls&stdout=true', headers: SPDY, code: 404, message: /pods "nope" not found/ },
    { name: 'exec without a command', path: '/api/v1/namespaces/default/pods/one/exec?stdout=true', headers: SPDY, code: 400, message: /you must specify a command/ },
    { name: 'exec with neither stdin, stdout nor stderr', path: '/api/v1/namespaces/default/pods/one/exec?command=ls', headers: SPDY, code: 400, message: /at least 1 of stdin, stdout, stderr/ },
    { name: 'exec with tty and stderr', path: '/api/v1/namespaces/default/pods/one/exec?command=ls&stdout=true&stderr=true&tty=true', headers: SPDY, code: 400, message: /tty and stderr cannot both be true/ },
    { name: 'attach to a pod not yet scheduled', path: '/api/v1/namespaces/default/pods/nowhere/attach?stdout=true', headers: SPDY, code: 400, message: /does not have a host assigned/ },
    { name: 'an upgrade without credentials', path: '/api/v1/namespaces/default/pods/one/exec?command=ls&stdout=true', headers: SPDY, anonymous: true, code: 401, message: /Unauthorized/ },
    { name: 'an upgrade of a path that streams nothing', path: '/api/v1/namespaces/default/configmaps', headers: SPDY, code: 400, message: /connection upgrades are served only by/ },
    { name: 'an unknown upgrade protocol', path: '/api/v1/namespaces/default/pods/one/exec?command=ls&stdout=true', headers: { Upgrade: 'h2c' }, code: 400, message: /unsupported upgrade protocol/ },
  ];
  for (const u of upgrades) {
    it(`${u.name}: ${u.code}`, async () => {
      const r = await upgrade(skiff, u.path, u.headers, u.anonymous);
      expect(r.status, r.body).to.equal(u.code);
      const s = JSON.parse(r.body) as Status;
      expect(s.kind).to.equal('Status');
      expect(s.message).to.match(u.message);
    });
  }

  const proxies: { path: string; code: number; message: RegExp }[] = [
    { path: '/api/v1/namespaces/default/pods/one/proxy/', code: 400, message: /simulated node/ },
    { path: '/api/v1/namespaces/default/pods/nope:80/proxy/', code: 404, message: /pods "nope" not found/ },
    { path: '/api/v1/namespaces/default/pods/one:http/proxy/', code: 400, message: /named ports are not supported/ },
    { path: '/api/v1/namespaces/default/pods/ftp:one:21/proxy/', code: 400, message: /invalid request/ },
    { path: '/api/v1/namespaces/default/services/nope/proxy/', code: 404, message: /services "nope" not found/ },
    { path: '/api/v1/namespaces/default/services/lonely:http/proxy/', code: 503, message: /^no endpoints available for service "lonely"$/ },
    { path: '/api/v1/namespaces/default/services/lonely:81/proxy/', code: 503, message: /^no service port 81 found for service "lonely"$/ },
  ];
  for (const p of proxies) {
    it(`${p.path.includes('/pods/') ? 'pods' : 'services'}/proxy ${p.path}: ${p.code}`, async () => {
      if (p.path.includes('/lonely')) {
        const svc = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'lonely', namespace: 'default' }, spec: { selector: { app: 'none' }, ports: [{ name: 'http', port: 80 }] } };
        const c = await request(skiff, 'POST', '/api/v1/namespaces/default/services', { body: svc });
        expect([201, 409]).to.include(c.status);
      }
      const r = await request(skiff, 'GET', p.path);
      expect(r.status, r.text).to.equal(p.code);
      expect((r.json as Status).message).to.match(p.message);
    });
  }

  it('kubectl exec on a simulated node prints the reason and exits 1 (after its WebSocket-to-SPDY fallback)', async () => {
    const r = await new Promise<{ code: number; stderr: string }>((resolve) => {
      execFile('kubectl', ['--kubeconfig', skiff.kubeconfigPath, '--cache-dir', join(work, 'cache'), 'exec', 'one', '--', 'ls'], { timeout: 30_000 },
        (err, _stdout, stderr) => resolve({ code: err ? 1 : 0, stderr }));
    });
    expect(r.code).to.equal(1);
    expect(r.stderr).to.match(/simulated node/);
  });
});
