// npm run bench:pods [-- --pods 20]
//
// Pod startup on one real node, in one run:
//   1. the raw CRI floor: RunPodSandbox + CreateContainer + StartContainer straight from this
//      script against the node's own containerd (the same pod network, image and cgroup
//      parent as the agent uses), N pods one after another, then N at once;
//   2. the same pods through Skiff (`skiff up --runtime cri`): pod created over HTTPS →
//      scheduled → the agent's pod worker → Running, observed on a watch (what the upstream
//      pod startup SLO measures), N one after another, then N at once.
// Prints p50/p99 and pods/s for both, their ratios (targets: Skiff p50 ≤ 1.15× the raw
// floor; concurrent pods/s ≥ 90 % of raw), and the RSS of skiff up and containerd.

import { readFileSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import https from 'node:https';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { CriRuntime } from '../src/agent/cri/runtime.ts';
import { podCgroupParent, removePodCgroup } from '../src/agent/podcgroups.ts';
import { NamespaceMode, type PodSandboxConfig } from '../src/agent/runtime/types.ts';
import { containerdPaths } from '../src/host/containerd.ts';
import { Histogram } from './histogram.ts';
import { agentFromKubeconfig, httpRequest } from './http.ts';
import { Report, renderTable } from './report.ts';
import { buildBundle, skiffUp, vmRssMb } from './skiff.ts';
import { now, run, runCleanups, sleep, tempDir } from './util.ts';

const SECTION = 'F. pod startup (real runtime)';

// --bundle: another build of skiff (e.g. of another commit) instead of building dist/skiff.cjs.
const { values } = parseArgs({ options: { pods: { type: 'string', default: '20' }, image: { type: 'string', default: 'docker.io/library/busybox:1.36' }, bundle: { type: 'string' } } });
const N = Number(values.pods);
const IMAGE = values.image!;
// Exits at once on SIGTERM (a bare `sleep` as PID 1 ignores it and every teardown waits out the grace period).
const COMMAND = ['sh', '-c', 'trap "exit 0" TERM; sleep 3600 & wait'];

interface Sample { ms: number }

function summarize(report: Report, what: string, samples: number[], wallMs: number, target?: { p50?: number; rate?: number }): { p50: number; rate: number } {
  const h = new Histogram();
  for (const s of samples) h.record(s);
  const p50 = h.percentile(50), p99 = h.percentile(99), rate = samples.length / (wallMs / 1000);
  report.add(SECTION, `${what}: p50`, p50, 'ms', target?.p50 !== undefined ? { op: '<=', value: target.p50 } : undefined);
  report.add(SECTION, `${what}: p99`, p99, 'ms');
  report.add(SECTION, `${what}: pods/s`, rate, 'pods/s', target?.rate !== undefined ? { op: '>=', value: target.rate } : undefined, `${samples.length} pods in ${(wallMs / 1000).toFixed(1)} s`);
  return { p50, rate };
}

// ---- 1. the raw CRI floor ----

async function rawFloor(report: Report, runtime: CriRuntime, logRoot: string): Promise<{ seq: { p50: number; rate: number }; conc: { p50: number; rate: number } }> {
  let serial = 0;
  const started: { sandbox: string; uid: string }[] = [];
  const startOne = async (): Promise<number> => {
    const i = serial++;
    const uid = `bench-raw-${process.pid}-${i}`;
    const logDirectory = join(logRoot, `bench_raw-${i}_${uid}`);
    await mkdir(logDirectory, { recursive: true });
    const config: PodSandboxConfig = {
      metadata: { name: `raw-${i}`, uid, namespace: 'bench', attempt: 0 },
      hostname: `raw-${i}`,
      logDirectory,
      dnsConfig: { servers: ['10.96.0.10'], searches: ['bench.svc.cluster.local', 'svc.cluster.local', 'cluster.local'], options: ['ndots:5'] },
      labels: { 'bench.skiff.dev/raw': 'true' },
      linux: { cgroupParent: podCgroupParent(uid), securityContext: { namespaceOptions: { network: NamespaceMode.POD, pid: NamespaceMode.CONTAINER, ipc: NamespaceMode.POD } } },
    };
    const t0 = now();
    const sandbox = await runtime.runPodSandbox(config);
    const id = await runtime.createContainer(sandbox, {
      metadata: { name: 'app', attempt: 0 }, image: { image: IMAGE }, command: COMMAND, logPath: 'app/0.log',
      labels: { 'bench.skiff.dev/raw': 'true' },
      linux: { securityContext: { namespaceOptions: { network: NamespaceMode.POD, pid: NamespaceMode.CONTAINER, ipc: NamespaceMode.POD } } },
    }, config);
    await runtime.startContainer(id);
    const ms = now() - t0;
    started.push({ sandbox, uid });
    return ms;
  };
  const teardown = async () => {
    await Promise.all(started.splice(0).map(async ({ sandbox, uid }) => {
      for (const c of await runtime.listContainers({ podSandboxId: sandbox })) {
        await runtime.stopContainer(c.id, 2);
        await runtime.removeContainer(c.id);
      }
      await runtime.stopPodSandbox(sandbox);
      await runtime.removePodSandbox(sandbox);
      removePodCgroup(podCgroupParent(uid));
    }));
  };

  process.stdout.write(`raw CRI: ${N} pods one after another\n`);
  let t0 = now();
  const seq: number[] = [];
  for (let i = 0; i < N; i++) seq.push(await startOne());
  const seqResult = summarize(report, 'raw CRI, sequential', seq, now() - t0);
  await teardown();

  process.stdout.write(`raw CRI: ${N} pods at once\n`);
  t0 = now();
  const conc = await Promise.all(Array.from({ length: N }, () => startOne()));
  const concResult = summarize(report, 'raw CRI, concurrent', conc, now() - t0);
  await teardown();
  return { seq: seqResult, conc: concResult };
}

// ---- 2. through Skiff ----

interface WatchedPod { metadata: { name: string }; status?: { phase?: string; containerStatuses?: { state?: { running?: unknown } }[] } }

/** Resolves a pod's name once a watch event shows it Running with every container running. */
class RunningWatch {
  private readonly waiters = new Map<string, () => void>();
  private readonly seen = new Set<string>();
  private req: ReturnType<typeof https.request> | undefined;

  start(agent: https.Agent, url: string, namespace: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const u = new URL(`${url}/api/v1/namespaces/${namespace}/pods?watch=true&allowWatchBookmarks=false`);
      this.req = https.request(u, { agent, method: 'GET' }, (res) => {
        if (res.statusCode !== 200) { reject(new Error(`watch: HTTP ${res.statusCode}`)); return; }
        resolve();
        let buf = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          buf += chunk;
          for (let nl = buf.indexOf('\n'); nl >= 0; nl = buf.indexOf('\n')) {
            const line = buf.slice(0, nl);
            buf = buf.slice(nl + 1);
            if (line) this.onEvent(JSON.parse(line) as { type: string; object: WatchedPod });
          }
        });
      });
      this.req.on('error', reject);
      this.req.end();
    });
  }

  private onEvent(e: { type: string; object: WatchedPod }): void {
    const p = e.object;
    const cs = p.status?.containerStatuses ?? [];
    if (p.status?.phase !== 'Running' || cs.length === 0 || !cs.every((c) => c.state?.running)) return;
    const name = p.metadata.name;
    if (this.seen.has(name)) return;
    this.seen.add(name);
    this.waiters.get(name)?.();
  }

  running(name: string): Promise<void> {
    if (this.seen.has(name)) return Promise.resolve();
    return new Promise((resolve) => this.waiters.set(name, resolve));
  }

  stop(): void { this.req?.destroy(); }
}

function podBody(name: string): string {
  return JSON.stringify({
    apiVersion: 'v1', kind: 'Pod', metadata: { name, labels: { app: 'bench' } },
    spec: { terminationGracePeriodSeconds: 2, containers: [{ name: 'app', image: IMAGE, imagePullPolicy: 'IfNotPresent', command: COMMAND }] },
  });
}

async function throughSkiff(report: Report, agent: https.Agent, url: string, raw: { seq: { p50: number; rate: number }; conc: { p50: number; rate: number } }): Promise<void> {
  const ns = 'default';
  const watch = new RunningWatch();
  await watch.start(agent, url, ns);
  let serial = 0;
  const startOne = async (): Promise<number> => {
    const name = `pod-${serial++}`;
    const t0 = now();
    const r = await httpRequest(agent, url, 'POST', `/api/v1/namespaces/${ns}/pods`, podBody(name));
    if (r.status !== 201) throw new Error(`create ${name}: ${r.status} ${r.body.slice(0, 200)}`);
    await Promise.race([watch.running(name), sleep(120_000).then(() => { throw new Error(`${name} not Running within 120 s`); })]);
    return now() - t0;
  };
  const deleteAll = async () => {
    await httpRequest(agent, url, 'DELETE', `/api/v1/namespaces/${ns}/pods?labelSelector=app%3Dbench`);
    for (const t0 = now(); ;) {
      const r = await httpRequest(agent, url, 'GET', `/api/v1/namespaces/${ns}/pods?labelSelector=app%3Dbench`);
      if ((JSON.parse(r.body) as { items: unknown[] }).items.length === 0) return;
      if (now() - t0 > 180_000) throw new Error('bench pods not gone within 180 s');
      await sleep(250);
    }
  };
  try {
    process.stdout.write(`skiff: ${N} pods one after another\n`);
    let t0 = now();
    const seq: Sample['ms'][] = [];
    for (let i = 0; i < N; i++) seq.push(await startOne());
    const s = summarize(report, 'Skiff, sequential', seq, now() - t0, { p50: raw.seq.p50 * 1.15 });
    report.add(SECTION, 'Skiff / raw, sequential p50', s.p50 / raw.seq.p50, '×', { op: '<=', value: 1.15 });
    await deleteAll();

    process.stdout.write(`skiff: ${N} pods at once\n`);
    t0 = now();
    const conc = await Promise.all(Array.from({ length: N }, () => startOne()));
    const c = summarize(report, 'Skiff, concurrent', conc, now() - t0, { rate: raw.conc.rate * 0.9 });
    report.add(SECTION, 'Skiff / raw, concurrent pods/s', c.rate / raw.conc.rate, '×', { op: '>=', value: 0.9 });
  } finally {
    await deleteAll().catch(() => undefined);
    watch.stop();
  }
}

async function waitNodeReady(agent: https.Agent, url: string): Promise<void> {
  for (const t0 = now(); ;) {
    const r = await httpRequest(agent, url, 'GET', '/api/v1/nodes');
    const nodes = (JSON.parse(r.body) as { items: { status?: { conditions?: { type: string; status: string }[] } }[] }).items;
    if (nodes.some((n) => n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'))) return;
    if (now() - t0 > 120_000) throw new Error('no Ready node within 120 s');
    await sleep(250);
  }
}

async function pidOf(file: string): Promise<number | undefined> {
  try { return Number((await readFile(file, 'utf8')).trim()) || undefined; } catch { return undefined; }
}

async function main(): Promise<void> {
  if (process.getuid?.() !== 0) throw new Error('bench:pods needs root (containerd, CNI)');
  const report = new Report();
  if (!values.bundle) await buildBundle();
  const dir = await tempDir('pods');
  process.stdout.write('starting skiff up --runtime cri\n');
  const up = await skiffUp(dir, ['--runtime', 'cri'], 180_000, values.bundle);
  const agent = agentFromKubeconfig(up.kubeconfigPath, N + 4);
  const paths = containerdPaths(dir);
  try {
    await waitNodeReady(agent, up.url);
    const runtime = new CriRuntime({ endpoint: paths.socket });
    try {
      if (!(await runtime.imageStatus({ image: IMAGE }))) await runtime.pullImage({ image: IMAGE });
      const raw = await rawFloor(report, runtime, join(dir, 'bench-raw-logs'));
      await throughSkiff(report, agent, up.url, raw);
    } finally {
      runtime.close();
    }
    report.add(SECTION, 'RSS of skiff up (API server, controllers, scheduler, agent)', await vmRssMb(up.child.pid!), 'MB', undefined, `VmHWM ${readHwm(up.child.pid)} MB`);
    const cpid = await pidOf(paths.pidFile);
    if (cpid) report.add(SECTION, 'RSS of containerd', await vmRssMb(cpid), 'MB', undefined, 'after the runs, no pods left');
  } finally {
    agent.destroy();
    await up.stop();
    // skiff up leaves its pods, containerd's shims and the pod network as a kubelet would; the bench leaves nothing.
    await run(process.execPath, ['dist/skiff.cjs', 'down', '--data-dir', dir], { timeoutMs: 120_000 });
  }
  process.stdout.write(`\n${renderTable(report.figures)}\n\nimage ${IMAGE} present before the runs (pull time excluded, as the SLO does)\n`);
}

function readHwm(pid: number | undefined): string {
  try { return (Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024).toFixed(0); } catch { return 'n/a'; }
}

main().then(() => runCleanups()).then(() => process.exit(0), async (e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
  await runCleanups();
  process.exit(1);
});
