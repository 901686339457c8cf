// Upstream: test/e2e/common/node/configmap.go, "should fail to create ConfigMap with empty
// key". A ConfigMap whose data has an empty-string key is refused.

import { mustFail } from '../../framework/expect.ts';
import { uuid } from '../../framework/json.ts';
import type { ConformanceCase } from '../../framework/types.ts';

const testCase: ConformanceCase = {
  id: 'ND-03',
  codename: '[sig-node] ConfigMap should fail to create ConfigMap with empty key [Conformance]',
  class: 'API',
  needs: 'ConfigMap data key validation',
  baseName: 'configmap',
  podSecurity: 'baseline',
  async run(ctx) {
    const name = `configmap-test-emptyKey-${uuid()}`;
    ctx.step(`Creating configMap that has name ${name}`);
    await mustFail(ctx.core.createNamespacedConfigMap({
      namespace: ctx.namespace,
      body: { metadata: { namespace: ctx.namespace, name }, data: { '': 'value-1' } },
    }), `created configMap "${name}" with empty key in namespace "${ctx.namespace}"`);
  },
};

export default testCase;
