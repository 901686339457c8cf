// Upstream: test/e2e/common/storage/configmap_volume.go, "ConfigMap updates should be reflected in volume".
// Updating a ConfigMap changes the file content seen by an already-running pod.

import { configMapUpdateTest } from '../../framework/storage.ts';
import type { ConformanceCase } from '../../framework/types.ts';

const testCase: ConformanceCase = {
  id: 'NV-11',
  codename: '[sig-storage] ConfigMap updates should be reflected in volume [NodeConformance] [Conformance]',
  class: 'run',
  needs: 'run; agnhost mounttest (exact output lines such as "mode of file ...", "content of file ..."); volume resync',
  baseName: 'configmap',
  podSecurity: 'baseline',
  async run(ctx) {
    await configMapUpdateTest(ctx, { projected: false });
  },
};

export default testCase;
