// What server-side apply needs of a type's shape, read from the OpenAPI model (the same one
// strategic merge patch and field validation use): how each list merges (atomic, set, or
// map keyed by some fields), which structs and maps are atomic, and which objects are maps.

import { type Node, type FieldNode, kindNode } from '../../../api/openapi/model.ts';
import { typeMapType } from '../../../api/patchmeta.ts';

export type ListType = { type: 'atomic' } | { type: 'set' } | { type: 'map'; keys: string[] };

export interface GVK { group: string; version: string; kind: string }

const ATOMIC_LIST: ListType = { type: 'atomic' };
const SET_LIST: ListType = { type: 'set' };

/**
 * A position in a type: what the value found there is and how it merges. Shapes are
 * immutable and made once per schema position (every write walks them).
 */
export class Shape {
  private children?: Map<string, Shape>;
  private itemShape?: Shape;
  private listType?: ListType;
  private atomicFlag?: boolean;

  private constructor(private readonly node: Node | undefined, private readonly field: FieldNode | undefined) {}

  private static readonly none = new Shape(undefined, undefined);
  private static readonly byKind = new Map<string, Shape>();
  /** Shapes of schema positions: by field (a field carries list and map types) or by node alone. */
  private static readonly byField = new WeakMap<FieldNode, Shape>();
  private static readonly byNode = new WeakMap<Node, Shape>();

  static of(gvk: GVK): Shape {
    const key = `${gvk.group}/${gvk.version}/${gvk.kind}`;
    let s = Shape.byKind.get(key);
    if (!s) Shape.byKind.set(key, (s = new Shape(kindNode(gvk), undefined)));
    return s;
  }

  private static forNode(node: Node | undefined): Shape {
    if (!node) return Shape.none;
    let s = Shape.byNode.get(node);
    if (!s) Shape.byNode.set(node, (s = new Shape(node, undefined)));
    return s;
  }

  private static forField(f: FieldNode | undefined): Shape {
    if (!f) return Shape.none;
    let s = Shape.byField.get(f);
    if (!s) Shape.byField.set(f, (s = new Shape(f.node, f)));
    return s;
  }

  /** Replaced as a whole: atomic structs and maps, and opaque values. */
  get atomic(): boolean {
    return (this.atomicFlag ??= this.computeAtomic());
  }

  private computeAtomic(): boolean {
    if (this.field?.mapType === 'atomic') return true;
    const n = this.node;
    if (!n) return false;
    if (n.kind === 'any') return true;
    return n.kind === 'struct' && typeMapType[n.name] === 'atomic';
  }

  /** A string-keyed map rather than a struct (an Update that adds it owns it whole). */
  get isMap(): boolean {
    return this.node?.kind === 'map';
  }

  get list(): ListType {
    return (this.listType ??= this.computeList());
  }

  private computeList(): ListType {
    const f = this.field;
    if (f?.listType === 'map' && f.listMapKeys) return { type: 'map', keys: [...f.listMapKeys] };
    if (f?.listType === 'set') return SET_LIST;
    if (f?.listType === 'atomic') return ATOMIC_LIST;
    // Untagged lists follow their patch strategy, as structured-merge-diff does for built-ins.
    if (f?.mergeKey && f.strategies.includes('merge')) return { type: 'map', keys: [f.mergeKey] };
    if (f?.strategies.includes('merge')) return SET_LIST;
    return ATOMIC_LIST;
  }

  child(name: string): Shape {
    const n = this.node;
    if (n?.kind === 'struct') {
      let s = this.children?.get(name);
      if (!s) {
        s = Shape.forField(n.fields.get(name));
        // Only schema fields are remembered: names from data are unbounded.
        if (s !== Shape.none) (this.children ??= new Map()).set(name, s);
      }
      return s;
    }
    if (n?.kind === 'map') return Shape.forNode(n.values);
    return Shape.none;
  }

  item(): Shape {
    const n = this.node;
    return (this.itemShape ??= n?.kind === 'list' ? Shape.forNode(n.items) : Shape.none);
  }
}
