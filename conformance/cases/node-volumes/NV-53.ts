// Upstream: test/e2e/common/storage/projected_downwardapi.go, "Projected downwardAPI should provide container's memory request".
// A projected downward-API file holds the memory request.

import { uuid } from '../../framework/json.ts';
import { downwardAPIVolumeForContainerResources } from '../../framework/storage.ts';
import type { ConformanceCase } from '../../framework/types.ts';
import { testContainerOutput } from '../../framework/volumes.ts';

const testCase: ConformanceCase = {
  id: 'NV-53',
  codename: "[sig-storage] Projected downwardAPI should provide container's memory request [NodeConformance] [Conformance]",
  class: 'run',
  needs: 'run; agnhost mounttest (exact output lines such as "mode of file ...", "content of file ...")',
  baseName: 'projected',
  podSecurity: 'baseline',
  async run(ctx) {
    // Upstream runs this one with the plain downwardAPI volume pod too.
    const podName = `downwardapi-volume-${uuid()}`;
    const pod = downwardAPIVolumeForContainerResources(podName, '/etc/podinfo/memory_request');
    await testContainerOutput(ctx, 'downward API volume plugin', pod, 0, ['33554432\n']);
  },
};

export default testCase;
