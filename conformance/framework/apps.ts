// Workload helpers the apps and garbage-collector cases share: the object builders of the
// e2e framework (newRS, e2edeployment.NewDeployment, e2estatefulset.NewStatefulSet,
// e2edaemonset.NewDaemonSet), the pod waits of e2epod (PodsCreated, VerifyPodsRunning), and
// the Deployment bookkeeping of test/utils and pkg/controller/deployment/util (new and old
// ReplicaSets, revision and completion waits), re-implemented over the raw REST client.

import { isNotFound } from './client.ts';
import { fail, must, sleep } from './expect.ts';
import { brief, semanticEqual, type KList, type KObject } from './json.ts';
import type { CaseContext } from './types.ts';

const REGISTRY = 'registry.k8s.io/e2e-test-images';

/** Images of test/utils/image the v1.32 apps tests use (WebserverImage is httpd there). */
export const appsImages = {
  httpd: `${REGISTRY}/httpd:2.4.38-4`,
  httpdNew: `${REGISTRY}/httpd:2.4.39-4`,
  nginx: `${REGISTRY}/nginx:1.14-4`,
  agnhost: `${REGISTRY}/agnhost:2.53`,
  pause: 'registry.k8s.io/pause:3.10',
} as const;

export const WEBSERVER_IMAGE_NAME = 'httpd';
export const WEBSERVER_IMAGE = appsImages.httpd;
export const AGNHOST_IMAGE_NAME = 'agnhost';
export const AGNHOST_IMAGE = appsImages.agnhost;

/** deploymentutil.RevisionAnnotation */
export const REVISION_ANNOTATION = 'deployment.kubernetes.io/revision';
/** appsv1.DefaultDeploymentUniqueLabelKey */
export const POD_TEMPLATE_HASH = 'pod-template-hash';

// ---------------------------------------------------------------------------------------
// Shapes

export interface OwnerReference { apiVersion?: string; kind?: string; name?: string; uid?: string; controller?: boolean; blockOwnerDeletion?: boolean }

export interface Condition { type: string; status: string; reason?: string; message?: string; lastTransitionTime?: string | null; lastUpdateTime?: string | null }

export interface Container { name: string; image?: string; [k: string]: unknown }

export interface PodTemplate {
  metadata?: { labels?: Record<string, string>; annotations?: Record<string, string>; creationTimestamp?: null; [k: string]: unknown };
  spec?: { containers?: Container[]; terminationGracePeriodSeconds?: number; [k: string]: unknown };
}

export interface Pod extends KObject {
  spec?: { nodeName?: string; containers?: Container[]; [k: string]: unknown };
  status?: { phase?: string; conditions?: Condition[]; [k: string]: unknown };
}

export interface LabelSelector { matchLabels?: Record<string, string>; matchExpressions?: { key: string; operator: string; values?: string[] }[] }

export interface WorkloadStatus {
  replicas?: number; readyReplicas?: number; availableReplicas?: number; updatedReplicas?: number; unavailableReplicas?: number;
  fullyLabeledReplicas?: number; observedGeneration?: number; conditions?: Condition[];
  currentRevision?: string; updateRevision?: string; currentReplicas?: number; collisionCount?: number;
  desiredNumberScheduled?: number; currentNumberScheduled?: number; numberReady?: number; numberMisscheduled?: number;
}

export interface Workload extends KObject {
  spec: {
    replicas?: number; selector?: LabelSelector; template: PodTemplate; minReadySeconds?: number;
    strategy?: { type?: string; rollingUpdate?: { maxSurge?: number | string; maxUnavailable?: number | string } };
    revisionHistoryLimit?: number; [k: string]: unknown;
  };
  status?: WorkloadStatus;
}

export interface Scale extends KObject {
  spec?: { replicas?: number };
  status?: { replicas?: number; selector?: string };
}

export interface ControllerRevision extends KObject { data?: unknown; revision?: number }

// ---------------------------------------------------------------------------------------
// Paths and small predicates

export const appsPath = (ns: string, plural: string, name?: string, sub?: string): string =>
  `/apis/apps/v1/namespaces/${ns}/${plural}${name ? `/${name}` : ''}${sub ? `/${sub}` : ''}`;
export const corePath = (ns: string, plural: string, name?: string): string =>
  `/api/v1/namespaces/${ns}/${plural}${name ? `/${name}` : ''}`;

/** labels.SelectorFromSet(set).String(): k=v pairs sorted by key. */
export function selectorFromSet(set: Record<string, string>): string {
  return Object.keys(set).sort().map((k) => `${k}=${set[k]}`).join(',');
}

/** metav1.LabelSelectorAsSelector(sel).String() for the selectors these tests build. */
export function selectorString(sel: LabelSelector | undefined): string {
  const parts: string[] = [];
  for (const k of Object.keys(sel?.matchLabels ?? {}).sort()) parts.push(`${k}=${sel?.matchLabels?.[k] ?? ''}`);
  for (const e of sel?.matchExpressions ?? []) {
    const vals = [...(e.values ?? [])].sort().join(',');
    if (e.operator === 'In') parts.push(`${e.key} in (${vals})`);
    else if (e.operator === 'NotIn') parts.push(`${e.key} notin (${vals})`);
    else if (e.operator === 'Exists') parts.push(e.key);
    else if (e.operator === 'DoesNotExist') parts.push(`!${e.key}`);
  }
  return parts.join(',');
}

/** metav1.GetControllerOf */
export function controllerOf(obj: KObject): OwnerReference | undefined {
  const refs = (obj.metadata.ownerReferences ?? []) as OwnerReference[];
  return refs.find((r) => r.controller === true);
}

/** metav1.IsControlledBy */
export function isControlledBy(obj: KObject, owner: KObject): boolean {
  const c = controllerOf(obj);
  return !!c && c.uid === owner.metadata.uid;
}

export function podCondition(pod: Pod, type: string): Condition | undefined {
  return pod.status?.conditions?.find((c) => c.type === type);
}

/** podutil.IsPodReady */
export function isPodReady(pod: Pod): boolean {
  return podCondition(pod, 'Ready')?.status === 'True';
}

/** podutil.IsPodAvailable(pod, minReadySeconds, now) */
export function isPodAvailable(pod: Pod, minReadySeconds = 0, now = Date.now()): boolean {
  const c = podCondition(pod, 'Ready');
  if (c?.status !== 'True') return false;
  if (minReadySeconds === 0) return true;
  const since = c.lastTransitionTime ? Date.parse(c.lastTransitionTime) : NaN;
  return !Number.isNaN(since) && since + minReadySeconds * 1000 <= now;
}

/**
 * wait.PollUntilContextTimeout(interval, timeout, immediate=true, cond) bounded by the case's
 * own time limit: true ends the wait, a thrown error aborts it, running out fails with `what`.
 */
export async function waitFor(ctx: CaseContext, intervalMs: number, timeoutMs: number, cond: () => Promise<boolean>, what: string | (() => string)): Promise<void> {
  const deadline = Date.now() + Math.min(timeoutMs, ctx.remaining());
  for (;;) {
    if (ctx.signal.aborted) fail('the case was aborted');
    if (await cond()) return;
    if (Date.now() + intervalMs > deadline) fail(typeof what === 'string' ? what : what());
    await sleep(intervalMs);
  }
}

/**
 * The UpdateXWithRetries helpers of test/utils: get, mutate, update, retrying any failed
 * update (conflicts above all) until it goes through or a minute has passed.
 */
export async function updateWithRetries<T extends KObject>(ctx: CaseContext, path: string, mutate: (obj: T) => void, what: string): Promise<T> {
  let last: unknown;
  let result: T | undefined;
  await waitFor(ctx, 100, 60_000, async () => {
    const obj = await must(ctx.rest.get<T>(path), `getting ${path}`);
    mutate(obj);
    try {
      result = await ctx.rest.put<T>(path, obj);
      return true;
    } catch (e) {
      last = e;
      return false;
    }
  }, () => `couldn't apply the provided update to ${what}: ${last instanceof Error ? last.message : String(last)}`);
  return result as T;
}

// ---------------------------------------------------------------------------------------
// Builders

/** replica_set.go newRS */
export function newRS(name: string, replicas: number, labels: Record<string, string>, containerName: string, image: string, args?: string[]): Workload {
  return {
    apiVersion: 'apps/v1', kind: 'ReplicaSet',
    metadata: { name, labels: { ...labels }, creationTimestamp: null },
    spec: {
      selector: { matchLabels: { ...labels } },
      replicas,
      template: {
        metadata: { labels: { ...labels }, creationTimestamp: null },
        spec: { terminationGracePeriodSeconds: 0, containers: [{ name: containerName, image, ...(args ? { args } : {}), resources: {} }] },
      },
    },
    status: { replicas: 0 },
  };
}

/** e2edeployment.NewDeployment */
export function newDeployment(name: string, replicas: number, labels: Record<string, string>, containerName: string, image: string, strategyType: 'RollingUpdate' | 'Recreate'): Workload {
  return {
    apiVersion: 'apps/v1', kind: 'Deployment',
    metadata: { name, labels: { ...labels }, creationTimestamp: null },
    spec: {
      replicas,
      selector: { matchLabels: { ...labels } },
      template: {
        metadata: { labels: { ...labels }, creationTimestamp: null },
        spec: { terminationGracePeriodSeconds: 0, containers: [{ name: containerName, image, resources: {}, securityContext: {} }] },
      },
      strategy: { type: strategyType },
    },
    status: {},
  };
}

// ---------------------------------------------------------------------------------------
// Pods

/** e2epod.PodsCreatedByLabel: waits (up to 2 min) for exactly `replicas` live pods matching the selector. */
export async function podsCreatedByLabel(ctx: CaseContext, name: string, replicas: number, selector: string): Promise<Pod[]> {
  let found: Pod[] = [];
  await waitFor(ctx, 500, 120_000, async () => {
    const list = await must(ctx.rest.get<KList<Pod>>(corePath(ctx.namespace, 'pods'), { labelSelector: selector }), 'listing pods');
    found = list.items.filter((p) => !p.metadata.deletionTimestamp);
    ctx.log(`Pod name ${name}: Found ${found.length} pods out of ${replicas}`);
    return found.length === replicas;
  }, () => `Pod name ${name}: Gave up waiting 2m0s for ${replicas} pods to come up`);
  return found;
}

/** e2epod.WaitForPodRunningInNamespace: Running, failing at once when the pod has terminated. */
export async function waitForPodRunning(ctx: CaseContext, name: string, timeoutMs = 300_000): Promise<Pod> {
  let pod: Pod | undefined;
  await waitFor(ctx, 250, timeoutMs, async () => {
    pod = await must(ctx.rest.get<Pod>(corePath(ctx.namespace, 'pods', name)), `getting pod ${name}`);
    const phase = pod.status?.phase;
    if (phase === 'Failed' || phase === 'Succeeded') fail(`pod ${name} ran to completion (${phase})`);
    return phase === 'Running';
  }, () => `timed out waiting for pod ${name} to be running (phase ${pod?.status?.phase ?? 'unknown'})`);
  return pod as Pod;
}

/** e2epod.VerifyPodsRunning(ctx, c, ns, name, wantName=false, replicas): pods labelled name=<name> exist and run. */
export async function verifyPodsRunning(ctx: CaseContext, name: string, replicas: number): Promise<Pod[]> {
  const pods = await podsCreatedByLabel(ctx, name, replicas, selectorFromSet({ name }));
  ctx.step('ensuring each pod is running');
  const errors: string[] = [];
  await Promise.all(pods.map((p) => waitForPodRunning(ctx, p.metadata.name ?? '').catch((e: unknown) => { errors.push(e instanceof Error ? e.message : String(e)); })));
  if (errors.length) fail(`failed to wait for pods running: ${errors.join('; ')}`);
  return pods;
}

// ---------------------------------------------------------------------------------------
// Deployments and their ReplicaSets

function templateWithoutHash(t: PodTemplate | undefined): PodTemplate {
  const copy = JSON.parse(JSON.stringify(t ?? {})) as PodTemplate;
  if (copy.metadata?.labels) delete copy.metadata.labels[POD_TEMPLATE_HASH];
  return copy;
}

/** deploymentutil.EqualIgnoreHash: the templates are equal once the pod-template-hash label is ignored. */
export function equalIgnoreHash(a: PodTemplate | undefined, b: PodTemplate | undefined): boolean {
  return semanticEqual(templateWithoutHash(a), templateWithoutHash(b));
}

/** The ReplicaSets of the deployment's namespace its selector matches and it controls (deploymentutil.ListReplicaSets). */
export async function deploymentReplicaSets(ctx: CaseContext, d: Workload): Promise<Workload[]> {
  const ns = d.metadata.namespace ?? ctx.namespace;
  const list = await must(ctx.rest.get<KList<Workload>>(appsPath(ns, 'replicasets'), { labelSelector: selectorString(d.spec.selector) }), 'listing replica sets');
  return list.items.filter((rs) => isControlledBy(rs, d));
}

const byCreation = (a: KObject, b: KObject): number => {
  const ta = Date.parse(String(a.metadata.creationTimestamp ?? ''));
  const tb = Date.parse(String(b.metadata.creationTimestamp ?? ''));
  return ta === tb ? (a.metadata.name ?? '').localeCompare(b.metadata.name ?? '') : ta - tb;
};

/** deploymentutil.FindNewReplicaSet over the deployment's ReplicaSets: the oldest whose template matches. */
export function findNewReplicaSet(d: Workload, rss: Workload[]): Workload | undefined {
  return [...rss].sort(byCreation).find((rs) => equalIgnoreHash(rs.spec.template, d.spec.template));
}

/** testutil.GetNewReplicaSet */
export async function getNewReplicaSet(ctx: CaseContext, d: Workload): Promise<Workload | undefined> {
  return findNewReplicaSet(d, await deploymentReplicaSets(ctx, d));
}

/** testutil.GetOldReplicaSets: (old ones with replicas, all old ones). */
export async function getOldReplicaSets(ctx: CaseContext, d: Workload): Promise<{ oldRSs: Workload[]; allOldRSs: Workload[] }> {
  const rss = await deploymentReplicaSets(ctx, d);
  const newRS = findNewReplicaSet(d, rss);
  const allOldRSs = rss.filter((rs) => rs.metadata.uid !== newRS?.metadata.uid);
  return { oldRSs: allOldRSs.filter((rs) => (rs.spec.replicas ?? 1) !== 0), allOldRSs };
}

const containsImage = (containers: Container[] | undefined, image: string): boolean => (containers ?? []).some((c) => c.image === image);

/** e2edeployment.WaitForDeploymentRevisionAndImage: the deployment and its new RS carry the revision and the image. */
export async function waitForDeploymentRevisionAndImage(ctx: CaseContext, name: string, revision: string, image: string): Promise<void> {
  let reason = '';
  await waitFor(ctx, 250, 300_000, async () => {
    const d = await must(ctx.rest.get<Workload>(appsPath(ctx.namespace, 'deployments', name)), `getting deployment ${name}`);
    const newRS = await getNewReplicaSet(ctx, d);
    if (d.metadata.annotations?.[REVISION_ANNOTATION] !== revision) reason = `deployment ${name} has revision ${d.metadata.annotations?.[REVISION_ANNOTATION] ?? '""'}, not ${revision}`;
    else if (!newRS) reason = `new replicaset for deployment ${name} is yet to be created`;
    else if (newRS.metadata.annotations?.[REVISION_ANNOTATION] !== revision) reason = `new replicaset ${newRS.metadata.name ?? ''} has revision ${newRS.metadata.annotations?.[REVISION_ANNOTATION] ?? '""'}, not ${revision}`;
    else if (!containsImage(d.spec.template.spec?.containers, image)) reason = `deployment ${name} does not use image ${image}`;
    else if (!containsImage(newRS.spec.template.spec?.containers, image)) reason = `new replicaset ${newRS.metadata.name ?? ''} does not use image ${image}`;
    else return true;
    return false;
  }, () => `error waiting for deployment ${name} (got ${reason}) to be updated to revision ${revision} and image ${image}`);
}

/** deploymentutil.DeploymentComplete */
export function deploymentComplete(d: Workload, status: WorkloadStatus | undefined): boolean {
  const want = d.spec.replicas ?? 1;
  return (status?.updatedReplicas ?? 0) === want && (status?.replicas ?? 0) === want && (status?.availableReplicas ?? 0) === want
    && (status?.observedGeneration ?? 0) >= (d.metadata.generation ?? 0);
}

/** e2edeployment.WaitForDeploymentComplete(c, d): judged against the replicas and generation of the `d` handed in. */
export async function waitForDeploymentComplete(ctx: CaseContext, d: Workload): Promise<void> {
  let last: WorkloadStatus | undefined;
  await waitFor(ctx, 250, 300_000, async () => {
    const cur = await must(ctx.rest.get<Workload>(appsPath(ctx.namespace, 'deployments', d.metadata.name)), `getting deployment ${d.metadata.name ?? ''}`);
    last = cur.status;
    return deploymentComplete(d, cur.status);
  }, () => `error waiting for deployment ${d.metadata.name ?? ''} status to match expectation: deployment status: ${brief(last, 400)}`);
}

/** testutil.WaitForObservedDeployment */
export async function waitForObservedDeployment(ctx: CaseContext, name: string, generation: number): Promise<void> {
  await waitFor(ctx, 250, 60_000, async () => {
    const d = await must(ctx.rest.get<Workload>(appsPath(ctx.namespace, 'deployments', name)), `getting deployment ${name}`);
    return (d.status?.observedGeneration ?? 0) >= generation;
  }, `deployment ${name} never observed generation ${generation}`);
}

/** Reads an object, undefined once it is gone. */
export async function getOrGone<T extends KObject>(ctx: CaseContext, path: string): Promise<T | undefined> {
  try {
    return await ctx.rest.get<T>(path);
  } catch (e) {
    if (isNotFound(e)) return undefined;
    throw e;
  }
}

/** intstr.GetScaledValueFromIntOrPercent(v, total, roundUp) */
export function scaledValue(v: number | string | undefined, total: number, roundUp: boolean): number {
  if (v === undefined) return 0;
  if (typeof v === 'number') return v;
  const m = /^(\d+)%$/.exec(v);
  if (!m) fail(`invalid value for IntOrString: ${v}`);
  const x = (Number(m[1]) * total) / 100;
  return roundUp ? Math.ceil(x) : Math.floor(x);
}
