// Pod-level cgroups (the kubelet's pod container manager). The sandbox's cgroup parent is
// /skiff/pod<uid> (cgroupfs); containerd creates <hierarchy>/skiff/pod<uid>/<container-id>
// in every hierarchy but never removes the pod level (runtime-recipe.md §7.4, P12), so the
// agent removes it once the pod's sandbox is gone, as the kubelet does for pods it cleaned up.

import { lstatSync, readdirSync, rmdirSync } from 'node:fs';
import { join } from 'node:path';

export const CGROUP_FS = '/sys/fs/cgroup';
/** The cgroup every Skiff pod lives under. */
export const POD_CGROUP_ROOT = '/skiff';

/** The sandbox's linux.cgroupParent for a pod. */
export const podCgroupParent = (uid: string): string => `${POD_CGROUP_ROOT}/pod${uid}`;

/** The mounted hierarchies: one directory per controller on cgroup v1 (plus `unified` on hybrid hosts), the root itself on v2. */
function hierarchies(fsRoot: string): string[] {
  const out = [fsRoot];
  try {
    for (const e of readdirSync(fsRoot, { withFileTypes: true })) if (e.isDirectory()) out.push(join(fsRoot, e.name));
  } catch { /* no cgroup fs */ }
  return out;
}

/** rmdir of a cgroup and the ones below it, deepest first; cgroups still holding processes stay. */
function removeTree(dir: string): boolean {
  try {
    if (!lstatSync(dir).isDirectory()) return true;
  } catch {
    return true;
  }
  let ok = true;
  for (const e of readdirSync(dir, { withFileTypes: true })) if (e.isDirectory()) ok = removeTree(join(dir, e.name)) && ok;
  try {
    rmdirSync(dir);
  } catch {
    ok = false;
  }
  return ok;
}

/** Removes a pod's cgroup (by its cgroup parent path) from every hierarchy; false if some of it is still in use. */
export function removePodCgroup(cgroupParent: string, fsRoot = CGROUP_FS): boolean {
  const rel = cgroupParent.replace(/^\/+/, '');
  if (!rel || rel.split('/').includes('..')) return false;
  let ok = true;
  // On v1 the controller directories hold it; on v2 the root does (and the controllers are its own subdirs, which is harmless to probe).
  for (const h of hierarchies(fsRoot)) ok = removeTree(join(h, rel)) && ok;
  return ok;
}

/** The uids of the pods that have a cgroup under the root (for orphan clean-up). */
export function podCgroupUids(fsRoot = CGROUP_FS): Set<string> {
  const uids = new Set<string>();
  for (const h of hierarchies(fsRoot)) {
    try {
      for (const e of readdirSync(join(h, POD_CGROUP_ROOT), { withFileTypes: true })) if (e.isDirectory() && e.name.startsWith('pod')) uids.add(e.name.slice(3));
    } catch { /* not in this hierarchy */ }
  }
  return uids;
}

/** Removes the root cgroup itself when no pod is left under it. */
export function removePodCgroupRoot(fsRoot = CGROUP_FS): void {
  for (const h of hierarchies(fsRoot)) {
    try { rmdirSync(join(h, POD_CGROUP_ROOT)); } catch { /* in use, or absent */ }
  }
}
