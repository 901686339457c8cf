// Upstream: test/e2e/common/storage/downwardapi_volume.go, "Downward API volume should provide container's cpu limit".
// A downwardAPI volume file holds the container's CPU limit.

import { uuid } from '../../framework/json.ts';
import { downwardAPIVolumeForContainerResources } from '../../framework/storage.ts';
import type { ConformanceCase } from '../../framework/types.ts';
import { testContainerOutput } from '../../framework/volumes.ts';

const testCase: ConformanceCase = {
  id: 'NV-12',
  codename: "[sig-storage] Downward API volume should provide container's cpu limit [NodeConformance] [Conformance]",
  class: 'run',
  needs: 'run; agnhost mounttest (exact output lines such as "mode of file ...", "content of file ...")',
  baseName: 'downward-api',
  podSecurity: 'baseline',
  async run(ctx) {
    const podName = `downwardapi-volume-${uuid()}`;
    const pod = downwardAPIVolumeForContainerResources(podName, '/etc/podinfo/cpu_limit');
    await testContainerOutput(ctx, 'downward API volume plugin', pod, 0, ['2\n']);
  },
};

export default testCase;
