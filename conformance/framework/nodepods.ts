// What the node cases share: the e2e pod helpers of test/e2e/framework/pod (PodClient.Create,
// CreateSync, DeleteSync, the phase and readiness waits, GetPodLogs), e2epodoutput's
// TestContainerOutput[Regexp] (run a pod to success, then match its container's log) and
// ExecCommandInContainerWithFullOutput (pods/exec over a channel.k8s.io WebSocket), over the
// raw REST client.

import type { V1Container, V1ContainerPort, V1ContainerStatus, V1EnvVar, V1EphemeralContainer, V1Pod, V1PodCondition, V1Probe, V1ResourceRequirements, V1Volume, V1VolumeMount } from '@kubernetes/client-node';
import WebSocket from 'ws';
import { isNotFound } from './client.ts';
import { describeError, fail, must, sleep } from './expect.ts';
import { images } from './images.ts';
import { uuid } from './json.ts';
import type { CaseContext } from './types.ts';
import { watchUntil } from './watch.ts';

/** A pod as the cases write it: the client-node shape, sent as plain JSON. */
export type Pod = V1Pod & { metadata: NonNullable<V1Pod['metadata']> & { name: string }; spec: NonNullable<V1Pod['spec']> };

/** framework.Poll (2 s upstream; shorter here so a case ends soon after its condition holds). */
export const POLL_MS = 500;
/** f.Timeouts.PodStart */
export const POD_START_MS = 300_000;

export const podsPath = (ns: string, name?: string, sub?: string): string =>
  `/api/v1/namespaces/${ns}/pods${name ? `/${name}` : ''}${sub ? `/${sub}` : ''}`;

/** The time left for a wait: at most `ms`, never past the case's own deadline. */
export const within = (ctx: CaseContext, ms: number): number => Math.max(0, Math.min(ms, ctx.remaining() - 1_000));

/** PodClient.Create: the pod in the test namespace. */
export async function createPod(ctx: CaseContext, pod: Pod): Promise<Pod> {
  const body = { apiVersion: 'v1', kind: 'Pod', ...pod, metadata: { ...pod.metadata, namespace: ctx.namespace } };
  return must(ctx.rest.post<Pod>(podsPath(ctx.namespace), body), `Error creating Pod ${pod.metadata.name}`);
}

export function getPod(ctx: CaseContext, name: string): Promise<Pod> {
  return must(ctx.rest.get<Pod>(podsPath(ctx.namespace, name)), `getting pod ${name}`);
}

/** podutil.GetPodCondition */
export const podCondition = (pod: V1Pod, type: string): V1PodCondition | undefined => pod.status?.conditions?.find((c) => c.type === type);

/** podutil.IsPodReady */
export const isPodReady = (pod: V1Pod): boolean => podCondition(pod, 'Ready')?.status === 'True';

/** A short account of every container's state, for failure messages. */
export function containerStates(pod: V1Pod): string {
  const one = (c: V1ContainerStatus): string => {
    const st = c.state?.terminated ? `terminated(${c.state.terminated.exitCode}${c.state.terminated.reason ? ` ${c.state.terminated.reason}` : ''})`
      : c.state?.waiting ? `waiting(${c.state.waiting.reason ?? ''}${c.state.waiting.message ? `: ${c.state.waiting.message}` : ''})`
        : c.state?.running ? 'running' : 'unknown';
    return `${c.name}=${st} restarts=${c.restartCount}`;
  };
  return [`phase ${pod.status?.phase ?? '?'}`, ...[...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])].map(one)].join(', ');
}

/**
 * e2epod.WaitForPodCondition: polls the pod until `cond` holds (it may throw to end the wait
 * with a failure); fails with `desc` and the pod's container states on timeout.
 */
export async function waitForPodCondition(ctx: CaseContext, name: string, desc: string, timeoutMs: number, cond: (p: Pod) => boolean): Promise<Pod> {
  const deadline = Date.now() + within(ctx, timeoutMs);
  for (;;) {
    const p = await getPod(ctx, name);
    if (cond(p)) return p;
    if (Date.now() + POLL_MS > deadline) fail(`timed out waiting for pod ${name} to be ${desc} (${containerStates(p)})`);
    await sleep(POLL_MS);
  }
}

/** e2epod.WaitForPodNameRunningInNamespace: Running, failing at once when the pod completed. */
export function waitForPodRunning(ctx: CaseContext, name: string, timeoutMs = POD_START_MS): Promise<Pod> {
  return waitForPodCondition(ctx, name, 'running', timeoutMs, (p) => {
    if (p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed') fail(`pod ${name} ran to completion instead of running (${containerStates(p)})`);
    return p.status?.phase === 'Running';
  });
}

/** e2epod.WaitTimeoutForPodReadyInNamespace */
export function waitForPodReady(ctx: CaseContext, name: string, timeoutMs = POD_START_MS): Promise<Pod> {
  return waitForPodCondition(ctx, name, 'running and ready', timeoutMs, (p) => {
    if (p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed') fail(`pod ${name} ran to completion instead of becoming ready (${containerStates(p)})`);
    return p.status?.phase === 'Running' && isPodReady(p);
  });
}

/** e2epod.WaitForPodSuccessInNamespaceTimeout: Succeeded, failing at once when it failed. */
export function waitForPodSuccess(ctx: CaseContext, name: string, timeoutMs = POD_START_MS): Promise<Pod> {
  return waitForPodCondition(ctx, name, '"Succeeded"', timeoutMs, (p) => {
    if (p.status?.phase === 'Failed') fail(`pod ${name} failed (${containerStates(p)})`);
    return p.status?.phase === 'Succeeded';
  });
}

/** PodClient.CreateSync: create the pod, wait until it is running and ready, return it fresh. */
export async function createSync(ctx: CaseContext, pod: Pod): Promise<Pod> {
  await createPod(ctx, pod);
  return waitForPodReady(ctx, pod.metadata.name);
}

/** Waits until the pod is gone from the API. */
export async function waitForPodGone(ctx: CaseContext, name: string, timeoutMs = POD_START_MS): Promise<void> {
  const deadline = Date.now() + within(ctx, timeoutMs);
  for (;;) {
    try {
      await ctx.rest.get(podsPath(ctx.namespace, name));
    } catch (e) {
      if (isNotFound(e)) return;
      throw e;
    }
    if (Date.now() + POLL_MS > deadline) fail(`pod ${name} was not deleted in time`);
    await sleep(POLL_MS);
  }
}

/** PodClient.DeleteSync / e2epod.DeletePodWithWait: delete, then wait until the pod is gone. */
export async function deleteSync(ctx: CaseContext, name: string, gracePeriodSeconds?: number, timeoutMs = POD_START_MS): Promise<void> {
  try {
    await ctx.rest.delete(podsPath(ctx.namespace, name), undefined,
      gracePeriodSeconds === undefined ? undefined : { apiVersion: 'v1', kind: 'DeleteOptions', gracePeriodSeconds });
  } catch (e) {
    if (isNotFound(e)) return;
    fail(`failed to delete pod ${name}: ${describeError(e)}`);
  }
  await waitForPodGone(ctx, name, timeoutMs);
}

/** e2epod.GetPodLogs (and GetPreviousPodLogs): the container's log through pods/log. */
export async function getPodLogs(ctx: CaseContext, podName: string, containerName: string, previous = false): Promise<string> {
  const r = await ctx.rest.raw('GET', podsPath(ctx.namespace, podName, 'log'), { query: { container: containerName, previous: previous || undefined }, accept: '*/*' });
  if (r.statusCode !== 200) throw new Error(`failed to get logs from ${podName}/${containerName}: ${r.statusCode} ${r.text.slice(0, 300)}`);
  return r.text;
}

/**
 * e2epodoutput.TestContainerOutput (matcher 'substring') and TestContainerOutputRegexp
 * ('regexp'): create the pod (restartPolicy Never unless set), wait for it to succeed, fetch
 * the log of container `containerIndex` and require every expected string in it; the pod is
 * deleted afterwards.
 */
export async function testContainerOutput(ctx: CaseContext, scenario: string, pod: Pod, containerIndex: number, expected: string[], matcher: 'substring' | 'regexp' = 'substring'): Promise<void> {
  ctx.step(`Creating a pod to test ${scenario}`);
  pod.spec.restartPolicy ??= 'Never';
  const name = pod.metadata.name;
  const containerName = pod.spec.containers[containerIndex].name;
  await createPod(ctx, pod);
  try {
    ctx.step('Saw pod success');
    let podErr: unknown;
    await waitForPodSuccess(ctx, name).catch((e: unknown) => { podErr = e; });
    if (podErr !== undefined) {
      for (const c of [...(pod.spec.initContainers ?? []), ...pod.spec.containers]) {
        const logs = await getPodLogs(ctx, name, c.name).catch((e: unknown) => `(no log: ${describeError(e)})`);
        ctx.log(`log of ${name}/${c.name}: ${logs}`);
      }
      fail(`expected pod "${name}" success: ${describeError(podErr)}`);
    }
    ctx.step(`Trying to get logs from pod ${name} container ${containerName}`);
    const logs = await must(getPodLogs(ctx, name, containerName), `failed to get logs from ${name} for ${containerName}`);
    for (const want of expected) {
      const ok = matcher === 'regexp' ? new RegExp(want).test(logs) : logs.includes(want);
      if (!ok) fail(`failed to match ${matcher} ${JSON.stringify(want)} in output ${JSON.stringify(logs)}`);
    }
  } finally {
    await deleteSync(ctx, name, undefined, 60_000).catch((e: unknown) => { ctx.log(`deleting pod ${name}: ${describeError(e)}`); });
  }
}

/** gomega.Eventually(GetPodLogs).Should(ContainSubstring(want)) */
export async function eventuallyLogContains(ctx: CaseContext, podName: string, containerName: string, want: string, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + within(ctx, timeoutMs);
  let last = '';
  for (;;) {
    try {
      last = await getPodLogs(ctx, podName, containerName);
      if (last.includes(want)) return last;
    } catch (e) {
      last = `(error: ${describeError(e)})`;
    }
    if (Date.now() + POLL_MS > deadline) fail(`timed out waiting for ${JSON.stringify(want)} in the log of ${podName}/${containerName}; last log: ${JSON.stringify(last.slice(-600))}`);
    await sleep(POLL_MS);
  }
}

// ---------------------------------------------------------------------------------------
// pods/exec over WebSocket

export interface ExecResult {
  stdout: string;
  stderr: string;
  /** The exit code from the error channel's Status (0 on Success). */
  exitCode: number;
  /** The error channel's Status message when the command did not succeed. */
  error?: string;
  /** Every message as received (channel byte first), when asked for. */
  frames: Buffer[];
}

interface ExecStatus { status?: string; reason?: string; message?: string; details?: { causes?: { reason?: string; message?: string }[] } }

/**
 * ExecCommandInContainerWithFullOutput: run `command` in the container through pods/exec on
 * a WebSocket (v4.channel.k8s.io: channel byte 1 stdout, 2 stderr, 3 the final Status).
 * `protocols` picks the offered subprotocols; `keepFrames` keeps every message as received.
 */
export async function execInContainer(ctx: CaseContext, podName: string, containerName: string, command: string[], protocols: string[] = ['v4.channel.k8s.io'], keepFrames = false): Promise<ExecResult> {
  const u = ctx.rest.url(podsPath(ctx.namespace, podName, 'exec'), { container: containerName, stdout: true, stderr: true });
  for (const c of command) u.searchParams.append('command', c);
  u.protocol = u.protocol === 'https:' ? 'wss:' : 'ws:';
  const tls: { ca?: unknown; cert?: unknown; key?: unknown; headers?: Record<string, unknown> } = {};
  await ctx.kc.applyToHTTPSOptions(tls as Parameters<typeof ctx.kc.applyToHTTPSOptions>[0]);
  const headers = await ctx.rest.authHeaders();
  return new Promise<ExecResult>((resolve, reject) => {
    const ws = new WebSocket(u, protocols, { ca: tls.ca as string, cert: tls.cert as string, key: tls.key as string, headers });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const frames: Buffer[] = [];
    let status: ExecStatus | undefined;
    const timer = setTimeout(() => { ws.terminate(); reject(new Error(`exec ${JSON.stringify(command)} in ${podName}/${containerName}: no end after 60s`)); }, 60_000);
    ws.on('unexpected-response', (_req, res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => { clearTimeout(timer); reject(new Error(`exec upgrade refused: ${res.statusCode} ${Buffer.concat(chunks).toString().slice(0, 300)}`)); });
    });
    ws.on('message', (data: Buffer) => {
      if (data.length === 0) return;
      if (keepFrames) frames.push(data);
      const body = data.subarray(1);
      if (data[0] === 1) out.push(body);
      else if (data[0] === 2) err.push(body);
      else if (data[0] === 3 && body.length) {
        try { status = JSON.parse(body.toString('utf8')) as ExecStatus; } catch { status = { status: 'Failure', message: body.toString('utf8') }; }
      }
    });
    ws.on('error', (e) => { clearTimeout(timer); reject(e); });
    ws.on('close', () => {
      clearTimeout(timer);
      let exitCode = 0;
      let error: string | undefined;
      if (status && status.status !== 'Success') {
        const cause = status.details?.causes?.find((c) => c.reason === 'ExitCode');
        exitCode = cause?.message ? Number(cause.message) : -1;
        error = status.message ?? status.reason ?? 'exec failed';
      }
      resolve({ stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), exitCode, error, frames });
    });
  });
}

/** e2epod.ExecCommandInContainer: the command must succeed; its stdout, trimmed as upstream does. */
export async function execOk(ctx: CaseContext, podName: string, containerName: string, ...command: string[]): Promise<string> {
  const r = await must(execInContainer(ctx, podName, containerName, command), `failed to execute command in pod ${podName}, container ${containerName}`);
  if (r.exitCode !== 0 || r.error) fail(`failed to execute command in pod ${podName}, container ${containerName}: ${r.error ?? ''} (exit ${r.exitCode}, stderr ${JSON.stringify(r.stderr)})`);
  return r.stdout.trim();
}

// ---------------------------------------------------------------------------------------
// Builders

/** entrypointTestPod of containers.go: agnhost with the given args, restartPolicy Never. */
export function entrypointTestPod(namespace: string, ...args: string[]): Pod {
  return {
    metadata: { name: `client-containers-${uuid()}`, namespace },
    spec: {
      containers: [{ name: 'agnhost-container', image: images.agnhost, args }],
      restartPolicy: 'Never',
    },
  };
}

/** newPod of expansion.go: one busybox "dapi-container" with the command, env and mounts, restartPolicy Never. */
export function newVarExpansionPod(namespace: string, command: string[] | undefined, env: V1EnvVar[], mounts?: V1VolumeMount[], volumes?: V1Volume[]): Pod {
  const name = `var-expansion-${uuid()}`;
  return {
    metadata: { name, namespace, labels: { name } },
    spec: {
      containers: [{ name: 'dapi-container', image: images.busybox, command, env, volumeMounts: mounts }],
      restartPolicy: 'Never',
      volumes,
    },
  };
}

/**
 * testDownwardAPI of common/node/downwardapi.go: a busybox "dapi-container" running `env`
 * with the given env and resources, restartPolicy Never.
 */
export function downwardAPIPod(namespace: string, env: V1EnvVar[], resources?: V1ResourceRequirements): Pod {
  const name = `downward-api-${uuid()}`;
  return {
    metadata: { name, namespace, labels: { name } },
    spec: {
      containers: [{ name: 'dapi-container', image: images.busybox, command: ['sh', '-c', 'env'], env, resources }],
      restartPolicy: 'Never',
    },
  };
}

/** A fieldRef env var. */
export const fieldEnv = (name: string, fieldPath: string): V1EnvVar => ({ name, valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath } } });
/** A resourceFieldRef env var. */
export const resourceEnv = (name: string, resource: string): V1EnvVar => ({ name, valueFrom: { resourceFieldRef: { resource } } });

// ---------------------------------------------------------------------------------------
// common/node/runtime.go's ConformanceContainer

/** ContainerStatusRetryTimeout and ContainerStatusPollInterval of runtime.go. */
export const CONTAINER_STATUS_RETRY_MS = 300_000;

/** ConformanceContainer: one container in a pod of its own named `<container>-<uuid>`. */
export class ConformanceContainer {
  readonly podName: string;
  constructor(private readonly ctx: CaseContext, readonly container: V1Container, readonly restartPolicy: 'Always' | 'OnFailure' | 'Never', readonly volumes?: V1Volume[]) {
    this.podName = `${container.name}-${uuid()}`;
  }

  async create(): Promise<void> {
    await createPod(this.ctx, {
      metadata: { name: this.podName },
      spec: { restartPolicy: this.restartPolicy, containers: [this.container], volumes: this.volumes },
    });
  }

  /** Deleted with grace period 0 (not waited for). */
  async delete(): Promise<void> {
    await this.ctx.rest.delete(podsPath(this.ctx.namespace, this.podName), undefined, { apiVersion: 'v1', kind: 'DeleteOptions', gracePeriodSeconds: 0 })
      .catch((e: unknown) => { if (!isNotFound(e)) throw e; });
  }

  get(): Promise<Pod> { return getPod(this.ctx, this.podName); }

  async present(): Promise<boolean> {
    try {
      await this.ctx.rest.get(podsPath(this.ctx.namespace, this.podName));
      return true;
    } catch (e) {
      if (isNotFound(e)) return false;
      throw e;
    }
  }

  /** GetStatus: the container's status (fails when the pod has none yet). */
  async status(): Promise<V1ContainerStatus> {
    const p = await this.get();
    const st = p.status?.containerStatuses?.[0];
    if (!st) fail(`no container status in pod ${this.podName} yet (${containerStates(p)})`);
    return st;
  }

  /** gomega.Eventually(value).Should(Equal(want)) with runtime.go's timeout and 1 s polling. */
  async eventually<T>(what: string, value: () => Promise<T>, want: T): Promise<void> {
    const deadline = Date.now() + within(this.ctx, CONTAINER_STATUS_RETRY_MS);
    let last: T | string | undefined;
    for (;;) {
      try {
        last = await value();
        if (last === want) return;
      } catch (e) {
        last = describeError(e);
      }
      if (Date.now() + 1_000 > deadline) fail(`${what}: expected ${JSON.stringify(want)}, last saw ${JSON.stringify(last)}`);
      await sleep(POLL_MS);
    }
  }
}

/** GetContainerState of runtime.go. */
export function containerState(st: V1ContainerStatus | undefined): 'Waiting' | 'Running' | 'Terminated' | 'Unknown' {
  if (st?.state?.waiting) return 'Waiting';
  if (st?.state?.running) return 'Running';
  if (st?.state?.terminated) return 'Terminated';
  return 'Unknown';
}

/**
 * matchTerminationMessage of runtime.go: the container (named termination-message-container,
 * busybox unless an image is given) in a Never pod reaches `phase`, is terminated, and its
 * termination message matches.
 */
export async function matchTerminationMessage(ctx: CaseContext, container: V1Container, phase: string, match: (message: string | undefined) => boolean, matcher: string): Promise<void> {
  const c = new ConformanceContainer(ctx, { ...container, image: container.image || images.busybox, name: 'termination-message-container' }, 'Never');
  ctx.step('create the container');
  await c.create();
  try {
    ctx.step(`wait for the container to reach ${phase}`);
    await c.eventually('pod phase', async () => (await c.get()).status?.phase, phase);
    ctx.step('get the container status');
    const status = await c.status();
    ctx.step('the container should be terminated');
    if (containerState(status) !== 'Terminated') fail(`container state: expected Terminated, got ${containerState(status)}`);
    ctx.step('the termination message should be set');
    const message = status.state?.terminated?.message;
    ctx.log(`Expected: ${matcher} to match Container's Termination Message: ${message ?? ''} --`);
    if (!match(message)) fail(`termination message ${JSON.stringify(message ?? '')} does not match ${matcher}`);
    ctx.step('delete the container');
  } finally {
    await c.delete();
  }
}

/** The BeforeEach pod of kubelet.go's "busybox command that always fails": /bin/false, restartPolicy Never. */
export function binFalsePod(): Pod {
  const name = `bin-false${uuid()}`;
  return { metadata: { name }, spec: { restartPolicy: 'Never', containers: [{ name, image: images.busybox, command: ['/bin/false'] }] } };
}

/**
 * watchtools.Until on the pod (a watch of the namespace's pods with a metadata.name field
 * selector, from `resourceVersion`): the first pod state `cond` accepts.
 */
export async function watchPodUntil(ctx: CaseContext, name: string, resourceVersion: string, timeoutMs: number, cond: (p: Pod) => boolean): Promise<Pod> {
  const ev = await watchUntil(ctx.rest, podsPath(ctx.namespace), { fieldSelector: `metadata.name=${name}` }, resourceVersion, within(ctx, timeoutMs),
    ({ object }) => cond(object as unknown as Pod), ctx.signal);
  return ev.object as unknown as Pod;
}

/** framework.PodStartShortTimeout */
export const POD_START_SHORT_MS = 120_000;

/**
 * e2epod.WaitForPodContainerToFail: the pod stays Pending while container `index` waits with
 * `reason`; any other phase fails at once.
 */
export function waitForPodContainerToFail(ctx: CaseContext, name: string, index: number, reason: string, timeoutMs: number): Promise<Pod> {
  return waitForPodCondition(ctx, name, `container ${index} waiting with ${reason}`, timeoutMs, (p) => {
    if (p.status?.phase !== 'Pending') fail(`pod was expected to be pending, but it is in the state: ${p.status?.phase ?? ''} (${containerStates(p)})`);
    return p.status?.containerStatuses?.[index]?.state?.waiting?.reason === reason;
  });
}

/** testPodFailSubpath of expansion.go: the container must wait with CreateContainerConfigError; the pod is deleted afterwards. */
export async function testPodFailSubpath(ctx: CaseContext, pod: Pod): Promise<void> {
  await createPod(ctx, pod);
  try {
    await waitForPodContainerToFail(ctx, pod.metadata.name, 0, 'CreateContainerConfigError', POD_START_SHORT_MS);
  } finally {
    await deleteSync(ctx, pod.metadata.name, undefined, 60_000).catch((e: unknown) => { ctx.log(`deleting pod ${pod.metadata.name}: ${describeError(e)}`); });
  }
}

/** ExecShellInPodWithFullOutput: `/bin/sh -c cmd` in the pod's first container. */
export async function execShellInPod(ctx: CaseContext, pod: Pod, cmd: string): Promise<ExecResult> {
  return execInContainer(ctx, pod.metadata.name, pod.spec.containers[0].name, ['/bin/sh', '-c', cmd]);
}

/** The env of expansion.go's subpath lifecycle tests: POD_NAME=foo and ANNOTATION from metadata.annotations['mysubpath']. */
export const subpathEnv = (): V1EnvVar[] => [{ name: 'POD_NAME', value: 'foo' }, fieldEnv('ANNOTATION', "metadata.annotations['mysubpath']")];

// ---------------------------------------------------------------------------------------
// Nodes and agnhost pods

interface NodeList { items: { metadata: { name: string }; spec?: { unschedulable?: boolean; taints?: { effect?: string }[] }; status?: { conditions?: { type: string; status: string }[] } }[] }

/** e2enode.GetRandomReadySchedulableNode: a Ready node that takes pods (no NoSchedule/NoExecute taints). */
export async function readySchedulableNode(ctx: CaseContext): Promise<string> {
  const nodes = await must(ctx.rest.get<NodeList>('/api/v1/nodes'), 'listing nodes');
  const ok = nodes.items.filter((n) => !n.spec?.unschedulable
    && n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')
    && !(n.spec?.taints ?? []).some((t) => t.effect === 'NoSchedule' || t.effect === 'NoExecute'));
  if (ok.length === 0) fail('no ready schedulable node');
  return ok[Math.floor(Math.random() * ok.length)].metadata.name;
}

/** e2epod.SetAffinity + SetNodeSelection: required node affinity to the node by metadata.name. */
export function setNodeAffinity(pod: Pod, nodeName: string): void {
  pod.spec.affinity = {
    nodeAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution: {
        nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: [nodeName] }] }],
      },
    },
  };
}

/** e2epod.NewAgnhostContainer */
export function newAgnhostContainer(name: string, ports: V1ContainerPort[] | undefined, ...args: string[]): V1Container {
  return { name, image: images.agnhost, args, ports };
}

/** e2epod.NewAgnhostPodFromContainers: an empty pod security context and no grace period. */
export function newAgnhostPodFromContainers(podName: string, volumes: V1Volume[] | undefined, ...containers: V1Container[]): Pod {
  return { metadata: { name: podName }, spec: { containers, volumes, securityContext: {}, terminationGracePeriodSeconds: 0 } };
}

/** PodClient.MatchContainerOutput: the container's log matches the regular expression. */
export async function matchContainerOutput(ctx: CaseContext, podName: string, containerName: string, re: RegExp): Promise<string> {
  const logs = await getPodLogs(ctx, podName, containerName);
  if (!re.test(logs)) fail(`failed to match regexp ${String(re)} in output ${JSON.stringify(logs.slice(-800))}`);
  return logs;
}

/** gomega.Eventually(fn, timeout, interval).Should(Succeed()): the last failure when it never succeeds. */
export async function eventually(ctx: CaseContext, timeoutMs: number, intervalMs: number, fn: () => Promise<unknown>): Promise<void> {
  const deadline = Date.now() + within(ctx, timeoutMs);
  for (;;) {
    try {
      await fn();
      return;
    } catch (e) {
      if (Date.now() + intervalMs > deadline) throw e;
    }
    await sleep(intervalMs);
  }
}

/**
 * The "when create a pod with lifecycle hook" context of lifecycle_hook.go: a netexec helper
 * pod (http on 8080, a second netexec on 9090) pinned to a ready node, then the pod with the
 * hook (`sameNode`: pinned there too), the helper's log checked for the postStart request
 * (2 min, every second), the hooked pod deleted with grace 15 and, for preStop, the helper's
 * log checked again (30 s).
 */
export async function runLifecycleHookTest(ctx: CaseContext, hooked: (target: { ip: string; url: string }) => V1Container, sameNode: boolean): Promise<void> {
  const handler = newAgnhostPodFromContainers('pod-handle-http-request', undefined,
    newAgnhostContainer('container-handle-http-request', [{ containerPort: 8080, protocol: 'TCP' }], 'netexec'),
    newAgnhostContainer('container-handle-https-request', [{ containerPort: 9090, protocol: 'TCP' }],
      'netexec', '--http-port', '9090', '--udp-port', '9091', '--tls-cert-file', '/localhost.crt', '--tls-private-key-file', '/localhost.key'));
  const node = await readySchedulableNode(ctx);
  setNodeAffinity(handler, node);
  ctx.step('create the container to handle the HTTPGet hook request.');
  const started = await createSync(ctx, handler);
  const ip = started.status?.podIP ?? '';
  if (!ip) fail('the handler pod has no IP');
  const url = ip.includes(':') ? `[${ip}]` : ip;

  const container = hooked({ ip, url });
  const pod: Pod = { metadata: { name: container.name }, spec: { containers: [container] } };
  if (sameNode) setNodeAffinity(pod, node);
  ctx.step('create the pod with lifecycle hook');
  await createSync(ctx, pod);
  const handlerContainer = container.lifecycle?.postStart?.httpGet?.scheme === 'HTTPS' || container.lifecycle?.preStop?.httpGet?.scheme === 'HTTPS' ? 1 : 0;
  const handlerName = handler.spec.containers[handlerContainer].name;
  if (container.lifecycle?.postStart) {
    ctx.step('check poststart hook');
    await eventually(ctx, 120_000, 1_000, () => matchContainerOutput(ctx, handler.metadata.name, handlerName, /GET \/echo\?msg=poststart/));
  }
  ctx.step('delete the pod with lifecycle hook');
  await deleteSync(ctx, pod.metadata.name, 15, 180_000);
  if (container.lifecycle?.preStop) {
    ctx.step('check prestop hook');
    await eventually(ctx, 30_000, 1_000, () => matchContainerOutput(ctx, handler.metadata.name, handlerName, /GET \/echo\?msg=prestop/));
  }
}

// ---------------------------------------------------------------------------------------
// container_probe.go

/** defaultObservationTimeout of container_probe.go. */
export const DEFAULT_OBSERVATION_MS = 240_000;

/** livenessPodSpec: agnhost liveness (healthy /healthz on 8080 for 10 s, then 500s). */
export function livenessPodSpec(namespace: string, readinessProbe: V1Probe | undefined, livenessProbe: V1Probe | undefined): Pod {
  return {
    metadata: { name: `liveness-${uuid()}`, namespace, labels: { test: 'liveness' } },
    spec: { containers: [{ name: 'agnhost-container', image: images.agnhost, args: ['liveness'], livenessProbe, readinessProbe }] },
  };
}

/** gRPCServerPodSpec: agnhost grpc-health-checking (gRPC on 5000, its HTTP control on 8080). */
export function gRPCServerPodSpec(readinessProbe: V1Probe | undefined, livenessProbe: V1Probe | undefined, containerName: string): Pod {
  return {
    metadata: { name: `test-grpc-${uuid()}` },
    spec: {
      containers: [{
        name: containerName, image: images.agnhost, command: ['/agnhost', 'grpc-health-checking'],
        ports: [{ containerPort: 5000 }, { containerPort: 8080 }], livenessProbe, readinessProbe,
      }],
    },
  };
}

/** testWebServerPodSpec: agnhost test-webserver on `port`. */
export function testWebServerPodSpec(readinessProbe: V1Probe | undefined, livenessProbe: V1Probe | undefined, containerName: string, port: number): Pod {
  return {
    metadata: { name: `test-webserver-${uuid()}` },
    spec: {
      containers: [{
        name: containerName, image: images.agnhost, args: ['test-webserver', '--port', String(port)],
        ports: [{ containerPort: port }], livenessProbe, readinessProbe,
      }],
    },
  };
}

/** busyBoxPodSpec: busybox running `cmd` with the probes. */
export function busyBoxPodSpec(readinessProbe: V1Probe | undefined, livenessProbe: V1Probe | undefined, cmd: string[]): Pod {
  return {
    metadata: { name: `busybox-${uuid()}`, labels: { test: 'liveness' } },
    spec: { containers: [{ name: 'busybox', image: images.busybox, command: cmd, livenessProbe, readinessProbe }] },
  };
}

/**
 * RunLivenessTest: create the pod, wait until it is no longer Pending, then watch the first
 * container's restartCount every 2 s for `timeoutMs` (plus 10 s per restart already seen):
 * it must only grow, and the number of restarts must reach `expectNumRestarts` (stopping as
 * soon as it does), or stay 0 when 0 is expected. The pod is deleted with grace 0 afterwards.
 */
export async function runLivenessTest(ctx: CaseContext, pod: Pod, expectNumRestarts: number, timeoutMs: number): Promise<void> {
  const containerName = pod.spec.containers[0].name;
  const restartsOf = (p: Pod): number => p.status?.containerStatuses?.find((c) => c.name === containerName)?.restartCount ?? 0;
  ctx.step(`Creating pod ${pod.metadata.name} in namespace ${ctx.namespace}`);
  await createPod(ctx, pod);
  try {
    await waitForPodCondition(ctx, pod.metadata.name, 'not pending', POD_START_MS, (p) => p.status?.phase !== 'Pending');
    ctx.log(`Started pod ${pod.metadata.name} in namespace ${ctx.namespace}`);

    ctx.step("checking the pod's current state and verifying that restartCount is present");
    let p = await getPod(ctx, pod.metadata.name);
    const initial = restartsOf(p);
    ctx.log(`Initial restart count of pod ${pod.metadata.name} is ${initial}`);
    const started = Date.now();
    const deadline = started + timeoutMs + initial * 10_000;
    let last = initial;
    let observed = 0;
    while (Date.now() < deadline) {
      p = await getPod(ctx, pod.metadata.name);
      const count = restartsOf(p);
      if (count !== last) {
        ctx.log(`Restart count of pod ${ctx.namespace}/${pod.metadata.name} is now ${count} (${Math.round((Date.now() - started) / 1000)}s elapsed)`);
        if (count < last) fail(`Restart count should increment monotonically: restart cont of pod ${ctx.namespace}/${pod.metadata.name} changed from ${last} to ${count}`);
      }
      observed = count - initial;
      if (expectNumRestarts > 0 && observed >= expectNumRestarts) break;
      last = count;
      await sleep(2_000);
    }
    if ((expectNumRestarts === 0 && observed > 0) || (expectNumRestarts > 0 && observed < expectNumRestarts)) {
      fail(`pod ${ctx.namespace}/${pod.metadata.name} - expected number of restarts: ${expectNumRestarts}, found restarts: ${observed}. Pod status: ${containerStates(p)}`);
    }
  } finally {
    ctx.step('deleting the pod');
    await ctx.rest.delete(podsPath(ctx.namespace, pod.metadata.name), undefined, { apiVersion: 'v1', kind: 'DeleteOptions', gracePeriodSeconds: 0 }).catch(() => undefined);
  }
}

/**
 * e2epod.MustMixinRestrictedPodSecurity: what the restricted pod-security level asks for —
 * non-root (uid 1000 unless set), RuntimeDefault seccomp, no privilege escalation, all
 * capabilities dropped.
 */
export function mixinRestrictedPodSecurity(pod: Pod): Pod {
  pod.spec.securityContext = { ...pod.spec.securityContext, runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } };
  pod.spec.securityContext.runAsUser ??= 1000;
  for (const c of pod.spec.containers) {
    c.securityContext = { ...c.securityContext, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } };
  }
  return pod;
}

// ---------------------------------------------------------------------------------------
// Ephemeral containers

/** e2epod.GenerateScriptCmd */
export const scriptCmd = (script: string): string[] => ['/bin/sh', '-c', script];

/** e2epod.WaitForContainerRunning: the named (init, app or ephemeral) container is running. */
export function waitForContainerRunning(ctx: CaseContext, podName: string, containerName: string, timeoutMs: number): Promise<Pod> {
  return waitForPodCondition(ctx, podName, `with container ${containerName} running`, timeoutMs, (p) => {
    const all = [...(p.status?.initContainerStatuses ?? []), ...(p.status?.containerStatuses ?? []), ...(p.status?.ephemeralContainerStatuses ?? [])];
    const st = all.find((c) => c.name === containerName)?.state;
    if (st?.terminated) fail(`container ${containerName} terminated (${containerStates(p)})`);
    return !!st?.running;
  });
}

/**
 * PodClient.AddEphemeralContainerSync: a strategic merge patch of pods/ephemeralcontainers
 * adding the container (what CreateTwoWayMergePatch makes of the appended list), then a wait
 * until it runs.
 */
export async function addEphemeralContainerSync(ctx: CaseContext, pod: Pod, ec: V1EphemeralContainer, timeoutMs: number): Promise<void> {
  const patch = { spec: { ephemeralContainers: [...(pod.spec.ephemeralContainers ?? []), ec] } };
  await must(ctx.rest.patch(podsPath(ctx.namespace, pod.metadata.name, 'ephemeralcontainers'), 'strategic', patch),
    `Failed to patch ephemeral containers in pod ${pod.metadata.name}`);
  await waitForContainerRunning(ctx, pod.metadata.name, ec.name, timeoutMs);
}

/** The target pod of ephemeral_containers.go: busybox looping until SIGTERM, restartPolicy OnFailure. */
export function ephemeralTargetPod(): Pod {
  return {
    metadata: { name: 'ephemeral-containers-target-pod' },
    spec: {
      containers: [{ name: 'test-container-1', image: images.busybox, command: scriptCmd('trap exit TERM; while true; do sleep 1; done') }],
      restartPolicy: 'OnFailure',
    },
  };
}

/** The "debugger" ephemeral containers of ephemeral_containers.go: busybox printing polo every 2 s, stdin and tty. */
export function debuggerContainer(name: string): V1EphemeralContainer {
  return { name, image: images.busybox, command: scriptCmd('while true; do echo polo; sleep 2; done'), stdin: true, tty: true };
}
