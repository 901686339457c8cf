// Upstream: test/e2e/common/storage/projected_secret.go, "Projected secret should be consumable from pods in volume with mappings and Item Mode set".
// A mapped projected Secret key honours its per-item mode.

import { doSecretE2EWithMapping } from '../../framework/storage.ts';
import type { ConformanceCase } from '../../framework/types.ts';

const testCase: ConformanceCase = {
  id: 'NV-66',
  codename: '[sig-storage] Projected secret should be consumable from pods in volume with mappings and Item Mode set [LinuxOnly] [NodeConformance] [Conformance]',
  class: 'run',
  needs: 'run; agnhost mounttest (exact output lines such as "mode of file ...", "content of file ...")',
  baseName: 'projected',
  podSecurity: 'baseline',
  async run(ctx) {
    // Upstream's projected variant puts the "item" mode on the projected volume's defaultMode.
    await doSecretE2EWithMapping(ctx, { projected: true }, 0o400);
  },
};

export default testCase;
