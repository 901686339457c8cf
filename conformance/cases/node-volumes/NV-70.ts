// Upstream: test/e2e/common/storage/secrets_volume.go, "Secrets should be consumable from pods in volume".
// Secret keys appear as files with the right content and default mode 0644.

import { uuid } from '../../framework/json.ts';
import { doSecretE2EWithoutMapping } from '../../framework/storage.ts';
import type { ConformanceCase } from '../../framework/types.ts';

const testCase: ConformanceCase = {
  id: 'NV-70',
  codename: '[sig-storage] Secrets should be consumable from pods in volume [NodeConformance] [Conformance]',
  class: 'run',
  needs: 'run; agnhost mounttest (exact output lines such as "mode of file ...", "content of file ...")',
  baseName: 'secrets',
  podSecurity: 'baseline',
  async run(ctx) {
    await doSecretE2EWithoutMapping(ctx, { projected: false }, undefined, `secret-test-${uuid()}`);
  },
};

export default testCase;
