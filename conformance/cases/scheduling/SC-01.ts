// Upstream: test/e2e/scheduling/predicates.go, SchedulerPredicates "validates resource limits
// of pods that are allowed to run". Every Ready node gets a `node=<name>` label and a filler
// pod pinned to it (node affinity) that requests 70% of the CPU still free there; once they
// all run, a pod asking for half of the largest node's CPU fits nowhere: the scheduler must
// report a FailedScheduling event for it and leave it unbound.
//
// This module also holds what predicates.go shares between its tests (the BeforeEach of the
// "sched-pred" suite, pause pods, node labels, the scheduler-event and result checks), which
// SC-02 and SC-03 import: the registry loads every module under cases/, so a helper module of
// its own would have to be a case.

import { isConflict, isNotFound } from '../../framework/client.ts';
import { describeError, expectEqual, fail, must, sleep } from '../../framework/expect.ts';
import { images } from '../../framework/images.ts';
import { uuid, type KList, type KObject } from '../../framework/json.ts';
import type { CaseContext, ConformanceCase } from '../../framework/types.ts';
import { WatchClosedError } from '../../framework/watch.ts';

// ---------------------------------------------------------------------------------------
// Object shapes (only the fields these cases read)

interface Condition { type?: string; status?: string; reason?: string; message?: string }
interface Taint { key: string; value?: string; effect: string }
export interface Node extends KObject {
  spec?: { unschedulable?: boolean; taints?: Taint[] };
  status?: { allocatable?: Record<string, string>; capacity?: Record<string, string>; conditions?: Condition[] };
}
interface Container { name: string; image?: string; [k: string]: unknown; resources?: { requests?: Record<string, string>; limits?: Record<string, string> } }
export interface Pod extends KObject {
  spec?: { nodeName?: string; containers?: Container[]; [k: string]: unknown };
  status?: { phase?: string; conditions?: Condition[]; startTime?: string; containerStatuses?: { name: string; ready?: boolean; restartCount?: number }[] };
}
interface CoreEvent extends KObject { type?: string; reason?: string; message?: string }

/** framework.Poll: the interval of the e2e framework's waits. */
const POLL_MS = 2_000;
/** framework.PodStartTimeout and f.Timeouts.PodStartShort. */
const POD_START_TIMEOUT_MS = 5 * 60_000;
const POD_START_SHORT_MS = 2 * 60_000;

/** Polls `cond` every intervalMs (first call at once) until it is true; fails with `what` after timeoutMs or when the case is aborted. */
async function waitUntil(ctx: CaseContext, intervalMs: number, timeoutMs: number, cond: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (ctx.signal.aborted) fail(`${what}: the case was aborted`);
    if (await cond()) return;
    if (Date.now() + intervalMs > deadline) fail(`${what}: timed out after ${Math.round(timeoutMs / 1000)}s`);
    await sleep(intervalMs);
  }
}

// ---------------------------------------------------------------------------------------
// Quantities

const DECIMAL_SUFFIX: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const BINARY_SUFFIX: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };

/** resource.Quantity.MilliValue(): the value in thousandths, rounded up. */
export function milliValue(q: string): number {
  const m = /^([+-]?)(\d*)(?:\.(\d*))?(.*)$/.exec(q.trim());
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) throw new Error(`invalid quantity ${JSON.stringify(q)}`);
  const [, sign, int, frac = '', suffix] = m;
  let digits = BigInt(`${int}${frac}` || '0');
  let exp10 = -frac.length + 3; // milli
  let exp2 = 0;
  if (suffix in DECIMAL_SUFFIX) exp10 += DECIMAL_SUFFIX[suffix];
  else if (suffix in BINARY_SUFFIX) exp2 = BINARY_SUFFIX[suffix];
  else if (/^[eE][+-]?\d+$/.test(suffix)) exp10 += Number(suffix.slice(1));
  else throw new Error(`invalid quantity ${JSON.stringify(q)}`);
  digits *= 2n ** BigInt(exp2);
  let value: bigint;
  if (exp10 >= 0) value = digits * 10n ** BigInt(exp10);
  else {
    const div = 10n ** BigInt(-exp10);
    value = digits / div + (digits % div === 0n ? 0n : 1n);
  }
  return Number(sign === '-' ? -value : value);
}

/** resource.NewMilliQuantity(m, DecimalSI).String(): whole units without a suffix, else milli. */
export function milliQuantity(m: number): string {
  return m % 1000 === 0 ? String(m / 1000) : `${m}m`;
}

/** getRequestedCPU: the CPU requests of the pod's containers, in milli. */
function requestedCPU(pod: Pod): number {
  return (pod.spec?.containers ?? []).reduce((sum, c) => sum + (c.resources?.requests?.cpu ? milliValue(c.resources.requests.cpu) : 0), 0);
}

// ---------------------------------------------------------------------------------------
// Nodes

function condition(obj: { status?: { conditions?: Condition[] } }, type: string): Condition | undefined {
  return obj.status?.conditions?.find((c) => c.type === type);
}

/** The taints the node lifecycle controller puts on not-ready and unreachable nodes. */
const NODE_CONTROLLER_TAINTS = ['node.kubernetes.io/unreachable', 'node.kubernetes.io/not-ready'];

/** e2enode.IsConditionSetAsExpected(node, Ready, true): Ready=True and no NoExecute not-ready/unreachable taint. */
function isReadyAsExpected(node: Node): boolean {
  const tainted = (node.spec?.taints ?? []).some((t) => t.effect === 'NoExecute' && NODE_CONTROLLER_TAINTS.includes(t.key));
  return condition(node, 'Ready')?.status === 'True' && !tainted;
}

/** e2enode.IsNodeReady: Ready=True and the network not reported unavailable. */
function isNodeReady(node: Node): boolean {
  const net = condition(node, 'NetworkUnavailable')?.status;
  return condition(node, 'Ready')?.status === 'True' && (net === undefined || net === 'False');
}

/** e2enode.IsNodeSchedulable and isNodeUntainted (no NoSchedule/NoExecute taint a plain pod would not tolerate). */
function isReadySchedulableUntainted(node: Node): boolean {
  const untainted = !(node.spec?.taints ?? []).some((t) => t.effect === 'NoSchedule' || t.effect === 'NoExecute');
  return !node.spec?.unschedulable && isNodeReady(node) && untainted;
}

const nodePath = (name: string) => `/api/v1/nodes/${name}`;

/** e2enode.AddOrUpdateLabelOnNode (testutils.AddLabelsToNode): a merge patch, retried on conflicts. */
export async function addOrUpdateLabelOnNode(ctx: CaseContext, nodeName: string, key: string, value: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await ctx.rest.patch(nodePath(nodeName), 'merge', { metadata: { labels: { [key]: value } } });
      return;
    } catch (e) {
      if (!isConflict(e) || attempt >= 4) fail(`labelling node ${nodeName} with ${key}=${value}: ${describeError(e)}`);
    }
    await sleep(100);
  }
}

/** e2enode.ExpectNodeHasLabel */
export async function expectNodeHasLabel(ctx: CaseContext, nodeName: string, key: string, value: string): Promise<void> {
  ctx.step(`verifying the node has the label ${key} ${value}`);
  const node = await must(ctx.rest.get<Node>(nodePath(nodeName)), `getting node ${nodeName}`);
  expectEqual(node.metadata.labels?.[key], value, `label ${key} of node ${nodeName}`);
}

/**
 * e2enode.RemoveLabelOffNode: get the node, drop the label, update it (retried on conflicts),
 * then check the label is gone. Missing labels are fine.
 */
export async function removeLabelOffNode(ctx: CaseContext, nodeName: string, key: string): Promise<void> {
  ctx.step(`removing the label ${key} off the node ${nodeName}`);
  for (let attempt = 0; ; attempt++) {
    const node = await must(ctx.rest.get<Node>(nodePath(nodeName)), `getting node ${nodeName}`);
    const labels = node.metadata.labels;
    if (!labels) break;
    delete labels[key];
    try {
      await ctx.rest.put(nodePath(nodeName), node);
      break;
    } catch (e) {
      if (!isConflict(e) || attempt >= 4) fail(`removing label ${key} off node ${nodeName}: ${describeError(e)}`);
      ctx.log(`Conflict when trying to remove a label ${key} from ${nodeName}`);
    }
    await sleep(100);
  }
  ctx.step(`verifying the node doesn't have the label ${key}`);
  const node = await must(ctx.rest.get<Node>(nodePath(nodeName)), `getting node ${nodeName}`);
  if (node.metadata.labels?.[key] !== undefined) fail(`failed removing label ${key} of the node ${nodeName}`);
}

/**
 * Runs a deferred cleanup. Its failure fails the case unless the case has already failed;
 * then it is only logged, so the first error stays the one reported.
 */
export async function cleanup(ctx: CaseContext, alreadyFailed: boolean, fn: () => Promise<void>): Promise<void> {
  try {
    await fn();
  } catch (e) {
    if (!alreadyFailed) throw e;
    ctx.log(`cleanup: ${describeError(e)}`);
  }
}

// ---------------------------------------------------------------------------------------
// The suite's BeforeEach

/** What the "sched-pred" BeforeEach leaves for a test: the ready, schedulable nodes and their names. */
export interface PredicatesSetup { nodes: Node[]; workerNodes: Set<string> }

/**
 * The SchedulerPredicates BeforeEach: wait (up to a minute; the result is not checked) for all
 * nodes to be Ready, take the ready, schedulable, untainted nodes as the worker nodes, check
 * no old e2e namespace is still active, and log the pods on each node.
 */
export async function predicatesBeforeEach(ctx: CaseContext): Promise<PredicatesSetup> {
  // e2enode.AllNodesReady(cs, time.Minute); upstream ignores its error.
  let notReady: string[] = [];
  try {
    await waitUntil(ctx, POLL_MS, 60_000, async () => {
      const nodes = await must(ctx.rest.get<KList<Node>>('/api/v1/nodes'), 'listing nodes');
      notReady = nodes.items.filter((n) => !isReadyAsExpected(n)).map((n) => n.metadata.name ?? '');
      return notReady.length === 0;
    }, 'waiting for all nodes to be ready');
  } catch (e) {
    if (ctx.signal.aborted) throw e;
    ctx.log(`checking for ready nodes: Not ready nodes: ${notReady.join(', ')} (${describeError(e)})`);
  }

  // e2enode.GetReadySchedulableNodes
  let list: KList<Node> | undefined;
  await waitUntil(ctx, POLL_MS, 5 * 60_000, async () => {
    try {
      list = await ctx.rest.get<KList<Node>>('/api/v1/nodes', { fieldSelector: 'spec.unschedulable=false' });
      return true;
    } catch (e) {
      ctx.log(`listing schedulable nodes: ${describeError(e)}`);
      return false;
    }
  }, 'listing schedulable nodes');
  const nodes = (list?.items ?? []).filter(isReadySchedulableUntainted);
  if (nodes.length === 0) fail('there are currently no ready, schedulable nodes in the cluster');
  const workerNodes = new Set(nodes.map((n) => n.metadata.name ?? ''));

  // framework.CheckTestingNSDeletedExcept: namespaces of the old "e2e-tests-" form must be terminating (and are waited out).
  await waitUntil(ctx, 15_000, 60 * 60_000, async () => {
    const nss = await must(ctx.rest.get<KList<KObject & { status?: { phase?: string } }>>('/api/v1/namespaces'), 'listing namespaces');
    let terminating = 0;
    for (const ns of nss.items) {
      const name = ns.metadata.name ?? '';
      if (!name.startsWith('e2e-tests-') || name === ctx.namespace) continue;
      if (ns.status?.phase === 'Active') fail(`Namespace ${name} is active`);
      terminating++;
    }
    return terminating === 0;
  }, 'waiting for terminating namespaces to be deleted');

  for (const node of nodes) {
    const name = node.metadata.name ?? '';
    ctx.log(`Logging pods the apiserver thinks is on node ${name} before test`);
    try {
      const pods = await ctx.rest.get<KList<Pod>>('/api/v1/pods', { fieldSelector: `spec.nodeName=${name}` });
      for (const p of pods.items) {
        ctx.log(`${p.metadata.name} from ${p.metadata.namespace} started at ${p.status?.startTime ?? '<nil>'} (${p.status?.containerStatuses?.length ?? 0} container statuses recorded)`);
        for (const c of p.status?.containerStatuses ?? []) ctx.log(`\tContainer ${c.name} ready: ${c.ready ?? false}, restart count ${c.restartCount ?? 0}`);
      }
    } catch (e) {
      ctx.log(`Unable to retrieve pods for node ${name}: ${describeError(e)}`);
    }
  }
  return { nodes, workerNodes };
}

// ---------------------------------------------------------------------------------------
// Scheduled and unscheduled pods

/**
 * GetPodsScheduled: pods bound to a worker node (which must carry PodScheduled=True) and pods
 * bound to no node.
 */
function podsScheduled(workerNodes: Set<string>, pods: Pod[]): { scheduled: Pod[]; notScheduled: Pod[] } {
  const scheduled: Pod[] = [];
  const notScheduled: Pod[] = [];
  for (const pod of pods) {
    const nodeName = pod.spec?.nodeName ?? '';
    if (nodeName !== '' && workerNodes.has(nodeName)) {
      const cond = condition(pod, 'PodScheduled');
      if (!cond) fail(`Did not find 'scheduled' condition for pod ${pod.metadata.namespace}/${pod.metadata.name}`);
      if (cond.status !== 'True') fail(`PodStatus isn't 'true' for pod ${pod.metadata.namespace}/${pod.metadata.name}`);
      scheduled.push(pod);
    } else if (nodeName === '') {
      notScheduled.push(pod);
    }
  }
  return { scheduled, notScheduled };
}

/** WaitForStableCluster: wait (every 2s, up to 10 minutes) until no live pod in any namespace is unbound. */
export async function waitForStableCluster(ctx: CaseContext, workerNodes: Set<string>): Promise<number> {
  let scheduledCount = 0;
  let pending: Pod[] = [];
  try {
    await waitUntil(ctx, POLL_MS, 10 * 60_000, async () => {
      const pods = await must(ctx.rest.get<KList<Pod>>('/api/v1/pods'), 'listing all pods in namespace "" while waiting for stable cluster');
      const live = pods.items.filter((p) => p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed');
      const { scheduled, notScheduled } = podsScheduled(workerNodes, live);
      scheduledCount = scheduled.length;
      const names = (ps: Pod[]) => ps.map((p) => `${p.metadata.namespace}/${p.metadata.name}`).join(', ');
      if (notScheduled.length && names(notScheduled) !== names(pending)) ctx.log(`Waiting for ${notScheduled.length} pods to be scheduled: ${names(notScheduled)}`);
      pending = notScheduled;
      return notScheduled.length === 0;
    }, 'waiting for stable cluster');
  } catch (e) {
    if (pending.length) ctx.log(`Timed out waiting for the following pods to schedule: ${pending.map((p) => `${p.metadata.namespace}/${p.metadata.name}`).join(', ')}`);
    throw e;
  }
  return scheduledCount;
}

/** verifyResult: the test namespace holds exactly this many scheduled and unscheduled pods. */
export async function verifyResult(ctx: CaseContext, workerNodes: Set<string>, expectedScheduled: number, expectedNotScheduled: number): Promise<void> {
  const pods = await must(ctx.rest.get<KList<Pod>>(`/api/v1/namespaces/${ctx.namespace}/pods`), 'listing pods');
  const { scheduled, notScheduled } = podsScheduled(workerNodes, pods.items);
  for (const p of notScheduled) {
    const c = condition(p, 'PodScheduled');
    ctx.log(`Not scheduled pod ${p.metadata.name}: PodScheduled=${c?.status ?? '<none>'} reason=${c?.reason ?? ''} message=${JSON.stringify(c?.message ?? '')}`);
  }
  const names = (ps: Pod[]) => ps.map((p) => p.metadata.name).join(', ');
  if (notScheduled.length !== expectedNotScheduled) fail(`Not scheduled Pods: expected ${expectedNotScheduled}, got ${notScheduled.length} [${names(notScheduled)}]`);
  if (scheduled.length !== expectedScheduled) fail(`Scheduled Pods: expected ${expectedScheduled}, got ${scheduled.length} [${names(scheduled)}]`);
}

// ---------------------------------------------------------------------------------------
// Pause pods

/** pausePodConfig */
export interface PausePodConfig {
  name: string;
  labels?: Record<string, string>;
  nodeSelector?: Record<string, string>;
  affinity?: Record<string, unknown>;
  resources?: { limits?: Record<string, string>; requests?: Record<string, string> };
}

/** initPausePod: a pause pod with the restricted security contexts and a 1s grace period, as Go's encoder writes it. */
export function initPausePod(conf: PausePodConfig): Pod {
  const labels = conf.labels && Object.keys(conf.labels).length ? { ...conf.labels } : undefined;
  return {
    kind: 'Pod',
    apiVersion: 'v1',
    metadata: { name: conf.name, creationTimestamp: null, ...(labels ? { labels } : {}) },
    spec: {
      containers: [{
        name: conf.name,
        image: images.pause,
        resources: conf.resources ?? {},
        securityContext: { capabilities: { drop: ['ALL'] }, allowPrivilegeEscalation: false },
      }],
      terminationGracePeriodSeconds: 1,
      ...(conf.nodeSelector ? { nodeSelector: conf.nodeSelector } : {}),
      securityContext: { runAsUser: 1000, runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
      ...(conf.affinity ? { affinity: conf.affinity } : {}),
    },
    status: {},
  };
}

/** createPausePod */
export async function createPausePod(ctx: CaseContext, conf: PausePodConfig): Promise<Pod> {
  return must(ctx.rest.post<Pod>(`/api/v1/namespaces/${ctx.namespace}/pods`, initPausePod(conf)), `creating pod ${conf.name}`);
}

const podPath = (ctx: CaseContext, name: string) => `/api/v1/namespaces/${ctx.namespace}/pods/${name}`;

/** e2epod.WaitForPodCondition: poll the pod every 2s until `cond` holds (or throws). */
async function waitForPodCondition(ctx: CaseContext, name: string, desc: string, timeoutMs: number, cond: (pod: Pod) => boolean): Promise<Pod> {
  let last: Pod | undefined;
  await waitUntil(ctx, POLL_MS, timeoutMs, async () => {
    try {
      last = await ctx.rest.get<Pod>(podPath(ctx, name));
    } catch (e) {
      if (isNotFound(e)) fail(`pod ${ctx.namespace}/${name} not found while waiting for "${desc}"`);
      ctx.log(`getting pod ${name}: ${describeError(e)}`);
      return false;
    }
    return cond(last);
  }, `waiting for pod ${ctx.namespace}/${name} to be "${desc}" (last phase ${last?.status?.phase ?? 'unknown'})`);
  return last as Pod;
}

/** e2epod.WaitTimeoutForPodRunningInNamespace: Running, failing at once if the pod completes. */
export function waitForPodRunning(ctx: CaseContext, name: string, timeoutMs = POD_START_TIMEOUT_MS): Promise<Pod> {
  return waitForPodCondition(ctx, name, 'running', timeoutMs, (pod) => {
    const phase = pod.status?.phase;
    if (phase === 'Failed' || phase === 'Succeeded') fail(`pod ${ctx.namespace}/${name} ran to completion (${phase}) while waiting for it to run`);
    return phase === 'Running';
  });
}

/** e2epod.WaitForPodNotPending */
export function waitForPodNotPending(ctx: CaseContext, name: string): Promise<Pod> {
  return waitForPodCondition(ctx, name, 'pod is not pending', POD_START_TIMEOUT_MS, (pod) => pod.status?.phase !== 'Pending');
}

/**
 * GetNodeThatCanRunPod (runPodAndGetNodeName): run an unconstrained pause pod, delete it at
 * once and return the node it ran on.
 */
export async function getNodeThatCanRunPod(ctx: CaseContext): Promise<string> {
  ctx.step('Trying to launch a pod without a label to get a node which can launch it.');
  const conf = { name: 'without-label' };
  await createPausePod(ctx, conf);
  await waitForPodRunning(ctx, conf.name, POD_START_SHORT_MS);
  const pod = await must(ctx.rest.get<Pod>(podPath(ctx, conf.name)), `getting pod ${conf.name}`);
  ctx.step('Explicitly delete pod here to free the resource it takes.');
  await must(ctx.rest.delete(podPath(ctx, conf.name), undefined, { kind: 'DeleteOptions', apiVersion: 'v1', gracePeriodSeconds: 0 }), `deleting pod ${conf.name}`);
  return pod.spec?.nodeName ?? '';
}

// ---------------------------------------------------------------------------------------
// Scheduler events

/** scheduleFailureEvent: a Warning FailedScheduling event named after the pod. */
export function scheduleFailureEvent(podName: string): (e: CoreEvent) => boolean {
  return (e) => (e.metadata.name ?? '').startsWith(podName) && e.type === 'Warning' && e.reason === 'FailedScheduling';
}

/**
 * observeEventAfterAction: an informer on the test namespace's events (each event new to its
 * store is considered), then the action, then a check every second for up to 2 minutes
 * whether a considered event matched.
 */
async function observeEventAfterAction(ctx: CaseContext, predicate: (e: CoreEvent) => boolean, action: () => Promise<void>): Promise<boolean> {
  const path = `/api/v1/namespaces/${ctx.namespace}/events`;
  const known = new Set<string>();
  let observed = false;
  const consider = (e: CoreEvent) => {
    const key = e.metadata.uid ?? e.metadata.name ?? '';
    if (known.has(key)) return;
    known.add(key);
    ctx.step(`Considering event: \nType = [${e.type ?? ''}], Name = [${e.metadata.name ?? ''}], Reason = [${e.reason ?? ''}], Message = [${e.message ?? ''}]`);
    if (predicate(e)) observed = true;
  };
  const listAndWatch = async () => {
    const list = await must(ctx.rest.get<KList<CoreEvent>>(path), 'listing events');
    for (const e of list.items) consider(e);
    return ctx.watch<CoreEvent>(path, { resourceVersion: list.metadata.resourceVersion, allowWatchBookmarks: 'true' });
  };

  let w = await listAndWatch();
  try {
    await action();
    const deadline = Date.now() + 2 * 60_000;
    let nextCheck = Date.now() + 1_000;
    for (;;) {
      if (ctx.signal.aborted) fail('the case was aborted while waiting for a scheduler event');
      const left = nextCheck - Date.now();
      if (left > 0) {
        try {
          const ev = await w.next(left);
          if (ev?.type === 'ADDED') consider(ev.object);
          else if (ev?.type === 'ERROR') { w.stop(); w = await listAndWatch(); }
          continue;
        } catch (e) {
          if (!(e instanceof WatchClosedError)) throw e;
          w = await listAndWatch();
          continue;
        }
      }
      if (observed) return true;
      if (Date.now() >= deadline) return false;
      nextCheck += 1_000;
    }
  } finally {
    w.stop();
  }
}

/** WaitForSchedulerAfterAction with expectSuccess=false: after the action a FailedScheduling event for the pod must show up. */
export async function waitForSchedulerFailureAfterAction(ctx: CaseContext, action: () => Promise<void>, podName: string): Promise<void> {
  const observed = await observeEventAfterAction(ctx, scheduleFailureEvent(podName), action);
  if (!observed) fail(`Did not observe failed event after performing the supplied action for pod ${podName}`);
}

// ---------------------------------------------------------------------------------------

const testCase: ConformanceCase = {
  id: 'SC-01',
  codename: '[sig-scheduling] SchedulerPredicates [Serial] validates resource limits of pods that are allowed to run [Conformance]',
  class: 'run',
  needs: 'a scheduler with resource fit and FailedScheduling events; node agents running pause pods; node label patch/update',
  baseName: 'sched-pred',
  podSecurity: 'privileged',
  async run(ctx) {
    const { nodes, workerNodes } = await predicatesBeforeEach(ctx);

    await waitForStableCluster(ctx, workerNodes);
    let nodeMaxAllocatable = 0;
    const allocatableByNode = new Map<string, number>();
    const labelled: string[] = [];
    let failed = true;
    try {
      for (const node of nodes) {
        if (condition(node, 'Ready')?.status !== 'True') continue;
        const name = node.metadata.name ?? '';
        // Apply node label to each node
        labelled.push(name);
        await addOrUpdateLabelOnNode(ctx, name, 'node', name);
        await expectNodeHasLabel(ctx, name, 'node', name);
        const cpu = node.status?.allocatable?.cpu;
        if (cpu === undefined) fail(`node.Status.Allocatable ${JSON.stringify(node.status?.allocatable ?? {})} does not contain entry cpu`);
        const milli = milliValue(cpu);
        allocatableByNode.set(name, milli);
        if (nodeMaxAllocatable < milli) nodeMaxAllocatable = milli;
      }

      const pods = await must(ctx.rest.get<KList<Pod>>('/api/v1/pods'), 'listing pods in all namespaces');
      for (const pod of pods.items) {
        const nodeName = pod.spec?.nodeName ?? '';
        const left = allocatableByNode.get(nodeName);
        if (left !== undefined && pod.status?.phase !== 'Succeeded' && pod.status?.phase !== 'Failed') {
          ctx.log(`Pod ${pod.metadata.name} requesting resource cpu=${requestedCPU(pod)}m on Node ${nodeName}`);
          allocatableByNode.set(nodeName, left - requestedCPU(pod));
        }
      }

      ctx.step('Starting Pods to consume most of the cluster CPU.');
      // One pod per node, pinned there, requesting 70% of the CPU it has left.
      const fillerPods: Pod[] = [];
      for (const [nodeName, cpu] of allocatableByNode) {
        const requested = Math.trunc((cpu * 7) / 10);
        ctx.log(`Creating a pod which consumes cpu=${requested}m on Node ${nodeName}`);
        const quantity = milliQuantity(requested);
        fillerPods.push(await createPausePod(ctx, {
          name: `filler-pod-${uuid()}`,
          resources: { limits: { cpu: quantity }, requests: { cpu: quantity } },
          affinity: {
            nodeAffinity: {
              requiredDuringSchedulingIgnoredDuringExecution: {
                nodeSelectorTerms: [{ matchExpressions: [{ key: 'node', operator: 'In', values: [nodeName] }] }],
              },
            },
          },
        }));
      }
      // Wait for filler pods to schedule.
      for (const pod of fillerPods) {
        if (pod.status?.phase === 'Running') continue;
        await waitForPodRunning(ctx, pod.metadata.name ?? '');
      }

      ctx.step('Creating another pod that requires unavailable amount of CPU.');
      // Half of the largest node's CPU: more than any node has left.
      const podName = 'additional-pod';
      const quantity = milliQuantity(Math.trunc((nodeMaxAllocatable * 5) / 10));
      const conf: PausePodConfig = {
        name: podName,
        labels: { name: 'additional' },
        resources: { limits: { cpu: quantity }, requests: { cpu: quantity } },
      };
      await waitForSchedulerFailureAfterAction(ctx, async () => { await createPausePod(ctx, conf); }, podName);
      await verifyResult(ctx, workerNodes, fillerPods.length, 1);
      failed = false;
    } finally {
      // Clean up added labels after this test.
      await cleanup(ctx, failed, async () => { for (const nodeName of labelled) await removeLabelOffNode(ctx, nodeName, 'node'); });
    }
  },
};

export default testCase;
