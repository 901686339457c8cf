// The table upstream's default convertor gives a kind with no printer: NAME and CREATED AT,
// the latter an RFC 3339 UTC timestamp (Go's zero time when unset), not an age.

import { DEFAULT_COLUMNS } from './columns.ts';
import { timeMs } from './format.ts';
import { type CellTemplate, printer } from './types.ts';

const GO_ZERO_TIME = '0001-01-01T00:00:00Z';

/** time.RFC3339 in UTC: whole seconds, "Z". */
function rfc3339(ts: unknown): string {
  const ms = timeMs(ts);
  if (ms === undefined) return GO_ZERO_TIME;
  const iso = new Date(Math.floor(ms / 1000) * 1000).toISOString();
  return `${iso.slice(0, 19)}Z`;
}

export const defaultPrinter = printer({
  columns: DEFAULT_COLUMNS,
  cells(obj): CellTemplate[] {
    return [obj.metadata.name ?? '', rfc3339(obj.metadata.creationTimestamp)];
  },
});
