// The scoring half shared by NodeResourcesFit and NodeResourcesBalancedAllocation
// (upstream noderesources/resource_allocation.go): for each configured resource, what
// the node can allocate and what it would have requested with the pod on it; the
// strategy turns those two vectors into a 0..100 score.

import { podRequests } from '../framework/nodeinfo.ts';
import type { NodeInfo, Pod, Resource } from '../framework/types.ts';

export interface ResourceSpec { name: string; weight: number }

/** The default resources of both plugins' args: cpu and memory, weight 1. */
export const DEFAULT_RESOURCES: readonly ResourceSpec[] = [{ name: 'cpu', weight: 1 }, { name: 'memory', weight: 1 }];

/** Resources other than cpu, memory and ephemeral-storage (extended, hugepages...). */
const isScalar = (name: string) => name !== 'cpu' && name !== 'memory' && name !== 'ephemeral-storage' && name !== 'pods';

export function resourceValue(r: Resource, name: string): number {
  switch (name) {
    case 'cpu': return r.milliCPU;
    case 'memory': return r.memory;
    case 'ephemeral-storage': return r.ephemeralStorage;
    case 'pods': return r.allowedPodNumber;
    default: return r.scalar.get(name) ?? 0;
  }
}

/** The pod's request of each resource; nonZero counts 100m / 200Mi for containers naming none. */
export function podRequestList(pod: Pod, resources: readonly ResourceSpec[], nonZero: boolean): number[] {
  const r = podRequests(pod, nonZero);
  return resources.map((s) => resourceValue(r, s.name));
}

export type Scorer = (requested: number[], allocatable: number[]) => number;

/**
 * Scores a node. useRequested picks the node's plain requested sums (BalancedAllocation)
 * over the non-zero ones (Fit); an extended resource the pod does not ask for, or the
 * node does not offer, is left out (allocatable 0).
 */
export class ResourceAllocationScorer {
  private readonly requested: number[];
  private readonly allocatable: number[];

  constructor(readonly resources: readonly ResourceSpec[], private readonly useRequested: boolean, private readonly scorer: Scorer) {
    this.requested = new Array<number>(resources.length).fill(0);
    this.allocatable = new Array<number>(resources.length).fill(0);
  }

  score(ni: NodeInfo, podRequest: number[]): number {
    const used = this.useRequested ? ni.requested : ni.nonZeroRequested;
    for (let i = 0; i < this.resources.length; i++) {
      const name = this.resources[i].name;
      let alloc = 0, req = 0;
      if (!(podRequest[i] === 0 && isScalar(name))) {
        switch (name) {
          case 'cpu': alloc = ni.allocatable.milliCPU; req = used.milliCPU + podRequest[i]; break;
          case 'memory': alloc = ni.allocatable.memory; req = used.memory + podRequest[i]; break;
          case 'ephemeral-storage': alloc = ni.allocatable.ephemeralStorage; req = ni.requested.ephemeralStorage + podRequest[i]; break;
          default:
            if (ni.allocatable.scalar.has(name)) {
              alloc = ni.allocatable.scalar.get(name) ?? 0;
              req = (ni.requested.scalar.get(name) ?? 0) + podRequest[i];
            }
        }
      }
      this.allocatable[i] = alloc;
      this.requested[i] = alloc === 0 ? 0 : req;
    }
    return this.scorer(this.requested, this.allocatable);
  }
}
