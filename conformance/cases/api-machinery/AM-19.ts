// Upstream: test/e2e/instrumentation/events.go, Events API "should ensure that an event
// can be fetched, patched, deleted, and listed". An events.k8s.io/v1 Event is listed
// (namespaced, cluster-wide, and by field selectors in both APIs), patched with a series,
// updated with another series, deleted; each read-back equals the expected object.

import { expectSemanticEqual, expectTrue, fail, must } from '../../framework/expect.ts';
import { newEventsV1TestEvent, type EventsV1Event } from '../../framework/events.ts';
import { clone, microTimeFromUnix, twoWayMergePatch, type KList } from '../../framework/json.ts';
import type { CaseContext, ConformanceCase } from '../../framework/types.ts';

async function eventExistsInList(ctx: CaseContext, path: string, namespace: string, name: string): Promise<boolean> {
  const list = await must(ctx.rest.get<KList<EventsV1Event>>(path, { labelSelector: 'testevent-constant=true' }), 'failed to list events');
  return list.items.some((e) => e.metadata.name === name && e.metadata.namespace === namespace);
}

/** Clears what the control plane sets on every write. */
function clearServerFields(e: EventsV1Event): void {
  delete e.metadata.resourceVersion;
  delete e.metadata.managedFields;
}

const testCase: ConformanceCase = {
  id: 'AM-19',
  codename: '[sig-instrumentation] Events API should ensure that an event can be fetched, patched, deleted, and listed [Conformance]',
  class: 'API',
  needs: 'events.k8s.io/v1 CRUD; field selectors source= (core/v1) and reportingController= (events.k8s.io/v1)',
  baseName: 'events',
  podSecurity: 'privileged',
  async run(ctx) {
    const ns = ctx.namespace;
    const eventName = 'event-test';
    const client = `/apis/events.k8s.io/v1/namespaces/${ns}/events`;
    const allNamespaces = '/apis/events.k8s.io/v1/events';

    ctx.step('creating a test event');
    await must(ctx.rest.post(client, newEventsV1TestEvent(ns, eventName, 'testevent-constant')), 'failed to create test event');

    ctx.step('listing events in all namespaces');
    expectTrue(await eventExistsInList(ctx, allNamespaces, ns, eventName), `Failed to find test event ${eventName} in namespace ${ns}, in list with cluster scope`);

    ctx.step('listing events in test namespace');
    expectTrue(await eventExistsInList(ctx, client, ns, eventName), `Failed to find test event ${eventName} in namespace ${ns}, in list with namespace scope`);

    ctx.step('listing events with field selection filtering on source');
    const coreList = await must(ctx.rest.get<KList>(`/api/v1/namespaces/${ns}/events`, { fieldSelector: 'source=test-controller' }), 'failed to get filtered list');
    if (coreList.items.length !== 1 || coreList.items[0].metadata.name !== eventName) fail(`expected single event, got ${JSON.stringify(coreList.items.map((i) => i.metadata.name))}`);

    ctx.step('listing events with field selection filtering on reportingController');
    const evList = await must(ctx.rest.get<KList<EventsV1Event>>(client, { fieldSelector: 'reportingController=test-controller' }), 'failed to get filtered list');
    if (evList.items.length !== 1 || evList.items[0].metadata.name !== eventName) fail(`expected single event, got ${JSON.stringify(evList.items.map((i) => i.metadata.name))}`);

    ctx.step('getting the test event');
    const testEvent = await must(ctx.rest.get<EventsV1Event>(`${client}/${eventName}`), 'failed to get test event');

    ctx.step('patching the test event');
    const newEvent = clone(testEvent);
    const series = { count: 2, lastObservedTime: microTimeFromUnix(1505828951) };
    newEvent.series = series;
    await must(ctx.rest.patch(`${client}/${eventName}`, 'strategic', twoWayMergePatch(testEvent, newEvent)), 'failed to patch the test event');

    ctx.step('getting the test event');
    let event = await must(ctx.rest.get<EventsV1Event>(`${client}/${eventName}`), 'failed to get test event');
    clearServerFields(event);
    clearServerFields(testEvent);
    testEvent.series = series;
    expectSemanticEqual(testEvent, event, "test event wasn't properly patched");

    ctx.step('updating the test event');
    testEvent.series = { count: 100, lastObservedTime: microTimeFromUnix(1505828956) };
    await must(ctx.rest.put(`${client}/${eventName}`, testEvent), 'failed to update the test event');

    ctx.step('getting the test event');
    event = await must(ctx.rest.get<EventsV1Event>(`${client}/${eventName}`), 'failed to get test event');
    clearServerFields(event);
    expectSemanticEqual(testEvent, event, "test event wasn't properly updated");

    ctx.step('deleting the test event');
    await must(ctx.rest.delete(`${client}/${eventName}`), 'failed to delete the test event');

    ctx.step('listing events in all namespaces');
    expectTrue(!await eventExistsInList(ctx, allNamespaces, ns, eventName), `Should not have found test event ${eventName} in namespace ${ns}, in list with cluster scope after deletion`);

    ctx.step('listing events in test namespace');
    expectTrue(!await eventExistsInList(ctx, client, ns, eventName), `Should not have found test event ${eventName} in namespace ${ns}, in list with namespace scope after deletion`);
  },
};

export default testCase;
