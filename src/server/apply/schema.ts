// What server-side apply needs of a type's shape, read from the OpenAPI model (the same one
// strategic merge patch and field validation use): how each list merges (atomic, set, or
// map keyed by some fields), which structs and maps are atomic, and which objects are maps.

import { type Node, type FieldNode, kindNode } from '../../../api/openapi/model.ts';
import { typeMapType } from '../../../api/patchmeta.ts';

export type ListType = { type: 'atomic' } | { type: 'set' } | { type: 'map'; keys: string[] };

export interface GVK { group: string; version: string; kind: string }

/** A position in a type: what the value found there is and how it merges. */
export class Shape {
  private constructor(private readonly node: Node | undefined, private readonly field: FieldNode | undefined) {}

  static of(gvk: GVK): Shape {
    return new Shape(kindNode(gvk), undefined);
  }

  /** Replaced as a whole: atomic structs and maps, and opaque values. */
  get atomic(): boolean {
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
    const f = this.field;
    if (f?.listType === 'map' && f.listMapKeys) return { type: 'map', keys: [...f.listMapKeys] };
    if (f?.listType === 'set') return { type: 'set' };
    if (f?.listType === 'atomic') return { type: 'atomic' };
    // Untagged lists follow their patch strategy, as structured-merge-diff does for built-ins.
    if (f?.mergeKey && f.strategies.includes('merge')) return { type: 'map', keys: [f.mergeKey] };
    if (f?.strategies.includes('merge')) return { type: 'set' };
    return { type: 'atomic' };
  }

  child(name: string): Shape {
    const n = this.node;
    if (n?.kind === 'struct') {
      const f = n.fields.get(name);
      return new Shape(f?.node, f);
    }
    if (n?.kind === 'map') return new Shape(n.values, undefined);
    return new Shape(undefined, undefined);
  }

  item(): Shape {
    const n = this.node;
    return new Shape(n?.kind === 'list' ? n.items : undefined, undefined);
  }
}
