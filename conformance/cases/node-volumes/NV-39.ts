// Upstream: test/e2e/storage/empty_dir_wrapper.go, "EmptyDir wrapper volumes should not
// conflict". A pod mounting a Secret volume and a ConfigMap volume of the same name starts;
// afterwards the secret, the configmap and the pod are deleted again.

import { describeError, fail, must } from '../../framework/expect.ts';
import { images } from '../../framework/images.ts';
import { uuid } from '../../framework/json.ts';
import type { ConformanceCase } from '../../framework/types.ts';
import { createConfigMap, createSecret, createSync, secretData, type Pod } from '../../framework/volumes.ts';

const testCase: ConformanceCase = {
  id: 'NV-39',
  codename: '[sig-storage] EmptyDir wrapper volumes should not conflict [Conformance]',
  class: 'run',
  needs: 'run; secret + configMap volumes in one pod',
  baseName: 'emptydir-wrapper',
  podSecurity: 'baseline',
  async run(ctx) {
    const ns = ctx.namespace;
    const name = `emptydir-wrapper-test-${uuid()}`;
    const volumeName = 'secret-volume';
    const volumeMountPath = '/etc/secret-volume';
    await createSecret(ctx, { metadata: { namespace: ns, name }, data: secretData({ 'data-1': 'value-1\n' }) });

    const configMapVolumeName = 'configmap-volume';
    const configMapVolumeMountPath = '/etc/configmap-volume';
    await createConfigMap(ctx, { metadata: { namespace: ns, name }, binaryData: secretData({ 'data-1': 'value-1\n' }) });

    const pod: Pod = {
      metadata: { name: `pod-secrets-${uuid()}` },
      spec: {
        volumes: [{ name: volumeName, secret: { secretName: name } }, { name: configMapVolumeName, configMap: { name } }],
        containers: [{
          name: 'secret-test',
          image: images.agnhost,
          args: ['test-webserver'],
          volumeMounts: [{ name: volumeName, mountPath: volumeMountPath, readOnly: true }, { name: configMapVolumeName, mountPath: configMapVolumeMountPath }],
        }],
      },
    };
    ctx.step('Creating the pod');
    await createSync(ctx, pod);

    ctx.step('Cleaning up the secret');
    await must(ctx.rest.delete(`/api/v1/namespaces/${ns}/secrets/${name}`), `unable to delete secret ${name}`);
    ctx.step('Cleaning up the configmap');
    await must(ctx.rest.delete(`/api/v1/namespaces/${ns}/configmaps/${name}`), `unable to delete configmap ${name}`);
    ctx.step('Cleaning up the pod');
    await ctx.rest.delete(`/api/v1/namespaces/${ns}/pods/${pod.metadata.name}`, undefined, { apiVersion: 'v1', kind: 'DeleteOptions', gracePeriodSeconds: 0 })
      .catch((e: unknown) => fail(`unable to delete pod ${pod.metadata.name}: ${describeError(e)}`));
  },
};

export default testCase;
