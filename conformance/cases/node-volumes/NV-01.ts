// Upstream: test/e2e/common/storage/configmap_volume.go, "ConfigMap binary data should be
// reflected in volume". A ConfigMap with data and binaryData is mounted; a mounttest loop
// prints the text key and busybox hexdump prints the binary key's exact bytes.

import { images } from '../../framework/images.ts';
import { uuid } from '../../framework/json.ts';
import { configMapMounttestPod } from '../../framework/storage.ts';
import type { ConformanceCase } from '../../framework/types.ts';
import { createConfigMap, createSync, eventuallyLogContains, POD_SECRET_UPDATE_TIMEOUT_S } from '../../framework/volumes.ts';

const testCase: ConformanceCase = {
  id: 'NV-01',
  codename: '[sig-storage] ConfigMap binary data should be reflected in volume [NodeConformance] [Conformance]',
  class: 'run',
  needs: 'run; agnhost mounttest (exact output lines such as "mode of file ...", "content of file ...") + busybox hexdump',
  baseName: 'configmap',
  podSecurity: 'baseline',
  async run(ctx) {
    const name = `configmap-test-upd-${uuid()}`;
    const volumeName = 'configmap-volume';
    const volumeMountPath = '/etc/configmap-volume';
    const containerName = 'configmap-volume-binary-test';

    ctx.step(`Creating configMap with name ${name}`);
    await createConfigMap(ctx, {
      metadata: { namespace: ctx.namespace, name },
      data: { 'data-1': 'value-1' },
      binaryData: { 'dump.bin': Buffer.from([0xde, 0xca, 0xfe, 0xba, 0xd0, 0xfe, 0xff]).toString('base64') },
    });

    const pod = configMapMounttestPod(ctx.namespace, { projected: false }, volumeName, name, volumeMountPath,
      '--break_on_expected_content=false', `--retry_time=${POD_SECRET_UPDATE_TIMEOUT_S}`, '--file_content_in_loop=/etc/configmap-volume/data-1');
    pod.spec.containers.push({
      name: containerName,
      image: images.busybox,
      command: ['hexdump', '-C', '/etc/configmap-volume/dump.bin'],
      volumeMounts: [{ name: volumeName, mountPath: volumeMountPath, readOnly: true }],
    });

    ctx.step('Creating the pod');
    await createSync(ctx, pod);

    ctx.step('Waiting for pod with text data');
    await eventuallyLogContains(ctx, pod.metadata.name, pod.spec.containers[0].name, 'value-1');
    ctx.step('Waiting for pod with binary data');
    await eventuallyLogContains(ctx, pod.metadata.name, containerName, 'de ca fe ba d0 fe ff');
  },
};

export default testCase;
