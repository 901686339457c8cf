// `npm run skiff -- up` as a user runs it: scripts/skiff.sh bundles the CLI, dist/skiff.cjs runs
// the bundle through its code caches, and kubectl works against what it starts. Restarts on the
// same data dir keep the store and start from the caches the first start wrote.

import { expect } from 'chai';
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../..');

interface Up { child: ChildProcess; out: () => string; exited: Promise<number | null> }

function up(dataDir: string): Promise<Up> {
  const child = spawn('bash', ['scripts/skiff.sh', 'up', '--data-dir', dataDir, '--port', '0', '--runtime', 'sim', '--log-level', 'error'],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
  child.stderr.setEncoding('utf8').on('data', (c: string) => (out += c));
  const exited = new Promise<number | null>((res) => child.once('exit', (code) => res(code)));
  return new Promise((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`skiff up not ready: ${out}`)), 110_000);
    child.stdout.on('data', () => {
      if (/ready/.test(out)) {
        clearTimeout(timer);
        res({ child, out: () => out, exited });
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      rej(new Error(`skiff up exited ${code}: ${out}`));
    });
  });
}

function kubectl(kubeconfig: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((res) => {
    execFile('kubectl', ['--kubeconfig', kubeconfig, ...args], { timeout: 30_000 }, (err, stdout, stderr) => {
      res({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

describe('skiff CLI (the bundle scripts/skiff.sh builds and runs)', function () {
  this.timeout(180_000);
  let dataDir: string;
  let running: Up | undefined;

  before(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'skiff-cli-'));
  });
  after(async () => {
    if (running && running.child.exitCode === null) {
      running.child.kill('SIGKILL');
      await running.exited;
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function stop(u: Up): Promise<void> {
    u.child.kill('SIGTERM');
    expect(await u.exited).to.equal(0);
    expect(u.out()).to.match(/received SIGTERM, shutting down/);
  }

  it('help prints the commands', async () => {
    const r = await new Promise<string>((res) => execFile('bash', ['scripts/skiff.sh', 'help'], { cwd: ROOT, timeout: 110_000 }, (_e, stdout) => res(stdout)));
    expect(r).to.match(/^Usage: skiff <command>/);
    expect(r).to.include('controller-manager');
  });

  it('up writes a kubeconfig that kubectl uses, and SIGTERM stops it', async () => {
    running = await up(dataDir);
    const kubeconfig = join(dataDir, 'kubeconfig');
    expect(running.out()).to.include(`export KUBECONFIG=${kubeconfig}`);
    const ns = await kubectl(kubeconfig, ['get', 'namespaces', '-o', 'name']);
    expect(ns.code, ns.stderr).to.equal(0);
    expect(ns.stdout).to.include('namespace/default');
    const cm = await kubectl(kubeconfig, ['create', 'configmap', 'kept', '--from-literal=a=1']);
    expect(cm.code, cm.stderr).to.equal(0);
    await stop(running);
    // The start left code caches for the next one: the bundle's and its packages'.
    const caches = readdirSync(join(ROOT, 'dist')).filter((f) => f.includes('.up.'));
    expect(caches.some((f) => f.endsWith('.up.v8cache')), caches.join(' ')).to.equal(true);
    expect(caches.some((f) => f.endsWith('.up.deps.v8cache')), caches.join(' ')).to.equal(true);
  });

  it('restarts on the same data dir from the caches, with the store kept', async () => {
    for (let i = 0; i < 2; i++) {
      running = await up(dataDir);
      const kubeconfig = join(dataDir, 'kubeconfig');
      const cm = await kubectl(kubeconfig, ['get', 'configmap', 'kept', '-o', 'jsonpath={.data.a}']);
      expect(cm.code, cm.stderr).to.equal(0);
      expect(cm.stdout).to.equal('1');
      // A node and the controllers come up too (the sim host node goes Ready).
      const wait = await kubectl(kubeconfig, ['wait', '--for=condition=Ready', 'nodes', '--all', '--timeout=30s']);
      expect(wait.code, wait.stderr).to.equal(0);
      await stop(running);
    }
    expect(existsSync(join(dataDir, 'kubeconfig'))).to.equal(true);
  });
});
