// Upstream: test/e2e/common/storage/projected_configmap.go, "Projected configMap should be consumable from pods in volume as non-root".
// A projected ConfigMap source is readable by a non-root uid.

import { doConfigMapE2EWithoutMappings } from '../../framework/storage.ts';
import type { ConformanceCase } from '../../framework/types.ts';

const testCase: ConformanceCase = {
  id: 'NV-43',
  codename: '[sig-storage] Projected configMap should be consumable from pods in volume as non-root [NodeConformance] [Conformance]',
  class: 'run',
  needs: 'run; agnhost mounttest (exact output lines such as "mode of file ...", "content of file ...")',
  baseName: 'projected',
  podSecurity: 'baseline',
  async run(ctx) {
    await doConfigMapE2EWithoutMappings(ctx, { projected: true }, true, 0);
  },
};

export default testCase;
