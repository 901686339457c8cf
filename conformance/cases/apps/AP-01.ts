// Upstream: test/e2e/apps/controller_revision.go, "should manage the lifecycle of a
// ControllerRevision". A DaemonSet runs a pod on every node and gets one ControllerRevision;
// that revision is found by a cluster-wide list, patched, joined by a hand-made second
// revision, deleted; the survivor is updated; a template change makes the DaemonSet
// controller add a third revision; deletecollection by label removes the hand-made one, and
// the one left is revision 3. Around it, the Describe's BeforeEach/AfterEach (namespace
// node-selector annotation cleared, daemonset-* node labels cleared, DaemonSets deleted with
// their pods).

import { expectEqual, expectLen, fail, must, retryOnConflict } from '../../framework/expect.ts';
import {
  AGNHOST_IMAGE, appsPath, corePath, isControlledBy, isPodAvailable, selectorFromSet, selectorString, waitFor,
  type ControllerRevision, type OwnerReference, type Pod, type Workload,
} from '../../framework/apps.ts';
import { isNotFound } from '../../framework/client.ts';
import { brief, randString, type KList, type KObject } from '../../framework/json.ts';
import type { CaseContext, ConformanceCase } from '../../framework/types.ts';

const DS_RETRY_PERIOD_MS = 1000;
const DS_RETRY_TIMEOUT_MS = 300_000;
const CR_RETRY_PERIOD_MS = 1000;
const CR_RETRY_TIMEOUT_MS = 60_000;
const DAEMONSET_LABEL_PREFIX = 'daemonset-';
const NAMESPACE_NODE_SELECTORS = ['scheduler.alpha.kubernetes.io/node-selector'];
/** appsv1.DefaultDaemonSetUniqueLabelKey */
const DAEMONSET_UNIQUE_LABEL_KEY = 'controller-revision-hash';

interface Taint { key: string; value?: string; effect: string }
interface Node extends KObject {
  spec?: { unschedulable?: boolean; taints?: Taint[] };
  status?: { conditions?: { type: string; status: string }[] };
}

/** e2edaemonset.NewDaemonSet(name, image, labels, nil, nil, ports) as newDaemonSetWithLabel calls it. */
function newDaemonSetWithLabel(dsName: string, image: string, label: Record<string, string>): Workload {
  return {
    apiVersion: 'apps/v1', kind: 'DaemonSet',
    metadata: { name: dsName, labels: { ...label }, creationTimestamp: null },
    spec: {
      selector: { matchLabels: { ...label } },
      template: {
        metadata: { labels: { ...label }, creationTimestamp: null },
        spec: { containers: [{ name: 'app', image, ports: [{ containerPort: 9376 }], resources: {}, securityContext: {} }], securityContext: {} },
      },
      updateStrategy: {},
    },
    status: { currentNumberScheduled: 0, numberMisscheduled: 0, desiredNumberScheduled: 0, numberReady: 0 },
  };
}

/** The taints a DaemonSet pod tolerates by default (daemon.NewPod / AddOrUpdateDaemonPodTolerations, no host network). */
const DAEMON_TOLERATIONS: Taint[] = [
  { key: 'node.kubernetes.io/not-ready', effect: 'NoExecute' },
  { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute' },
  { key: 'node.kubernetes.io/disk-pressure', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/memory-pressure', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/pid-pressure', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' },
];

/** canScheduleOnNode: the node matches the template's nodeSelector and every NoSchedule/NoExecute taint is tolerated. */
function canScheduleOnNode(node: Node, ds: Workload): boolean {
  const sel = (ds.spec.template.spec?.nodeSelector ?? {}) as Record<string, string>;
  for (const [k, v] of Object.entries(sel)) if (node.metadata.labels?.[k] !== v) return false;
  return (node.spec?.taints ?? []).every((t) => t.effect === 'PreferNoSchedule' || DAEMON_TOLERATIONS.some((x) => x.key === t.key && x.effect === t.effect));
}

/** e2edaemonset.SchedulableNodes */
async function schedulableNodes(ctx: CaseContext, ds: Workload): Promise<string[]> {
  const nodes = await must(ctx.rest.get<KList<Node>>('/api/v1/nodes'), 'listing nodes');
  const names: string[] = [];
  for (const node of nodes.items) {
    if (!canScheduleOnNode(node, ds)) {
      ctx.log(`DaemonSet pods can't tolerate node ${node.metadata.name ?? ''} with taints ${brief(node.spec?.taints)}, skip checking this node`);
      continue;
    }
    names.push(node.metadata.name ?? '');
  }
  return names;
}

/** e2edaemonset.CheckDaemonPodOnNodes: exactly one available pod of the set on each named node, none elsewhere. */
async function checkDaemonPodOnNodes(ctx: CaseContext, ds: Workload, nodeNames: string[]): Promise<boolean> {
  let pods: Pod[];
  try {
    pods = (await ctx.rest.get<KList<Pod>>(corePath(ctx.namespace, 'pods'))).items;
  } catch (e) {
    ctx.log(`could not get the pod list: ${e instanceof Error ? e.message : String(e)}`);
    return false;
  }
  const nodesToPodCount = new Map<string, number>();
  for (const pod of pods) {
    if (!isControlledBy(pod, ds) || pod.metadata.deletionTimestamp) continue;
    if (isPodAvailable(pod, ds.spec.minReadySeconds ?? 0)) nodesToPodCount.set(pod.spec?.nodeName ?? '', (nodesToPodCount.get(pod.spec?.nodeName ?? '') ?? 0) + 1);
  }
  ctx.log(`Number of nodes with available pods controlled by daemonset ${ds.metadata.name ?? ''}: ${nodesToPodCount.size}`);
  for (const n of nodeNames) {
    if (nodesToPodCount.get(n) !== 1) {
      ctx.log(`Node ${n} is running ${nodesToPodCount.get(n) ?? 0} daemon pod, expected 1`);
      return false;
    }
  }
  ctx.log(`Number of running nodes: ${nodeNames.length}, number of available pods: ${nodesToPodCount.size} in daemonset ${ds.metadata.name ?? ''}`);
  return nodesToPodCount.size === nodeNames.length;
}

/** e2edaemonset.CheckDaemonStatus: desired, current and ready counts agree. */
async function checkDaemonStatus(ctx: CaseContext, dsName: string): Promise<void> {
  let last = '';
  await waitFor(ctx, 1000, 60_000, async () => {
    const ds = await must(ctx.rest.get<Workload>(appsPath(ctx.namespace, 'daemonsets', dsName)), `getting daemonset ${dsName}`);
    const s = ds.status ?? {};
    const desired = s.desiredNumberScheduled ?? 0;
    const scheduled = s.currentNumberScheduled ?? 0;
    const ready = s.numberReady ?? 0;
    last = `DesiredScheduled: ${desired}, CurrentScheduled: ${scheduled}, Ready: ${ready}`;
    return desired === scheduled && scheduled === ready;
  }, () => `error in daemon status. ${last}`);
}

/** patchNamespaceAnnotations: the namespace node-selector annotations set empty. */
async function patchNamespaceAnnotations(ctx: CaseContext, ns: string): Promise<KObject> {
  const annotations: Record<string, string> = {};
  for (const n of NAMESPACE_NODE_SELECTORS) annotations[n] = '';
  return ctx.rest.patch<KObject>(`/api/v1/namespaces/${ns}`, 'strategic', { metadata: { annotations } });
}

function isReadySchedulable(node: Node): boolean {
  const ready = node.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True';
  const tainted = (node.spec?.taints ?? []).some((t) => t.effect === 'NoSchedule' || t.effect === 'NoExecute');
  return ready && !node.spec?.unschedulable && !tainted;
}

/** setDaemonSetNodeLabels(node, {}) for each ready schedulable node: drops the daemonset-* labels. */
async function clearDaemonSetNodeLabels(ctx: CaseContext): Promise<void> {
  const nodes = (await must(ctx.rest.get<KList<Node>>('/api/v1/nodes'), 'listing nodes')).items.filter(isReadySchedulable);
  for (const n of nodes) {
    const name = n.metadata.name ?? '';
    await waitFor(ctx, DS_RETRY_PERIOD_MS, DS_RETRY_TIMEOUT_MS, async () => {
      const node = await must(ctx.rest.get<Node>(`/api/v1/nodes/${name}`), `getting node ${name}`);
      const labels = node.metadata.labels ?? {};
      const dsLabels = Object.keys(labels).filter((k) => k.startsWith(DAEMONSET_LABEL_PREFIX));
      if (dsLabels.length === 0) return true;
      for (const k of dsLabels) delete labels[k];
      node.metadata.labels = labels;
      try {
        const updated = await ctx.rest.put<Node>(`/api/v1/nodes/${name}`, node);
        if (Object.keys(updated.metadata.labels ?? {}).some((k) => k.startsWith(DAEMONSET_LABEL_PREFIX))) fail('could not set daemon set test labels as expected');
        return true;
      } catch (e) {
        if ((e as { code?: number }).code === 409) { ctx.log('failed to update node due to resource version conflict'); return false; }
        throw e;
      }
    }, `clearing daemon set labels of node ${name}`);
  }
}

/** e2eresource.DeleteResourceAndWaitForGC for a DaemonSet: background delete, then its pods inactive and gone. */
async function deleteDaemonSetAndWaitForGC(ctx: CaseContext, name: string): Promise<void> {
  const ns = ctx.namespace;
  ctx.step(`deleting DaemonSet.extensions ${name} in namespace ${ns}, will wait for the garbage collector to delete the pods`);
  let ds: Workload;
  try {
    ds = await ctx.rest.get<Workload>(appsPath(ns, 'daemonsets', name));
  } catch (e) {
    if (isNotFound(e)) { ctx.log(`DaemonSet.extensions ${name} not found`); return; }
    throw e;
  }
  const selector = selectorString(ds.spec.selector);
  const started = Date.now();
  try {
    await ctx.rest.delete(appsPath(ns, 'daemonsets', name), undefined, { propagationPolicy: 'Background' });
  } catch (e) {
    if (!isNotFound(e)) fail(`failed to delete object with non-retriable error: ${e instanceof Error ? e.message : String(e)}`);
  }
  ctx.log(`Deleting DaemonSet.extensions ${name} took: ${Date.now() - started}ms`);
  const listPods = async () => (await must(ctx.rest.get<KList<Pod>>(corePath(ns, 'pods'), { labelSelector: selector }), 'listing pods')).items;
  await waitFor(ctx, 100, 600_000, async () => (await listPods()).every((p) => p.metadata.deletionTimestamp || p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed'),
    `error while waiting for pods to become inactive ${name}`);
  ctx.log(`Terminating DaemonSet.extensions ${name} pods took: ${Date.now() - started}ms`);
  await waitFor(ctx, 100, 1_200_000, async () => (await listPods()).length === 0, `error while waiting for pods gone ${name}`);
}

/** The AfterEach of the Describe. */
async function afterEach(ctx: CaseContext): Promise<void> {
  const ns = ctx.namespace;
  const daemonsets = await must(ctx.rest.get<KList<Workload>>(appsPath(ns, 'daemonsets')), 'unable to dump DaemonSets');
  for (const ds of daemonsets.items) {
    ctx.step(`Deleting DaemonSet "${ds.metadata.name ?? ''}"`);
    await deleteDaemonSetAndWaitForGC(ctx, ds.metadata.name ?? '');
    await waitFor(ctx, DS_RETRY_PERIOD_MS, DS_RETRY_TIMEOUT_MS, () => checkDaemonPodOnNodes(ctx, ds, []), 'error waiting for daemon pod to be reaped');
  }
  const left = await ctx.rest.get<KList<Workload>>(appsPath(ns, 'daemonsets')).catch(() => undefined);
  ctx.log(`daemonset: ${brief(left?.items.map((d) => d.metadata.name))}`);
  const pods = await ctx.rest.get<KList<Pod>>(corePath(ns, 'pods')).catch(() => undefined);
  ctx.log(`pods: ${brief(pods?.items.map((p) => p.metadata.name))}`);
  await clearDaemonSetNodeLabels(ctx);
}

const SAFE_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/**
 * hashAndNameForDaemonSet: controller.ComputeHash(template, collisionCount) encoded with
 * rand.SafeEncodeString, and <name>-<hash>. Upstream hashes Go's spew dump of the struct,
 * which has no JSON equivalent; this hashes the template's JSON with FNV-1a instead. The name
 * only has to be a valid, unused revision name.
 */
function hashAndNameForDaemonSet(ds: Workload): [string, string] {
  let x = 0x811c9dc5;
  for (const b of Buffer.from(JSON.stringify(ds.spec.template) + String(ds.status?.collisionCount ?? ''), 'utf8')) { x ^= b; x = Math.imul(x, 0x01000193) >>> 0; }
  const hash = [...String(x)].map((c) => SAFE_ALPHABET[c.charCodeAt(0) % SAFE_ALPHABET.length]).join('');
  return [hash, `${ds.metadata.name ?? ''}-${hash}`];
}

/** checkControllerRevisionListQuantity */
function controllerRevisionQuantity(ctx: CaseContext, label: string, quantity: number): () => Promise<boolean> {
  return async () => {
    ctx.log('Requesting list of ControllerRevisions to confirm quantity');
    const list = await must(ctx.rest.get<KList<ControllerRevision>>(appsPath(ctx.namespace, 'controllerrevisions'), { labelSelector: label }), 'listing ControllerRevisions');
    if (list.items.length !== quantity) return false;
    ctx.log(`Found ${quantity} ControllerRevisions`);
    return true;
  };
}

const testCase: ConformanceCase = {
  id: 'AP-01',
  codename: '[sig-apps] ControllerRevision [Serial] should manage the lifecycle of a ControllerRevision [Conformance]',
  class: 'run',
  needs: 'DaemonSet controller with ControllerRevision history, garbage collector; node agents running a pod on every node; controllerrevisions CRUD, patch and deletecollection',
  baseName: 'controllerrevisions',
  podSecurity: 'baseline',
  async run(ctx) {
    const image = AGNHOST_IMAGE;
    const dsName = `e2e-${randString(5)}-daemon-set`;

    // BeforeEach
    const updatedNS = await must(patchNamespaceAnnotations(ctx, ctx.namespace), 'patching the namespace annotations');
    const ns = updatedNS.metadata.name ?? ctx.namespace;
    await clearDaemonSetNodeLabels(ctx);

    let failed = true;
    try {
      const dsLabel = { 'daemonset-name': dsName };
      const dsLabelSelector = selectorFromSet(dsLabel);

      ctx.step(`Creating DaemonSet "${dsName}"`);
      const testDaemonset = await must(ctx.rest.post<Workload>(appsPath(ns, 'daemonsets'), newDaemonSetWithLabel(dsName, image, dsLabel)), `creating daemonset ${dsName}`);

      ctx.step('Check that daemon pods launch on every node of the cluster.');
      await waitFor(ctx, DS_RETRY_PERIOD_MS, DS_RETRY_TIMEOUT_MS, async () => checkDaemonPodOnNodes(ctx, testDaemonset, await schedulableNodes(ctx, testDaemonset)),
        'error waiting for daemon pod to start');
      await checkDaemonStatus(ctx, dsName);

      ctx.step(`Confirm DaemonSet "${dsName}" successfully created with "${dsLabelSelector}" label`);
      const dsList = await must(ctx.rest.get<KList<Workload>>('/apis/apps/v1/daemonsets', { labelSelector: dsLabelSelector }), 'failed to list Daemon Sets');
      expectLen(dsList.items, 1, 'filtered list wasn\'t found');

      const ds = await must(ctx.rest.get<Workload>(appsPath(ns, 'daemonsets', dsName)), `getting daemonset ${dsName}`);

      ctx.step(`Listing all ControllerRevisions with label "${dsLabelSelector}"`);
      const revs = await must(ctx.rest.get<KList<ControllerRevision>>('/apis/apps/v1/controllerrevisions', { labelSelector: dsLabelSelector }), 'Failed to list ControllerRevision');
      expectLen(revs.items, 1, 'Failed to find any controllerRevisions');

      const rev = revs.items[0];
      const oref = ((rev.metadata.ownerReferences ?? []) as OwnerReference[])[0];
      let initialRevision: ControllerRevision | undefined;
      if (oref?.kind === 'DaemonSet' && oref.uid === ds.metadata.uid) {
        ctx.log(`Located ControllerRevision: "${rev.metadata.name ?? ''}"`);
        initialRevision = await must(ctx.rest.get<ControllerRevision>(appsPath(ns, 'controllerrevisions', rev.metadata.name)), 'failed to lookup ControllerRevision');
      }
      if (!initialRevision) fail(`ControllerRevision ${rev.metadata.name ?? ''} is not owned by DaemonSet ${dsName}: ${brief(oref)}`);
      const initialName = initialRevision.metadata.name ?? '';

      ctx.step(`Patching ControllerRevision "${initialName}"`);
      const payload = `{"metadata":{"labels":{"${initialName}":"patched"}}}`;
      const patched = await must(ctx.rest.patch<ControllerRevision>(appsPath(ns, 'controllerrevisions', initialName), 'strategic', payload),
        `failed to patch ControllerRevision ${initialName} in namespace ${ns}`);
      expectEqual(patched.metadata.labels?.[initialName], 'patched', `Did not find 'patched' label for this ControllerRevision. Current labels: ${brief(patched.metadata.labels)}`);
      ctx.log(`${patched.metadata.name ?? ''} has been patched`);

      ctx.step('Create a new ControllerRevision');
      if (ds.spec.template.spec) ds.spec.template.spec.terminationGracePeriodSeconds = 1;
      const [newHash, newName] = hashAndNameForDaemonSet(ds);
      const controllerRef: OwnerReference = { apiVersion: 'apps/v1', kind: 'DaemonSet', name: ds.metadata.name, uid: ds.metadata.uid, controller: true, blockOwnerDeletion: true };
      const newRevision: ControllerRevision = {
        metadata: {
          name: newName, namespace: ns, creationTimestamp: null,
          labels: { ...ds.spec.template.metadata?.labels, [DAEMONSET_UNIQUE_LABEL_KEY]: newHash },
          ...(ds.metadata.annotations ? { annotations: ds.metadata.annotations } : {}),
          ownerReferences: [controllerRef],
        },
        data: initialRevision.data,
        revision: (initialRevision.revision ?? 0) + 1,
      };
      const newControllerRevision = await must(ctx.rest.post<ControllerRevision>(appsPath(ns, 'controllerrevisions'), newRevision), 'Failed to create ControllerRevision');
      ctx.log(`Created ControllerRevision: ${newControllerRevision.metadata.name ?? ''}`);

      ctx.step('Confirm that there are two ControllerRevisions');
      await waitFor(ctx, CR_RETRY_PERIOD_MS, CR_RETRY_TIMEOUT_MS, controllerRevisionQuantity(ctx, dsLabelSelector, 2), 'failed to count required ControllerRevisions');

      ctx.step(`Deleting ControllerRevision "${initialName}"`);
      await must(ctx.rest.delete(appsPath(ns, 'controllerrevisions', initialName)), 'Failed to delete ControllerRevision');

      ctx.step('Confirm that there is only one ControllerRevision');
      await waitFor(ctx, CR_RETRY_PERIOD_MS, CR_RETRY_TIMEOUT_MS, controllerRevisionQuantity(ctx, dsLabelSelector, 1), 'failed to count required ControllerRevisions');

      const listControllerRevisions = await must(ctx.rest.get<KList<ControllerRevision>>(appsPath(ns, 'controllerrevisions')), 'listing ControllerRevisions');
      const current = listControllerRevisions.items[0] ?? fail('no ControllerRevision left');
      const currentName = current.metadata.name ?? '';

      ctx.step(`Updating ControllerRevision "${currentName}"`);
      const updated = await must(retryOnConflict(async () => {
        const cr = await must(ctx.rest.get<ControllerRevision>(appsPath(ns, 'controllerrevisions', currentName)), `Unable to get ControllerRevision ${currentName}`);
        cr.metadata.labels = { ...cr.metadata.labels, [currentName]: 'updated' };
        return ctx.rest.put<ControllerRevision>(appsPath(ns, 'controllerrevisions', currentName), cr);
      }), `failed to update ControllerRevision in namespace: ${ns}`);
      expectEqual(updated.metadata.labels?.[currentName], 'updated', `Did not find 'updated' label for this ControllerRevision. Current labels: ${brief(updated.metadata.labels)}`);
      ctx.log(`${updated.metadata.name ?? ''} has been updated`);

      ctx.step('Generate another ControllerRevision by patching the Daemonset');
      // As upstream sends it: updateStrategy sits beside spec, where no DaemonSet field is.
      const patch = '{"spec":{"template":{"spec":{"terminationGracePeriodSeconds": 1}}},"updateStrategy":{"type":"RollingUpdate"}}';
      await must(ctx.rest.patch(appsPath(ns, 'daemonsets', dsName), 'strategic', patch), 'error patching daemon set');

      ctx.step('Confirm that there are two ControllerRevisions');
      await waitFor(ctx, CR_RETRY_PERIOD_MS, CR_RETRY_TIMEOUT_MS, controllerRevisionQuantity(ctx, dsLabelSelector, 2), 'failed to count required ControllerRevisions');

      const updatedLabelSelector = selectorFromSet({ [updated.metadata.name ?? '']: 'updated' });

      ctx.step(`Removing a ControllerRevision via 'DeleteCollection' with labelSelector: "${updatedLabelSelector}"`);
      await must(ctx.rest.delete(appsPath(ns, 'controllerrevisions'), { labelSelector: updatedLabelSelector }, {}), 'Failed to delete ControllerRevision');

      ctx.step('Confirm that there is only one ControllerRevision');
      await waitFor(ctx, CR_RETRY_PERIOD_MS, CR_RETRY_TIMEOUT_MS, controllerRevisionQuantity(ctx, dsLabelSelector, 1), 'failed to count required ControllerRevisions');

      const list = await must(ctx.rest.get<KList<ControllerRevision>>(appsPath(ns, 'controllerrevisions')), 'failed to list ControllerRevision');
      expectEqual(list.items[0]?.revision, 3, 'failed to find the expected revision for the Controller');
      ctx.log(`ControllerRevision "${list.items[0]?.metadata.name ?? ''}" has revision ${list.items[0]?.revision ?? 0}`);
      failed = false;
    } finally {
      const cleanup = afterEach(ctx);
      if (failed) await cleanup.catch((e: unknown) => { ctx.log(`cleanup after failure: ${e instanceof Error ? e.message : String(e)}`); });
      else await cleanup;
    }
  },
};

export default testCase;
