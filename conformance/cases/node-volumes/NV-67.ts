// Upstream: test/e2e/common/storage/projected_secret.go, "Projected secret should be consumable in multiple volumes in a pod".
// One Secret projected into two volumes of a pod shows up in both.

import { multipleVolumesTest } from '../../framework/storage.ts';
import type { ConformanceCase } from '../../framework/types.ts';

const testCase: ConformanceCase = {
  id: 'NV-67',
  codename: '[sig-storage] Projected secret should be consumable in multiple volumes in a pod [NodeConformance] [Conformance]',
  class: 'run',
  needs: 'run; agnhost mounttest (exact output lines such as "mode of file ...", "content of file ...")',
  baseName: 'projected',
  podSecurity: 'baseline',
  async run(ctx) {
    await multipleVolumesTest(ctx, 'secret', { projected: true });
  },
};

export default testCase;
