// Upstream: test/e2e/common/storage/configmap_volume.go, "ConfigMap should be consumable from pods in volume as non-root".
// Same as the basic ConfigMap volume case but read by a non-root uid.

import { doConfigMapE2EWithoutMappings } from '../../framework/storage.ts';
import type { ConformanceCase } from '../../framework/types.ts';

const testCase: ConformanceCase = {
  id: 'NV-04',
  codename: '[sig-storage] ConfigMap should be consumable from pods in volume as non-root [NodeConformance] [Conformance]',
  class: 'run',
  needs: 'run; agnhost mounttest (exact output lines such as "mode of file ...", "content of file ..."); runAsUser 1000',
  baseName: 'configmap',
  podSecurity: 'baseline',
  async run(ctx) {
    await doConfigMapE2EWithoutMappings(ctx, { projected: false }, true, 0);
  },
};

export default testCase;
