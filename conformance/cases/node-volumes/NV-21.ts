// Upstream: test/e2e/common/storage/downwardapi_volume.go, "Downward API volume should update annotations on modification".
// Changing pod annotations updates the downwardAPI annotations file in place.
// (Not in the public list; the ID follows its alphabetical numbering of the v1.32 codenames.)

import { downwardAPIUpdateTest } from '../../framework/storage.ts';
import type { ConformanceCase } from '../../framework/types.ts';

const testCase: ConformanceCase = {
  id: 'NV-21',
  codename: '[sig-storage] Downward API volume should update annotations on modification [NodeConformance] [Conformance]',
  class: 'run',
  needs: 'run; agnhost mounttest loop; volume resync',
  baseName: 'downward-api',
  podSecurity: 'baseline',
  async run(ctx) {
    await downwardAPIUpdateTest(ctx, { projected: false }, 'annotations');
  },
};

export default testCase;
