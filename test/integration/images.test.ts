// Skiff's local OCI images and the loopback registry: the builder is deterministic (same
// inputs, same digests, as image-spec content addressing needs) and cached; the layers hold
// what the recipes say (busybox and its applet links, the agnhost entrypoint); a real
// docker-registry on a free loopback port serves every pushed name with the manifest's own
// digest and OCI media type (distribution's API: HEAD blob, manifests by tag); a second
// publish changes nothing; skopeo reads the images back.

import { expect } from 'chai';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { startRegistry, type RegistryHandle } from '../../src/host/registry.ts';
import { buildImages, layoutOf, publishLocalImages, pushBuiltImages, registryTargets, RegistryClient, type BuiltImage } from '../../src/images/index.ts';
import { MediaType, sha256, type ImageManifest } from '../../src/images/oci.ts';
import { parseReference, registryPath } from '../../src/images/recipes.ts';
import { readTar, writeTar, type TarMember } from '../../src/images/tar.ts';
import { renameApplets } from '../../src/images/busybox.ts';

const hasBusybox = existsSync('/bin/busybox');
const hasRegistry = spawnSync('docker-registry', ['--version'], { stdio: 'ignore' }).status === 0;
const hasSkopeo = spawnSync('skopeo', ['--version'], { stdio: 'ignore' }).status === 0;
const hasGcc = spawnSync('gcc', ['--version'], { stdio: 'ignore' }).status === 0;

function get(url: string, method = 'GET', headers: Record<string, string> = {}): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

async function layerMembers(dataDir: string, digest: string): Promise<Map<string, TarMember>> {
  const blob = await layoutOf(dataDir).readBlob(digest);
  return new Map(readTar(gunzipSync(blob)).map((m) => [m.path, m]));
}

describe('tar writer', () => {
  it('writes sorted entries, parents first, root-owned with mtime 0, readable by GNU tar', function () {
    const long = `${'d'.repeat(70)}/${'f'.repeat(70)}.txt`;
    const tar = writeTar([
      { path: 'b/file', type: 'file', mode: 0o644, data: Buffer.from('bee\n') },
      { path: '/a/link', type: 'symlink', target: '/b/file' },
      { path: long, type: 'file', mode: 0o600, data: Buffer.from('long\n') },
      { path: 'c', type: 'symlink', target: `/${'t'.repeat(120)}` },
      { path: 'tmp', type: 'dir', mode: 0o1777 },
    ]);
    expect(tar.length % 512).to.equal(0);
    const members = readTar(tar);
    expect(members.map((m) => m.path)).to.deep.equal(['a/', 'a/link', 'b/', 'b/file', 'c', `${'d'.repeat(70)}/`, long, 'tmp/']);
    expect(members.every((m) => m.uid === 0 && m.gid === 0)).to.equal(true);
    expect(members.find((m) => m.path === 'c')?.target).to.equal(`/${'t'.repeat(120)}`);
    expect(members.find((m) => m.path === 'tmp/')?.mode).to.equal(0o1777);
    expect(writeTar([{ path: 'x', type: 'file', mode: 0o644, data: Buffer.from('x') }]).equals(writeTar([{ path: './x', type: 'file', mode: 0o644, data: Buffer.from('x') }]))).to.equal(true);
    const gnu = spawnSync('tar', ['-tvf', '-'], { input: tar, encoding: 'utf8' });
    if (gnu.status === null && gnu.error) this.skip();
    expect(gnu.status, gnu.stderr).to.equal(0);
    expect(gnu.stdout).to.contain(long);
    expect(gnu.stdout).to.contain(`c -> /${'t'.repeat(120)}`);
    expect(gnu.stdout).to.contain('1970-01-01');
  });
});

describe('busybox applet renaming', () => {
  const applets = ['[', 'nameif', 'nc', 'netstat', 'wc', 'wget', 'which'];
  const binary = Buffer.concat([Buffer.from('ELF...'), Buffer.from(`${applets.join('\0')}\0\0`, 'latin1'), Buffer.from('...')]);
  it('renames in place to names that keep the table sorted', () => {
    const r = renameApplets(binary, applets, ['nc', 'wget']);
    expect(r?.renamed).to.deep.equal({ nc: 'nd', wget: 'wgeu' });
    expect(r?.data.length).to.equal(binary.length);
    expect(r?.data.includes(Buffer.from('nameif\0nd\0netstat\0wc\0wgeu\0which\0'))).to.equal(true);
  });
  it('gives up when the table is not there', () => {
    expect(renameApplets(Buffer.from('nothing'), applets, ['nc'])).to.equal(undefined);
  });
});

describe('references', () => {
  const cases: [string, { repo: string; tag: string }][] = [
    ['docker.io/library/busybox:1.36', { repo: 'library/busybox', tag: '1.36' }],
    ['busybox', { repo: 'library/busybox', tag: 'latest' }],
    ['registry.k8s.io/e2e-test-images/agnhost:2.53', { repo: 'e2e-test-images/agnhost', tag: '2.53' }],
    ['registry.k8s.io/pause:3.10', { repo: 'pause', tag: '3.10' }],
    ['127.0.0.1:5000/skiff/httpd:1', { repo: 'skiff/httpd', tag: '1' }],
  ];
  for (const [ref, want] of cases) it(`${ref} lives at ${want.repo}:${want.tag}`, () => expect(registryPath(ref)).to.deep.equal(want));
  it('tells a registry host from a first path component', () => {
    expect(parseReference('localhost/foo').host).to.equal('localhost');
    expect(parseReference('library/foo').host).to.equal('docker.io');
    expect(() => parseReference('UPPER/case')).to.throw();
  });
});

describe('local images', function () {
  this.timeout(180_000);
  const dirs: string[] = [];
  const tmp = () => { const d = mkdtempSync(join(tmpdir(), 'skiff-images-')); dirs.push(d); return d; };
  let dataDir: string;
  let images: BuiltImage[];
  const image = (name: string) => images.find((i) => i.name === name) as BuiltImage;

  before(async function () {
    if (!hasBusybox) this.skip();
    dataDir = tmp();
    images = await buildImages({ dataDir });
  });
  after(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

  it('builds pause, busybox, httpd, nginx, agnhost and nonewprivs, each manifest stored under its own digest', async () => {
    expect(images.map((i) => i.name)).to.deep.equal(['pause', 'busybox', 'httpd', 'nginx', 'agnhost', 'nonewprivs']);
    const layout = layoutOf(dataDir);
    for (const i of images) {
      const bytes = await layout.readBlob(i.manifest.digest);
      expect(sha256(bytes)).to.equal(i.manifest.digest);
      const m = JSON.parse(bytes.toString('utf8')) as ImageManifest;
      expect(m.mediaType).to.equal(MediaType.manifest);
      expect(m.config.digest).to.equal(i.config.digest);
      expect(sha256(await layout.readBlob(m.config.digest))).to.equal(m.config.digest);
      for (const l of m.layers) expect(l.mediaType).to.equal(MediaType.layerGzip);
    }
    const index = JSON.parse(readFileSync(join(layout.dir, 'index.json'), 'utf8')) as { manifests: { digest: string; annotations: Record<string, string> }[] };
    expect(index.manifests.map((m) => m.annotations['org.opencontainers.image.ref.name'])).to.deep.equal(['pause', 'busybox', 'httpd', 'nginx', 'agnhost', 'nonewprivs']);
    expect(JSON.parse(readFileSync(join(layout.dir, 'oci-layout'), 'utf8'))).to.deep.equal({ imageLayoutVersion: '1.0.0' });
  });

  it('is deterministic: a build in another data directory gives the same digests', async () => {
    const again = await buildImages({ dataDir: tmp() });
    expect(again.map((i) => [i.name, i.manifest.digest])).to.deep.equal(images.map((i) => [i.name, i.manifest.digest]));
  });

  it('is cached: a second build changes nothing and takes no time', async () => {
    const started = Date.now();
    const again = await buildImages({ dataDir });
    expect(Date.now() - started).to.be.below(1000);
    expect(again.map((i) => i.manifest.digest)).to.deep.equal(images.map((i) => i.manifest.digest));
  });

  it('shares the busybox layer between the images built on it', () => {
    const base = image('busybox').layers[0]?.digest;
    for (const n of ['httpd', 'nginx', 'agnhost']) expect(image(n).layers[0]?.digest).to.equal(base);
  });

  it('busybox: the binary, an absolute link per applet, users, and /tmp 1777', async () => {
    const files = await layerMembers(dataDir, image('busybox').layers[0]?.digest as string);
    expect(files.get('bin/busybox')).to.include({ type: 'file', mode: 0o755 });
    expect(files.get('bin/busybox')?.data.length).to.equal(readFileSync('/bin/busybox').length);
    const applets = execFileSync('/bin/busybox', ['--list-full'], { encoding: 'utf8' }).split('\n').filter(Boolean);
    const own = ['bin/busybox', 'usr/bin/nc', 'usr/bin/wget'];
    for (const a of applets.filter((p) => !own.includes(p))) expect(files.get(a), a).to.include({ type: 'symlink', target: '/bin/busybox' });
    for (const a of ['bin/sh', 'usr/bin/env', 'bin/sleep', 'usr/bin/hexdump', 'sbin/sysctl', 'sbin/ip']) expect(files.has(a), a).to.equal(true);
    if (hasGcc) {
      // nc, curl and wget are nettools; busybox's own nc and wget are renamed out of sh's way
      expect(files.get('usr/bin/nc')).to.include({ type: 'file', mode: 0o755 });
      expect(files.get('usr/bin/curl')).to.include({ type: 'symlink', target: '/usr/bin/nc' });
      expect(files.get('usr/bin/wget')).to.include({ type: 'symlink', target: '/usr/bin/nc' });
      expect(files.get('bin/busybox')?.data.includes(Buffer.from('\0nameif\0nd\0netstat\0'))).to.equal(true);
    } else {
      expect(files.get('usr/bin/wget')).to.include({ type: 'file', mode: 0o755 });
    }
    expect(files.get('tmp/')).to.include({ type: 'dir', mode: 0o1777 });
    expect(files.get('root/')).to.include({ type: 'dir', mode: 0o700 });
    expect(files.get('home/user/')).to.include({ uid: 1000, gid: 1000 });
    for (const d of ['proc/', 'sys/', 'dev/', 'var/log/']) expect(files.has(d), d).to.equal(true);
    const passwd = files.get('etc/passwd')?.data.toString('utf8') ?? '';
    expect(passwd).to.match(/^root:x:0:0:/m).and.match(/^nobody:x:65534:65534:/m).and.match(/^\w+:x:1000:1000:/m);
    expect(files.get('etc/group')?.data.toString('utf8')).to.match(/^root:x:0:/m);
    expect(files.has('etc/hosts')).to.equal(true);
    const config = JSON.parse((await layoutOf(dataDir).readBlob(image('busybox').config.digest)).toString('utf8'));
    expect(config).to.deep.include({ architecture: 'amd64', os: 'linux', created: '1970-01-01T00:00:00Z' });
    expect(config.config.Cmd).to.deep.equal(['sh']);
  });

  it('agnhost: /agnhost (and /agnhost-2) as ENTRYPOINT with pause as the default argument', async () => {
    const files = await layerMembers(dataDir, image('agnhost').layers[1]?.digest as string);
    expect(files.get('agnhost')).to.include({ type: 'file', mode: 0o755 });
    expect(files.get('agnhost')?.data.toString('utf8')).to.match(/^#!\/bin\/sh\n/);
    expect(files.get('agnhost-2')).to.include({ type: 'symlink', target: '/agnhost' });
    const config = JSON.parse((await layoutOf(dataDir).readBlob(image('agnhost').config.digest)).toString('utf8'));
    expect(config.config).to.deep.include({ Entrypoint: ['/agnhost'], Cmd: ['pause'] });
    expect(config.rootfs.diff_ids).to.have.length(2);
  });

  it('nonewprivs: one setuid-root helper as ENTRYPOINT that prints its effective uid', async function () {
    if (!hasGcc) this.skip();
    const files = await layerMembers(dataDir, image('nonewprivs').layers[0]?.digest as string);
    expect([...files.keys()]).to.deep.equal(['usr/', 'usr/local/', 'usr/local/bin/', 'usr/local/bin/nnp']);
    expect(files.get('usr/local/bin/nnp')).to.include({ type: 'file', mode: 0o4755, uid: 0 });
    const config = JSON.parse((await layoutOf(dataDir).readBlob(image('nonewprivs').config.digest)).toString('utf8'));
    expect(config.config.Entrypoint).to.deep.equal(['/usr/local/bin/nnp']);
  });

  it('httpd: serves the Apache docroot; pause: one /pause binary', async () => {
    const httpd = await layerMembers(dataDir, image('httpd').layers[1]?.digest as string);
    expect(httpd.has('usr/local/apache2/htdocs/index.html')).to.equal(true);
    expect(httpd.get('usr/local/bin/httpd-foreground')?.data.toString('utf8')).to.contain('-h /usr/local/apache2/htdocs');
    const pause = await layerMembers(dataDir, image('pause').layers[0]?.digest as string);
    expect([...pause.keys()]).to.deep.equal(['pause']);
  });

  it('falls back to a busybox pause without a compiler, and the cache key notices', async () => {
    const [pause] = await buildImages({ dataDir, names: ['pause'], pause: 'script' });
    expect(pause?.manifest.digest).to.not.equal(image('pause').manifest.digest);
    expect(pause?.layers).to.have.length(2);
    const files = await layerMembers(dataDir, pause?.layers[1]?.digest as string);
    expect(files.get('pause')?.data.toString('utf8')).to.match(/^#!\/bin\/sh\n/).and.contain('trap');
    const [back] = await buildImages({ dataDir, names: ['pause'] });
    expect(back?.manifest.digest).to.equal(image('pause').manifest.digest);
  });

  describe('on a loopback registry', () => {
    let registry: RegistryHandle;

    before(async function () {
      if (!hasRegistry) this.skip();
      registry = await startRegistry({ dataDir, port: 0 });
    });
    after(async () => { await registry?.stop(); });

    it('listens on 127.0.0.1 and is reused rather than started twice', async () => {
      expect(registry.address).to.match(/^127\.0\.0\.1:\d+$/);
      expect((await get(`http://${registry.address}/v2/`)).status).to.equal(200);
      const again = await startRegistry({ dataDir });
      expect(again.pid).to.equal(registry.pid);
      expect(again.address).to.equal(registry.address);
    });

    it('publishes every image under its names; the registry returns the same digest and media type', async () => {
      const res = await publishLocalImages({ dataDir, registry: registry.address });
      expect(res.sandboxImage).to.equal(`${registry.address}/pause:3.10`);
      expect(res.images).to.include.members([
        'docker.io/library/busybox:1.36',
        'registry.k8s.io/pause:3.10',
        'registry.k8s.io/e2e-test-images/agnhost:2.53',
        'registry.k8s.io/e2e-test-images/httpd:2.4.38-4',
        `${registry.address}/skiff/busybox:latest`,
      ]);
      const checks: [string, string, string][] = [
        ['library/busybox', '1.36', 'busybox'],
        ['library/busybox', 'latest', 'busybox'],
        ['e2e-test-images/agnhost', '2.53', 'agnhost'],
        ['e2e-test-images/busybox', '1.37.0-1', 'busybox'],
        ['pause', '3.10', 'pause'],
        ['skiff/httpd', 'latest', 'httpd'],
      ];
      for (const [repo, tag, name] of checks) {
        const m = await get(`http://${registry.address}/v2/${repo}/manifests/${tag}`, 'GET', { Accept: MediaType.manifest });
        expect(m.status, `${repo}:${tag}`).to.equal(200);
        expect(m.headers['docker-content-digest']).to.equal(image(name).manifest.digest);
        expect(m.headers['content-type']).to.equal(MediaType.manifest);
        expect(sha256(m.body)).to.equal(image(name).manifest.digest);
        for (const l of image(name).layers) expect((await get(`http://${registry.address}/v2/${repo}/blobs/${l.digest}`, 'HEAD')).status).to.equal(200);
      }
    });

    it('a second publish pushes nothing and is fast', async () => {
      const client = new RegistryClient(registry.address);
      try {
        const results = await pushBuiltImages(client, dataDir, images.map((i) => ({ image: i, targets: registryTargets(i) })));
        expect(results.length).to.be.above(20);
        expect(results.filter((r) => !r.skipped)).to.deep.equal([]);
      } finally {
        client.close();
      }
      const started = Date.now();
      await publishLocalImages({ dataDir, registry: registry.address });
      expect(Date.now() - started).to.be.below(2000);
    });

    it('skopeo inspects what was pushed', function () {
      if (!hasSkopeo) this.skip();
      const out = JSON.parse(execFileSync('skopeo', ['inspect', '--tls-verify=false', `docker://${registry.address}/library/busybox:1.36`], { encoding: 'utf8' }));
      expect(out.Digest).to.equal(image('busybox').manifest.digest);
      expect(out.Os).to.equal('linux');
      expect(out.Layers).to.deep.equal(image('busybox').layers.map((l) => l.digest));
    });

    it('pushes a user OCI archive under a given name, keeping its digest', async function () {
      if (!hasSkopeo) this.skip();
      const archive = join(tmp(), 'httpd.oci.tar');
      execFileSync('skopeo', ['copy', '-q', `oci:${layoutOf(dataDir).dir}:httpd`, `oci-archive:${archive}`]);
      const { runImageCommand } = await import('../../src/cli/image.ts');
      const write = process.stdout.write;
      let printed = '';
      process.stdout.write = ((s: string) => { printed += s; return true; }) as typeof process.stdout.write;
      let code: number;
      try {
        code = await runImageCommand(['push', archive, '--registry', registry.address, '--name', 'mine/web:v1']);
      } finally {
        process.stdout.write = write;
      }
      expect(code, printed).to.equal(0);
      const m = await get(`http://${registry.address}/v2/mine/web/manifests/v1`, 'HEAD', { Accept: MediaType.manifest });
      expect(m.headers['docker-content-digest']).to.equal(image('httpd').manifest.digest);
    });

    it('stop() ends the registry process', async () => {
      const other = mkdtempSync(join(tmpdir(), 'skiff-registry-'));
      dirs.push(other);
      const r = await startRegistry({ dataDir: other });
      await r.stop();
      expect(existsSync(`/proc/${r.pid}`) && !readFileSync(`/proc/${r.pid}/stat`, 'utf8').includes(') Z ')).to.equal(false);
      writeFileSync(join(other, 'registry', 'registry.pid'), JSON.stringify({ pid: r.pid, address: r.address, config: 'x' }));
      const fresh = await startRegistry({ dataDir: other });
      expect(fresh.pid).to.not.equal(r.pid);
      await fresh.stop();
    });
  });
});
