// Upstream: test/e2e/common/storage/projected_secret.go, "Projected secret should be consumable from pods in volume with defaultMode set".
// The projected volume's defaultMode (0400) is applied to the Secret's files.
// (Not in the public list; the ID follows its alphabetical numbering of the v1.32 codenames.)

import { uuid } from '../../framework/json.ts';
import { doSecretE2EWithoutMapping } from '../../framework/storage.ts';
import type { ConformanceCase } from '../../framework/types.ts';

const testCase: ConformanceCase = {
  id: 'NV-64',
  codename: '[sig-storage] Projected secret should be consumable from pods in volume with defaultMode set [LinuxOnly] [NodeConformance] [Conformance]',
  class: 'run',
  needs: 'run; agnhost mounttest (exact output lines such as "mode of file ...", "content of file ...")',
  baseName: 'projected',
  podSecurity: 'baseline',
  async run(ctx) {
    await doSecretE2EWithoutMapping(ctx, { projected: true }, 0o400, `projected-secret-test-${uuid()}`);
  },
};

export default testCase;
