// Upstream: test/e2e/common/storage/downwardapi_volume.go, "Downward API volume should update labels on modification".
// Changing pod labels updates the downwardAPI labels file in place.
// (Not in the public list; the ID follows its alphabetical numbering of the v1.32 codenames.)

import { downwardAPIUpdateTest } from '../../framework/storage.ts';
import type { ConformanceCase } from '../../framework/types.ts';

const testCase: ConformanceCase = {
  id: 'NV-22',
  codename: '[sig-storage] Downward API volume should update labels on modification [NodeConformance] [Conformance]',
  class: 'run',
  needs: 'run; agnhost mounttest loop; volume resync',
  baseName: 'downward-api',
  podSecurity: 'baseline',
  async run(ctx) {
    await downwardAPIUpdateTest(ctx, { projected: false }, 'labels');
  },
};

export default testCase;
