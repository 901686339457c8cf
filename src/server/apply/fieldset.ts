// Field sets as server-side apply tracks them (structured-merge-diff's fieldpath.Set), and
// their wire form, FieldsV1: {"f:spec":{"f:replicas":{}},"f:containers":{"k:{\"name\":\"c\"}":{".":{}}}}.
//
// Path elements: "f:<field>" for struct and map fields, "k:<json of key fields>" for items of
// associative lists, "v:<json value>" for items of set lists, "i:<index>" for other list items.
// Members are the leaves and the nodes marked "." (an item, or a map that was added whole).
//
// Every write builds a few of these, most of whose nodes are leaves: a node keeps its children
// in two arrays (in insertion order, as a Map would), made on its first child, with a Map index
// only once it has many.

import { isObject } from '../../registry/object.ts';

export type Path = readonly string[];

/** Children past which a node indexes them by name instead of scanning. */
const INDEX_FROM = 8;

export class FieldSet {
  /** "." : the node itself is a member. */
  self = false;
  private names: string[] | undefined;
  private nodes: FieldSet[] | undefined;
  private index: Map<string, number> | undefined;

  static fromFieldsV1(v: unknown): FieldSet {
    const s = new FieldSet();
    if (!isObject(v)) return s;
    for (const k in v) {
      if (k === '.') s.self = true;
      else s.put(k, FieldSet.fromFieldsV1(v[k]));
    }
    return s;
  }

  toFieldsV1(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    if (this.self) out['.'] = {};
    const names = this.names;
    if (!names) return out;
    const order = sortedStrings(names.slice());
    for (const k of order) out[k] = this.get(k)!.toFieldsV1();
    return out;
  }

  /** How many children the node has. */
  get size(): number {
    return this.names === undefined ? 0 : this.names.length;
  }

  /** The i-th child's path element and node, in insertion order. */
  nameAt(i: number): string {
    return this.names![i];
  }

  nodeAt(i: number): FieldSet {
    return this.nodes![i];
  }

  /** The child node for a path element, if any. */
  get(el: string): FieldSet | undefined {
    const names = this.names;
    if (names === undefined) return undefined;
    if (this.index !== undefined) {
      const i = this.index.get(el);
      return i === undefined ? undefined : this.nodes![i];
    }
    for (let i = 0; i < names.length; i++) if (names[i] === el) return this.nodes![i];
    return undefined;
  }

  /** Append a child known to be absent. */
  private put(el: string, node: FieldSet): void {
    if (this.names === undefined) {
      this.names = [el];
      this.nodes = [node];
      return;
    }
    const i = this.names.length;
    this.names.push(el);
    this.nodes!.push(node);
    if (this.index !== undefined) this.index.set(el, i);
    else if (i + 1 > INDEX_FROM) this.reindex();
  }

  private reindex(): void {
    const names = this.names!;
    if (names.length <= INDEX_FROM) {
      this.index = undefined;
      return;
    }
    const index = new Map<string, number>();
    for (let i = 0; i < names.length; i++) index.set(names[i], i);
    this.index = index;
  }

  private drop(el: string): void {
    const names = this.names;
    if (names === undefined) return;
    const i = names.indexOf(el);
    if (i < 0) return;
    names.splice(i, 1);
    this.nodes!.splice(i, 1);
    if (names.length === 0) {
      this.names = this.nodes = this.index = undefined;
      return;
    }
    if (this.index !== undefined) this.reindex();
  }

  /** The child node for a path element, created when missing. */
  child(el: string): FieldSet {
    let c = this.get(el);
    if (!c) this.put(el, (c = new FieldSet()));
    return c;
  }

  empty(): boolean {
    return !this.self && this.size === 0;
  }

  /** Every member path, in a stable order. */
  members(prefix: string[] = [], out: string[][] = []): string[][] {
    const n = this.size;
    if (prefix.length > 0 && (this.self || n === 0)) out.push(prefix);
    for (let i = 0; i < n; i++) this.nodes![i].members([...prefix, this.names![i]], out);
    return out;
  }

  has(path: Path): boolean {
    let n: FieldSet | undefined = this as FieldSet;
    for (const p of path) {
      n = n.get(p);
      if (!n) return false;
    }
    return n.self || n.size === 0;
  }

  /** Add a member; `asNode` marks it with "." (an item or whole map) rather than as a leaf. */
  add(path: Path, asNode = false): void {
    let n = this as FieldSet;
    for (let i = 0; i < path.length; i++) {
      let c = n.get(path[i]);
      if (!c) {
        n.put(path[i], (c = new FieldSet()));
      } else if (i < path.length - 1 && c.size === 0 && !c.self) {
        // An existing leaf member gains children: keep it a member.
        c.self = true;
      }
      n = c;
    }
    if (asNode || n.size > 0) n.self = true;
  }

  /** Remove a member path and prune containers left with nothing in them. */
  remove(path: Path): void {
    const trail: FieldSet[] = [this];
    let n: FieldSet | undefined = this as FieldSet;
    for (const p of path) {
      n = n.get(p);
      if (!n) return;
      trail.push(n);
    }
    if (n.size > 0) {
      n.self = false;
      return;
    }
    for (let i = path.length - 1; i >= 0; i--) {
      const parent = trail[i];
      parent.drop(path[i]);
      // Stop at a parent that still holds something or is a member itself.
      if (i === 0 || parent.size > 0 || parent.self) break;
    }
  }

  clone(): FieldSet {
    const s = new FieldSet();
    s.self = this.self;
    const n = this.size;
    for (let i = 0; i < n; i++) s.put(this.names![i], this.nodes![i].clone());
    return s;
  }

  /** Members of this and of other (other's "." marks win), as adding other's members one by one would give. */
  union(other: FieldSet): FieldSet {
    const s = this.clone();
    FieldSet.unite(s, other);
    return s;
  }

  /** Members of this that other does not have, with their "." marks. */
  minus(other: FieldSet): FieldSet {
    const s = new FieldSet();
    FieldSet.filter(this, other, s, false);
    return s;
  }

  /** Members of this that other has too, with this set's "." marks. */
  intersect(other: FieldSet): FieldSet {
    const s = new FieldSet();
    FieldSet.filter(this, other, s, true);
    return s;
  }

  /** Whether the member at path is a "." node (as opposed to a leaf). */
  isNode(path: Path): boolean {
    let n: FieldSet | undefined = this as FieldSet;
    for (const p of path) n = n?.get(p);
    return !!n && n.self;
  }

  /**
   * The children of `a` (a node of the left operand) whose members are (keep = true) or are
   * not (keep = false) members of `b` (the node at the same path in the right operand), into
   * `out`. The result is what re-adding the kept members one by one would build: a kept
   * member keeps its "." mark, a node left without members disappears.
   */
  private static filter(a: FieldSet, b: FieldSet | undefined, out: FieldSet, keep: boolean): void {
    const n = a.size;
    for (let i = 0; i < n; i++) {
      const k = a.names![i], ac = a.nodes![i];
      const bc = b?.get(k);
      const kept = isMember(ac) && (bc !== undefined && isMember(bc)) === keep;
      const r = new FieldSet();
      if (ac.size > 0) FieldSet.filter(ac, bc, r, keep);
      if (kept) r.self = ac.self;
      else if (r.size === 0) continue;
      out.put(k, r);
    }
  }

  /**
   * Add the members under `b` into `r` (the node at the same path), as add() of each of b's
   * members in order would: a leaf of r that gains children becomes a "." member, and a node
   * that b has as a leaf member while r has children under it becomes one too.
   */
  private static unite(r: FieldSet, b: FieldSet): void {
    const n = b.size;
    for (let i = 0; i < n; i++) {
      const k = b.names![i], bc = b.nodes![i];
      let rc = r.get(k);
      const existed = rc !== undefined;
      if (!rc) r.put(k, (rc = new FieldSet()));
      if (bc.size > 0) {
        // Walking through an existing leaf on the way to b's deeper members keeps it a member.
        if (bc.self || (existed && rc.size === 0)) rc.self = true;
        FieldSet.unite(rc, bc);
      } else if (bc.self || rc.size > 0) {
        rc.self = true;
      }
    }
  }
}

const isMember = (n: FieldSet): boolean => n.self || n.size === 0;

/** Few strings are sorted at a time: below this many, an insertion sort (no work array) does it. */
const INSERTION_SORT_MAX = 24;

/** Sorts strings in place by UTF-16 code units, as Array.prototype.sort() does, and returns them. */
export function sortedStrings(a: string[]): string[] {
  if (a.length > INSERTION_SORT_MAX) return a.sort();
  for (let i = 1; i < a.length; i++) {
    const x = a[i];
    let j = i - 1;
    while (j >= 0 && a[j] > x) {
      a[j + 1] = a[j];
      j--;
    }
    a[j + 1] = x;
  }
  return a;
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
