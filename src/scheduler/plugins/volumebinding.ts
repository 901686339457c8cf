// VolumeBinding (upstream volumebinding). PreFilter sorts the pod's claims: missing,
// lost or terminating ones reject the pod; an unbound claim whose StorageClass binds
// Immediately must wait for the PV controller; claims already bound narrow the nodes to
// their local volumes' hosts. Filter, per node: a bound claim's PV must admit the node
// (PV node affinity); an unbound WaitForFirstConsumer claim needs an Available PV of its
// class, size, access modes and selector that admits the node, or else a class that can
// provision there. Reserve remembers the PVs picked and each claim's decision for the chosen
// node until the API shows them, so later pods neither take those PVs nor place the same
// claim elsewhere. PreBind hands the decisions to an injected bindVolumes (the scheduler's
// API writes: claimRef on the chosen PVs, selected-node on claims to provision), then waits
// until the PV controller (and a provisioner) have bound every claim, so that the pod is
// bound to the node only once its volumes are there.

import type { V1PersistentVolume, V1PersistentVolumeClaim, V1StorageClass } from '@kubernetes/client-node';
import { quantityValue } from '../../registry/validation/quantity.ts';
import { fromMetaLabelSelector, matchLabels, type MetaLabelSelector } from '../../registry/selection.ts';
import { Status, type CycleState, type FilterPlugin, type Node, type PluginFactory, type Pod, type PreBindPlugin, type PreFilterPlugin, type ReservePlugin } from '../framework/types.ts';
import { compileNodeSelector } from './nodeselector.ts';

export const NAME = 'VolumeBinding';
export const ERR_REASON_BIND_CONFLICT = "node(s) didn't find available persistent volumes to bind";
export const ERR_REASON_NODE_CONFLICT = 'node(s) had volume node affinity conflict';
export const ERR_REASON_NOT_ENOUGH_SPACE = 'node(s) did not have enough free storage';
export const ERR_REASON_PV_NOT_EXIST = 'node(s) unavailable due to one or more pvc(s) bound to non-existent pv(s)';
export const ERR_UNBOUND_IMMEDIATE = 'pod has unbound immediate PersistentVolumeClaims';
const STATE_KEY = 'PreFilter' + NAME;

const ANN_BIND_COMPLETED = 'pv.kubernetes.io/bind-completed';
const ANN_SELECTED_NODE = 'volume.kubernetes.io/selected-node';
const ANN_STORAGE_CLASS = 'volume.beta.kubernetes.io/storage-class';
const NOT_SUPPORTED_PROVISIONER = 'kubernetes.io/no-provisioner';
const LABEL_HOSTNAME = 'kubernetes.io/hostname';

type PV = V1PersistentVolume;
type PVC = V1PersistentVolumeClaim;

export interface VolumeBinding { pv: PV; pvc: PVC }

/** What the scheduler does with the decisions in PreBind: bind PVs to claims, mark claims for provisioning on the node. */
export type BindVolumes = (pod: Pod, nodeName: string, bindings: VolumeBinding[], provisions: PVC[]) => Promise<void>;

/** VolumeBindingArgs, plus the injected API writes and how often PreBind looks for the bindings. */
export type VolumeBindingArgs = { bindTimeoutSeconds?: number; bindVolumes?: BindVolumes; pollIntervalMs?: number };

/** Upstream waits 600 s for volumes to bind; a local cluster binds in seconds or not at all. */
export const DEFAULT_BIND_TIMEOUT_SECONDS = 120;
const DEFAULT_POLL_INTERVAL_MS = 100;

const claimClass = (c: PVC) => c.metadata?.annotations?.[ANN_STORAGE_CLASS] ?? c.spec?.storageClassName ?? '';
const volumeClass = (v: PV) => v.metadata?.annotations?.[ANN_STORAGE_CLASS] ?? v.spec?.storageClassName ?? '';
const claimKey = (c: PVC) => `${c.metadata?.namespace ?? ''}/${c.metadata?.name ?? ''}`;
const storageOf = (list: Record<string, unknown> | undefined) => quantityValue(list?.storage) ?? 0;

/** Bound for the scheduler: it names a volume and the binding has completed. */
const isFullyBound = (c: PVC) => !!c.spec?.volumeName && (c.metadata?.annotations?.[ANN_BIND_COMPLETED] !== undefined || c.status?.phase === 'Bound');

function isVolumeBoundToClaim(v: PV, c: PVC): boolean {
  const ref = v.spec?.claimRef;
  if (!ref || ref.name !== c.metadata?.name || ref.namespace !== c.metadata?.namespace) return false;
  return !ref.uid || ref.uid === c.metadata?.uid;
}

const pvAffinity = new WeakMap<PV, (n: Node) => boolean>();
/** CheckNodeAffinity: a PV without required node affinity fits every node. */
function pvAdmits(v: PV, node: Node): boolean {
  const required = v.spec?.nodeAffinity?.required;
  if (!required) return true;
  let m = pvAffinity.get(v);
  if (!m) pvAffinity.set(v, (m = compileNodeSelector(required)));
  return m(node);
}

/** The nodes a local PV is pinned to by hostname, when every term pins some; else undefined. */
function localPVNodeNames(v: PV): Set<string> | undefined {
  const terms = v.spec?.nodeAffinity?.required?.nodeSelectorTerms;
  if (!terms?.length) return undefined;
  const out = new Set<string>();
  for (const t of terms) {
    let names: Set<string> | undefined;
    for (const e of t.matchExpressions ?? []) {
      if (e.key !== LABEL_HOSTNAME || e.operator !== 'In') continue;
      const s = new Set(e.values ?? []);
      names = names ? new Set([...names].filter((n) => s.has(n))) : s;
    }
    if (!names) return undefined;
    for (const n of names) out.add(n);
  }
  return out;
}

function accessModesFit(c: PVC, v: PV): boolean {
  const have = new Set(v.spec?.accessModes ?? []);
  return (c.spec?.accessModes ?? []).every((m) => have.has(m));
}

/** helper.MatchTopologySelectorTerms: no terms match every node. */
function allowedTopologiesAdmit(sc: V1StorageClass, node: Node): boolean {
  const terms = sc.allowedTopologies ?? [];
  if (terms.length === 0) return true;
  const labels = node.metadata?.labels ?? {};
  return terms.some((t) => (t.matchLabelExpressions ?? []).every((e) => labels[e.key] !== undefined && e.values.includes(labels[e.key])));
}

/** volume.FindMatchingVolume on the scheduler path: the claim's pre-bound PV, or the smallest fitting Available one. */
function findMatchingVolume(c: PVC, pvs: PV[], node: Node, excluded: Set<string>): PV | undefined {
  const requested = storageOf(c.spec?.resources?.requests as Record<string, unknown> | undefined);
  const cls = claimClass(c);
  const selector = c.spec?.selector ? fromMetaLabelSelector(c.spec.selector as MetaLabelSelector) : undefined;
  const mode = c.spec?.volumeMode ?? 'Filesystem';
  let smallest: PV | undefined, smallestQty = 0;
  for (const v of pvs) {
    if (excluded.has(v.metadata?.name ?? '')) continue;
    if (v.spec?.claimRef && !isVolumeBoundToClaim(v, c)) continue;
    const qty = storageOf(v.spec?.capacity as Record<string, unknown> | undefined);
    if (qty < requested) continue;
    if ((v.spec?.volumeMode ?? 'Filesystem') !== mode) continue;
    if (v.metadata?.deletionTimestamp) continue;
    const admits = pvAdmits(v, node);
    if (isVolumeBoundToClaim(v, c)) return admits ? v : undefined;
    if (v.status?.phase !== 'Available') continue;
    if (selector && !matchLabels(selector, v.metadata?.labels)) continue;
    if (volumeClass(v) !== cls || !admits || !accessModesFit(c, v)) continue;
    if (!smallest || qty < smallestQty) { smallest = v; smallestQty = qty; }
  }
  return smallest;
}

interface PodVolumes { bindings: VolumeBinding[]; provisions: PVC[] }

class VolumeState {
  readonly podVolumesByNode = new Map<string, PodVolumes>();
  constructor(readonly bound: PVC[], readonly delayed: PVC[], readonly pvsByClass: Map<string, PV[]>) {}
  /** Decisions per node only grow during a cycle; a dry-run copy may share them. */
  clone(): VolumeState { return this; }
}

/** The claim of a pod volume: a PVC volume's, or the one generated for an ephemeral volume. */
function podClaims(pod: Pod): { name: string; ephemeral: boolean }[] {
  const out: { name: string; ephemeral: boolean }[] = [];
  for (const v of pod.spec?.volumes ?? []) {
    if (v.persistentVolumeClaim) out.push({ name: v.persistentVolumeClaim.claimName, ephemeral: false });
    else if (v.ephemeral) out.push({ name: `${pod.metadata?.name ?? ''}-${v.name}`, ephemeral: true });
  }
  return out;
}

export const factory: PluginFactory = (handle, rawArgs): PreFilterPlugin & FilterPlugin & ReservePlugin & PreBindPlugin => {
  const args = (rawArgs ?? {}) as VolumeBindingArgs;
  const listers = handle.listers;
  /** PV name → claim key, for PVs picked in Reserve and not yet seen bound. */
  const assumed = new Map<string, string>();

  /**
   * Claim key → what Reserve decided for the claim (a PV to bind, or a node to provision on),
   * until the API shows it: another pod of the same claim scheduled meanwhile must agree.
   */
  const assumedClaims = new Map<string, { uid?: string; pv?: string; node?: string }>();

  const storageClass = (name: string) => listers.storageClass(name) as V1StorageClass | undefined;

  function claimAssumption(c: PVC): { pv?: string; node?: string } | undefined {
    const key = claimKey(c);
    const a = assumedClaims.get(key);
    if (!a) return undefined;
    const shown = a.uid !== c.metadata?.uid || !!c.spec?.volumeName || c.metadata?.annotations?.[ANN_SELECTED_NODE] !== undefined
      || (a.pv !== undefined && !!(listers.pv(a.pv) as PV | undefined)?.spec?.claimRef);
    if (shown) { assumedClaims.delete(key); return undefined; }
    return a;
  }

  /** Whether another pod's reservation holds this PV. */
  function assumedByOther(v: PV, c: PVC): boolean {
    const name = v.metadata?.name ?? '';
    const holder = assumed.get(name);
    if (holder === undefined || holder === claimKey(c)) return false;
    const live = listers.pv(name) as PV | undefined;
    // Released once the API shows the PV bound (or gone).
    if (!live || live.spec?.claimRef) { assumed.delete(name); return !!live; }
    return true;
  }

  /**
   * Whether every claim the pod's decisions touch is bound, on a volume that admits the node
   * (upstream checkBindings); throws when a decision can no longer come true.
   */
  function bindingsDone(pod: Pod, nodeName: string, d: PodVolumes, marked: Set<string>): boolean {
    const ns = pod.metadata?.namespace ?? 'default';
    const node = handle.snapshot().get(nodeName)?.node;
    let done = true;
    const check = (want: PVC, pvName: string | undefined) => {
      const name = want.metadata?.name ?? '';
      const c = listers.pvc(ns, name) as PVC | undefined;
      if (!c || c.metadata?.uid !== want.metadata?.uid) throw new Error(`persistentvolumeclaim "${name}" was deleted or replaced while binding`);
      if (pvName !== undefined) {
        const v = listers.pv(pvName) as PV | undefined;
        if (!v) throw new Error(`persistentvolume "${pvName}" was deleted while binding`);
        if (v.spec?.claimRef && !isVolumeBoundToClaim(v, c)) throw new Error(`persistentvolume "${pvName}" was bound to another claim`);
      } else if (!c.spec?.volumeName) {
        // The cache shows our selected-node write a moment later; once shown, it must stay.
        if (c.metadata?.annotations?.[ANN_SELECTED_NODE] === nodeName) marked.add(name);
        else if (marked.has(name)) throw new Error(`persistentvolumeclaim "${name}" is no longer to be provisioned on node "${nodeName}"`);
      }
      if (!isFullyBound(c)) { done = false; return; }
      const v = listers.pv(c.spec?.volumeName ?? '') as PV | undefined;
      if (!v) { done = false; return; }
      if (node && !pvAdmits(v, node)) throw new Error(`persistentvolume "${v.metadata?.name ?? ''}" of claim "${name}" does not admit node "${nodeName}"`);
    };
    for (const b of d.bindings) check(b.pvc, b.pv.metadata?.name ?? '');
    for (const c of d.provisions) check(c, undefined);
    return done;
  }

  async function waitForBindings(pod: Pod, nodeName: string, d: PodVolumes): Promise<void> {
    const deadline = Date.now() + (args.bindTimeoutSeconds ?? DEFAULT_BIND_TIMEOUT_SECONDS) * 1000;
    const interval = args.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS;
    const marked = new Set<string>();
    while (!bindingsDone(pod, nodeName, d, marked)) {
      if (Date.now() >= deadline) throw new Error('binding volumes: timed out waiting for the condition');
      await new Promise((r) => setTimeout(r, interval));
    }
  }

  return {
    name: NAME,

    preFilter(cs: CycleState, pod: Pod) {
      const claims = podClaims(pod);
      if (claims.length === 0) return { status: Status.skip() };
      const ns = pod.metadata?.namespace ?? 'default';
      const bound: PVC[] = [], delayed: PVC[] = [];
      let immediate = false;
      for (const { name, ephemeral } of claims) {
        const c = listers.pvc(ns, name) as PVC | undefined;
        if (!c) {
          return { status: Status.unresolvable(ephemeral ? `waiting for ephemeral volume controller to create the persistentvolumeclaim "${name}"` : `persistentvolumeclaim "${name}" not found`) };
        }
        if (c.status?.phase === 'Lost') return { status: Status.unresolvable(`persistentvolumeclaim "${name}" bound to non-existent persistentvolume "${c.spec?.volumeName ?? ''}"`) };
        if (c.metadata?.deletionTimestamp) return { status: Status.unresolvable(`persistentvolumeclaim "${name}" is being deleted`) };
        if (ephemeral && !c.metadata?.ownerReferences?.some((o) => o.controller && o.kind === 'Pod' && o.uid === pod.metadata?.uid)) {
          return { status: Status.unresolvable(`PVC ${ns}/${name} was not created for pod ${ns}/${pod.metadata?.name ?? ''} (pod is not owner)`) };
        }
        if (isFullyBound(c)) { bound.push(c); continue; }
        const cls = claimClass(c);
        const sc = cls ? storageClass(cls) : undefined;
        if (sc && !sc.volumeBindingMode) return { status: Status.error(`VolumeBindingMode not set for StorageClass "${cls}"`) };
        // A claim pre-bound to a volume the PV controller has not finished counts as immediate.
        if (sc?.volumeBindingMode === 'WaitForFirstConsumer' && !c.spec?.volumeName) delayed.push(c);
        else immediate = true;
      }
      if (immediate) return { status: Status.unresolvable(ERR_UNBOUND_IMMEDIATE) };

      const pvsByClass = new Map<string, PV[]>();
      if (delayed.length > 0) {
        const all = listers.pvs() as PV[];
        for (const c of delayed) {
          const cls = claimClass(c);
          if (!pvsByClass.has(cls)) pvsByClass.set(cls, all.filter((v) => volumeClass(v) === cls));
        }
      }
      let eligible: Set<string> | undefined;
      for (const c of bound) {
        const v = listers.pv(c.spec?.volumeName ?? '') as PV | undefined;
        const names = v ? localPVNodeNames(v) : undefined;
        if (!names) continue;
        eligible = eligible ? new Set([...eligible].filter((n) => names.has(n))) : names;
      }
      // Smallest requests first, so each claim takes the smallest volume that fits it.
      delayed.sort((a, b) => storageOf(a.spec?.resources?.requests as Record<string, unknown> | undefined) - storageOf(b.spec?.resources?.requests as Record<string, unknown> | undefined));
      cs.write(STATE_KEY, new VolumeState(bound, delayed, pvsByClass));
      return { result: eligible ? { nodeNames: eligible } : undefined, status: Status.success() };
    },

    filter(cs, _pod, ni) {
      const s = cs.read<VolumeState>(STATE_KEY);
      if (!s) return Status.error(`reading "${STATE_KEY}" from cycleState: not found`);
      const node = ni.node;
      let boundSatisfied = true, boundPVsFound = true, unboundSatisfied = true;
      for (const c of s.bound) {
        const v = listers.pv(c.spec?.volumeName ?? '') as PV | undefined;
        if (!v) { boundPVsFound = false; break; }
        if (!pvAdmits(v, node)) { boundSatisfied = false; break; }
      }
      const decision: PodVolumes = { bindings: [], provisions: [] };
      if (s.delayed.length > 0) {
        const toProvision: PVC[] = [];
        const toMatch: PVC[] = [];
        for (const c of s.delayed) {
          const selected = c.metadata?.annotations?.[ANN_SELECTED_NODE] ?? claimAssumption(c)?.node;
          if (selected === undefined) toMatch.push(c);
          else if (selected !== ni.name) { unboundSatisfied = false; break; }
          else toProvision.push(c);
        }
        if (unboundSatisfied) {
          const chosen = new Set<string>();
          for (const c of toMatch) {
            const picked = claimAssumption(c)?.pv;
            const pvs = (s.pvsByClass.get(claimClass(c)) ?? []).filter((v) => (picked === undefined ? !assumedByOther(v, c) : v.metadata?.name === picked));
            const v = findMatchingVolume(c, pvs, node, chosen);
            if (!v && picked !== undefined) { unboundSatisfied = false; break; }
            if (!v) { toProvision.push(c); continue; }
            chosen.add(v.metadata?.name ?? '');
            decision.bindings.push({ pv: v, pvc: c });
          }
          // Claims without a volume must be provisionable on this node.
          for (const c of toProvision) {
            const cls = claimClass(c);
            if (!cls) return Status.error(`no class for claim "${claimKey(c)}"`);
            const sc = storageClass(cls);
            if (!sc) return Status.error(`storageclass.storage.k8s.io "${cls}" not found`);
            if (!sc.provisioner || sc.provisioner === NOT_SUPPORTED_PROVISIONER || !allowedTopologiesAdmit(sc, node)) { unboundSatisfied = false; break; }
            decision.provisions.push(c);
          }
        }
      }
      const reasons: string[] = [];
      if (!boundSatisfied) reasons.push(ERR_REASON_NODE_CONFLICT);
      if (!unboundSatisfied) reasons.push(ERR_REASON_BIND_CONFLICT);
      if (!boundPVsFound) reasons.push(ERR_REASON_PV_NOT_EXIST);
      if (reasons.length > 0) return Status.unresolvable(...reasons);
      s.podVolumesByNode.set(ni.name, decision);
      return Status.success();
    },

    reserve(cs, _pod, nodeName) {
      const d = cs.read<VolumeState>(STATE_KEY)?.podVolumesByNode.get(nodeName);
      for (const b of d?.bindings ?? []) {
        assumed.set(b.pv.metadata?.name ?? '', claimKey(b.pvc));
        assumedClaims.set(claimKey(b.pvc), { uid: b.pvc.metadata?.uid, pv: b.pv.metadata?.name ?? '' });
      }
      for (const c of d?.provisions ?? []) assumedClaims.set(claimKey(c), { uid: c.metadata?.uid, node: nodeName });
      return Status.success();
    },

    unreserve(cs, _pod, nodeName) {
      const d = cs.read<VolumeState>(STATE_KEY)?.podVolumesByNode.get(nodeName);
      for (const b of d?.bindings ?? []) {
        const name = b.pv.metadata?.name ?? '';
        if (assumed.get(name) === claimKey(b.pvc)) assumed.delete(name);
        if (assumedClaims.get(claimKey(b.pvc))?.pv === name) assumedClaims.delete(claimKey(b.pvc));
      }
      for (const c of d?.provisions ?? []) if (assumedClaims.get(claimKey(c))?.node === nodeName) assumedClaims.delete(claimKey(c));
    },

    async preBind(cs, pod, nodeName) {
      const d = cs.read<VolumeState>(STATE_KEY)?.podVolumesByNode.get(nodeName);
      if (!d || (d.bindings.length === 0 && d.provisions.length === 0)) return Status.success();
      // Without API writes (a bare test profile) there is nothing to hand the decisions to.
      if (!args.bindVolumes) return Status.success();
      try {
        await args.bindVolumes(pod, nodeName, d.bindings, d.provisions);
        await waitForBindings(pod, nodeName, d);
        return Status.success();
      } catch (e) {
        return Status.error((e as Error).message);
      }
    },
  };
};
