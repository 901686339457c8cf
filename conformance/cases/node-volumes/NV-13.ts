// Upstream: test/e2e/common/storage/downwardapi_volume.go, "Downward API volume should provide container's cpu request".
// A downwardAPI volume file holds the container's CPU request (250m, rounded up to 1).
// (Not in the public list; the ID follows its alphabetical numbering of the v1.32 codenames.)

import { uuid } from '../../framework/json.ts';
import { downwardAPIVolumeForContainerResources } from '../../framework/storage.ts';
import type { ConformanceCase } from '../../framework/types.ts';
import { testContainerOutput } from '../../framework/volumes.ts';

const testCase: ConformanceCase = {
  id: 'NV-13',
  codename: "[sig-storage] Downward API volume should provide container's cpu request [NodeConformance] [Conformance]",
  class: 'run',
  needs: 'run; agnhost mounttest (exact output lines such as "mode of file ...", "content of file ...")',
  baseName: 'downward-api',
  podSecurity: 'baseline',
  async run(ctx) {
    const podName = `downwardapi-volume-${uuid()}`;
    const pod = downwardAPIVolumeForContainerResources(podName, '/etc/podinfo/cpu_request');
    await testContainerOutput(ctx, 'downward API volume plugin', pod, 0, ['1\n']);
  },
};

export default testCase;
