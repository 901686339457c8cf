// Part B: the peer. etcd (Debian's etcd-server) on loopback random ports, driven
// through the etcd3 client: puts, a 10,000-key range read, watch fan-out.

import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { unlink, writeFile } from 'node:fs/promises';
import http from 'node:http';
import { Etcd3, type IRequestOp } from 'etcd3';
import { Histogram } from './histogram.ts';
import type { Report } from './report.ts';
import { errorText, freePort, now, onCleanup, run, sleep, tempDir, which } from './util.ts';
import { analyze, pacedWrites, WatcherPool } from './watch.ts';
import type { EtcdWatchWorkerData } from './etcd-worker.ts';

export const SECTION = 'B. etcd';
export const PUTS_32 = 'puts/s, 32 in flight';

/** Path of the etcd binary, installing Debian's etcd-server with apt-get when missing. */
export async function ensureEtcd(): Promise<string> {
  const found = (await which('etcd')) ?? (existsSync('/usr/bin/etcd') ? '/usr/bin/etcd' : null);
  if (found) return found;
  if (process.getuid?.() !== 0) throw new Error('etcd is not installed and this is not root: run `apt-get install etcd-server`');
  process.stdout.write('etcd not found: installing Debian etcd-server with apt-get ...\n');
  // The package's postinst would start a system etcd: forbid service starts meanwhile.
  const policy = '/usr/sbin/policy-rc.d';
  const ownPolicy = !existsSync(policy);
  if (ownPolicy) await writeFile(policy, '#!/bin/sh\nexit 101\n', { mode: 0o755 });
  try {
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    await run('apt-get', ['update', '-qq'], { timeoutMs: 300_000, env });
    await run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'etcd-server'], { timeoutMs: 300_000, env });
  } finally {
    if (ownPolicy) await unlink(policy).catch(() => undefined);
  }
  const installed = (await which('etcd')) ?? '/usr/bin/etcd';
  if (!existsSync(installed)) throw new Error('apt-get install etcd-server did not provide an etcd binary');
  return installed;
}

function health(endpoint: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get(`${endpoint}/health`, { timeout: 1_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve(res.statusCode === 200 && body.includes('true')));
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => req.destroy());
  });
}

function stopChild(child: ChildProcess, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

export interface EtcdServer {
  endpoint: string;
  version: string;
  stop: () => Promise<void>;
}

export async function startEtcd(): Promise<EtcdServer> {
  const bin = await ensureEtcd();
  const version = (await run(bin, ['--version'])).match(/etcd Version:\s*(\S+)/)?.[1] ?? '?';
  const dataDir = await tempDir('etcd');
  const clientPort = await freePort();
  let peerPort = await freePort();
  while (peerPort === clientPort) peerPort = await freePort();
  const endpoint = `http://127.0.0.1:${clientPort}`;
  const peer = `http://127.0.0.1:${peerPort}`;
  const args = [
    '--name', 'bench',
    '--data-dir', dataDir,
    '--listen-client-urls', endpoint,
    '--advertise-client-urls', endpoint,
    '--listen-peer-urls', peer,
    '--initial-advertise-peer-urls', peer,
    '--initial-cluster', `bench=${peer}`,
    '--initial-cluster-state', 'new',
    '--logger', 'zap',
    '--log-level', 'error',
  ];
  // Only our flags: no ETCD_* from the environment.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('ETCD_')));
  const child = spawn(bin, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (c: string) => {
    if (stderr.length < 8_000) stderr += c;
  });
  const stop = onCleanup(() => stopChild(child, 3_000));
  const deadline = now() + 20_000;
  while (!(await health(endpoint))) {
    if (child.exitCode !== null) throw new Error(`etcd exited with ${child.exitCode}: ${stderr}`);
    if (now() > deadline) {
      await stop();
      throw new Error(`etcd not healthy within 20 s: ${stderr}`);
    }
    await sleep(50);
  }
  return { endpoint, version, stop };
}

function value(bytes: number, seed: number): string {
  const s = `{"seed":${seed},"pad":"`;
  return s + 'x'.repeat(Math.max(0, bytes - s.length - 2)) + '"}';
}

async function puts(report: Report, client: Etcd3, version: string): Promise<void> {
  const v = value(512, 0);
  let seq = 0;
  const measure = async (inFlight: number, ms: number): Promise<{ rate: number; hist: Histogram }> => {
    const hist = new Histogram();
    const t0 = now();
    const deadline = t0 + ms;
    await Promise.all(
      Array.from({ length: inFlight }, async () => {
        while (now() < deadline) {
          const s = now();
          await client.put(`bench/put/${seq++}`).value(v);
          hist.record(now() - s);
        }
      }),
    );
    return { rate: hist.count / ((now() - t0) / 1000), hist };
  };
  await measure(4, 300); // warm up the channel
  const one = await measure(1, 3_000);
  report.add(SECTION, 'puts/s, 1 in flight', one.rate, 'puts/s', undefined, `etcd ${version}, etcd3 client, 512 B values`);
  report.add(SECTION, 'put p50 / p99, 1 in flight', one.hist.percentile(50), 'ms', undefined, `p99 ${one.hist.percentile(99).toFixed(2)} ms`);
  const many = await measure(32, 4_000);
  report.add(SECTION, PUTS_32, many.rate, 'puts/s', undefined, `p50 ${many.hist.percentile(50).toFixed(2)} ms`);
}

async function rangeRead(report: Report, client: Etcd3): Promise<void> {
  const N = 10_000;
  const prefix = 'bench/range/';
  const batches: Array<Promise<unknown>> = [];
  for (let b = 0; b < N; b += 100) {
    const ops: IRequestOp[] = [];
    for (let i = b; i < Math.min(N, b + 100); i++) {
      ops.push({ request_put: { key: Buffer.from(`${prefix}${String(i).padStart(5, '0')}`), value: Buffer.from(value(2048, i)) } });
    }
    batches.push(client.kv.txn({ success: ops }));
    if (batches.length >= 8) await Promise.all(batches.splice(0));
  }
  await Promise.all(batches);
  const hist = new Histogram();
  let bytes = 0;
  const deadline = now() + 20_000;
  for (let r = 0; r < 20 && now() < deadline; r++) {
    const t0 = now();
    const res = await client.getAll().prefix(prefix).exec();
    hist.record(now() - t0);
    if (res.kvs.length !== N) throw new Error(`range returned ${res.kvs.length} keys, expected ${N}`);
    bytes = res.kvs.reduce((n, kv) => n + kv.key.length + kv.value.length, 0);
  }
  const note = `${hist.count} reads of ${(bytes / 1e6).toFixed(1)} MB; p99 ${hist.percentile(99).toFixed(1)} ms`;
  report.add(SECTION, 'range 10,000 keys (2 KB) p50', hist.percentile(50), 'ms', undefined, note);
  report.add(SECTION, 'range 10,000 keys (2 KB) p99', hist.percentile(99), 'ms');
}

async function watchFanout(report: Report, client: Etcd3, endpoint: string): Promise<void> {
  const WATCHERS = 100;
  const THREADS = 2; // the etcd3 client decodes every event in JS: spread watchers over two threads
  const RATE = 1_000;
  const prefix = 'bench/watch/';
  const url = new URL('./etcd-worker.ts', import.meta.url).href;
  const pools = Array.from({ length: THREADS }, (_, i) => {
    const data: EtcdWatchWorkerData = { etcdWatch: { endpoint, prefix, watchers: Math.floor(WATCHERS / THREADS) + (i < WATCHERS % THREADS ? 1 : 0) } };
    return new WatcherPool(url, data);
  });
  try {
    await Promise.all(pools.map((p) => p.ready(30_000)));
    await sleep(200);
    const v = value(700, 1);
    const writes = await pacedWrites(RATE, 5_000, 64, async (k) => {
      const res = await client.put(`${prefix}${k % 2_000}`).value(v);
      return { rv: Number(res.header.revision), group: 0 };
    });
    const results = [];
    for (const p of pools) results.push(await p.finish((writes.acks.length * WATCHERS) / THREADS, 5_000));
    const received = results.flatMap((r) => r.received);
    const errors = results.reduce((n, r) => n + r.errors, 0);
    const s = analyze(writes.acks, received, () => 0);
    const note = `${WATCHERS} watchers in ${THREADS} threads, ${writes.rate.toFixed(0)} puts/s x ${writes.seconds.toFixed(1)} s, ${s.events} events` +
      (writes.failed ? `, ${writes.failed} failed puts` : '') + (errors ? `, ${errors} watch errors` : '');
    report.add(SECTION, 'watch 100x put->event p50', s.p50, 'ms', undefined, note);
    report.add(SECTION, 'watch 100x put->event p99', s.p99, 'ms', undefined, `max ${s.max.toFixed(1)} ms; ${s.early} events came before the ack; from request start p50 ${s.sentP50.toFixed(1)} / p99 ${s.sentP99.toFixed(1)} ms`);
    report.add(SECTION, 'watch 100x events lost', s.lost, 'events', { op: '==', value: 0 }, `of ${s.expected}`);
  } finally {
    await Promise.all(pools.map((p) => p.terminate()));
  }
}

export async function runEtcd(report: Report): Promise<void> {
  const etcd = await startEtcd();
  process.stdout.write(`etcd ${etcd.version} at ${etcd.endpoint}\n`);
  const client = new Etcd3({ hosts: etcd.endpoint, grpcOptions: { 'grpc.max_receive_message_length': 256 << 20 } });
  try {
    await puts(report, client, etcd.version);
    await rangeRead(report, client);
    await watchFanout(report, client, etcd.endpoint);
  } catch (err) {
    throw new Error(`etcd bench: ${errorText(err)}`);
  } finally {
    client.close();
    await etcd.stop();
  }
}
