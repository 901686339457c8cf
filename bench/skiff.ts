// Part C: Skiff. Cold starts of `skiff up`, then an in-process server driven over
// HTTPS with client-certificate auth from worker threads: creates, gets, a 10,000-pod
// list (full and paged), and watch fan-out in two shapes.

import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createWriteStream, readFileSync } from 'node:fs';
import https from 'node:https';
import { fileURLToPath } from 'node:url';
import { Histogram } from './histogram.ts';
import { httpJson, httpRequest, resourceVersionOf, tlsAgent } from './http.ts';
import { runLoad, type LoadResult, type TlsOptions } from './load.ts';
import { realisticPod } from './pods.ts';
import type { Report } from './report.ts';
import type { PageResult, SkiffWorkerData } from './skiff-worker.ts';
import { errorText, now, onCleanup, runWorker, sleep, tempDir } from './util.ts';
import { analyze, WatcherPool, type PacedResult } from './watch.ts';
import { PUTS_32, SECTION as ETCD_SECTION } from './etcd.ts';

const SECTION = 'C. Skiff';
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const WORKER = new URL('./skiff-worker.ts', import.meta.url).href;

type StartSkiff = typeof import('../src/index.ts').startSkiff;
type Skiff = Awaited<ReturnType<StartSkiff>>;

/** BENCH_SKIFF_STAGES=watch (ii),cold start runs only the named stages of part C (for a quick look at one). */
const onlyStages = process.env.BENCH_SKIFF_STAGES?.split(',').map((s) => s.trim()).filter(Boolean);

async function stage(report: Report, name: string, fn: () => Promise<void>): Promise<void> {
  if (onlyStages && !onlyStages.includes(name)) return;
  const t0 = now();
  try {
    await fn();
  } catch (err) {
    process.stderr.write(`skiff stage "${name}" failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    report.add(SECTION, `${name}: FAILED`, null, '', undefined, errorText(err).split('\n')[0].slice(0, 160));
  }
  process.stdout.write(`  ${name}: ${((now() - t0) / 1000).toFixed(1)} s\n`);
}

function loadNote(r: LoadResult): string | undefined {
  return r.errors > 0 ? `${r.errors} errors (${r.firstError ?? ''})` : undefined;
}

// ---- cold start of `skiff up` ----

export interface Started {
  child: ChildProcess;
  totalMs: number; // spawn -> /readyz ok
  readyLineMs: number; // spawn -> stdout line containing "ready"
  stop: () => Promise<void>;
  url: string;
  kubeconfigPath: string;
}

function readyz(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = https.get(`${url}/readyz`, { rejectUnauthorized: false, timeout: 2_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve(res.statusCode === 200 && body.trim() === 'ok'));
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => req.destroy());
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** Build the bundle that `npm run skiff` runs (scripts/skiff.sh does this when sources change). */
export async function buildBundle(): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const c = spawn('bash', ['scripts/skiff.sh', 'help'], { cwd: ROOT, stdio: 'ignore' });
    c.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`bundling failed (${code})`))));
  });
}

/** Spawn `skiff up` as `npm run skiff -- up` runs it (node dist/skiff.cjs up ...) and wait for ready + /readyz. */
export async function skiffUp(dataDir: string, extraArgs: string[] = [], readyTimeoutMs = 30_000, bundle = 'dist/skiff.cjs'): Promise<Started> {
  const args = [bundle, 'up', '--data-dir', dataDir, '--port', '0', '--log-level', 'error', ...extraArgs];
  const t0 = now();
  // BENCH_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof") profiles the skiff process.
  const nodeArgs = process.env.BENCH_NODE_ARGS ? process.env.BENCH_NODE_ARGS.split(' ') : [];
  const child = spawn(process.execPath, [...nodeArgs, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  const stop = onCleanup(() => stopChild(child));
  let out = '';
  let err = '';
  let url: string | null = null;
  let readyAt = 0;
  child.stdout?.setEncoding('utf8');
  child.stderr?.setEncoding('utf8');
  // BENCH_CHILD_OUT=FILE keeps everything the skiff process prints (e.g. with BENCH_NODE_ARGS=--trace-gc).
  const keep = process.env.BENCH_CHILD_OUT ? createWriteStream(process.env.BENCH_CHILD_OUT, { flags: 'a' }) : undefined;
  if (keep) {
    child.stdout?.on('data', (c: string) => keep.write(c));
    child.stderr?.on('data', (c: string) => keep.write(c));
  }
  child.stderr?.on('data', (c: string) => {
    if (err.length < 8_000) err += c;
  });
  child.stdout?.on('data', (c: string) => {
    out += c;
    url ??= /https:\/\/(?:127\.0\.0\.1|localhost):\d+/.exec(out)?.[0] ?? null;
    if (!readyAt && /ready/i.test(out)) readyAt = now();
  });
  const deadline = t0 + readyTimeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`skiff up exited with ${child.exitCode}: ${err || out}`);
    if (now() > deadline) {
      await stop();
      throw new Error(`skiff up not ready within ${readyTimeoutMs / 1000} s; stdout: ${out.slice(0, 400)} stderr: ${err.slice(0, 400)}`);
    }
    if (readyAt && url && (await readyz(url))) break;
    await sleep(readyAt ? 2 : 5);
  }
  const kubeconfigPath = /export KUBECONFIG=(\S+)/.exec(out)?.[1] ?? '';
  return { child, totalMs: now() - t0, readyLineMs: readyAt - t0, stop, url: url as string, kubeconfigPath };
}

export async function vmRssMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = /VmRSS:\s+(\d+)\s+kB/.exec(status)?.[1];
  if (!kb) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(kb) / 1024;
}

/** CPU time (user + system, all threads) the process has used so far, in ms. */
export function cpuMs(pid: number): number {
  // Fields after the command name (which may hold spaces) start at the state, field 3.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(f[11]) + Number(f[12])) * 1000) / TICKS_PER_SECOND;
}
const TICKS_PER_SECOND = 100; // sysconf(_SC_CLK_TCK) on Linux

async function coldStarts(report: Report): Promise<void> {
  const dir = await tempDir('up');
  await buildBundle();
  // The API server's start: the host node on the simulated runtime (the real one brings up containerd
  // and a registry beside it, which the API does not wait for; bench:pods measures that side).
  const first = await skiffUp(dir, ['--runtime', 'sim']);
  await first.stop();
  // The second start is what a user waits for every day: the median of several, each of a
  // stopped server on the same data dir (one sample swings by tens of ms on a shared machine).
  const seconds: Started[] = [];
  for (let i = 0; i < COLD_STARTS; i++) {
    const s = await skiffUp(dir, ['--runtime', 'sim']);
    seconds.push(s);
    if (i < COLD_STARTS - 1) await s.stop();
  }
  const byTotal = [...seconds].sort((a, b) => a.totalMs - b.totalMs);
  const median = byTotal[COLD_STARTS >> 1];
  const second = seconds[COLD_STARTS - 1];
  try {
    const how = 'node dist/skiff.cjs up --port 0 --runtime sim (what npm run skiff -- up execs)';
    report.add(SECTION, 'cold start, first (new data dir, PKI)', first.totalMs, 'ms', undefined, `${how}; "ready" line at ${first.readyLineMs.toFixed(0)} ms`);
    report.add(SECTION, 'cold start, second (same data dir)', median.totalMs, 'ms', { op: '<=', value: 300 },
      `median of ${COLD_STARTS} (min ${byTotal[0].totalMs.toFixed(0)}, max ${byTotal[COLD_STARTS - 1].totalMs.toFixed(0)}); "ready" line at ${median.readyLineMs.toFixed(0)} ms`);
    await sleep(1_500);
    const pid = second.child.pid;
    if (pid === undefined) throw new Error('no pid for skiff up');
    report.add(SECTION, 'idle RSS of skiff up', await vmRssMb(pid), 'MB', { op: '<=', value: 80 }, 'VmRSS 1.5 s after ready');
  } finally {
    await second.stop();
  }
}

const COLD_STARTS = 5;

// ---- in-process server ----

async function firstRequestMs(startSkiff: StartSkiff, dataDir: string): Promise<{ ms: number; skiff: Skiff }> {
  const t0 = now();
  const skiff = await startSkiff({ dataDir, port: 0, logLevel: 'error' });
  const agent = tlsAgent({ ca: skiff.credentials.caPem, cert: skiff.credentials.certPem, key: skiff.credentials.keyPem }, 1);
  try {
    await httpJson(agent, skiff.url, 'GET', '/api/v1/namespaces/default');
    return { ms: now() - t0, skiff };
  } finally {
    agent.destroy();
  }
}

async function inProcessStart(report: Report): Promise<Skiff> {
  const t0 = now();
  const { startSkiff } = await import('../src/index.ts');
  const importMs = now() - t0;
  const dir = await tempDir('inproc');
  const fresh = await firstRequestMs(startSkiff, dir);
  await fresh.skiff.close();
  const again = await firstRequestMs(startSkiff, dir);
  onCleanup(() => again.skiff.close());
  report.add(SECTION, 'startSkiff() -> first request, new data dir', fresh.ms, 'ms', undefined, `import of src/index.ts took ${importMs.toFixed(0)} ms (not included)`);
  report.add(SECTION, 'startSkiff() -> first request, existing dir', again.ms, 'ms', { op: '<=', value: 100 }, 'GET /api/v1/namespaces/default answered');
  return again.skiff;
}

function tlsOf(skiff: Skiff): TlsOptions {
  return { ca: skiff.credentials.caPem, cert: skiff.credentials.certPem, key: skiff.credentials.keyPem };
}

async function createsAndGets(report: Report, skiff: Skiff): Promise<void> {
  const tls = tlsOf(skiff);
  const path = '/api/v1/namespaces/default/configmaps';
  const body = (p: string): string =>
    `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"${p}-{{i}}","labels":{"app":"bench"}},"data":{"key":"value-{{i}}","mode":"fast"}}`;
  const one = await runLoad({ url: skiff.url, method: 'POST', path, body: body('c1'), concurrency: 1, durationMs: 3_000, tls });
  report.add(SECTION, 'ConfigMap creates/s, 1 client', one.rps, 'creates/s', undefined, loadNote(one));
  report.add(SECTION, 'create p50, 1 client', one.p50, 'ms', { op: '<=', value: 1.5 });
  report.add(SECTION, 'create p99, 1 client', one.p99, 'ms');
  const many = await runLoad({ url: skiff.url, method: 'POST', path, body: body('c32'), concurrency: 32, durationMs: 5_000, tls });
  report.add(SECTION, 'ConfigMap creates/s, 32 clients', many.rps, 'creates/s', { op: '>=', value: 5_000 }, loadNote(many) ?? `p50 ${many.p50.toFixed(2)} ms, p99 ${many.p99.toFixed(2)} ms`);
  const etcd32 = report.get(ETCD_SECTION, PUTS_32);
  report.add(
    SECTION,
    'creates(32) / etcd puts(32)',
    etcd32 ? many.rps / etcd32 : null,
    'x',
    { op: '>=', value: 1.4 },
    etcd32 ? `etcd: ${etcd32.toFixed(0)} puts/s this run` : 'etcd not run (--only): no ratio',
  );
  const n = Math.max(1, Math.min(many.count, 5_000));
  const gets = await runLoad({ url: skiff.url, path: `${path}/c32-{{i%${n}}}`, concurrency: 32, durationMs: 4_000, tls });
  report.add(SECTION, 'ConfigMap gets/s, 32 clients', gets.rps, 'gets/s', undefined, loadNote(gets) ?? `p50 ${gets.p50.toFixed(2)} ms, p99 ${gets.p99.toFixed(2)} ms`);
}

async function ensureNamespace(agent: https.Agent, url: string, name: string): Promise<void> {
  const r = await httpRequest(agent, url, 'POST', '/api/v1/namespaces', JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } }));
  if (r.status !== 201 && r.status !== 409) throw new Error(`create namespace ${name}: HTTP ${r.status} ${r.body.slice(0, 200)}`);
}

async function lists(report: Report, skiff: Skiff): Promise<void> {
  const N = 10_000;
  const tls = tlsOf(skiff);
  const podsPath = '/api/v1/namespaces/bench/pods';
  const template = JSON.stringify(realisticPod('pod-{{i}}', 'bench', 'node-{{i%1000}}', '10.244.{{i%200}}.{{i%250}}'));
  const created = await runLoad({ url: skiff.url, method: 'POST', path: podsPath, body: template, concurrency: 32, count: N, maxMs: 45_000, tls });
  if (created.count !== N) throw new Error(`created ${created.count} of ${N} pods: ${created.firstError ?? ''}`);
  // Create drops status (as upstream does): set it through the status subresource.
  const status = await runLoad({ url: skiff.url, method: 'PUT', path: `${podsPath}/pod-{{i}}/status`, body: template, concurrency: 32, count: N, maxMs: 45_000, tls });
  if (status.count !== N) throw new Error(`status updated on ${status.count} of ${N} pods: ${status.firstError ?? ''}`);
  report.add(SECTION, 'pod creates/s (setup, 32 clients)', created.rps, 'creates/s', undefined, `then ${status.rps.toFixed(0)} status updates/s`);

  // Each runLoad is a fresh worker: warm its own TLS read path first (against a server of its
  // own, not Skiff), so that p99 is Skiff's latency and not the client thread's first 50 MB.
  const warmClientBytes = 64 << 20;
  const full = await runLoad({ url: skiff.url, path: podsPath, concurrency: 1, count: 20, maxMs: 20_000, tls, warmClientBytes });
  if (full.count === 0) throw new Error(`list failed: ${full.firstError ?? ''}`);
  const mb = full.bytes / full.count / 1e6;
  report.add(SECTION, 'list 10k pods p50', full.p50, 'ms', undefined, `${full.count} lists of ${mb.toFixed(1)} MB (~${((mb * 1e6) / N).toFixed(0)} B/pod), 1 client (its thread warmed first, not on Skiff)`);
  report.add(SECTION, 'list 10k pods p99', full.p99, 'ms', { op: '<=', value: 150 });

  // kubectl get's path: server-side printing into a Table (rows with PartialObjectMetadata).
  const tableAccept = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json';
  const table = await runLoad({ url: skiff.url, path: podsPath, headers: { Accept: tableAccept }, concurrency: 1, count: 20, maxMs: 20_000, tls, warmClientBytes });
  if (table.count === 0) throw new Error(`table list failed: ${table.firstError ?? ''}`);
  report.add(SECTION, 'Table list 10k pods p50', table.p50, 'ms', undefined, `${table.count} lists of ${(table.bytes / table.count / 1e6).toFixed(1)} MB, kubectl get's Accept`);
  report.add(SECTION, 'Table list 10k pods p99', table.p99, 'ms');

  const pageTask: SkiffWorkerData = { skiffBench: { task: 'page', url: skiff.url, tls, path: podsPath, limit: 500, walks: 10, maxMs: 20_000 } };
  const paged = await runWorker<PageResult>(WORKER, pageTask, 60_000);
  if (paged.items < N) throw new Error(`paging saw ${paged.items} items, expected ${N}`);
  const walk = new Histogram(paged.walk);
  const page = new Histogram(paged.page);
  report.add(SECTION, 'list 10k by limit=500, walk p50', walk.percentile(50), 'ms', undefined, `${walk.count} walks of ${paged.pages} pages`);
  report.add(SECTION, 'list 10k by limit=500, walk p99', walk.percentile(99), 'ms', undefined, `per page p50 ${page.percentile(50).toFixed(1)} ms, p99 ${page.percentile(99).toFixed(1)} ms`);
}

/** A Deployment of 50 containers, as kubectl apply --server-side sends it; {{i}} varies one env value per apply. */
function bigDeployment(): string {
  const containers = Array.from({ length: 50 }, (_, c) => ({
    name: `c${c}`,
    image: `registry.example/app-${c}:1.0`,
    ports: [{ containerPort: 8000 + c, name: `p${c}` }],
    env: [{ name: 'ROUND', value: c === 0 ? '{{i}}' : 'fixed' }, { name: 'INDEX', value: String(c) }],
    resources: { requests: { cpu: '10m', memory: '16Mi' }, limits: { memory: '64Mi' } },
    readinessProbe: { httpGet: { path: '/healthz', port: 8000 + c }, periodSeconds: 5 },
  }));
  return JSON.stringify({
    apiVersion: 'apps/v1', kind: 'Deployment',
    metadata: { name: 'big', labels: { app: 'big' } },
    spec: { replicas: 3, selector: { matchLabels: { app: 'big' } }, template: { metadata: { labels: { app: 'big' } }, spec: { containers } } },
  });
}

async function serverSideApply(report: Report, skiff: Skiff): Promise<void> {
  const tls = tlsOf(skiff);
  const r = await runLoad({
    url: skiff.url, method: 'PATCH', path: '/apis/apps/v1/namespaces/bench/deployments/big?fieldManager=bench&force=true',
    headers: { 'Content-Type': 'application/apply-patch+yaml' }, body: bigDeployment(), concurrency: 1, count: 200, maxMs: 30_000, tls,
  });
  if (r.count === 0) throw new Error(`apply failed: ${r.firstError ?? ''}`);
  report.add(SECTION, 'SSA apply, 50-container Deployment p50', r.p50, 'ms', undefined, `${r.count} applies, each changing one env value`);
  report.add(SECTION, 'SSA apply, 50-container Deployment p99', r.p99, 'ms');
}

async function watchShape(
  report: Report,
  skiff: Skiff,
  label: string,
  paths: (rv: number) => string[],
  prefix: string,
  groupOf: (w: number) => number | null,
  p99Target: number,
): Promise<void> {
  const tls = tlsOf(skiff);
  const agent = tlsAgent(tls, 1);
  let rv: number;
  try {
    rv = resourceVersionOf(await httpJson(agent, skiff.url, 'GET', '/api/v1/namespaces/bench/pods?limit=1'));
  } finally {
    agent.destroy();
  }
  const watchPaths = paths(rv);
  const watchTask: SkiffWorkerData = { skiffBench: { task: 'watch', url: skiff.url, tls, paths: watchPaths, connectConcurrency: 32 } };
  const pool = new WatcherPool(WORKER, watchTask);
  try {
    const ready = await pool.ready(60_000);
    if (ready.connected === 0) throw new Error(`no watch connected: ${ready.firstError ?? ''}`);
    await sleep(200);
    const writeTask: SkiffWorkerData = {
      skiffBench: { task: 'write', url: skiff.url, tls, namespace: 'bench', prefix, pods: 2_000, nodes: 1_000, rate: 1_000, durationMs: 5_000, maxInFlight: 64 },
    };
    const writes = await runWorker<PacedResult>(WORKER, writeTask, 60_000);
    const watchersOf = new Map<number | null, number>();
    watchPaths.forEach((_, w) => watchersOf.set(groupOf(w), (watchersOf.get(groupOf(w)) ?? 0) + 1));
    const everyone = watchersOf.get(null) ?? 0;
    const expectedTotal = writes.acks.reduce((n, a) => n + everyone + (watchersOf.get(a.group) ?? 0), 0);
    const { received, errors, firstError } = await pool.finish(expectedTotal, 5_000);
    const s = analyze(writes.acks, received, groupOf);
    const note =
      `${ready.connected}/${watchPaths.length} watchers, ${writes.rate.toFixed(0)} writes/s x ${writes.seconds.toFixed(1)} s, ` +
      `${s.events} events (${(s.events / writes.seconds).toFixed(0)}/s)` +
      (writes.failed ? `, ${writes.failed} failed writes (${writes.firstError ?? ''})` : '') +
      (errors ? `, ${errors} watch errors (${firstError ?? ''})` : '') +
      (s.unexpected ? `, ${s.unexpected} unexpected` : '') +
      (s.duplicates ? `, ${s.duplicates} duplicates` : '');
    report.add(SECTION, `${label} write->event p50`, s.p50, 'ms', undefined, note);
    report.add(SECTION, `${label} write->event p99`, s.p99, 'ms', { op: '<=', value: p99Target }, `max ${s.max.toFixed(1)} ms; ${s.early} events came before the ack; from request start p50 ${s.sentP50.toFixed(2)} / p99 ${s.sentP99.toFixed(2)} ms`);
    report.add(SECTION, `${label} events lost`, s.lost, 'events', { op: '==', value: 0 }, `of ${s.expected}${ready.failed ? `; ${ready.failed} watches failed to open` : ''}`);
  } finally {
    await pool.terminate();
  }
}

export async function runSkiff(report: Report): Promise<void> {
  await stage(report, 'cold start', () => coldStarts(report));
  const skiff = await inProcessStart(report);
  process.stdout.write(`  skiff at ${skiff.url}\n`);
  await stage(report, 'creates/gets', () => createsAndGets(report, skiff));
  const agent = tlsAgent(tlsOf(skiff), 1);
  await ensureNamespace(agent, skiff.url, 'bench').finally(() => agent.destroy());
  await stage(report, 'lists', () => lists(report, skiff));
  await stage(report, 'server-side apply', () => serverSideApply(report, skiff));
  await stage(report, 'watch (i)', () =>
    watchShape(
      report,
      skiff,
      'watch (i) 1,000 node watchers',
      (rv) => Array.from({ length: 1_000 }, (_, i) => `/api/v1/pods?watch=true&fieldSelector=spec.nodeName%3Dnode-${i}&resourceVersion=${rv}`),
      'wi',
      (w) => w,
      10,
    ),
  );
  await stage(report, 'watch (ii)', () =>
    watchShape(
      report,
      skiff,
      'watch (ii) 100 namespace watchers',
      (rv) => Array.from({ length: 100 }, () => `/api/v1/namespaces/bench/pods?watch=1&resourceVersion=${rv}`),
      'wii',
      () => null,
      50,
    ),
  );
}
