// Events, for core/v1 and events.k8s.io/v1 alike: upstream stores both in one place and
// prints them with one printer, so an events.k8s.io Event (regarding/note/deprecated*) is
// read through its core names. Columns: LAST SEEN TYPE REASON OBJECT MESSAGE, and wide
// SUBOBJECT SOURCE FIRST SEEN COUNT NAME.

import type { KubeObject } from '../../src/registry/object.ts';
import { NAME, column, columns } from './columns.ts';
import { Ago, age, text, timeMs } from './format.ts';
import { type CellTemplate, printer } from './types.ts';

interface Reference { kind?: string; name?: string; fieldPath?: string }
interface Source { component?: string; host?: string }
interface Series { count?: number; lastObservedTime?: string }

/** The fields the printer reads, whichever API version the object is in. */
interface EventFields {
  first: unknown;
  last: unknown;
  count: unknown;
  regarding: Reference | undefined;
  message: unknown;
  source: Source | undefined;
  controller: unknown;
}

function fields(ev: KubeObject): EventFields {
  const v1 = typeof ev.apiVersion === 'string' ? ev.apiVersion.startsWith('events.k8s.io/') : ('regarding' in ev || 'note' in ev);
  return v1
    ? { first: ev.deprecatedFirstTimestamp, last: ev.deprecatedLastTimestamp, count: ev.deprecatedCount, regarding: ev.regarding as Reference | undefined, message: ev.note, source: ev.deprecatedSource as Source | undefined, controller: ev.reportingController }
    : { first: ev.firstTimestamp, last: ev.lastTimestamp, count: ev.count, regarding: ev.involvedObject as Reference | undefined, message: ev.message, source: ev.source as Source | undefined, controller: ev.reportingComponent };
}

/** SOURCE: "component, host", each falling back to the reporting controller / instance. */
function formatSource(source: Source | undefined, controller: string, instance: string): string {
  const component = source?.component || controller;
  const host = source?.host || instance;
  return host ? `${component}, ${host}` : component;
}

function eventCells(ev: KubeObject): CellTemplate[] {
  const f = fields(ev);
  // New-style events carry only eventTime; old-style only first/lastTimestamp.
  const firstMs = timeMs(f.first);
  const first = firstMs !== undefined ? new Ago(firstMs) : age(ev.eventTime);
  const lastMs = timeMs(f.last);
  let last = lastMs !== undefined ? new Ago(lastMs) : first;
  let count = typeof f.count === 'number' ? f.count : 0;
  const series = ev.series as Series | null | undefined;
  if (series && typeof series === 'object') {
    last = age(series.lastObservedTime);
    count = series.count ?? 0;
  } else if (count === 0) {
    // Singleton events of the new API leave count unset.
    count = 1;
  }
  const kind = (f.regarding?.kind ?? '').toLowerCase();
  const target = f.regarding?.name ? `${kind}/${f.regarding.name}` : kind;
  return [
    last, text(ev.type), text(ev.reason), target,
    f.regarding?.fieldPath ?? '', formatSource(f.source, text(f.controller), text(ev.reportingInstance)),
    text(f.message).trim(), first, count, text(ev.metadata.name),
  ];
}

export const eventPrinter = printer({
  columns: columns(
    column('Last Seen', 'string', 'The time at which the most recent occurrence of this event was recorded.'),
    column('Type', 'string', 'Type of this event (Normal, Warning).'),
    column('Reason', 'string', 'Short, machine understandable reason for the event.'),
    column('Object', 'string', 'The object this event is about.'),
    column('Subobject', 'string', 'The part of the object the event is about, e.g. a container (involvedObject.fieldPath).', 1),
    column('Source', 'string', 'The component and host reporting this event.', 1),
    column('Message', 'string', 'A human-readable description of the event.'),
    column('First Seen', 'string', 'The time at which the event was first recorded.', 1),
    column('Count', 'string', 'The number of times this event has occurred.', 1),
    Object.freeze({ ...NAME, priority: 1 }),
  ),
  cells: eventCells,
});
