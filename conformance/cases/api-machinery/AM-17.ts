// Upstream: test/e2e/apimachinery/server_version.go, "should find the server version".
// /version answers major and minor fields that are integers (minor may carry a suffix
// such as "+").

import { expectEqual, must } from '../../framework/expect.ts';
import type { ConformanceCase } from '../../framework/types.ts';

const testCase: ConformanceCase = {
  id: 'AM-17',
  codename: '[sig-api-machinery] server version should find the server version [Conformance]',
  class: 'API',
  needs: '/version',
  baseName: 'server-version',
  podSecurity: 'privileged',
  async run(ctx) {
    ctx.step('Request ServerVersion');
    const version = await must(ctx.version.getCode(), 'Fail to access ServerVersion');

    ctx.step('Confirm major version');
    // regexp [1-9].FindString(major) must be the whole of major
    expectEqual(/[1-9]/.exec(version.major)?.[0] ?? '', version.major, 'unable to find major version');
    ctx.log(`Major version: ${version.major}`);

    ctx.step('Confirm minor version');
    const cleanMinor = version.minor.replace(/[^0-9]+/g, '');
    expectEqual(/[0-9]+/.exec(version.minor)?.[0] ?? '', cleanMinor, 'unable to find minor version');
    ctx.log(`Minor version: ${version.minor}`);
  },
};

export default testCase;
