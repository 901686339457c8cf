// Upstream: test/e2e/common/storage/secrets_volume.go, "Secrets should be consumable in multiple volumes in a pod".
// One Secret mounted as two volumes of a pod shows up in both.
// (Not in the public list; the ID follows its alphabetical numbering of the v1.32 codenames.)

import { multipleVolumesTest } from '../../framework/storage.ts';
import type { ConformanceCase } from '../../framework/types.ts';

const testCase: ConformanceCase = {
  id: 'NV-75',
  codename: '[sig-storage] Secrets should be consumable in multiple volumes in a pod [NodeConformance] [Conformance]',
  class: 'run',
  needs: 'run; agnhost mounttest (exact output lines such as "mode of file ...", "content of file ...")',
  baseName: 'secrets',
  podSecurity: 'baseline',
  async run(ctx) {
    await multipleVolumesTest(ctx, 'secret', { projected: false });
  },
};

export default testCase;
