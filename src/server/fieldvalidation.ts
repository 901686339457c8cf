// Server-side field validation (?fieldValidation=Ignore|Warn|Strict), as upstream's strict JSON
// decoding reports it: unknown fields (not in the kind's schema) and duplicate keys in the raw body,
// each as a path like `spec.containers[0].imagePullPolicyy` or `metadata.labels.app`.
//
//   Strict, create/update → 400 `Pod in version "v1" cannot be handled as a Pod: strict decoding error: unknown field "spec.x"`
//   Strict, patch         → 422 ` "" is invalid: patch: Invalid value: "map[...]": strict decoding error: ...`
//   Warn                  → one `Warning: 299 - "unknown field \"spec.x\""` header per finding
// Under Ignore and Warn upstream's typed decoding drops unknown fields: pruneUnknownFields does that.

import { StatusError, badRequest, fieldInvalid, fieldNotSupported, invalid } from './errors.ts';
import { goFormat } from './strategicpatch.ts';
import { type Node, kindNode } from '../../api/openapi/model.ts';

export interface GroupVersionKind { group: string; version: string; kind: string }

export type FieldValidationDirective = 'Ignore' | 'Warn' | 'Strict';

type JsonMap = { [k: string]: unknown };
const isMap = (v: unknown): v is JsonMap => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Upstream keeps at most this many strict errors per request. */
const MAX_STRICT_ERRORS = 100;

const join = (path: string, key: string) => (path ? `${path}.${key}` : key);

/** Collect unknown field paths; with `prune`, also delete them (and keep walking past the cap). */
function walk(node: Node, v: unknown, path: string, out: string[], prune: boolean): void {
  if (!prune && out.length >= MAX_STRICT_ERRORS) return;
  switch (node.kind) {
    case 'struct': {
      if (!isMap(v)) return;
      for (const k of Object.keys(v)) {
        const f = node.fields.get(k);
        if (!f) {
          out.push(join(path, k));
          if (prune) delete v[k];
        } else if (f.node.kind !== 'scalar' && f.node.kind !== 'any') {
          walk(f.node, v[k], join(path, k), out, prune);
        }
      }
      return;
    }
    case 'list':
      if (!Array.isArray(v) || node.items.kind === 'scalar' || node.items.kind === 'any') return;
      for (let i = 0; i < v.length; i++) walk(node.items, v[i], `${path}[${i}]`, out, prune);
      return;
    case 'map':
      if (!isMap(v) || node.values.kind === 'scalar' || node.values.kind === 'any') return;
      for (const k of Object.keys(v)) walk(node.values, v[k], join(path, k), out, prune);
      return;
    default:
      return;
  }
}

/**
 * Paths of fields the kind's schema does not know, in document order, e.g. `spec.bogusField`,
 * `spec.containers[0].imagePullPolicyy`. Maps (labels, data, ...) and opaque values
 * (RawExtension, FieldsV1) are not inspected. Kinds outside the schema model yield [].
 */
export function findUnknownFields(gvk: GroupVersionKind, obj: unknown): string[] {
  const node = kindNode(gvk);
  if (!node) return [];
  const out: string[] = [];
  walk(node, obj, '', out, false);
  return out;
}

/**
 * Delete the fields findUnknownFields reports, in place, and return their paths: what upstream's
 * typed decoding does to unknown fields under fieldValidation=Ignore or Warn (they are not stored).
 */
export function pruneUnknownFields(gvk: GroupVersionKind, obj: unknown): string[] {
  const node = kindNode(gvk);
  if (!node) return [];
  const out: string[] = [];
  walk(node, obj, '', out, true);
  return out;
}

/**
 * Paths of keys that occur more than once in one JSON object of the raw body, e.g. `metadata.name`
 * (`metadata.labels.app` inside maps, `spec.containers[0].name` inside lists). Malformed JSON yields
 * whatever was found before the error (the decoder reports the syntax error itself).
 */
export function findDuplicateFields(json: string): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  const s = json;
  let i = 0;
  const n = s.length;

  const ws = () => { while (i < n) { const c = s.charCodeAt(i); if (c === 32 || c === 10 || c === 13 || c === 9) i++; else break; } };
  const str = (): string => {
    // s[i] === '"'
    const start = ++i;
    let simple = true;
    while (i < n) {
      const c = s.charCodeAt(i);
      if (c === 34) break;
      if (c === 92) { simple = false; i += 2; continue; }
      i++;
    }
    const raw = s.slice(start, i);
    i++; // closing quote
    if (simple) return raw;
    try { return JSON.parse(`"${raw}"`) as string; } catch { return raw; }
  };
  const fail = () => { i = n; };
  const value = (path: string): void => {
    ws();
    if (i >= n) return;
    const c = s[i];
    if (c === '{') {
      i++;
      const keys = new Set<string>();
      ws();
      if (s[i] === '}') { i++; return; }
      while (i < n) {
        ws();
        if (s[i] !== '"') return fail();
        const key = str();
        const p = join(path, key);
        if (keys.has(key)) {
          if (!seen.has(p) && out.length < MAX_STRICT_ERRORS) { seen.add(p); out.push(p); }
        } else {
          keys.add(key);
        }
        ws();
        if (s[i] !== ':') return fail();
        i++;
        value(p);
        ws();
        if (s[i] === ',') { i++; continue; }
        if (s[i] === '}') { i++; return; }
        return fail();
      }
      return;
    }
    if (c === '[') {
      i++;
      ws();
      if (s[i] === ']') { i++; return; }
      let idx = 0;
      while (i < n) {
        value(`${path}[${idx++}]`);
        ws();
        if (s[i] === ',') { i++; continue; }
        if (s[i] === ']') { i++; return; }
        return fail();
      }
      return;
    }
    if (c === '"') { str(); return; }
    // number, true, false, null
    while (i < n) {
      const d = s[i];
      if (d === ',' || d === '}' || d === ']' || d === ' ' || d === '\n' || d === '\r' || d === '\t') break;
      i++;
    }
  };
  value('');
  return out;
}

// ---------------------------------------------------------------------------------------------
// Messages

/** Go's strconv.Quote for the ASCII-printable and common cases. */
function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0) as number;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (c < 0x20 || c === 0x7f) out += `\\x${c.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

/**
 * The individual strict errors, `unknown field "spec.x"` / `duplicate field "metadata.name"`
 * (deduplicated, at most 100). Unknown fields come first unless `duplicatesFirst` (the order of
 * upstream's patch handler, which reports the patch body's duplicates before the result's unknowns).
 */
export function strictErrors(unknown: readonly string[], duplicates: readonly string[], duplicatesFirst = false): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  const add = (s: string) => {
    if (out.length < MAX_STRICT_ERRORS && !seen.has(s)) { seen.add(s); out.push(s); }
  };
  const u = () => { for (const p of unknown) add(`unknown field ${goQuote(p)}`); };
  const d = () => { for (const p of duplicates) add(`duplicate field ${goQuote(p)}`); };
  if (duplicatesFirst) { d(); u(); } else { u(); d(); }
  return out;
}

/** `strict decoding error: unknown field "spec.bogusField", duplicate field "metadata.name"` */
export function strictDecodingMessage(unknown: readonly string[], duplicates: readonly string[], duplicatesFirst = false): string {
  return `strict decoding error: ${strictErrors(unknown, duplicates, duplicatesFirst).join(', ')}`;
}

/**
 * fieldValidation=Strict on create/update (POST/PUT): 400 BadRequest
 * `Pod in version "v1" cannot be handled as a Pod: strict decoding error: unknown field "spec.bogusField"`.
 */
export function strictDecodingError(gvk: GroupVersionKind, unknown: readonly string[], duplicates: readonly string[]): StatusError {
  return badRequest(`${gvk.kind} in version ${goQuote(gvk.version)} cannot be handled as a ${gvk.kind}: ${strictDecodingMessage(unknown, duplicates)}`);
}

/**
 * fieldValidation=Strict on PATCH: 422 Invalid naming the field `patch`, as upstream's patch handler
 * reports it. The invalid value is the Go %v of the decoded patch for strategic merge patches; for
 * JSON and merge patches upstream shows the patched object's JSON text: pass that string.
 */
export function strictPatchError(patch: unknown, unknown: readonly string[], duplicates: readonly string[]): StatusError {
  return invalid('', '', '', [fieldInvalid('patch', goFormat(patch), strictDecodingMessage(unknown, duplicates, true))]);
}

/** fieldValidation=Warn: the texts to send as warnings, one per finding. */
export function strictWarnings(unknown: readonly string[], duplicates: readonly string[], duplicatesFirst = false): string[] {
  return strictErrors(unknown, duplicates, duplicatesFirst);
}

/** A `Warning` response header value: `299 - "unknown field \"spec.bogusField\""`. */
export function warningHeader(text: string): string {
  return `299 - "${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

const SUPPORTED = ['', 'Ignore', 'Strict', 'Warn'];

/**
 * The effective directive of a `fieldValidation` query value: absent or empty → Warn (upstream's
 * default); anything else unsupported → 422 from the options validation, e.g.
 * `PatchOptions.meta.k8s.io "" is invalid: fieldValidation: Unsupported value: "x": supported values: "", "Ignore", "Strict", "Warn"`.
 */
export function fieldValidationDirective(value: string | null | undefined, options: 'CreateOptions' | 'UpdateOptions' | 'PatchOptions'): FieldValidationDirective {
  if (value === null || value === undefined || value === '') return 'Warn';
  if (value === 'Ignore' || value === 'Warn' || value === 'Strict') return value;
  throw invalid(options, 'meta.k8s.io', '', [fieldNotSupported('fieldValidation', value, SUPPORTED)]);
}
