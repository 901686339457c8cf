// A compiled, walkable form of the schema registry for the per-request work (strategic merge patch,
// unknown-field detection): each definition becomes a node once, fields are Maps, and the patch
// metadata is pre-parsed. Built lazily from ./schemas.ts and cached.

import { type GVK, type Schema, definitionFor, refName, shapeRegistry } from './schemas.ts';

export type Node = StructNode | ListNode | MapNode | ScalarNode | AnyNode;

export interface FieldNode {
  node: Node;
  /** x-kubernetes-patch-strategy split on ',' (e.g. ['merge', 'retainKeys']). */
  strategies: readonly string[];
  mergeKey: string;
  /** x-kubernetes-list-type (atomic | set | map), for server-side apply. */
  listType?: string;
  /** x-kubernetes-list-map-keys */
  listMapKeys?: readonly string[];
  /** x-kubernetes-map-type of the field (atomic | granular). */
  mapType?: string;
}

export interface StructNode {
  kind: 'struct';
  name: string;
  fields: Map<string, FieldNode>;
}
export interface ListNode { kind: 'list'; items: Node }
export interface MapNode { kind: 'map'; values: Node }
/** Strings, numbers, booleans, and int-or-string / Quantity values. */
export interface ScalarNode { kind: 'scalar' }
/** Opaque JSON (RawExtension, FieldsV1, preserve-unknown-fields): never inspected. */
export interface AnyNode { kind: 'any' }

const SCALAR: ScalarNode = { kind: 'scalar' };
const ANY: AnyNode = { kind: 'any' };
const NO_STRATEGIES: readonly string[] = [];

const structs = new Map<string, StructNode | AnyNode>();

function definitionNode(name: string): StructNode | AnyNode {
  const existing = structs.get(name);
  if (existing) return existing;
  const s = shapeRegistry().schemas.get(name);
  if (!s || !s.properties) {
    // Opaque objects (RawExtension, FieldsV1) and scalar aliases resolve to ANY/SCALAR via nodeOf.
    const n = s && isScalarSchema(s) ? null : ANY;
    if (n) structs.set(name, n);
    return n ?? ANY;
  }
  const node: StructNode = { kind: 'struct', name, fields: new Map() };
  structs.set(name, node); // before filling: definitions may be recursive
  for (const [field, p] of Object.entries(s.properties)) {
    const strategy = p['x-kubernetes-patch-strategy'];
    const f: FieldNode = {
      node: nodeOf(p),
      strategies: strategy ? strategy.split(',') : NO_STRATEGIES,
      mergeKey: p['x-kubernetes-patch-merge-key'] ?? '',
    };
    if (p['x-kubernetes-list-type']) f.listType = p['x-kubernetes-list-type'];
    if (p['x-kubernetes-list-map-keys']) f.listMapKeys = p['x-kubernetes-list-map-keys'];
    if (p['x-kubernetes-map-type']) f.mapType = p['x-kubernetes-map-type'];
    node.fields.set(field, f);
  }
  return node;
}

function isScalarSchema(s: Schema): boolean {
  return s.type === 'string' || s.type === 'integer' || s.type === 'number' || s.type === 'boolean'
    || s.oneOf !== undefined || s['x-kubernetes-int-or-string'] === true;
}

function nodeOf(s: Schema): Node {
  if (s.allOf && s.allOf.length > 0) return nodeOf(s.allOf[0]);
  if (s.$ref) {
    const name = refName(s.$ref);
    const def = shapeRegistry().schemas.get(name);
    if (def && !def.properties && isScalarSchema(def)) return SCALAR;
    return definitionNode(name);
  }
  if (s.type === 'array') return { kind: 'list', items: s.items ? nodeOf(s.items) : ANY };
  if (s.type === 'object') {
    if (s['x-kubernetes-preserve-unknown-fields']) return ANY;
    if (s.additionalProperties) return { kind: 'map', values: nodeOf(s.additionalProperties) };
    return ANY;
  }
  if (isScalarSchema(s)) return SCALAR;
  return ANY;
}

/** The node of a top-level kind, or undefined when the kind is not in the model. */
export function kindNode(gvk: GVK): StructNode | undefined {
  const name = definitionFor(gvk);
  if (!name) return undefined;
  const n = definitionNode(name);
  return n.kind === 'struct' ? n : undefined;
}

/** The node of a definition by name (e.g. io.k8s.api.core.v1.PodSpec). */
export function definitionNodeByName(name: string): Node | undefined {
  if (!shapeRegistry().schemas.has(name)) return undefined;
  return definitionNode(name);
}
