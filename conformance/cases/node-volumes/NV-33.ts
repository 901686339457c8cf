// Upstream: test/e2e/common/storage/empty_dir.go, "EmptyDir volumes should support (root,0666,tmpfs)".
// A file created with mode 0666 by root in a Memory-medium (must really be tmpfs) emptyDir has exactly those permissions and the expected content.

import { doTestFileMode } from '../../framework/storage.ts';
import type { ConformanceCase } from '../../framework/types.ts';

const testCase: ConformanceCase = {
  id: 'NV-33',
  codename: '[sig-storage] EmptyDir volumes should support (root,0666,tmpfs) [LinuxOnly] [NodeConformance] [Conformance]',
  class: 'run',
  needs: 'run; agnhost mounttest (exact output lines such as "mode of file ...", "content of file ...")',
  baseName: 'emptydir',
  podSecurity: 'baseline',
  async run(ctx) {
    await doTestFileMode(ctx, 0, 'Memory', 0o666);
  },
};

export default testCase;
