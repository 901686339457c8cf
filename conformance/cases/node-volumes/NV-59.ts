// Upstream: test/e2e/common/storage/projected_downwardapi.go, "Projected downwardAPI should update annotations on modification".
// Changing pod annotations updates the projected annotations file in place.

import { downwardAPIUpdateTest } from '../../framework/storage.ts';
import type { ConformanceCase } from '../../framework/types.ts';

const testCase: ConformanceCase = {
  id: 'NV-59',
  codename: '[sig-storage] Projected downwardAPI should update annotations on modification [NodeConformance] [Conformance]',
  class: 'run',
  needs: 'run; busybox (cat loop); volume resync',
  baseName: 'projected',
  podSecurity: 'baseline',
  async run(ctx) {
    await downwardAPIUpdateTest(ctx, { projected: true }, 'annotations');
  },
};

export default testCase;
