// Upstream: test/e2e/common/storage/projected_combined.go, "Projected combined should project
// all components that make up the projection API". One projected volume merges a downward API
// item, a Secret and a ConfigMap; busybox cats all three files.

import { must } from '../../framework/expect.ts';
import { images } from '../../framework/images.ts';
import { uuid } from '../../framework/json.ts';
import type { ConformanceCase } from '../../framework/types.ts';
import { createConfigMap, createSecret, secretData, testContainerOutput, type Pod } from '../../framework/volumes.ts';

/** projectedAllVolumeBasePod */
function projectedAllVolumeBasePod(podName: string, secretName: string, configMapName: string): Pod {
  return {
    metadata: { name: podName },
    spec: {
      volumes: [{
        name: 'podinfo',
        projected: {
          sources: [
            { downwardAPI: { items: [{ path: 'podname', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.name' } }] } },
            { secret: { name: secretName } },
            { configMap: { name: configMapName } },
          ],
        },
      }],
      containers: [],
      restartPolicy: 'Never',
    },
  };
}

const testCase: ConformanceCase = {
  id: 'NV-40',
  codename: '[sig-storage] Projected combined should project all components that make up the projection API [Projection] [NodeConformance] [Conformance]',
  class: 'run',
  needs: 'run; agnhost mounttest (exact output lines such as "mode of file ...", "content of file ...")',
  baseName: 'projected',
  podSecurity: 'baseline',
  async run(ctx) {
    const ns = ctx.namespace;
    const podName = `projected-volume-${uuid()}`;
    const secretName = `secret-projected-all-test-volume-${uuid()}`;
    const configMapName = `configmap-projected-all-test-volume-${uuid()}`;

    ctx.step(`Creating configMap with name ${configMapName}`);
    await must(createConfigMap(ctx, { metadata: { namespace: ns, name: configMapName }, data: { 'configmap-data': 'configmap-value-1' } }), 'creating the configMap');
    ctx.step(`Creating secret with name ${secretName}`);
    await createSecret(ctx, { metadata: { namespace: ns, name: secretName }, data: secretData({ 'secret-data': 'secret-value-1' }) });

    const pod = projectedAllVolumeBasePod(podName, secretName, configMapName);
    pod.spec.containers = [{
      name: 'projected-all-volume-test',
      image: images.busybox,
      command: ['sh', '-c', 'cat /all/podname && cat /all/secret-data && cat /all/configmap-data'],
      volumeMounts: [{ name: 'podinfo', mountPath: '/all', readOnly: false }],
    }];
    await testContainerOutput(ctx, 'Check all projections for projected volume plugin', pod, 0, [podName, 'secret-value-1', 'configmap-value-1']);
  },
};

export default testCase;
