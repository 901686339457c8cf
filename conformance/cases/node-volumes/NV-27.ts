// Upstream: test/e2e/common/storage/empty_dir.go, "EmptyDir volumes should support (non-root,0666,tmpfs)".
// A file created with mode 0666 by uid 1001 in a Memory-medium emptyDir has exactly those permissions and the expected content.
// (Not in the public list; the ID follows its alphabetical numbering of the v1.32 codenames.)

import { doTestFileMode, EMPTYDIR_NON_ROOT_UID } from '../../framework/storage.ts';
import type { ConformanceCase } from '../../framework/types.ts';

const testCase: ConformanceCase = {
  id: 'NV-27',
  codename: '[sig-storage] EmptyDir volumes should support (non-root,0666,tmpfs) [LinuxOnly] [NodeConformance] [Conformance]',
  class: 'run',
  needs: 'run; agnhost mounttest (exact output lines such as "mode of file ...", "content of file ..."); runAsUser 1001',
  baseName: 'emptydir',
  podSecurity: 'baseline',
  async run(ctx) {
    await doTestFileMode(ctx, EMPTYDIR_NON_ROOT_UID, 'Memory', 0o666);
  },
};

export default testCase;
