// What every probe handler shares (upstream pkg/probe): the result kinds, the output limit,
// the User-Agent, resolving a probe's port against the container's named ports, and which
// hosts a probe or hook may reach. The last is stricter than upstream: Skiff only ever
// sends probe traffic to the pod's own IP, the node's IP or loopback.

import { isIP } from 'node:net';
import { KUBELET_VERSION } from '../node.ts';
import type { Container } from '../types.ts';

/** A handler's verdict (probe.Result): Warning counts as success but is reported. */
export type ProbeResult = 'Success' | 'Warning' | 'Failure' | 'Unknown';

export interface ProbeAnswer { result: ProbeResult; output: string }

/** A probe that could not even be run (no such port, no exec support): the result is thrown away. */
export class ProbeError extends Error {}

/** Most of a command's output or a response body that is kept (10 KiB, as upstream). */
export const MAX_OUTPUT_BYTES = 10 * 1024;

/** "kube-probe/1.32" for probes, "kube-lifecycle/1.32" for hooks. */
export function userAgent(purpose: 'probe' | 'lifecycle'): string {
  const [major, minor] = KUBELET_VERSION.replace(/^v/, '').split('.');
  return `kube-${purpose}/${major}.${minor}`;
}

/** ResolveContainerPort: a number, a named container port, or a number written as text. */
export function resolveContainerPort(port: number | string, container: Container): number {
  let n: number;
  if (typeof port === 'number') n = port;
  else {
    const named = container.ports?.find((p) => p.name === port);
    if (named) n = named.containerPort;
    else if (/^[+-]?\d+$/.test(port)) n = Number(port);
    else throw new ProbeError(`strconv.Atoi: parsing "${port}": invalid syntax`);
  }
  if (n > 0 && n < 65536) return n;
  throw new ProbeError(`invalid port number: ${n}`);
}

const isLoopback = (host: string): boolean =>
  host === 'localhost' || (isIP(host) === 4 && host.startsWith('127.')) || host === '::1';

/** Where a probe of this pod may go: its own IP, the node's IP, or loopback (and, for hooks, the node's other pods). */
export interface ProbeTargets { podIP: string; hostIP: string; nodePodIPs?: ReadonlySet<string> }

/** Why a probe or hook must not reach host, or undefined when it may. */
export function refuseTarget(host: string, targets: ProbeTargets): string | undefined {
  if (host === '') return 'the pod has no IP address yet';
  if (isLoopback(host) || host === targets.podIP || host === targets.hostIP || targets.nodePodIPs?.has(host)) return undefined;
  if (targets.nodePodIPs) return `refusing to reach ${host}: a hook may only reach the pod's IP (${targets.podIP || 'none'}), the node's IP (${targets.hostIP}), another pod on this node, or loopback`;
  return `refusing to probe ${host}: a probe may only reach the pod's IP (${targets.podIP || 'none'}), the node's IP (${targets.hostIP}) or loopback`;
}

/** host:port as Go's net.JoinHostPort writes it. */
export const joinHostPort = (host: string, port: number): string => (host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`);

/** Keeps at most MAX_OUTPUT_BYTES of output (upstream's LimitWriter). */
export function limitOutput(chunks: Buffer[]): string {
  const all = Buffer.concat(chunks);
  return (all.length > MAX_OUTPUT_BYTES ? all.subarray(0, MAX_OUTPUT_BYTES) : all).toString('utf8');
}
