// Upstream: test/e2e/common/storage/downwardapi_volume.go, "Downward API volume should set DefaultMode on files".
// The downwardAPI volume's defaultMode (0400) is applied to its files.
// (Not in the public list; the ID follows its alphabetical numbering of the v1.32 codenames.)

import { uuid } from '../../framework/json.ts';
import { downwardAPIVolumePodForModeTest } from '../../framework/storage.ts';
import type { ConformanceCase } from '../../framework/types.ts';
import { testContainerOutput } from '../../framework/volumes.ts';

const testCase: ConformanceCase = {
  id: 'NV-19',
  codename: '[sig-storage] Downward API volume should set DefaultMode on files [LinuxOnly] [NodeConformance] [Conformance]',
  class: 'run',
  needs: 'run; agnhost mounttest (exact output lines such as "mode of file ...", "content of file ...")',
  baseName: 'downward-api',
  podSecurity: 'baseline',
  async run(ctx) {
    const podName = `downwardapi-volume-${uuid()}`;
    const pod = downwardAPIVolumePodForModeTest(podName, '/etc/podinfo/podname', { projected: false }, undefined, 0o400);
    await testContainerOutput(ctx, 'downward API volume plugin', pod, 0, ['mode of file "/etc/podinfo/podname": -r--------']);
  },
};

export default testCase;
