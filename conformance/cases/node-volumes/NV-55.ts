// Upstream: test/e2e/common/storage/projected_downwardapi.go, "Projected downwardAPI should provide node allocatable (memory) as default memory limit if the limit is not set".
// Without a memory limit the projected limit file shows node allocatable memory.

import { uuid } from '../../framework/json.ts';
import { downwardAPIVolumeForDefaultContainerResources } from '../../framework/storage.ts';
import type { ConformanceCase } from '../../framework/types.ts';
import { testContainerOutput } from '../../framework/volumes.ts';

const testCase: ConformanceCase = {
  id: 'NV-55',
  codename: '[sig-storage] Projected downwardAPI should provide node allocatable (memory) as default memory limit if the limit is not set [NodeConformance] [Conformance]',
  class: 'run',
  needs: 'run; agnhost mounttest (exact output lines such as "mode of file ...", "content of file ...")',
  baseName: 'projected',
  podSecurity: 'baseline',
  async run(ctx) {
    // Upstream runs this one with the plain downwardAPI volume pod too.
    const podName = `downwardapi-volume-${uuid()}`;
    const pod = downwardAPIVolumeForDefaultContainerResources(podName, '/etc/podinfo/memory_limit');
    await testContainerOutput(ctx, 'downward API volume plugin', pod, 0, ['[1-9]'], 'regexp');
  },
};

export default testCase;
