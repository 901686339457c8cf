// Pods: NAME READY STATUS RESTARTS AGE, and wide IP NODE NOMINATED-NODE READINESS-GATES.
// STATUS is the same one-word summary upstream derives: the phase (or status.reason), then
// the first unfinished init container ("Init:0/2", "Init:CrashLoopBackOff"), then the
// containers' waiting/terminated reasons, then Terminating/Unknown for deleted pods.

import type { KubeObject } from '../../src/registry/object.ts';
import { AGE, NAME, column, columns } from './columns.ts';
import { Ago, age, timeMs } from './format.ts';
import { type CellTemplate, type RowCondition, printer } from './types.ts';

interface ContainerState {
  waiting?: { reason?: string };
  running?: object;
  terminated?: { reason?: string; exitCode?: number; signal?: number; finishedAt?: string | null };
}

interface ContainerStatus {
  name?: string;
  ready?: boolean;
  started?: boolean;
  restartCount?: number;
  state?: ContainerState;
  lastState?: ContainerState;
}

interface Condition { type?: string; status?: string; reason?: string }

interface PodWire {
  metadata: { name?: string; creationTimestamp?: string; deletionTimestamp?: string };
  spec?: {
    containers?: unknown[];
    initContainers?: { name?: string; restartPolicy?: string }[];
    nodeName?: string;
    readinessGates?: { conditionType?: string }[];
  };
  status?: {
    phase?: string;
    reason?: string;
    conditions?: Condition[];
    initContainerStatuses?: ContainerStatus[];
    containerStatuses?: ContainerStatus[];
    podIP?: string;
    podIPs?: { ip?: string }[];
    nominatedNodeName?: string;
  };
}

const POD_COLUMNS = columns(
  NAME,
  column('Ready', 'string', 'The aggregate readiness state of this pod for accepting traffic.'),
  column('Status', 'string', 'The aggregate status of the containers in this pod.'),
  column('Restarts', 'string', 'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.'),
  AGE,
  column('IP', 'string', 'The IP address allocated to the pod (status.podIP).', 1),
  column('Node', 'string', 'The node the pod is scheduled onto (spec.nodeName).', 1),
  column('Nominated Node', 'string', 'The node the scheduler nominated while preempting for this pod (status.nominatedNodeName).', 1),
  column('Readiness Gates', 'string', 'How many of the pod\'s readiness gates are satisfied (spec.readinessGates).', 1),
);

const SUCCEEDED: readonly RowCondition[] = Object.freeze([{ type: 'Completed', status: 'True', reason: 'Succeeded', message: 'The pod has completed successfully.' }]);
const FAILED: readonly RowCondition[] = Object.freeze([{ type: 'Completed', status: 'True', reason: 'Failed', message: 'The pod failed.' }]);

/** The kubelet's reason for pods on a node that stopped reporting. */
const NODE_LOST = 'NodeLost';

/** When the container last finished before its current run; -Infinity when never (Go's zero time). */
function lastFinishedMs(c: ContainerStatus): number {
  return timeMs(c.lastState?.terminated?.finishedAt) ?? -Infinity;
}

/** A sidecar: an init container that keeps running beside the app containers. */
function isSidecar(inits: readonly { name?: string; restartPolicy?: string }[], name: string | undefined): boolean {
  for (const c of inits) if (c.name === name) return c.restartPolicy === 'Always';
  return false;
}

function conditionStatus(conditions: readonly Condition[] | undefined, type: string): string | undefined {
  if (conditions) for (const c of conditions) if (c.type === type) return c.status;
  return undefined;
}

function hasTrueCondition(conditions: readonly Condition[] | undefined, type: string): boolean {
  if (conditions) for (const c of conditions) if (c.type === type && c.status === 'True') return true;
  return false;
}

function terminatedReason(t: NonNullable<ContainerState['terminated']>, prefix: string): string {
  if (t.reason) return prefix + t.reason;
  return t.signal ? `${prefix}Signal:${t.signal}` : `${prefix}ExitCode:${t.exitCode ?? 0}`;
}

function readinessGates(pod: PodWire): string {
  const gates = pod.spec?.readinessGates;
  if (!gates || gates.length === 0) return '<none>';
  const conditions = pod.status?.conditions;
  let satisfied = 0;
  for (const g of gates) if (conditionStatus(conditions, g.conditionType ?? '') === 'True') satisfied++;
  return `${satisfied}/${gates.length}`;
}

function podCells(obj: KubeObject): CellTemplate[] {
  const pod = obj as unknown as PodWire;
  const spec = pod.spec ?? {};
  const status = pod.status ?? {};
  const inits = spec.initContainers ?? [];
  const conditions = status.conditions;
  const phase = status.phase ?? '';

  let reason = status.reason || phase;
  if (conditions) for (const c of conditions) if (c.type === 'PodScheduled' && c.reason === 'SchedulingGated') reason = 'SchedulingGated';

  let total = spec.containers?.length ?? 0;
  for (const c of inits) if (c.restartPolicy === 'Always') total++;

  let ready = 0;
  let restarts = 0;
  let lastRestart = -Infinity;
  let sidecarRestarts = 0;
  let lastSidecarRestart = -Infinity;

  // Init containers run in order: the first one that has not finished explains the pod.
  let initializing = false;
  const initStatuses = status.initContainerStatuses ?? [];
  for (let i = 0; i < initStatuses.length; i++) {
    const c = initStatuses[i];
    const count = c.restartCount ?? 0;
    const finished = lastFinishedMs(c);
    restarts += count;
    if (finished > lastRestart) lastRestart = finished;
    const sidecar = inits.length > 0 && isSidecar(inits, c.name);
    if (sidecar) {
      sidecarRestarts += count;
      if (finished > lastSidecarRestart) lastSidecarRestart = finished;
    }
    const terminated = c.state?.terminated;
    const waiting = c.state?.waiting;
    if (terminated && (terminated.exitCode ?? 0) === 0) continue;
    if (sidecar && c.started === true) {
      if (c.ready) ready++;
      continue;
    }
    if (terminated) reason = terminatedReason(terminated, 'Init:');
    else if (waiting?.reason && waiting.reason !== 'PodInitializing') reason = `Init:${waiting.reason}`;
    else reason = `Init:${i}/${inits.length}`;
    initializing = true;
    break;
  }

  if (!initializing || conditionStatus(conditions, 'Initialized') === 'True') {
    // Once initialised, only sidecars' restarts still count from the init phase.
    restarts = sidecarRestarts;
    lastRestart = lastSidecarRestart;
    let hasRunning = false;
    const statuses = status.containerStatuses ?? [];
    // Walk backwards so the first container's reason is the one left standing.
    for (let i = statuses.length - 1; i >= 0; i--) {
      const c = statuses[i];
      restarts += c.restartCount ?? 0;
      const finished = lastFinishedMs(c);
      if (finished > lastRestart) lastRestart = finished;
      const waiting = c.state?.waiting;
      const terminated = c.state?.terminated;
      if (waiting?.reason) reason = waiting.reason;
      else if (terminated) reason = terminatedReason(terminated, '');
      else if (c.ready && c.state?.running) {
        hasRunning = true;
        ready++;
      }
    }
    // A pod whose finished container says "Completed" while others still run is not complete.
    if (reason === 'Completed' && hasRunning) reason = hasTrueCondition(conditions, 'Ready') ? 'Running' : 'NotReady';
  }

  if (pod.metadata.deletionTimestamp) {
    if (status.reason === NODE_LOST) reason = 'Unknown';
    else if (phase !== 'Succeeded' && phase !== 'Failed') reason = 'Terminating';
  }

  const restartsCell = restarts !== 0 && lastRestart !== -Infinity ? new Ago(lastRestart, `${restarts} (`, ' ago)') : String(restarts);

  // The v1→internal conversion makes status.podIP authoritative over podIPs[0].
  const ip = status.podIP || status.podIPs?.[0]?.ip || '<none>';
  return [
    pod.metadata.name ?? '',
    `${ready}/${total}`,
    reason,
    restartsCell,
    age(pod.metadata.creationTimestamp),
    ip,
    spec.nodeName || '<none>',
    status.nominatedNodeName || '<none>',
    readinessGates(pod),
  ];
}

function podConditions(obj: KubeObject): readonly RowCondition[] | undefined {
  const phase = (obj as unknown as PodWire).status?.phase;
  return phase === 'Succeeded' ? SUCCEEDED : phase === 'Failed' ? FAILED : undefined;
}

export const podPrinter = printer({ columns: POD_COLUMNS, cells: podCells, conditions: podConditions });
