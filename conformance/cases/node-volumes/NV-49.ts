// Upstream: test/e2e/common/storage/projected_configmap.go, "Projected configMap updates should be reflected in volume".
// Updating a ConfigMap changes the projected file in a running pod.

import { configMapUpdateTest } from '../../framework/storage.ts';
import type { ConformanceCase } from '../../framework/types.ts';

const testCase: ConformanceCase = {
  id: 'NV-49',
  codename: '[sig-storage] Projected configMap updates should be reflected in volume [NodeConformance] [Conformance]',
  class: 'run',
  needs: 'run; agnhost mounttest (exact output lines such as "mode of file ...", "content of file ...")',
  baseName: 'projected',
  podSecurity: 'baseline',
  async run(ctx) {
    await configMapUpdateTest(ctx, { projected: true });
  },
};

export default testCase;
