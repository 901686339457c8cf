// Upstream: test/e2e/common/storage/secrets_volume.go, "Secrets should be consumable from pods in volume with mappings".
// A Secret key mapped to a custom path has the right content.

import { doSecretE2EWithMapping } from '../../framework/storage.ts';
import type { ConformanceCase } from '../../framework/types.ts';

const testCase: ConformanceCase = {
  id: 'NV-73',
  codename: '[sig-storage] Secrets should be consumable from pods in volume with mappings [NodeConformance] [Conformance]',
  class: 'run',
  needs: 'run; agnhost mounttest (exact output lines such as "mode of file ...", "content of file ...")',
  baseName: 'secrets',
  podSecurity: 'baseline',
  async run(ctx) {
    await doSecretE2EWithMapping(ctx, { projected: false });
  },
};

export default testCase;
