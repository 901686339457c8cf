// Upstream: test/e2e/apimachinery/namespace.go, "should apply changes to a namespace
// status". namespaces/status reads back phase Active, then takes a merge patch and an
// update of status.conditions.

import { expectEqual, fail, must, retryOnConflict } from '../../framework/expect.ts';
import type { KObject } from '../../framework/json.ts';
import type { ConformanceCase } from '../../framework/types.ts';

interface NamespaceCondition { type: string; status: string; lastTransitionTime?: string | null; reason?: string; message?: string }
interface Namespace extends KObject { status?: { phase?: string; conditions?: NamespaceCondition[] } }

const last = <T>(xs: T[] | undefined): T | undefined => (xs && xs.length ? xs[xs.length - 1] : undefined);

const testCase: ConformanceCase = {
  id: 'AM-08',
  codename: '[sig-api-machinery] Namespaces [Serial] should apply changes to a namespace status [Conformance]',
  class: 'API',
  needs: 'namespaces/status get, merge patch and update',
  baseName: 'namespaces',
  podSecurity: 'baseline',
  async run(ctx) {
    const ns = ctx.namespace;
    const statusPath = `/api/v1/namespaces/${ns}/status`;

    ctx.step('Read namespace status');
    const nsStatus = await must(ctx.rest.get<Namespace>(statusPath), `failed to fetch NamespaceStatus ${ns}`);
    expectEqual(nsStatus.status?.phase, 'Active', 'The phase returned');

    ctx.step('Patch namespace status');
    // json.Marshal of a NamespaceCondition: the zero lastTransitionTime is written as null.
    const condition = { type: 'StatusPatch', status: 'True', lastTransitionTime: null, reason: 'E2E', message: 'Patched by an e2e test' };
    const patchBody = `{"metadata":{"annotations":{"e2e-patched-ns-status":"${ns}"}},"status":{"conditions":[${JSON.stringify(condition)}]}}`;
    const patched = await must(ctx.rest.patch<Namespace>(statusPath, 'merge', patchBody), 'Failed to patch status');
    expectEqual(patched.metadata.annotations?.['e2e-patched-ns-status'], ns, 'patched object should have the applied annotation');
    const pc = last(patched.status?.conditions);
    expectEqual(pc?.reason, 'E2E', 'The Reason returned');
    expectEqual(pc?.message, 'Patched by an e2e test', 'The Message returned');

    ctx.step('Update namespace status');
    const updated = await must(retryOnConflict(async () => {
      const toUpdate = await must(ctx.rest.get<Namespace>(statusPath), `failed to fetch NamespaceStatus ${ns}`);
      toUpdate.status = toUpdate.status ?? {};
      toUpdate.status.conditions = [...(toUpdate.status.conditions ?? []),
        { type: 'StatusUpdate', status: 'True', lastTransitionTime: null, reason: 'E2E', message: 'Updated by an e2e test' }];
      return ctx.rest.put<Namespace>(statusPath, toUpdate);
    }), `failed to update namespace status ${ns}`);
    const uc = last(updated.status?.conditions);
    if (uc?.type !== 'StatusUpdate') fail(`updated object should have the applied condition, got ${JSON.stringify(updated.status?.conditions)}`);
    expectEqual(uc.message, 'Updated by an e2e test', 'The Message returned');
  },
};

export default testCase;
