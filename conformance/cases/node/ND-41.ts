// Upstream: test/e2e/common/node/pods.go, "Pods should contain environment variables for
// services". A pod started after the Service fooservice exists sees its FOOSERVICE_* docker-link
// style variables.

import { describeError, must } from '../../framework/expect.ts';
import { images } from '../../framework/images.ts';
import { uuid } from '../../framework/json.ts';
import { createSync, testContainerOutput, type Pod } from '../../framework/nodepods.ts';
import type { ConformanceCase } from '../../framework/types.ts';

const testCase: ConformanceCase = {
  id: 'ND-41',
  codename: '[sig-node] Pods should contain environment variables for services [NodeConformance] [Conformance]',
  class: 'run',
  needs: 'agnhost serve-hostname + busybox env; the node agent injects service env vars',
  baseName: 'pods',
  podSecurity: 'baseline',
  async run(ctx) {
    const serverName = `server-envvars-${uuid()}`;
    await createSync(ctx, {
      metadata: { name: serverName, labels: { name: serverName } },
      spec: { containers: [{ name: 'srv', image: images.agnhost, args: ['serve-hostname'], ports: [{ containerPort: 9376 }] }] },
    });

    const svcName = 'fooservice';
    await must(ctx.rest.post(`/api/v1/namespaces/${ctx.namespace}/services`, {
      apiVersion: 'v1', kind: 'Service',
      metadata: { name: svcName, labels: { name: svcName } },
      spec: { ports: [{ port: 8765, targetPort: 8080 }], selector: { name: serverName } },
    }), 'failed to create service');

    const podName = `client-envvars-${uuid()}`;
    const containerName = 'env3cont';
    const expectedVars = [
      'FOOSERVICE_SERVICE_HOST=', 'FOOSERVICE_SERVICE_PORT=', 'FOOSERVICE_PORT=', 'FOOSERVICE_PORT_8765_TCP_PORT=',
      'FOOSERVICE_PORT_8765_TCP_PROTO=', 'FOOSERVICE_PORT_8765_TCP=', 'FOOSERVICE_PORT_8765_TCP_ADDR=',
    ];
    // framework.ExpectNoErrorWithRetries(MatchContainerOutput, 3): the pod may start before the agent knows the service.
    for (let attempt = 1; ; attempt++) {
      const pod: Pod = {
        metadata: { name: podName, labels: { name: podName } },
        spec: { containers: [{ name: containerName, image: images.busybox, command: ['sh', '-c', 'env'] }], restartPolicy: 'Never' },
      };
      try {
        await testContainerOutput(ctx, 'service env vars', pod, 0, expectedVars);
        return;
      } catch (e) {
        if (attempt >= 3) throw e;
        ctx.log(`Container should have service environment variables set (attempt ${attempt}): ${describeError(e)}`);
      }
    }
  },
};

export default testCase;
