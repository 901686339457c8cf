// Upstream: test/e2e/common/storage/downwardapi_volume.go, "Downward API volume should provide node allocatable (cpu) as default cpu limit if the limit is not set".
// With no CPU limit set the limit file shows the node's allocatable CPU.

import { uuid } from '../../framework/json.ts';
import { downwardAPIVolumeForDefaultContainerResources } from '../../framework/storage.ts';
import type { ConformanceCase } from '../../framework/types.ts';
import { testContainerOutput } from '../../framework/volumes.ts';

const testCase: ConformanceCase = {
  id: 'NV-16',
  codename: '[sig-storage] Downward API volume should provide node allocatable (cpu) as default cpu limit if the limit is not set [NodeConformance] [Conformance]',
  class: 'run',
  needs: 'run; agnhost mounttest (exact output lines such as "mode of file ...", "content of file ..."); node allocatable',
  baseName: 'downward-api',
  podSecurity: 'baseline',
  async run(ctx) {
    const podName = `downwardapi-volume-${uuid()}`;
    const pod = downwardAPIVolumeForDefaultContainerResources(podName, '/etc/podinfo/cpu_limit');
    await testContainerOutput(ctx, 'downward API volume plugin', pod, 0, ['[1-9]'], 'regexp');
  },
};

export default testCase;
