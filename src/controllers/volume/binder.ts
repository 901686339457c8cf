// The PersistentVolume controller (upstream pkg/controller/volume/persistentvolume,
// `persistentvolume-binder`): it binds claims to volumes and keeps both sides' phases
// true. A claim of an Immediate class gets the best Available volume at once; one of a
// WaitForFirstConsumer class waits for the scheduler to pick a volume or a node. A claim
// that no volume serves is handed to its class's provisioner (the storage-provisioner
// annotation); one that names no class gets the default class once there is one (upstream's
// retroactive default StorageClass assignment). A volume whose claim is gone is Released, then reclaimed by its policy:
// Retain keeps it, Delete leaves it to the provisioner that made it.
//
// Binding is three writes in upstream's order, each safe to redo: the volume's claimRef,
// the volume's phase, then the claim's volumeName with bind-completed and its status.

import { isNotFound, resource } from '../../client/rest.ts';
import { referenceTo, type EventRecorder } from '../../client/events.ts';
import type { KObject } from '../../client/informer.ts';
import { Controller, type ControllerContext } from '../framework/controller.ts';
import type { SharedInformer } from '../framework/informers.ts';
import type { ControllerFactory } from '../registry.ts';
import {
  ANN_BETA_STORAGE_CLASS, ANN_BETA_STORAGE_PROVISIONER, ANN_BIND_COMPLETED, ANN_DEFAULT_CLASS, ANN_BOUND_BY_CONTROLLER, ANN_PROVISIONED_BY, ANN_SELECTED_NODE, ANN_STORAGE_PROVISIONER,
  claimClass, claimKey, findBestMatch, isVolumeBoundToClaim, volumeClass, volumeMismatch,
  type PersistentVolume, type PersistentVolumeClaim, type StorageClass,
} from './types.ts';

export const NAME = 'persistentvolume-binder';
const COMPONENT = 'persistentvolume-controller';
/** Upstream's --pvclaimbinder-sync-period: unbound claims and volumes are looked at again this often. */
const RESYNC_MS = 15_000;

const pvs = resource('persistentvolumes');
const pvcs = resource('persistentvolumeclaims');

interface Pod extends KObject {
  spec?: { nodeName?: string; volumes?: { persistentVolumeClaim?: { claimName: string } }[] };
}

const PV_KEY = 'pv:';
const PVC_KEY = 'pvc:';

export class PersistentVolumeController extends Controller {
  private readonly volumes: SharedInformer<PersistentVolume>;
  private readonly claims: SharedInformer<PersistentVolumeClaim>;
  private readonly classes: SharedInformer<StorageClass>;
  private readonly pods: SharedInformer<Pod>;
  private readonly recorder: EventRecorder;
  private resync: NodeJS.Timeout | undefined;

  constructor(ctx: ControllerContext) {
    super(NAME, ctx);
    this.recorder = ctx.recorder(COMPONENT);
    this.volumes = ctx.informers.for<PersistentVolume>('persistentvolumes');
    this.claims = ctx.informers.for<PersistentVolumeClaim>('persistentvolumeclaims');
    this.classes = ctx.informers.for<StorageClass>('storage.k8s.io/storageclasses');
    this.pods = ctx.informers.for<Pod>('pods').addIndex('claims', (p) => (p.spec?.volumes ?? []).flatMap((v) => (v.persistentVolumeClaim ? [`${p.metadata.namespace}/${v.persistentVolumeClaim.claimName}`] : [])));

    this.volumes.addHandlers({
      add: (v) => this.volumeChanged(v),
      update: (_o, v) => this.volumeChanged(v),
      delete: (v) => {
        // The claim of a deleted volume is Lost (if it was bound to it).
        const ref = v.spec.claimRef;
        if (ref?.name) this.queue.add(`${PVC_KEY}${ref.namespace}/${ref.name}`);
      },
    });
    this.claims.addHandlers({
      add: (c) => this.queue.add(PVC_KEY + claimKey(c)),
      update: (_o, c) => this.queue.add(PVC_KEY + claimKey(c)),
      delete: (c) => {
        // Its volume is Released now: look at every volume that points at it.
        for (const v of this.volumes.list()) if (isVolumeBoundToClaim(v, c)) this.queue.add(PV_KEY + v.metadata.name);
      },
    });
    this.classes.addHandlers({
      add: (sc) => {
        this.enqueueUnboundClaims(sc.metadata.name);
        if (sc.metadata.annotations?.[ANN_DEFAULT_CLASS] === 'true') this.enqueueUnboundClaims('');
      },
      update: (old, sc) => {
        if (sc.metadata.annotations?.[ANN_DEFAULT_CLASS] === 'true' && old.metadata.annotations?.[ANN_DEFAULT_CLASS] !== 'true') this.enqueueUnboundClaims('');
      },
    });
  }

  override run(): void {
    super.run();
    this.resync = setInterval(() => {
      for (const c of this.claims.list()) if (c.status?.phase !== 'Bound') this.queue.add(PVC_KEY + claimKey(c));
      for (const v of this.volumes.list()) if (v.status?.phase !== 'Bound') this.queue.add(PV_KEY + v.metadata.name);
    }, RESYNC_MS);
    this.resync.unref?.();
  }

  override async stop(): Promise<void> {
    if (this.resync) clearInterval(this.resync);
    await super.stop();
  }

  private volumeChanged(v: PersistentVolume): void {
    this.queue.add(PV_KEY + v.metadata.name);
    const ref = v.spec.claimRef;
    if (ref?.name) this.queue.add(`${PVC_KEY}${ref.namespace}/${ref.name}`);
    // A volume that became Available may serve a claim that is waiting for one.
    else if (v.status?.phase === 'Available') this.enqueueUnboundClaims(volumeClass(v));
  }

  private enqueueUnboundClaims(cls: string): void {
    for (const c of this.claims.list()) {
      if (!c.spec.volumeName && claimClass(c) === cls) this.queue.add(PVC_KEY + claimKey(c));
    }
  }

  protected async sync(key: string): Promise<void> {
    if (key.startsWith(PV_KEY)) {
      const v = this.volumes.getByKey(key.slice(PV_KEY.length));
      if (v) await this.syncVolume(v);
    } else if (key.startsWith(PVC_KEY)) {
      const c = this.claims.getByKey(key.slice(PVC_KEY.length));
      if (c) await this.syncClaim(c);
    }
  }

  // ---- claims ----

  private async syncClaim(c: PersistentVolumeClaim): Promise<void> {
    if (c.metadata.annotations?.[ANN_BIND_COMPLETED] === undefined) await this.syncUnboundClaim(c);
    else await this.syncBoundClaim(c);
  }

  private isDelayBinding(c: PersistentVolumeClaim): boolean {
    const cls = claimClass(c);
    return cls !== '' && this.classes.get(undefined, cls)?.volumeBindingMode === 'WaitForFirstConsumer';
  }

  /** The newest class annotated as the default (as DefaultStorageClass admission picks it). */
  private defaultClass(): string | undefined {
    let best: StorageClass | undefined;
    for (const sc of this.classes.list()) {
      if (sc.metadata.annotations?.[ANN_DEFAULT_CLASS] !== 'true') continue;
      if (!best || (sc.metadata.creationTimestamp ?? '') > (best.metadata.creationTimestamp ?? '')) best = sc;
    }
    return best?.metadata.name;
  }

  private async syncUnboundClaim(c: PersistentVolumeClaim): Promise<void> {
    // Retroactive default class: a claim made before any default class existed gets it now.
    if (!c.spec.volumeName && (c.spec.storageClassName === undefined || c.spec.storageClassName === null) && c.metadata.annotations?.[ANN_BETA_STORAGE_CLASS] === undefined) {
      const def = this.defaultClass();
      if (def !== undefined) {
        await this.updateClaim(c, (n) => { n.spec.storageClassName = def; });
        return;
      }
    }
    if (!c.spec.volumeName) {
      const delay = this.isDelayBinding(c);
      const volume = findBestMatch(c, this.volumes.list(), delay);
      if (volume) return this.bind(volume, c);
      if (delay && c.metadata.annotations?.[ANN_SELECTED_NODE] === undefined) {
        this.waitingForConsumer(c);
      } else if (claimClass(c) !== '') {
        await this.provisionClaim(c);
        return;
      } else {
        this.event(c, 'Normal', 'FailedBinding', 'no persistent volumes available for this claim and no storage class is set');
      }
      return this.setClaimPhase(c, 'Pending');
    }
    // Pre-bound by the user to a volume by name.
    const volume = this.volumes.get(undefined, c.spec.volumeName);
    if (!volume) return this.setClaimPhase(c, 'Pending');
    if (!volume.spec.claimRef) {
      const mismatch = volumeMismatch(c, volume);
      if (mismatch) {
        this.event(c, 'Warning', 'VolumeMismatch', `Cannot bind to requested volume "${volume.metadata.name}": ${mismatch}`);
        return this.setClaimPhase(c, 'Pending');
      }
      return this.bind(volume, c);
    }
    if (isVolumeBoundToClaim(volume, c)) return this.bind(volume, c);
    if (c.metadata.annotations?.[ANN_BOUND_BY_CONTROLLER] !== undefined) {
      // We named a volume someone else took: forget it and look again.
      await this.updateClaim(c, (n) => {
        delete n.spec.volumeName;
        delete n.metadata.annotations?.[ANN_BOUND_BY_CONTROLLER];
      });
      return;
    }
    this.event(c, 'Warning', 'FailedBinding', `volume "${volume.metadata.name}" already bound to a different claim.`);
    return this.setClaimPhase(c, 'Pending');
  }

  private waitingForConsumer(c: PersistentVolumeClaim): void {
    const waiting = this.pods.byIndex('claims', claimKey(c)).filter((p) => !p.spec?.nodeName).map((p) => p.metadata.name).sort();
    if (waiting.length === 0) this.event(c, 'Normal', 'WaitForFirstConsumer', 'waiting for first consumer to be created before binding');
    else this.event(c, 'Normal', 'WaitForPodScheduled', `waiting for ${waiting.length > 1 ? 'pods' : 'pod'} ${waiting.join(',')} to be scheduled`);
  }

  /** Hand the claim to its class's provisioner, which answers with a volume pre-bound to it. */
  private async provisionClaim(c: PersistentVolumeClaim): Promise<void> {
    const cls = claimClass(c);
    const sc = this.classes.get(undefined, cls);
    if (!sc) {
      this.event(c, 'Warning', 'ProvisioningFailed', `storageclass.storage.k8s.io "${cls}" not found`);
      return this.setClaimPhase(c, 'Pending');
    }
    const ann = c.metadata.annotations ?? {};
    if (ann[ANN_STORAGE_PROVISIONER] !== sc.provisioner || ann[ANN_BETA_STORAGE_PROVISIONER] !== sc.provisioner) {
      await this.updateClaim(c, (n) => {
        n.metadata.annotations = { ...n.metadata.annotations, [ANN_STORAGE_PROVISIONER]: sc.provisioner, [ANN_BETA_STORAGE_PROVISIONER]: sc.provisioner };
      });
    }
    this.event(c, 'Normal', 'ExternalProvisioning', `Waiting for a volume to be created either by the external provisioner '${sc.provisioner}' or manually by the system administrator. If volume creation is delayed, please verify that the provisioner is running and correctly registered.`);
    await this.setClaimPhase(c, 'Pending');
  }

  private async syncBoundClaim(c: PersistentVolumeClaim): Promise<void> {
    if (!c.spec.volumeName) {
      this.event(c, 'Warning', 'ClaimLost', 'Bound claim has lost reference to PersistentVolume. Data on the volume is lost!');
      return this.setClaimPhase(c, 'Lost');
    }
    const volume = this.volumes.get(undefined, c.spec.volumeName);
    if (!volume) {
      // The cache may lag behind a volume just created: ask the API server before declaring it lost.
      const live = await this.ctx.client.get<PersistentVolume>(pvs, undefined, c.spec.volumeName).catch((e: unknown) => { if (isNotFound(e)) return undefined; throw e; });
      if (live) return;
      this.event(c, 'Warning', 'ClaimLost', 'Bound claim has lost its PersistentVolume. Data on the volume is lost!');
      return this.setClaimPhase(c, 'Lost');
    }
    if (!volume.spec.claimRef || isVolumeBoundToClaim(volume, c)) return this.bind(volume, c);
    this.event(c, 'Warning', 'ClaimMisbound', 'Two claims are bound to the same volume, this one is bound incorrectly');
    return this.setClaimPhase(c, 'Lost');
  }

  // ---- volumes ----

  private async syncVolume(v: PersistentVolume): Promise<void> {
    const ref = v.spec.claimRef;
    if (!ref) return this.setVolumePhase(v, 'Available');
    if (!ref.uid) {
      // Reserved by the user for a claim that has not bound yet: the claim's sync binds it.
      await this.setVolumePhase(v, 'Available');
      this.queue.add(`${PVC_KEY}${ref.namespace}/${ref.name}`);
      return;
    }
    let claim = this.claims.get(ref.namespace, ref.name ?? '');
    if (claim && claim.metadata.uid !== ref.uid) claim = undefined;
    if (!claim) {
      // The cache may not show a claim created a moment ago: ask the API server first.
      const live = await this.ctx.client.get<PersistentVolumeClaim>(pvcs, ref.namespace, ref.name ?? '').catch((e: unknown) => { if (isNotFound(e)) return undefined; throw e; });
      if (live && live.metadata.uid === ref.uid) return;
      if (v.status?.phase !== 'Released' && v.status?.phase !== 'Failed') await this.setVolumePhase(v, 'Released');
      return this.reclaim(v);
    }
    if (!claim.spec.volumeName) {
      // Bound on this side only: the claim's sync finishes it.
      this.queue.add(PVC_KEY + claimKey(claim));
      return;
    }
    if (claim.spec.volumeName === v.metadata.name) return this.setVolumePhase(v, 'Bound');
    // The claim is bound to another volume.
    const ann = v.metadata.annotations ?? {};
    if (ann[ANN_PROVISIONED_BY] !== undefined && v.spec.persistentVolumeReclaimPolicy === 'Delete') {
      if (v.status?.phase !== 'Released' && v.status?.phase !== 'Failed') await this.setVolumePhase(v, 'Released');
      return this.reclaim(v);
    }
    if (ann[ANN_BOUND_BY_CONTROLLER] !== undefined) await this.unbindVolume(v);
  }

  /** What happens to a Released volume (upstream reclaimVolume). */
  private async reclaim(v: PersistentVolume): Promise<void> {
    if (v.metadata.deletionTimestamp) return;
    switch (v.spec.persistentVolumeReclaimPolicy ?? 'Retain') {
      case 'Retain':
        return;
      case 'Delete': {
        // A provisioned volume is deleted by its provisioner; nothing in Skiff deletes others.
        if (v.metadata.annotations?.[ANN_PROVISIONED_BY] !== undefined) return;
        const msg = `error getting deleter volume plugin for volume "${v.metadata.name}": no deletable volume plugin matched`;
        this.event(v, 'Warning', 'VolumeFailedDelete', msg);
        return this.setVolumePhase(v, 'Failed', msg);
      }
      default: {
        const msg = 'No recycler plugin found for the volume!';
        this.event(v, 'Warning', 'VolumeFailedRecycle', msg);
        return this.setVolumePhase(v, 'Failed', msg);
      }
    }
  }

  private async unbindVolume(v: PersistentVolume): Promise<void> {
    const updated = await this.updateVolume(v, (n) => {
      n.spec.claimRef = null;
      delete n.metadata.annotations?.[ANN_BOUND_BY_CONTROLLER];
    });
    await this.setVolumePhase(updated, 'Available');
  }

  // ---- binding ----

  private async bind(volume: PersistentVolume, claim: PersistentVolumeClaim): Promise<void> {
    let v = volume;
    const ref = v.spec.claimRef;
    if (!ref || ref.uid !== claim.metadata.uid || ref.name !== claim.metadata.name || ref.namespace !== claim.metadata.namespace) {
      v = await this.updateVolume(v, (n) => {
        if (!n.spec.claimRef) n.metadata.annotations = { ...n.metadata.annotations, [ANN_BOUND_BY_CONTROLLER]: 'yes' };
        n.spec.claimRef = {
          kind: 'PersistentVolumeClaim', namespace: claim.metadata.namespace, name: claim.metadata.name,
          uid: claim.metadata.uid, apiVersion: 'v1', resourceVersion: claim.metadata.resourceVersion,
        };
      });
    }
    await this.setVolumePhase(v, 'Bound');
    let c = claim;
    if (c.spec.volumeName !== v.metadata.name || c.metadata.annotations?.[ANN_BIND_COMPLETED] === undefined) {
      c = await this.updateClaim(c, (n) => {
        const ann = { ...n.metadata.annotations };
        if (n.spec.volumeName !== v.metadata.name) {
          n.spec.volumeName = v.metadata.name;
          ann[ANN_BOUND_BY_CONTROLLER] = 'yes';
        }
        ann[ANN_BIND_COMPLETED] = 'yes';
        n.metadata.annotations = ann;
      });
    }
    const st = c.status ?? {};
    const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
    if (st.phase !== 'Bound' || !same(st.accessModes, v.spec.accessModes) || !same(st.capacity, v.spec.capacity)) {
      await this.ctx.client.update(pvcs, c.metadata.namespace, c.metadata.name, {
        ...c, status: { ...st, phase: 'Bound', accessModes: v.spec.accessModes, capacity: v.spec.capacity },
      }, 'status');
    }
  }

  // ---- writes ----

  private async updateVolume(v: PersistentVolume, change: (n: PersistentVolume) => void): Promise<PersistentVolume> {
    const n = structuredClone(v);
    change(n);
    return this.ctx.client.update<PersistentVolume>(pvs, undefined, v.metadata.name, n);
  }

  private async updateClaim(c: PersistentVolumeClaim, change: (n: PersistentVolumeClaim) => void): Promise<PersistentVolumeClaim> {
    const n = structuredClone(c);
    change(n);
    return this.ctx.client.update<PersistentVolumeClaim>(pvcs, c.metadata.namespace, c.metadata.name, n);
  }

  private async setVolumePhase(v: PersistentVolume, phase: string, message?: string): Promise<void> {
    if (v.status?.phase === phase && (message === undefined || v.status.message === message)) return;
    const status: Record<string, unknown> = { phase, message: message ?? null };
    await this.ctx.client.patch(pvs, undefined, v.metadata.name, 'merge', { metadata: { resourceVersion: v.metadata.resourceVersion }, status }, { subresource: 'status' });
  }

  private async setClaimPhase(c: PersistentVolumeClaim, phase: string): Promise<void> {
    if (c.status?.phase === phase) return;
    await this.ctx.client.patch(pvcs, c.metadata.namespace, c.metadata.name, 'merge', { metadata: { resourceVersion: c.metadata.resourceVersion }, status: { phase } }, { subresource: 'status' });
  }

  private event(obj: PersistentVolume | PersistentVolumeClaim, type: 'Normal' | 'Warning', reason: string, message: string): void {
    this.recorder.event(referenceTo(obj, obj.metadata.namespace ? 'PersistentVolumeClaim' : 'PersistentVolume'), type, reason, message);
  }
}

export const newPersistentVolumeBinderController: ControllerFactory = (ctx) => new PersistentVolumeController(ctx);
