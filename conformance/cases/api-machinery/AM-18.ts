// Upstream: test/e2e/instrumentation/events.go, Events API "should delete a collection of
// events". Three labelled events.k8s.io/v1 Events are listed and removed by deletecollection.

import { expectLen, must } from '../../framework/expect.ts';
import { newEventsV1TestEvent, type EventsV1Event } from '../../framework/events.ts';
import type { KList } from '../../framework/json.ts';
import type { ConformanceCase } from '../../framework/types.ts';

const testCase: ConformanceCase = {
  id: 'AM-18',
  codename: '[sig-instrumentation] Events API should delete a collection of events [Conformance]',
  class: 'API',
  needs: 'events.k8s.io/v1 create, list by label, deletecollection',
  baseName: 'events',
  podSecurity: 'privileged',
  async run(ctx) {
    const ns = ctx.namespace;
    const path = `/apis/events.k8s.io/v1/namespaces/${ns}/events`;
    const names = ['test-event-1', 'test-event-2', 'test-event-3'];

    ctx.step('Create set of events');
    for (const name of names) await must(ctx.rest.post(path, newEventsV1TestEvent(ns, name, 'testevent-set')), 'failed to create event');

    ctx.step('get a list of Events with a label in the current namespace');
    let list = await must(ctx.rest.get<KList<EventsV1Event>>(path, { labelSelector: 'testevent-set=true' }), 'failed to get a list of events');
    expectLen(list.items, names.length, 'unexpected event list');

    ctx.step('delete a list of events');
    await must(ctx.rest.delete(path, { labelSelector: 'testevent-set=true' }), 'failed to delete the test event');

    ctx.step('check that the list of events matches the requested quantity');
    list = await must(ctx.rest.get<KList<EventsV1Event>>(path, { labelSelector: 'testevent-set=true' }), 'failed to get a list of events');
    expectLen(list.items, 0, 'unexpected event list');
  },
};

export default testCase;
