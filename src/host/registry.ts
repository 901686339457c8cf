// The image registry on loopback: Debian's docker-registry (distribution v2) serving
// <dataDir>/registry/data on 127.0.0.1 only. One per data directory: a registry already
// running for it (pid file, same config, /v2/ answering) is reused instead of started again.

import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import { join } from 'node:path';

export interface RegistryOptions {
  /** Skiff's data directory; the registry keeps config, blobs, pid and log under <dataDir>/registry. */
  dataDir: string;
  /** Port on 127.0.0.1; 0 (the default) picks a free one, or keeps the running registry's. */
  port?: number;
  /** The registry binary (default: docker-registry on PATH). */
  binary?: string;
  log?: (msg: string) => void;
}

export interface RegistryHandle {
  /** host:port, e.g. 127.0.0.1:40123. */
  address: string;
  pid: number;
  /** Stops the registry process (SIGTERM, then SIGKILL after 5 s) and removes its pid file. */
  stop(): Promise<void>;
}

interface PidFile { pid: number; address: string; config: string }

const READY_TIMEOUT_MS = 15_000;

export async function startRegistry(opts: RegistryOptions): Promise<RegistryHandle> {
  const log = opts.log ?? (() => undefined);
  const dir = join(opts.dataDir, 'registry');
  const configPath = join(dir, 'config.yml');
  const pidPath = join(dir, 'registry.pid');
  await mkdir(join(dir, 'data'), { recursive: true });

  const running = await runningRegistry(pidPath, configPath);
  if (running) {
    const port = Number(running.address.split(':')[1]);
    if (!opts.port || opts.port === port) {
      log(`reusing the registry at ${running.address} (pid ${running.pid})`);
      return handle(running.pid, running.address, pidPath);
    }
    log(`the running registry listens on ${running.address}, not port ${opts.port}: restarting it`);
    await stopPid(running.pid);
  }

  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = opts.port || (await freePort());
    const address = `127.0.0.1:${port}`;
    await writeFile(configPath, await registryConfig(dir, address));
    const logFd = openSync(join(dir, 'registry.log'), 'a');
    const child = spawn(opts.binary ?? 'docker-registry', ['serve', configPath], { detached: true, stdio: ['ignore', logFd, logFd] });
    closeSync(logFd);
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const spawnError = new Promise<Error>((resolve) => child.once('error', resolve));
    child.unref();
    try {
      await Promise.race([
        waitReady(address),
        exited.then((code) => { throw new Error(`docker-registry exited with ${code} (see ${join(dir, 'registry.log')})`); }),
        spawnError.then((e) => { throw e; }),
      ]);
    } catch (e) {
      lastError = e;
      if (child.pid && child.exitCode === null) await stopPid(child.pid);
      if (opts.port) break; // a fixed port that fails will fail again
      continue;
    }
    const pid = child.pid as number;
    await writeFile(pidPath, JSON.stringify({ pid, address, config: configPath } satisfies PidFile));
    log(`registry listening on ${address} (pid ${pid})`);
    return handle(pid, address, pidPath);
  }
  throw lastError instanceof Error ? lastError : new Error(String(lastError));
}

function handle(pid: number, address: string, pidPath: string): RegistryHandle {
  return {
    address,
    pid,
    async stop() {
      await stopPid(pid);
      await rm(pidPath, { force: true });
    },
  };
}

async function registryConfig(dir: string, address: string): Promise<string> {
  const secretPath = join(dir, 'http-secret');
  let secret: string;
  try {
    secret = (await readFile(secretPath, 'utf8')).trim();
  } catch {
    secret = randomBytes(24).toString('hex');
    await writeFile(secretPath, secret, { mode: 0o600 });
  }
  // JSON strings are valid YAML scalars: paths with odd characters stay intact.
  return [
    'version: 0.1',
    'log: {level: warn, accesslog: {disabled: true}}',
    'storage:',
    `  filesystem: {rootdirectory: ${JSON.stringify(join(dir, 'data'))}}`,
    '  delete: {enabled: true}',
    '  cache: {blobdescriptor: inmemory}',
    'http:',
    `  addr: ${JSON.stringify(address)}`,
    `  secret: ${JSON.stringify(secret)}`,
    '',
  ].join('\n');
}

/** The registry recorded in the pid file, if that process is alive, runs our config and answers. */
async function runningRegistry(pidPath: string, configPath: string): Promise<PidFile | undefined> {
  let rec: PidFile;
  try {
    rec = JSON.parse(readFileSync(pidPath, 'utf8')) as PidFile;
  } catch {
    return undefined;
  }
  if (!isRegistryProcess(rec.pid, configPath)) return undefined;
  return (await ping(rec.address)) ? rec : undefined;
}

function isRegistryProcess(pid: number, configPath: string): boolean {
  if (!Number.isInteger(pid) || pid <= 1) return false;
  try {
    const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    return argv.includes(configPath) && argv.some((a) => a.endsWith('registry'));
  } catch {
    return false;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return existsSync(`/proc/${pid}`) && !readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z ');
  } catch {
    return false;
  }
}

async function stopPid(pid: number): Promise<void> {
  if (!alive(pid)) return;
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return;
  }
  for (let i = 0; i < 50; i++) {
    if (!alive(pid)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

function ping(address: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get(`http://${address}/v2/`, { timeout: 1000, agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
  });
}

async function waitReady(address: string): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (await ping(address)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`the registry did not answer on ${address} within ${READY_TIMEOUT_MS / 1000} s`);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}
