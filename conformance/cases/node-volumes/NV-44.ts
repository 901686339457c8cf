// Upstream: test/e2e/common/storage/projected_configmap.go, "Projected configMap should be consumable from pods in volume with defaultMode set".
// The projected volume defaultMode (0400) is applied to ConfigMap files.

import { doConfigMapE2EWithoutMappings } from '../../framework/storage.ts';
import type { ConformanceCase } from '../../framework/types.ts';

const testCase: ConformanceCase = {
  id: 'NV-44',
  codename: '[sig-storage] Projected configMap should be consumable from pods in volume with defaultMode set [LinuxOnly] [NodeConformance] [Conformance]',
  class: 'run',
  needs: 'run; agnhost mounttest (exact output lines such as "mode of file ...", "content of file ...")',
  baseName: 'projected',
  podSecurity: 'baseline',
  async run(ctx) {
    await doConfigMapE2EWithoutMappings(ctx, { projected: true }, false, 0, 0o400);
  },
};

export default testCase;
