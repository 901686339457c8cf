// Upstream: test/e2e/apimachinery/discovery.go, "should validate PreferredVersion for each
// APIGroup". Every group under /apis/ has versions and a preferredVersion among them.

import { expectTrue, fail, must } from '../../framework/expect.ts';
import { skipUnlessServerAtLeast } from '../../framework/helpers.ts';
import type { ConformanceCase } from '../../framework/types.ts';

interface GroupVersionForDiscovery { groupVersion: string; version: string }
interface APIGroup { name: string; versions?: GroupVersionForDiscovery[]; preferredVersion?: GroupVersionForDiscovery }
interface APIGroupList { groups?: APIGroup[] }

const testCase: ConformanceCase = {
  id: 'AM-02',
  codename: '[sig-api-machinery] Discovery should validate PreferredVersion for each APIGroup [Conformance]',
  class: 'API',
  needs: '/apis/ and /apis/<group>/ discovery documents',
  baseName: 'discovery',
  podSecurity: 'privileged',
  async run(ctx) {
    await skipUnlessServerAtLeast(ctx, 1, 13, 99);
    ctx.step('Setting up server cert');

    const list = await must(ctx.rest.get<APIGroupList>('/apis/'), 'Failed to find /apis/');
    expectTrue((list.groups ?? []).length > 0, 'Missing APIGroups');

    for (const group of list.groups ?? []) {
      if (group.name.endsWith('.example.com')) continue; // dynamic example groups of other tests
      ctx.log(`Checking APIGroup: ${group.name}`);
      const apiPath = `/apis/${group.name}/`;
      const checkGroup = await must(ctx.rest.get<APIGroup>(apiPath), `Fail to access: ${apiPath}`);
      expectTrue((checkGroup.versions ?? []).length > 0, `No version found for ${group.name}`);
      const preferred = checkGroup.preferredVersion?.groupVersion;
      ctx.log(`PreferredVersion.GroupVersion: ${preferred}`);
      if (!(checkGroup.versions ?? []).some((v) => v.groupVersion === preferred)) {
        fail(`Failed to find a valid version for PreferredVersion ${preferred} in versions: ${JSON.stringify(checkGroup.versions)}`);
      }
    }
  },
};

export default testCase;
