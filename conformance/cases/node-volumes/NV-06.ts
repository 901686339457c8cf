// Upstream: test/e2e/common/storage/configmap_volume.go, "ConfigMap should be consumable from pods in volume with mappings".
// items[] maps a key to a custom relative path, with default mode.

import { doConfigMapE2EWithMappings } from '../../framework/storage.ts';
import type { ConformanceCase } from '../../framework/types.ts';

const testCase: ConformanceCase = {
  id: 'NV-06',
  codename: '[sig-storage] ConfigMap should be consumable from pods in volume with mappings [NodeConformance] [Conformance]',
  class: 'run',
  needs: 'run; agnhost mounttest (exact output lines such as "mode of file ...", "content of file ...")',
  baseName: 'configmap',
  podSecurity: 'baseline',
  async run(ctx) {
    await doConfigMapE2EWithMappings(ctx, { projected: false }, false, 0);
  },
};

export default testCase;
