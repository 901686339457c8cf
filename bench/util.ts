// Small shared helpers: a cross-thread clock, temp dirs, cleanup on exit, loopback
// ports, TypeScript worker threads, a self-signed certificate.

import { execFile } from 'node:child_process';
import { mkdtemp, rm, readFile, access } from 'node:fs/promises';
import { constants as fsConstants } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';

/** Milliseconds on the process-wide monotonic clock: comparable across worker threads. */
export function now(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

// ---- cleanup registry (run on normal end, on error and on SIGINT/SIGTERM) ----

type Cleanup = () => Promise<void> | void;
const cleanups: Cleanup[] = [];

/** Register a cleanup; returns a function that runs it now (once) and unregisters it. */
export function onCleanup(fn: Cleanup): () => Promise<void> {
  cleanups.push(fn);
  return async () => {
    const i = cleanups.indexOf(fn);
    if (i < 0) return;
    cleanups.splice(i, 1);
    await fn();
  };
}

let cleaning: Promise<void> | null = null;

/** Run all registered cleanups, newest first; concurrent callers share one run. */
export function runCleanups(): Promise<void> {
  cleaning ??= (async () => {
    while (cleanups.length > 0) {
      const fn = cleanups.pop();
      if (!fn) break;
      try {
        await fn();
      } catch (err) {
        process.stderr.write(`cleanup failed: ${errorText(err)}\n`);
      }
    }
  })().finally(() => {
    cleaning = null;
  });
  return cleaning;
}

/** A temp dir removed by the cleanup registry. */
export async function tempDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), `skiff-bench-${prefix}-`));
  onCleanup(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** A currently free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export function run(cmd: string, args: string[], opts: { timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      cmd,
      args,
      { timeout: opts.timeoutMs ?? 60_000, env: opts.env ?? process.env, maxBuffer: 16 << 20 },
      (err, stdout, stderr) => {
        if (err) reject(new Error(`${cmd} ${args.join(' ')} failed: ${errorText(err)}\n${stderr}`));
        else resolve(stdout);
      },
    );
  });
}

/** Absolute path of an executable on PATH, or null. */
export async function which(name: string): Promise<string | null> {
  for (const dir of (process.env.PATH ?? '').split(':')) {
    if (!dir) continue;
    const p = path.join(dir, name);
    try {
      await access(p, fsConstants.X_OK);
      return p;
    } catch {
      // not here
    }
  }
  return null;
}

// ---- TypeScript worker threads ----

/**
 * Start `fileUrl` (a .ts module) in a worker thread. Node does not carry tsx's loader
 * into workers, so the worker first registers it and then imports the module.
 */
export function startTsWorker(fileUrl: string, workerData: unknown): Worker {
  const api = import.meta.resolve('tsx/esm/api');
  const code =
    `import(${JSON.stringify(api)})` +
    `.then((m) => { m.register(); return import(${JSON.stringify(fileUrl)}); })` +
    `.catch((e) => { console.error(e); process.exit(1); });`;
  const worker = new Worker(code, { eval: true, workerData });
  onCleanup(async () => {
    await worker.terminate();
  });
  return worker;
}

/** Run a worker that posts exactly one result message (or {error}) and wait for it. */
export function runWorker<T>(fileUrl: string, workerData: unknown, timeoutMs: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const worker = startTsWorker(fileUrl, workerData);
    const timer = setTimeout(() => {
      void worker.terminate();
      reject(new Error(`worker ${path.basename(fileUrl)} timed out after ${timeoutMs} ms`));
    }, timeoutMs);
    worker.once('message', (msg: { error?: string; result?: T }) => {
      clearTimeout(timer);
      void worker.terminate();
      if (msg.error !== undefined) reject(new Error(msg.error));
      else resolve(msg.result as T);
    });
    worker.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    worker.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`worker ${path.basename(fileUrl)} exited with code ${code} before answering`));
    });
  });
}

// ---- TLS material ----

export interface CertPair {
  certPem: string;
  keyPem: string;
}

/** A self-signed ECDSA P-256 certificate for 127.0.0.1, made with the openssl CLI. */
export async function selfSignedCert(dir: string): Promise<CertPair> {
  const certPath = path.join(dir, 'cert.pem');
  const keyPath = path.join(dir, 'key.pem');
  await run('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', keyPath, '-out', certPath, '-days', '2', '-subj', '/CN=127.0.0.1',
    '-addext', 'subjectAltName=IP:127.0.0.1',
  ]);
  return { certPem: await readFile(certPath, 'utf8'), keyPem: await readFile(keyPath, 'utf8') };
}
