// Label and field selectors (apimachinery's labels.Parse and fields.ParseSelector):
// parsed once per request, then matched allocation-free against each object.

import { badRequest } from '../server/errors.ts';

export type LabelRequirement =
  | { op: 'in'; key: string; values: string[] } // also '=' and '=='
  | { op: 'notin'; key: string; values: string[] } // also '!='
  | { op: 'exists'; key: string }
  | { op: '!'; key: string };

export interface LabelSelector { requirements: LabelRequirement[]; empty: boolean }

export const everything: LabelSelector = { requirements: [], empty: true };

export function matchLabels(sel: LabelSelector, labels: Record<string, string> | undefined): boolean {
  for (const r of sel.requirements) {
    const v = labels?.[r.key];
    switch (r.op) {
      case 'in': if (v === undefined || !r.values.includes(v)) return false; break;
      case 'notin': if (v !== undefined && r.values.includes(v)) return false; break;
      case 'exists': if (v === undefined) return false; break;
      case '!': if (v !== undefined) return false; break;
    }
  }
  return true;
}

const KEY_RE = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const VALUE_RE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

function checkKey(key: string, whole: string): string {
  if (!KEY_RE.test(key) || key.length > 316) throw badRequest(`unable to parse requirement: invalid label key "${key}" in selector "${whole}"`);
  return key;
}

function checkValue(v: string, whole: string): string {
  if (v.length > 63 || !VALUE_RE.test(v)) throw badRequest(`unable to parse requirement: invalid label value: "${v}" in selector "${whole}"`);
  return v;
}

/** Split on commas that are not inside a parenthesised value set. */
function splitTerms(s: string): string[] {
  const out: string[] = [];
  let depth = 0, start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === ',' && depth === 0) { out.push(s.slice(start, i)); start = i + 1; }
  }
  out.push(s.slice(start));
  return out.map((t) => t.trim()).filter((t) => t.length > 0);
}

const SET_RE = /^(\S+)\s+(in|notin)\s*\((.*)\)$/;

export function parseLabelSelector(s: string | undefined): LabelSelector {
  if (!s || s.trim() === '') return everything;
  const requirements: LabelRequirement[] = [];
  for (const term of splitTerms(s)) {
    let m: RegExpMatchArray | null;
    if ((m = SET_RE.exec(term))) {
      const values = m[3].split(',').map((v) => checkValue(v.trim(), s));
      requirements.push({ op: m[2] === 'in' ? 'in' : 'notin', key: checkKey(m[1], s), values });
    } else if (term.startsWith('!')) {
      requirements.push({ op: '!', key: checkKey(term.slice(1).trim(), s) });
    } else {
      const i = term.search(/!=|==|=/);
      if (i < 0) {
        requirements.push({ op: 'exists', key: checkKey(term, s) });
      } else {
        const op = term.startsWith('!=', i) ? '!=' : term.startsWith('==', i) ? '==' : '=';
        const key = checkKey(term.slice(0, i).trim(), s);
        const value = checkValue(term.slice(i + op.length).trim(), s);
        requirements.push(op === '!=' ? { op: 'notin', key, values: [value] } : { op: 'in', key, values: [value] });
      }
    }
  }
  return { requirements, empty: requirements.length === 0 };
}

/** metav1.LabelSelector (matchLabels + matchExpressions) as used in workload specs. */
/** Two string maps (labels, annotations) with the same entries; a missing map is empty. */
export const sameMap = (a?: Record<string, string>, b?: Record<string, string>): boolean => {
  const ak = Object.keys(a ?? {}), bk = Object.keys(b ?? {});
  return ak.length === bk.length && ak.every((k) => a?.[k] === b?.[k]);
};

export interface MetaLabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

export function fromMetaLabelSelector(ls: MetaLabelSelector | undefined): LabelSelector {
  if (!ls) return { requirements: [], empty: true };
  const requirements: LabelRequirement[] = [];
  for (const [key, v] of Object.entries(ls.matchLabels ?? {})) requirements.push({ op: 'in', key, values: [v] });
  for (const e of ls.matchExpressions ?? []) {
    switch (e.operator) {
      case 'In': requirements.push({ op: 'in', key: e.key, values: e.values ?? [] }); break;
      case 'NotIn': requirements.push({ op: 'notin', key: e.key, values: e.values ?? [] }); break;
      case 'Exists': requirements.push({ op: 'exists', key: e.key }); break;
      case 'DoesNotExist': requirements.push({ op: '!', key: e.key }); break;
      default: throw badRequest(`"${e.operator}" is not a valid label selector operator`);
    }
  }
  return { requirements, empty: requirements.length === 0 };
}

export function labelSelectorString(ls: MetaLabelSelector | undefined): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(ls?.matchLabels ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) parts.push(`${k}=${v}`);
  for (const e of ls?.matchExpressions ?? []) {
    const vals = (e.values ?? []).slice().sort().join(',');
    if (e.operator === 'In') parts.push(`${e.key} in (${vals})`);
    else if (e.operator === 'NotIn') parts.push(`${e.key} notin (${vals})`);
    else if (e.operator === 'Exists') parts.push(e.key);
    else if (e.operator === 'DoesNotExist') parts.push(`!${e.key}`);
  }
  return parts.join(',');
}

export interface FieldRequirement { field: string; value: string; equal: boolean }
export interface FieldSelector { requirements: FieldRequirement[]; empty: boolean }

export const allFields: FieldSelector = { requirements: [], empty: true };

/** Values may escape ',', '=' and '\' with a backslash, as fields.EscapeValue does. */
function unescapeFieldValue(v: string): string {
  return v.replace(/\\(.)/g, '$1');
}

function splitUnescaped(s: string, sep: string): string[] {
  const out: string[] = [];
  let cur = '';
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '\\' && i + 1 < s.length) { cur += s[i] + s[i + 1]; i++; continue; }
    if (s[i] === sep) { out.push(cur); cur = ''; continue; }
    cur += s[i];
  }
  out.push(cur);
  return out;
}

export function parseFieldSelector(s: string | undefined, allowed: ReadonlySet<string>): FieldSelector {
  if (!s || s.trim() === '') return allFields;
  const requirements: FieldRequirement[] = [];
  for (const raw of splitUnescaped(s, ',')) {
    const term = raw.trim();
    if (!term) continue;
    const i = term.search(/!=|==|=/);
    if (i <= 0) throw badRequest(`invalid selector: '${s}'; can't understand '${term}'`);
    const op = term.startsWith('!=', i) ? '!=' : term.startsWith('==', i) ? '==' : '=';
    const field = term.slice(0, i).trim();
    if (!allowed.has(field)) throw badRequest(`field label not supported: ${field}`);
    requirements.push({ field, value: unescapeFieldValue(term.slice(i + op.length).trim()), equal: op !== '!=' });
  }
  return { requirements, empty: requirements.length === 0 };
}

export function matchFields(sel: FieldSelector, fields: Record<string, string>): boolean {
  for (const r of sel.requirements) {
    if ((fields[r.field] === r.value) !== r.equal) return false;
  }
  return true;
}

/** The exact value required for a field, if the selector pins one (used to index watchers). */
export function requiredFieldValue(sel: FieldSelector, field: string): string | undefined {
  for (const r of sel.requirements) if (r.equal && r.field === field) return r.value;
  return undefined;
}
