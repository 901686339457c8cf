// Node selectors as the scheduler evaluates them (upstream component-helpers
// nodeaffinity): terms are ORed, requirements inside a term ANDed; an empty term matches
// nothing; a term that does not parse (unknown operator, Gt without one integer...) is
// skipped, as the scheduler ignores parse errors for backwards compatibility. Compiled
// once per pod, then matched against many nodes without allocating.

import type { V1NodeSelector, V1NodeSelectorRequirement, V1NodeSelectorTerm, V1PreferredSchedulingTerm } from '@kubernetes/client-node';
import type { Node, Pod } from '../framework/types.ts';

type LabelReq =
  | { op: 'In' | 'NotIn'; key: string; values: string[] }
  | { op: 'Exists' | 'DoesNotExist'; key: string }
  | { op: 'Gt' | 'Lt'; key: string; bound: number };

interface FieldReq { key: string; value: string; equal: boolean }

/** One parsed NodeSelectorTerm; undefined requirements lists mean "not given". */
export interface CompiledTerm { labels?: LabelReq[]; fields?: FieldReq[] }

const INT_RE = /^[+-]?\d+$/;

function compileLabelReq(r: V1NodeSelectorRequirement): LabelReq | undefined {
  const values = r.values ?? [];
  switch (r.operator) {
    case 'In':
    case 'NotIn':
      return values.length === 0 ? undefined : { op: r.operator, key: r.key, values };
    case 'Exists':
    case 'DoesNotExist':
      return values.length !== 0 ? undefined : { op: r.operator, key: r.key };
    case 'Gt':
    case 'Lt':
      return values.length !== 1 || !INT_RE.test(values[0]) ? undefined : { op: r.operator, key: r.key, bound: Number(values[0]) };
    default:
      return undefined;
  }
}

/** A parsed term, or undefined when it is empty or does not parse (it then matches no node). */
export function compileTerm(term: V1NodeSelectorTerm): CompiledTerm | undefined {
  const exprs = term.matchExpressions ?? [];
  const fieldExprs = term.matchFields ?? [];
  if (exprs.length === 0 && fieldExprs.length === 0) return undefined;
  const out: CompiledTerm = {};
  if (exprs.length > 0) {
    out.labels = [];
    for (const e of exprs) {
      const r = compileLabelReq(e);
      if (!r) return undefined;
      out.labels.push(r);
    }
  }
  if (fieldExprs.length > 0) {
    out.fields = [];
    for (const e of fieldExprs) {
      if ((e.operator !== 'In' && e.operator !== 'NotIn') || e.values?.length !== 1) return undefined;
      out.fields.push({ key: e.key, value: e.values[0], equal: e.operator === 'In' });
    }
  }
  return out;
}

function labelReqMatches(r: LabelReq, labels: Record<string, string> | undefined): boolean {
  const v = labels?.[r.key];
  switch (r.op) {
    case 'In': return v !== undefined && r.values.includes(v);
    case 'NotIn': return v === undefined || !r.values.includes(v);
    case 'Exists': return v !== undefined;
    case 'DoesNotExist': return v === undefined;
    case 'Gt':
    case 'Lt': {
      if (v === undefined || !INT_RE.test(v)) return false;
      const n = Number(v);
      return r.op === 'Gt' ? n > r.bound : n < r.bound;
    }
  }
}

export function termMatches(t: CompiledTerm, node: Node): boolean {
  if (t.labels) {
    const labels = node.metadata?.labels;
    for (const r of t.labels) if (!labelReqMatches(r, labels)) return false;
  }
  // Fields are only checked when the node has a name (the one field a node selector knows).
  const name = node.metadata?.name;
  if (t.fields && name) {
    for (const f of t.fields) {
      const v = f.key === 'metadata.name' ? name : '';
      if ((v === f.value) !== f.equal) return false;
    }
  }
  return true;
}

/** A v1.NodeSelector: true when any term matches. */
export function compileNodeSelector(ns: V1NodeSelector): (node: Node) => boolean {
  const terms: CompiledTerm[] = [];
  for (const t of ns.nodeSelectorTerms ?? []) {
    const c = compileTerm(t);
    if (c) terms.push(c);
  }
  return (node) => {
    for (const t of terms) if (termMatches(t, node)) return true;
    return false;
  };
}

/** A pod's nodeSelector and required node affinity together (GetRequiredNodeAffinity). */
export interface RequiredNodeAffinity {
  /** Neither a nodeSelector nor required node affinity: every node matches. */
  readonly none: boolean;
  match(node: Node): boolean;
}

export function requiredNodeAffinity(pod: Pod): RequiredNodeAffinity {
  const selector = pod.spec?.nodeSelector;
  const entries = selector ? Object.entries(selector) : [];
  const required = pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  const affinity = required ? compileNodeSelector(required) : undefined;
  return {
    none: entries.length === 0 && !affinity,
    match(node) {
      if (entries.length > 0) {
        const labels = node.metadata?.labels;
        if (!labels) return false;
        for (const [k, v] of entries) if (labels[k] !== v) return false;
      }
      return affinity ? affinity(node) : true;
    },
  };
}

/** Preferred scheduling terms: a node scores the sum of the weights of the terms it matches. */
export function compilePreferredTerms(terms: V1PreferredSchedulingTerm[]): { weight: number; term: CompiledTerm }[] {
  const out: { weight: number; term: CompiledTerm }[] = [];
  for (const t of terms) {
    if (!t.weight) continue;
    const c = compileTerm(t.preference);
    if (c) out.push({ weight: t.weight, term: c });
  }
  return out;
}

export function preferredScore(terms: { weight: number; term: CompiledTerm }[], node: Node): number {
  let score = 0;
  for (const t of terms) if (termMatches(t.term, node)) score += t.weight;
  return score;
}
