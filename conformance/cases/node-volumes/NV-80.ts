// Upstream: test/e2e/storage/subpath.go, "Subpath Atomic writer volumes should support subpaths with projected pod".
// A subPath inside a projected volume is mounted and readable.

import { setUpAtomicWriterData, subpathTestPod, testBasicSubpathFile } from '../../framework/storage.ts';
import type { ConformanceCase } from '../../framework/types.ts';

const testCase: ConformanceCase = {
  id: 'NV-80',
  codename: '[sig-storage] Subpath Atomic writer volumes should support subpaths with projected pod [Conformance]',
  class: 'run',
  needs: 'run; agnhost mounttest (exact output lines such as "mode of file ...", "content of file ..."); subPath bind mounts into ..data symlink layout',
  baseName: 'subpath',
  podSecurity: 'baseline',
  async run(ctx) {
    await setUpAtomicWriterData(ctx);
    const pod = subpathTestPod(ctx, 'projected/configmap-key', 'projected', {
      projected: { sources: [{ configMap: { name: 'my-configmap', items: [{ path: 'projected/configmap-key', key: 'configmap-key' }] } }] },
    });
    await testBasicSubpathFile(ctx, 'configmap-value', pod);
  },
};

export default testCase;
