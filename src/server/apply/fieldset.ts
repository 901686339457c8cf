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

  /** Members of this and of other (other's "." marks win), as adding other's members one by one would give. */
  union(other: FieldSet): FieldSet {
    const s = this.clone();
    unionInto(s, other);
    return s;
  }

  /** Members of this that other does not have, with their "." marks. */
  minus(other: FieldSet): FieldSet {
    const s = new FieldSet();
    filterChildren(this, other, s, false);
    return s;
  }

  /** Members of this that other has too, with this set's "." marks. */
  intersect(other: FieldSet): FieldSet {
    const s = new FieldSet();
    filterChildren(this, other, s, true);
    return s;
  }

  /** Whether the member at path is a "." node (as opposed to a leaf). */
  isNode(path: Path): boolean {
    let n: FieldSet | undefined = this as FieldSet;
    for (const p of path) n = n?.children.get(p);
    return !!n && n.self;
  }
}

const isMember = (n: FieldSet): boolean => n.self || n.children.size === 0;

/**
 * The children of `a` (a node of the left operand) whose members are (keep = true) or are not
 * (keep = false) members of `b` (the node at the same path in the right operand), into `out`.
 * The result is what re-adding the kept members one by one would build: a kept member keeps
 * its "." mark, a node left without members disappears.
 */
function filterChildren(a: FieldSet, b: FieldSet | undefined, out: FieldSet, keep: boolean): void {
  for (const [k, ac] of a.children) {
    const bc = b?.children.get(k);
    const kept = isMember(ac) && (bc !== undefined && isMember(bc)) === keep;
    const r = new FieldSet();
    if (ac.children.size > 0) filterChildren(ac, bc, r, keep);
    if (kept) r.self = ac.self;
    else if (r.children.size === 0) continue;
    out.children.set(k, r);
  }
}

/**
 * Add the members under `b` into `r` (the node at the same path), as add() of each of b's
 * members in order would: a leaf of r that gains children becomes a "." member, and a node
 * that b has as a leaf member while r has children under it becomes one too.
 */
function unionInto(r: FieldSet, b: FieldSet): void {
  for (const [k, bc] of b.children) {
    let rc = r.children.get(k);
    const existed = rc !== undefined;
    if (!rc) r.children.set(k, (rc = new FieldSet()));
    if (bc.children.size > 0) {
      // Walking through an existing leaf on the way to b's deeper members keeps it a member.
      if (bc.self || (existed && rc.children.size === 0)) rc.self = true;
      unionInto(rc, bc);
    } else if (bc.self || rc.children.size > 0) {
      rc.self = true;
    }
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
