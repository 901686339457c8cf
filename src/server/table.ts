// Server-side printing: lists, single objects and watch events answered as meta.k8s.io
// Tables when kubectl asks for `application/json;as=Table;v=v1;g=meta.k8s.io`. The columns
// and cells come from api/printers; this module adds the Table envelope and each row's
// object (none, PartialObjectMetadata, or the whole object) per ?includeObject=.

import { printerFor, defaultPrinter, type Cell, type ColumnDefinition, type Printer, type RowCondition } from '../../api/printers/index.ts';
import { groupVersion, resources } from '../../api/resources.ts';
import type { KubeObject, ObjectMeta } from '../registry/object.ts';
import { badRequest } from './errors.ts';

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
  private readonly printer: Printer;
  private readonly now: number;
  private readonly type: { apiVersion: string; kind: string } | undefined;

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
