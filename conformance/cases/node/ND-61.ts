// Upstream: test/e2e/common/node/secrets.go, "should fail to create secret due to empty
// secret key". A Secret whose data has an empty-string key is refused.

import { mustFail } from '../../framework/expect.ts';
import { uuid } from '../../framework/json.ts';
import type { ConformanceCase } from '../../framework/types.ts';

const testCase: ConformanceCase = {
  id: 'ND-61',
  codename: '[sig-node] Secrets should fail to create secret due to empty secret key [Conformance]',
  class: 'API',
  needs: 'Secret data key validation',
  baseName: 'secrets',
  podSecurity: 'baseline',
  async run(ctx) {
    const name = `secret-emptykey-test-${uuid()}`;
    ctx.step(`Creating projection with secret that has name ${name}`);
    await mustFail(ctx.core.createNamespacedSecret({
      namespace: ctx.namespace,
      body: { metadata: { namespace: ctx.namespace, name }, data: { '': Buffer.from('value-1\n').toString('base64') } },
    }), `created secret "${name}" with empty key in namespace "${ctx.namespace}"`);
  },
};

export default testCase;
