// Upstream: test/e2e/common/storage/empty_dir.go, "EmptyDir volumes volume on tmpfs should have the correct mode".
// A Memory-medium emptyDir is a tmpfs mount and its directory mode is 0777.

import { doTestVolumeMode } from '../../framework/storage.ts';
import type { ConformanceCase } from '../../framework/types.ts';

const testCase: ConformanceCase = {
  id: 'NV-37',
  codename: '[sig-storage] EmptyDir volumes volume on tmpfs should have the correct mode [LinuxOnly] [NodeConformance] [Conformance]',
  class: 'run',
  needs: 'run; agnhost mounttest (exact output lines such as "mode of file ...", "content of file ..."); real tmpfs mount',
  baseName: 'emptydir',
  podSecurity: 'baseline',
  async run(ctx) {
    await doTestVolumeMode(ctx, 0, 'Memory');
  },
};

export default testCase;
