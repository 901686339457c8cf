// The shapes a printer deals in: meta.k8s.io TableColumnDefinition, cells and row conditions,
// and the Printer itself (column definitions plus a function from one object to its cells).

import type { KubeObject } from '../../src/registry/object.ts';

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

export interface Printer {
  /** Precomputed and shared between tables: callers must not mutate them. */
  readonly columns: readonly ColumnDefinition[];
  /**
   * The cells of one object, one per column, wide columns included: the server always
   * prints wide and kubectl hides priority-1 columns unless asked for `-o wide`.
   * `now` is epoch milliseconds, fixed once per table so every AGE is measured alike.
   */
  row(obj: KubeObject, now: number): Cell[];
  /** Row conditions, when the kind has any for this object. */
  conditions?(obj: KubeObject): readonly RowCondition[] | undefined;
}
