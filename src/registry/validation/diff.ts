// A short textual diff for "... is immutable" messages (upstream appends cmp.Diff output;
// the exact format is Go-specific, so this lists the changed paths with old and new values).

import { isObject, semanticEqual } from './json.ts';

const MAX_LINES = 40;

function walk(a: unknown, b: unknown, path: string, out: string[]): void {
  if (out.length >= MAX_LINES || semanticEqual(a, b)) return;
  if (isObject(a) && isObject(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const k of keys) walk(a[k], b[k], path ? `${path}.${k}` : k, out);
    return;
  }
  if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) {
    for (let i = 0; i < a.length; i++) walk(a[i], b[i], `${path}[${i}]`, out);
    return;
  }
  out.push(`  ${path || '(root)'}:`);
  out.push(`-   ${a === undefined ? '<unset>' : JSON.stringify(a)}`);
  out.push(`+   ${b === undefined ? '<unset>' : JSON.stringify(b)}`);
}

/** Lines describing how `next` differs from `prev` (old first, as cmp.Diff(old, new)). */
export function describeDiff(prev: unknown, next: unknown, root = ''): string {
  const out: string[] = [];
  walk(prev, next, root, out);
  return out.join('\n');
}
