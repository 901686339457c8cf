// Upstream: test/e2e/common/storage/projected_configmap.go, "Projected configMap should be consumable from pods in volume with mappings as non-root".
// A mapped projected ConfigMap key is readable by a non-root uid.

import { doConfigMapE2EWithMappings } from '../../framework/storage.ts';
import type { ConformanceCase } from '../../framework/types.ts';

const testCase: ConformanceCase = {
  id: 'NV-47',
  codename: '[sig-storage] Projected configMap should be consumable from pods in volume with mappings as non-root [NodeConformance] [Conformance]',
  class: 'run',
  needs: 'run; agnhost mounttest (exact output lines such as "mode of file ...", "content of file ...")',
  baseName: 'projected',
  podSecurity: 'baseline',
  async run(ctx) {
    await doConfigMapE2EWithMappings(ctx, { projected: true }, true, 0);
  },
};

export default testCase;
