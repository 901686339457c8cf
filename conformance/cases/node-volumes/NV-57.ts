// Upstream: test/e2e/common/storage/projected_downwardapi.go, "Projected downwardAPI should set DefaultMode on files".
// The projected volume's defaultMode (0400) is applied to the downward-API files.
// (Not in the public list; the ID follows its alphabetical numbering of the v1.32 codenames.)

import { uuid } from '../../framework/json.ts';
import { downwardAPIVolumePodForModeTest } from '../../framework/storage.ts';
import type { ConformanceCase } from '../../framework/types.ts';
import { testContainerOutput } from '../../framework/volumes.ts';

const testCase: ConformanceCase = {
  id: 'NV-57',
  codename: '[sig-storage] Projected downwardAPI should set DefaultMode on files [LinuxOnly] [NodeConformance] [Conformance]',
  class: 'run',
  needs: 'run; agnhost mounttest (exact output lines such as "mode of file ...", "content of file ...")',
  baseName: 'projected',
  podSecurity: 'baseline',
  async run(ctx) {
    const podName = `downwardapi-volume-${uuid()}`;
    const pod = downwardAPIVolumePodForModeTest(podName, '/etc/podinfo/podname', { projected: true }, undefined, 0o400);
    await testContainerOutput(ctx, 'downward API volume plugin', pod, 0, ['mode of file "/etc/podinfo/podname": -r--------']);
  },
};

export default testCase;
