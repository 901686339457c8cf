// Upstream: test/e2e/common/storage/projected_secret.go, "Projected secret should be consumable from pods in volume with mappings".
// A projected Secret key mapped to a custom path has the right content.

import { doSecretE2EWithMapping } from '../../framework/storage.ts';
import type { ConformanceCase } from '../../framework/types.ts';

const testCase: ConformanceCase = {
  id: 'NV-65',
  codename: '[sig-storage] Projected secret should be consumable from pods in volume with mappings [NodeConformance] [Conformance]',
  class: 'run',
  needs: 'run; agnhost mounttest (exact output lines such as "mode of file ...", "content of file ...")',
  baseName: 'projected',
  podSecurity: 'baseline',
  async run(ctx) {
    await doSecretE2EWithMapping(ctx, { projected: true });
  },
};

export default testCase;
