// Upstream: test/e2e/storage/subpath.go, "Subpath Atomic writer volumes should support subpaths with configmap pod with mountPath of existing file".
// A single-file subPath from a ConfigMap volume is mounted over a file that already exists in the image.

import { setUpAtomicWriterData, subpathTestPod, testBasicSubpathFile } from '../../framework/storage.ts';
import type { ConformanceCase } from '../../framework/types.ts';

const testCase: ConformanceCase = {
  id: 'NV-78',
  codename: '[sig-storage] Subpath Atomic writer volumes should support subpaths with configmap pod with mountPath of existing file [Conformance]',
  class: 'run',
  needs: 'run; agnhost mounttest (exact output lines such as "mode of file ...", "content of file ..."); subPath bind mounts into ..data symlink layout',
  baseName: 'subpath',
  podSecurity: 'baseline',
  async run(ctx) {
    await setUpAtomicWriterData(ctx);
    const pod = subpathTestPod(ctx, 'configmap-key', 'configmap', { configMap: { name: 'my-configmap' } });
    const file = '/etc/resolv.conf';
    const mounts = pod.spec.containers[0].volumeMounts ?? [];
    mounts[0].mountPath = file;
    await testBasicSubpathFile(ctx, 'configmap-value', pod, file);
  },
};

export default testCase;
