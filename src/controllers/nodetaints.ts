// Node shapes and taint bookkeeping shared by the node lifecycle and taint eviction
// controllers (upstream's taint helpers in pkg/util/taints and pkg/controller: a taint is
// identified by key and effect; writes go through a read-modify-write on the Node).

import type { KObject } from '../client/informer.ts';
import { toleratesTaint } from '../scheduler/plugins/taints.ts';
import { isConflict, resource, type RestClient } from '../client/rest.ts';

export interface Taint { key: string; value?: string; effect: string; timeAdded?: string }
export interface Toleration { key?: string; operator?: string; value?: string; effect?: string; tolerationSeconds?: number }

export interface NodeCondition {
  type: string; status: string; reason?: string; message?: string; lastHeartbeatTime?: string; lastTransitionTime?: string;
}

export interface Node extends KObject {
  metadata: KObject['metadata'] & { creationTimestamp?: string };
  spec?: { taints?: Taint[]; unschedulable?: boolean; [k: string]: unknown };
  status?: { conditions?: NodeCondition[]; [k: string]: unknown };
}

export interface PodCondition { type: string; status: string; reason?: string; message?: string; lastProbeTime?: string | null; lastTransitionTime?: string }

export interface Pod extends KObject {
  metadata: KObject['metadata'] & { creationTimestamp?: string; deletionTimestamp?: string };
  spec?: { nodeName?: string; tolerations?: Toleration[]; [k: string]: unknown };
  status?: { phase?: string; reason?: string; conditions?: PodCondition[]; [k: string]: unknown };
}

export const TAINT_NODE_NOT_READY = 'node.kubernetes.io/not-ready';
export const TAINT_NODE_UNREACHABLE = 'node.kubernetes.io/unreachable';
export const TAINT_NODE_UNSCHEDULABLE = 'node.kubernetes.io/unschedulable';
export const TAINT_NODE_OUT_OF_SERVICE = 'node.kubernetes.io/out-of-service';

const nodes = resource('nodes');

/** metav1.Time text: UTC, whole seconds. */
export const metaTime = (ms = Date.now()): string => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');

export const nodeCondition = (node: Node | undefined, type: string): NodeCondition | undefined =>
  node?.status?.conditions?.find((c) => c.type === type);

export const isNodeReady = (node: Node): boolean => nodeCondition(node, 'Ready')?.status === 'True';

/** Two taints are the same taint when key and effect agree (upstream MatchTaint). */
export const matchTaint = (a: Taint, b: Taint): boolean => a.key === b.key && a.effect === b.effect;

export const taintExists = (taints: Taint[] | undefined, t: Taint): boolean => (taints ?? []).some((x) => matchTaint(x, t));

/** An empty effect matches every effect; an empty key with Exists matches every taint (the scheduler's matcher). */
export { toleratesTaint };

/**
 * Adds `add` (stamped with timeAdded) and removes `remove` on the Node, retrying on conflicts
 * with a fresh copy (upstream SwapNodeControllerTaint). Resolves to the Node as written, or as
 * it was when nothing needed changing.
 */
export async function swapNodeTaints(client: RestClient, node: Node, add: Taint[], remove: Taint[]): Promise<Node> {
  let current = node;
  for (let attempt = 0; ; attempt++) {
    const before = current.spec?.taints ?? [];
    let after = before.filter((t) => !remove.some((r) => matchTaint(r, t)));
    const now = metaTime();
    for (const t of add) {
      const same = after.find((x) => matchTaint(x, t));
      if (same && (same.value ?? '') === (t.value ?? '')) continue;
      after = after.filter((x) => !matchTaint(x, t));
      after.push({ ...t, timeAdded: now });
    }
    if (after.length === before.length && after.every((t, i) => t === before[i])) return current;
    const spec = { ...current.spec };
    if (after.length) spec.taints = after;
    else delete spec.taints;
    try {
      return await client.update<Node>(nodes, undefined, current.metadata.name, { ...current, spec });
    } catch (e) {
      if (!isConflict(e) || attempt >= 4) throw e;
      current = await client.get<Node>(nodes, undefined, current.metadata.name);
    }
  }
}
