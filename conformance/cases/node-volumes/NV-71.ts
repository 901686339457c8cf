// Upstream: test/e2e/common/storage/secrets_volume.go, "Secrets should be consumable from pods in volume as non-root with defaultMode and fsGroup set".
// With runAsUser 1000, fsGroup 1001 and defaultMode 0440, a Secret file is readable and has mode 0440.
// (Not in the public list; the ID follows its alphabetical numbering of the v1.32 codenames.)

import { uuid } from '../../framework/json.ts';
import { doSecretE2EWithoutMapping, NON_ROOT_TEST_USER_ID } from '../../framework/storage.ts';
import type { ConformanceCase } from '../../framework/types.ts';

const testCase: ConformanceCase = {
  id: 'NV-71',
  codename: '[sig-storage] Secrets should be consumable from pods in volume as non-root with defaultMode and fsGroup set [LinuxOnly] [NodeConformance] [Conformance]',
  class: 'run',
  needs: 'run; agnhost mounttest (exact output lines such as "mode of file ...", "content of file ..."); fsGroup ownership change',
  baseName: 'secrets',
  podSecurity: 'baseline',
  async run(ctx) {
    // 0440: setting fsGroup makes the mode at least 0440.
    await doSecretE2EWithoutMapping(ctx, { projected: false }, 0o440, `secret-test-${uuid()}`, 1001, NON_ROOT_TEST_USER_ID);
  },
};

export default testCase;
