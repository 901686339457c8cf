// The shapes a printer deals in: meta.k8s.io TableColumnDefinition, cells and row conditions,
// and the Printer itself (column definitions plus a function from one object to its cells,
// with the cells that depend on the time of printing left open).

import type { KubeObject } from '../../src/registry/object.ts';
import { Ago, humanDuration } from './format.ts';

/** One column as metav1.TableColumnDefinition serialises it: every field is always present. */
export interface ColumnDefinition {
  readonly name: string;
  /** OpenAPI type: string, integer, number, boolean, date. */
  readonly type: string;
  /** OpenAPI format; "name" marks the column holding the object's name. */
  readonly format: string;
  readonly description: string;
  /** 0 = always shown; 1 = only with `kubectl get -o wide`. */
  readonly priority: number;
}

/** Cells are JSON scalars; integer columns carry numbers, as upstream's int64 cells. */
export type Cell = string | number | boolean;

/** metav1.TableRowCondition (upstream only sets it on finished pods). */
export interface RowCondition {
  readonly type: string;
  readonly status: string;
  readonly reason: string;
  readonly message: string;
}

/** A cell as a printer produces it: final, or an Ago to be finished when the table is printed. */
export type CellTemplate = Cell | Ago;

export interface Printer {
  /** Precomputed and shared between tables: callers must not mutate them. */
  readonly columns: readonly ColumnDefinition[];
  /**
   * The cells of one object, one per column, wide columns included: the server always
   * prints wide and kubectl hides priority-1 columns unless asked for `-o wide`. Cells that
   * depend on the time of printing are Agos, so the same object always gives the same cells
   * and a row can be kept with the stored object and finished per table.
   */
  cells(obj: KubeObject): CellTemplate[];
  /** The cells as of `now`, epoch milliseconds, fixed once per table so every AGE is measured alike. */
  row(obj: KubeObject, now: number): Cell[];
  /** Row conditions, when the kind has any for this object. */
  conditions?(obj: KubeObject): readonly RowCondition[] | undefined;
}

/** The cells of a template as of `now`. */
export function finishCells(cells: readonly CellTemplate[], now: number): Cell[] {
  const out = new Array<Cell>(cells.length);
  for (let i = 0; i < cells.length; i++) {
    const c = cells[i];
    out[i] = c instanceof Ago ? `${c.before}${humanDuration(now - c.at)}${c.after}` : c;
  }
  return out;
}

/** A printer from its columns and cells (and conditions); row() finishes the cells. */
export function printer(p: Pick<Printer, 'columns' | 'cells' | 'conditions'>): Printer {
  const cells = p.cells;
  return { ...p, row: (obj, now) => finishCells(cells(obj), now) };
}
