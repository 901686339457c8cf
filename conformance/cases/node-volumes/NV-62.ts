// Upstream: test/e2e/common/storage/projected_secret.go, "Projected secret should be consumable from pods in volume".
// A projected Secret source gives files with the right content and mode 0644.

import { uuid } from '../../framework/json.ts';
import { doSecretE2EWithoutMapping } from '../../framework/storage.ts';
import type { ConformanceCase } from '../../framework/types.ts';

const testCase: ConformanceCase = {
  id: 'NV-62',
  codename: '[sig-storage] Projected secret should be consumable from pods in volume [NodeConformance] [Conformance]',
  class: 'run',
  needs: 'run; agnhost mounttest (exact output lines such as "mode of file ...", "content of file ...")',
  baseName: 'projected',
  podSecurity: 'baseline',
  async run(ctx) {
    await doSecretE2EWithoutMapping(ctx, { projected: true }, undefined, `projected-secret-test-${uuid()}`);
  },
};

export default testCase;
