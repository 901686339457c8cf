// Upstream: test/e2e/storage/subpath.go, "Subpath Atomic writer volumes should support subpaths with secret pod".
// A subPath inside a Secret volume is mounted and readable.

import { setUpAtomicWriterData, subpathTestPod, testBasicSubpathFile } from '../../framework/storage.ts';
import type { ConformanceCase } from '../../framework/types.ts';

const testCase: ConformanceCase = {
  id: 'NV-81',
  codename: '[sig-storage] Subpath Atomic writer volumes should support subpaths with secret pod [Conformance]',
  class: 'run',
  needs: 'run; agnhost mounttest (exact output lines such as "mode of file ...", "content of file ..."); subPath bind mounts into ..data symlink layout',
  baseName: 'subpath',
  podSecurity: 'baseline',
  async run(ctx) {
    await setUpAtomicWriterData(ctx);
    const pod = subpathTestPod(ctx, 'secret-key', 'secret', { secret: { secretName: 'my-secret' } });
    await testBasicSubpathFile(ctx, 'secret-value', pod);
  },
};

export default testCase;
