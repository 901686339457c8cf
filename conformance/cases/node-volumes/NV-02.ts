// Upstream: test/e2e/common/storage/configmap_volume.go, "ConfigMap optional updates should be reflected in volume".
// Optional ConfigMap volumes: a missing map mounts empty and fills in when created, an update shows up, and a deleted map's file disappears, all in a running pod.

import { optionalUpdatesTest } from '../../framework/storage.ts';
import type { ConformanceCase } from '../../framework/types.ts';

const testCase: ConformanceCase = {
  id: 'NV-02',
  codename: '[sig-storage] ConfigMap optional updates should be reflected in volume [NodeConformance] [Conformance]',
  class: 'run',
  needs: 'run; agnhost mounttest (exact output lines such as "mode of file ...", "content of file ..."); volume resync loop',
  baseName: 'configmap',
  podSecurity: 'baseline',
  async run(ctx) {
    await optionalUpdatesTest(ctx, 'configMap', { projected: false });
  },
};

export default testCase;
