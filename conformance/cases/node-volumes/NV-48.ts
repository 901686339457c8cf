// Upstream: test/e2e/common/storage/projected_configmap.go, "Projected configMap should be consumable in multiple volumes in the same pod".
// One ConfigMap projected into two volumes of the same pod appears in both.

import { multipleVolumesTest } from '../../framework/storage.ts';
import type { ConformanceCase } from '../../framework/types.ts';

const testCase: ConformanceCase = {
  id: 'NV-48',
  codename: '[sig-storage] Projected configMap should be consumable in multiple volumes in the same pod [NodeConformance] [Conformance]',
  class: 'run',
  needs: 'run; agnhost mounttest (exact output lines such as "mode of file ...", "content of file ...")',
  baseName: 'projected',
  podSecurity: 'baseline',
  async run(ctx) {
    await multipleVolumesTest(ctx, 'configMap', { projected: true });
  },
};

export default testCase;
