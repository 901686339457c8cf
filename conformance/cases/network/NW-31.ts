// Upstream: test/e2e/network/service.go, Services "should delete a collection of
// services". Two of three Services share a label; deletecollection by that label leaves one.

import { expectLen, must } from '../../framework/expect.ts';
import { randString } from '../../framework/json.ts';
import type { ConformanceCase } from '../../framework/types.ts';

const testCase: ConformanceCase = {
  id: 'NW-31',
  codename: '[sig-network] Services should delete a collection of services [Conformance]',
  class: 'API',
  needs: 'services deletecollection (and ClusterIP release)',
  baseName: 'services',
  podSecurity: 'privileged',
  async run(ctx) {
    const ns = ctx.namespace;
    const deleteLabel = 'e2e-test-service=delete';
    const testServices = [
      { name: `e2e-svc-a-${randString(5)}`, label: { 'e2e-test-service': 'delete' }, port: 8001 },
      { name: `e2e-svc-b-${randString(5)}`, label: { 'e2e-test-service': 'delete' }, port: 8002 },
      { name: `e2e-svc-c-${randString(5)}`, label: { 'e2e-test-service': 'keep' }, port: 8003 },
    ];

    ctx.step('creating a collection of services');
    for (const t of testServices) {
      ctx.log(`Creating ${t.name}`);
      await must(ctx.core.createNamespacedService({
        namespace: ns,
        body: {
          metadata: { name: t.name, labels: t.label },
          spec: { type: 'ClusterIP', ports: [{ name: 'http', protocol: 'TCP', port: t.port, targetPort: t.port }] },
        },
      }), 'failed to create Service');
    }

    let list = await must(ctx.core.listNamespacedService({ namespace: ns }), 'failed to list Services');
    expectLen(list.items, 3, 'Required count of services out of sync');

    ctx.step('deleting service collection');
    await must(ctx.core.deleteCollectionNamespacedService({ namespace: ns, labelSelector: deleteLabel }), 'failed to delete service collection');

    list = await must(ctx.core.listNamespacedService({ namespace: ns }), 'failed to list Services');
    expectLen(list.items, 1, 'Required count of services out of sync');
  },
};

export default testCase;
