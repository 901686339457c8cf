// A pod's volumes on this node (upstream's volume manager and the in-tree plugins it runs
// for a pod): each volume is set up under `<rootDir>/pods/<uid>/volumes/kubernetes.io~<plugin>/<name>`
// before the pod's containers start (hostPath and persistentVolumeClaim volumes are host
// directories used where they are), the ones whose files come from API objects are
// rewritten atomically whenever they are set up again (the pod worker's resync), and all of
// it goes when the pod does. makeMounts turns a container's volumeMounts into CRI mounts.

import { execFile } from 'node:child_process';
import { chmod, lchown, lstat, mkdir, readdir, readFile, realpath, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join } from 'node:path';
import { promisify } from 'node:util';
import type { IContainer, IDownwardAPIVolumeFile, IKeyToPath, IVolume, IVolumeMount } from 'kubernetes-models/v1';
import { quantityValue } from '../../registry/validation/quantity.ts';
import { containerResourceValue, expandSubPathExpr, podFieldValue, type EnvVar, type PodRuntimeFacts } from '../env.ts';
import type { PodObjects } from '../kuberuntime/objects.ts';
import type { Mount, MountPropagation } from '../runtime/types.ts';
import type { Pod, ResourceList } from '../types.ts';
import { writeAtomically, type Payload } from './atomicwriter.ts';

const run = promisify(execFile);

/** What the volume plugins need from the node. */
export interface VolumeHost {
  rootDir: string;
  objects: PodObjects;
  allocatable(): Promise<ResourceList>;
  facts(): PodRuntimeFacts;
}

export const podDir = (rootDir: string, uid: string): string => join(rootDir, 'pods', uid);

/** The plugin directory names upstream uses (kubernetes.io~<plugin>). */
const PLUGIN_DIRS = {
  emptyDir: 'kubernetes.io~empty-dir',
  configMap: 'kubernetes.io~configmap',
  secret: 'kubernetes.io~secret',
  downwardAPI: 'kubernetes.io~downward-api',
  projected: 'kubernetes.io~projected',
} as const;

const DEFAULT_MODE = 0o644;
/** A projected service account token is refreshed once this share of its lifetime has passed. */
const TOKEN_REFRESH_FRACTION = 0.8;
const DEFAULT_TOKEN_SECONDS = 3600;

interface MountedVolume {
  path: string;
  /** Mounted read-only into containers whatever the volumeMount says (API-object volumes). */
  readOnly: boolean;
  /** Its files follow API objects or the pod: set up again on every resync. */
  refresh: boolean;
}

export class VolumeError extends Error {
  constructor(readonly volume: string, message: string) {
    super(message);
  }
}

const b64 = (s: string): Buffer => Buffer.from(s, 'base64');

const mountPropagation = (m: IVolumeMount): MountPropagation => {
  switch (m.mountPropagation) {
    case 'HostToContainer': return 'PROPAGATION_HOST_TO_CONTAINER';
    case 'Bidirectional': return 'PROPAGATION_BIDIRECTIONAL';
    default: return 'PROPAGATION_PRIVATE';
  }
};

/** Mount points below dir, deepest first (from the kernel's own table). */
async function mountsBelow(dir: string): Promise<string[]> {
  const text = await readFile('/proc/self/mounts', 'utf8').catch(() => '');
  const points = text.split('\n').map((l) => l.split(' ')[1]).filter((p): p is string => !!p)
    .map((p) => p.replace(/\\040/g, ' ')).filter((p) => p === dir || p.startsWith(`${dir}/`));
  return [...new Set(points)].sort((a, b) => b.length - a.length);
}

/** A tmpfs at dir (made if missing) unless one is mounted there already; its root is 1777, as tmpfs makes it. */
async function mountTmpfs(dir: string, size: () => Promise<number | undefined>): Promise<void> {
  await mkdir(dir, { recursive: true });
  if ((await mountsBelow(dir)).includes(dir)) return;
  const sizeBytes = await size();
  await run('mount', ['-t', 'tmpfs', ...(sizeBytes ? ['-o', `size=${Math.floor(sizeBytes)}`] : []), 'tmpfs', dir]);
}

export class PodVolumes {
  private readonly mounted = new Map<string, MountedVolume>();
  private readonly tokens = new Map<string, { token: string; refreshAt: number }>();

  constructor(private readonly host: VolumeHost, readonly uid: string) {}

  get dir(): string { return podDir(this.host.rootDir, this.uid); }

  /** Whether a resync should set the pod's volumes up again (they follow API objects or the pod). */
  get followsObjects(): boolean { return [...this.mounted.values()].some((v) => v.refresh); }

  /**
   * Sets up every volume of the pod not set up yet, and with refresh rewrites those that
   * follow API objects or the pod. Returns the volumes that could not be set up, with why;
   * the others are usable.
   */
  async setUp(pod: Pod, refresh = true): Promise<VolumeError[]> {
    const errors: VolumeError[] = [];
    for (const v of pod.spec?.volumes ?? []) {
      const done = this.mounted.get(v.name);
      if (done && !(refresh && done.refresh)) continue;
      try {
        this.mounted.set(v.name, await this.setUpVolume(pod, v));
      } catch (e) {
        errors.push(new VolumeError(v.name, (e as Error).message));
      }
    }
    return errors;
  }

  /** The pod's disk-backed emptyDir volumes that set a sizeLimit, where they are, and the limit. */
  emptyDirLimits(pod: Pod): { name: string; path: string; limit: string; limitBytes: number }[] {
    const out: { name: string; path: string; limit: string; limitBytes: number }[] = [];
    for (const v of pod.spec?.volumes ?? []) {
      const limit = v.emptyDir?.sizeLimit;
      // A Memory emptyDir is a tmpfs of at most its limit: it cannot outgrow it.
      if (limit === undefined || v.emptyDir?.medium === 'Memory' || !this.mounted.has(v.name)) continue;
      const bytes = quantityValue(limit);
      if (bytes !== undefined) out.push({ name: v.name, path: this.pluginDir('emptyDir', v.name), limit: String(limit), limitBytes: bytes });
    }
    return out;
  }

  private pluginDir(plugin: keyof typeof PLUGIN_DIRS, name: string): string {
    return join(this.dir, 'volumes', PLUGIN_DIRS[plugin], name);
  }

  private async setUpVolume(pod: Pod, v: IVolume): Promise<MountedVolume> {
    if (v.hostPath) return { path: await checkHostPath(v.hostPath.path, v.hostPath.type ?? ''), readOnly: false, refresh: false };
    if (v.persistentVolumeClaim) return this.claimPath(pod, v.persistentVolumeClaim.claimName, v.persistentVolumeClaim.readOnly ?? false);
    // A generic ephemeral volume is the claim `<pod>-<volume>` made for (and owned by) the pod.
    if (v.ephemeral) return this.claimPath(pod, `${pod.metadata.name}-${v.name}`, false, true);
    if (v.configMap || v.secret || v.downwardAPI || v.projected) {
      const plugin = v.configMap ? 'configMap' : v.secret ? 'secret' : v.downwardAPI ? 'downwardAPI' : 'projected';
      const path = this.pluginDir(plugin, v.name);
      const fsGroup = pod.spec?.securityContext?.fsGroup;
      const payload = await this.payload(pod, v);
      // SetVolumeOwnership: with an fsGroup the files are that group's and group-readable (these volumes are read-only).
      if (fsGroup !== undefined) for (const f of payload.values()) f.mode |= 0o440;
      // Secrets, and the downward API and projected volumes that may carry them, are kept in
      // memory, as their wrapped Memory emptyDir keeps them upstream (mounting takes root).
      if (plugin !== 'configMap' && process.getuid?.() === 0) await mountTmpfs(path, () => this.memoryVolumeSize(pod));
      await writeAtomically(path, payload, fsGroup);
      return { path, readOnly: true, refresh: true };
    }
    // emptyDir, and what a pod with no source at all gets (an emptyDir, as API defaulting would make it).
    if (!v.emptyDir && Object.keys(v).some((k) => k !== 'name')) throw new Error(`no volume plugin matched name: ${Object.keys(v).filter((k) => k !== 'name').join(', ')}`);
    const path = this.pluginDir('emptyDir', v.name);
    await mkdir(path, { recursive: true });
    await chmod(path, 0o777);
    if (v.emptyDir?.medium === 'Memory') {
      await mountTmpfs(path, () => this.memoryVolumeSize(pod, v.emptyDir?.sizeLimit));
    }
    const fsGroup = pod.spec?.securityContext?.fsGroup;
    if (fsGroup !== undefined) {
      // SetVolumeOwnership for a writable volume: the fsGroup's, group-writable, setgid.
      await lchown(path, -1, fsGroup);
      await chmod(path, ((await stat(path)).mode & 0o7777) | 0o2770);
    }
    return { path, readOnly: false, refresh: false };
  }

  /**
   * calculateEmptyDirMemorySize: a memory-backed volume is as large as the node's allocatable
   * memory, the pod's memory limit or the volume's sizeLimit, whichever is least.
   */
  private async memoryVolumeSize(pod: Pod, sizeLimit?: string | number): Promise<number | undefined> {
    let size = quantityValue((await this.host.allocatable()).memory ?? 0) || undefined;
    const sum = (cs: IContainer[] | undefined) => (cs ?? []).reduce((t, c) => t + (quantityValue(c.resources?.limits?.memory ?? 0) ?? 0), 0);
    const initMax = Math.max(0, ...(pod.spec?.initContainers ?? []).map((c) => quantityValue(c.resources?.limits?.memory ?? 0) ?? 0));
    const podLimit = Math.max(sum(pod.spec?.containers), initMax);
    if (podLimit > 0 && (size === undefined || podLimit < size)) size = podLimit;
    const limit = sizeLimit === undefined ? undefined : quantityValue(sizeLimit);
    if (limit && (size === undefined || limit < size)) size = limit;
    return size;
  }

  /** persistentVolumeClaim: the bound PersistentVolume's hostPath or local path. */
  private async claimPath(pod: Pod, claimName: string, readOnly: boolean, ephemeral = false): Promise<MountedVolume> {
    const ns = pod.metadata.namespace ?? 'default';
    const pvc = await this.host.objects.persistentVolumeClaim(ns, claimName);
    if (!pvc) throw new Error(`error processing PVC ${ns}/${claimName}: persistentvolumeclaim "${claimName}" not found`);
    if (ephemeral && !pvc.metadata?.ownerReferences?.some((o) => o.controller && o.uid === this.uid)) {
      throw new Error(`error processing PVC ${ns}/${claimName}: PVC was not created for pod ${ns}/${pod.metadata.name} (pod is not owner)`);
    }
    const pvName = pvc.spec?.volumeName;
    if (!pvName || pvc.status?.phase !== 'Bound') throw new Error(`error processing PVC ${ns}/${claimName}: PVC is not bound`);
    const pv = await this.host.objects.persistentVolume(pvName);
    if (!pv) throw new Error(`error processing PVC ${ns}/${claimName}: failed to fetch PV ${pvName} from API server: persistentvolumes "${pvName}" not found`);
    if (pv.spec?.claimRef?.uid && pvc.metadata?.uid && pv.spec.claimRef.uid !== pvc.metadata.uid) {
      throw new Error(`error processing PVC ${ns}/${claimName}: PV ${pvName} is bound to another claim`);
    }
    if (pv.spec?.hostPath) return { path: await checkHostPath(pv.spec.hostPath.path, pv.spec.hostPath.type ?? ''), readOnly, refresh: false };
    if (pv.spec?.local) {
      const path = pv.spec.local.path;
      if (!(await stat(path).then((s) => s.isDirectory(), () => false))) throw new Error(`path "${path}" does not exist`);
      return { path, readOnly, refresh: false };
    }
    throw new Error(`PersistentVolume ${pvName} has no volume source this node can mount (only hostPath and local)`);
  }

  /** The files of an API-object volume; none for a missing optional ConfigMap or Secret (so files go when it is deleted). */
  private async payload(pod: Pod, v: IVolume): Promise<Payload> {
    const ns = pod.metadata.namespace ?? 'default';
    const out: Payload = new Map();
    if (v.configMap) {
      const name = v.configMap.name ?? '';
      const cm = await this.host.objects.configMap(ns, name);
      if (!cm) {
        if (v.configMap.optional) return out;
        throw new Error(`configmap "${name}" not found`);
      }
      const data = keyData(cm.data, cm.binaryData);
      addKeys(out, data, v.configMap.items, v.configMap.defaultMode ?? DEFAULT_MODE, v.configMap.optional ?? false, 'configmap references non-existent config key');
      return out;
    }
    if (v.secret) {
      const name = v.secret.secretName ?? '';
      const secret = await this.host.objects.secret(ns, name);
      if (!secret) {
        if (v.secret.optional) return out;
        throw new Error(`secret "${name}" not found`);
      }
      addKeys(out, keyData(undefined, secret.data), v.secret.items, v.secret.defaultMode ?? DEFAULT_MODE, v.secret.optional ?? false, 'references non-existent secret key');
      return out;
    }
    if (v.downwardAPI) {
      await this.addDownward(out, pod, v.downwardAPI.items ?? [], v.downwardAPI.defaultMode ?? DEFAULT_MODE);
      return out;
    }
    const mode = v.projected?.defaultMode ?? DEFAULT_MODE;
    for (const src of v.projected?.sources ?? []) {
      if (src.configMap) {
        const name = src.configMap.name ?? '';
        const cm = await this.host.objects.configMap(ns, name);
        if (!cm) {
          if (src.configMap.optional) continue;
          throw new Error(`configmap "${name}" not found`);
        }
        addKeys(out, keyData(cm.data, cm.binaryData), src.configMap.items, mode, src.configMap.optional ?? false, 'configmap references non-existent config key');
      } else if (src.secret) {
        const name = src.secret.name ?? '';
        const secret = await this.host.objects.secret(ns, name);
        if (!secret) {
          if (src.secret.optional) continue;
          throw new Error(`secret "${name}" not found`);
        }
        addKeys(out, keyData(undefined, secret.data), src.secret.items, mode, src.secret.optional ?? false, 'references non-existent secret key');
      } else if (src.downwardAPI) {
        await this.addDownward(out, pod, src.downwardAPI.items ?? [], mode);
      } else if (src.serviceAccountToken) {
        const t = src.serviceAccountToken;
        out.set(t.path, { data: Buffer.from(await this.token(pod, t.audience ?? '', t.expirationSeconds ?? DEFAULT_TOKEN_SECONDS)), mode });
      }
    }
    return out;
  }

  private async addDownward(out: Payload, pod: Pod, items: IDownwardAPIVolumeFile[], defaultMode: number): Promise<void> {
    for (const item of items) {
      let value: string;
      if (item.fieldRef) value = podFieldValue(pod, item.fieldRef, this.host.facts(), true);
      else if (item.resourceFieldRef) {
        const name = item.resourceFieldRef.containerName;
        const c = [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])].find((x) => x.name === name);
        if (!c) throw new Error(`container ${name ?? ''} not found in pod ${pod.metadata.name}`);
        value = containerResourceValue(item.resourceFieldRef, c, await this.host.allocatable());
      } else continue;
      out.set(item.path, { data: Buffer.from(value), mode: item.mode ?? defaultMode });
    }
  }

  /** A token for the pod's service account, requested again at 80% of its life (the kubelet's token manager). */
  private async token(pod: Pod, audience: string, expirationSeconds: number): Promise<string> {
    const sa = pod.spec?.serviceAccountName || 'default';
    const key = `${sa}\0${audience}\0${expirationSeconds}`;
    const cached = this.tokens.get(key);
    if (cached && Date.now() < cached.refreshAt) return cached.token;
    const audiences = audience ? [audience] : [];
    const status = await this.host.objects.serviceAccountToken(pod.metadata.namespace ?? 'default', sa, { audiences, expirationSeconds, pod: { name: pod.metadata.name, uid: this.uid } });
    const now = Date.now();
    const expires = Date.parse(status.expirationTimestamp) || now + expirationSeconds * 1000;
    this.tokens.set(key, { token: status.token, refreshAt: now + (expires - now) * TOKEN_REFRESH_FRACTION });
    return status.token;
  }

  /**
   * makeMounts: the container's volumeMounts as CRI mounts. subPath (or subPathExpr, expanded
   * with the container's environment) must stay inside its volume; a missing one is created.
   */
  async containerMounts(container: IContainer, env: EnvVar[]): Promise<Mount[]> {
    const out: Mount[] = [];
    for (const m of container.volumeMounts ?? []) {
      const vol = this.mounted.get(m.name);
      if (!vol) throw new Error(`cannot find volume "${m.name}" to mount into container "${container.name}"`);
      let hostPath = vol.path;
      let subPath = m.subPath ?? '';
      if (m.subPathExpr) subPath = expandSubPathExpr(m.subPathExpr, env);
      if (subPath) {
        if (isAbsolute(subPath)) throw new Error(`error SubPath \`${subPath}\` must not be an absolute path`);
        if (subPath.split('/').includes('..')) throw new Error(`error SubPath \`${subPath}\` must not contain '..'`);
        hostPath = join(vol.path, subPath);
        // Symlinks inside the volume (a container can make them) may not lead out of it: the
        // deepest part that exists is checked before anything is created below it, the whole after.
        const base = await realpath(vol.path);
        const inside = async (p: string) => {
          const real = await realpath(p);
          if (real !== base && !real.startsWith(`${base}/`)) throw new Error(`subpath "${real}" not within volume path "${base}"`);
        };
        if (!(await lstat(hostPath).then(() => true, () => false))) {
          let existing = hostPath;
          while (existing !== vol.path && !(await lstat(existing).then(() => true, () => false))) existing = dirname(existing);
          await inside(existing);
          const perm = (await stat(vol.path)).mode & 0o7777;
          await mkdir(hostPath, { recursive: true, mode: perm });
        }
        await inside(hostPath);
      }
      out.push({ containerPath: m.mountPath, hostPath, readonly: (m.readOnly ?? false) || vol.readOnly, propagation: mountPropagation(m) });
    }
    return out;
  }

  /** Unmounts and removes the pod's volume directories (host directories are left alone). */
  async tearDownVolumes(): Promise<void> {
    const dir = join(this.dir, 'volumes');
    for (const point of await mountsBelow(dir)) await run('umount', [point]);
    await rm(dir, { recursive: true, force: true });
    this.mounted.clear();
    this.tokens.clear();
  }

  /** Everything under the pod's directory: volumes, its hosts file, termination-message files. */
  async removePodDir(): Promise<void> {
    await this.tearDownVolumes();
    if ((await mountsBelow(this.dir)).length === 0) await rm(this.dir, { recursive: true, force: true });
  }
}

/** Data and binaryData of a ConfigMap (data as strings, binaryData base64) or a Secret (base64). */
function keyData(data: Record<string, string> | undefined, base64: Record<string, string> | undefined): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  for (const [k, v] of Object.entries(data ?? {})) out.set(k, Buffer.from(v));
  for (const [k, v] of Object.entries(base64 ?? {})) out.set(k, b64(v));
  return out;
}

/** All keys as files, or only the listed items at their paths (a listed key must exist unless optional). */
function addKeys(out: Payload, data: Map<string, Buffer>, items: IKeyToPath[] | undefined, defaultMode: number, optional: boolean, missing: string): void {
  if (!items?.length) {
    for (const [k, v] of data) out.set(k, { data: v, mode: defaultMode });
    return;
  }
  for (const item of items) {
    const v = data.get(item.key);
    if (v === undefined) {
      if (optional) continue;
      throw new Error(`${missing}: ${item.key}`);
    }
    out.set(item.path, { data: v, mode: item.mode ?? defaultMode });
  }
}

/** The hostPath plugin's type check; the OrCreate types make what is missing. */
export async function checkHostPath(path: string, type: string): Promise<string> {
  let st = await stat(path).catch(() => undefined);
  if (!st && type === 'DirectoryOrCreate') {
    await mkdir(path, { recursive: true, mode: 0o755 });
    st = await stat(path);
  } else if (!st && type === 'FileOrCreate') {
    await mkdir(dirname(path), { recursive: true, mode: 0o755 });
    await writeFile(path, '', { mode: 0o644, flag: 'a' });
    st = await stat(path);
  }
  const fail = (what: string) => new Error(`hostPath type check failed: ${path} is not ${what}`);
  switch (type) {
    case 'DirectoryOrCreate':
    case 'Directory':
      if (!st?.isDirectory()) throw fail('a directory');
      break;
    case 'FileOrCreate':
    case 'File':
      if (!st?.isFile()) throw fail('a file');
      break;
    case 'Socket':
      if (!st?.isSocket()) throw fail('a socket file');
      break;
    case 'CharDevice':
      if (!st?.isCharacterDevice()) throw fail('a character device');
      break;
    case 'BlockDevice':
      if (!st?.isBlockDevice()) throw fail('a block device');
      break;
  }
  return path;
}

/**
 * cleanupOrphanedPodDirs: the directories of pods the API no longer has (deleted while the
 * agent was down) go, with their tmpfs mounts and their log directories. `active` is every
 * pod the node still has in the API, finished ones included (their logs stay). Pods whose
 * mounts cannot be undone are left for the next pass. Returns the uids removed.
 */
export async function removeOrphanedPodDirs(rootDir: string, active: ReadonlySet<string>): Promise<string[]> {
  const removed: string[] = [];
  const podsDir = join(rootDir, 'pods');
  const uids = await readdir(podsDir).catch(() => [] as string[]);
  for (const uid of uids) {
    if (active.has(uid)) continue;
    const dir = join(podsDir, uid);
    try {
      for (const point of await mountsBelow(dir)) await run('umount', [point]);
    } catch {
      continue;
    }
    await rm(dir, { recursive: true, force: true });
    removed.push(uid);
  }
  const logsDir = join(rootDir, 'logs');
  for (const name of await readdir(logsDir).catch(() => [] as string[])) {
    const uid = name.slice(name.lastIndexOf('_') + 1);
    if (!active.has(uid)) await rm(join(logsDir, name), { recursive: true, force: true });
  }
  return removed;
}

/** Bytes of disk a directory tree takes (allocated blocks, as du counts them; links are not followed). */
export async function diskUsage(path: string): Promise<number> {
  let total = 0;
  const walk = async (p: string): Promise<void> => {
    const st = await lstat(p).catch(() => undefined);
    if (!st) return;
    total += st.blocks * 512;
    if (!st.isDirectory()) return;
    for (const e of await readdir(p).catch(() => [] as string[])) await walk(join(p, e));
  };
  await walk(path);
  return total;
}
