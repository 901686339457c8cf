// A container's termination message (kuberuntime_container.go getTerminationMessage and
// readLastStringFromContainerLogs): what it wrote to its terminationMessagePath file, or,
// with FallbackToLogsOnError, the tail of its log when that file is empty and it failed.

import { open, readFile } from 'node:fs/promises';

/** MaxContainerTerminationMessageLength. */
export const MAX_TERMINATION_MESSAGE_BYTES = 4096;
/** MaxContainerTerminationMessageLogLines and ...LogLength. */
export const MAX_TERMINATION_LOG_LINES = 80;
export const MAX_TERMINATION_LOG_BYTES = 2048;

/** Up to 4096 bytes of the file ('' when there is none). */
export async function readTerminationMessageFile(path: string): Promise<string> {
  let f;
  try {
    f = await open(path, 'r');
  } catch {
    return '';
  }
  try {
    const buf = Buffer.alloc(MAX_TERMINATION_MESSAGE_BYTES);
    const { bytesRead } = await f.read(buf, 0, buf.length, 0);
    return buf.subarray(0, bytesRead).toString('utf8');
  } finally {
    await f.close();
  }
}

/**
 * The text of a CRI log (`<RFC3339Nano> <stream> <P|F> <content>` lines; P is a partial line
 * continued by the next), as `kubectl logs --tail=80 --limit-bytes=2048` would print it.
 */
export function tailCRILog(text: string, lines = MAX_TERMINATION_LOG_LINES, limitBytes = MAX_TERMINATION_LOG_BYTES): string {
  const out: string[] = [];
  let partial = '';
  for (const raw of text.split('\n')) {
    if (raw === '') continue;
    const a = raw.indexOf(' ');
    const b = raw.indexOf(' ', a + 1);
    if (a < 0 || b < 0) continue;
    const c = raw.indexOf(' ', b + 1);
    const tag = c < 0 ? raw.slice(b + 1) : raw.slice(b + 1, c);
    const content = c < 0 ? '' : raw.slice(c + 1);
    if (tag.split(':')[0] === 'P') {
      partial += content;
      continue;
    }
    out.push(`${partial}${content}\n`);
    partial = '';
  }
  return Buffer.from(out.slice(-lines).join('')).subarray(0, limitBytes).toString('utf8');
}

/** The last lines of a container's log file ('' when it cannot be read). */
export async function readContainerLogTail(path: string): Promise<string> {
  return tailCRILog(await readFile(path, 'utf8').catch(() => ''));
}
