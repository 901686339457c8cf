// Upstream: test/e2e/common/storage/empty_dir.go, "EmptyDir volumes should support (root,0666,default)".
// A file created with mode 0666 by root in a default-medium emptyDir has exactly those permissions and the expected content.
// (Not in the public list; the ID follows its alphabetical numbering of the v1.32 codenames.)

import { doTestFileMode } from '../../framework/storage.ts';
import type { ConformanceCase } from '../../framework/types.ts';

const testCase: ConformanceCase = {
  id: 'NV-32',
  codename: '[sig-storage] EmptyDir volumes should support (root,0666,default) [LinuxOnly] [NodeConformance] [Conformance]',
  class: 'run',
  needs: 'run; agnhost mounttest (exact output lines such as "mode of file ...", "content of file ...")',
  baseName: 'emptydir',
  podSecurity: 'baseline',
  async run(ctx) {
    await doTestFileMode(ctx, 0, '', 0o666);
  },
};

export default testCase;
