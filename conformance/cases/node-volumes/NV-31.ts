// Upstream: test/e2e/common/storage/empty_dir.go, "EmptyDir volumes should support (root,0644,tmpfs)".
// A file created with mode 0644 by root in a Memory-medium emptyDir has exactly those permissions and the expected content.
// (Not in the public list; the ID follows its alphabetical numbering of the v1.32 codenames.)

import { doTestFileMode } from '../../framework/storage.ts';
import type { ConformanceCase } from '../../framework/types.ts';

const testCase: ConformanceCase = {
  id: 'NV-31',
  codename: '[sig-storage] EmptyDir volumes should support (root,0644,tmpfs) [LinuxOnly] [NodeConformance] [Conformance]',
  class: 'run',
  needs: 'run; agnhost mounttest (exact output lines such as "mode of file ...", "content of file ...")',
  baseName: 'emptydir',
  podSecurity: 'baseline',
  async run(ctx) {
    await doTestFileMode(ctx, 0, 'Memory', 0o644);
  },
};

export default testCase;
