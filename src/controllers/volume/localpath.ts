// The local-path provisioner (after rancher's local-path-provisioner, speaking the external
// provisioner protocol of sig-storage-lib-external-provisioner): it keeps a default
// StorageClass `local-path` that binds WaitForFirstConsumer and deletes on release. For a
// claim the binder handed to it (storage-provisioner annotation) and the scheduler placed
// (selected-node annotation) it makes a directory under <dataDir>/volumes and a hostPath
// volume pinned to that node, pre-bound to the claim; the binder completes the binding.
// When such a volume is Released with reclaim policy Delete it removes the directory and
// the volume.

import { mkdir, rm } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import { isAlreadyExists, isNotFound, resource } from '../../client/rest.ts';
import { referenceTo, type EventRecorder } from '../../client/events.ts';
import type { KObject } from '../../client/informer.ts';
import { Controller, type ControllerContext } from '../framework/controller.ts';
import type { SharedInformer } from '../framework/informers.ts';
import type { ControllerFactory } from '../registry.ts';
import {
  ANN_DEFAULT_CLASS, ANN_PROVISIONED_BY, ANN_SELECTED_NODE, LABEL_HOSTNAME,
  claimClass, claimKey, claimProvisioner, type PersistentVolume, type PersistentVolumeClaim, type StorageClass,
} from './types.ts';

export const NAME = 'local-path-provisioner';
export const PROVISIONER = 'skiff.dev/local-path';
export const CLASS_NAME = 'local-path';
const SUPPORTED_MODES = new Set(['ReadWriteOnce', 'ReadWriteOncePod']);

const pvs = resource('persistentvolumes');
const storageClasses = resource('storage.k8s.io/storageclasses');

const CLASS_KEY = 'class';
const PV_KEY = 'pv:';
const PVC_KEY = 'pvc:';

interface Node extends KObject { metadata: KObject['metadata'] & { labels?: Record<string, string> } }

/** The volume a claim gets: named after the claim's uid, as external provisioners do. */
export const volumeNameFor = (c: PersistentVolumeClaim): string => `pvc-${c.metadata.uid}`;

export class LocalPathProvisioner extends Controller {
  private readonly volumes: SharedInformer<PersistentVolume>;
  private readonly claims: SharedInformer<PersistentVolumeClaim>;
  private readonly classes: SharedInformer<StorageClass>;
  private readonly nodes: SharedInformer<Node>;
  private readonly recorder: EventRecorder;
  /** <dataDir>/volumes, or undefined when the manager was given no data dir. */
  readonly root: string | undefined;

  constructor(ctx: ControllerContext) {
    super(NAME, ctx, 2);
    this.recorder = ctx.recorder(PROVISIONER);
    this.root = ctx.options.dataDir ? resolve(ctx.options.dataDir, 'volumes') : undefined;
    this.volumes = ctx.informers.for<PersistentVolume>('persistentvolumes');
    this.claims = ctx.informers.for<PersistentVolumeClaim>('persistentvolumeclaims');
    this.classes = ctx.informers.for<StorageClass>('storage.k8s.io/storageclasses');
    this.nodes = ctx.informers.for<Node>('nodes');
    this.volumes.addHandlers({ add: (v) => this.volumeChanged(v), update: (_o, v) => this.volumeChanged(v) });
    this.claims.addHandlers({ add: (c) => this.queue.add(PVC_KEY + claimKey(c)), update: (_o, c) => this.queue.add(PVC_KEY + claimKey(c)) });
    this.queue.add(CLASS_KEY);
  }

  private volumeChanged(v: PersistentVolume): void {
    if (v.metadata.annotations?.[ANN_PROVISIONED_BY] === PROVISIONER) this.queue.add(PV_KEY + v.metadata.name);
  }

  protected async sync(key: string): Promise<void> {
    if (key === CLASS_KEY) return this.ensureClass();
    if (key.startsWith(PV_KEY)) {
      const v = this.volumes.getByKey(key.slice(PV_KEY.length));
      if (v) await this.syncVolume(v);
      return;
    }
    const c = this.claims.getByKey(key.slice(PVC_KEY.length));
    if (c) await this.syncClaim(c);
  }

  /** The default class, made once at start; a class an admin deleted later stays deleted. */
  private async ensureClass(): Promise<void> {
    if (this.classes.get(undefined, CLASS_NAME)) return;
    try {
      await this.ctx.client.create(storageClasses, undefined, {
        apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass',
        metadata: { name: CLASS_NAME, annotations: { [ANN_DEFAULT_CLASS]: 'true' } },
        provisioner: PROVISIONER, reclaimPolicy: 'Delete', volumeBindingMode: 'WaitForFirstConsumer',
      });
    } catch (e) {
      if (!isAlreadyExists(e)) throw e;
    }
  }

  private async syncClaim(c: PersistentVolumeClaim): Promise<void> {
    if (c.spec.volumeName || c.metadata.deletionTimestamp || claimProvisioner(c) !== PROVISIONER) return;
    const sc = this.classes.get(undefined, claimClass(c));
    if (!sc || sc.provisioner !== PROVISIONER) return;
    const name = volumeNameFor(c);
    if (this.volumes.get(undefined, name)) return; // made already; the binder binds it
    const node = c.metadata.annotations?.[ANN_SELECTED_NODE];
    if (node === undefined) {
      // Without a node there is no host to make the directory on.
      if (sc.volumeBindingMode !== 'WaitForFirstConsumer') this.failed(c, 'configuration error, no node was specified');
      return;
    }
    const unsupported = (c.spec.accessModes ?? []).filter((m) => !SUPPORTED_MODES.has(m));
    if (unsupported.length > 0) return this.failed(c, `local-path volumes support only the ReadWriteOnce and ReadWriteOncePod access modes, not ${unsupported.join(', ')}`);
    if ((c.spec.volumeMode ?? 'Filesystem') !== 'Filesystem') return this.failed(c, 'local-path volumes support only the Filesystem volume mode');
    if (!this.root) return this.failed(c, 'the controller manager has no data directory for local-path volumes');
    const hostname = this.nodes.get(undefined, node)?.metadata.labels?.[LABEL_HOSTNAME] ?? node;

    this.recorder.event(referenceTo(c, 'PersistentVolumeClaim'), 'Normal', 'Provisioning', `External provisioner is provisioning volume for claim "${claimKey(c)}"`);
    const path = join(this.root, name);
    try {
      await mkdir(path, { recursive: true, mode: 0o777 });
    } catch (e) {
      this.failed(c, `failed to create volume directory ${path}: ${(e as Error).message}`);
      throw e;
    }
    const pv: PersistentVolume = {
      apiVersion: 'v1', kind: 'PersistentVolume',
      metadata: { name, annotations: { [ANN_PROVISIONED_BY]: PROVISIONER } },
      spec: {
        capacity: { storage: c.spec.resources?.requests?.storage ?? '0' },
        accessModes: c.spec.accessModes,
        persistentVolumeReclaimPolicy: sc.reclaimPolicy ?? 'Delete',
        storageClassName: sc.metadata.name,
        volumeMode: 'Filesystem',
        ...(sc.mountOptions ? { mountOptions: sc.mountOptions } : {}),
        hostPath: { path, type: 'DirectoryOrCreate' },
        nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: LABEL_HOSTNAME, operator: 'In', values: [hostname] }] }] } },
        claimRef: { kind: 'PersistentVolumeClaim', apiVersion: 'v1', namespace: c.metadata.namespace, name: c.metadata.name, uid: c.metadata.uid, resourceVersion: c.metadata.resourceVersion },
      },
    };
    try {
      await this.ctx.client.create(pvs, undefined, pv);
    } catch (e) {
      if (isAlreadyExists(e)) return;
      this.failed(c, `failed to create volume ${name}: ${(e as Error).message}`);
      throw e;
    }
    this.recorder.event(referenceTo(c, 'PersistentVolumeClaim'), 'Normal', 'ProvisioningSucceeded', `Successfully provisioned volume ${name}`);
  }

  private failed(c: PersistentVolumeClaim, message: string): void {
    this.recorder.event(referenceTo(c, 'PersistentVolumeClaim'), 'Warning', 'ProvisioningFailed', message);
  }

  /** A Released volume of ours with reclaim policy Delete: remove its directory, then the volume. */
  private async syncVolume(v: PersistentVolume): Promise<void> {
    if (v.status?.phase !== 'Released' || v.spec.persistentVolumeReclaimPolicy !== 'Delete' || v.metadata.deletionTimestamp) return;
    const path = v.spec.hostPath?.path ?? v.spec.local?.path;
    if (path) {
      // Only ever a directory this provisioner made under the data dir.
      const abs = resolve(path);
      if (!this.root || !abs.startsWith(this.root + sep)) {
        this.recorder.event(referenceTo(v, 'PersistentVolume'), 'Warning', 'VolumeFailedDelete', `refusing to delete ${path}: not under ${this.root ?? 'a local-path data directory'}`);
        return;
      }
      await rm(abs, { recursive: true, force: true });
    }
    try {
      await this.ctx.client.delete(pvs, undefined, v.metadata.name, { kind: 'DeleteOptions', apiVersion: 'v1', preconditions: { uid: v.metadata.uid } });
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
  }
}

export const newLocalPathProvisionerController: ControllerFactory = (ctx) => new LocalPathProvisioner(ctx);
