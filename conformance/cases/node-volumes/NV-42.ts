// Upstream: test/e2e/common/storage/projected_configmap.go, "Projected configMap should be consumable from pods in volume".
// A projected ConfigMap source yields files with correct content and mode 0644.

import { doConfigMapE2EWithoutMappings } from '../../framework/storage.ts';
import type { ConformanceCase } from '../../framework/types.ts';

const testCase: ConformanceCase = {
  id: 'NV-42',
  codename: '[sig-storage] Projected configMap should be consumable from pods in volume [NodeConformance] [Conformance]',
  class: 'run',
  needs: 'run; agnhost mounttest (exact output lines such as "mode of file ...", "content of file ...")',
  baseName: 'projected',
  podSecurity: 'baseline',
  async run(ctx) {
    await doConfigMapE2EWithoutMappings(ctx, { projected: true }, false, 0);
  },
};

export default testCase;
