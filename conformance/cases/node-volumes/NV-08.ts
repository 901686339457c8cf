// Upstream: test/e2e/common/storage/configmap_volume.go, "ConfigMap should be consumable from pods in volume with mappings as non-root".
// A mapped ConfigMap key is readable by uid 1000 with the default mode.
// (Not in the public list; the ID follows its alphabetical numbering of the v1.32 codenames.)

import { doConfigMapE2EWithMappings } from '../../framework/storage.ts';
import type { ConformanceCase } from '../../framework/types.ts';

const testCase: ConformanceCase = {
  id: 'NV-08',
  codename: '[sig-storage] ConfigMap should be consumable from pods in volume with mappings as non-root [NodeConformance] [Conformance]',
  class: 'run',
  needs: 'run; agnhost mounttest (exact output lines such as "mode of file ...", "content of file ..."); runAsUser 1000',
  baseName: 'configmap',
  podSecurity: 'baseline',
  async run(ctx) {
    await doConfigMapE2EWithMappings(ctx, { projected: false }, true, 0);
  },
};

export default testCase;
