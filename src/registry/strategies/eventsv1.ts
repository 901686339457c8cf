// events.k8s.io/v1 Event: served from the core Event storage. Conversion follows
// pkg/apis/events/v1/conversion.go; validation runs the strict rules on the core form.

import type { Errs } from '../validation/fields.ts';
import { clone, isObject, str, type JsonObject } from '../validation/json.ts';
import type { KubeObject } from '../object.ts';
import { coreEventSelectableFields, normalizeCoreEvent, strictValidateEventCreate, strictValidateEventUpdate } from './events.ts';
import type { Strategy } from './strategy.ts';

/** Fields with the same name and meaning in both versions. */
const SHARED = ['eventTime', 'series', 'action', 'reason', 'related', 'type', 'reportingInstance'];

const isCoreShape = (o: JsonObject): boolean => o.apiVersion === 'v1' || 'involvedObject' in o || 'reportingComponent' in o || 'message' in o;

/** events.k8s.io/v1 → core/v1. */
export function eventV1ToCore(ev: KubeObject): KubeObject {
  const out: KubeObject = { apiVersion: 'v1', kind: 'Event', metadata: clone(ev.metadata) };
  for (const k of SHARED) if (ev[k] !== undefined) out[k] = clone(ev[k]);
  if (ev.regarding !== undefined) out.involvedObject = clone(ev.regarding);
  if (ev.note !== undefined) out.message = ev.note;
  if (ev.deprecatedSource !== undefined) out.source = clone(ev.deprecatedSource);
  if (ev.deprecatedFirstTimestamp !== undefined) out.firstTimestamp = ev.deprecatedFirstTimestamp;
  if (ev.deprecatedLastTimestamp !== undefined) out.lastTimestamp = ev.deprecatedLastTimestamp;
  if (ev.deprecatedCount !== undefined) out.count = ev.deprecatedCount;
  if (ev.reportingController !== undefined) out.reportingComponent = ev.reportingController;
  normalizeCoreEvent(out);
  return out;
}

/** core/v1 → events.k8s.io/v1, with Go's serialisation (omitempty strings, null zero times, {} structs). */
export function eventCoreToV1(ev: KubeObject): KubeObject {
  const out: KubeObject = { apiVersion: 'events.k8s.io/v1', kind: 'Event', metadata: clone(ev.metadata) };
  out.eventTime = ev.eventTime ?? null;
  if (isObject(ev.series)) out.series = clone(ev.series);
  const controller = str(ev, 'reportingComponent');
  if (controller) out.reportingController = controller;
  for (const k of ['reportingInstance', 'action', 'reason']) {
    const v = str(ev, k);
    if (v) out[k] = v;
  }
  out.regarding = isObject(ev.involvedObject) ? clone(ev.involvedObject) : {};
  if (isObject(ev.related)) out.related = clone(ev.related);
  const note = str(ev, 'message');
  if (note) out.note = note;
  const type = str(ev, 'type');
  if (type) out.type = type;
  out.deprecatedSource = isObject(ev.source) ? clone(ev.source) : {};
  out.deprecatedFirstTimestamp = ev.firstTimestamp ?? null;
  out.deprecatedLastTimestamp = ev.lastTimestamp ?? null;
  if (typeof ev.count === 'number' && ev.count !== 0) out.deprecatedCount = ev.count;
  return out;
}

const asCore = (ev: KubeObject): KubeObject => (isCoreShape(ev) ? ev : eventV1ToCore(ev));

function defaults(ev: KubeObject): void {
  if (isCoreShape(ev)) return;
  // The always-present fields of the v1 shape.
  if (ev.eventTime === undefined) ev.eventTime = null;
  if (!isObject(ev.regarding)) ev.regarding = {};
  if (!isObject(ev.deprecatedSource)) ev.deprecatedSource = {};
  if (ev.deprecatedFirstTimestamp === undefined) ev.deprecatedFirstTimestamp = null;
  if (ev.deprecatedLastTimestamp === undefined) ev.deprecatedLastTimestamp = null;
}

/** Field selectors in events.k8s.io's names (upstream maps them onto the core field set). */
function selectableFields(ev: KubeObject): Record<string, string> {
  const core = coreEventSelectableFields(asCore(ev));
  return {
    'regarding.kind': core['involvedObject.kind'],
    'regarding.namespace': core['involvedObject.namespace'],
    'regarding.name': core['involvedObject.name'],
    'regarding.uid': core['involvedObject.uid'],
    'regarding.apiVersion': core['involvedObject.apiVersion'],
    'regarding.resourceVersion': core['involvedObject.resourceVersion'],
    'regarding.fieldPath': core['involvedObject.fieldPath'],
    reason: core.reason,
    reportingController: core.reportingComponent,
    type: core.type,
  };
}

export const eventV1Strategy: Strategy = {
  defaults,
  fieldLabelConversion: {
    'regarding.kind': 'involvedObject.kind',
    'regarding.namespace': 'involvedObject.namespace',
    'regarding.name': 'involvedObject.name',
    'regarding.uid': 'involvedObject.uid',
    'regarding.apiVersion': 'involvedObject.apiVersion',
    'regarding.resourceVersion': 'involvedObject.resourceVersion',
    'regarding.fieldPath': 'involvedObject.fieldPath',
    reason: 'reason',
    reportingController: 'reportingComponent',
    source: 'source',
    type: 'type',
  },
  validate(ev) {
    const errs: Errs = [];
    strictValidateEventCreate(errs, asCore(ev));
    return errs;
  },
  validateUpdate(ev, old) {
    const errs: Errs = [];
    strictValidateEventUpdate(errs, asCore(ev), asCore(old));
    return errs;
  },
  selectableFields,
  toStorage: (ev) => asCore(ev),
  fromStorage: (ev) => (isCoreShape(ev) ? eventCoreToV1(ev) : ev),
};

