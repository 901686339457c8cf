// Upstream's atomic writer (pkg/volume/util/atomic_writer.go): a volume whose files change
// together (ConfigMap, Secret, downward API, projected) is written into a fresh hidden
// `..<timestamp>` directory, and a `..data` symlink is swapped to it with one rename, so a
// reader sees either the old set of files or the new one, never a mix. Each top-level name
// of the payload is a symlink to `..data/<name>`, which keeps resolving across swaps.

import { chmod, lchown, lstat, mkdir, mkdtemp, readdir, readFile, readlink, rename, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { dirname, join, sep } from 'node:path';

export interface FileProjection { data: Buffer; mode: number }

/** Relative path in the volume → content and mode. */
export type Payload = Map<string, FileProjection>;

const DATA_DIR = '..data';
const DATA_DIR_TMP = '..data_tmp';

/** validatePath: relative, no `..` element, first element not starting with `..`. */
export function validatePayloadPath(p: string): void {
  if (p === '') throw new Error('invalid path: must not be empty');
  if (p.startsWith('/')) throw new Error(`invalid path: must be relative path: ${p}`);
  const parts = p.split('/');
  if (parts.includes('..')) throw new Error(`invalid path: must not contain '..': ${p}`);
  if (parts[0].startsWith('..')) throw new Error(`invalid path: must not start with '..': ${p}`);
}

const exists = async (p: string): Promise<boolean> => lstat(p).then(() => true, () => false);

/** Files below dir (relative paths), without following symlinks. */
async function walk(dir: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...(await walk(join(dir, e.name), rel)));
    else out.push(rel);
  }
  return out;
}

async function unchanged(tsDir: string, payload: Payload, gid: number | undefined): Promise<boolean> {
  let files: string[];
  try {
    files = await walk(tsDir);
  } catch {
    return false;
  }
  if (files.length !== payload.size) return false;
  for (const f of files) {
    const want = payload.get(f);
    if (!want) return false;
    const path = join(tsDir, f);
    const [have, st] = await Promise.all([readFile(path), stat(path)]);
    if (!have.equals(want.data) || (st.mode & 0o7777) !== want.mode || (gid !== undefined && st.gid !== gid)) return false;
  }
  return true;
}

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');
const tsPrefix = (d: Date): string =>
  `..${d.getUTCFullYear()}_${pad(d.getUTCMonth() + 1)}_${pad(d.getUTCDate())}_${pad(d.getUTCHours())}_${pad(d.getUTCMinutes())}_${pad(d.getUTCSeconds())}.`;

const topLevel = (p: string): string => p.split('/')[0];

/**
 * Makes targetDir hold exactly the payload. Returns false when it already did (nothing is
 * written then), true after a swap. With a gid (the pod's fsGroup) every file and directory
 * belongs to that group and directories are setgid, as SetVolumeOwnership leaves them; the
 * payload's modes should already include the group bits.
 */
export async function writeAtomically(targetDir: string, payload: Payload, gid?: number): Promise<boolean> {
  for (const p of payload.keys()) validatePayloadPath(p);
  await mkdir(targetDir, { recursive: true });
  const dataLink = join(targetDir, DATA_DIR);
  const oldTs = await readlink(dataLink).catch(() => '');
  if (oldTs && (await unchanged(join(targetDir, oldTs), payload, gid))) return false;

  const tsDir = await mkdtemp(join(targetDir, tsPrefix(new Date())));
  const ownDir = async (dir: string) => {
    if (gid === undefined) return chmod(dir, 0o755);
    await lchown(dir, -1, gid);
    await chmod(dir, 0o2755);
  };
  await ownDir(tsDir);
  for (const [p, f] of payload) {
    const path = join(tsDir, p);
    await mkdir(dirname(path), { recursive: true });
    for (let d = dirname(path); d !== tsDir; d = dirname(d)) await ownDir(d);
    await writeFile(path, f.data);
    if (gid !== undefined) await lchown(path, -1, gid);
    await chmod(path, f.mode);
  }
  if (gid !== undefined) await lchown(targetDir, -1, gid);
  const tmpLink = join(targetDir, DATA_DIR_TMP);
  await rm(tmpLink, { force: true });
  await symlink(tsDir.slice(tsDir.lastIndexOf(sep) + 1), tmpLink);
  await rename(tmpLink, dataLink);

  const wanted = new Set([...payload.keys()].map(topLevel));
  for (const name of wanted) {
    const link = join(targetDir, name);
    if (!(await exists(link))) await symlink(join(DATA_DIR, name), link);
  }
  if (oldTs) {
    const oldNames = new Set((await walk(join(targetDir, oldTs)).catch(() => [] as string[])).map(topLevel));
    for (const name of oldNames) if (!wanted.has(name)) await rm(join(targetDir, name), { force: true });
    await rm(join(targetDir, oldTs), { recursive: true, force: true });
  }
  return true;
}
