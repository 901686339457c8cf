// Upstream: test/e2e/apimachinery/namespace.go, "should patch a Namespace". A
// strategic-merge patch adding a label is visible on the next GET.

import { PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { expectEqual, expectTrue, must } from '../../framework/expect.ts';
import { resourceVersionLess, validResourceVersion } from '../../framework/helpers.ts';
import { uuid } from '../../framework/json.ts';
import type { ConformanceCase } from '../../framework/types.ts';

const testCase: ConformanceCase = {
  id: 'AM-11',
  codename: '[sig-api-machinery] Namespaces [Serial] should patch a Namespace [Conformance]',
  class: 'API',
  needs: 'strategic-merge patch of namespaces',
  baseName: 'namespaces',
  podSecurity: 'baseline',
  async run(ctx) {
    ctx.step('creating a Namespace');
    const ns = await must(ctx.createNamespace(`nspatchtest-${uuid()}`), 'failed creating Namespace');
    const name = ns.metadata.name ?? '';
    expectTrue(validResourceVersion(ns.metadata.resourceVersion), `created Namespace has an invalid resourceVersion ${JSON.stringify(ns.metadata.resourceVersion)}`);

    ctx.step('patching the Namespace');
    const patched = await must(ctx.core.patchNamespace(
      { name, body: { metadata: { labels: { testLabel: 'testValue' } } } },
      setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch),
    ), 'failed to patch Namespace');
    expectTrue(resourceVersionLess(ns.metadata.resourceVersion, patched.metadata?.resourceVersion),
      `patched object should have a larger resource version (${ns.metadata.resourceVersion} -> ${patched.metadata?.resourceVersion})`);

    ctx.step('get the Namespace and ensuring it has the label');
    const got = await must(ctx.core.readNamespace({ name }), 'failed to get Namespace');
    expectEqual(got.metadata?.labels?.testLabel, 'testValue', 'namespace not patched');
  },
};

export default testCase;
