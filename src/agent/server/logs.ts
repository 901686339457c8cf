// Reading container logs in the CRI format, as the kubelet's kuberuntime logs.go does: each
// file line is `<RFC3339Nano> <stdout|stderr> <F|P>[:tags] <content>`, P marking a line the
// runtime split at its maximum line size (its content continues in the next record of the
// same stream). Options are those of PodLogOptions: tailLines, sinceTime, limitBytes,
// timestamps, follow (tail the file until the container stops and the file stops growing,
// surviving rotation: rename + ReopenContainerLog).

import { open, stat, type FileHandle } from 'node:fs/promises';
import { watch, type FSWatcher } from 'node:fs';

export type LogStream = 'stdout' | 'stderr';

export interface CriLogRecord {
  /** The timestamp as written (RFC3339Nano, trailing zeros possibly trimmed). */
  timestamp: string;
  /** Milliseconds since the epoch (for since filtering). */
  timeMs: number;
  stream: LogStream;
  /** P: the line continues in the next record of this stream. */
  partial: boolean;
  content: Buffer;
}

/** Parses one file line (without its newline); undefined for a line that is not CRI format. */
export function parseCriLogLine(line: Buffer): CriLogRecord | undefined {
  const s1 = line.indexOf(0x20);
  if (s1 <= 0) return undefined;
  const s2 = line.indexOf(0x20, s1 + 1);
  if (s2 < 0) return undefined;
  const stream = line.toString('latin1', s1 + 1, s2);
  if (stream !== 'stdout' && stream !== 'stderr') return undefined;
  const s3 = line.indexOf(0x20, s2 + 1);
  const tagEnd = s3 < 0 ? line.length : s3;
  const tag = line.toString('latin1', s2 + 1, tagEnd).split(':')[0];
  if (tag !== 'F' && tag !== 'P') return undefined;
  const timestamp = line.toString('latin1', 0, s1);
  const timeMs = Date.parse(timestamp);
  if (Number.isNaN(timeMs)) return undefined;
  return { timestamp, timeMs, stream, partial: tag === 'P', content: s3 < 0 ? Buffer.alloc(0) : line.subarray(s3 + 1) };
}

/** RFC3339Nano with all nine fraction digits (upstream's RFC3339NanoFixed), as `--timestamps` prints. */
export function fixedNano(timestamp: string): string {
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)$/.exec(timestamp);
  if (!m) return timestamp;
  return `${m[1]}.${(m[2] ?? '').padEnd(9, '0').slice(0, 9)}${m[3]}`;
}

export interface LogOptions {
  follow?: boolean;
  /** Only the last N lines of the file. */
  tailLines?: number;
  /** Stop after this many bytes of output. */
  limitBytes?: number;
  /** Only records at or after this time (ms since the epoch). */
  sinceMs?: number;
  timestamps?: boolean;
}

export interface LogSink {
  /** Writes output; resolves when the consumer can take more. */
  write(chunk: Buffer): Promise<void>;
  /** True once the consumer went away. */
  readonly closed: boolean;
}

export interface FollowHooks {
  /** Whether the container still runs (follow ends once it does not and the file is drained). */
  isRunning(): Promise<boolean>;
  /** Wakes a waiting follower early (client gone). */
  signal?: AbortSignal;
  /** How often to look for growth when no file event arrives (default 250 ms). */
  pollMs?: number;
}

const READ_CHUNK = 64 * 1024;

/** Byte offset where the last `lines` lines of the file start (0 when it has fewer). */
export async function tailOffset(fh: FileHandle, size: number, lines: number): Promise<number> {
  if (lines <= 0) return size;
  let pos = size;
  let newlines = 0;
  // A final line without its newline still counts as a line.
  let skipLast = true;
  const buf = Buffer.alloc(READ_CHUNK);
  while (pos > 0) {
    const len = Math.min(READ_CHUNK, pos);
    pos -= len;
    const { bytesRead } = await fh.read(buf, 0, len, pos);
    for (let i = bytesRead - 1; i >= 0; i--) {
      if (buf[i] !== 0x0a) { skipLast = false; continue; }
      if (skipLast && pos + i === size - 1) { skipLast = false; continue; }
      newlines++;
      if (newlines === lines) return pos + i + 1;
    }
  }
  return 0;
}

/**
 * Copies a CRI log file to the sink under the options. Resolves when done: at end of file
 * (not following), when the limit is reached, when the consumer goes away, or (following)
 * once the container stopped and the file has been read to its end.
 */
export async function copyContainerLog(path: string, opts: LogOptions, sink: LogSink, hooks?: FollowHooks): Promise<void> {
  const writer = new RecordWriter(opts, sink);
  let fh = await open(path, 'r');
  let watcher: FSWatcher | undefined;
  try {
    const size = (await fh.stat()).size;
    let position = opts.tailLines !== undefined && opts.tailLines >= 0 ? await tailOffset(fh, size, opts.tailLines) : 0;
    let leftover: Buffer = Buffer.alloc(0);
    const buf = Buffer.alloc(READ_CHUNK);
    let wake: (() => void) | undefined;
    let lastRunningCheck = 0;
    let stopping = false;
    if (opts.follow && hooks) {
      try {
        watcher = watch(path, () => wake?.());
        watcher.on('error', () => undefined);
      } catch {
        // Polling alone will do.
      }
      hooks.signal?.addEventListener('abort', () => wake?.(), { once: true });
    }
    for (;;) {
      if (sink.closed || writer.done || hooks?.signal?.aborted) return;
      const { bytesRead } = await fh.read(buf, 0, READ_CHUNK, position);
      if (bytesRead > 0) {
        position += bytesRead;
        let data = leftover.length ? Buffer.concat([leftover, buf.subarray(0, bytesRead)]) : Buffer.from(buf.subarray(0, bytesRead));
        let nl: number;
        while ((nl = data.indexOf(0x0a)) >= 0) {
          await writer.line(data.subarray(0, nl));
          if (writer.done || sink.closed) return;
          data = data.subarray(nl + 1);
        }
        leftover = data;
        continue;
      }
      // End of file.
      if (!opts.follow || !hooks) {
        if (leftover.length) await writer.line(leftover);
        return;
      }
      // Rotated (renamed and reopened) or truncated: finish with the new file from its start.
      const current = await stat(path).catch(() => undefined);
      const mine = await fh.stat();
      if (current && (current.ino !== mine.ino || current.size < position)) {
        if (current.ino !== mine.ino) {
          await fh.close();
          fh = await open(path, 'r');
          watcher?.close();
          try { watcher = watch(path, () => wake?.()); watcher.on('error', () => undefined); } catch { watcher = undefined; }
        }
        position = 0;
        leftover = Buffer.alloc(0);
        continue;
      }
      if (stopping) {
        if (leftover.length) await writer.line(leftover);
        return;
      }
      const now = Date.now();
      if (now - lastRunningCheck >= 1000) {
        lastRunningCheck = now;
        if (!(await hooks.isRunning().catch(() => false))) {
          // One more pass: what the container wrote last may land just now.
          stopping = true;
          continue;
        }
      }
      await new Promise<void>((resolve) => {
        const t = setTimeout(done, hooks.pollMs ?? 250);
        function done() { clearTimeout(t); wake = undefined; resolve(); }
        wake = done;
      });
    }
  } finally {
    watcher?.close();
    await fh.close();
  }
}

/** Applies since, timestamps and limitBytes to records, joining partial lines per stream. */
class RecordWriter {
  done = false;
  private written = 0;
  /** Per stream: the last record written was partial (the next one continues its line). */
  private readonly continuing: Record<LogStream, boolean> = { stdout: false, stderr: false };

  constructor(private readonly opts: LogOptions, private readonly sink: LogSink) {}

  async line(raw: Buffer): Promise<void> {
    const rec = parseCriLogLine(raw);
    if (!rec) return;
    if (this.opts.sinceMs !== undefined && rec.timeMs < this.opts.sinceMs) return;
    const parts: Buffer[] = [];
    if (this.opts.timestamps && !this.continuing[rec.stream]) parts.push(Buffer.from(`${fixedNano(rec.timestamp)} `));
    parts.push(rec.content);
    if (!rec.partial) parts.push(NEWLINE);
    this.continuing[rec.stream] = rec.partial;
    let out = Buffer.concat(parts);
    const limit = this.opts.limitBytes;
    if (limit !== undefined && limit > 0) {
      if (this.written + out.length >= limit) {
        out = out.subarray(0, limit - this.written);
        this.done = true;
      }
    }
    this.written += out.length;
    if (out.length) await this.sink.write(out);
  }
}

const NEWLINE = Buffer.from('\n');
