// core/v1 Event (pkg/registry/core/event/strategy.go and pkg/apis/core/validation/events.go).
// Validation works on the core shape; events.k8s.io/v1 converts to it first (see eventsv1.ts).

import { fieldInvalid, fieldRequired } from '../validation/fielderrors.ts';
import { pushInvalidEach, validateImmutable, type Errs } from '../validation/fields.ts';
import { asNumber, obj, semanticEqual, setDefault, str, type JsonObject } from '../validation/json.ts';
import { isDNS1123Subdomain, isQualifiedName, nameIsPathSegment } from '../validation/names.ts';
import type { KubeObject } from '../object.ts';
import type { Strategy } from './strategy.ts';

const REPORTING_INSTANCE_LIMIT = 128;
const ACTION_LIMIT = 128;
const REASON_LIMIT = 128;
const NOTE_LIMIT = 1024;

const isZeroTime = (v: unknown): boolean => v === undefined || v === null || v === '';

/** The fields Go always serialises for a core Event (non-omitempty structs and strings). */
export function normalizeCoreEvent(ev: KubeObject): void {
  setDefault(ev, 'involvedObject', {});
  setDefault(ev, 'source', {});
  setDefault(ev, 'firstTimestamp', null);
  setDefault(ev, 'lastTimestamp', null);
  setDefault(ev, 'eventTime', null);
  setDefault(ev, 'reportingComponent', '');
  setDefault(ev, 'reportingInstance', '');
}

/** legacyValidateEvent: every Event, whichever API wrote it. */
export function legacyValidateEvent(errs: Errs, ev: JsonObject): void {
  const meta = obj(ev, 'metadata');
  const ns = str(meta, 'namespace');
  const involvedNS = str(obj(ev, 'involvedObject'), 'namespace');
  if (isZeroTime(ev.eventTime)) {
    if (!involvedNS) {
      // Old clients may put cluster-scoped objects' events in "default".
      if (ns !== '' && ns !== 'default') errs.push(fieldInvalid('involvedObject.namespace', involvedNS, 'does not match event.namespace'));
    } else if (ns !== involvedNS) {
      errs.push(fieldInvalid('involvedObject.namespace', involvedNS, 'does not match event.namespace'));
    }
  } else {
    if (!involvedNS && ns !== 'default' && ns !== 'kube-system') errs.push(fieldInvalid('involvedObject.namespace', involvedNS, 'does not match event.namespace'));
    const controller = str(ev, 'reportingComponent');
    if (!controller) errs.push(fieldRequired('reportingController', ''));
    pushInvalidEach(errs, 'reportingController', controller, isQualifiedName(controller));
    const instance = str(ev, 'reportingInstance');
    if (!instance) errs.push(fieldRequired('reportingInstance', ''));
    if (instance.length > REPORTING_INSTANCE_LIMIT) errs.push(fieldInvalid('reportingInstance', '', `can have at most ${REPORTING_INSTANCE_LIMIT} characters`));
    const action = str(ev, 'action');
    if (!action) errs.push(fieldRequired('action', ''));
    if (action.length > ACTION_LIMIT) errs.push(fieldInvalid('action', '', `can have at most ${ACTION_LIMIT} characters`));
    const reason = str(ev, 'reason');
    if (!reason) errs.push(fieldRequired('reason', ''));
    if (reason.length > REASON_LIMIT) errs.push(fieldInvalid('reason', '', `can have at most ${REASON_LIMIT} characters`));
    if (str(ev, 'message').length > NOTE_LIMIT) errs.push(fieldInvalid('message', '', `can have at most ${NOTE_LIMIT} characters`));
  }
  pushInvalidEach(errs, 'namespace', ns, isDNS1123Subdomain(ns));
}

function validateSeries(errs: Errs, ev: JsonObject): void {
  const series = obj(ev, 'series');
  if (!series) return;
  if ((asNumber(series.count) ?? 0) < 2) errs.push(fieldInvalid('series.count', '', 'should be at least 2'));
  if (isZeroTime(series.lastObservedTime)) errs.push(fieldRequired('series.lastObservedTime', ''));
}

/** The stricter create rules of events.k8s.io/v1 (ObjectMeta is checked by the registry). */
export function strictValidateEventCreate(errs: Errs, ev: JsonObject): void {
  legacyValidateEvent(errs, ev);
  validateSeries(errs, ev);
  if (isZeroTime(ev.eventTime)) errs.push(fieldRequired('eventTime', ''));
  const type = str(ev, 'type');
  if (type !== 'Normal' && type !== 'Warning') errs.push(fieldInvalid('type', '', `has invalid value: ${type}`));
  if (!isZeroTime(ev.firstTimestamp)) errs.push(fieldInvalid('firstTimestamp', '', 'needs to be unset'));
  if (!isZeroTime(ev.lastTimestamp)) errs.push(fieldInvalid('lastTimestamp', '', 'needs to be unset'));
  if ((asNumber(ev.count) ?? 0) !== 0) errs.push(fieldInvalid('count', '', 'needs to be unset'));
  const source = obj(ev, 'source');
  if (str(source, 'component') || str(source, 'host')) errs.push(fieldInvalid('source', '', 'needs to be unset'));
}

export function strictValidateEventUpdate(errs: Errs, ev: JsonObject, old: JsonObject): void {
  legacyValidateEvent(errs, ev);
  if (!semanticEqual(ev.series, old.series)) validateSeries(errs, ev);
  const fields: Array<[string, string]> = [
    ['involvedObject', 'involvedObject'], ['reason', 'reason'], ['message', 'message'], ['source', 'source'],
    ['firstTimestamp', 'firstTimestamp'], ['lastTimestamp', 'lastTimestamp'], ['count', 'count'], ['reason', 'reason'],
    ['type', 'type'], ['eventTime', 'eventTime'], ['action', 'action'], ['related', 'related'],
    ['reportingComponent', 'reportingController'], ['reportingInstance', 'reportingInstance'],
  ];
  for (const [k, path] of fields) validateImmutable(errs, path, ev[k] ?? null, old[k] ?? null);
}

export function coreEventSelectableFields(ev: JsonObject): Record<string, string> {
  const io = obj(ev, 'involvedObject');
  const source = str(obj(ev, 'source'), 'component') || str(ev, 'reportingComponent');
  return {
    'involvedObject.kind': str(io, 'kind'),
    'involvedObject.namespace': str(io, 'namespace'),
    'involvedObject.name': str(io, 'name'),
    'involvedObject.uid': str(io, 'uid'),
    'involvedObject.apiVersion': str(io, 'apiVersion'),
    'involvedObject.resourceVersion': str(io, 'resourceVersion'),
    'involvedObject.fieldPath': str(io, 'fieldPath'),
    reason: str(ev, 'reason'),
    reportingComponent: str(ev, 'reportingComponent'),
    source,
    type: str(ev, 'type'),
  };
}

export const eventStrategy: Strategy = {
  // Core events only get the generic path-segment name check (no DNS rules).
  validateName: (name) => nameIsPathSegment(name, false),
  defaults: normalizeCoreEvent,
  validate(ev) {
    const errs: Errs = [];
    legacyValidateEvent(errs, ev);
    return errs;
  },
  validateUpdate(ev) {
    const errs: Errs = [];
    legacyValidateEvent(errs, ev);
    return errs;
  },
  selectableFields: coreEventSelectableFields,
};

