// Debian's busybox-static is built with FEATURE_SH_STANDALONE: its sh runs an applet for
// any command named like one, whatever PATH holds. To let the images' own nc and wget
// (nettools.c) answer inside `sh -c`, those applets are renamed in the image's copy of the
// binary: same length, same place in the sorted name table (busybox's lookup relies on
// the order), so nothing else moves. The result is checked by running it; on any doubt the
// caller keeps the original binary.

import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

export interface RenamedBusybox { data: Buffer; renamed: Record<string, string> }

/** A same-length name strictly between the neighbours of `name` in the table, not taken. */
function sortedStandIn(name: string, prev: string, next: string, taken: Set<string>): string | undefined {
  const stem = name.slice(0, -1);
  for (let c = name.charCodeAt(name.length - 1) + 1; c <= 0x7a; c++) {
    const candidate = stem + String.fromCharCode(c);
    if (candidate > prev && candidate < next && !taken.has(candidate)) return candidate;
  }
  return undefined;
}

/**
 * Renames `names` in the applet table of `binary`, whose applets (in table order, as
 * `busybox --list` prints them) are `applets`. Undefined when the table is not found once.
 */
export function renameApplets(binary: Buffer, applets: string[], names: string[]): RenamedBusybox | undefined {
  const table = Buffer.from(`${applets.join('\0')}\0`, 'latin1');
  const at = binary.indexOf(table);
  if (at < 0 || binary.indexOf(table, at + 1) >= 0) return undefined;
  const data = Buffer.from(binary);
  const taken = new Set(applets);
  const renamed: Record<string, string> = {};
  let off = at;
  for (const [i, name] of applets.entries()) {
    if (names.includes(name)) {
      const to = sortedStandIn(name, applets[i - 1] ?? '', applets[i + 1] ?? '\x7f', taken);
      if (!to) return undefined;
      data.write(to, off, 'latin1');
      renamed[name] = to;
    }
    off += Buffer.byteLength(name, 'latin1') + 1;
  }
  return Object.keys(renamed).length === names.length ? { data, renamed } : undefined;
}

/** Runs the renamed binary: every other applet still resolves, the renamed ones no longer do. */
export async function renamedBusyboxWorks(r: RenamedBusybox, applets: string[]): Promise<boolean> {
  const dir = await mkdtemp(join(tmpdir(), 'skiff-busybox-'));
  try {
    const bin = join(dir, 'busybox');
    await writeFile(bin, r.data, { mode: 0o755 });
    const keep = applets.filter((a) => !(a in r.renamed));
    const script = 'for a in "$@"; do case "$a" in -) gone=1 ;; *) if [ -n "$gone" ]; then command -v "$a" >/dev/null && echo "still $a"; else command -v "$a" >/dev/null || echo "missing $a"; fi ;; esac; done; echo ok';
    const { stdout } = await promisify(execFile)(bin, ['sh', '-c', script, 'sh', ...keep, '-', ...Object.keys(r.renamed)], { env: { PATH: '/nonexistent' }, encoding: 'utf8' });
    return stdout === 'ok\n';
  } catch {
    return false;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
