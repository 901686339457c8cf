// A Skiff whose host node runs real pods (containerd over CRI, CNI networking, the loopback
// registry with Skiff's own images) for e2e tests, and what those tests look at: pods over
// the API, the node's runtime over CRI, and what is left on the host afterwards.
//
//   const skiff = await startRealSkiff();            // scheduler + controllers + the real host node
//   await createPod(skiff, busyboxPod('x', ['sh', '-c', 'echo hi']));
//   const pod = await waitForPod(skiff, 'default', 'x', (p) => p.status?.phase === 'Succeeded');
//   ...
//   await skiff.close();                             // removes every pod, stops containerd and the registry, removes the network
//
// Tests using it need Linux and root (describeRealRuntime skips them elsewhere).

import { existsSync } from 'node:fs';
import { CriRuntime } from '../../src/agent/cri/runtime.ts';
import type { Pod } from '../../src/agent/types.ts';
import { containerdPaths } from '../../src/host/containerd.ts';
import { startSkiff, type Skiff, type SkiffOptions } from '../../src/skiff.ts';
import { request, until } from '../helpers.ts';

/** Images Skiff builds and publishes to the node's registry, by the names pods use. */
export const BUSYBOX = 'busybox:1.36';

/** Whether this machine can run the real runtime (Linux, root, containerd installed). */
export const realRuntimeAvailable = (): boolean =>
  process.platform === 'linux' && process.getuid?.() === 0 && existsSync('/usr/bin/containerd') && existsSync('/usr/lib/cni/bridge');

/** describe() that runs only where the real runtime can. */
export const describeRealRuntime = (title: string, fn: (this: Mocha.Suite) => void): Mocha.Suite | void =>
  (realRuntimeAvailable() ? describe : describe.skip)(title, fn);

/** startSkiff with the host node on containerd, the scheduler and the controllers. */
export function startRealSkiff(options: SkiffOptions = {}): Promise<Skiff> {
  return startSkiff({ hostNode: true, runtime: 'cri', scheduler: true, controllers: true, ...options });
}

/** A CRI client on the Skiff's own containerd (close() it when done). */
export const criOf = (skiff: Skiff): CriRuntime => new CriRuntime({ endpoint: containerdPaths(skiff.dataDir).socket });

/**
 * For one describe block: a real Skiff (controllers off unless asked) and a CRI client on its
 * containerd, started in before() and closed in after(); read them through the returned object.
 */
export function useRealSkiffAndCri(options: SkiffOptions = {}): { readonly skiff: Skiff; readonly cri: CriRuntime } {
  const f = {} as { skiff: Skiff; cri: CriRuntime };
  before(async function () {
    this.timeout(180_000);
    f.skiff = await startRealSkiff({ controllers: false, ...options });
    f.cri = criOf(f.skiff);
  });
  after(async function () {
    this.timeout(120_000);
    f.cri?.close();
    await f.skiff?.close();
  });
  return f;
}

/** A one-container busybox pod; a shell that exits at once on SIGTERM keeps deletion fast (recipe P11). */
export function busyboxPod(name: string, command: string[], extra: { restartPolicy?: 'Always' | 'OnFailure' | 'Never'; namespace?: string; image?: string } = {}): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: extra.namespace ?? 'default' },
    spec: {
      restartPolicy: extra.restartPolicy ?? 'Always',
      terminationGracePeriodSeconds: 2,
      containers: [{ name: 'main', image: extra.image ?? BUSYBOX, command }],
    },
  };
}

/** `sleep` forever, ending cleanly on SIGTERM. */
export const SLEEP_FOREVER = ['sh', '-c', 'trap "exit 0" TERM; sleep 3600 & wait'];

export async function createPod(skiff: Skiff, pod: Pod): Promise<Pod> {
  const ns = pod.metadata.namespace ?? 'default';
  const r = await request(skiff, 'POST', `/api/v1/namespaces/${ns}/pods`, { body: pod });
  if (r.status !== 201) throw new Error(`creating pod ${pod.metadata.name}: ${r.status} ${r.text}`);
  return r.json as Pod;
}

export async function getPod(skiff: Skiff, namespace: string, name: string): Promise<Pod | undefined> {
  const r = await request(skiff, 'GET', `/api/v1/namespaces/${namespace}/pods/${name}`);
  if (r.status === 404) return undefined;
  if (r.status !== 200) throw new Error(`getting pod ${name}: ${r.status} ${r.text}`);
  return r.json as Pod;
}

export async function deletePod(skiff: Skiff, namespace: string, name: string): Promise<void> {
  const r = await request(skiff, 'DELETE', `/api/v1/namespaces/${namespace}/pods/${name}`);
  if (r.status !== 200 && r.status !== 404) throw new Error(`deleting pod ${name}: ${r.status} ${r.text}`);
}

/** Polls the pod until the predicate holds. */
export function waitForPod(skiff: Skiff, namespace: string, name: string, predicate: (p: Pod) => boolean, timeoutMs = 60_000): Promise<Pod> {
  return until(`pod ${namespace}/${name}`, async () => {
    const p = await getPod(skiff, namespace, name);
    return p && predicate(p) ? p : undefined;
  }, timeoutMs, 200);
}

export const isRunning = (p: Pod): boolean => p.status?.phase === 'Running' && (p.status.containerStatuses ?? []).every((c) => c.state?.running);

/** Waits until the pod is gone from the API. */
export function waitForPodGone(skiff: Skiff, namespace: string, name: string, timeoutMs = 60_000): Promise<true> {
  return until(`pod ${namespace}/${name} gone`, async () => (await getPod(skiff, namespace, name)) === undefined || undefined, timeoutMs, 200);
}
