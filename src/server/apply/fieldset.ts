// Field sets as server-side apply tracks them (structured-merge-diff's fieldpath.Set), and
// their wire form, FieldsV1: {"f:spec":{"f:replicas":{}},"f:containers":{"k:{\"name\":\"c\"}":{".":{}}}}.
//
// Path elements: "f:<field>" for struct and map fields, "k:<json of key fields>" for items of
// associative lists, "v:<json value>" for items of set lists, "i:<index>" for other list items.
// Members are the leaves and the nodes marked "." (an item, or a map that was added whole).

import { isObject } from '../../registry/object.ts';

export type Path = readonly string[];

export class FieldSet {
  /** "." : the node itself is a member. */
  self = false;
  readonly children = new Map<string, FieldSet>();

  static fromFieldsV1(v: unknown): FieldSet {
    const s = new FieldSet();
    if (!isObject(v)) return s;
    for (const [k, child] of Object.entries(v)) {
      if (k === '.') s.self = true;
      else s.children.set(k, FieldSet.fromFieldsV1(child));
    }
    return s;
  }

  toFieldsV1(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    if (this.self) out['.'] = {};
    for (const k of [...this.children.keys()].sort()) out[k] = this.children.get(k)!.toFieldsV1();
    return out;
  }

  /** The child node for a path element, created when missing. */
  child(el: string): FieldSet {
    let c = this.children.get(el);
    if (!c) this.children.set(el, (c = new FieldSet()));
    return c;
  }

  empty(): boolean {
    return !this.self && this.children.size === 0;
  }

  /** Every member path, in a stable order. */
  members(prefix: string[] = [], out: string[][] = []): string[][] {
    if (prefix.length > 0 && (this.self || this.children.size === 0)) out.push(prefix);
    for (const [k, c] of this.children) c.members([...prefix, k], out);
    return out;
  }

  has(path: Path): boolean {
    let n: FieldSet | undefined = this as FieldSet;
    for (const p of path) {
      n = n.children.get(p);
      if (!n) return false;
    }
    return n.self || n.children.size === 0;
  }

  /** Add a member; `asNode` marks it with "." (an item or whole map) rather than as a leaf. */
  add(path: Path, asNode = false): void {
    let n = this as FieldSet;
    for (let i = 0; i < path.length; i++) {
      let c = n.children.get(path[i]);
      if (!c) {
        n.children.set(path[i], (c = new FieldSet()));
      } else if (i < path.length - 1 && c.children.size === 0 && !c.self) {
        // An existing leaf member gains children: keep it a member.
        c.self = true;
      }
      n = c;
    }
    if (asNode || n.children.size > 0) n.self = true;
  }

  /** Remove a member path and prune containers left with nothing in them. */
  remove(path: Path): void {
    const trail: FieldSet[] = [this];
    let n: FieldSet | undefined = this as FieldSet;
    for (const p of path) {
      n = n.children.get(p);
      if (!n) return;
      trail.push(n);
    }
    if (n.children.size > 0) {
      n.self = false;
      return;
    }
    for (let i = path.length - 1; i >= 0; i--) {
      const parent = trail[i];
      parent.children.delete(path[i]);
      // Stop at a parent that still holds something or is a member itself.
      if (i === 0 || parent.children.size > 0 || parent.self) break;
    }
  }

  clone(): FieldSet {
    const s = new FieldSet();
    s.self = this.self;
    for (const [k, c] of this.children) s.children.set(k, c.clone());
    return s;
  }

  union(other: FieldSet): FieldSet {
    const s = this.clone();
    for (const p of other.members()) s.add(p, other.isNode(p));
    return s;
  }

  minus(other: FieldSet): FieldSet {
    const s = new FieldSet();
    for (const p of this.members()) if (!other.has(p)) s.add(p, this.isNode(p));
    return s;
  }

  intersect(other: FieldSet): FieldSet {
    const s = new FieldSet();
    for (const p of this.members()) if (other.has(p)) s.add(p, this.isNode(p));
    return s;
  }

  /** Whether the member at path is a "." node (as opposed to a leaf). */
  isNode(path: Path): boolean {
    let n: FieldSet | undefined = this as FieldSet;
    for (const p of path) n = n?.children.get(p);
    return !!n && n.self;
  }
}

/** A path as upstream prints it in conflict messages: .spec.containers[name="c"].image */
export function pathString(path: Path): string {
  let s = '';
  for (const el of path) {
    const v = el.slice(2);
    if (el.startsWith('f:')) s += `.${v}`;
    else if (el.startsWith('k:')) {
      const keys = JSON.parse(v) as Record<string, unknown>;
      s += `[${Object.entries(keys).map(([k, x]) => `${k}=${JSON.stringify(x)}`).join(',')}]`;
    } else if (el.startsWith('v:')) s += `[=${v}]`;
    else if (el.startsWith('i:')) s += `[${v}]`;
  }
  return s;
}
