// Upstream: test/e2e/common/storage/projected_configmap.go, "Projected configMap should be consumable from pods in volume with mappings and Item mode set".
// A mapped projected ConfigMap key honours its per-item mode.

import { doConfigMapE2EWithMappings } from '../../framework/storage.ts';
import type { ConformanceCase } from '../../framework/types.ts';

const testCase: ConformanceCase = {
  id: 'NV-46',
  codename: '[sig-storage] Projected configMap should be consumable from pods in volume with mappings and Item mode set [LinuxOnly] [NodeConformance] [Conformance]',
  class: 'run',
  needs: 'run; agnhost mounttest (exact output lines such as "mode of file ...", "content of file ...")',
  baseName: 'projected',
  podSecurity: 'baseline',
  async run(ctx) {
    // Upstream's projected variant puts the "item" mode on the projected volume's defaultMode.
    await doConfigMapE2EWithMappings(ctx, { projected: true }, false, 0, 0o400);
  },
};

export default testCase;
