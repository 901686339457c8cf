// Upstream: test/e2e/apimachinery/discovery.go, "should locate the groupVersion and a
// resource within each APIGroup". Every listed group/version answers its resource list,
// the list names its own groupVersion and contains the expected resource.

import { fail } from '../../framework/expect.ts';
import { skipUnlessServerAtLeast } from '../../framework/helpers.ts';
import type { ConformanceCase } from '../../framework/types.ts';

interface APIResourceList { groupVersion?: string; resources?: { name: string }[] }

// (apiBasePath, group, version, a resource the group/version must serve)
const EXPECTED: [string, string, string, string][] = [
  ['/api', '', 'v1', 'namespaces'],
  ['/apis', 'admissionregistration.k8s.io', 'v1', 'validatingwebhookconfigurations'],
  ['/apis', 'apiextensions.k8s.io', 'v1', 'customresourcedefinitions'],
  ['/apis', 'apiregistration.k8s.io', 'v1', 'apiservices'],
  ['/apis', 'apps', 'v1', 'deployments'],
  ['/apis', 'authentication.k8s.io', 'v1', 'tokenreviews'],
  ['/apis', 'authorization.k8s.io', 'v1', 'selfsubjectaccessreviews'],
  ['/apis', 'autoscaling', 'v1', 'horizontalpodautoscalers'],
  ['/apis', 'autoscaling', 'v2', 'horizontalpodautoscalers'],
  ['/apis', 'batch', 'v1', 'jobs'],
  ['/apis', 'certificates.k8s.io', 'v1', 'certificatesigningrequests'],
  ['/apis', 'coordination.k8s.io', 'v1', 'leases'],
  ['/apis', 'discovery.k8s.io', 'v1', 'endpointslices'],
  ['/apis', 'events.k8s.io', 'v1', 'events'],
  ['/apis', 'networking.k8s.io', 'v1', 'ingresses'],
  ['/apis', 'node.k8s.io', 'v1', 'runtimeclasses'],
  ['/apis', 'policy', 'v1', 'poddisruptionbudgets'],
  ['/apis', 'scheduling.k8s.io', 'v1', 'priorityclasses'],
  ['/apis', 'storage.k8s.io', 'v1', 'csinodes'],
];

const testCase: ConformanceCase = {
  id: 'AM-01',
  codename: '[sig-api-machinery] Discovery should locate the groupVersion and a resource within each APIGroup [Conformance]',
  class: 'API',
  needs: '/api and /apis/<group>/<version> resource lists for every group in the list',
  baseName: 'discovery',
  podSecurity: 'privileged',
  async run(ctx) {
    await skipUnlessServerAtLeast(ctx, 1, 13, 99);
    ctx.step('Setting up server cert'); // upstream generates a local certificate; no API calls

    // Upstream stops at the first failing group; all of them are checked here so that one
    // run names every gap, and the case fails if any does.
    const problems: string[] = [];
    for (const [base, group, version, resource] of EXPECTED) {
      const path = [base, group, version].filter(Boolean).join('/');
      ctx.step(`Requesting APIResourceList from "${path}"`);
      let list: APIResourceList;
      try {
        list = await ctx.rest.get<APIResourceList>(path);
      } catch (e) {
        problems.push(`Fail to access: ${path}: ${e instanceof Error ? e.message.replace(/^GET \S+: /, '') : String(e)}`);
        continue;
      }
      const gv = group ? `${group}/${version}` : version;
      if (list.groupVersion !== gv) {
        problems.push(`${path}: groupVersion ${JSON.stringify(list.groupVersion)} != ${JSON.stringify(gv)}`);
        continue;
      }
      if (!(list.resources ?? []).some((r) => r.name === resource)) problems.push(`${path}: resource "${resource}" was not found inside of resourceList`);
    }
    if (problems.length) fail(`${problems.length} of ${EXPECTED.length} group versions failed: ${problems.join('; ')}`);
  },
};

export default testCase;
