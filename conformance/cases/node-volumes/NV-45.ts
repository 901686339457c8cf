// Upstream: test/e2e/common/storage/projected_configmap.go, "Projected configMap should be consumable from pods in volume with mappings".
// A projected ConfigMap key mapped to a custom path has the right content.

import { doConfigMapE2EWithMappings } from '../../framework/storage.ts';
import type { ConformanceCase } from '../../framework/types.ts';

const testCase: ConformanceCase = {
  id: 'NV-45',
  codename: '[sig-storage] Projected configMap should be consumable from pods in volume with mappings [NodeConformance] [Conformance]',
  class: 'run',
  needs: 'run; agnhost mounttest (exact output lines such as "mode of file ...", "content of file ...")',
  baseName: 'projected',
  podSecurity: 'baseline',
  async run(ctx) {
    await doConfigMapE2EWithMappings(ctx, { projected: true }, false, 0);
  },
};

export default testCase;
