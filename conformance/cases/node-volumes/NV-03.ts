// Upstream: test/e2e/common/storage/configmap_volume.go, "ConfigMap should be consumable from pods in volume".
// ConfigMap keys appear as files with the right content and default mode 0644.
// (Not in the public list; the ID follows its alphabetical numbering of the v1.32 codenames.)

import { doConfigMapE2EWithoutMappings } from '../../framework/storage.ts';
import type { ConformanceCase } from '../../framework/types.ts';

const testCase: ConformanceCase = {
  id: 'NV-03',
  codename: '[sig-storage] ConfigMap should be consumable from pods in volume [NodeConformance] [Conformance]',
  class: 'run',
  needs: 'run; agnhost mounttest (exact output lines such as "mode of file ...", "content of file ...")',
  baseName: 'configmap',
  podSecurity: 'baseline',
  async run(ctx) {
    await doConfigMapE2EWithoutMappings(ctx, { projected: false }, false, 0);
  },
};

export default testCase;
