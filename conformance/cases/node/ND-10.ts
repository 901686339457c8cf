// Upstream: test/e2e/common/node/runtime.go, "Container Runtime blackbox test on terminated
// container should report termination message from file when pod succeeds and
// TerminationMessagePolicy FallbackToLogsOnError is set".

import { matchTerminationMessage } from '../../framework/nodepods.ts';
import type { ConformanceCase } from '../../framework/types.ts';

const testCase: ConformanceCase = {
  id: 'ND-10',
  codename: '[sig-node] Container Runtime blackbox test on terminated container should report termination message from file when pod succeeds and TerminationMessagePolicy FallbackToLogsOnError is set [NodeConformance] [Conformance]',
  class: 'run',
  needs: 'busybox; terminationMessagePath read after exit',
  baseName: 'container-runtime',
  podSecurity: 'baseline',
  async run(ctx) {
    await matchTerminationMessage(ctx, {
      name: 'termination-message-container',
      image: '',
      command: ['/bin/sh', '-c'],
      args: ['/bin/echo -n OK > /dev/termination-log'],
      terminationMessagePath: '/dev/termination-log',
      terminationMessagePolicy: 'FallbackToLogsOnError',
    }, 'Succeeded', (m) => m === 'OK', 'Equal("OK")');
  },
};

export default testCase;
