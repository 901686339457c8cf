// Upstream: test/e2e/common/storage/projected_secret.go, "Projected secret should be consumable from pods in volume as non-root with defaultMode and fsGroup set".
// With runAsUser 1000, fsGroup 1001 and defaultMode 0440, a projected Secret file is group-owned by 1001 and readable.

import { uuid } from '../../framework/json.ts';
import { doSecretE2EWithoutMapping, NON_ROOT_TEST_USER_ID } from '../../framework/storage.ts';
import type { ConformanceCase } from '../../framework/types.ts';

const testCase: ConformanceCase = {
  id: 'NV-63',
  codename: '[sig-storage] Projected secret should be consumable from pods in volume as non-root with defaultMode and fsGroup set [LinuxOnly] [NodeConformance] [Conformance]',
  class: 'run',
  needs: 'run; agnhost mounttest (exact output lines such as "mode of file ...", "content of file ..."); fsGroup ownership change',
  baseName: 'projected',
  podSecurity: 'baseline',
  async run(ctx) {
    // 0440: setting fsGroup makes the mode at least 0440.
    await doSecretE2EWithoutMapping(ctx, { projected: true }, 0o440, `projected-secret-test-${uuid()}`, 1001, NON_ROOT_TEST_USER_ID);
  },
};

export default testCase;
