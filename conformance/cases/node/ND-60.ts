// Upstream: test/e2e/common/node/secrets.go, "Secrets should be consumable via the
// environment". envFrom a Secret (newEnvFromSecret: data_1..3), once plain and once with the
// prefix p_.

import { must } from '../../framework/expect.ts';
import { images } from '../../framework/images.ts';
import { testContainerOutput } from '../../framework/nodepods.ts';
import { uuid } from '../../framework/json.ts';
import type { ConformanceCase } from '../../framework/types.ts';

const b64 = (s: string): string => Buffer.from(s).toString('base64');

const testCase: ConformanceCase = {
  id: 'ND-60',
  codename: '[sig-node] Secrets should be consumable via the environment [NodeConformance] [Conformance]',
  class: 'run',
  needs: 'busybox; envFrom secretRef with and without prefix',
  baseName: 'secrets',
  podSecurity: 'baseline',
  async run(ctx) {
    const name = `secret-test-${uuid()}`;
    ctx.step(`creating secret ${ctx.namespace}/${name}`);
    await must(ctx.rest.post(`/api/v1/namespaces/${ctx.namespace}/secrets`, {
      apiVersion: 'v1', kind: 'Secret',
      metadata: { namespace: ctx.namespace, name },
      data: { data_1: b64('value-1\n'), data_2: b64('value-2\n'), data_3: b64('value-3\n') },
    }), `unable to create test secret ${name}`);

    const pod = {
      metadata: { name: `pod-configmaps-${uuid()}` },
      spec: {
        containers: [{
          name: 'env-test', image: images.busybox, command: ['sh', '-c', 'env'],
          envFrom: [{ secretRef: { name } }, { prefix: 'p_', secretRef: { name } }],
        }],
        restartPolicy: 'Never',
      },
    };
    await testContainerOutput(ctx, 'consume secrets', pod, 0, [
      'data_1=value-1', 'data_2=value-2', 'data_3=value-3',
      'p_data_1=value-1', 'p_data_2=value-2', 'p_data_3=value-3',
    ]);
  },
};

export default testCase;
