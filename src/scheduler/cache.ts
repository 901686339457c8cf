// The scheduler's cache (upstream pkg/scheduler/backend/cache): every node with the pods
// placed on it, including pods the scheduler has assumed onto a node but whose binding
// the API has not confirmed yet, so the next cycle already counts them. The informers
// feed it; the scheduling cycle reads it through a snapshot.

import { addPod, newNodeInfo, newPodInfo, removePod, setNode } from './framework/nodeinfo.ts';
import type { ChangeJournal, Node, NodeInfo, Pod, Snapshot } from './framework/types.ts';

const ZONE_LABEL = 'topology.kubernetes.io/zone';
const REGION_LABEL = 'topology.kubernetes.io/region';

interface PodState { pod: Pod; nodeName: string; assumed: boolean }

/** How many changes the journal remembers; a reader further behind looks at every node again. */
const JOURNAL_LENGTH = 8192;

/** Every NodeInfo change, appended as it happens (what upstream's cache keeps as its most-recently-updated list). */
class Journal implements ChangeJournal {
  private entries: NodeInfo[] = [];
  /** Position of entries[0]. */
  private start = 0;

  get seq(): number { return this.start + this.entries.length; }

  record(ni: NodeInfo): void {
    if (this.entries.length >= JOURNAL_LENGTH) {
      const drop = JOURNAL_LENGTH / 2;
      this.entries.splice(0, drop);
      this.start += drop;
    }
    this.entries.push(ni);
  }

  since(seq: number): readonly NodeInfo[] | undefined {
    return seq < this.start ? undefined : this.entries.slice(seq - this.start);
  }
}

export class Cache {
  private readonly nodes = new Map<string, NodeInfo>();
  private readonly pods = new Map<string, PodState>();
  /** Nodes in zone-interleaved order (upstream nodeTree), rebuilt when nodes come or go. */
  private order: NodeInfo[] | undefined;
  private readonly journal = new Journal();

  get nodeCount(): number { return this.order?.length ?? this.list().length; }

  addNode(node: Node): void {
    const name = node.metadata?.name ?? '';
    const ni = this.nodes.get(name);
    if (ni) {
      const zoneChanged = zoneOf(ni.node) !== zoneOf(node) || !ni.node.metadata?.uid;
      setNode(ni, node);
      this.journal.record(ni);
      if (zoneChanged) this.order = undefined;
      return;
    }
    this.nodes.set(name, newNodeInfo(node));
    this.order = undefined;
  }

  updateNode(node: Node): void { this.addNode(node); }

  removeNode(node: Node): void {
    const name = node.metadata?.name ?? '';
    const ni = this.nodes.get(name);
    if (!ni) return;
    // Pods still bound to it keep a placeholder until they are deleted.
    if (ni.pods.length > 0) {
      const allocatable = ni.allocatable;
      setNode(ni, { metadata: { name } });
      ni.allocatable = allocatable;
      this.journal.record(ni);
    }
    else this.nodes.delete(name);
    this.order = undefined;
  }

  /** The scheduler placed the pod on nodeName; count it until the API confirms or it is forgotten. */
  assumePod(pod: Pod, nodeName: string): void {
    const uid = pod.metadata?.uid ?? '';
    if (this.pods.has(uid)) throw new Error(`pod ${pod.metadata?.namespace}/${pod.metadata?.name} is already in the cache`);
    this.pods.set(uid, { pod, nodeName, assumed: true });
    this.addToNode(nodeName, pod);
  }

  /** Binding failed: take the assumed pod back. */
  forgetPod(pod: Pod): void {
    const uid = pod.metadata?.uid ?? '';
    const st = this.pods.get(uid);
    if (!st?.assumed) return;
    this.pods.delete(uid);
    this.removeFromNode(st.nodeName, uid);
  }

  isAssumed(pod: Pod): boolean { return this.pods.get(pod.metadata?.uid ?? '')?.assumed === true; }

  /** A pod bound to a node was seen (add or update); it replaces an assumed copy. */
  addOrUpdatePod(pod: Pod): void {
    const uid = pod.metadata?.uid ?? '';
    const nodeName = pod.spec?.nodeName ?? '';
    const st = this.pods.get(uid);
    if (st) this.removeFromNode(st.nodeName, uid);
    this.pods.set(uid, { pod, nodeName, assumed: false });
    this.addToNode(nodeName, pod);
  }

  removePod(pod: Pod): void {
    const uid = pod.metadata?.uid ?? '';
    const st = this.pods.get(uid);
    if (!st) return;
    this.pods.delete(uid);
    this.removeFromNode(st.nodeName, uid);
  }

  get(nodeName: string): NodeInfo | undefined { return this.nodes.get(nodeName); }

  /** A view for one scheduling cycle. The cycle runs without yielding, so live NodeInfos are safe. */
  snapshot(): Snapshot {
    const list = this.list();
    const nodes = this.nodes;
    let withAffinity: NodeInfo[] | undefined, withAnti: NodeInfo[] | undefined;
    return {
      nodeInfos: list,
      changes: this.journal,
      get: (name) => nodes.get(name),
      get havePodsWithAffinity() { return (withAffinity ??= list.filter((n) => n.podsWithAffinity.length > 0)); },
      get havePodsWithRequiredAntiAffinity() { return (withAnti ??= list.filter((n) => n.podsWithRequiredAntiAffinity.length > 0)); },
    };
  }

  private list(): NodeInfo[] {
    if (this.order) return this.order;
    // Round-robin over zones (region/zone), so a partial search still sees every zone.
    const byZone = new Map<string, NodeInfo[]>();
    for (const ni of this.nodes.values()) {
      if (!ni.node.metadata?.uid) continue; // placeholder for a deleted node
      const z = zoneOf(ni.node);
      let l = byZone.get(z);
      if (!l) byZone.set(z, (l = []));
      l.push(ni);
    }
    const zones = [...byZone.values()];
    const total = zones.reduce((s, z) => s + z.length, 0);
    const out: NodeInfo[] = [];
    for (let i = 0; out.length < total; i++) {
      for (const z of zones) if (i < z.length) out.push(z[i]);
    }
    this.order = out;
    return out;
  }

  private nodeFor(name: string): NodeInfo {
    let ni = this.nodes.get(name);
    if (!ni) {
      ni = newNodeInfo({ metadata: { name } });
      this.nodes.set(name, ni);
    }
    return ni;
  }

  private addToNode(nodeName: string, pod: Pod): void {
    const ni = this.nodeFor(nodeName);
    addPod(ni, newPodInfo(pod));
    this.journal.record(ni);
  }

  private removeFromNode(nodeName: string, uid: string): void {
    const ni = this.nodes.get(nodeName);
    if (!ni) return;
    if (removePod(ni, uid)) this.journal.record(ni);
    if (ni.pods.length === 0 && !ni.node.metadata?.uid) this.nodes.delete(nodeName);
  }
}

function zoneOf(node: Node): string {
  const l = node.metadata?.labels ?? {};
  return `${l[REGION_LABEL] ?? ''}:${l[ZONE_LABEL] ?? ''}`;
}
