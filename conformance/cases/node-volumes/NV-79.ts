// Upstream: test/e2e/storage/subpath.go, "Subpath Atomic writer volumes should support subpaths with downward pod".
// A subPath inside a downwardAPI volume (atomic-writer layout) is mounted and readable.
// (Not in the public list; the ID follows its alphabetical numbering of the v1.32 codenames.)

import { setUpAtomicWriterData, subpathTestPod, testBasicSubpathFile } from '../../framework/storage.ts';
import type { ConformanceCase } from '../../framework/types.ts';

const testCase: ConformanceCase = {
  id: 'NV-79',
  codename: '[sig-storage] Subpath Atomic writer volumes should support subpaths with downward pod [Conformance]',
  class: 'run',
  needs: 'run; agnhost mounttest (exact output lines such as "mode of file ...", "content of file ..."); subPath bind mounts into ..data symlink layout',
  baseName: 'subpath',
  podSecurity: 'baseline',
  async run(ctx) {
    await setUpAtomicWriterData(ctx);
    const pod = subpathTestPod(ctx, 'downward/podname', 'downwardAPI', {
      downwardAPI: { items: [{ path: 'downward/podname', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.name' } }] },
    });
    await testBasicSubpathFile(ctx, pod.metadata.name, pod);
  },
};

export default testCase;
