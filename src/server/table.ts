// Server-side printing: lists, single objects and watch events answered as meta.k8s.io
// Tables when kubectl asks for `application/json;as=Table;v=v1;g=meta.k8s.io`. The columns
// and cells come from api/printers; this module adds the Table envelope and each row's
// object (none, PartialObjectMetadata, or the whole object) per ?includeObject=.

import { Ago, printerFor, defaultPrinter, humanDuration, type Cell, type ColumnDefinition, type Printer, type RowCondition } from '../../api/printers/index.ts';
import { groupVersion, resources } from '../../api/resources.ts';
import type { KubeObject, ObjectMeta } from '../registry/object.ts';
import type { DeriveFn, Entry } from '../watch/cacher.ts';
import { badRequest } from './errors.ts';
import type { BodyPart } from './respond.ts';

export type IncludeObject = 'None' | 'Metadata' | 'Object';
export type TableVersion = 'meta.k8s.io/v1' | 'meta.k8s.io/v1beta1';

export interface TableOptions {
  includeObject: IncludeObject;
  apiVersion: TableVersion;
  /** Epoch milliseconds that AGE cells are measured from; Date.now() when absent. */
  now?: number;
}

export interface ListMetaIn { resourceVersion?: string; continue?: string; remainingItemCount?: number }

interface PartialObjectMetadata { kind: 'PartialObjectMetadata'; apiVersion: TableVersion; metadata: ObjectMeta }

export interface TableRow {
  cells: Cell[];
  conditions?: readonly RowCondition[];
  object?: KubeObject | PartialObjectMetadata;
}

export interface Table {
  kind: 'Table';
  apiVersion: TableVersion;
  metadata: ListMetaIn;
  /** null on watch events after the first, as upstream serialises the omitted headers. */
  columnDefinitions: readonly ColumnDefinition[] | null;
  rows: TableRow[];
}

/** apiVersion and kind per resource, for rows that embed objects stored without their type. */
const typeMeta = new Map<string, { apiVersion: string; kind: string }>();
for (const r of resources) typeMeta.set(`${r.group}/${r.plural}`, { apiVersion: groupVersion(r), kind: r.kind });

/** Builds rows for one table request: the per-request choices are resolved once, not per row. */
class RowBuilder {
  readonly printer: Printer;
  readonly now: number;
  readonly type: { apiVersion: string; kind: string } | undefined;

  constructor(group: string, resource: string, private readonly opts: TableOptions) {
    this.printer = printerFor(group, resource) ?? defaultPrinter;
    this.now = opts.now ?? Date.now();
    this.type = typeMeta.get(`${group}/${resource}`);
  }

  get columns(): readonly ColumnDefinition[] {
    return this.printer.columns;
  }

  row(obj: KubeObject): TableRow {
    const row: TableRow = { cells: this.printer.row(obj, this.now) };
    const conditions = this.printer.conditions?.(obj);
    if (conditions) row.conditions = conditions;
    switch (this.opts.includeObject) {
      case 'Metadata':
        // Shared, not copied: the row is serialised straight away and never mutated.
        row.object = { kind: 'PartialObjectMetadata', apiVersion: this.opts.apiVersion, metadata: obj.metadata };
        break;
      case 'Object':
        row.object = obj.apiVersion && obj.kind ? obj : { ...this.type, ...obj };
        break;
      case 'None':
        break;
    }
    return row;
  }
}

function listMeta(meta: ListMetaIn): ListMetaIn {
  // Go's ListMeta omits empty fields.
  const out: ListMetaIn = {};
  if (meta.resourceVersion) out.resourceVersion = meta.resourceVersion;
  if (meta.continue) out.continue = meta.continue;
  if (meta.remainingItemCount !== undefined && meta.remainingItemCount !== null) out.remainingItemCount = meta.remainingItemCount;
  return out;
}

/**
 * A meta.k8s.io Table for a list, or for a single get (pass one object and
 * `{ resourceVersion: obj.metadata.resourceVersion }`). Kinds without a printer get
 * upstream's default columns (Name, Created At). For events.k8s.io pass the served form.
 */
export function toTable(
  group: string, resource: string, objects: KubeObject[],
  meta: ListMetaIn, opts: TableOptions,
): Table {
  const builder = new RowBuilder(group, resource, opts);
  const rows = new Array<TableRow>(objects.length);
  for (let i = 0; i < objects.length; i++) rows[i] = builder.row(objects[i]);
  return { kind: 'Table', apiVersion: opts.apiVersion, metadata: listMeta(meta), columnDefinitions: builder.columns, rows };
}

/**
 * The Table for one watch event's object: one row, the object's resourceVersion, and the
 * column definitions only when `withColumns` (upstream sends them with the first event only).
 */
export function watchTable(group: string, resource: string, object: KubeObject, withColumns: boolean, opts: TableOptions): Table {
  const builder = new RowBuilder(group, resource, opts);
  return {
    kind: 'Table',
    apiVersion: opts.apiVersion,
    metadata: listMeta({ resourceVersion: object.metadata.resourceVersion }),
    columnDefinitions: withColumns ? builder.columns : null,
    rows: [builder.row(object)],
  };
}

// ---- Table lists from the watch cache ----
//
// A list of ten thousand pods as a Table used to parse every object, print it, and serialise
// the whole Table (each row with its object's metadata) as one string. Instead each cached
// entry keeps a RowTemplate, made when the object was written (while it was decoded anyway):
// its row's JSON with the Ago cells left open. A Table list then finishes the Agos, and takes
// each row's metadata as bytes straight from the entry's stored JSON.

/**
 * The Table row of one stored object version, as kept with its watch cache entry: the row's
 * JSON up to its object (cells, conditions) cut where the Ago cells go.
 */
export class RowTemplate {
  /** Byte range of the stored JSON's top-level metadata: undefined until looked for, null when it is not there as expected. */
  private meta?: Buffer | null;

  constructor(
    readonly printer: Printer,
    /** `{"cells":[` ... `]` (and `,"conditions":[...]`), split where agos go: one more part than agos. */
    readonly parts: readonly string[],
    readonly agos: readonly Ago[],
    /** 'typed' when the object has apiVersion and kind, 'bare' when it has neither, 'other' otherwise. */
    readonly typeMeta: 'typed' | 'bare' | 'other',
  ) {}

  /** The metadata's bytes within the entry's stored JSON (which JSON.stringify made, so they are its JSON.stringify). */
  metadata(e: Entry): Buffer | null {
    if (this.meta === undefined) {
      const buf = e.buffer;
      const span = topLevelValue(buf, METADATA_KEY);
      this.meta = span && buf[span[0]] === 0x7b ? buf.subarray(span[0], span[1]) : null;
    }
    return this.meta;
  }
}

/** JSON of one cell as JSON.stringify writes it inside an array. */
function cellJson(c: unknown): string {
  return JSON.stringify(c) ?? 'null';
}

function makeTemplate(printer: Printer, obj: KubeObject): RowTemplate {
  const cells = printer.cells(obj);
  const parts: string[] = [];
  const agos: Ago[] = [];
  // Each part is joined from its pieces rather than grown with +=: a template lives as long as
  // its object version, and a string grown piece by piece stays a chain of every piece
  // (ten times the memory of the text, and that many more things for the collector to walk).
  let cur: string[] = ['{"cells":['];
  for (let i = 0; i < cells.length; i++) {
    if (i > 0) cur.push(',');
    const c = cells[i];
    if (c instanceof Ago) {
      // humanDuration's text needs no escaping: the Ago's text is its parts' escapes joined.
      cur.push('"', JSON.stringify(c.before).slice(1, -1));
      parts.push(cur.join(''));
      agos.push(c);
      cur = [JSON.stringify(c.after).slice(1, -1), '"'];
    } else {
      cur.push(cellJson(c));
    }
  }
  cur.push(']');
  const conditions = printer.conditions?.(obj);
  if (conditions) cur.push(',"conditions":', JSON.stringify(conditions));
  parts.push(cur.join(''));
  const typeMeta = obj.apiVersion && obj.kind ? 'typed' : obj.apiVersion === undefined && obj.kind === undefined ? 'bare' : 'other';
  return new RowTemplate(printer, parts, agos, typeMeta);
}

/**
 * What the watch cache keeps per object of a stored resource for Tables: a RowTemplate from the
 * resource's printer. (Resources served in another form than stored print from the served
 * object and leave these unused.)
 */
export function rowTemplates(group: string, resource: string): DeriveFn {
  const printer = printerFor(group, resource) ?? defaultPrinter;
  return (obj) => makeTemplate(printer, obj);
}

const METADATA_KEY = Buffer.from('"metadata"');
const COMMA = Buffer.from(',');
const OBJECT_END = Buffer.from('}}');
const ROW_END = Buffer.from('}');
const TABLE_END = Buffer.from(']}');

/**
 * The bytes of a Table for a list's entries, as JSON.stringify(toTable(...)) would give them,
 * for sendParts. Rows come from the entries' RowTemplates where they have one made with this
 * resource's printer; otherwise, and for every row when `served` converts stored objects to
 * another served form, from the printed object.
 */
export function tableListParts(
  group: string, resource: string, items: readonly Entry[], meta: ListMetaIn, opts: TableOptions,
  served?: (e: Entry) => KubeObject,
): BodyPart[] {
  const builder = new RowBuilder(group, resource, opts);
  const head = JSON.stringify({ kind: 'Table', apiVersion: opts.apiVersion, metadata: listMeta(meta), columnDefinitions: builder.columns });
  const parts: BodyPart[] = [head.slice(0, -1) + ',"rows":['];
  const now = builder.now;
  const objectHead = `,"object":{"kind":"PartialObjectMetadata","apiVersion":"${opts.apiVersion}","metadata":`;
  const type = builder.type;
  const typePrefix = type ? `,"object":{"apiVersion":${JSON.stringify(type.apiVersion)},"kind":${JSON.stringify(type.kind)}` : undefined;
  for (let i = 0; i < items.length; i++) {
    if (i > 0) parts.push(COMMA);
    const e = items[i];
    const t = served ? undefined : e.derived;
    if (!(t instanceof RowTemplate) || t.printer !== builder.printer || !pushRow(parts, t, e, now, opts.includeObject, objectHead, typePrefix)) {
      parts.push(JSON.stringify(builder.row(served ? served(e) : e.decode())));
    }
  }
  parts.push(TABLE_END);
  return parts;
}

/** Pushes a row from its template; false (having pushed nothing) when the template cannot make it. */
function pushRow(parts: BodyPart[], t: RowTemplate, e: Entry, now: number, include: IncludeObject, objectHead: string, typePrefix: string | undefined): boolean {
  let object: Buffer | null = null;
  if (include === 'Metadata') {
    object = t.metadata(e);
    if (!object) return false;
  } else if (include === 'Object') {
    if (t.typeMeta === 'other' || (t.typeMeta === 'bare' && typePrefix && e.buffer.length <= 2)) return false;
    object = e.buffer;
  }
  let row = t.parts[0];
  for (let j = 0; j < t.agos.length; j++) row += humanDuration(now - t.agos[j].at) + t.parts[j + 1];
  if (include === 'Metadata') {
    parts.push(row + objectHead, object!, OBJECT_END);
  } else if (include === 'Object') {
    if (t.typeMeta === 'bare' && typePrefix) parts.push(row + typePrefix + ',', object!.subarray(1), ROW_END);
    else parts.push(row + ',"object":', object!, ROW_END);
  } else {
    parts.push(row + '}');
  }
  return true;
}

/**
 * [start, end) of the value of a top-level key (given with its quotes) in the bytes of a JSON
 * object as JSON.stringify writes it (no whitespace); undefined when absent or not so written.
 */
export function topLevelValue(buf: Buffer, quotedKey: Buffer): [number, number] | undefined {
  const n = buf.length;
  if (buf[0] !== 0x7b) return undefined;
  let i = 1;
  while (i < n && buf[i] === 0x22) {
    const keyEnd = skipString(buf, i);
    if (keyEnd < 0 || buf[keyEnd] !== 0x3a) return undefined;
    const isKey = keyEnd - i === quotedKey.length && buf.compare(quotedKey, 0, quotedKey.length, i, keyEnd) === 0;
    const valueEnd = skipValue(buf, keyEnd + 1);
    if (valueEnd < 0) return undefined;
    if (isKey) return [keyEnd + 1, valueEnd];
    if (buf[valueEnd] !== 0x2c) return undefined;
    i = valueEnd + 1;
  }
  return undefined;
}

/** The index after the string that starts at i (a quote), or -1. */
function skipString(buf: Buffer, i: number): number {
  const n = buf.length;
  for (let j = i + 1; j < n; j++) {
    const c = buf[j];
    if (c === 0x22) return j + 1;
    if (c === 0x5c) j++;
  }
  return -1;
}

/** The index after the JSON value that starts at i, or -1. */
function skipValue(buf: Buffer, i: number): number {
  const n = buf.length;
  const first = buf[i];
  if (first === 0x22) return skipString(buf, i);
  if (first === 0x7b || first === 0x5b) {
    let depth = 0;
    for (let j = i; j < n; j++) {
      const c = buf[j];
      if (c === 0x22) {
        j = skipString(buf, j) - 1;
        if (j < 0) return -1;
      } else if (c === 0x7b || c === 0x5b) {
        depth++;
      } else if (c === 0x7d || c === 0x5d) {
        if (--depth === 0) return j + 1;
      }
    }
    return -1;
  }
  for (let j = i; j < n; j++) {
    const c = buf[j];
    if (c === 0x2c || c === 0x7d || c === 0x5d) return j === i ? -1 : j;
  }
  return -1;
}

/** The Table version the Accept header asks for: the first as=Table entry naming one we serve. */
function tableVersion(accept: string | undefined): TableVersion {
  if (!accept) return 'meta.k8s.io/v1';
  for (const entry of accept.split(',')) {
    const params = entry.split(';');
    let as = '';
    let g = '';
    let v = '';
    for (let i = 1; i < params.length; i++) {
      const p = params[i];
      const eq = p.indexOf('=');
      if (eq < 0) continue;
      const key = p.slice(0, eq).trim().toLowerCase();
      const value = p.slice(eq + 1).trim();
      if (key === 'as') as = value;
      else if (key === 'g') g = value;
      else if (key === 'v') v = value;
    }
    if (as !== 'Table' || g !== 'meta.k8s.io') continue;
    if (v === 'v1') return 'meta.k8s.io/v1';
    if (v === 'v1beta1') return 'meta.k8s.io/v1beta1';
  }
  return 'meta.k8s.io/v1';
}

/**
 * Table options of a request: ?includeObject= (default Metadata, as upstream for Tables; any
 * other value is a 400 as upstream) and the Table version from the Accept header.
 */
export function tableOptionsFrom(accept: string | undefined, query: URLSearchParams): TableOptions {
  const raw = query.get('includeObject');
  let includeObject: IncludeObject;
  switch (raw) {
    case null:
    case '':
    case 'Metadata':
      includeObject = 'Metadata';
      break;
    case 'None':
    case 'Object':
      includeObject = raw;
      break;
    default:
      throw badRequest(`unrecognized includeObject value: ${JSON.stringify(raw)}`);
  }
  return { includeObject, apiVersion: tableVersion(accept) };
}
