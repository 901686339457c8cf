// Upstream: test/e2e/common/storage/secrets_volume.go, "Secrets optional updates should be reflected in volume".
// Optional Secret volumes track creation, update and deletion of their Secrets in a running pod.
// (Not in the public list; the ID follows its alphabetical numbering of the v1.32 codenames.)

import { optionalUpdatesTest } from '../../framework/storage.ts';
import type { ConformanceCase } from '../../framework/types.ts';

const testCase: ConformanceCase = {
  id: 'NV-68',
  codename: '[sig-storage] Secrets optional updates should be reflected in volume [NodeConformance] [Conformance]',
  class: 'run',
  needs: 'run; agnhost mounttest (exact output lines such as "mode of file ...", "content of file ..."); volume resync',
  baseName: 'secrets',
  podSecurity: 'baseline',
  async run(ctx) {
    await optionalUpdatesTest(ctx, 'secret', { projected: false });
  },
};

export default testCase;
