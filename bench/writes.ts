// npx tsx bench/writes.ts [--pods 3000 --concurrency 32 --only pods,binding --profile DIR --bundle FILE]
//
// The API server's write path, verb by verb: `skiff up --sim-nodes 0 --no-scheduler` (the
// API server alone, as a user starts it) driven over HTTPS by 32 concurrent clients:
// pod creates, pods/binding, pods/status merge patches (what node agents send) and PUTs,
// core Event creates, Lease updates (PUT, as node heartbeats), ConfigMap creates, and
// single-client ConfigMap creates for latency. Prints writes/s and latency per verb.
//
// With --profile DIR the skiff process runs with --cpu-prof; after it stops, the profile
// is cut into the phases' time windows (the profile and this process share the monotonic
// clock) and each phase prints the share of the API server thread's busy time spent in the
// busiest functions (self and total), in GC and idle.

import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { load } from 'js-yaml';
import { httpJson, tlsAgent } from './http.ts';
import { runLoad, type LoadResult, type TlsOptions } from './load.ts';
import { realisticPod } from './pods.ts';
import { buildBundle, skiffUp } from './skiff.ts';
import { now, runCleanups, tempDir } from './util.ts';

const PHASES = ['pods', 'binding', 'status-patch', 'status-put', 'events', 'leases', 'configmaps', 'configmaps-1'] as const;
type Phase = (typeof PHASES)[number];

const { values } = parseArgs({
  options: {
    pods: { type: 'string', default: '3000' },
    concurrency: { type: 'string', default: '32' },
    only: { type: 'string' },
    profile: { type: 'string' },
    top: { type: 'string', default: '25' },
    /** Another bundle of skiff (e.g. of another commit) instead of building dist/skiff.cjs. */
    bundle: { type: 'string' },
    /** Print the summary of an earlier --profile run again. */
    summarize: { type: 'string' },
  },
});
const PODS = Number(values.pods), CONC = Number(values.concurrency), TOP = Number(values.top);
const only = values.only ? new Set(values.only.split(',')) : undefined;
for (const p of only ?? []) if (!(PHASES as readonly string[]).includes(p)) throw new Error(`unknown phase ${p} (phases: ${PHASES.join(', ')})`);
const wanted = (p: Phase) => !only || only.has(p);

interface KubeconfigDoc { users: { user: Record<string, string> }[]; clusters: { cluster: Record<string, string> }[] }

function tlsFrom(kubeconfigPath: string): TlsOptions {
  const doc = load(readFileSync(kubeconfigPath, 'utf8')) as KubeconfigDoc;
  const b = (s: string | undefined) => (s ? Buffer.from(s, 'base64').toString('utf8') : undefined);
  return {
    ca: b(doc.clusters[0].cluster['certificate-authority-data']),
    cert: b(doc.users[0].user['client-certificate-data']),
    key: b(doc.users[0].user['client-key-data']),
  };
}

/** A pod as a ReplicaSet creates it (no node, no status). */
function podBody(): string {
  const pod = realisticPod('bench-{{i}}', 'default', '', '');
  delete pod.spec.nodeName;
  delete pod.status;
  return JSON.stringify(pod);
}

const T = '2025-06-01T12:00:00Z';

/** The status a node agent reports for a started pod (src/agent/podstatus.ts's shape). */
function agentStatus(restarts: string): Record<string, unknown> {
  const cs = (name: string, image: string) => ({
    name, image, imageID: `${image}@sha256:0123`, containerID: 'sim://{{i}}-' + name, ready: true, started: true,
    restartCount: `@@${restarts}@@`, state: { running: { startedAt: T } },
  });
  return {
    phase: 'Running',
    conditions: ['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady', 'PodScheduled']
      .map((type) => ({ type, status: 'True', lastProbeTime: null, lastTransitionTime: T })),
    hostIP: '10.0.0.10', hostIPs: [{ ip: '10.0.0.10' }], startTime: T,
    podIP: '10.244.0.7', podIPs: [{ ip: '10.244.0.7' }],
    containerStatuses: [cs('app', 'registry.example.com/shop/web:1.27.3'), cs('metrics', 'registry.example.com/ops/exporter:0.9.1')],
  };
}
// restartCount must stay a number in the template: "@@0@@" → 0.
const unquote = (s: string) => s.replace(/"@@([^@]*)@@"/g, '$1');

interface PhaseResult { phase: Phase; result: LoadResult; t0: number; t1: number; mainCpuMs: number; allCpuMs: number }

/** CPU time (user + system) in ms of a process's or a thread's /proc stat file. */
function cpuMs(statPath: string): number {
  const stat = readFileSync(statPath, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // utime and stime are fields 14 and 15 (1-based) of the whole line: 12 and 13 after the comm.
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLK_TCK;
}
const CLK_TCK = 100;

async function main(): Promise<void> {
  if (!values.bundle) await buildBundle();
  const dir = await tempDir('writes');
  let profDir: string | undefined;
  if (values.profile) {
    profDir = path.resolve(values.profile);
    process.env.BENCH_NODE_ARGS = `--cpu-prof --cpu-prof-dir=${profDir}`;
  }
  const up = await skiffUp(dir, ['--runtime', 'sim', '--sim-nodes', '0', '--no-scheduler'], 60_000, values.bundle);
  const tls = tlsFrom(up.kubeconfigPath);
  const url = up.url;
  const pid = up.child.pid!;
  const results: PhaseResult[] = [];
  const run = async (phase: Phase, opts: { method: string; path: string; body: string; count?: number; durationMs?: number; concurrency?: number; headers?: Record<string, string> }) => {
    const mainStat = `/proc/${pid}/task/${pid}/stat`, allStat = `/proc/${pid}/stat`;
    const m0 = cpuMs(mainStat), a0 = cpuMs(allStat);
    const t0 = now();
    const result = await runLoad({ url, tls, concurrency: opts.concurrency ?? CONC, ...opts, maxMs: 120_000 });
    const t1 = now();
    const mainCpuMs = cpuMs(mainStat) - m0, allCpuMs = cpuMs(allStat) - a0;
    results.push({ phase, result, t0, t1, mainCpuMs, allCpuMs });
    const r = result;
    const n = r.count + r.errors;
    process.stdout.write(`${phase.padEnd(14)} ${r.rps.toFixed(0).padStart(6)}/s  p50 ${r.p50.toFixed(2).padStart(6)} ms  p99 ${r.p99.toFixed(2).padStart(6)} ms  CPU/write: main thread ${(mainCpuMs * 1000 / n).toFixed(0).padStart(4)} µs, process ${(allCpuMs * 1000 / n).toFixed(0).padStart(4)} µs  n=${r.count}${r.errors ? `  ERRORS ${r.errors} (${r.firstError})` : ''}\n`);
  };
  const pods = '/api/v1/namespaces/default/pods';
  try {
    const agent = tlsAgent(tls, 4);
    await httpJson(agent, url, 'POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'kube-node-lease' } }).catch(() => undefined);
    // Pods are needed by every pod phase: created even when not measured.
    await run('pods', { method: 'POST', path: pods, body: podBody(), count: PODS });
    if (wanted('binding') || wanted('status-patch') || wanted('status-put')) {
      await run('binding', {
        method: 'POST', path: `${pods}/bench-{{i}}/binding`, count: PODS,
        body: JSON.stringify({ apiVersion: 'v1', kind: 'Binding', metadata: { name: 'bench-{{i}}' }, target: { apiVersion: 'v1', kind: 'Node', name: 'node-{{i%100}}' } }),
      });
    }
    if (wanted('status-patch') || wanted('status-put')) {
      await run('status-patch', {
        method: 'PATCH', path: `${pods}/bench-{{i}}/status`, count: PODS, headers: { 'content-type': 'application/merge-patch+json' },
        body: unquote(JSON.stringify({ status: agentStatus('0') })),
      });
    }
    if (wanted('status-put')) {
      // The whole pod with a restarted container (a change on every write).
      const pod = realisticPod('bench-{{i}}', 'default', 'node-{{i%100}}', '10.244.0.7');
      pod.status = agentStatus('1');
      await run('status-put', { method: 'PUT', path: `${pods}/bench-{{i}}/status`, count: PODS, body: unquote(JSON.stringify(pod)) });
    }
    if (wanted('events')) {
      const ev = {
        apiVersion: 'v1', kind: 'Event', metadata: { name: 'bench-{{i}}.17e4c0ffee{{i}}', namespace: 'default' },
        involvedObject: { kind: 'Pod', namespace: 'default', name: 'bench-{{i}}', uid: '6f1d2c3b-4a59-4687-9a0b-1c2d3e4f5a6b', apiVersion: 'v1', resourceVersion: '123' },
        reason: 'Scheduled', message: 'Successfully assigned default/bench-{{i}} to node-{{i%100}}', type: 'Normal',
        source: { component: 'default-scheduler' }, count: 1, firstTimestamp: T, lastTimestamp: T,
        reportingComponent: 'default-scheduler', reportingInstance: '',
      };
      await run('events', { method: 'POST', path: '/api/v1/namespaces/default/events', body: JSON.stringify(ev), count: PODS });
    }
    if (wanted('leases')) {
      const N = 100;
      for (let i = 0; i < N; i++) {
        await httpJson(agent, url, 'POST', '/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases', {
          apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: `node-${i}` },
          spec: { holderIdentity: `node-${i}`, leaseDurationSeconds: 40, renewTime: '2025-06-01T12:00:00.000000Z' },
        });
      }
      const lease = {
        apiVersion: 'coordination.k8s.io/v1', kind: 'Lease',
        metadata: { name: 'node-{{i%100}}', namespace: 'kube-node-lease', ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: 'node-{{i%100}}', uid: '6f1d2c3b-4a59-4687-9a0b-1c2d3e4f5a6b' }] },
        spec: { holderIdentity: 'node-{{i%100}}', leaseDurationSeconds: 40, renewTime: '2025-06-01T12:00:00.{{i%1000000}}Z' },
      };
      await run('leases', { method: 'PUT', path: '/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/node-{{i%100}}', body: JSON.stringify(lease), count: PODS });
    }
    const cm = (p: string) => `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"${p}-{{i}}","labels":{"app":"bench"}},"data":{"key":"value-{{i}}","mode":"fast"}}`;
    if (wanted('configmaps')) await run('configmaps', { method: 'POST', path: '/api/v1/namespaces/default/configmaps', body: cm('c32'), count: PODS * 2 });
    if (wanted('configmaps-1')) await run('configmaps-1', { method: 'POST', path: '/api/v1/namespaces/default/configmaps', body: cm('c1'), durationMs: 3_000, concurrency: 1 });
  } finally {
    await up.stop();
  }
  if (profDir) {
    const measured = results.filter((r) => wanted(r.phase));
    writeFileSync(path.join(profDir, `phases.${up.child.pid}.json`), JSON.stringify(measured));
    summarizeProfile(profDir, up.child.pid!, measured);
  }
}

// ---- profile ----

interface ProfileNode { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }
interface CpuProfile { nodes: ProfileNode[]; startTime: number; endTime: number; samples: number[]; timeDeltas: number[] }

function frameName(n: ProfileNode): string {
  const f = n.callFrame;
  const file = f.url ? path.basename(f.url.replace(/^file:\/\//, '')) : '';
  return file ? `${f.functionName || '(anonymous)'} ${file}:${f.lineNumber + 1}` : f.functionName || '(anonymous)';
}

function summarizeProfile(dir: string, pid: number, phases: PhaseResult[]): void {
  const file = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile') && f.includes(`.${pid}.`)).sort().pop();
  if (!file) { process.stdout.write(`no profile of pid ${pid} in ${dir}\n`); return; }
  const prof = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as CpuProfile;
  const parent = new Map<number, number>();
  for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const names = new Map(prof.nodes.map((n) => [n.id, frameName(n)]));
  // Sample timestamps on the monotonic clock, in ms (the harness's now()).
  const times: number[] = [];
  let t = prof.startTime;
  for (const d of prof.timeDeltas) { t += d; times.push(t / 1000); }
  process.stdout.write(`\nprofile ${file}\n`);
  for (const ph of phases) {
    const self = new Map<string, number>();
    const total = new Map<string, number>();
    let all = 0, idle = 0;
    for (let i = 0; i < prof.samples.length; i++) {
      if (times[i] < ph.t0 || times[i] > ph.t1) continue;
      const dt = (prof.timeDeltas[i + 1] ?? 0) / 1000;
      const id = prof.samples[i];
      const name = names.get(id)!;
      all += dt;
      if (name === '(idle)') { idle += dt; continue; }
      self.set(name, (self.get(name) ?? 0) + dt);
      const seen = new Set<string>();
      for (let p: number | undefined = id; p !== undefined; p = parent.get(p)) {
        const nm = names.get(p)!;
        if (seen.has(nm)) continue;
        seen.add(nm);
        total.set(nm, (total.get(nm) ?? 0) + dt);
      }
    }
    const busy = all - idle;
    const n = ph.result.count + ph.result.errors;
    process.stdout.write(`\n== ${ph.phase}: ${ph.result.rps.toFixed(0)}/s, busy ${(100 * busy / all).toFixed(0)}% of ${all.toFixed(0)} ms, ${(busy / n * 1000).toFixed(0)} µs busy per request; gc ${(100 * (self.get('(garbage collector)') ?? 0) / busy).toFixed(1)}%\n`);
    const show = (m: Map<string, number>, label: string, filter: (k: string) => boolean) => {
      process.stdout.write(`  -- ${label} (% of busy)\n`);
      for (const [k, v] of [...m].filter(([k]) => filter(k)).sort((a, b) => b[1] - a[1]).slice(0, TOP)) {
        process.stdout.write(`  ${(100 * v / busy).toFixed(1).padStart(5)}  ${k}\n`);
      }
    };
    show(self, 'self', () => true);
    show(total, 'total', (k) => !/^\((root|program)\)/.test(k));
  }
}

function resummarize(dir: string): void {
  const file = readdirSync(dir).filter((f) => /^phases\.\d+\.json$/.test(f)).sort().pop();
  if (!file) throw new Error(`no phases.PID.json in ${dir}`);
  const pid = Number(/\d+/.exec(file)![0]);
  summarizeProfile(dir, pid, JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as PhaseResult[]);
}

(values.summarize ? Promise.resolve().then(() => resummarize(path.resolve(values.summarize!))) : main()).then(
  () => runCleanups(),
  async (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    await runCleanups();
    process.exit(1);
  },
);
