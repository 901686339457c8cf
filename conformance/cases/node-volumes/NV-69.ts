// Upstream: test/e2e/common/storage/secrets_volume.go, "Secrets should be able to mount in a volume regardless of a different secret existing with same name in different namespace".
// A Secret volume reads the Secret of its own namespace, not a same-named one elsewhere.
// (Not in the public list; the ID follows its alphabetical numbering of the v1.32 codenames.)

import { must } from '../../framework/expect.ts';
import { uuid } from '../../framework/json.ts';
import { doSecretE2EWithoutMapping } from '../../framework/storage.ts';
import type { ConformanceCase } from '../../framework/types.ts';
import { createSecret, secretData } from '../../framework/volumes.ts';

const testCase: ConformanceCase = {
  id: 'NV-69',
  codename: '[sig-storage] Secrets should be able to mount in a volume regardless of a different secret existing with same name in different namespace [NodeConformance] [Conformance]',
  class: 'run',
  needs: 'run; agnhost mounttest (exact output lines such as "mode of file ...", "content of file ..."); a second namespace',
  baseName: 'secrets',
  podSecurity: 'baseline',
  async run(ctx) {
    const secret2Name = `secret-test-${uuid()}`;
    const namespace2 = await must(ctx.createNamespace('secret-namespace'), 'unable to create new namespace');
    const ns2 = namespace2.metadata.name ?? '';
    await createSecret(ctx, {
      metadata: { namespace: ns2, name: secret2Name },
      data: secretData({ this_should_not_match_content_of_other_secret: 'similarly_this_should_not_match_content_of_other_secret\n' }),
    }, ns2);
    await doSecretE2EWithoutMapping(ctx, { projected: false }, undefined, secret2Name);
  },
};

export default testCase;
