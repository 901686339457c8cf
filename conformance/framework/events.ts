// Event objects as the instrumentation tests build them, in the JSON shape Go's encoder
// gives the typed structs (zero timestamps as null, empty nested structs as {}).

import { microTimeFromUnix, type KObject } from './json.ts';

export interface EventSeries { count: number; lastObservedTime: string }

export interface EventsV1Event extends KObject {
  note?: string;
  series?: EventSeries;
  reportingController?: string;
}

export interface CoreEvent extends KObject {
  message?: string;
  count?: number;
  series?: EventSeries;
}

/** instrumentation/events.go newTestEvent. */
export function newEventsV1TestEvent(namespace: string, name: string, label: string): EventsV1Event {
  return {
    kind: 'Event',
    apiVersion: 'events.k8s.io/v1',
    metadata: { name, labels: { [label]: 'true' }, creationTimestamp: null },
    eventTime: microTimeFromUnix(1505828956),
    reportingController: 'test-controller',
    reportingInstance: 'test-node',
    action: 'Do',
    reason: 'Test',
    regarding: { namespace },
    note: `This is ${name}`,
    type: 'Normal',
    deprecatedSource: {},
    deprecatedFirstTimestamp: null,
    deprecatedLastTimestamp: null,
  };
}

/** The core/v1 Event the instrumentation/core_events.go tests create. */
export function newCoreTestEvent(namespace: string, name: string, labels: Record<string, string>, message: string): CoreEvent {
  return {
    kind: 'Event',
    apiVersion: 'v1',
    metadata: { name, labels, creationTimestamp: null },
    involvedObject: { namespace },
    reason: 'Test',
    message,
    source: {},
    firstTimestamp: null,
    lastTimestamp: null,
    count: 1,
    type: 'Normal',
    eventTime: null,
    reportingComponent: '',
    reportingInstance: '',
  };
}
