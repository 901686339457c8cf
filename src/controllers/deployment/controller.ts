// The Deployment controller (upstream pkg/controller/deployment): for each deployment, claim
// the ReplicaSets its selector matches, then either just resize them (paused, or scaled
// mid-rollout) or roll out its template with the Recreate or RollingUpdate strategy, and
// report status and conditions. ReplicaSet changes wake the deployment that owns them.

import type { KObject } from '../../client/informer.ts';
import type { EventRecorder } from '../../client/events.ts';
import { matchLabels, sameMap } from '../../registry/selection.ts';
import { Controller, splitKey, type ControllerContext } from '../framework/controller.ts';
import { claimObjects, controllerOf, ownerCanAdopt, isBeingDeleted } from '../framework/controllerref.ts';
import { selectorFor, type SharedInformer } from '../framework/informers.ts';
import type { ControllerFactory } from '../registry.ts';
import { rolloutRecreate, type PodPhase } from './recreate.ts';
import { rolloutRolling } from './rolling.ts';
import {
  checkPausedConditions, deploymentRef, isScalingEvent, sync, syncStatusOnly, updateDeploymentStatus, type SyncContext,
} from './sync.ts';
import type { Deployment, ReplicaSet } from './util.ts';

type Pod = KObject & PodPhase;

export class DeploymentController extends Controller {
  private readonly deployments: SharedInformer<Deployment>;
  private readonly replicaSets: SharedInformer<ReplicaSet>;
  private readonly pods: SharedInformer<Pod>;
  private readonly recorder: EventRecorder;
  private readonly syncCtx: SyncContext;

  constructor(ctx: ControllerContext) {
    super('deployment-controller', ctx);
    this.recorder = ctx.recorder('deployment-controller');
    this.deployments = ctx.informers.for<Deployment>('apps/deployments');
    this.replicaSets = ctx.informers.for<ReplicaSet>('apps/replicasets');
    this.pods = ctx.informers.for<Pod>('pods');
    this.replicaSets.addIndex('controller-uid', (o) => { const r = controllerOf(o); return r ? [r.uid] : []; });
    // Sets without a controller, by namespace: the only ones a deployment may adopt (so a sync
    // never scans every set in the namespace).
    this.replicaSets.addIndex('orphan-namespace', (o) => (controllerOf(o) ? [] : [o.metadata.namespace ?? '']));
    this.pods.addIndex('controller-uid', (o) => { const r = controllerOf(o); return r ? [r.uid] : []; });
    this.syncCtx = {
      client: ctx.client,
      recorder: this.recorder,
      cachedReplicaSet: (ns, name) => this.replicaSets.get(ns, name),
      enqueueAfter: (d, ms) => this.enqueueAfter(d, ms),
      now: () => Date.now(),
    };
    this.deployments.addHandlers({
      add: (d) => this.enqueue(d),
      update: (_, d) => this.enqueue(d),
      delete: (d) => this.enqueue(d),
    });
    this.replicaSets.addHandlers({
      add: (rs) => this.replicaSetAdded(rs),
      update: (old, rs) => this.replicaSetUpdated(old, rs),
      delete: (rs) => this.enqueueOwner(rs),
    });
    this.pods.addHandlers({ delete: (p) => this.podDeleted(p) });
  }

  /** The deployment a set's controller reference names, if it still is that object. */
  private ownerOf(rs: KObject): Deployment | undefined {
    const ref = controllerOf(rs);
    if (!ref || ref.kind !== 'Deployment') return undefined;
    const d = this.deployments.get(rs.metadata.namespace, ref.name);
    return d && d.metadata.uid === ref.uid ? d : undefined;
  }

  private enqueueOwner(rs: KObject): void {
    const d = this.ownerOf(rs);
    if (d) this.enqueue(d);
  }

  /** Deployments whose selector matches an orphan set (they may adopt it). */
  private matchingDeployments(rs: ReplicaSet): Deployment[] {
    return this.deployments.list(rs.metadata.namespace).filter((d) => {
      const sel = selectorFor(d.spec.selector);
      return sel !== undefined && !sel.empty && matchLabels(sel, rs.metadata.labels);
    });
  }

  private replicaSetAdded(rs: ReplicaSet): void {
    if (rs.metadata.deletionTimestamp || controllerOf(rs)) return this.enqueueOwner(rs);
    for (const d of this.matchingDeployments(rs)) this.enqueue(d);
  }

  private replicaSetUpdated(old: ReplicaSet, rs: ReplicaSet): void {
    if (old.metadata.resourceVersion === rs.metadata.resourceVersion) return;
    const oldRef = controllerOf(old), ref = controllerOf(rs);
    if (oldRef && oldRef.uid !== ref?.uid) this.enqueueOwner(old);
    if (ref) return this.enqueueOwner(rs);
    if (!sameMap(old.metadata.labels, rs.metadata.labels) || oldRef) {
      for (const d of this.matchingDeployments(rs)) this.enqueue(d);
    }
  }

  /** A Recreate rollout waits for old pods to be gone: their deletion may let it go on. */
  private podDeleted(p: Pod): void {
    const ref = controllerOf(p);
    if (!ref || ref.kind !== 'ReplicaSet') return;
    const rs = this.replicaSets.get(p.metadata.namespace, ref.name);
    if (!rs || rs.metadata.uid !== ref.uid) return;
    const d = this.ownerOf(rs);
    if (d && d.spec.strategy?.type === 'Recreate') this.enqueue(d);
  }

  protected async sync(key: string): Promise<void> {
    const [namespace, name] = splitKey(key);
    const cached = this.deployments.get(namespace, name);
    if (!cached) return;
    const d = structuredClone(cached);
    const ctx = this.syncCtx;

    const selector = selectorFor(d.spec.selector);
    if (!selector || selector.empty) {
      this.recorder.event(deploymentRef(d), 'Warning', 'SelectingAll', 'This deployment is selecting all pods. A non-empty selector is required.');
      if ((d.status?.observedGeneration ?? 0) < (d.metadata.generation ?? 0)) {
        d.status = { ...d.status, observedGeneration: d.metadata.generation };
        await updateDeploymentStatus(ctx, d);
      }
      return;
    }

    const rsList = await this.replicaSetsFor(d, selector);
    if (isBeingDeleted(d)) return syncStatusOnly(ctx, d, rsList);
    await checkPausedConditions(ctx, d);
    if (d.spec.paused) return sync(ctx, d, rsList);
    if (await isScalingEvent(ctx, d, rsList)) return sync(ctx, d, rsList);
    if (d.spec.strategy?.type === 'Recreate') return rolloutRecreate(ctx, d, rsList, this.podsByReplicaSet(d, rsList, selector));
    return rolloutRolling(ctx, d, rsList);
  }

  /** The sets this deployment controls after adopting matching orphans and releasing sets that stopped matching. */
  private async replicaSetsFor(d: Deployment, selector: NonNullable<ReturnType<typeof selectorFor>>): Promise<ReplicaSet[]> {
    const owned = this.replicaSets.byIndex('controller-uid', d.metadata.uid as string);
    const orphans = this.replicaSets.byIndex('orphan-namespace', d.metadata.namespace ?? '').filter((rs) => matchLabels(selector, rs.metadata.labels));
    return claimObjects<ReplicaSet>({
      client: this.ctx.client, resourceName: 'apps/replicasets', owner: d, ownerApiVersion: 'apps/v1', ownerKind: 'Deployment',
      selector, candidates: [...owned, ...orphans], canAdopt: () => this.canAdopt(d),
    });
  }

  /** Adopt only if the deployment, read afresh, is the same object and not being deleted. */
  private canAdopt(d: Deployment): Promise<boolean> { return ownerCanAdopt(this.ctx.client, 'apps/deployments', d); }

  /** Pods of the deployment's sets that match its selector, by set UID (upstream getPodMapForDeployment). */
  private podsByReplicaSet(d: Deployment, rsList: ReplicaSet[], selector: NonNullable<ReturnType<typeof selectorFor>>): Map<string, Pod[]> {
    const out = new Map<string, Pod[]>();
    for (const rs of rsList) {
      const uid = rs.metadata.uid as string;
      out.set(uid, this.pods.byIndex('controller-uid', uid).filter((p) => p.metadata.namespace === d.metadata.namespace && matchLabels(selector, p.metadata.labels)));
    }
    return out;
  }
}

export const newDeploymentController: ControllerFactory = (ctx) => new DeploymentController(ctx);
