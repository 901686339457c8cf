import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { load } from 'js-yaml';
import { Authenticator, type UserInfo } from '../../src/server/authn.ts';
import { kubeconfigYaml, writeKubeconfig } from '../../src/server/kubeconfig.ts';
import { ensurePki, signClientCert, type Pki } from '../../src/server/pki.ts';

const KUBECTL = '/usr/bin/kubectl';
const KUBECTL_DIR = '/usr/lib/google-cloud-sdk/bin';

interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<RunResult> {
  return new Promise((resolve) => {
    execFile(cmd, args, { env, timeout: 20_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

describe('pki', function () {
  let dir: string;
  let pki: Pki;

  before(async function () {
    dir = mkdtempSync(join(tmpdir(), 'skiff-pki-'));
    pki = await ensurePki(dir, { hosts: ['skiff.example'], ips: ['192.0.2.10'] });
  });

  after(function () {
    rmSync(dir, { recursive: true, force: true });
  });

  it('generates the CA, serving and admin material', function () {
    for (const f of ['ca.crt', 'ca.key', 'apiserver.crt', 'apiserver.key', 'admin.crt', 'admin.key']) {
      expect(existsSync(join(dir, 'pki', f)), f).to.equal(true);
    }
    for (const f of ['ca.key', 'apiserver.key', 'admin.key']) {
      expect(statSync(join(dir, 'pki', f)).mode & 0o777, f).to.equal(0o600);
      expect(readFileSync(join(dir, 'pki', f), 'utf8')).to.match(/^-----BEGIN PRIVATE KEY-----\n/);
    }
    expect(readFileSync(join(dir, 'pki', 'ca.crt'), 'utf8')).to.equal(pki.caCertPem);
  });

  it('builds a CA and leaf certificates with the expected fields', function () {
    const ca = new X509Certificate(pki.caCertPem);
    expect(ca.ca).to.equal(true);
    expect(ca.subject).to.equal('CN=skiff-ca');
    expect(ca.verify(ca.publicKey)).to.equal(true);
    const years = (Date.parse(ca.validTo) - Date.now()) / (365 * 24 * 3600 * 1000);
    expect(years).to.be.within(9.9, 10.1);
    expect(ca.publicKey.asymmetricKeyDetails?.namedCurve).to.equal('prime256v1');

    const srv = new X509Certificate(pki.serverCertPem);
    expect(srv.ca).to.equal(false);
    expect(srv.subject).to.equal('CN=kube-apiserver');
    expect(srv.checkIssued(ca)).to.equal(true);
    expect(srv.verify(ca.publicKey)).to.equal(true);
    expect(srv.keyUsage).to.deep.equal(['1.3.6.1.5.5.7.3.1']);
    for (const h of [
      'localhost',
      'kubernetes',
      'kubernetes.default',
      'kubernetes.default.svc',
      'kubernetes.default.svc.cluster.local',
      hostname().toLowerCase(),
      'skiff.example',
    ]) {
      expect(srv.checkHost(h, { subject: 'never' }), h).to.equal(h);
    }
    for (const ip of ['127.0.0.1', '::1', '10.96.0.1', '192.0.2.10']) expect(srv.checkIP(ip), ip).to.equal(ip);

    const adm = new X509Certificate(pki.adminCertPem);
    expect(adm.subject.split('\n').sort()).to.deep.equal(['CN=skiff-admin', 'O=system:masters']);
    expect(adm.checkIssued(ca)).to.equal(true);
    expect(adm.keyUsage).to.deep.equal(['1.3.6.1.5.5.7.3.2']);
  });

  it('reloads the same material from disk on later calls', async function () {
    const again = await ensurePki(dir, { hosts: ['skiff.example'], ips: ['192.0.2.10'] });
    expect(again).to.deep.equal(pki);
    // A subset of the SANs does not force re-issuing either.
    const subset = await ensurePki(dir, {});
    expect(subset.serverCertPem).to.equal(pki.serverCertPem);
  });

  it('re-issues only the serving cert when a new host/ip is requested', async function () {
    const d2 = join(dir, 'regen');
    const p1 = await ensurePki(d2, {});
    const p2 = await ensurePki(d2, { hosts: ['new.example'], ips: ['198.51.100.7'] });
    expect(p2.caCertPem).to.equal(p1.caCertPem);
    expect(p2.caKeyPem).to.equal(p1.caKeyPem);
    expect(p2.adminCertPem).to.equal(p1.adminCertPem);
    expect(p2.serverCertPem).to.not.equal(p1.serverCertPem);
    const srv = new X509Certificate(p2.serverCertPem);
    expect(srv.checkHost('new.example', { subject: 'never' })).to.equal('new.example');
    expect(srv.checkIP('198.51.100.7')).to.equal('198.51.100.7');
    expect(srv.checkIssued(new X509Certificate(p1.caCertPem))).to.equal(true);
    expect(readFileSync(join(d2, 'pki', 'apiserver.crt'), 'utf8')).to.equal(p2.serverCertPem);
    const p3 = await ensurePki(d2, { hosts: ['new.example'], ips: ['198.51.100.7'] });
    expect(p3.serverCertPem).to.equal(p2.serverCertPem);
  });

  it('re-creates missing leaves but refuses a CA cert without its key', async function () {
    const d3 = join(dir, 'partial');
    const p1 = await ensurePki(d3, {});
    rmSync(join(d3, 'pki', 'admin.crt'));
    const p2 = await ensurePki(d3, {});
    expect(p2.caCertPem).to.equal(p1.caCertPem);
    expect(p2.adminCertPem).to.not.equal(p1.adminCertPem);
    rmSync(join(d3, 'pki', 'ca.key'));
    let err: unknown;
    try {
      await ensurePki(d3, {});
    } catch (e) {
      err = e;
    }
    expect(String(err)).to.match(/ca\.crt but no ca\.key/);
  });

  it('rejects a non-IP in opts.ips', async function () {
    let err: unknown;
    try {
      await ensurePki(join(dir, 'badip'), { ips: ['not-an-ip'] });
    } catch (e) {
      err = e;
    }
    expect(String(err)).to.match(/not an IP address/);
  });

  it('signClientCert issues CA-signed clientAuth certs', async function () {
    const c = await signClientCert(pki, { cn: 'agent-1', orgs: ['system:nodes'] });
    const x = new X509Certificate(c.certPem);
    expect(x.checkIssued(new X509Certificate(pki.caCertPem))).to.equal(true);
    expect(x.subject.split('\n').sort()).to.deep.equal(['CN=agent-1', 'O=system:nodes']);
    expect(x.keyUsage).to.deep.equal(['1.3.6.1.5.5.7.3.2']);
    expect(c.keyPem).to.match(/^-----BEGIN PRIVATE KEY-----\n/);
    // Serial numbers are random.
    const c2 = await signClientCert(pki, { cn: 'agent-1' });
    expect(new X509Certificate(c2.certPem).serialNumber).to.not.equal(x.serialNumber);
  });
});

describe('kubeconfig', function () {
  let dir: string;
  let pki: Pki;
  let server: https.Server;
  let port: number;
  const seen: (UserInfo | undefined)[] = [];

  before(async function () {
    dir = mkdtempSync(join(tmpdir(), 'skiff-kubeconfig-'));
    pki = await ensurePki(dir, {});
    const authn = new Authenticator({
      tokens: new Map([['sekrit-token', { username: 'tokenuser', groups: ['g1'] }]]),
    });
    server = https.createServer(
      { key: pki.serverKeyPem, cert: pki.serverCertPem, ca: pki.caCertPem, requestCert: true, rejectUnauthorized: false },
      (req, res) => {
        const user = authn.authenticate(req);
        seen.push(user);
        res.setHeader('content-type', 'application/json');
        if (!user) {
          res.statusCode = 401;
          res.end(
            JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'Unauthorized', code: 401, message: 'Unauthorized' }),
          );
          return;
        }
        const path = (req.url ?? '').split('?')[0];
        if (path === '/version') {
          res.end(
            JSON.stringify({
              major: '1',
              minor: '32',
              gitVersion: 'v1.32.0',
              gitCommit: '0000000000000000000000000000000000000000',
              gitTreeState: 'clean',
              buildDate: '2025-01-01T00:00:00Z',
              goVersion: 'go1.23.4',
              compiler: 'gc',
              platform: 'linux/amd64',
            }),
          );
          return;
        }
        res.statusCode = 404;
        res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'NotFound', code: 404 }));
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

  function kubectlEnv(): NodeJS.ProcessEnv {
    // Isolated HOME (discovery cache), no inherited KUBECONFIG or proxies.
    const env: NodeJS.ProcessEnv = { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: dir, NO_PROXY: '127.0.0.1' };
    return env;
  }

  it('produces a standard kubeconfig document', function () {
    const text = kubeconfigYaml({
      server: 'https://127.0.0.1:6443',
      caPem: pki.caCertPem,
      certPem: pki.adminCertPem,
      keyPem: pki.adminKeyPem,
    });
    const doc = load(text) as Record<string, unknown>;
    expect(doc['apiVersion']).to.equal('v1');
    expect(doc['kind']).to.equal('Config');
    expect(doc['current-context']).to.equal('skiff');
    expect(doc['clusters']).to.deep.equal([
      {
        name: 'skiff',
        cluster: { server: 'https://127.0.0.1:6443', 'certificate-authority-data': Buffer.from(pki.caCertPem).toString('base64') },
      },
    ]);
    expect(doc['users']).to.deep.equal([
      {
        name: 'skiff-admin',
        user: {
          'client-certificate-data': Buffer.from(pki.adminCertPem).toString('base64'),
          'client-key-data': Buffer.from(pki.adminKeyPem).toString('base64'),
        },
      },
    ]);
    expect(doc['contexts']).to.deep.equal([{ name: 'skiff', context: { cluster: 'skiff', user: 'skiff-admin' } }]);
  });

  it('loads in @kubernetes/client-node', function () {
    const kc = new KubeConfig();
    kc.loadFromString(
      kubeconfigYaml({
        server: `https://127.0.0.1:${port}`,
        caPem: pki.caCertPem,
        certPem: pki.adminCertPem,
        keyPem: pki.adminKeyPem,
        clusterName: 'c1',
        userName: 'u1',
        contextName: 'ctx1',
        namespace: 'kube-system',
      }),
    );
    expect(kc.getCurrentContext()).to.equal('ctx1');
    expect(kc.getCurrentCluster()?.server).to.equal(`https://127.0.0.1:${port}`);
    expect(kc.getCurrentCluster()?.caData).to.equal(Buffer.from(pki.caCertPem).toString('base64'));
    expect(kc.getCurrentUser()?.certData).to.equal(Buffer.from(pki.adminCertPem).toString('base64'));
    expect(kc.getCurrentUser()?.keyData).to.equal(Buffer.from(pki.adminKeyPem).toString('base64'));
    expect(kc.getContextObject('ctx1')?.namespace).to.equal('kube-system');

    const kt = new KubeConfig();
    kt.loadFromString(kubeconfigYaml({ server: 'https://127.0.0.1:1', caPem: pki.caCertPem, token: 'abc' }));
    expect(kt.getCurrentUser()?.token).to.equal('abc');
  });

  it('validates its options', function () {
    expect(() => kubeconfigYaml({ server: 'https://x', caPem: pki.caCertPem })).to.throw(/client certificate.*or a token/);
    expect(() => kubeconfigYaml({ server: 'https://x', caPem: pki.caCertPem, certPem: pki.adminCertPem })).to.throw(
      /together/,
    );
  });

  it('writeKubeconfig creates parent dirs and writes mode 0600', async function () {
    const p = join(dir, 'deep', 'er', 'config');
    await writeKubeconfig(p, 'a: 1\n');
    expect(readFileSync(p, 'utf8')).to.equal('a: 1\n');
    expect(statSync(p).mode & 0o777).to.equal(0o600);
    await writeKubeconfig(p, 'a: 2\n');
    expect(readFileSync(p, 'utf8')).to.equal('a: 2\n');
    expect(statSync(p).mode & 0o777).to.equal(0o600);
  });

  describe('with the real kubectl', function () {
    let adminFile: string;

    before(async function () {
      if (!existsSync(KUBECTL)) this.skip();
      adminFile = join(dir, 'admin.kubeconfig');
      await writeKubeconfig(
        adminFile,
        kubeconfigYaml({ server: `https://127.0.0.1:${port}`, caPem: pki.caCertPem, certPem: pki.adminCertPem, keyPem: pki.adminKeyPem }),
      );
    });

    it(`${KUBECTL} get --raw /version works with the admin client cert`, async function () {
      seen.length = 0;
      const r = await run(KUBECTL, ['--kubeconfig', adminFile, 'get', '--raw', '/version'], kubectlEnv());
      expect(r.code, r.stderr).to.equal(0);
      expect((JSON.parse(r.stdout) as { gitVersion: string }).gitVersion).to.equal('v1.32.0');
      expect(seen.length).to.be.greaterThan(0);
      for (const u of seen) expect(u?.username).to.equal('skiff-admin');
    });

    it(`${KUBECTL} works with a token kubeconfig`, async function () {
      const file = join(dir, 'token.kubeconfig');
      await writeKubeconfig(file, kubeconfigYaml({ server: `https://127.0.0.1:${port}`, caPem: pki.caCertPem, token: 'sekrit-token' }));
      seen.length = 0;
      const r = await run(KUBECTL, ['--kubeconfig', file, 'get', '--raw', '/version'], kubectlEnv());
      expect(r.code, r.stderr).to.equal(0);
      for (const u of seen) expect(u?.username).to.equal('tokenuser');
    });

    it('kubectl fails (no exit 0) with a kubeconfig trusting the wrong CA', async function () {
      const other = await ensurePki(join(dir, 'other'), {});
      const file = join(dir, 'wrongca.kubeconfig');
      await writeKubeconfig(
        file,
        kubeconfigYaml({ server: `https://127.0.0.1:${port}`, caPem: other.caCertPem, certPem: pki.adminCertPem, keyPem: pki.adminKeyPem }),
      );
      const bin = existsSync(join(KUBECTL_DIR, 'kubectl.1.32')) ? join(KUBECTL_DIR, 'kubectl.1.32') : KUBECTL;
      const r = await run(bin, ['--kubeconfig', file, 'get', '--raw', '/version'], kubectlEnv());
      expect(r.code).to.not.equal(0);
      expect(r.stderr).to.match(/certificate|x509|tls/i);
    });

    for (const minor of [27, 28, 29, 30, 31, 32, 33]) {
      const bin = join(KUBECTL_DIR, `kubectl.1.${minor}`);
      it(`kubectl 1.${minor} loads the kubeconfig and authenticates`, async function () {
        if (!existsSync(bin)) this.skip();
        const r = await run(bin, ['--kubeconfig', adminFile, 'get', '--raw', '/version'], kubectlEnv());
        expect(r.code, r.stderr).to.equal(0);
        expect((JSON.parse(r.stdout) as { major: string }).major).to.equal('1');
      });
    }
  });
});
