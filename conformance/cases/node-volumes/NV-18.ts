// Upstream: test/e2e/common/storage/downwardapi_volume.go, "Downward API volume should provide podname only".
// A downwardAPI volume file contains just the pod name.

import { uuid } from '../../framework/json.ts';
import { downwardAPIVolumePodForSimpleTest } from '../../framework/storage.ts';
import type { ConformanceCase } from '../../framework/types.ts';
import { testContainerOutput } from '../../framework/volumes.ts';

const testCase: ConformanceCase = {
  id: 'NV-18',
  codename: '[sig-storage] Downward API volume should provide podname only [NodeConformance] [Conformance]',
  class: 'run',
  needs: 'run; agnhost mounttest (exact output lines such as "mode of file ...", "content of file ...")',
  baseName: 'downward-api',
  podSecurity: 'baseline',
  async run(ctx) {
    const podName = `downwardapi-volume-${uuid()}`;
    const pod = downwardAPIVolumePodForSimpleTest(podName, '/etc/podinfo/podname');
    await testContainerOutput(ctx, 'downward API volume plugin', pod, 0, [`${podName}\n`]);
  },
};

export default testCase;
