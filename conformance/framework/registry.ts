// Finds the cases: every module under conformance/cases/<area>/ whose default export is a
// ConformanceCase. Adding a test is adding a file.

import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { CaseClass, ConformanceCase } from './types.ts';

const CASES_DIR = fileURLToPath(new URL('../cases/', import.meta.url));
const CLASSES: readonly CaseClass[] = ['API', 'API+ctrl', 'run', 'net'];

function isCase(v: unknown): v is ConformanceCase {
  if (typeof v !== 'object' || v === null) return false;
  const c = v as Partial<ConformanceCase>;
  return typeof c.id === 'string' && typeof c.codename === 'string' && typeof c.run === 'function'
    && typeof c.class === 'string' && (CLASSES as readonly string[]).includes(c.class);
}

function moduleFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...moduleFiles(p));
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

/** Orders IDs by area prefix then number: AM-02 before AM-10. */
export function compareIds(a: string, b: string): number {
  const [pa, na] = a.split('-');
  const [pb, nb] = b.split('-');
  return pa === pb ? Number(na) - Number(nb) : pa.localeCompare(pb);
}

let cached: Promise<ConformanceCase[]> | undefined;

export function loadCases(): Promise<ConformanceCase[]> {
  cached ??= (async () => {
    const cases: ConformanceCase[] = [];
    const ids = new Map<string, string>();
    for (const file of moduleFiles(CASES_DIR)) {
      const mod = (await import(pathToFileURL(file).href)) as { default?: unknown };
      if (!isCase(mod.default)) throw new Error(`${file}: the default export is not a conformance case`);
      const prev = ids.get(mod.default.id);
      if (prev) throw new Error(`${file}: case ID ${mod.default.id} is already defined in ${prev}`);
      ids.set(mod.default.id, file);
      cases.push(mod.default);
    }
    return cases.sort((a, b) => compareIds(a.id, b.id));
  })();
  return cached;
}
