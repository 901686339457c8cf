// Container lifecycle hooks and the kubelet's way of killing a container (upstream
// pkg/kubelet/lifecycle/handlers.go and kuberuntime's killContainer / executePreStopHook).
// postStart runs right after StartContainer, and a failure kills the container; preStop runs
// before StopContainer within the grace period, and the time it takes is taken off the grace
// the runtime gets. Hooks are exec (ExecSync in the container), httpGet (to the pod's IP) or
// sleep.

import type { ILifecycleHandler } from 'kubernetes-models/v1';
import type { ContainerRuntime } from './runtime/types.ts';
import { isRuntimeNotFound } from './runtime/types.ts';
import { podDescription, type Container, type Pod } from './types.ts';
import { runInContainer } from './prober/exec.ts';
import { requestForHTTPGetAction, requestHost } from './prober/http.ts';
import type { ProbeNetwork } from './prober/network.ts';
import { refuseTarget } from './prober/probe.ts';

/** The kubelet never gives a container less than this to stop (minimumGracePeriodInSeconds). */
export const MIN_GRACE_SECONDS = 2;
/** How long an httpGet postStart hook may take (upstream's hook client has no deadline; ours must not block the pod forever). */
const POST_START_HTTP_TIMEOUT_MS = 60_000;

export interface HookContext {
  runtime: ContainerRuntime;
  network: ProbeNetwork;
  pod: Pod;
  podIP: string;
  hostIP: string;
  /** The IPs of the pods this node runs: hooks may call them (they sit on the node's own bridge). */
  nodePodIPs?: () => ReadonlySet<string>;
  /** Records an event about the container (or the pod, without one). */
  event(container: Container | undefined, type: 'Normal' | 'Warning', reason: string, message: string): void;
}

/** Why a probe failure kills a container (its own terminationGracePeriodSeconds then applies). */
export type KillReason = 'liveness' | 'startup';

/** setTerminationGracePeriod: the pod's deletion grace, else a failed probe's own, else the pod's. */
export function terminationGracePeriod(pod: Pod, container: Container, reason?: KillReason): number {
  if (pod.metadata.deletionGracePeriodSeconds !== undefined) return pod.metadata.deletionGracePeriodSeconds;
  const probe = reason === 'liveness' ? container.livenessProbe : reason === 'startup' ? container.startupProbe : undefined;
  if (probe?.terminationGracePeriodSeconds !== undefined) return probe.terminationGracePeriodSeconds;
  return pod.spec?.terminationGracePeriodSeconds ?? 30;
}

const sleep = (ms: number, signal?: AbortSignal): Promise<boolean> => new Promise((resolve) => {
  if (signal?.aborted) return resolve(false);
  const timer = setTimeout(() => { signal?.removeEventListener('abort', onAbort); resolve(true); }, ms);
  const onAbort = () => { clearTimeout(timer); resolve(false); };
  signal?.addEventListener('abort', onAbort, { once: true });
});

async function runHTTPHook(ctx: HookContext, container: Container, handler: NonNullable<ILifecycleHandler['httpGet']>, timeoutMs: number): Promise<string | undefined> {
  const host = handler.host || ctx.podIP;
  if (!host) return 'failed to find networking container: the pod has no IP';
  const req = requestForHTTPGetAction({ ...handler, host }, container, ctx.podIP, 'lifecycle');
  const refused = refuseTarget(requestHost(req), { podIP: ctx.podIP, hostIP: ctx.hostIP, nodePodIPs: ctx.nodePodIPs?.() ?? new Set() });
  if (refused) return refused;
  const res = await ctx.network.httpGet(req, timeoutMs);
  if (res.error === undefined) return undefined;
  if (!res.httpResponseToHTTPS) return res.error;
  // An HTTPS hook answered by a plain HTTP server is tried once more over HTTP, as upstream does.
  const plain = { ...req, url: new URL(req.url.href.replace(/^https:/, 'http:')) };
  for (const k of Object.keys(plain.headers)) if (k.toLowerCase() === 'authorization') delete plain.headers[k];
  const retry = await ctx.network.httpGet(plain, timeoutMs);
  if (retry.error !== undefined) return res.error;
  ctx.event(undefined, 'Warning', 'LifecycleHTTPFallback', `request to HTTPS lifecycle hook ${req.url.host} got HTTP response, retry with HTTP succeeded`);
  return undefined;
}

/**
 * Runs one lifecycle handler; resolves to upstream's failure message, or undefined when it
 * succeeded. signal ends a sleep early (the grace period ran out).
 */
export async function runLifecycleHandler(ctx: HookContext, container: Container, containerId: string, handler: ILifecycleHandler, timeoutMs: number, signal?: AbortSignal): Promise<string | undefined> {
  const where = `for Container "${container.name}" in Pod "${podDescription(ctx.pod)}"`;
  try {
    if (handler.exec) {
      const cmd = handler.exec.command ?? [];
      const res = await runInContainer(ctx.runtime, containerId, cmd, 0);
      if (res.error === undefined) return undefined;
      return `Exec lifecycle hook ([${cmd.join(' ')}]) ${where} failed - error: ${res.error}, message: ${JSON.stringify(res.output)}`;
    }
    if (handler.httpGet) {
      const error = await runHTTPHook(ctx, container, handler.httpGet, timeoutMs);
      return error === undefined ? undefined : `HTTP lifecycle hook (${handler.httpGet.path ?? ''}) ${where} failed - error: ${error}`;
    }
    if (handler.sleep) {
      const finished = await sleep(handler.sleep.seconds * 1000, signal);
      return finished ? undefined : `Sleep lifecycle hook (${handler.sleep.seconds}) ${where} failed - error: container terminated before sleep hook finished`;
    }
  } catch (e) {
    // The hook could not be run at all (no exec support, no such port, the container is gone).
    const kind = handler.exec ? `Exec lifecycle hook ([${(handler.exec.command ?? []).join(' ')}])` : `HTTP lifecycle hook (${handler.httpGet?.path ?? ''})`;
    return `${kind} ${where} failed - error: ${(e as Error).message}`;
  }
  return `Cannot run handler: invalid handler: ${JSON.stringify(handler)}`;
}

/** Runs the container's postStart hook, if any; on failure records FailedPostStartHook and resolves to the message. */
export async function runPostStartHook(ctx: HookContext, container: Container, containerId: string): Promise<string | undefined> {
  const hook = container.lifecycle?.postStart;
  if (!hook) return undefined;
  const message = await runLifecycleHandler(ctx, container, containerId, hook, POST_START_HTTP_TIMEOUT_MS);
  if (message !== undefined) ctx.event(container, 'Warning', 'FailedPostStartHook', message);
  return message;
}

/**
 * executePreStopHook: runs the preStop hook for at most the grace period and resolves to the
 * whole seconds it took. A failure is recorded as FailedPreStopHook.
 */
export async function runPreStopHook(ctx: HookContext, container: Container, containerId: string, gracePeriodSeconds: number): Promise<number> {
  const hook = container.lifecycle?.preStop;
  if (!hook || gracePeriodSeconds <= 0) return 0;
  const started = performance.now();
  const graceMs = gracePeriodSeconds * 1000;
  const expired = new AbortController();
  const run = runLifecycleHandler(ctx, container, containerId, hook, graceMs, expired.signal).then((message) => {
    if (message !== undefined) ctx.event(container, 'Warning', 'FailedPreStopHook', message);
  });
  let timer: NodeJS.Timeout | undefined;
  const timeUp = new Promise<void>((resolve) => { timer = setTimeout(resolve, graceMs); });
  await Promise.race([run, timeUp]);
  clearTimeout(timer);
  expired.abort();
  return Math.floor((performance.now() - started) / 1000);
}

/**
 * killContainer: the Killing event (message, else "Stopping container <name>"), the preStop
 * hook within the grace period, then StopContainer with what is left of it (never less than
 * MIN_GRACE_SECONDS). A container already gone is not an error.
 */
export async function killContainer(ctx: HookContext, container: Container, containerId: string, gracePeriodSeconds: number, message?: string): Promise<void> {
  ctx.event(container, 'Normal', 'Killing', message || `Stopping container ${container.name}`);
  let grace = gracePeriodSeconds;
  if (grace > 0) grace -= await runPreStopHook(ctx, container, containerId, grace);
  grace = Math.max(grace, MIN_GRACE_SECONDS);
  try {
    await ctx.runtime.stopContainer(containerId, grace);
  } catch (e) {
    if (!isRuntimeNotFound(e)) throw e;
  }
}
