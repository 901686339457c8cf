// Upstream: test/e2e/apps/statefulset.go, Basic StatefulSet functionality, "should validate
// Statefulset Status endpoints". Beside a headless Service, a one-replica StatefulSet runs
// and is ready; it is patched to carry e2e=testing, its /status is read, replaced with an
// extra StatusUpdate condition and merge-patched with a StatusPatched condition, and a watch
// from before the create sees each write. Afterwards all StatefulSets are scaled to zero and
// deleted (the AfterEach of the Describe).

import { fail, must, retryOnConflict } from '../../framework/expect.ts';
import {
  WEBSERVER_IMAGE, appsPath, corePath, isPodReady, selectorString, updateWithRetries, waitFor, type Condition, type Pod, type Workload,
} from '../../framework/apps.ts';
import { brief, type KList } from '../../framework/json.ts';
import type { CaseContext, ConformanceCase } from '../../framework/types.ts';
import { watchUntil, type WatchEvent } from '../../framework/watch.ts';

const STATEFUL_SET_TIMEOUT_MS = 600_000;
const POLL_MS = 250;

/** e2estatefulset.NewStatefulSet(name, ns, governingSvcName, replicas, nil, nil, labels) */
export function newStatefulSet(name: string, ns: string, governingSvcName: string, replicas: number, labels: Record<string, string>): Workload {
  return {
    kind: 'StatefulSet', apiVersion: 'apps/v1',
    metadata: { name, namespace: ns, creationTimestamp: null },
    spec: {
      selector: { matchLabels: { ...labels } },
      replicas,
      template: {
        metadata: { labels: { ...labels }, annotations: {}, creationTimestamp: null },
        spec: { containers: [{ name: 'webserver', image: WEBSERVER_IMAGE, resources: {}, securityContext: {} }] },
      },
      serviceName: governingSvcName,
      updateStrategy: { type: 'RollingUpdate' },
    },
    status: { replicas: 0, availableReplicas: 0 },
  };
}

/** setHTTPProbe: the readiness probe of statefulset.go (GET /index.html on :80, every second). */
export function setHTTPProbe(ss: Workload): void {
  const c = ss.spec.template.spec?.containers?.[0];
  if (c) c.readinessProbe = { httpGet: { path: '/index.html', port: 80 }, periodSeconds: 1, successThreshold: 1, failureThreshold: 1 };
}

/** e2eservice.CreateServiceSpec(name, "", isHeadless=true, selector) */
export function headlessServiceSpec(name: string, selector: Record<string, string>): Record<string, unknown> {
  return {
    apiVersion: 'v1', kind: 'Service',
    metadata: { name, creationTimestamp: null },
    spec: { ports: [{ name: 'http', protocol: 'TCP', port: 80, targetPort: 0 }], selector, clusterIP: 'None' },
    status: { loadBalancer: {} },
  };
}

/** e2estatefulset.GetPodList: the set's pods by its selector, as ordered by ordinal. */
export async function getPodList(ctx: CaseContext, ss: Workload): Promise<Pod[]> {
  const list = await must(ctx.rest.get<KList<Pod>>(corePath(ctx.namespace, 'pods'), { labelSelector: selectorString(ss.spec.selector) }), 'listing stateful pods');
  const ordinal = (p: Pod): number => Number(/-(\d+)$/.exec(p.metadata.name ?? '')?.[1] ?? -1);
  return list.items.sort((a, b) => ordinal(a) - ordinal(b));
}

/** e2estatefulset.WaitForRunning: numRunning pods, all Running, the first numReady of them ready and the rest not. */
export async function waitForRunning(ctx: CaseContext, numRunning: number, numReady: number, ss: Workload): Promise<void> {
  await waitFor(ctx, POLL_MS, STATEFUL_SET_TIMEOUT_MS, async () => {
    const pods = await getPodList(ctx, ss);
    ctx.log(`Found ${pods.length} stateful pods, waiting for ${numRunning}`);
    if (pods.length < numRunning) return false;
    if (pods.length > numRunning) fail(`too many pods scheduled, expected ${numRunning} got ${pods.length}`);
    return pods.every((p) => {
      const ordinal = Number(/-(\d+)$/.exec(p.metadata.name ?? '')?.[1] ?? -1);
      const shouldBeReady = ordinal < numReady;
      return p.status?.phase === 'Running' && shouldBeReady === isPodReady(p);
    });
  }, `failed waiting for pods to enter running: timed out waiting for the condition`);
}

/** e2estatefulset.WaitForStatus: the controller has observed the set's generation. */
export async function waitForStatus(ctx: CaseContext, ss: Workload): Promise<Workload> {
  let cur = ss;
  await waitFor(ctx, POLL_MS, STATEFUL_SET_TIMEOUT_MS, async () => {
    cur = await must(ctx.rest.get<Workload>(appsPath(ctx.namespace, 'statefulsets', ss.metadata.name)), `getting statefulset ${ss.metadata.name ?? ''}`);
    return (cur.status?.observedGeneration ?? 0) >= (ss.metadata.generation ?? 0);
  }, `statefulset ${ss.metadata.name ?? ''} never observed generation ${ss.metadata.generation ?? 0}`);
  return cur;
}

/** e2estatefulset.DeleteAllStatefulSets: scale each set to zero, wait for its pods and status to follow, then delete it. */
export async function deleteAllStatefulSets(ctx: CaseContext): Promise<void> {
  const ns = ctx.namespace;
  const list = await must(ctx.rest.get<KList<Workload>>(appsPath(ns, 'statefulsets')), 'listing statefulsets');
  const errors: string[] = [];
  for (const item of list.items) {
    const name = item.metadata.name ?? '';
    try {
      ctx.log(`Scaling statefulset ${name} to 0`);
      const ss = await updateWithRetries<Workload>(ctx, appsPath(ns, 'statefulsets', name), (u) => { u.spec.replicas = 0; }, `statefulset ${name}`);
      await waitFor(ctx, POLL_MS, STATEFUL_SET_TIMEOUT_MS, async () => (await getPodList(ctx, ss)).length === 0, `failed to scale statefulset ${name} to 0`);
      await waitFor(ctx, POLL_MS, STATEFUL_SET_TIMEOUT_MS, async () => {
        const cur = await must(ctx.rest.get<Workload>(appsPath(ns, 'statefulsets', name)), `getting statefulset ${name}`);
        return (cur.status?.observedGeneration ?? 0) >= (ss.metadata.generation ?? 0) && (cur.status?.replicas ?? 0) === 0;
      }, `statefulset ${name} status.replicas never reached 0`);
      ctx.log(`Deleting statefulset ${name}`);
      await must(ctx.rest.delete(appsPath(ns, 'statefulsets', name), undefined, { orphanDependents: false }), `deleting statefulset ${name}`);
    } catch (e) {
      errors.push(e instanceof Error ? e.message : String(e));
    }
  }
  if (errors.length) fail(errors.join('\n'));
}

function statusWatch(ctx: CaseContext, labelSelector: string, rv: string, want: Workload, hasCondition: (c: Condition) => boolean): Promise<WatchEvent<Workload>> {
  return watchUntil<Workload>(ctx.rest, appsPath(ctx.namespace, 'statefulsets'), { labelSelector }, rv, Math.min(STATEFUL_SET_TIMEOUT_MS, ctx.remaining()), (ev) => {
    const e = ev.object;
    const found = e.metadata.name === want.metadata.name && e.metadata.namespace === want.metadata.namespace && e.metadata.labels?.e2e === want.metadata.labels?.e2e;
    if (!found) {
      ctx.log(`Observed Statefulset ${e.metadata.name ?? ''} in namespace ${e.metadata.namespace ?? ''} with annotations: ${brief(e.metadata.annotations)} & Conditions: ${brief(e.status?.conditions)}`);
      return false;
    }
    for (const cond of e.status?.conditions ?? []) {
      if (hasCondition(cond)) {
        ctx.log(`Found Statefulset ${e.metadata.name ?? ''} in namespace ${e.metadata.namespace ?? ''} with labels: ${brief(e.metadata.labels)} & Conditions: ${brief(cond)}`);
        return true;
      }
      ctx.log(`Observed Statefulset ${e.metadata.name ?? ''} in namespace ${e.metadata.namespace ?? ''} with Conditions: ${brief(cond)}`);
    }
    ctx.log(`Observed StatefulSet event: ${ev.type}`);
    return false;
  }, ctx.signal);
}

const testCase: ConformanceCase = {
  id: 'AP-23',
  codename: '[sig-apps] StatefulSet Basic StatefulSet functionality [StatefulSetBasic] should validate Statefulset Status endpoints [Conformance]',
  class: 'run',
  needs: 'StatefulSet controller; node agents running the pods; statefulsets/status get, update and merge patch; label-selector watch',
  baseName: 'statefulset',
  podSecurity: 'privileged',
  async run(ctx) {
    const ns = ctx.namespace;
    const ssName = 'ss';
    const labels = { foo: 'bar', baz: 'blah' };
    const headlessSvcName = 'test';

    // BeforeEach
    ctx.step(`Creating service ${headlessSvcName} in namespace ${ns}`);
    await must(ctx.rest.post(corePath(ns, 'services'), headlessServiceSpec(headlessSvcName, labels)), `creating service ${headlessSvcName}`);

    let failed = true;
    try {
      const labelSelector = 'e2e=testing';
      const ssList = await must(ctx.rest.get<KList<Workload>>('/apis/apps/v1/statefulsets', { labelSelector }), 'failed to list StatefulSets');
      const rv = ssList.metadata.resourceVersion ?? '';

      ctx.step(`Creating statefulset ${ssName} in namespace ${ns}`);
      let ss = newStatefulSet(ssName, ns, headlessSvcName, 1, labels);
      setHTTPProbe(ss);
      ss = await must(ctx.rest.post<Workload>(appsPath(ns, 'statefulsets'), ss), `creating statefulset ${ssName}`);
      await waitForRunning(ctx, ss.spec.replicas ?? 1, ss.spec.replicas ?? 1, ss);
      await waitForStatus(ctx, ss);

      ctx.step('Patch Statefulset to include a label');
      ss = await must(ctx.rest.patch<Workload>(appsPath(ns, 'statefulsets', ssName), 'strategic', '{"metadata":{"labels":{"e2e":"testing"}}}'), 'patching the statefulset');

      ctx.step('Getting /status');
      const ssStatus = await must(ctx.rest.get<Workload>(appsPath(ns, 'statefulsets', ssName, 'status')), `Failed to fetch the status of replica set ${ssName} in namespace ${ns}`);
      ctx.log(`StatefulSet ${ssName} has Conditions: ${brief(ssStatus.status?.conditions)}`);

      ctx.step('updating the StatefulSet Status');
      const updatedStatus = await must(retryOnConflict(async () => {
        const statusToUpdate = await must(ctx.rest.get<Workload>(appsPath(ns, 'statefulsets', ssName)), `Unable to retrieve statefulset ${ssName}`);
        statusToUpdate.status = {
          ...statusToUpdate.status,
          conditions: [...statusToUpdate.status?.conditions ?? [], { type: 'StatusUpdate', status: 'True', lastTransitionTime: null, reason: 'E2E', message: 'Set from e2e test' }],
        };
        return ctx.rest.put<Workload>(appsPath(ns, 'statefulsets', ssName, 'status'), statusToUpdate);
      }), 'Failed to update status');
      ctx.log(`updatedStatus.Conditions: ${brief(updatedStatus.status?.conditions)}`);

      ctx.step('watching for the statefulset status to be updated');
      await must(statusWatch(ctx, labelSelector, rv, ss, (c) => c.type === 'StatusUpdate' && c.reason === 'E2E' && c.message === 'Set from e2e test'),
        `failed to locate Statefulset ${ssName} in namespace ${ns}`);
      ctx.log(`Statefulset ${ssName} has an updated status`);

      ctx.step('patching the Statefulset Status');
      const payload = '{"status":{"conditions":[{"type":"StatusPatched","status":"True"}]}}';
      ctx.log(`Patch payload: ${payload}`);
      const patched = await must(ctx.rest.patch<Workload>(appsPath(ns, 'statefulsets', ssName, 'status'), 'merge', payload), 'Failed to patch status');
      ctx.log(`Patched status conditions: ${brief(patched.status?.conditions)}`);

      ctx.step('watching for the Statefulset status to be patched');
      await must(statusWatch(ctx, labelSelector, rv, ss, (c) => c.type === 'StatusPatched'), `failed to locate Statefulset ${ssName} in namespace ${ns}`);
      failed = false;
    } finally {
      // AfterEach
      ctx.log(`Deleting all statefulset in ns ${ns}`);
      const cleanup = deleteAllStatefulSets(ctx);
      if (failed) await cleanup.catch((e: unknown) => { ctx.log(`cleanup after failure: ${e instanceof Error ? e.message : String(e)}`); });
      else await cleanup;
    }
  },
};

export default testCase;
