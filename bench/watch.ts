// Shared machinery of the watch fan-out benchmarks (etcd and Skiff):
// a paced writer, the main-thread side of a watcher worker, and the analysis that
// matches every received event with the write acknowledgement it came from.

import type { Worker } from 'node:worker_threads';
import { Histogram } from './histogram.ts';
import { errorText, now, sleep, startTsWorker } from './util.ts';

/** One acknowledged write: its revision, when the ack arrived, which watchers should see it. */
export interface WriteAck {
  rv: number;
  t: number; // acknowledgement received
  sent: number; // request issued
  group: number;
}

export interface PacedResult {
  acks: WriteAck[];
  attempted: number;
  failed: number;
  seconds: number;
  rate: number;
  firstError?: string;
}

/**
 * Issue writes k = 0, 1, ... at `rate` per second for `durationMs`, at most `maxInFlight`
 * at once; `write(k)` resolves to the acknowledged revision and group.
 */
export async function pacedWrites(
  rate: number,
  durationMs: number,
  maxInFlight: number,
  write: (k: number) => Promise<{ rv: number; group: number }>,
): Promise<PacedResult> {
  const total = Math.floor((rate * durationMs) / 1000);
  const acks: WriteAck[] = [];
  let failed = 0;
  let firstError: string | undefined;
  let inFlight = 0;
  let k = 0;
  let wake: (() => void) | null = null;
  const start = now();
  const hardStop = start + durationMs + 10_000;
  const settle = (): void => {
    inFlight--;
    const w = wake;
    wake = null;
    w?.();
  };
  while (k < total && now() < hardStop) {
    const due = start + (k * 1000) / rate;
    const t = now();
    if (due > t) {
      await sleep(Math.max(1, Math.floor(due - t)));
      continue;
    }
    if (inFlight >= maxInFlight) {
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
      continue;
    }
    const kk = k++;
    inFlight++;
    const sent = now();
    write(kk).then(
      ({ rv, group }) => {
        acks.push({ rv, t: now(), sent, group });
        settle();
      },
      (err: unknown) => {
        failed++;
        firstError ??= errorText(err);
        settle();
      },
    );
  }
  while (inFlight > 0 && now() < hardStop) {
    await new Promise<void>((resolve) => {
      wake = resolve;
      setTimeout(resolve, 50);
    });
  }
  const seconds = (now() - start) / 1000;
  return { acks, attempted: k, failed, seconds, rate: acks.length / seconds, firstError };
}

// ---- watcher worker protocol ----
// worker -> main: {type:'ready', connected, failed, firstError?} | {type:'count', n} | {type:'result', received} | {type:'error', error}
// main -> worker: {cmd:'count'} | {cmd:'stop'}
// received[w] holds watcher w's events as flat pairs (rv, receiptTime).

export type WatcherToMain =
  | { type: 'ready'; connected: number; failed: number; firstError?: string }
  | { type: 'count'; n: number }
  | { type: 'result'; received: Float64Array[]; errors: number; firstError?: string }
  | { type: 'error'; error: string };

export type MainToWatcher = { cmd: 'count' } | { cmd: 'stop' };

export class WatcherPool {
  private readonly worker: Worker;
  private waiting: ((m: WatcherToMain) => void) | null = null;
  private failure: Error | null = null;

  constructor(fileUrl: string, workerData: unknown) {
    this.worker = startTsWorker(fileUrl, workerData);
    this.worker.on('message', (m: WatcherToMain) => {
      const w = this.waiting;
      this.waiting = null;
      w?.(m);
    });
    this.worker.on('error', (err) => {
      this.failure = err;
      const w = this.waiting;
      this.waiting = null;
      w?.({ type: 'error', error: errorText(err) });
    });
  }

  private next(timeoutMs: number, send?: MainToWatcher): Promise<WatcherToMain> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting = null;
        reject(new Error(`watcher worker did not answer within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiting = (m) => {
        clearTimeout(timer);
        if (m.type === 'error') reject(new Error(m.error));
        else resolve(m);
      };
      if (send) this.worker.postMessage(send);
    });
  }

  async ready(timeoutMs: number): Promise<{ connected: number; failed: number; firstError?: string }> {
    const m = await this.next(timeoutMs);
    if (m.type !== 'ready') throw new Error(`unexpected watcher message ${m.type}`);
    return m;
  }

  async count(): Promise<number> {
    const m = await this.next(10_000, { cmd: 'count' });
    if (m.type !== 'count') throw new Error(`unexpected watcher message ${m.type}`);
    return m.n;
  }

  /** Wait (bounded) until `expected` events arrived in total, then stop and collect. */
  async finish(expected: number, graceMs: number): Promise<{ received: Float64Array[]; errors: number; firstError?: string }> {
    const until = now() + graceMs;
    while (now() < until && (await this.count()) < expected) await sleep(50);
    const m = await this.next(30_000, { cmd: 'stop' });
    if (m.type !== 'result') throw new Error(`unexpected watcher message ${m.type}`);
    await this.worker.terminate();
    return m;
  }

  async terminate(): Promise<void> {
    await this.worker.terminate();
  }
}

// ---- analysis ----

export interface WatchStats {
  watchers: number;
  events: number; // matched events received
  expected: number;
  lost: number;
  duplicates: number;
  unexpected: number; // events with no matching write (or not for this watcher)
  early: number; // events that arrived before the write's acknowledgement (counted as 0 ms)
  p50: number; // acknowledgement -> receipt
  p99: number;
  max: number;
  sentP50: number; // request issued -> receipt
  sentP99: number;
}

/**
 * `groupOf(w)` is the write group watcher w subscribes to, or null for all writes.
 */
export function analyze(acks: WriteAck[], received: Float64Array[], groupOf: (w: number) => number | null): WatchStats {
  const byRv = new Map<number, WriteAck>();
  const perGroup = new Map<number, number>();
  for (const a of acks) {
    byRv.set(a.rv, a);
    perGroup.set(a.group, (perGroup.get(a.group) ?? 0) + 1);
  }
  const hist = new Histogram();
  const fromSent = new Histogram();
  let expected = 0;
  let lost = 0;
  let duplicates = 0;
  let unexpected = 0;
  let early = 0;
  received.forEach((pairs, w) => {
    const group = groupOf(w);
    const want = group === null ? acks.length : (perGroup.get(group) ?? 0);
    const seen = new Set<number>();
    for (let i = 0; i + 1 < pairs.length; i += 2) {
      const rv = pairs[i];
      const ack = byRv.get(rv);
      if (!ack || (group !== null && ack.group !== group)) {
        unexpected++;
        continue;
      }
      if (seen.has(rv)) {
        duplicates++;
        continue;
      }
      seen.add(rv);
      const lat = pairs[i + 1] - ack.t;
      if (lat < 0) early++;
      hist.record(lat);
      fromSent.record(pairs[i + 1] - ack.sent);
    }
    expected += want;
    lost += want - seen.size;
  });
  return {
    watchers: received.length,
    events: hist.count,
    expected,
    lost,
    duplicates,
    unexpected,
    early,
    p50: hist.percentile(50),
    p99: hist.percentile(99),
    max: hist.max,
    sentP50: fromSent.percentile(50),
    sentP99: fromSent.percentile(99),
  };
}
