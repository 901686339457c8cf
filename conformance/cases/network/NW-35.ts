// Upstream: test/e2e/network/service.go, Services "should provide secure master service".
// The default/kubernetes Service exists.

import { must } from '../../framework/expect.ts';
import type { ConformanceCase } from '../../framework/types.ts';

const testCase: ConformanceCase = {
  id: 'NW-35',
  codename: '[sig-network] Services should provide secure master service [Conformance]',
  class: 'API',
  needs: 'default/kubernetes Service',
  baseName: 'services',
  podSecurity: 'privileged',
  async run(ctx) {
    await must(ctx.core.readNamespacedService({ namespace: 'default', name: 'kubernetes' }), 'failed to fetch the service object for the service named kubernetes');
  },
};

export default testCase;
