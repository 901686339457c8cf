// Upstream: test/e2e/apimachinery/namespace.go, "should ensure that all services are removed
// when a namespace is deleted" (ensureServicesAreRemovedWhenNamespaceIsDeleted). A fresh
// namespace gets its default ServiceAccount and a Service; deleting the namespace must make
// it disappear within a minute, and in the namespace made afresh the Service is not there.

import { isNotFound } from '../../framework/client.ts';
import { expectTrue, must } from '../../framework/expect.ts';
import { corePath, waitFor } from '../../framework/apps.ts';
import type { KObject } from '../../framework/json.ts';
import type { CaseContext, ConformanceCase } from '../../framework/types.ts';

/** framework.WaitForDefaultServiceAccountInNamespace: up to 2 minutes for the "default" ServiceAccount. */
async function waitForDefaultServiceAccount(ctx: CaseContext, ns: string): Promise<void> {
  await waitFor(ctx, 500, 120_000, async () => {
    try {
      await ctx.rest.get(corePath(ns, 'serviceaccounts', 'default'));
      return true;
    } catch (e) {
      if (isNotFound(e)) return false;
      throw e;
    }
  }, `failure while waiting for a default service account to be provisioned in namespace: ${ns}`);
}

const testCase: ConformanceCase = {
  id: 'AM-10',
  codename: '[sig-api-machinery] Namespaces [Serial] should ensure that all services are removed when a namespace is deleted [Conformance]',
  class: 'API+ctrl',
  needs: 'the namespace controller (finalizing deleted namespaces) and the ServiceAccount controller',
  baseName: 'namespaces',
  podSecurity: 'baseline',
  async run(ctx) {
    ctx.step('Creating a test namespace');
    const namespaceName = 'nsdeletetest';
    let namespace = await must(ctx.createNamespace(namespaceName), `failed to create namespace: ${namespaceName}`);
    const first = namespace.metadata.name ?? '';

    ctx.step('Waiting for a default service account to be provisioned in namespace');
    await waitForDefaultServiceAccount(ctx, first);

    ctx.step('Creating a service in the namespace');
    const serviceName = 'test-service';
    const labels = { foo: 'bar', baz: 'blah' };
    const service = {
      apiVersion: 'v1', kind: 'Service',
      metadata: { name: serviceName, creationTimestamp: null },
      spec: { selector: labels, ports: [{ port: 80, targetPort: 80 }] },
      status: { loadBalancer: {} },
    };
    const created = await must(ctx.rest.post<KObject>(corePath(first, 'services'), service), `failed to create service ${serviceName} in namespace ${first}`);

    ctx.step('Deleting the namespace');
    await must(ctx.rest.delete(`/api/v1/namespaces/${first}`), `failed to delete namespace: ${first}`);

    ctx.step('Waiting for the namespace to be removed.');
    await waitFor(ctx, 1000, 60_000, async () => {
      try {
        await ctx.rest.get(`/api/v1/namespaces/${first}`);
        return false;
      } catch (e) {
        return isNotFound(e);
      }
    }, `namespace ${first} was not removed: timed out waiting for the condition`);

    ctx.step('Recreating the namespace');
    namespace = await must(ctx.createNamespace(namespaceName), `failed to create namespace: ${namespaceName}`);
    const second = namespace.metadata.name ?? '';

    ctx.step('Verifying there is no service in the namespace');
    let gotError = false;
    try {
      await ctx.rest.get(corePath(second, 'services', created.metadata.name));
    } catch {
      gotError = true;
    }
    expectTrue(gotError, `failed to get service ${serviceName} in namespace: ${second}`);
  },
};

export default testCase;
