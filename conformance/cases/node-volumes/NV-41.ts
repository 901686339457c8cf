// Upstream: test/e2e/common/storage/projected_configmap.go, "Projected configMap optional updates should be reflected in volume".
// Optional projected ConfigMap sources track creation, update and deletion of their ConfigMaps in a running pod.
// (Not in the public list; the ID follows its alphabetical numbering of the v1.32 codenames.)

import { optionalUpdatesTest } from '../../framework/storage.ts';
import type { ConformanceCase } from '../../framework/types.ts';

const testCase: ConformanceCase = {
  id: 'NV-41',
  codename: '[sig-storage] Projected configMap optional updates should be reflected in volume [NodeConformance] [Conformance]',
  class: 'run',
  needs: 'run; agnhost mounttest (exact output lines such as "mode of file ...", "content of file ..."); volume resync',
  baseName: 'projected',
  podSecurity: 'baseline',
  async run(ctx) {
    await optionalUpdatesTest(ctx, 'configMap', { projected: true });
  },
};

export default testCase;
