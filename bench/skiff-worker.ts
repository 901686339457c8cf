// Worker-thread clients for the Skiff benchmarks, so that no client shares the event
// loop of the in-process server:
//   write: paced pod creates/updates (the watch runs' writer)
//   watch: many HTTPS watch streams, recording (resourceVersion, receipt time) per event
//   page:  list walks by limit/continue

import type { ClientRequest } from 'node:http';
import https from 'node:https';
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { Histogram, type HistogramData } from './histogram.ts';
import { httpJson, httpRequest, resourceVersionOf, tlsAgent } from './http.ts';
import type { TlsOptions } from './load.ts';
import { compactPod } from './pods.ts';
import { errorText, now, sleep } from './util.ts';
import { pacedWrites, type MainToWatcher, type PacedResult, type WatcherToMain } from './watch.ts';

export interface WriteTask {
  task: 'write';
  url: string;
  tls: TlsOptions;
  namespace: string;
  prefix: string; // pod names `${prefix}-${n}`
  pods: number; // writes 0..pods-1 create, later ones update round-robin
  nodes: number; // pod n runs on node-(n % nodes); its write group is n % nodes
  rate: number;
  durationMs: number;
  maxInFlight: number;
}

export interface WatchTask {
  task: 'watch';
  url: string;
  tls: TlsOptions;
  paths: string[]; // one watch stream per path
  connectConcurrency: number;
}

export interface PageTask {
  task: 'page';
  url: string;
  tls: TlsOptions;
  path: string; // list path without limit/continue
  limit: number;
  walks: number;
  maxMs: number;
}

export interface PageResult {
  walk: HistogramData;
  page: HistogramData;
  items: number; // items seen in the last walk
  pages: number; // pages in the last walk
}

export type SkiffWorkerData = { skiffBench: WriteTask | WatchTask | PageTask };

async function write(t: WriteTask): Promise<PacedResult> {
  const agent = tlsAgent(t.tls, t.maxInFlight);
  const base = `/api/v1/namespaces/${t.namespace}/pods`;
  // The server's copy of each pod (with its defaults and admission-set fields such as the
  // priority), which updates PUT back as a client that read it would: a PUT of the bare
  // template would be refused as a change of immutable spec fields.
  const stored = new Map<number, Record<string, unknown>>();
  try {
    return await pacedWrites(t.rate, t.durationMs, t.maxInFlight, async (k) => {
      const n = k < t.pods ? k : (k - t.pods) % t.pods;
      const name = `${t.prefix}-${n}`;
      let obj: unknown;
      if (k < t.pods) {
        obj = await httpJson(agent, t.url, 'POST', base, compactPod(name, t.namespace, `node-${n % t.nodes}`));
      } else {
        const cur = stored.get(n) as { metadata: Record<string, unknown> } | undefined;
        if (!cur) throw new Error(`pod ${name} is not created yet`);
        const metadata: Record<string, unknown> = { ...cur.metadata, annotations: { 'bench/seq': String(k) } };
        delete metadata.resourceVersion; // unconditional, as several writers may overlap on one pod
        obj = await httpJson(agent, t.url, 'PUT', `${base}/${name}`, { ...cur, metadata });
      }
      stored.set(n, obj as Record<string, unknown>);
      return { rv: resourceVersionOf(obj), group: n % t.nodes };
    });
  } finally {
    agent.destroy();
  }
}

const NL = 0x0a;
const RV = Buffer.from('"resourceVersion":"');
const TYPE = Buffer.from('{"type":"');

/**
 * The object's resourceVersion in the WatchEvent line buf[start, end) without decoding
 * or parsing it (the client must stay cheap at 100,000 events/s): 0 for a BOOKMARK or an
 * empty line, -1 for an ERROR event or a line it cannot read.
 */
function scanEvent(buf: Buffer, start: number, end: number): number {
  if (end - start < 2) return 0;
  if (buf.compare(TYPE, 0, TYPE.length, start, start + TYPE.length) === 0) {
    const c = buf[start + TYPE.length];
    if (c === 0x42 /* B */) return 0;
    if (c === 0x45 /* E */) return -1;
  }
  const at = buf.indexOf(RV, start);
  if (at < 0 || at >= end) return -1;
  let rv = 0;
  for (let i = at + RV.length; i < end; i++) {
    const d = buf[i] - 0x30;
    if (d < 0 || d > 9) break;
    rv = rv * 10 + d;
  }
  return rv > 0 ? rv : -1;
}

async function watch(t: WatchTask, port: NonNullable<typeof parentPort>): Promise<void> {
  const send = (m: WatcherToMain): void => port.postMessage(m);
  const agent = new https.Agent({ keepAlive: true, maxSockets: Infinity, ...t.tls });
  const base = new URL(t.url);
  const received: number[][] = t.paths.map(() => []);
  const requests: ClientRequest[] = [];
  let total = 0;
  let errors = 0;
  let failed = 0;
  let firstError: string | undefined;
  const fail = (msg: string): void => {
    errors++;
    firstError ??= msg;
  };

  const open = (w: number): Promise<void> =>
    new Promise((resolve) => {
      const list = received[w];
      const req = https.request({ agent, host: base.hostname, port: base.port, method: 'GET', path: t.paths[w], headers: { accept: 'application/json' } }, (res) => {
        req.setTimeout(0);
        if (res.statusCode !== 200) {
          failed++;
          fail(`watch ${t.paths[w]}: HTTP ${res.statusCode}`);
          res.resume();
          resolve();
          return;
        }
        let rest: Buffer | null = null; // an incomplete last line
        res.on('data', (data: Buffer) => {
          const at = now();
          const buf: Buffer = rest ? Buffer.concat([rest, data]) : data;
          rest = null;
          let pos = 0;
          for (let nl = buf.indexOf(NL, pos); nl >= 0; pos = nl + 1, nl = buf.indexOf(NL, pos)) {
            const rv = scanEvent(buf, pos, nl);
            if (rv > 0) {
              list.push(rv, at);
              total++;
            } else if (rv < 0) {
              fail(`watch ${t.paths[w]}: ${buf.toString('utf8', pos, Math.min(nl, pos + 200))}`);
            }
          }
          if (pos < buf.length) rest = buf.subarray(pos);
        });
        res.on('error', (err) => fail(errorText(err)));
        resolve();
      });
      req.on('error', (err) => {
        failed++;
        fail(errorText(err));
        resolve();
      });
      req.setTimeout(15_000, () => req.destroy(new Error('watch connect timeout')));
      req.end();
      requests.push(req);
    });

  // Open the streams a bounded number at a time (TLS handshakes are CPU work on both ends).
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.max(1, t.connectConcurrency) }, async () => {
      while (next < t.paths.length) await open(next++);
    }),
  );
  send({ type: 'ready', connected: t.paths.length - failed, failed, firstError });

  port.on('message', (m: MainToWatcher) => {
    if (m.cmd === 'count') {
      send({ type: 'count', n: total });
      return;
    }
    for (const req of requests) req.destroy();
    agent.destroy();
    send({ type: 'result', received: received.map((l) => Float64Array.from(l)), errors, firstError });
  });
}

async function page(t: PageTask): Promise<PageResult> {
  const agent = tlsAgent(t.tls, 1);
  const walk = new Histogram();
  const pageH = new Histogram();
  let items = 0;
  let pages = 0;
  const deadline = now() + t.maxMs;
  try {
    for (let w = 0; w < t.walks && now() < deadline; w++) {
      items = 0;
      pages = 0;
      const w0 = now();
      let cont = '';
      do {
        const sep = t.path.includes('?') ? '&' : '?';
        const p = `${t.path}${sep}limit=${t.limit}${cont ? `&continue=${encodeURIComponent(cont)}` : ''}`;
        const p0 = now();
        const r = await httpRequest(agent, t.url, 'GET', p);
        if (r.status !== 200) throw new Error(`GET ${p}: HTTP ${r.status} ${r.body.slice(0, 200)}`);
        const list = JSON.parse(r.body) as { metadata?: { continue?: string }; items?: unknown[] };
        pageH.record(now() - p0);
        items += list.items?.length ?? 0;
        pages++;
        cont = list.metadata?.continue ?? '';
        if (pages > 10_000) throw new Error('paging did not end');
      } while (cont);
      walk.record(now() - w0);
      await sleep(0);
    }
  } finally {
    agent.destroy();
  }
  return { walk: walk.toData(), page: pageH.toData(), items, pages };
}

const wd: unknown = workerData;
if (!isMainThread && parentPort && typeof wd === 'object' && wd !== null && 'skiffBench' in wd) {
  const port = parentPort;
  const t = (wd as SkiffWorkerData).skiffBench;
  const reply = (p: Promise<unknown>): void => {
    p.then(
      (result) => port.postMessage({ result }),
      (err: unknown) => port.postMessage({ error: errorText(err) }),
    );
  };
  if (t.task === 'write') reply(write(t));
  else if (t.task === 'page') reply(page(t));
  else watch(t, port).catch((err: unknown) => port.postMessage({ type: 'error', error: errorText(err) } satisfies WatcherToMain));
}
