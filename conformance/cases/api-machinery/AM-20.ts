// Upstream: test/e2e/instrumentation/core_events.go, Events "should delete a collection of
// events". Three labelled core/v1 Events are found by label selector and are gone after a
// deletecollection.

import { expectLen, must, poll } from '../../framework/expect.ts';
import { newCoreTestEvent, type CoreEvent } from '../../framework/events.ts';
import type { KList } from '../../framework/json.ts';
import type { ConformanceCase } from '../../framework/types.ts';

const testCase: ConformanceCase = {
  id: 'AM-20',
  codename: '[sig-instrumentation] Events should delete a collection of events [Conformance]',
  class: 'API',
  needs: 'core/v1 events create, list by label, deletecollection',
  baseName: 'events',
  podSecurity: 'privileged',
  async run(ctx) {
    const ns = ctx.namespace;
    const path = `/api/v1/namespaces/${ns}/events`;
    const names = ['test-event-1', 'test-event-2', 'test-event-3'];

    ctx.step('Create set of events');
    for (const name of names) {
      await must(ctx.rest.post(path, newCoreTestEvent(ns, name, { 'testevent-set': 'true' }, `This is ${name}`)), 'failed to create event');
      ctx.log(`created ${name}`);
    }

    ctx.step('get a list of Events with a label in the current namespace');
    const list = await must(ctx.rest.get<KList<CoreEvent>>(path, { labelSelector: 'testevent-set=true' }), 'failed to get a list of events');
    expectLen(list.items, names.length, 'looking for expected number of pod templates events');

    ctx.step('delete collection of events');
    await must(ctx.rest.delete(path, { labelSelector: 'testevent-set=true' }), 'failed to delete the test event');

    ctx.step('check that the list of events matches the requested quantity');
    await poll(1000, Math.min(60_000, ctx.remaining()), async () => {
      const l = await ctx.rest.get<KList<CoreEvent>>(path, { labelSelector: 'testevent-set=true' });
      return l.items.length === 0;
    }, 'failed to count required events');
  },
};

export default testCase;
