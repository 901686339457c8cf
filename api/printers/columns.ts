// Column definitions shared by many kinds. Built once at module load and frozen, so a table
// of ten thousand rows reuses the very same definition objects.

import type { ColumnDefinition } from './types.ts';

export function column(name: string, type: string, description: string, priority = 0, format = ''): ColumnDefinition {
  return Object.freeze({ name, type, format, description, priority });
}

export const columns = (...defs: ColumnDefinition[]): readonly ColumnDefinition[] => Object.freeze(defs);

const NAME_DOC = 'Name of the object, unique within its namespace (or the cluster, for cluster-scoped kinds).';
const AGE_DOC = 'How long ago the server created the object (from metadata.creationTimestamp).';

export const NAME = column('Name', 'string', NAME_DOC, 0, 'name');
export const AGE = column('Age', 'string', AGE_DOC);

/** Wide-only columns of the kinds that embed a pod template. */
export const CONTAINERS = column('Containers', 'string', 'Names of each container in the template.', 1);
export const IMAGES = column('Images', 'string', 'Images referenced by each container in the template.', 1);
export const selectorColumn = (what: string) => column('Selector', 'string', `Label query over the pods ${what} manages.`, 1);

/** The two columns upstream's default convertor gives any kind without a printer. */
export const DEFAULT_COLUMNS = columns(NAME, column('Created At', 'date', 'When the server created the object (metadata.creationTimestamp).'));
