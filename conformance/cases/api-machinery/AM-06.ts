// Upstream: test/e2e/apimachinery/namespace.go, "should apply a finalizer to a Namespace".
// A made-up spec.finalizers entry is added through namespaces/finalize and removed again.

import type { V1Namespace } from '@kubernetes/client-node';
import { fail, must, retryOnConflict } from '../../framework/expect.ts';
import { randString } from '../../framework/json.ts';
import type { ConformanceCase } from '../../framework/types.ts';

const FAKE_FINALIZER = 'e2e.example.com/fakeFinalizer';

const testCase: ConformanceCase = {
  id: 'AM-06',
  codename: '[sig-api-machinery] Namespaces [Serial] should apply a finalizer to a Namespace [Conformance]',
  class: 'API',
  needs: 'namespaces/finalize subresource',
  baseName: 'namespaces',
  podSecurity: 'baseline',
  async run(ctx) {
    const nsName = `e2e-ns-${randString(5)}`;
    ctx.step(`Creating namespace "${nsName}"`);
    const created = await must(ctx.createNamespace(nsName), 'failed creating Namespace');
    const ns = created.metadata.name ?? '';

    ctx.step(`Adding e2e finalizer to namespace "${ns}"`);
    let updated: V1Namespace = await must(retryOnConflict(async () => {
      const cur = await must(ctx.core.readNamespace({ name: ns }), `Unable to get Namespace "${ns}"`);
      cur.spec = { ...cur.spec, finalizers: [...(cur.spec?.finalizers ?? []), FAKE_FINALIZER] };
      return ctx.core.replaceNamespaceFinalize({ name: ns, body: cur });
    }), `failed to add finalizer to the namespace: "${ns}"`);
    if (!(updated.spec?.finalizers ?? []).includes(FAKE_FINALIZER)) {
      fail(`Finalizer "${FAKE_FINALIZER}" was not found. Namespace "${ns}" has ${JSON.stringify(updated.spec?.finalizers)}`);
    }

    ctx.step(`Removing e2e finalizer from namespace "${ns}"`);
    updated = await must(retryOnConflict(async () => {
      const cur = await must(ctx.core.readNamespace({ name: ns }), `Unable to get namespace "${ns}"`);
      const rest = (cur.spec?.finalizers ?? []).filter((f) => f !== FAKE_FINALIZER);
      cur.spec = { ...cur.spec, finalizers: rest.length ? rest : undefined };
      return ctx.core.replaceNamespaceFinalize({ name: ns, body: cur });
    }), `failed to remove finalizer from namespace: "${ns}"`);
    if ((updated.spec?.finalizers ?? []).includes(FAKE_FINALIZER)) {
      fail(`Finalizer "${FAKE_FINALIZER}" was found. Namespace "${ns}" has ${JSON.stringify(updated.spec?.finalizers)}`);
    }
  },
};

export default testCase;
