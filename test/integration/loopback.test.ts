// The API server's loopback endpoint: the components of skiff's own process (scheduler, node
// agents, controllers) reach it on a local socket with a token minted at start, as upstream's
// loopback client config does. Only that socket takes the token; without it (or with another
// one) a request is 401 like any other, and the TLS port does not take the loopback token.

import http from 'node:http';
import https from 'node:https';
import { expect } from 'chai';
import { startSkiff, type Skiff } from '../../src/index.ts';
import { RestClient, resource } from '../../src/client/rest.ts';

interface Answer { status: number; body: Record<string, unknown> }

function overSocket(socketPath: string, path: string, headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request({ socketPath, path, headers: { Host: 'localhost', ...headers }, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as Record<string, unknown> }));
    });
    req.on('error', reject);
    req.end();
  });
}

const describeLinux = process.platform === 'linux' ? describe : describe.skip;

describeLinux('API server loopback socket (in-process components)', () => {
  let skiff: Skiff;
  before(async () => { skiff = await startSkiff(); });
  after(async () => { await skiff?.close(); });

  it('serves the components over a local socket with their token, as the admin user', async () => {
    const { socketPath, token } = skiff.componentConfig;
    expect(socketPath, 'socket').to.be.a('string');
    expect(token, 'token').to.be.a('string');
    const ns = await overSocket(socketPath!, '/api/v1/namespaces', { Authorization: `Bearer ${token}` });
    expect(ns.status).to.equal(200);
    expect((ns.body.items as { metadata: { name: string } }[]).map((n) => n.metadata.name)).to.include('kube-system');
    const review = await new Promise<Answer>((resolve, reject) => {
      const body = JSON.stringify({ apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' });
      const req = http.request({ socketPath, method: 'POST', path: '/apis/authentication.k8s.io/v1/selfsubjectreviews', agent: false,
        headers: { Host: 'localhost', Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' } }, (res) => {
        let text = '';
        res.on('data', (c) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as Record<string, unknown> }));
      });
      req.on('error', reject);
      req.end(body);
    });
    expect(review.status).to.equal(201);
    const user = (review.body.status as { userInfo: { username: string; groups: string[] } }).userInfo;
    expect(user.username).to.equal('skiff-admin');
    expect(user.groups).to.include('system:masters');
  });

  it('answers 401 on the socket without the token or with another one', async () => {
    const { socketPath, token } = skiff.componentConfig;
    const variants: Record<string, string>[] = [{}, { Authorization: `Bearer ${token}x` }, { Authorization: 'Bearer nope' }];
    for (const headers of variants) {
      const r = await overSocket(socketPath!, '/api/v1/namespaces', headers);
      expect(r.status).to.equal(401);
      expect(r.body).to.include({ kind: 'Status', reason: 'Unauthorized', code: 401 });
    }
    // Health stays public, as on the TLS port.
    const health = await new Promise<number>((resolve, reject) => {
      http.get({ socketPath, path: '/readyz', agent: false }, (res) => { res.resume(); resolve(res.statusCode ?? 0); }).on('error', reject);
    });
    expect(health).to.equal(200);
  });

  it('does not take the loopback token on the TLS port', async () => {
    const { token } = skiff.componentConfig;
    const url = new URL(skiff.url);
    const status = await new Promise<number>((resolve, reject) => {
      https.get({ host: url.hostname, port: url.port, path: '/api/v1/namespaces', ca: skiff.credentials.caPem, agent: false,
        headers: { Authorization: `Bearer ${token}` } }, (res) => { res.resume(); resolve(res.statusCode ?? 0); }).on('error', reject);
    });
    expect(status).to.equal(401);
  });

  it('carries a component client: requests and a watch over the socket', async () => {
    const client = new RestClient(skiff.componentConfig);
    try {
      const cms = resource('configmaps');
      const events: string[] = [];
      const list = await client.list<{ metadata: { name: string } }>(cms, 'default');
      let done!: () => void;
      const seen = new Promise<void>((r) => (done = r));
      const req = client.stream(`/api/v1/namespaces/default/configmaps?watch=1&resourceVersion=${list.metadata.resourceVersion}`, (res) => {
        expect(res.statusCode).to.equal(200);
        res.setEncoding('utf8');
        res.on('data', (c: string) => {
          for (const line of c.split('\n').filter(Boolean)) {
            const ev = JSON.parse(line) as { type: string; object: { metadata: { name: string } } };
            events.push(`${ev.type} ${ev.object.metadata.name}`);
            if (events.length === 2) done();
          }
        });
      }, () => undefined);
      await client.create(cms, 'default', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'over-loopback' }, data: { a: '1' } });
      await client.patch(cms, 'default', 'over-loopback', 'merge', { data: { a: '2' } });
      await seen;
      req.destroy();
      expect(events).to.deep.equal(['ADDED over-loopback', 'MODIFIED over-loopback']);
      const got = await client.get<{ data: Record<string, string> }>(cms, 'default', 'over-loopback');
      expect(got.data).to.deep.equal({ a: '2' });
    } finally {
      client.close();
    }
  });
});
