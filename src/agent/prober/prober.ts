// Runs one probe of a container (upstream pkg/kubelet/prober/prober.go): picks the handler
// the probe names, retries it (up to three tries) only when it could not be run at all, and
// records the Unhealthy or ProbeWarning event the kubelet records.

import type { IProbe } from 'kubernetes-models/v1';
import type { ContainerRuntime } from '../runtime/types.ts';
import type { Container, Pod } from '../types.ts';
import { podDescription } from '../types.ts';
import { execProbe, expandCommand } from './exec.ts';
import { httpProbeAnswer, requestForHTTPGetAction, requestHost } from './http.ts';
import type { ProbeNetwork } from './network.ts';
import { ProbeError, refuseTarget, resolveContainerPort, type ProbeAnswer } from './probe.ts';

export type ProbeType = 'Liveness' | 'Readiness' | 'Startup';

const MAX_PROBE_RETRIES = 3;

export interface ProbeContext {
  runtime: ContainerRuntime;
  network: ProbeNetwork;
  pod: Pod;
  /** status.podIP (the node's IP for hostNetwork pods). */
  podIP: string;
  hostIP: string;
  container: Container;
  containerId: string;
  /** Records an event about the container. */
  event(type: 'Normal' | 'Warning', reason: string, message: string): void;
}

const secondsToMs = (s: number | undefined, dflt: number): number => (s && s > 0 ? s : dflt) * 1000;

/** runProbe: one try of the probe's handler. Throws when the probe cannot be run. */
export async function runProbe(p: IProbe, ctx: ProbeContext): Promise<ProbeAnswer> {
  const timeoutMs = secondsToMs(p.timeoutSeconds, 1);
  const targets = { podIP: ctx.podIP, hostIP: ctx.hostIP };
  if (p.exec) {
    return execProbe(ctx.runtime, ctx.containerId, expandCommand(p.exec.command ?? [], ctx.container), timeoutMs / 1000);
  }
  if (p.httpGet) {
    const req = requestForHTTPGetAction(p.httpGet, ctx.container, ctx.podIP, 'probe');
    const refused = refuseTarget(requestHost(req), targets);
    if (refused) return { result: 'Failure', output: refused };
    return httpProbeAnswer(await ctx.network.httpGet(req, timeoutMs));
  }
  if (p.tcpSocket) {
    const port = resolveContainerPort(p.tcpSocket.port, ctx.container);
    const host = p.tcpSocket.host || ctx.podIP;
    const refused = refuseTarget(host, targets);
    if (refused) return { result: 'Failure', output: refused };
    return ctx.network.tcp(host, port, timeoutMs);
  }
  if (p.grpc) {
    const refused = refuseTarget(ctx.podIP, targets);
    if (refused) return { result: 'Failure', output: refused };
    return ctx.network.grpc(ctx.podIP, p.grpc.port, p.grpc.service ?? '', timeoutMs);
  }
  throw new ProbeError(`missing probe handler for ${podDescription(ctx.pod)}:${ctx.container.name}`);
}

/**
 * probe: Success or Failure, with the events upstream records; undefined when the probe
 * errored (the worker throws such a result away).
 */
export async function probe(type: ProbeType, spec: IProbe, ctx: ProbeContext): Promise<'Success' | 'Failure' | undefined> {
  let answer: ProbeAnswer | undefined;
  let error: Error | undefined;
  for (let i = 0; i < MAX_PROBE_RETRIES; i++) {
    try {
      answer = await runProbe(spec, ctx);
      error = undefined;
      break;
    } catch (e) {
      error = e as Error;
    }
  }
  if (error || !answer) {
    ctx.event('Warning', 'Unhealthy', `${type} probe errored and resulted in unknown state: ${error?.message ?? 'no result'}`);
    return undefined;
  }
  switch (answer.result) {
    case 'Success':
      return 'Success';
    case 'Warning':
      ctx.event('Warning', 'ProbeWarning', `${type} probe warning: ${answer.output}`);
      return 'Success';
    case 'Failure':
      ctx.event('Warning', 'Unhealthy', `${type} probe failed: ${answer.output}`);
      return 'Failure';
    default:
      ctx.event('Warning', 'Unhealthy', `${type} probe errored and resulted in unknown state: ${answer.output}`);
      return 'Failure';
  }
}
