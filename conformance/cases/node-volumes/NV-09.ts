// Upstream: test/e2e/common/storage/configmap_volume.go, "ConfigMap should be consumable in multiple volumes in the same pod".
// One ConfigMap mounted as two volumes at two paths shows the same data in both.

import { multipleVolumesTest } from '../../framework/storage.ts';
import type { ConformanceCase } from '../../framework/types.ts';

const testCase: ConformanceCase = {
  id: 'NV-09',
  codename: '[sig-storage] ConfigMap should be consumable in multiple volumes in the same pod [NodeConformance] [Conformance]',
  class: 'run',
  needs: 'run; agnhost mounttest (exact output lines such as "mode of file ...", "content of file ...")',
  baseName: 'configmap',
  podSecurity: 'baseline',
  async run(ctx) {
    await multipleVolumesTest(ctx, 'configMap', { projected: false });
  },
};

export default testCase;
