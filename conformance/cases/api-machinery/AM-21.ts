// Upstream: test/e2e/instrumentation/core_events.go, Events "should manage the lifecycle
// of an event". A core/v1 Event is found in an all-namespaces list by label, its message
// patched, its series updated (read back equal), then deleted.

import { expectEqual, expectSemanticEqual, fail, must } from '../../framework/expect.ts';
import { newCoreTestEvent, type CoreEvent } from '../../framework/events.ts';
import { microTimeFromUnix, type KList } from '../../framework/json.ts';
import type { ConformanceCase } from '../../framework/types.ts';

const testCase: ConformanceCase = {
  id: 'AM-21',
  codename: '[sig-instrumentation] Events should manage the lifecycle of an event [Conformance]',
  class: 'API',
  needs: 'core/v1 events CRUD, all-namespaces list by label, strategic-merge patch',
  baseName: 'events',
  podSecurity: 'privileged',
  async run(ctx) {
    const ns = ctx.namespace;
    const eventTestName = 'event-test';
    const path = `/api/v1/namespaces/${ns}/events`;

    ctx.step('creating a test event');
    await must(ctx.rest.post(path, newCoreTestEvent(ns, eventTestName, { 'testevent-constant': 'true' }, 'This is a test event')), 'failed to create test event');

    ctx.step('listing all events in all namespaces');
    let list = await must(ctx.rest.get<KList<CoreEvent>>('/api/v1/events', { labelSelector: 'testevent-constant=true' }), 'failed list all events');
    const found = list.items.find((e) => e.metadata.name === eventTestName && e.metadata.namespace === ns);
    if (!found) fail(`unable to find test event ${eventTestName} in namespace ${ns}, full list of events is ${JSON.stringify(list.items.map((e) => `${e.metadata.namespace}/${e.metadata.name}`))}`);
    const eventCreatedName = found.metadata.name ?? '';

    ctx.step('patching the test event');
    const eventPatchMessage = 'This is a test event - patched';
    await must(ctx.rest.patch(`${path}/${eventTestName}`, 'strategic', { message: eventPatchMessage }), 'failed to patch the test event');

    ctx.step('fetching the test event');
    let event = await must(ctx.rest.get<CoreEvent>(`${path}/${eventCreatedName}`), 'failed to fetch the test event');
    expectEqual(event.message, eventPatchMessage, 'test event message does not match patch message');

    ctx.step('updating the test event');
    const testEvent = await must(ctx.rest.get<CoreEvent>(`${path}/${event.metadata.name}`), 'failed to get test event');
    testEvent.series = { count: 100, lastObservedTime: microTimeFromUnix(1505828956) };
    delete testEvent.metadata.resourceVersion;
    delete testEvent.metadata.managedFields;
    await must(ctx.rest.put(`${path}/${testEvent.metadata.name}`, testEvent), 'failed to update the test event');

    ctx.step('getting the test event');
    event = await must(ctx.rest.get<CoreEvent>(`${path}/${testEvent.metadata.name}`), 'failed to get test event');
    delete event.metadata.resourceVersion;
    delete event.metadata.managedFields;
    expectSemanticEqual(testEvent, event, "test event wasn't properly updated");

    ctx.step('deleting the test event');
    await must(ctx.rest.delete(`${path}/${eventCreatedName}`), 'failed to delete the test event');

    ctx.step('listing all events in all namespaces');
    list = await must(ctx.rest.get<KList<CoreEvent>>('/api/v1/events', { labelSelector: 'testevent-constant=true' }), 'fail to list all events');
    if (list.items.some((e) => e.metadata.name === eventTestName && e.metadata.namespace === ns)) {
      fail(`Should not have found test event ${eventTestName} in namespace ${ns}`);
    }
  },
};

export default testCase;
