// Upstream: test/e2e/common/storage/downwardapi_volume.go, "Downward API volume should set mode on item file".
// A per-item mode (0400) on a downwardAPI file is applied.

import { uuid } from '../../framework/json.ts';
import { downwardAPIVolumePodForModeTest } from '../../framework/storage.ts';
import type { ConformanceCase } from '../../framework/types.ts';
import { testContainerOutput } from '../../framework/volumes.ts';

const testCase: ConformanceCase = {
  id: 'NV-20',
  codename: '[sig-storage] Downward API volume should set mode on item file [LinuxOnly] [NodeConformance] [Conformance]',
  class: 'run',
  needs: 'run; agnhost mounttest (exact output lines such as "mode of file ...", "content of file ...")',
  baseName: 'downward-api',
  podSecurity: 'baseline',
  async run(ctx) {
    const podName = `downwardapi-volume-${uuid()}`;
    const pod = downwardAPIVolumePodForModeTest(podName, '/etc/podinfo/podname', { projected: false }, 0o400);
    await testContainerOutput(ctx, 'downward API volume plugin', pod, 0, ['mode of file "/etc/podinfo/podname": -r--------']);
  },
};

export default testCase;
