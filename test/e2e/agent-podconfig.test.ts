// What a real container sees of its pod spec (containerd over CRI): a configMap volume and
// env from the same ConfigMap read from inside with `cat`, the volume following an update of
// the ConfigMap in place, the managed /etc/hosts with the pod's own name, cgroup limits, the
// security context (user, groups, fsGroup-owned secret files, read-only root, no_new_privs), and
// a termination message written by the container. Upstream: kubelet_pods.go,
// kuberuntime_container*.go, the configmap volume plugin and the atomic writer.

import { expect } from 'chai';
import type { Pod } from '../../src/agent/types.ts';
import { request, until } from '../helpers.ts';
import { BUSYBOX, createPod, deletePod, describeRealRuntime, isRunning, SLEEP_FOREVER, waitForPod, waitForPodGone, useRealSkiffAndCri } from './runtime-harness.ts';

const cm = (data: Record<string, string>) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'app-config', namespace: 'default' }, data });

describeRealRuntime('pod config seen from inside real containers', function () {
  this.timeout(120_000);
  const real = useRealSkiffAndCri();


  const containerId = (p: Pod): string => (p.status?.containerStatuses?.[0].containerID ?? '').replace(/^[a-z]+:\/\//, '');
  const sh = async (id: string, script: string): Promise<string> => {
    const r = await real.cri.execSync(id, ['sh', '-c', script], 10);
    expect(r.exitCode, `${script}: ${r.stderr.toString()}`).to.equal(0);
    return r.stdout.toString();
  };

  it('mounts a configMap volume and env from it, follows ConfigMap updates in place, and writes the pod\'s /etc/hosts', async () => {
    const created = await request(real.skiff, 'POST', '/api/v1/namespaces/default/configmaps', { body: cm({ greeting: 'hello-v1' }) });
    expect(created.status).to.equal(201);
    await createPod(real.skiff, {
      apiVersion: 'v1', kind: 'Pod', metadata: { name: 'cfg', namespace: 'default' },
      spec: {
        terminationGracePeriodSeconds: 2,
        containers: [{
          name: 'main', image: BUSYBOX, command: SLEEP_FOREVER,
          resources: { limits: { cpu: '500m', memory: '64Mi' } },
          env: [{ name: 'GREETING', valueFrom: { configMapKeyRef: { name: 'app-config', key: 'greeting' } } }, { name: 'MSG', value: 'say-$(GREETING)' }],
          volumeMounts: [{ name: 'config', mountPath: '/etc/config' }],
        }],
        volumes: [{ name: 'config', configMap: { name: 'app-config' } }],
      },
    });
    const pod = await waitForPod(real.skiff, 'default', 'cfg', isRunning);
    const id = containerId(pod);
    expect(await sh(id, 'cat /etc/config/greeting')).to.equal('hello-v1');
    expect(await sh(id, 'echo "$GREETING $MSG"')).to.equal('hello-v1 say-hello-v1\n');
    expect(await sh(id, 'readlink /etc/config/greeting')).to.equal('..data/greeting\n');
    expect(await sh(id, 'cat /etc/hosts')).to.contain(`${pod.status?.podIP}\tcfg\n`);
    // memory limit (64 MiB) and cpu quota (50 ms per 100 ms) reached the container's cgroup.
    expect(await sh(id, 'cat /sys/fs/cgroup/memory/memory.limit_in_bytes 2>/dev/null || cat /sys/fs/cgroup/memory.max')).to.equal(`${64 * 1024 * 1024}\n`);

    const current = (await request(real.skiff, 'GET', '/api/v1/namespaces/default/configmaps/app-config')).json as Record<string, unknown>;
    const updated = await request(real.skiff, 'PUT', '/api/v1/namespaces/default/configmaps/app-config', { body: { ...current, data: { greeting: 'hello-v2' } } });
    expect(updated.status).to.equal(200);
    await until('the update seen inside the container', async () => ((await sh(id, 'cat /etc/config/greeting')) === 'hello-v2' ? true : undefined), 30_000, 500);

    await deletePod(real.skiff, 'default', 'cfg');
    await waitForPodGone(real.skiff, 'default', 'cfg');
  });

  it('runs a container as its securityContext says: user, fsGroup-owned secret files it can read, read-only root filesystem', async () => {
    const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'creds', namespace: 'default' }, data: { token: Buffer.from('s3cret').toString('base64') } };
    expect((await request(real.skiff, 'POST', '/api/v1/namespaces/default/secrets', { body: secret })).status).to.equal(201);
    await createPod(real.skiff, {
      apiVersion: 'v1', kind: 'Pod', metadata: { name: 'secure', namespace: 'default' },
      spec: {
        terminationGracePeriodSeconds: 2,
        securityContext: { runAsUser: 1000, runAsGroup: 3000, fsGroup: 2000 },
        containers: [{
          name: 'main', image: BUSYBOX, command: SLEEP_FOREVER,
          securityContext: { readOnlyRootFilesystem: true, allowPrivilegeEscalation: false },
          volumeMounts: [{ name: 'creds', mountPath: '/etc/creds' }, { name: 'scratch', mountPath: '/scratch' }],
        }],
        volumes: [{ name: 'creds', secret: { secretName: 'creds', defaultMode: 0o400 } }, { name: 'scratch', emptyDir: {} }],
      },
    });
    const pod = await waitForPod(real.skiff, 'default', 'secure', isRunning);
    const id = containerId(pod);
    expect(await sh(id, 'id -u; id -g')).to.equal('1000\n3000\n');
    expect((await sh(id, 'id -G')).trim().split(' ')).to.include('2000');
    expect(await sh(id, 'cat /etc/creds/token')).to.equal('s3cret');
    expect(await sh(id, 'touch /scratch/ok && echo written')).to.equal('written\n');
    const ro = await real.cri.execSync(id, ['sh', '-c', 'touch /rootfs-write'], 10);
    expect(ro.exitCode).to.not.equal(0);
    expect(await sh(id, 'grep NoNewPrivs /proc/self/status')).to.match(/NoNewPrivs:\s+1/);
    await deletePod(real.skiff, 'default', 'secure');
    await waitForPodGone(real.skiff, 'default', 'secure');
  });

  it('reports the termination message the container wrote to /dev/termination-log', async () => {
    await createPod(real.skiff, {
      apiVersion: 'v1', kind: 'Pod', metadata: { name: 'bye', namespace: 'default' },
      spec: { restartPolicy: 'Never', containers: [{ name: 'main', image: BUSYBOX, command: ['sh', '-c', 'printf "all done" > /dev/termination-log; exit 3'] }] },
    });
    const pod = await waitForPod(real.skiff, 'default', 'bye', (p) => p.status?.phase === 'Failed');
    expect(pod.status?.containerStatuses?.[0].state?.terminated).to.include({ exitCode: 3, message: 'all done' });
    await deletePod(real.skiff, 'default', 'bye');
    await waitForPodGone(real.skiff, 'default', 'bye');
  });

  it('allowPrivilegeEscalation: a setuid-root helper run by uid 1000 becomes root only when escalation is allowed (no_new_privs)', async () => {
    const nnp = (name: string, allow: boolean): Pod => ({
      apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default' },
      spec: { restartPolicy: 'Never', containers: [{ name: 'main', image: 'registry.k8s.io/e2e-test-images/nonewprivs:1.3', securityContext: { runAsUser: 1000, allowPrivilegeEscalation: allow } }] },
    });
    await Promise.all([createPod(real.skiff, nnp('nnp-false', false)), createPod(real.skiff, nnp('nnp-true', true))]);
    for (const [name, uid] of [['nnp-false', 1000], ['nnp-true', 0]] as const) {
      await waitForPod(real.skiff, 'default', name, (p) => p.status?.phase === 'Succeeded');
      const log = (await request(real.skiff, 'GET', `/api/v1/namespaces/default/pods/${name}/log`)).text;
      expect(log, name).to.equal(`Effective uid: ${uid}\n`);
      await deletePod(real.skiff, 'default', name);
    }
  });

  it('evicts a pod whose disk emptyDir outgrows its sizeLimit (Failed, Evicted, DisruptionTarget), leaving others be', async () => {
    const writer = (name: string, megabytes: number): Pod => ({
      apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default' },
      spec: {
        terminationGracePeriodSeconds: 2,
        volumes: [{ name: 'scratch', emptyDir: { sizeLimit: '1Mi' } }],
        containers: [{ name: 'main', image: BUSYBOX, command: ['sh', '-c', `dd if=/dev/zero of=/scratch/fill bs=1M count=${megabytes}; ${SLEEP_FOREVER[2]}`], volumeMounts: [{ name: 'scratch', mountPath: '/scratch' }] }],
      },
    });
    await Promise.all([createPod(real.skiff, writer('hog', 3)), createPod(real.skiff, writer('modest', 0))]);
    const evicted = await waitForPod(real.skiff, 'default', 'hog', (p) => p.status?.phase === 'Failed', 60_000);
    const message = 'Usage of EmptyDir volume "scratch" exceeds the limit "1Mi". ';
    expect(evicted.status).to.include({ reason: 'Evicted', message });
    expect(evicted.status?.conditions?.find((c) => c.type === 'DisruptionTarget')).to.include({ status: 'True', reason: 'TerminationByKubelet', message });
    expect(evicted.status?.containerStatuses?.[0].state?.terminated).to.not.equal(undefined);
    const modest = await waitForPod(real.skiff, 'default', 'modest', isRunning);
    expect(modest.status?.phase).to.equal('Running');
    for (const name of ['hog', 'modest']) await deletePod(real.skiff, 'default', name);
  });
});
