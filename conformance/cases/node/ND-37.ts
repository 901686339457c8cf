// Upstream: test/e2e/node/pods.go, Pods Extended "Pods Set QOS Class should be set on Pods
// with matching resource requests and limits for memory and cpu". status.qosClass is
// Guaranteed right after creation.

import { expectEqual, must } from '../../framework/expect.ts';
import { images } from '../../framework/images.ts';
import { uuid } from '../../framework/json.ts';
import type { ConformanceCase } from '../../framework/types.ts';

const testCase: ConformanceCase = {
  id: 'ND-37',
  codename: '[sig-node] Pods Extended Pods Set QOS Class should be set on Pods with matching resource requests and limits for memory and cpu [Conformance]',
  class: 'API',
  needs: 'status.qosClass computed when a pod is created',
  baseName: 'pods',
  podSecurity: 'baseline',
  async run(ctx) {
    ctx.step('creating the pod');
    const name = `pod-qos-class-${uuid()}`;
    const resources = { cpu: '100m', memory: '100Mi' };

    ctx.step('submitting the pod to kubernetes');
    await must(ctx.core.createNamespacedPod({
      namespace: ctx.namespace,
      body: {
        metadata: { name, labels: { name } },
        spec: { containers: [{ name: 'agnhost', image: images.agnhost, args: ['pause'], resources: { limits: resources, requests: resources } }] },
      },
    }), 'Error creating Pod');

    ctx.step('verifying QOS class is set on the pod');
    const pod = await must(ctx.core.readNamespacedPod({ namespace: ctx.namespace, name }), 'failed to query for pod');
    expectEqual(pod.status?.qosClass, 'Guaranteed', 'pod status.qosClass');
  },
};

export default testCase;
