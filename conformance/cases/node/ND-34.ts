// Upstream: test/e2e/common/node/kubelet_etc_hosts.go, "KubeletManagedEtcHosts should test
// kubelet managed /etc/hosts file". The node agent writes /etc/hosts ("# Kubernetes-managed
// hosts file.") for containers of an ordinary pod, but not for a container that mounts its own
// /etc/hosts, nor for a hostNetwork pod's containers.

import { fail, sleep } from '../../framework/expect.ts';
import { createSync, execOk, newAgnhostContainer, type Pod } from '../../framework/nodepods.ts';
import type { CaseContext, ConformanceCase } from '../../framework/types.ts';

const ETC_HOSTS_PATH = '/etc/hosts';
const ETC_HOSTS_ORIGINAL_PATH = '/etc/hosts-original';
const ETC_HOSTS_PARTIAL_CONTENT = '# Kubernetes-managed hosts file.';
const POD_NAME = 'test-pod';
const HOST_NETWORK_POD_NAME = 'test-host-network-pod';

const mounts = [{ name: 'host-etc-hosts', mountPath: ETC_HOSTS_ORIGINAL_PATH }];
const volumes = [{ name: 'host-etc-hosts', hostPath: { path: ETC_HOSTS_PATH, type: 'FileOrCreate' } }];

function podSpec(): Pod {
  return {
    metadata: { name: POD_NAME },
    spec: {
      containers: [
        newAgnhostContainer('busybox-1', undefined), newAgnhostContainer('busybox-2', undefined),
        newAgnhostContainer('busybox-3', undefined),
      ].map((c, i) => ({ ...c, volumeMounts: i === 2 ? [mounts[0], { name: 'host-etc-hosts', mountPath: ETC_HOSTS_PATH }] : mounts })),
      volumes,
    },
  };
}

function hostNetworkPodSpec(): Pod {
  return {
    metadata: { name: HOST_NETWORK_POD_NAME },
    spec: {
      hostNetwork: true,
      securityContext: {},
      containers: [newAgnhostContainer('busybox-1', undefined), newAgnhostContainer('busybox-2', undefined)].map((c) => ({ ...c, volumeMounts: mounts })),
      volumes,
    },
  };
}

async function assertManagedStatus(ctx: CaseContext, podName: string, expectedIsManaged: boolean, name: string): Promise<void> {
  const retryTimeout = 30_000;
  let content = '';
  let retries = 0;
  for (const start = Date.now(); Date.now() - start < retryTimeout; retries++) {
    content = await execOk(ctx, podName, name, 'cat', ETC_HOSTS_PATH);
    const original = await execOk(ctx, podName, name, 'cat', ETC_HOSTS_ORIGINAL_PATH);
    // Make sure there is some content in both files
    if (content.length > 0 && original.length > 0) {
      const isManaged = content.startsWith(ETC_HOSTS_PARTIAL_CONTENT);
      if (isManaged === expectedIsManaged) return;
    }
    await sleep(100);
  }
  fail(`/etc/hosts file should${expectedIsManaged ? '' : ' not'} be kubelet managed (name: ${name}, retries: ${retries}). /etc/hosts contains ${JSON.stringify(content)}`);
}

const testCase: ConformanceCase = {
  id: 'ND-34',
  codename: '[sig-node] KubeletManagedEtcHosts should test kubelet managed /etc/hosts file [NodeConformance] [Conformance]',
  class: 'run',
  needs: 'agnhost; a hostNetwork pod; hostPath of /etc/hosts; exec',
  baseName: 'e2e-kubelet-etc-hosts',
  podSecurity: 'privileged',
  async run(ctx) {
    ctx.step('Setting up the test');
    await createSync(ctx, podSpec());
    await createSync(ctx, hostNetworkPodSpec());

    ctx.step('Running the test');
    ctx.step('Verifying /etc/hosts of container is kubelet-managed for pod with hostNetwork=false');
    await assertManagedStatus(ctx, POD_NAME, true, 'busybox-1');
    await assertManagedStatus(ctx, POD_NAME, true, 'busybox-2');
    ctx.step('Verifying /etc/hosts of container is not kubelet-managed since container specifies /etc/hosts mount');
    await assertManagedStatus(ctx, POD_NAME, false, 'busybox-3');
    ctx.step('Verifying /etc/hosts content of container is not kubelet-managed for pod with hostNetwork=true');
    await assertManagedStatus(ctx, HOST_NETWORK_POD_NAME, false, 'busybox-1');
    await assertManagedStatus(ctx, HOST_NETWORK_POD_NAME, false, 'busybox-2');
  },
};

export default testCase;
