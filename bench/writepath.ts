// npx tsx bench/writepath.ts [--trees DIR[,DIR...]] [--trials 200] [--n 50] [--only pods,status-patch]
//
// The API server's own CPU per write, without TLS, sockets or fsync: the REST handler
// (handleResource) of a source tree over an in-memory synchronous store and the real watch
// cache, driven with fake requests and responses, verb by verb: pod creates, pods/binding,
// pods/status merge patches and PUTs, Event creates, Lease PUTs, ConfigMap creates.
//
// With several trees (each a directory holding src/ and api/ inside this repository, so that
// packages resolve, e.g. `mkdir -p dist/trees/base && git archive REV src api | tar -x -C
// dist/trees/base`), trials alternate between them in one process and the table shows each
// tree's change against the first. Figures are µs of wall time per request, the 10th
// percentile and the minimum over trials: on a shared machine preemption and collections
// only ever add, so the low percentiles are the cost. bench/writes.ts measures the same
// verbs end to end (skiff up over HTTPS).

import { Readable } from 'node:stream';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { realisticPod } from './pods.ts';
import type { Backend, Encoder, Event, KeyValue } from '../src/registry/store/backend.ts';
import type { KubeObject } from '../src/registry/object.ts';
import type { ResourceInfo } from '../api/resources.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const { values } = parseArgs({
  options: {
    trees: { type: 'string', default: '.' },
    trials: { type: 'string', default: '200' },
    n: { type: 'string', default: '50' },
    only: { type: 'string' },
  },
});
const TREES = values.trees.split(',').map((t) => path.resolve(ROOT, t));
const TRIALS = Number(values.trials), N = Number(values.n);
const ONLY = values.only ? new Set(values.only.split(',')) : undefined;

type Request = (method: string, url: string, body: string | undefined, contentType?: string) => Promise<void>;

/** An in-memory Backend whose writes commit (and notify watchers) synchronously. */
function memoryBackend(errors: typeof import('../src/registry/store/backend.ts')): Backend {
  const kvs = new Map<string, KeyValue>();
  let rev = 1;
  const watchers = new Set<(events: Event[]) => void>();
  const emit = (ev: Event) => { for (const w of watchers) w([ev]); };
  return {
    currentRevision: () => rev,
    compactRevision: () => 0,
    get: async (key) => kvs.get(key),
    list: async (prefix) => ({ revision: rev, kvs: [...kvs.values()].filter((kv) => kv.key.startsWith(prefix)), more: false }),
    create: async (key: string, encode: Encoder) => {
      if (kvs.has(key)) throw new errors.KeyExistsError(key);
      const r = ++rev;
      const kv = { key, value: encode(r), createRevision: r, modRevision: r };
      kvs.set(key, kv);
      emit({ type: 'put', revision: r, key, kv });
      return kv;
    },
    update: async (key: string, expected: number, encode: Encoder) => {
      const prevKv = kvs.get(key);
      if (!prevKv) throw new errors.KeyNotFoundError(key);
      if (prevKv.modRevision !== expected) throw new errors.RevisionConflictError(key, expected, prevKv.modRevision);
      const r = ++rev;
      const kv = { key, value: encode(r), createRevision: prevKv.createRevision, modRevision: r };
      kvs.set(key, kv);
      emit({ type: 'put', revision: r, key, kv, prevKv });
      return kv;
    },
    delete: async (key: string) => {
      const prevKv = kvs.get(key);
      if (!prevKv) throw new errors.KeyNotFoundError(key);
      kvs.delete(key);
      const r = ++rev;
      emit({ type: 'delete', revision: r, key, prevKv });
      return { revision: r, prevKv };
    },
    sync: async () => undefined,
    watch: (_from, callback) => {
      watchers.add(callback);
      return () => { watchers.delete(callback); };
    },
    compact: async () => undefined,
    close: async () => undefined,
  };
}

/** The registries, watch cache and REST handler of one source tree, as skiff.ts wires them. */
async function setup(tree: string): Promise<Request> {
  const { resources, isStored } = (await import(path.join(tree, 'api/resources.ts'))) as typeof import('../api/resources.ts');
  const { GenericRegistry } = (await import(path.join(tree, 'src/registry/generic.ts'))) as typeof import('../src/registry/generic.ts');
  const { strategyFor } = (await import(path.join(tree, 'src/registry/strategies/index.ts'))) as typeof import('../src/registry/strategies/index.ts');
  const { Cacher } = (await import(path.join(tree, 'src/watch/cacher.ts'))) as typeof import('../src/watch/cacher.ts');
  const { handleResource } = (await import(path.join(tree, 'src/server/rest.ts'))) as typeof import('../src/server/rest.ts');
  const { resolvePath } = (await import(path.join(tree, 'src/server/requestinfo.ts'))) as typeof import('../src/server/requestinfo.ts');
  const { priorityAdmission } = (await import(path.join(tree, 'src/registry/priority.ts'))) as typeof import('../src/registry/priority.ts');
  const { serviceHooks } = (await import(path.join(tree, 'src/registry/services.ts'))) as typeof import('../src/registry/services.ts');
  const backend = memoryBackend((await import(path.join(tree, 'src/registry/store/backend.ts'))) as typeof import('../src/registry/store/backend.ts'));
  const byStorage = new Map<string, ResourceInfo>();
  for (const r of resources) if (isStored(r) && !byStorage.has(r.plural)) byStorage.set(r.plural, r);
  const cacher = new Cacher(backend, {
    fieldsFor: (plural) => {
      const info = byStorage.get(plural);
      const selectable = info ? strategyFor(info.group, info.plural).selectableFields : undefined;
      return (o: KubeObject) => ({ 'metadata.name': o.metadata?.name ?? '', 'metadata.namespace': o.metadata?.namespace ?? '', ...(selectable ? selectable(o) : {}) });
    },
  });
  await cacher.start();
  const registries = new Map<ResourceInfo, InstanceType<typeof GenericRegistry>>();
  const byName = (group: string, plural: string) => [...registries.values()].find((g) => g.info.group === group && g.info.plural === plural)!;
  const services = serviceHooks();
  const priority = priorityAdmission(() => byName('scheduling.k8s.io', 'priorityclasses'));
  for (const r of resources) {
    if (!isStored(r)) continue;
    const hooks = r.group === '' && r.plural === 'services' ? services.hooks : r.group === '' && r.plural === 'pods' ? priority : undefined;
    registries.set(r, new GenericRegistry(r, strategyFor(r.group, r.plural), backend, cacher, hooks));
  }
  await byName('', 'namespaces').create(undefined, { metadata: { name: 'default' } });
  const ctx = { registries, bookmarkIntervalMs: 60_000, currentRevision: () => cacher.currentRevision() };
  const user = { username: 'admin', groups: ['system:masters', 'system:authenticated'] };
  let status = 0;
  let body = '';
  const res = {
    headersSent: false,
    destroyed: false,
    writableEnded: false,
    writeHead(code: number) { status = code; return this; },
    end(b?: unknown) { body = b === undefined ? '' : String(b); return this; },
    write() { return true; },
    appendHeader() { return this; },
    setHeader() { return this; },
    once() { return this; },
    on() { return this; },
  };
  return async (method, url, text, contentType = 'application/json') => {
    const buf = text === undefined ? Buffer.alloc(0) : Buffer.from(text);
    const req = Object.assign(Readable.from(buf.length ? [buf] : []), {
      method, url, headers: { 'content-type': contentType, 'content-length': String(buf.length), accept: 'application/json', 'user-agent': 'bench/1.0' },
    });
    const q = url.indexOf('?');
    const resolved = resolvePath(q < 0 ? url : url.slice(0, q));
    if (resolved.kind !== 'resource') throw new Error(`not a resource: ${url}`);
    status = 0;
    await handleResource(ctx, req as unknown as IncomingMessage, res as unknown as ServerResponse, resolved.request, new URLSearchParams(q < 0 ? '' : url.slice(q + 1)), user);
    if (status < 200 || status >= 300) throw new Error(`${method} ${url}: HTTP ${status} ${body.slice(0, 300)}`);
  };
}

const T = '2025-06-01T12:00:00Z';
const PODS = '/api/v1/namespaces/default/pods';

function podJson(name: string): string {
  const p = realisticPod(name, 'default', '', '');
  delete p.spec.nodeName;
  delete p.status;
  return JSON.stringify(p);
}

/** What a node agent reports for a started pod (src/agent/podstatus.ts's shape). */
function agentStatus(restarts: number): Record<string, unknown> {
  return {
    phase: 'Running',
    conditions: ['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady', 'PodScheduled']
      .map((type) => ({ type, status: 'True', lastProbeTime: null, lastTransitionTime: T })),
    hostIP: '10.0.0.10', hostIPs: [{ ip: '10.0.0.10' }], startTime: T, podIP: '10.244.0.7', podIPs: [{ ip: '10.244.0.7' }],
    containerStatuses: ['app', 'metrics'].map((name) => ({
      name, image: `registry.example.com/${name}:1`, imageID: `registry.example.com/${name}@sha256:0123`, containerID: `sim://${name}`,
      ready: true, started: true, restartCount: restarts, state: { running: { startedAt: T } },
    })),
  };
}

type Call = [method: string, url: string, body: string | undefined, contentType?: string];

/** Each phase's request i of trial t; the pod phases work on the pods the trial created. */
const PHASES: { name: string; call: (t: number, i: number) => Call }[] = [
  { name: 'pods', call: (t, i) => ['POST', PODS, podJson(`p${t}-${i}`)] },
  { name: 'binding', call: (t, i) => ['POST', `${PODS}/p${t}-${i}/binding`, JSON.stringify({ apiVersion: 'v1', kind: 'Binding', metadata: { name: `p${t}-${i}` }, target: { name: `node-${i % 100}` } })] },
  { name: 'status-patch', call: (t, i) => ['PATCH', `${PODS}/p${t}-${i}/status`, JSON.stringify({ status: agentStatus(0) }), 'application/merge-patch+json'] },
  {
    name: 'status-put',
    call: (t, i) => {
      const p = realisticPod(`p${t}-${i}`, 'default', `node-${i % 100}`, '10.244.0.7');
      p.status = agentStatus(1);
      return ['PUT', `${PODS}/p${t}-${i}/status`, JSON.stringify(p)];
    },
  },
  {
    name: 'events',
    call: (t, i) => ['POST', '/api/v1/namespaces/default/events', JSON.stringify({
      apiVersion: 'v1', kind: 'Event', metadata: { name: `e${t}-${i}` },
      involvedObject: { kind: 'Pod', namespace: 'default', name: `p-${i}`, uid: '6f1d2c3b-4a59-4687-9a0b-1c2d3e4f5a6b', apiVersion: 'v1' },
      reason: 'Scheduled', message: `Successfully assigned default/p-${i} to node-${i % 100}`, type: 'Normal',
      source: { component: 'default-scheduler' }, count: 1, firstTimestamp: T, lastTimestamp: T, reportingComponent: 'default-scheduler', reportingInstance: '',
    })],
  },
  {
    name: 'leases',
    call: (t, i) => ['PUT', `/apis/coordination.k8s.io/v1/namespaces/default/leases/l-${i % 100}`, JSON.stringify({
      apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: `l-${i % 100}`, namespace: 'default' },
      spec: { holderIdentity: `n-${i % 100}`, leaseDurationSeconds: 40, renewTime: `2025-06-01T12:00:00.${t}${i}Z` },
    })],
  },
  { name: 'configmaps', call: (t, i) => ['POST', '/api/v1/namespaces/default/configmaps', `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c${t}-${i}","labels":{"app":"bench"}},"data":{"key":"value-${i}","mode":"fast"}}`] },
];

const WARMUP = 2;

async function main(): Promise<void> {
  const requests: Request[] = [];
  for (const tree of TREES) {
    const request = await setup(tree);
    for (let i = 0; i < 100; i++) {
      await request('POST', '/apis/coordination.k8s.io/v1/namespaces/default/leases', JSON.stringify({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: `l-${i}` }, spec: { holderIdentity: 'x' } }));
    }
    requests.push(request);
  }
  // Pod phases depend on the pods phase of the same trial: skipping a phase skips only its figure.
  const samples = new Map<string, number[][]>(PHASES.map((p) => [p.name, TREES.map(() => [])]));
  for (let t = 0; t < TRIALS + WARMUP; t++) {
    for (const phase of PHASES) {
      const order = TREES.map((_, k) => k);
      if (t % 2 === 1) order.reverse();
      for (const k of order) {
        const calls: Call[] = [];
        for (let i = 0; i < N; i++) calls.push(phase.call(t, i));
        const t0 = performance.now();
        for (const c of calls) await requests[k](c[0], c[1], c[2], c[3]);
        const us = ((performance.now() - t0) * 1000) / N;
        if (t >= WARMUP) samples.get(phase.name)![k].push(us);
      }
    }
  }
  const pct = (a: number[], p: number) => [...a].sort((x, y) => x - y)[Math.floor((a.length - 1) * p)];
  process.stdout.write(`µs per request, in process (no TLS, no fsync): 10th percentile (min) of ${TRIALS} trials of ${N}\n`);
  process.stdout.write(`trees: ${TREES.map((t, k) => `[${k}] ${path.relative(ROOT, t) || '.'}`).join('  ')}\n`);
  for (const phase of PHASES) {
    if (ONLY && !ONLY.has(phase.name)) continue;
    const per = samples.get(phase.name)!;
    const base = pct(per[0], 0.1);
    let line = phase.name.padEnd(14);
    per.forEach((a, k) => {
      const p10 = pct(a, 0.1);
      line += `  [${k}] ${p10.toFixed(0).padStart(4)} (${Math.min(...a).toFixed(0).padStart(4)})`;
      if (k > 0) line += ` ${p10 >= base ? '+' : ''}${((100 * (p10 - base)) / base).toFixed(1)}%`;
    });
    process.stdout.write(`${line}\n`);
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
