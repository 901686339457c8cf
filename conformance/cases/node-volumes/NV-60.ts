// Upstream: test/e2e/common/storage/projected_downwardapi.go, "Projected downwardAPI should update labels on modification".
// Changing pod labels updates the projected labels file in place.

import { downwardAPIUpdateTest } from '../../framework/storage.ts';
import type { ConformanceCase } from '../../framework/types.ts';

const testCase: ConformanceCase = {
  id: 'NV-60',
  codename: '[sig-storage] Projected downwardAPI should update labels on modification [NodeConformance] [Conformance]',
  class: 'run',
  needs: 'run; busybox (cat loop); volume resync',
  baseName: 'projected',
  podSecurity: 'baseline',
  async run(ctx) {
    await downwardAPIUpdateTest(ctx, { projected: true }, 'labels');
  },
};

export default testCase;
