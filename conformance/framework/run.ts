// Runs cases one after another against one cluster: each gets a fresh test namespace the
// way the e2e framework makes one, a time limit, and afterwards its namespaces are deleted
// (the delete is only issued; finishing it is the namespace controller's job).

import { readFileSync } from 'node:fs';
import {
  CoordinationV1Api, CoreV1Api, DiscoveryV1Api, EventsV1Api, KubeConfig, VersionApi,
} from '@kubernetes/client-node';
import { RestClient, isAlreadyExists, type Query } from './client.ts';
import { describeError } from './expect.ts';
import { randomSuffix, uuid, type KObject } from './json.ts';
import { loadCases } from './registry.ts';
import { Failure, SkipError, type CaseClass, type CaseContext, type CaseResult, type ConformanceCase } from './types.ts';
import { WatchStream } from './watch.ts';

export interface RunOptions {
  /** Kubeconfig YAML text, or the path of a kubeconfig file. */
  kubeconfig: string;
  /** Selects cases whose codename or ID matches. */
  focus?: RegExp;
  /** Selects cases by ID. */
  cases?: string[];
  /** Selects cases by needs class. */
  classes?: CaseClass[];
  /** Per-case time limit (default 120 s). */
  timeoutMs?: number;
  /** How long "expect no event" checks wait (default 2 s; upstream waits 10 s). */
  quietPeriodMs?: number;
  /** Called as each case finishes. */
  onResult?: (r: CaseResult) => void;
}

const DEFAULT_TIMEOUT_MS = 120_000;
const DEFAULT_QUIET_MS = 2_000;

function loadKubeConfig(source: string): KubeConfig {
  const kc = new KubeConfig();
  const looksInline = source.includes('\n') || /^\s*(apiVersion|clusters|kind)\s*:/.test(source) || source.trimStart().startsWith('{');
  kc.loadFromString(looksInline ? source : readFileSync(source, 'utf8'));
  return kc;
}

export async function selectCases(opts: Pick<RunOptions, 'focus' | 'cases' | 'classes'>): Promise<ConformanceCase[]> {
  const all = await loadCases();
  if (opts.cases) {
    const known = new Set(all.map((c) => c.id));
    const unknown = opts.cases.filter((id) => !known.has(id));
    if (unknown.length) throw new Error(`unknown case IDs: ${unknown.join(', ')}`);
  }
  return all.filter((c) => (!opts.cases || opts.cases.includes(c.id))
    && (!opts.classes || opts.classes.includes(c.class))
    && (!opts.focus || opts.focus.test(c.codename) || opts.focus.test(c.id)));
}

interface Shared {
  kc: KubeConfig;
  rest: RestClient;
  core: CoreV1Api;
  events: EventsV1Api;
  coordination: CoordinationV1Api;
  discovery: DiscoveryV1Api;
  version: VersionApi;
  runId: string;
  timeoutMs: number;
  quietPeriodMs: number;
}

/** framework.CreateTestingNS: `<baseName>-<0..9999>`, a new suffix when the name is taken. */
async function createTestNamespace(sh: Shared, baseName: string, level: string, extra: Record<string, string> = {}): Promise<KObject> {
  for (let attempt = 0; ; attempt++) {
    const name = `${baseName}-${randomSuffix()}`;
    const body = {
      apiVersion: 'v1', kind: 'Namespace',
      metadata: {
        name,
        labels: {
          ...extra,
          'e2e-run': sh.runId,
          'e2e-framework': baseName,
          'pod-security.kubernetes.io/enforce': level,
        },
      },
    };
    try {
      return await sh.rest.post<KObject>('/api/v1/namespaces', body);
    } catch (e) {
      if (isAlreadyExists(e) && attempt < 20) continue;
      throw new Error(`creating test namespace ${name}: ${describeError(e)}`);
    }
  }
}

async function runOne(sh: Shared, c: ConformanceCase): Promise<CaseResult> {
  const started = Date.now();
  const result: CaseResult = { id: c.id, codename: c.codename, class: c.class, outcome: 'pass', seconds: 0, steps: [], log: [] };
  const namespaces: string[] = [];
  const watches: WatchStream[] = [];
  const abort = new AbortController();
  const deadline = started + sh.timeoutMs;
  const baseName = c.baseName ?? c.id.toLowerCase();
  const level = c.podSecurity ?? 'restricted';

  try {
    const ns = await createTestNamespace(sh, baseName, level);
    const nsName = ns.metadata.name ?? '';
    namespaces.push(nsName);
    result.namespace = nsName;

    const ctx: CaseContext = {
      namespace: nsName,
      kc: sh.kc, rest: sh.rest, core: sh.core, events: sh.events, coordination: sh.coordination, discovery: sh.discovery, version: sh.version,
      signal: abort.signal,
      quietPeriodMs: sh.quietPeriodMs,
      remaining: () => Math.max(0, deadline - Date.now()),
      step: (what) => { result.steps.push(what); result.log.push(`STEP: ${what}`); },
      log: (line) => { result.log.push(line); },
      skip: (reason) => { throw new SkipError(reason); },
      createNamespace: async (base, labels) => {
        const created = await createTestNamespace(sh, base, level, labels);
        if (created.metadata.name) namespaces.push(created.metadata.name);
        return created;
      },
      watch: async <T extends KObject = KObject>(path: string, query?: Query) => {
        const w = await WatchStream.open<T>(sh.rest, path, query, abort.signal);
        watches.push(w as unknown as WatchStream);
        return w;
      },
    };

    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        abort.abort();
        const last = result.steps[result.steps.length - 1];
        reject(new Failure(`timed out after ${Math.round(sh.timeoutMs / 1000)}s${last ? ` (last step: ${last})` : ''}`));
      }, Math.max(0, deadline - Date.now()));
    });
    const running = c.run(ctx);
    running.catch(() => { /* reported through the race, or abandoned after a timeout */ });
    try {
      await Promise.race([running, timeout]);
    } finally {
      clearTimeout(timer);
    }
  } catch (e) {
    if (e instanceof SkipError) {
      result.outcome = 'skip';
      result.error = e.message;
    } else {
      result.outcome = 'fail';
      result.error = e instanceof Failure ? e.message : describeError(e);
      if (!(e instanceof Failure) && e instanceof Error && e.stack) result.log.push(e.stack);
    }
  } finally {
    abort.abort();
    for (const w of watches) w.stop();
    for (const name of namespaces) {
      // Fire the delete; the namespace controller (if any) finishes it.
      await sh.rest.delete(`/api/v1/namespaces/${name}`).catch((e: unknown) => { result.log.push(`deleting namespace ${name}: ${describeError(e)}`); });
    }
    result.seconds = (Date.now() - started) / 1000;
  }
  return result;
}

/** Runs the selected cases sequentially; resolves with one result per case, in order. */
export async function runConformance(opts: RunOptions): Promise<CaseResult[]> {
  const kc = loadKubeConfig(opts.kubeconfig);
  const selected = await selectCases(opts);
  const rest = await RestClient.fromKubeConfig(kc);
  const sh: Shared = {
    kc, rest,
    core: kc.makeApiClient(CoreV1Api),
    events: kc.makeApiClient(EventsV1Api),
    coordination: kc.makeApiClient(CoordinationV1Api),
    discovery: kc.makeApiClient(DiscoveryV1Api),
    version: kc.makeApiClient(VersionApi),
    runId: uuid(),
    timeoutMs: opts.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    quietPeriodMs: opts.quietPeriodMs ?? DEFAULT_QUIET_MS,
  };
  const results: CaseResult[] = [];
  try {
    for (const c of selected) {
      const r = await runOne(sh, c);
      results.push(r);
      opts.onResult?.(r);
    }
  } finally {
    rest.close();
  }
  return results;
}

// ---------------------------------------------------------------------------------------
// Reporting

const firstLine = (s: string | undefined): string => (s ?? '').split('\n')[0];

/** The pass/fail table: ID, result, seconds, codename, first error line. */
export function formatTable(results: CaseResult[], opts: { errorWidth?: number } = {}): string {
  const width = opts.errorWidth ?? 200;
  const rows = results.map((r) => {
    const err = firstLine(r.error);
    return [r.id, r.outcome.toUpperCase(), r.seconds.toFixed(2), r.codename, err.length > width ? `${err.slice(0, width - 1)}…` : err];
  });
  const header = ['ID', 'RESULT', 'SECS', 'CODENAME', 'ERROR'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (i === 4 ? 0 : row[i].length))));
  const fmt = (row: string[]) => row.map((cell, i) => (i === row.length - 1 ? cell : i === 2 ? cell.padStart(widths[i]) : cell.padEnd(widths[i]))).join('  ').trimEnd();
  return [fmt(header), ...rows.map(fmt), '', summarize(results)].join('\n');
}

export function summarize(results: CaseResult[]): string {
  const n = (o: string) => results.filter((r) => r.outcome === o).length;
  const total = results.reduce((s, r) => s + r.seconds, 0);
  return `${results.length} cases: ${n('pass')} passed, ${n('fail')} failed, ${n('skip')} skipped in ${total.toFixed(1)}s`;
}
