// Upstream: test/e2e/common/storage/projected_secret.go, "Projected secret optional updates should be reflected in volume".
// Optional projected Secret sources track creation, update and deletion of their Secrets in a running pod.

import { optionalUpdatesTest } from '../../framework/storage.ts';
import type { ConformanceCase } from '../../framework/types.ts';

const testCase: ConformanceCase = {
  id: 'NV-61',
  codename: '[sig-storage] Projected secret optional updates should be reflected in volume [NodeConformance] [Conformance]',
  class: 'run',
  needs: 'run; agnhost mounttest (exact output lines such as "mode of file ...", "content of file ...")',
  baseName: 'projected',
  podSecurity: 'baseline',
  async run(ctx) {
    await optionalUpdatesTest(ctx, 'secret', { projected: true });
  },
};

export default testCase;
