// The agnhost stand-in prints what upstream's agnhost prints (test/images/agnhost:
// entrypoint-tester's os.Args, mounttest's lines, netexec's HTTP endpoints and request log),
// run here under the host's busybox; and the built images really run under runc (when
// root): busybox, agnhost's entrypoint, and the pause program exiting 0 on SIGTERM.

import { expect } from 'chai';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { assetPath } from '../../src/images/assets.ts';
import { buildImages, layoutOf, type BuiltImage } from '../../src/images/index.ts';
import { readTar } from '../../src/images/tar.ts';

const hasBusybox = existsSync('/bin/busybox');

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

function get(url: string): Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    http.get(url, { agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    }).on('error', reject);
  });
}

describe('agnhost stand-in (under the host busybox)', function () {
  this.timeout(60_000);
  let dir: string;
  let agnhost: string;
  let env: NodeJS.ProcessEnv;
  const run = (...args: string[]) => spawnSync(agnhost, args, { env, encoding: 'utf8', timeout: 20_000 });

  before(function () {
    if (!hasBusybox) this.skip();
    dir = mkdtempSync(join(tmpdir(), 'skiff-agnhost-'));
    const bin = join(dir, 'bin');
    mkdirSync(bin);
    for (const applet of execFileSync('/bin/busybox', ['--list'], { encoding: 'utf8' }).split('\n').filter(Boolean)) symlinkSync('/bin/busybox', join(bin, applet));
    // The image's script with a shebang that finds busybox sh on this host.
    agnhost = join(dir, 'agnhost');
    writeFileSync(agnhost, readFileSync(assetPath('agnhost.sh'), 'utf8').replace(/^#!\/bin\/sh/, '#!/bin/busybox sh'));
    chmodSync(agnhost, 0o755);
    env = { PATH: bin, AGNHOST_SELF: agnhost, TMPDIR: dir };
  });
  after(() => { if (dir) rmSync(dir, { recursive: true, force: true }); });

  it('entrypoint-tester prints os.Args like Go', () => {
    const r = run('entrypoint-tester', 'override', 'arguments');
    expect(r.stdout).to.equal(`[${agnhost} entrypoint-tester override arguments]\n`);
  });

  it('mounttest prints upstream lines: fs type, new file content and perms, mode, owner', function () {
    if (!existsSync('/dev/shm')) this.skip();
    const f = join('/dev/shm', `skiff-mt-${process.pid}`);
    try {
      const r = run('mounttest', '--fs_type=/dev/shm', `--new_file_0644=${f}`, `--file_perm=${f}`, '--file_mode', dir, `--file_owner=${f}`);
      expect(r.status, r.stderr).to.equal(0);
      expect(r.stdout.split('\n')).to.deep.equal([
        'mount type of "/dev/shm": tmpfs',
        `content of file "${f}": mount-tester new file`,
        '',
        `mode of file "${dir}": drwx------`,
        `perms of file "${f}": -rw-r--r--`,
        `owner UID of "${f}": ${process.getuid?.()}`,
        `owner GID of "${f}": ${process.getgid?.()}`,
        '',
      ]);
    } finally {
      rmSync(f, { force: true });
    }
  });

  it('mounttest reports a missing file as Go does and exits 1', () => {
    const r = run('mounttest', '--file_content=/nonexistent/x');
    expect(r.status).to.equal(1);
    expect(r.stdout).to.equal('error reading file content for "/nonexistent/x": open /nonexistent/x: no such file or directory\n');
  });

  it('mounttest prints Go file modes: sticky directories, character devices', () => {
    expect(run('mounttest', '--file_mode=/dev/null').stdout).to.equal('mode of file "/dev/null": Dcrw-rw-rw-\n');
    const sticky = join(dir, 'sticky');
    mkdirSync(sticky);
    chmodSync(sticky, 0o1777);
    expect(run('mounttest', `--file_mode=${sticky}`).stdout).to.equal(`mode of file "${sticky}": dtrwxrwxrwx\n`);
  });

  it('an unknown subcommand fails as cobra does', () => {
    const r = run('no-such-thing');
    expect(r.status).to.equal(1);
    expect(r.stderr).to.contain('unknown command "no-such-thing" for "agnhost"');
  });

  it('netexec answers /hostname, /echo, /shell and /dial, logs requests, and /exit ends it with the code', async () => {
    const port = await freePort();
    const child = spawn(agnhost, ['netexec', `--http-port=${port}`, '--udp-port=-1'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    child.stderr.on('data', (c: Buffer) => (log += c.toString('utf8')));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const base = `http://127.0.0.1:${port}`;
      let ready = false;
      for (let i = 0; i < 50 && !ready; i++) {
        ready = await get(`${base}/healthz`).then((r) => r.status === 200, () => false);
        if (!ready) await new Promise((r) => setTimeout(r, 100));
      }
      expect(ready).to.equal(true);
      expect((await get(`${base}/hostname`)).body).to.equal(execFileSync('hostname', { encoding: 'utf8' }).trim());
      expect((await get(`${base}/echo?msg=poststart%20hook`)).body).to.equal('poststart hook');
      const coded = await get(`${base}/echo?msg=gone&code=404`);
      expect(coded.status).to.equal(404);
      expect(JSON.parse((await get(`${base}/shell?cmd=echo%20%27a%3Cb%26c%27`)).body)).to.deep.equal({ output: 'a<b&c\n' });
      expect(JSON.parse((await get(`${base}/shell?cmd=exit%203`)).body)).to.deep.equal({ error: 'exit status 3' });
      expect(JSON.parse((await get(`${base}/dial?host=127.0.0.1&port=${port}&request=echo%3Fmsg%3Dhi&tries=2`)).body)).to.deep.equal({ responses: ['hi', 'hi'] });
      expect((await get(`${base}/clientip`)).body).to.match(/^127\.0\.0\.1:\d+$/);
      expect(log).to.contain('GET /echo?msg=poststart hook&code=');
      expect(log).to.match(/^\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d Started HTTP server on port \d+$/m);
      await get(`${base}/exit?code=7&timeout=1s`).catch(() => undefined);
      expect(await exited).to.equal(7);
    } finally {
      child.kill('SIGTERM');
    }
  });

  it('nettest counts what /write is posted per Source and shows it in /read as upstream\'s JSON state', async () => {
    const port = await freePort();
    const child = spawn(agnhost, ['nettest', `--port=${port}`], { env, stdio: 'ignore' });
    try {
      const base = `http://127.0.0.1:${port}`;
      const post = (body: string) => new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = http.request(`${base}/write`, { method: 'POST', agent: false, headers: { 'Content-Length': Buffer.byteLength(body) } }, (res) => {
          let b = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => (b += c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: b }));
        });
        req.on('error', reject);
        req.end(body);
      });
      let first: { status: number; body: string } | undefined;
      for (let i = 0; i < 50 && !first; i++) {
        first = await get(`${base}/read`).catch(() => undefined);
        if (!first) await new Promise((r) => setTimeout(r, 100));
      }
      expect(JSON.parse(first?.body ?? '')).to.deep.include({ Received: null, Errors: null });
      const hostname = execFileSync('hostname', { encoding: 'utf8' }).trim();
      const w = await post('{"Source": "prestop"}');
      expect(w.status).to.equal(200);
      expect(JSON.parse(w.body)).to.deep.equal({ Hostname: hostname });
      await post('{"Source": "prestop"}');
      await post('{"Source":"other"}');
      await post('{}');
      const state = JSON.parse((await get(`${base}/read`)).body) as { Hostname: string; Received: Record<string, number>; Errors: string[] };
      expect(state.Hostname).to.equal(hostname);
      expect(state.Received).to.deep.equal({ other: 1, prestop: 2 });
      expect(state.Errors).to.deep.equal([`${hostname}: Got request with no source`]);
    } finally {
      child.kill('SIGTERM');
    }
  });

  it('grpc-health-checking stays up, accepting connections on --port and answering its HTTP control port', async () => {
    const [grpcPort, httpPort] = [await freePort(), await freePort()];
    const child = spawn(agnhost, ['grpc-health-checking', `--port=${grpcPort}`, `--http-port=${httpPort}`], { env, stdio: 'ignore' });
    try {
      let r: { status: number } | undefined;
      for (let i = 0; i < 50 && !r; i++) {
        r = await get(`http://127.0.0.1:${httpPort}/make-serving`).catch(() => undefined);
        if (!r) await new Promise((res) => setTimeout(res, 100));
      }
      expect(r?.status).to.equal(200);
      const connected = await new Promise<boolean>((resolve) => {
        const s = net.connect(grpcPort, '127.0.0.1', () => { s.destroy(); resolve(true); });
        s.on('error', () => resolve(false));
      });
      expect(connected).to.equal(true);
      await new Promise((res) => setTimeout(res, 500));
      expect(child.exitCode).to.equal(null);
    } finally {
      child.kill('SIGTERM');
    }
  });

  it('liveness: /healthz is ok at first', async function () {
    // liveness listens on upstream's fixed :8080
    const probe = net.createServer();
    const free = await new Promise<boolean>((resolve) => { probe.once('error', () => resolve(false)); probe.listen(8080, '0.0.0.0', () => probe.close(() => resolve(true))); });
    if (!free) this.skip();
    const child = spawn(agnhost, ['liveness'], { env, stdio: 'ignore' });
    try {
      let r: { status: number; body: string } | undefined;
      for (let i = 0; i < 50 && !r; i++) {
        r = await get('http://127.0.0.1:8080/healthz').catch(() => undefined);
        if (!r) await new Promise((res) => setTimeout(res, 100));
      }
      expect(r).to.deep.include({ status: 200, body: 'ok' });
    } finally {
      child.kill('SIGTERM');
    }
  });

  it('pause prints Paused and exits 2 on SIGTERM, as upstream', async () => {
    const child = spawn(agnhost, ['pause'], { env, stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    for (let i = 0; i < 50 && !out; i++) await new Promise((r) => setTimeout(r, 50));
    expect(out).to.equal('Paused\n');
    child.kill('SIGTERM');
    expect(await exited).to.equal(2);
  });
});

describe('images under runc', function () {
  this.timeout(120_000);
  const canRun = process.getuid?.() === 0 && spawnSync('runc', ['--version'], { stdio: 'ignore' }).status === 0 && hasBusybox;
  let dir: string;
  let images: BuiltImage[];

  before(async function () {
    if (!canRun) this.skip();
    dir = mkdtempSync(join(tmpdir(), 'skiff-runc-'));
    images = await buildImages({ dataDir: join(dir, 'data') });
  });
  after(() => { if (dir) rmSync(dir, { recursive: true, force: true }); });

  /** Unpacks an image into a bundle and returns runc's config.json path. */
  async function bundle(name: string, args: string[]): Promise<string> {
    const image = images.find((i) => i.name === name) as BuiltImage;
    const b = join(dir, `bundle-${name}-${Math.random().toString(36).slice(2, 8)}`);
    const rootfs = join(b, 'rootfs');
    mkdirSync(rootfs, { recursive: true });
    for (const l of image.layers) {
      const tar = gunzipSync(await layoutOf(join(dir, 'data')).readBlob(l.digest));
      execFileSync('tar', ['-x', '-C', rootfs, '-f', '-'], { input: tar });
      expect(readTar(tar).length).to.be.above(0);
    }
    execFileSync('runc', ['spec'], { cwd: b });
    const config = JSON.parse(readFileSync(join(b, 'config.json'), 'utf8'));
    config.process.terminal = false;
    config.process.args = args;
    writeFileSync(join(b, 'config.json'), JSON.stringify(config));
    return b;
  }

  const runc = (b: string, id: string) => spawnSync('runc', ['--root', join(dir, 'state'), 'run', id], { cwd: b, encoding: 'utf8', timeout: 30_000 });
  const id = (n: string) => `skiff-test-${n}-${process.pid}`;

  it('busybox runs busybox echo', async () => {
    const r = runc(await bundle('busybox', ['busybox', 'echo', 'hi']), id('bb'));
    expect(r.status, r.stderr).to.equal(0);
    expect(r.stdout).to.equal('hi\n');
  });

  it('agnhost runs its entrypoint: entrypoint-tester and mounttest on the /dev/shm tmpfs', async () => {
    const ep = runc(await bundle('agnhost', ['/agnhost-2', 'entrypoint-tester', 'a', 'b']), id('ep'));
    expect(ep.stdout, ep.stderr).to.equal('[/agnhost-2 entrypoint-tester a b]\n');
    const mt = runc(await bundle('agnhost', ['/agnhost', 'mounttest', '--fs_type=/dev/shm', '--new_file_0660=/dev/shm/f', '--file_perm=/dev/shm/f']), id('mt'));
    expect(mt.stdout, mt.stderr).to.equal('mount type of "/dev/shm": tmpfs\ncontent of file "/dev/shm/f": mount-tester new file\n\nperms of file "/dev/shm/f": -rw-rw----\n');
  });

  it('agnhost: netexec over nc, and nc -v/-u, curl and wget -T inside sh, in the container network namespace', async function () {
    if (spawnSync('gcc', ['--version'], { stdio: 'ignore' }).status !== 0) this.skip();
    const script = [
      '/agnhost netexec --http-port=8080 2>/dev/null &',
      'for i in 1 2 3 4 5 6 7 8 9 10; do curl -s -o /dev/null http://127.0.0.1:8080/healthz && break; sleep 0.2; done',
      'echo hostName | nc -v -t -w 2 127.0.0.1 8080 2>/dev/null | head -n 1 | tr -d "\\r"',
      'nc -v -z -w 1 127.0.0.1 8080 2>&1',
      'echo "curl=$(curl -q -s --connect-timeout 2 http://127.0.0.1:8080/echo?msg=c)"',
      'echo "wget=$(wget -T 2 -q -O - http://127.0.0.1:8080/echo?msg=w)"',
      'echo "udp=$(echo echo u | nc -u -w 2 -W 1 127.0.0.1 8081)"',
      'echo "dial=$(curl -s "http://127.0.0.1:8080/dial?request=echo%20d&host=127.0.0.1&port=8081&protocol=udp")"',
      'nc -v -z -w 1 127.0.0.1 9 2>&1',
    ].join('\n');
    const b = await bundle('agnhost', ['/bin/sh', '-c', script]);
    const config = JSON.parse(readFileSync(join(b, 'config.json'), 'utf8'));
    config.root.readonly = false;
    writeFileSync(join(b, 'config.json'), JSON.stringify(config));
    const r = runc(b, id('net'));
    expect(r.stdout.split('\n'), r.stderr).to.deep.equal([
      'HTTP/1.1 400 Bad Request',
      'Connection to 127.0.0.1 8080 port [tcp/*] succeeded!',
      'curl=c',
      'wget=w',
      'udp=u',
      'dial={"responses":["d"]}',
      'nc: connect to 127.0.0.1 port 9 (tcp) failed: Connection refused',
      '',
    ]);
  });

  it('pause exits 0 on SIGTERM', async () => {
    const b = await bundle('pause', ['/pause']);
    const cid = id('pause');
    const child = spawn('runc', ['--root', join(dir, 'state'), 'run', cid], { cwd: b, stdio: 'ignore' });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    let running = false;
    for (let i = 0; i < 100 && !running; i++) {
      running = spawnSync('runc', ['--root', join(dir, 'state'), 'state', cid], { encoding: 'utf8' }).stdout.includes('"running"');
      if (!running) await new Promise((r) => setTimeout(r, 50));
    }
    expect(running).to.equal(true);
    execFileSync('runc', ['--root', join(dir, 'state'), 'kill', cid, 'TERM']);
    expect(await exited).to.equal(0);
  });
});
