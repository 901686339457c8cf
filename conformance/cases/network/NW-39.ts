// Upstream: test/e2e/network/service.go (v1.32; endpoints.go later), Services "should test
// the lifecycle of an Endpoint". A hand-made Endpoints object is created, listed by label,
// updated, patched with a new address and port, and deleted by collection, with a watch
// seeing each step.

import { errorOf, expectEqual, expectTrue, fail, must } from '../../framework/expect.ts';
import { resourceVersionLess, validResourceVersion } from '../../framework/helpers.ts';
import type { KList, KObject } from '../../framework/json.ts';
import type { ConformanceCase } from '../../framework/types.ts';
import { watchUntil, type WatchEvent } from '../../framework/watch.ts';

interface Endpoints extends KObject {
  subsets?: { addresses?: { ip: string }[]; ports?: { name?: string; port: number; protocol?: string }[] }[];
}

const testCase: ConformanceCase = {
  id: 'NW-39',
  codename: '[sig-network] Services should test the lifecycle of an Endpoint [Conformance]',
  class: 'API',
  needs: 'core/v1 endpoints CRUD, strategic-merge patch, deletecollection; label-selector watch from a resourceVersion',
  baseName: 'services',
  podSecurity: 'privileged',
  async run(ctx) {
    const ns = ctx.namespace;
    const name = 'testservice';
    const endpointsPath = `/api/v1/namespaces/${ns}/endpoints`;
    const selector = 'test-endpoint-static=true';
    const testEndpoints = {
      apiVersion: 'v1', kind: 'Endpoints',
      metadata: { name, labels: { 'test-endpoint-static': 'true' }, creationTimestamp: null },
      subsets: [{ addresses: [{ ip: '10.0.0.24' }], ports: [{ name: 'http', port: 80, protocol: 'TCP' }] }],
    };
    const until = (rv: string, type: string, what: string) => must(
      watchUntil<Endpoints>(ctx.rest, endpointsPath, { labelSelector: selector }, rv, Math.min(30_000, ctx.remaining()),
        (ev: WatchEvent<Endpoints>) => {
          if (ev.type !== type) { ctx.log(`observed event type ${ev.type}`); return false; }
          return ev.object.metadata.labels?.['test-endpoint-static'] === 'true';
        }, ctx.signal), what);

    let list = await must(ctx.rest.get<KList<Endpoints>>('/api/v1/endpoints', { labelSelector: selector }), 'failed to list Endpoints');

    ctx.step('creating an Endpoint');
    const created = await must(ctx.rest.post<Endpoints>(endpointsPath, testEndpoints), 'failed to create Endpoint');
    expectTrue(validResourceVersion(created.metadata.resourceVersion), `created Endpoints has an invalid resourceVersion ${JSON.stringify(created.metadata.resourceVersion)}`);

    ctx.step('waiting for available Endpoint');
    await until(list.metadata.resourceVersion ?? '', 'ADDED', 'failed to see ADDED event');

    ctx.step('listing all Endpoints');
    list = await must(ctx.rest.get<KList<Endpoints>>('/api/v1/endpoints', { labelSelector: selector }), 'failed to list Endpoints');
    const found = list.items.find((e) => e.metadata.name === name && e.metadata.namespace === ns);
    if (!found) fail('unable to find Endpoint Service in list of Endpoints');

    ctx.step('updating the Endpoint');
    found.metadata.labels = { ...found.metadata.labels, 'test-service': 'updated' };
    await must(ctx.rest.put(`${endpointsPath}/${name}`, found), 'failed to update Endpoint with new label');
    await until(list.metadata.resourceVersion ?? '', 'MODIFIED', 'failed to see MODIFIED event');

    ctx.step('fetching the Endpoint');
    let endpoints = await must(ctx.rest.get<Endpoints>(`${endpointsPath}/${name}`), 'failed to fetch Endpoint');
    expectEqual(found.metadata.labels['test-service'], 'updated', `failed to update Endpoint ${name} in namespace ${ns} label not updated`);

    const patch = {
      metadata: { labels: { 'test-service': 'patched' } },
      subsets: [{ addresses: [{ ip: '10.0.0.25' }], ports: [{ name: 'http-test', port: 8080 }] }],
    };
    ctx.step('patching the Endpoint');
    const patched = await must(ctx.rest.patch<Endpoints>(`${endpointsPath}/${name}`, 'strategic', patch), 'failed to patch Endpoint');
    expectTrue(resourceVersionLess(created.metadata.resourceVersion, patched.metadata.resourceVersion),
      `patched object should have a larger resource version (${created.metadata.resourceVersion} -> ${patched.metadata.resourceVersion})`);
    await until(endpoints.metadata.resourceVersion ?? '', 'MODIFIED', 'failed to see MODIFIED event');

    ctx.step('fetching the Endpoint');
    endpoints = await must(ctx.rest.get<Endpoints>(`${endpointsPath}/${name}`), 'failed to fetch Endpoint');
    expectEqual(endpoints.metadata.labels?.['test-service'], 'patched', 'failed to patch Endpoint with Label');
    const subset = endpoints.subsets?.[0];
    expectEqual(subset?.addresses?.[0]?.ip, '10.0.0.25', 'failed to patch Endpoint (address)');
    expectEqual(subset?.ports?.[0]?.name, 'http-test', 'failed to patch Endpoint (port name)');
    expectEqual(subset?.ports?.[0]?.port, 8080, 'failed to patch Endpoint (port)');

    ctx.step('deleting the Endpoint by Collection');
    await must(ctx.rest.delete(endpointsPath, { labelSelector: selector }), 'failed to delete Endpoint by Collection');

    ctx.step('waiting for Endpoint deletion');
    await until(endpoints.metadata.resourceVersion ?? '', 'DELETED', 'failed to see DELETED event');

    ctx.step('fetching the Endpoint');
    expectTrue(await errorOf(ctx.rest.get(`${endpointsPath}/${name}`)) !== undefined, 'should not be able to fetch Endpoint');
  },
};

export default testCase;
