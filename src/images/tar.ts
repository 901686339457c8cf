// A small deterministic tar writer and reader for image layers and OCI archives.
//
// Writer: ustar headers, a PAX extended header ('x') only when a path or link target does
// not fit the 100-byte ustar fields (or is not ASCII); every entry is owned by the given
// numeric uid/gid with no user/group names and mtime 0, and entries come out in one fixed
// order (depth-first, names sorted bytewise, each directory before its contents), so the
// same tree always gives the same bytes and hence the same layer digest.

export type TarEntry =
  | { path: string; type: 'dir'; mode: number; uid?: number; gid?: number }
  | { path: string; type: 'file'; mode: number; uid?: number; gid?: number; data: Buffer }
  | { path: string; type: 'symlink'; target: string; uid?: number; gid?: number }
  | { path: string; type: 'hardlink'; target: string; uid?: number; gid?: number };

const BLOCK = 512;

/** Strips leading "/" and "./" and any trailing "/"; the layer root itself is "". */
export function normalizeTarPath(p: string): string {
  let s = p.replace(/\/+/g, '/');
  while (s.startsWith('/') || s.startsWith('./')) s = s.startsWith('/') ? s.slice(1) : s.slice(2);
  if (s.endsWith('/')) s = s.slice(0, -1);
  if (s === '.') s = '';
  if (s.split('/').some((c) => c === '..')) throw new Error(`tar path escapes the root: ${p}`);
  return s;
}

function octal(n: number, width: number): string {
  // width includes the trailing NUL
  const s = n.toString(8);
  if (s.length > width - 1) throw new Error(`tar: value ${n} too large for a ${width}-byte field`);
  return s.padStart(width - 1, '0');
}

function put(buf: Buffer, offset: number, width: number, value: string): void {
  const bytes = Buffer.from(value, 'utf8');
  if (bytes.length > width) throw new Error(`tar: "${value}" does not fit ${width} bytes`);
  bytes.copy(buf, offset);
}

function fitsUstar(s: string, width: number): boolean {
  return Buffer.byteLength(s, 'utf8') <= width && /^[\x20-\x7e]*$/.test(s);
}

function paxRecord(key: string, value: string): Buffer {
  // "<len> <key>=<value>\n" where <len> counts the whole record, itself included
  const body = ` ${key}=${value}\n`;
  const bodyLen = Buffer.byteLength(body, 'utf8');
  let len = bodyLen + 1;
  while (String(len).length + bodyLen !== len) len = String(len).length + bodyLen;
  return Buffer.from(`${len}${body}`, 'utf8');
}

function header(o: { name: string; mode: number; uid: number; gid: number; size: number; type: string; link: string }): Buffer {
  const h = Buffer.alloc(BLOCK);
  put(h, 0, 100, o.name);
  put(h, 100, 8, octal(o.mode, 8));
  put(h, 108, 8, octal(o.uid, 8));
  put(h, 116, 8, octal(o.gid, 8));
  put(h, 124, 12, octal(o.size, 12));
  put(h, 136, 12, octal(0, 12));
  h.fill(0x20, 148, 156); // checksum is computed with its own field as spaces
  put(h, 156, 1, o.type);
  put(h, 157, 100, o.link);
  put(h, 257, 6, 'ustar');
  put(h, 263, 2, '00');
  put(h, 329, 8, octal(0, 8));
  put(h, 337, 8, octal(0, 8));
  let sum = 0;
  for (const b of h) sum += b;
  put(h, 148, 8, `${octal(sum, 7)}\0 `.slice(0, 8));
  return h;
}

function padding(size: number): Buffer {
  const rest = size % BLOCK;
  return rest === 0 ? Buffer.alloc(0) : Buffer.alloc(BLOCK - rest);
}

function entryChunks(e: TarEntry, path: string): Buffer[] {
  const name = e.type === 'dir' ? `${path}/` : path;
  const link = e.type === 'symlink' || e.type === 'hardlink' ? e.target : '';
  const uid = e.uid ?? 0;
  const gid = e.gid ?? 0;
  const chunks: Buffer[] = [];
  const pax: Buffer[] = [];
  if (!fitsUstar(name, 100)) pax.push(paxRecord('path', name));
  if (!fitsUstar(link, 100)) pax.push(paxRecord('linkpath', link));
  if (pax.length > 0) {
    const body = Buffer.concat(pax);
    const base = path.split('/').pop() ?? path;
    const paxName = `PaxHeaders.0/${Buffer.from(base, 'utf8').subarray(0, 80).toString('latin1').replace(/[^\x20-\x7e]/g, '_')}`;
    chunks.push(header({ name: paxName, mode: 0o644, uid: 0, gid: 0, size: body.length, type: 'x', link: '' }), body, padding(body.length));
  }
  const clip = (s: string) => (fitsUstar(s, 100) ? s : Buffer.from(s, 'utf8').subarray(0, 100).toString('latin1').replace(/[^\x20-\x7e]/g, '_'));
  switch (e.type) {
    case 'dir':
      chunks.push(header({ name: clip(name), mode: e.mode, uid, gid, size: 0, type: '5', link: '' }));
      break;
    case 'file':
      chunks.push(header({ name: clip(name), mode: e.mode, uid, gid, size: e.data.length, type: '0', link: '' }), e.data, padding(e.data.length));
      break;
    case 'symlink':
      chunks.push(header({ name: clip(name), mode: 0o777, uid, gid, size: 0, type: '2', link: clip(link) }));
      break;
    case 'hardlink':
      chunks.push(header({ name: clip(name), mode: 0o644, uid, gid, size: 0, type: '1', link: clip(normalizeTarPath(link)) }));
      break;
  }
  return chunks;
}

/**
 * Writes a tar of the given entries. Missing parent directories are added (0755, root);
 * a later entry for the same path replaces an earlier one.
 */
export function writeTar(entries: TarEntry[]): Buffer {
  const byPath = new Map<string, TarEntry>();
  for (const e of entries) {
    const p = normalizeTarPath(e.path);
    if (p === '') continue;
    byPath.set(p, { ...e, path: p });
  }
  for (const p of [...byPath.keys()]) {
    const parts = p.split('/');
    for (let i = 1; i < parts.length; i++) {
      const dir = parts.slice(0, i).join('/');
      const existing = byPath.get(dir);
      if (!existing) byPath.set(dir, { path: dir, type: 'dir', mode: 0o755 });
      else if (existing.type !== 'dir') throw new Error(`tar: ${dir} is both a ${existing.type} and a directory`);
    }
  }
  // Depth-first, children sorted bytewise: a directory always precedes what it holds.
  const children = new Map<string, string[]>();
  for (const p of byPath.keys()) {
    const i = p.lastIndexOf('/');
    const parent = i < 0 ? '' : p.slice(0, i);
    let list = children.get(parent);
    if (!list) children.set(parent, (list = []));
    list.push(p);
  }
  const cmp = (a: string, b: string) => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
  const out: Buffer[] = [];
  const visit = (dir: string) => {
    for (const p of (children.get(dir) ?? []).sort(cmp)) {
      out.push(...entryChunks(byPath.get(p) as TarEntry, p));
      visit(p);
    }
  };
  visit('');
  out.push(Buffer.alloc(BLOCK * 2));
  return Buffer.concat(out);
}

export interface TarMember { path: string; type: 'file' | 'dir' | 'symlink' | 'hardlink' | 'other'; mode: number; uid: number; gid: number; target: string; data: Buffer }

function readString(buf: Buffer, start: number, width: number): string {
  const slice = buf.subarray(start, start + width);
  const nul = slice.indexOf(0);
  return slice.subarray(0, nul < 0 ? width : nul).toString('utf8');
}

function readOctal(buf: Buffer, start: number, width: number): number {
  const s = readString(buf, start, width).trim();
  return s === '' ? 0 : parseInt(s, 8);
}

function parsePax(body: Buffer): Map<string, string> {
  const out = new Map<string, string>();
  let i = 0;
  while (i < body.length) {
    const sp = body.indexOf(0x20, i);
    if (sp < 0) break;
    const len = parseInt(body.subarray(i, sp).toString('ascii'), 10);
    if (!Number.isFinite(len) || len <= 0) break;
    const rec = body.subarray(sp + 1, i + len - 1).toString('utf8');
    const eq = rec.indexOf('=');
    if (eq > 0) out.set(rec.slice(0, eq), rec.slice(eq + 1));
    i += len;
  }
  return out;
}

/** Reads a tar held in memory (ustar, PAX and GNU long names), for OCI archives and tests. */
export function readTar(buf: Buffer): TarMember[] {
  const members: TarMember[] = [];
  let off = 0;
  let pax = new Map<string, string>();
  let gnuName: string | undefined;
  let gnuLink: string | undefined;
  while (off + BLOCK <= buf.length) {
    const h = buf.subarray(off, off + BLOCK);
    if (h.every((b) => b === 0)) break;
    const size = readOctal(h, 124, 12);
    const type = String.fromCharCode(h[156] || 0x30);
    const data = buf.subarray(off + BLOCK, off + BLOCK + size);
    off += BLOCK + Math.ceil(size / BLOCK) * BLOCK;
    if (type === 'x') { pax = parsePax(data); continue; }
    if (type === 'g') continue;
    if (type === 'L') { gnuName = readString(data, 0, data.length); continue; }
    if (type === 'K') { gnuLink = readString(data, 0, data.length); continue; }
    const prefix = readString(h, 345, 155);
    const rawName = readString(h, 0, 100);
    const name = pax.get('path') ?? gnuName ?? (prefix ? `${prefix}/${rawName}` : rawName);
    const target = pax.get('linkpath') ?? gnuLink ?? readString(h, 157, 100);
    pax = new Map();
    gnuName = gnuLink = undefined;
    const kind: TarMember['type'] = type === '0' || type === '\0' || type === '7' ? 'file' : type === '5' ? 'dir' : type === '2' ? 'symlink' : type === '1' ? 'hardlink' : 'other';
    members.push({ path: name, type: kind, mode: readOctal(h, 100, 8), uid: readOctal(h, 108, 8), gid: readOctal(h, 116, 8), target, data: Buffer.from(data) });
  }
  return members;
}
