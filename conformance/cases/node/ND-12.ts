// Upstream: test/e2e/common/node/runtime.go, "Container Runtime blackbox test on terminated
// container should report termination message if TerminationMessagePath is set as non-root
// user and at a non-default path". The agent must make the custom path writable for uid 1000.

import { matchTerminationMessage } from '../../framework/nodepods.ts';
import type { ConformanceCase } from '../../framework/types.ts';

const testCase: ConformanceCase = {
  id: 'ND-12',
  codename: '[sig-node] Container Runtime blackbox test on terminated container should report termination message if TerminationMessagePath is set as non-root user and at a non-default path [NodeConformance] [Conformance]',
  class: 'run',
  needs: 'busybox; runAsUser 1000; custom terminationMessagePath writable by that user',
  baseName: 'container-runtime',
  podSecurity: 'baseline',
  async run(ctx) {
    await matchTerminationMessage(ctx, {
      name: 'termination-message-container',
      image: '',
      command: ['/bin/sh', '-c'],
      args: ['/bin/echo -n DONE > /dev/termination-custom-log'],
      terminationMessagePath: '/dev/termination-custom-log',
      securityContext: { runAsUser: 1000 },
    }, 'Succeeded', (m) => m === 'DONE', 'Equal("DONE")');
  },
};

export default testCase;
