// Upstream: test/e2e/common/storage/downwardapi_volume.go, "Downward API volume should provide node allocatable (memory) as default memory limit if the limit is not set".
// With no memory limit set the limit file shows the node's allocatable memory.
// (Not in the public list; the ID follows its alphabetical numbering of the v1.32 codenames.)

import { uuid } from '../../framework/json.ts';
import { downwardAPIVolumeForDefaultContainerResources } from '../../framework/storage.ts';
import type { ConformanceCase } from '../../framework/types.ts';
import { testContainerOutput } from '../../framework/volumes.ts';

const testCase: ConformanceCase = {
  id: 'NV-17',
  codename: '[sig-storage] Downward API volume should provide node allocatable (memory) as default memory limit if the limit is not set [NodeConformance] [Conformance]',
  class: 'run',
  needs: 'run; agnhost mounttest (exact output lines such as "mode of file ...", "content of file ..."); node allocatable',
  baseName: 'downward-api',
  podSecurity: 'baseline',
  async run(ctx) {
    const podName = `downwardapi-volume-${uuid()}`;
    const pod = downwardAPIVolumeForDefaultContainerResources(podName, '/etc/podinfo/memory_limit');
    await testContainerOutput(ctx, 'downward API volume plugin', pod, 0, ['[1-9]'], 'regexp');
  },
};

export default testCase;
