// Upstream: test/e2e/common/node/sysctl.go, "Sysctls should support sysctls". The safe
// namespaced sysctl kernel.shm_rmid_forced=1 set on the pod is in effect in its container.

import { expectEqual, fail, must } from '../../framework/expect.ts';
import { images } from '../../framework/images.ts';
import { uuid } from '../../framework/json.ts';
import { containerStates, createPod, getPod, getPodLogs, waitForPodCondition, POD_START_MS } from '../../framework/nodepods.ts';
import type { ConformanceCase } from '../../framework/types.ts';

interface EventList { items: { reason?: string; type?: string; message?: string; involvedObject?: { name?: string } }[] }

/** Reasons WaitForErrorEventOrSuccess treats as the pod's error (sysctl.ForbiddenReason, events.FailedToCreateContainer...). */
const ERROR_REASONS = new Set(['SysctlForbidden', 'Failed', 'FailedCreatePodSandBox', 'FailedCreatePodContainer']);

const testCase: ConformanceCase = {
  id: 'ND-70',
  codename: '[sig-node] Sysctls [LinuxOnly] [NodeConformance] should support sysctls [MinimumKubeletVersion:1.21] [Environment:NotInUserNS] [Conformance]',
  class: 'run',
  needs: 'busybox sysctl; pod sysctls passed to the runtime',
  baseName: 'sysctl',
  podSecurity: 'privileged',
  async run(ctx) {
    const name = `sysctl-${uuid()}`;
    ctx.step('Creating a pod with the kernel.shm_rmid_forced sysctl');
    await createPod(ctx, {
      metadata: { name, labels: {}, annotations: {} },
      spec: {
        securityContext: { sysctls: [{ name: 'kernel.shm_rmid_forced', value: '1' }] },
        containers: [{ name: 'test-container', image: images.busybox, command: ['/bin/sysctl', 'kernel.shm_rmid_forced'] }],
        restartPolicy: 'Never',
      },
    });

    ctx.step('Watching for error events or started pod');
    await waitForPodCondition(ctx, name, 'started or failed with an error event', POD_START_MS, (p) => {
      const st = p.status?.containerStatuses?.[0]?.state;
      return !!(st?.running || st?.terminated);
    }).catch(async (e: unknown) => {
      const evs = await ctx.rest.get<EventList>(`/api/v1/namespaces/${ctx.namespace}/events`);
      const bad = evs.items.find((ev) => ev.involvedObject?.name === name && ev.reason && ERROR_REASONS.has(ev.reason));
      if (bad) fail(`error event ${bad.reason ?? ''}: ${bad.message ?? ''}`);
      throw e;
    });

    ctx.step('Waiting for pod completion');
    await waitForPodCondition(ctx, name, 'no longer running', POD_START_MS, (p) => p.status?.phase !== 'Pending' && p.status?.phase !== 'Running');
    const pod = await getPod(ctx, name);

    ctx.step('Checking that the pod succeeded');
    expectEqual(pod.status?.phase, 'Succeeded', `pod phase (${containerStates(pod)})`);

    ctx.step('Getting logs from the pod');
    const log = await must(getPodLogs(ctx, name, 'test-container'), 'getting the pod log');

    ctx.step('Checking that the sysctl is actually updated');
    if (!log.includes('kernel.shm_rmid_forced = 1')) fail(`expected "kernel.shm_rmid_forced = 1" in the log, got ${JSON.stringify(log)}`);
  },
};

export default testCase;
