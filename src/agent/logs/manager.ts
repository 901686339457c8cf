// Container log rotation (upstream pkg/kubelet/logs/container_log_manager.go). Every period the
// manager looks at each running container's CRI log file; once it reaches the maximum size it
// is renamed to `<log>.<YYYYMMDD-hhmmss>` and the runtime is told to reopen the log (containerd
// then writes a fresh file under the old name). Of the rotated files at most maxFiles - 2 are
// kept (with the live file and the one being rotated, maxFiles in all), oldest removed first;
// every rotated file but the newest is gzipped. `kubectl logs` reads the live file, as upstream.

import { createReadStream, createWriteStream } from 'node:fs';
import { readdir, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import type { Logger } from '../../log.ts';
import { PeriodicPass } from '../periodic.ts';
import type { ContainerRuntime, StreamingService } from '../runtime/types.ts';

/** A runtime that writes container log files and reopens them on request. */
export type LogRuntime = ContainerRuntime & Pick<StreamingService, 'reopenContainerLog'>;

export interface ContainerLogPolicy {
  /** A log file is rotated once it is this large (kubelet --container-log-max-size, 10Mi). */
  maxSizeBytes: number;
  /** Log files kept per container, the live one included (kubelet --container-log-max-files, 5; at least 2). */
  maxFiles: number;
}

export const DEFAULT_CONTAINER_LOG_POLICY: ContainerLogPolicy = { maxSizeBytes: 10 * 1024 * 1024, maxFiles: 5 };
/** How often logs are looked at (kubelet --container-log-monitor-interval). */
export const CONTAINER_LOG_MONITOR_PERIOD_MS = 10_000;

const COMPRESS_SUFFIX = '.gz';
const TMP_SUFFIX = '.tmp';

/** Go's "20060102-150405", in local time as the kubelet's clock gives it. */
export function rotationTimestamp(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}-${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}`;
}

export interface ContainerLogManagerOptions {
  runtime: LogRuntime;
  policy?: Partial<ContainerLogPolicy>;
  log?: Logger;
  now?: () => Date;
}

export class ContainerLogManager {
  readonly policy: ContainerLogPolicy;
  private readonly periodic = new PeriodicPass(() => this.rotateLogs(), (e) => this.options.log?.warn('container log rotation failed', { error: e.message }));

  constructor(private readonly options: ContainerLogManagerOptions) {
    this.policy = { ...DEFAULT_CONTAINER_LOG_POLICY, ...options.policy };
    if (this.policy.maxFiles <= 1) throw new Error(`invalid MaxFiles ${this.policy.maxFiles}, must be > 1`);
  }

  start(periodMs = CONTAINER_LOG_MONITOR_PERIOD_MS): void {
    this.periodic.start(periodMs);
  }

  stop(): Promise<void> {
    return this.periodic.stop();
  }

  /** One pass over the running containers; a container whose log cannot be rotated is left for the next. */
  async rotateLogs(): Promise<void> {
    const rt = this.options.runtime;
    for (const c of await rt.listContainers({ state: { state: 'CONTAINER_RUNNING' } })) {
      try {
        const status = await rt.containerStatus(c.id);
        const path = status.logPath;
        if (status.state !== 'CONTAINER_RUNNING' || !path) continue;
        const size = (await stat(path).catch(() => undefined))?.size;
        if (size === undefined) {
          // The file is gone (removed by hand, or a rotation that failed halfway): have it made again.
          await rt.reopenContainerLog(c.id);
          continue;
        }
        if (size < this.policy.maxSizeBytes) continue;
        await this.rotateLog(c.id, path);
      } catch (e) {
        this.options.log?.warn('rotating a container log failed', { container: c.id, error: (e as Error).message });
      }
    }
  }

  private async rotateLog(id: string, log: string): Promise<void> {
    const prefix = `${basename(log)}.`;
    const dir = dirname(log);
    let rotated = (await readdir(dir)).filter((f) => f.startsWith(prefix)).map((f) => join(dir, f));
    rotated = await this.cleanupUnusedLogs(rotated);
    rotated = await this.removeExcessLogs(rotated);
    for (const f of rotated) if (!f.endsWith(COMPRESS_SUFFIX)) await this.compressLog(f);
    await this.rotateLatestLog(id, log);
  }

  /** Leftovers of an interrupted compression: temporary files, and originals whose .gz is complete. */
  private async cleanupUnusedLogs(logs: string[]): Promise<string[]> {
    const names = new Set(logs);
    const kept: string[] = [];
    for (const f of logs) {
      if (f.endsWith(TMP_SUFFIX) || (!f.endsWith(COMPRESS_SUFFIX) && names.has(f + COMPRESS_SUFFIX))) await rm(f, { force: true });
      else kept.push(f);
    }
    return kept;
  }

  /** Keeps the newest maxFiles - 2 rotated files (the timestamps sort by age), removing the oldest first. */
  private async removeExcessLogs(logs: string[]): Promise<string[]> {
    const sorted = [...logs].sort();
    const excess = Math.max(0, sorted.length - Math.max(0, this.policy.maxFiles - 2));
    for (const f of sorted.slice(0, excess)) await rm(f, { force: true });
    return sorted.slice(excess);
  }

  private async compressLog(log: string): Promise<void> {
    const tmp = log + TMP_SUFFIX;
    try {
      await pipeline(createReadStream(log), createGzip(), createWriteStream(tmp, { mode: 0o644 }));
      await rename(tmp, log + COMPRESS_SUFFIX);
    } catch (e) {
      await rm(tmp, { force: true });
      throw e;
    }
    await rm(log, { force: true });
  }

  /** Renames the live file away and has the runtime reopen the name; on failure the name is given back. */
  private async rotateLatestLog(id: string, log: string): Promise<void> {
    const now = (this.options.now ?? (() => new Date()))();
    const rotated = `${log}.${rotationTimestamp(now)}`;
    await rename(log, rotated);
    try {
      await this.options.runtime.reopenContainerLog(id);
    } catch (e) {
      await rename(rotated, log).catch(() => undefined);
      throw e;
    }
  }
}
