// Upstream: test/e2e/common/storage/empty_dir.go, "EmptyDir volumes volume on default medium should have the correct mode".
// A default-medium emptyDir directory has mode 0777 (drwxrwxrwx).

import { doTestVolumeMode } from '../../framework/storage.ts';
import type { ConformanceCase } from '../../framework/types.ts';

const testCase: ConformanceCase = {
  id: 'NV-36',
  codename: '[sig-storage] EmptyDir volumes volume on default medium should have the correct mode [LinuxOnly] [NodeConformance] [Conformance]',
  class: 'run',
  needs: 'run; agnhost mounttest (exact output lines such as "mode of file ...", "content of file ...")',
  baseName: 'emptydir',
  podSecurity: 'baseline',
  async run(ctx) {
    await doTestVolumeMode(ctx, 0, '');
  },
};

export default testCase;
