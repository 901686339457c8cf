// Upstream: test/e2e/common/storage/secrets_volume.go, "Secrets should be consumable from pods in volume with mappings and Item Mode set".
// A mapped Secret key honours its per-item mode.

import { doSecretE2EWithMapping } from '../../framework/storage.ts';
import type { ConformanceCase } from '../../framework/types.ts';

const testCase: ConformanceCase = {
  id: 'NV-74',
  codename: '[sig-storage] Secrets should be consumable from pods in volume with mappings and Item Mode set [LinuxOnly] [NodeConformance] [Conformance]',
  class: 'run',
  needs: 'run; agnhost mounttest (exact output lines such as "mode of file ...", "content of file ...")',
  baseName: 'secrets',
  podSecurity: 'baseline',
  async run(ctx) {
    await doSecretE2EWithMapping(ctx, { projected: false }, 0o400);
  },
};

export default testCase;
