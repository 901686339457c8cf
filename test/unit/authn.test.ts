import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import type { PeerCertificate } from 'node:tls';
import {
  Authenticator,
  bearerToken,
  loadTokenFile,
  parseTokenFile,
  type UserInfo,
} from '../../src/server/authn.ts';
import { ensurePki, parseCertSubject, signClientCert, type Pki } from '../../src/server/pki.ts';

interface Reply {
  status: number;
  user?: UserInfo;
  /** Remote port of the client socket as the server saw it (identifies the connection). */
  peerPort?: number;
}

interface ClientCreds {
  cert?: string;
  key?: string;
  token?: string;
  authorization?: string;
  agent?: https.Agent;
}

describe('authn', function () {
  let dir: string;
  let pki: Pki;
  let otherPki: Pki;
  let server: https.Server;
  let port: number;
  let authn: Authenticator;

  before(async function () {
    dir = mkdtempSync(join(tmpdir(), 'skiff-authn-'));
    pki = await ensurePki(join(dir, 'a'), {});
    otherPki = await ensurePki(join(dir, 'b'), {});
    const tokenFile = join(dir, 'tokens.csv');
    writeFileSync(
      tokenFile,
      [
        '# token, user, uid, groups',
        '',
        'tok-alice,alice,uid-1,"dev,ops"',
        'tok-bob,bob,uid-2',
        '  tok-carol , carol,uid-3,system:masters',
      ].join('\n') + '\n',
    );
    authn = new Authenticator({ tokens: loadTokenFile(tokenFile) });
    server = https.createServer(
      { key: pki.serverKeyPem, cert: pki.serverCertPem, ca: pki.caCertPem, requestCert: true, rejectUnauthorized: false },
      (req, res) => {
        const user = authn.authenticate(req);
        res.setHeader('content-type', 'application/json');
        res.statusCode = user ? 200 : 401;
        res.end(JSON.stringify({ user, peerPort: req.socket.remotePort }));
      },
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });

  after(async function () {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    rmSync(dir, { recursive: true, force: true });
  });

  function call(creds: ClientCreds = {}): Promise<Reply> {
    return new Promise((resolve, reject) => {
      const headers: Record<string, string> = {};
      if (creds.token) headers['authorization'] = `Bearer ${creds.token}`;
      if (creds.authorization) headers['authorization'] = creds.authorization;
      const req = https.request(
        {
          host: '127.0.0.1',
          port,
          path: '/whoami',
          ca: pki.caCertPem,
          cert: creds.cert,
          key: creds.key,
          headers,
          // A fresh connection per call unless an agent is given: connections
          // must never be shared between identities.
          agent: creds.agent ?? false,
        },
        (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => (body += c));
          res.on('end', () => {
            const parsed = JSON.parse(body) as { user?: UserInfo; peerPort?: number };
            resolve({ status: res.statusCode ?? 0, user: parsed.user, peerPort: parsed.peerPort });
          });
        },
      );
      req.on('error', reject);
      req.end();
    });
  }

  describe('x509 client certificates', function () {
    it('maps the admin cert to skiff-admin in system:masters', async function () {
      const r = await call({ cert: pki.adminCertPem, key: pki.adminKeyPem });
      expect(r.status).to.equal(200);
      expect(r.user).to.deep.equal({ username: 'skiff-admin', groups: ['system:masters', 'system:authenticated'] });
    });

    it('maps CN to the user and every O to a group for signClientCert certs', async function () {
      const c = await signClientCert(pki, { cn: 'system:node:worker-1', orgs: ['system:nodes', 'team-a'] });
      const r = await call({ cert: c.certPem, key: c.keyPem });
      expect(r.user).to.deep.equal({
        username: 'system:node:worker-1',
        groups: ['system:nodes', 'team-a', 'system:authenticated'],
      });
      const solo = await signClientCert(pki, { cn: 'nogroups' });
      expect((await call({ cert: solo.certPem, key: solo.keyPem })).user).to.deep.equal({
        username: 'nogroups',
        groups: ['system:authenticated'],
      });
    });

    it('returns undefined without credentials', async function () {
      const r = await call();
      expect(r.status).to.equal(401);
      expect(r.user).to.equal(undefined);
    });

    it('rejects a certificate from a different CA', async function () {
      const r = await call({ cert: otherPki.adminCertPem, key: otherPki.adminKeyPem });
      expect(r.status).to.equal(401);
      expect(r.user).to.equal(undefined);
    });

    it('rejects a CA-signed certificate whose EKU excludes clientAuth', async function () {
      // The serving cert is signed by the right CA but is serverAuth-only.
      const r = await call({ cert: pki.serverCertPem, key: pki.serverKeyPem });
      expect(r.status).to.equal(401);
    });

    it('falls back to the bearer token when the cert is not trusted', async function () {
      const r = await call({ cert: otherPki.adminCertPem, key: otherPki.adminKeyPem, token: 'tok-bob' });
      expect(r.user).to.deep.equal({ username: 'bob', uid: 'uid-2', groups: ['system:authenticated'] });
    });

    it('keeps serving the cached user across keep-alive requests on one connection', async function () {
      const agent = new https.Agent({ keepAlive: true, maxSockets: 1 });
      try {
        const a = await call({ cert: pki.adminCertPem, key: pki.adminKeyPem, agent });
        const b = await call({ cert: pki.adminCertPem, key: pki.adminKeyPem, agent });
        const c = await call({ cert: pki.adminCertPem, key: pki.adminKeyPem, agent });
        expect(b.peerPort).to.equal(a.peerPort); // same TLS connection
        expect(c.peerPort).to.equal(a.peerPort);
        expect(b.user).to.deep.equal(a.user);
        expect(c.user?.username).to.equal('skiff-admin');
      } finally {
        agent.destroy();
      }
    });
  });

  describe('bearer tokens', function () {
    it('authenticates a token from the token file with its user, uid and groups', async function () {
      const r = await call({ token: 'tok-alice' });
      expect(r.status).to.equal(200);
      expect(r.user).to.deep.equal({ username: 'alice', uid: 'uid-1', groups: ['dev', 'ops', 'system:authenticated'] });
      const c = await call({ token: 'tok-carol' });
      expect(c.user).to.deep.equal({ username: 'carol', uid: 'uid-3', groups: ['system:masters', 'system:authenticated'] });
    });

    it('accepts the scheme case-insensitively and rejects unknown tokens and other schemes', async function () {
      expect((await call({ authorization: 'bearer tok-alice' })).user?.username).to.equal('alice');
      expect((await call({ token: 'nope' })).status).to.equal(401);
      expect((await call({ authorization: 'Basic dG9rLWFsaWNlOg==' })).status).to.equal(401);
      expect((await call({ authorization: 'Bearer' })).status).to.equal(401);
    });

    it('prefers the client certificate over a token (x509 runs first)', async function () {
      const r = await call({ cert: pki.adminCertPem, key: pki.adminKeyPem, token: 'tok-alice' });
      expect(r.user?.username).to.equal('skiff-admin');
    });

    it('returns frozen, shared user objects', function () {
      const a = new Authenticator({ tokens: parseTokenFile('t,u,,g\n') });
      const fake = { socket: {}, headers: { authorization: 'Bearer t' } } as unknown as Parameters<Authenticator['authenticate']>[0];
      const u1 = a.authenticate(fake);
      const u2 = a.authenticate(fake);
      expect(u1).to.equal(u2);
      expect(u1).to.deep.equal({ username: 'u', groups: ['g', 'system:authenticated'] });
      expect(Object.isFrozen(u1)).to.equal(true);
      expect(Object.isFrozen(u1?.groups)).to.equal(true);
    });
  });

  describe('bearerToken()', function () {
    it('parses like upstream', function () {
      expect(bearerToken('Bearer abc')).to.equal('abc');
      expect(bearerToken('BEARER abc')).to.equal('abc');
      expect(bearerToken('  Bearer abc  ')).to.equal('abc');
      expect(bearerToken('Bearer abc extra')).to.equal('abc');
      expect(bearerToken('Bearer  abc')).to.equal(undefined);
      expect(bearerToken('Bearer ')).to.equal(undefined);
      expect(bearerToken('Bearerabc')).to.equal(undefined);
      expect(bearerToken('Beaver abc')).to.equal(undefined);
      expect(bearerToken('Basic abc')).to.equal(undefined);
      expect(bearerToken('')).to.equal(undefined);
    });
  });

  describe('parseTokenFile()', function () {
    it('parses tokens, optional quoted groups, comments and blank lines', function () {
      const m = parseTokenFile(
        ['# comment', '', '   ', 'a,alice,1,"g1,g2"', 'b,bob,2', 'c,carol,,single', 'd,dave,4,"with ""quote"""', 'e,eve,5,"",extra\r'].join(
          '\n',
        ),
      );
      expect([...m.keys()]).to.deep.equal(['a', 'b', 'c', 'd', 'e']);
      expect(m.get('a')).to.deep.equal({ username: 'alice', uid: '1', groups: ['g1', 'g2'] });
      expect(m.get('b')).to.deep.equal({ username: 'bob', uid: '2', groups: [] });
      expect(m.get('c')).to.deep.equal({ username: 'carol', groups: ['single'] });
      expect(m.get('d')?.groups).to.deep.equal(['with "quote"']);
      expect(m.get('e')).to.deep.equal({ username: 'eve', uid: '5', groups: [] });
    });

    it('lets the last duplicate token win', function () {
      expect(parseTokenFile('t,a,1\nt,b,2\n').get('t')?.username).to.equal('b');
    });

    it('throws errors naming the file and line', function () {
      expect(() => parseTokenFile('# ok\nt,a,1\nonly,two\n', 'tokens.csv')).to.throw(
        /tokens\.csv:3: must have at least 3 columns/,
      );
      expect(() => parseTokenFile('t,a,1,"unterminated\n', 'f')).to.throw(/f:1: malformed CSV/);
      expect(() => parseTokenFile('\n,a,1\n', 'f')).to.throw(/f:2: empty token/);
      expect(() => parseTokenFile('t,,1\n', 'f')).to.throw(/f:1: empty user name/);
      expect(() => parseTokenFile('t,"a"x,1\n', 'f')).to.throw(/f:1: malformed CSV/);
    });

    it('reports a missing file clearly', function () {
      expect(() => loadTokenFile(join(dir, 'missing.csv'))).to.throw(/token file .*missing\.csv/);
    });
  });

  describe('parseCertSubject()', function () {
    it('handles string and array CN/O', function () {
      const mk = (subject: Record<string, string | string[]>): PeerCertificate =>
        ({ subject }) as unknown as PeerCertificate;
      expect(parseCertSubject(mk({ CN: 'u', O: 'g' }))).to.deep.equal({ user: 'u', groups: ['g'] });
      expect(parseCertSubject(mk({ CN: 'u', O: ['a', 'b'] }))).to.deep.equal({ user: 'u', groups: ['a', 'b'] });
      expect(parseCertSubject(mk({ CN: ['x', 'y'] }))).to.deep.equal({ user: 'y', groups: [] });
      expect(parseCertSubject(mk({ O: 'g' }))).to.equal(undefined);
      expect(parseCertSubject(mk({ CN: '' }))).to.equal(undefined);
    });

    it('reads a real peer certificate', async function () {
      const c = await signClientCert(pki, { cn: 'probe', orgs: ['o1', 'o2'] });
      const seen = await new Promise<ReturnType<typeof parseCertSubject>>((resolve, reject) => {
        const s = https.createServer(
          { key: pki.serverKeyPem, cert: pki.serverCertPem, ca: pki.caCertPem, requestCert: true, rejectUnauthorized: false },
          (req, res) => {
            resolve(parseCertSubject((req.socket as TLSSocket).getPeerCertificate()));
            res.end();
            s.closeAllConnections();
            s.close();
          },
        );
        s.listen(0, '127.0.0.1', () => {
          const p = (s.address() as AddressInfo).port;
          https
            .get({ host: '127.0.0.1', port: p, ca: pki.caCertPem, cert: c.certPem, key: c.keyPem, agent: false }, (r) => r.resume())
            .on('error', reject);
        });
      });
      expect(seen).to.deep.equal({ user: 'probe', groups: ['o1', 'o2'] });
    });
  });
});
