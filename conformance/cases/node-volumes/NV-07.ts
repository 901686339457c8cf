// Upstream: test/e2e/common/storage/configmap_volume.go, "ConfigMap should be consumable from pods in volume with mappings and Item mode set".
// A mapped ConfigMap key honours its per-item mode (0400).
// (Not in the public list; the ID follows its alphabetical numbering of the v1.32 codenames.)

import { doConfigMapE2EWithMappings } from '../../framework/storage.ts';
import type { ConformanceCase } from '../../framework/types.ts';

const testCase: ConformanceCase = {
  id: 'NV-07',
  codename: '[sig-storage] ConfigMap should be consumable from pods in volume with mappings and Item mode set [LinuxOnly] [NodeConformance] [Conformance]',
  class: 'run',
  needs: 'run; agnhost mounttest (exact output lines such as "mode of file ...", "content of file ...")',
  baseName: 'configmap',
  podSecurity: 'baseline',
  async run(ctx) {
    await doConfigMapE2EWithMappings(ctx, { projected: false }, false, 0, 0o400);
  },
};

export default testCase;
