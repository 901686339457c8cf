// Upstream: test/e2e/common/storage/projected_downwardapi.go, "Projected downwardAPI should provide podname only".
// A projected downward-API file contains the pod name.

import { uuid } from '../../framework/json.ts';
import { downwardAPIVolumePodForSimpleTest } from '../../framework/storage.ts';
import type { ConformanceCase } from '../../framework/types.ts';
import { testContainerOutput } from '../../framework/volumes.ts';

const testCase: ConformanceCase = {
  id: 'NV-56',
  codename: '[sig-storage] Projected downwardAPI should provide podname only [NodeConformance] [Conformance]',
  class: 'run',
  needs: 'run; agnhost mounttest (exact output lines such as "mode of file ...", "content of file ...")',
  baseName: 'projected',
  podSecurity: 'baseline',
  async run(ctx) {
    // Upstream runs this one with the plain downwardAPI volume pod too.
    const podName = `downwardapi-volume-${uuid()}`;
    const pod = downwardAPIVolumePodForSimpleTest(podName, '/etc/podinfo/podname');
    await testContainerOutput(ctx, 'downward API volume plugin', pod, 0, [`${podName}\n`]);
  },
};

export default testCase;
