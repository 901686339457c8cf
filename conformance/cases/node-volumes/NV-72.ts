// Upstream: test/e2e/common/storage/secrets_volume.go, "Secrets should be consumable from pods in volume with defaultMode set".
// The Secret volume's defaultMode (0400) is applied to its files.
// (Not in the public list; the ID follows its alphabetical numbering of the v1.32 codenames.)

import { uuid } from '../../framework/json.ts';
import { doSecretE2EWithoutMapping } from '../../framework/storage.ts';
import type { ConformanceCase } from '../../framework/types.ts';

const testCase: ConformanceCase = {
  id: 'NV-72',
  codename: '[sig-storage] Secrets should be consumable from pods in volume with defaultMode set [LinuxOnly] [NodeConformance] [Conformance]',
  class: 'run',
  needs: 'run; agnhost mounttest (exact output lines such as "mode of file ...", "content of file ...")',
  baseName: 'secrets',
  podSecurity: 'baseline',
  async run(ctx) {
    await doSecretE2EWithoutMapping(ctx, { projected: false }, 0o400, `secret-test-${uuid()}`);
  },
};

export default testCase;
