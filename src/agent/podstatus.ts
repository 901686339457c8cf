// A pod's API status from what the agent knows of its containers (upstream
// generateAPIPodStatus, getPhase and status/generate.go): phase, the kubelet's conditions,
// IPs, and one status per container with its state, last state, readiness and restarts.

import type { IContainerState, IContainerStateTerminated } from 'kubernetes-models/v1';
import { timestamp } from '../registry/object.ts';
import { podQOS } from './kuberuntime/resources.ts';
import type { ContainerStatus as CriContainerStatus, ContainerType } from './runtime/types.ts';
import type { Container, ContainerStatus, Pod, PodCondition, PodStatus } from './types.ts';

/** What the agent knows of one container of the pod. */
export interface ContainerView {
  spec: Container;
  kind: ContainerType;
  /** The runtime's status of the current attempt, if one was created. */
  runtime?: CriContainerStatus;
  restartCount: number;
  /** How the previous attempt ended. */
  lastTermination?: IContainerStateTerminated;
  /** Why the container is not running when that is the agent's doing (ErrImagePull, CrashLoopBackOff, ...). */
  waiting?: { reason: string; message?: string };
  /** What the current attempt, once exited, left as its termination message (file or log tail). */
  terminationMessage?: string;
}

export interface PodView {
  pod: Pod;
  hostIP: string;
  podIP: string;
  /** A sandbox with its network is up (PodReadyToStartContainers). */
  sandboxReady: boolean;
  init: ContainerView[];
  regular: ContainerView[];
  /** Ephemeral containers (pods/ephemeralcontainers): reported, never ready, no part of the phase or conditions. */
  ephemeral?: ContainerView[];
  /** The pod is being terminated: its containers will not be restarted. */
  terminating: boolean;
  startTime: string;
  /** The runtime's name, for containerID (`<runtime>://<id>`). */
  runtimeName: string;
  /** The status this agent generated last, else the API's (conditions keep their transition times). */
  previous?: PodStatus;
  /** The pod's probes (upstream UpdatePodStatus): whether a running container has started and is ready. */
  probes?: ContainerProbeStatus;
}

export interface ContainerProbeStatus {
  containerStatus(container: Container, containerId: string, running: boolean): { started: boolean; ready: boolean };
}

const nsToTime = (ns: number): string => timestamp(Math.floor(ns / 1e6));

/** The terminated state of an exited attempt; the runtime's message, then the container's own termination message. */
export function terminatedState(cri: CriContainerStatus, runtimeName: string, terminationMessage?: string): IContainerStateTerminated {
  const t: IContainerStateTerminated = {
    exitCode: cri.exitCode,
    reason: cri.reason || (cri.exitCode === 0 ? 'Completed' : 'Error'),
    startedAt: nsToTime(cri.startedAt),
    finishedAt: nsToTime(cri.finishedAt),
    containerID: `${runtimeName}://${cri.id}`,
  };
  const message = [cri.message, terminationMessage].filter((m) => !!m).join(': ');
  if (message) t.message = message;
  return t;
}

function stateOf(v: ContainerView, runtimeName: string, defaultWaiting: string): IContainerState {
  if (v.waiting) return { waiting: v.waiting.message ? { ...v.waiting } : { reason: v.waiting.reason } };
  const cri = v.runtime;
  // An ephemeral container that ran before the agent restarted keeps its end (it never runs again).
  if (!cri) return v.kind === 'ephemeral' && v.lastTermination ? { terminated: v.lastTermination } : { waiting: { reason: defaultWaiting } };
  switch (cri.state) {
    case 'CONTAINER_RUNNING': return { running: { startedAt: nsToTime(cri.startedAt) } };
    case 'CONTAINER_EXITED': return { terminated: terminatedState(cri, runtimeName, v.terminationMessage) };
    case 'CONTAINER_CREATED': return { waiting: { reason: 'ContainerCreating' } };
    default: return { waiting: { reason: 'ContainerStatusUnknown', message: 'The container could not be located when the pod was terminated' } };
  }
}

/**
 * A container waiting to run again (CrashLoopBackOff, an image pull failing) shows the run that
 * just exited as its last state, as upstream's convertToAPIContainerStatuses does; otherwise
 * the last state is the run before the current one.
 */
function lastStateOf(v: ContainerView, state: IContainerState, runtimeName: string): IContainerState {
  if (v.kind === 'ephemeral') return {};
  if (state.waiting && v.runtime?.state === 'CONTAINER_EXITED') return { terminated: terminatedState(v.runtime, runtimeName, v.terminationMessage) };
  return v.lastTermination ? { terminated: v.lastTermination } : {};
}

function containerStatus(v: ContainerView, runtimeName: string, defaultWaiting: string, probes?: ContainerProbeStatus): ContainerStatus {
  const state = stateOf(v, runtimeName, defaultWaiting);
  const running = state.running !== undefined;
  const probed = v.kind !== 'init' && v.runtime ? probes?.containerStatus(v.spec, v.runtime.id, running) : undefined;
  // Without probes: a regular or sidecar container is ready while it runs, an init container once it succeeded.
  const ready = v.kind === 'init' ? state.terminated?.exitCode === 0 : v.kind === 'ephemeral' ? false : probed?.ready ?? running;
  const s: ContainerStatus = {
    name: v.spec.name,
    state,
    lastState: lastStateOf(v, state, runtimeName),
    ready,
    restartCount: v.restartCount,
    image: v.runtime?.image.image ?? v.spec.image ?? '',
    imageID: v.runtime?.imageRef ?? '',
    started: probed?.started ?? running,
  };
  if (v.runtime) s.containerID = `${runtimeName}://${v.runtime.id}`;
  return s;
}

export type PodPhase = NonNullable<PodStatus['phase']>;

/** getPhase: Pending while initialising or waiting, Running while anything runs or restarts, then Succeeded or Failed. */
export function podPhase(pod: Pod, init: ContainerStatus[], regular: ContainerStatus[], terminating: boolean): PodPhase {
  const restartPolicy = pod.spec?.restartPolicy ?? 'Always';
  const specInit = pod.spec?.initContainers ?? [];
  const byName = (list: ContainerStatus[], name: string) => list.find((s) => s.name === name);
  let pendingInit = 0;
  let pendingSidecars = 0;
  let failedInit = 0;
  let unknown = 0;
  let running = 0;
  let waiting = 0;
  let stopped = 0;
  let succeeded = 0;
  for (const c of specInit) {
    const s = byName(init, c.name);
    if (c.restartPolicy === 'Always') {
      if (!s) { unknown++; continue; }
      if (s.state?.running) {
        if (!s.started) pendingSidecars++;
        running++;
      } else if (s.state?.waiting && !s.lastState?.terminated) {
        pendingSidecars++;
        waiting++;
      }
      continue;
    }
    if (!s || s.state?.running) { pendingInit++; continue; }
    if (s.state?.terminated) {
      if (s.state.terminated.exitCode !== 0) failedInit++;
    } else if (s.lastState?.terminated) {
      if (s.lastState.terminated.exitCode !== 0) failedInit++;
    } else {
      pendingInit++;
    }
  }
  for (const c of pod.spec?.containers ?? []) {
    const s = byName(regular, c.name);
    if (!s) { unknown++; continue; }
    if (s.state?.running) running++;
    else if (s.state?.terminated) {
      stopped++;
      if (s.state.terminated.exitCode === 0) succeeded++;
    } else if (s.state?.waiting) {
      if (s.lastState?.terminated) stopped++;
      else waiting++;
    } else unknown++;
  }
  if (failedInit > 0 && restartPolicy === 'Never') return 'Failed';
  if (pendingInit > 0 || (pendingSidecars > 0 && !terminating)) return 'Pending';
  if (waiting > 0) return 'Pending';
  if (running > 0 && unknown === 0) return 'Running';
  if (running === 0 && stopped > 0 && unknown === 0) {
    if (terminating) return stopped === succeeded ? 'Succeeded' : 'Failed';
    if (restartPolicy === 'Always') return 'Running';
    if (stopped === succeeded) return 'Succeeded';
    return restartPolicy === 'Never' ? 'Failed' : 'Running';
  }
  return 'Pending';
}

const list = (names: string[]): string => `[${names.join(' ')}]`;

function cond(type: string, status: boolean, reason?: string, message?: string): PodCondition {
  // The kubelet never probes these; Go marshals the zero time as null, and clients see that.
  const c: PodCondition = { type, status: status ? 'True' : 'False', lastProbeTime: null as unknown as undefined, lastTransitionTime: '' };
  if (reason) c.reason = reason;
  if (message) c.message = message;
  return c;
}

/** ContainersReady (and Ready, which follows it when there are no readiness gates). */
function containersReady(pod: Pod, init: ContainerStatus[], regular: ContainerStatus[], phase: PodPhase): PodCondition {
  if (phase === 'Succeeded') return cond('ContainersReady', false, 'PodCompleted');
  if (phase === 'Failed') return cond('ContainersReady', false, 'PodFailed');
  const unknown: string[] = [];
  const unready: string[] = [];
  const check = (name: string, statuses: ContainerStatus[]) => {
    const s = statuses.find((x) => x.name === name);
    if (!s) unknown.push(name);
    else if (!s.ready) unready.push(name);
  };
  for (const c of pod.spec?.initContainers ?? []) if (c.restartPolicy === 'Always') check(c.name, init);
  for (const c of pod.spec?.containers ?? []) check(c.name, regular);
  const messages: string[] = [];
  if (unknown.length) messages.push(`containers with unknown status: ${list(unknown)}`);
  if (unready.length) messages.push(`containers with unready status: ${list(unready)}`);
  return messages.length ? cond('ContainersReady', false, 'ContainersNotReady', messages.join(', ')) : cond('ContainersReady', true);
}

function podReady(pod: Pod, containers: PodCondition, conditions: PodCondition[]): PodCondition {
  if (containers.status !== 'True') return cond('Ready', false, containers.reason, containers.message);
  const unready: string[] = [];
  for (const gate of pod.spec?.readinessGates ?? []) {
    const c = conditions.find((x) => x.type === gate.conditionType);
    if (!c) unready.push(`corresponding condition of pod readiness gate "${gate.conditionType}" does not exist.`);
    else if (c.status !== 'True') unready.push(`the status of pod readiness gate "${gate.conditionType}" is not "True", but ${c.status}`);
  }
  return unready.length ? cond('Ready', false, 'ReadinessGatesNotReady', unready.join(', ')) : cond('Ready', true);
}

function initialized(pod: Pod, init: ContainerStatus[], regular: ContainerStatus[], phase: PodPhase): PodCondition {
  const unknown: string[] = [];
  const incomplete: string[] = [];
  for (const c of pod.spec?.initContainers ?? []) {
    const s = init.find((x) => x.name === c.name);
    if (!s) unknown.push(c.name);
    else if (c.restartPolicy === 'Always' ? !s.started : !s.ready) incomplete.push(c.name);
  }
  if (phase === 'Succeeded' && unknown.length === 0) return cond('Initialized', true, 'PodCompleted');
  if (regular.some((s) => s.started || s.state?.running || s.state?.terminated || s.lastState?.terminated)) return cond('Initialized', true);
  const messages: string[] = [];
  if (unknown.length) messages.push(`containers with unknown status: ${list(unknown)}`);
  if (incomplete.length) messages.push(`containers with incomplete status: ${list(incomplete)}`);
  return messages.length ? cond('Initialized', false, 'ContainersNotInitialized', messages.join(', ')) : cond('Initialized', true);
}

const KUBELET_CONDITIONS = new Set(['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady', 'PodScheduled']);

/** The status the agent writes through pods/status (nominatedNodeName is left as it is; qosClass as the API server set it, else computed). */
export function generatePodStatus(v: PodView, now: string): PodStatus {
  const { pod, runtimeName } = v;
  const hasInit = (pod.spec?.initContainers ?? []).some((c) => c.restartPolicy !== 'Always');
  const initStatuses = v.init.map((c) => containerStatus(c, runtimeName, 'PodInitializing', v.probes));
  const initDone = !hasInit || v.regular.some((c) => c.runtime !== undefined || c.lastTermination !== undefined);
  const regularStatuses = v.regular
    .map((c) => containerStatus(c, runtimeName, initDone ? 'ContainerCreating' : 'PodInitializing', v.probes))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const phase = podPhase(pod, initStatuses, regularStatuses, v.terminating);

  const previous = v.previous?.conditions ?? pod.status?.conditions ?? [];
  const kept = (pod.status?.conditions ?? []).filter((c) => !KUBELET_CONDITIONS.has(c.type));
  const ready = containersReady(pod, initStatuses, regularStatuses, phase);
  const generated = [
    cond('PodReadyToStartContainers', v.sandboxReady),
    initialized(pod, initStatuses, regularStatuses, phase),
    podReady(pod, ready, kept),
    ready,
    cond('PodScheduled', true),
  ];
  for (const c of generated) {
    const prev = previous.find((p) => p.type === c.type);
    c.lastTransitionTime = prev && prev.status === c.status && prev.lastTransitionTime ? prev.lastTransitionTime : now;
  }
  const status: PodStatus = {
    phase,
    conditions: [...kept, ...generated],
    hostIP: v.hostIP,
    hostIPs: [{ ip: v.hostIP }],
    startTime: v.startTime,
    containerStatuses: regularStatuses,
    qosClass: podQOS(pod),
  };
  const podIP = pod.spec?.hostNetwork ? v.hostIP : v.podIP;
  if (podIP) {
    status.podIP = podIP;
    status.podIPs = [{ ip: podIP }];
  }
  if (initStatuses.length) status.initContainerStatuses = initStatuses;
  if (v.ephemeral?.length) {
    status.ephemeralContainerStatuses = v.ephemeral.map((c) => containerStatus(c, runtimeName, 'ContainerCreating'))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }
  return status;
}
