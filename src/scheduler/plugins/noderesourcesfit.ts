// NodeResourcesFit (upstream noderesources/fit.go): the pod's effective request (app
// containers, sidecars and init containers, plus overhead) must fit in what the node
// has left of each resource, and the node must have room for one more pod. Scoring
// follows the configured strategy over the non-zero requests: LeastAllocated (default,
// spreads), MostAllocated (packs), or RequestedToCapacityRatio (a piecewise-linear
// utilisation → score shape).

import { podRequests } from '../framework/nodeinfo.ts';
import { MAX_NODE_SCORE, Status, type CycleState, type FilterPlugin, type NodeInfo, type PluginFactory, type Pod, type PreFilterPlugin, type PreScorePlugin, type Resource, type ScorePlugin } from '../framework/types.ts';
import { StateSlot } from './stateslot.ts';
import { DEFAULT_RESOURCES, podRequestList, ResourceAllocationScorer, type ResourceSpec, type Scorer } from './resourceallocation.ts';

export const NAME = 'NodeResourcesFit';
/** Scores in a RequestedToCapacityRatio shape go 0..10; the plugin scales them to 0..100. */
const MAX_CUSTOM_PRIORITY_SCORE = 10;
const MAX_UTILIZATION = 100;

export type ScoringStrategyType = 'LeastAllocated' | 'MostAllocated' | 'RequestedToCapacityRatio';

export interface UtilizationShapePoint { utilization: number; score: number }

/** NodeResourcesFitArgs. */
export type NodeResourcesFitArgs = {
  ignoredResources?: string[];
  ignoredResourceGroups?: string[];
  scoringStrategy?: {
    type?: ScoringStrategyType;
    resources?: ResourceSpec[];
    requestedToCapacityRatio?: { shape: UtilizationShapePoint[] };
  };
};

export interface InsufficientResource { resourceName: string; reason: string; requested: number; used: number; capacity: number }

/** An extended resource: a domain-qualified name outside kubernetes.io (ignoredResources applies only to these). */
const isExtendedResource = (name: string) => name.includes('/') && !name.includes('kubernetes.io/');

/** Nothing short: shared, so that the common answer allocates nothing. */
const NONE: readonly InsufficientResource[] = Object.freeze([]);

/** fitsRequest: every resource the pod would overrun on this node, in upstream's order. */
export function insufficientResources(req: Resource, ni: NodeInfo, ignored: Set<string> = new Set(), ignoredGroups: Set<string> = new Set()): readonly InsufficientResource[] {
  let out: InsufficientResource[] | undefined;
  const alloc = ni.allocatable, used = ni.requested;
  if (ni.pods.length + 1 > alloc.allowedPodNumber) {
    (out ??= []).push({ resourceName: 'pods', reason: 'Too many pods', requested: 1, used: ni.pods.length, capacity: alloc.allowedPodNumber });
  }
  if (req.milliCPU === 0 && req.memory === 0 && req.ephemeralStorage === 0 && req.scalar.size === 0) return out ?? NONE;
  if (req.milliCPU > 0 && req.milliCPU > alloc.milliCPU - used.milliCPU) {
    (out ??= []).push({ resourceName: 'cpu', reason: 'Insufficient cpu', requested: req.milliCPU, used: used.milliCPU, capacity: alloc.milliCPU });
  }
  if (req.memory > 0 && req.memory > alloc.memory - used.memory) {
    (out ??= []).push({ resourceName: 'memory', reason: 'Insufficient memory', requested: req.memory, used: used.memory, capacity: alloc.memory });
  }
  if (req.ephemeralStorage > 0 && req.ephemeralStorage > alloc.ephemeralStorage - used.ephemeralStorage) {
    (out ??= []).push({ resourceName: 'ephemeral-storage', reason: 'Insufficient ephemeral-storage', requested: req.ephemeralStorage, used: used.ephemeralStorage, capacity: alloc.ephemeralStorage });
  }
  if (req.scalar.size > 0) {
    for (const [name, q] of req.scalar) {
      if (q === 0) continue;
      if (isExtendedResource(name) && (ignored.has(name) || (ignoredGroups.size > 0 && ignoredGroups.has(name.split('/')[0])))) continue;
      const a = alloc.scalar.get(name) ?? 0, u = used.scalar.get(name) ?? 0;
      if (q > a - u) (out ??= []).push({ resourceName: name, reason: `Insufficient ${name}`, requested: q, used: u, capacity: a });
    }
  }
  return out ?? NONE;
}

function leastRequested(requested: number, capacity: number): number {
  if (capacity === 0 || requested > capacity) return 0;
  return Math.trunc(((capacity - requested) * MAX_NODE_SCORE) / capacity);
}

function mostRequested(requested: number, capacity: number): number {
  if (capacity === 0) return 0;
  // Non-zero defaults can push requested past capacity.
  return Math.trunc((Math.min(requested, capacity) * MAX_NODE_SCORE) / capacity);
}

/** Weighted mean (truncated) of a per-resource score over the resources the node offers. */
function weightedScorer(resources: readonly ResourceSpec[], perResource: (req: number, cap: number) => number): Scorer {
  return (requested, allocatable) => {
    let score = 0, weights = 0;
    for (let i = 0; i < requested.length; i++) {
      if (allocatable[i] === 0) continue;
      score += perResource(requested[i], allocatable[i]) * resources[i].weight;
      weights += resources[i].weight;
    }
    return weights === 0 ? 0 : Math.trunc(score / weights);
  };
}

/** helper.BuildBrokenLinearFunction over points scaled to 0..100 (Go's truncating division). */
function brokenLinear(shape: UtilizationShapePoint[]): (p: number) => number {
  return (p) => {
    for (let i = 0; i < shape.length; i++) {
      if (p <= shape[i].utilization) {
        if (i === 0) return shape[0].score;
        const a = shape[i - 1], b = shape[i];
        return a.score + Math.trunc(((b.score - a.score) * (p - a.utilization)) / (b.utilization - a.utilization));
      }
    }
    return shape[shape.length - 1].score;
  };
}

function requestedToCapacityRatioScorer(resources: readonly ResourceSpec[], shape: UtilizationShapePoint[]): Scorer {
  const scaled = shape.map((p) => ({ utilization: p.utilization, score: p.score * (MAX_NODE_SCORE / MAX_CUSTOM_PRIORITY_SCORE) }));
  const f = brokenLinear(scaled);
  const perResource = (req: number, cap: number) => (cap === 0 || req > cap ? f(MAX_UTILIZATION) : f(Math.trunc((req * MAX_UTILIZATION) / cap)));
  return (requested, allocatable) => {
    let score = 0, weights = 0;
    for (let i = 0; i < requested.length; i++) {
      if (allocatable[i] === 0) continue;
      const s = perResource(requested[i], allocatable[i]);
      // Resources scoring 0 do not count towards the mean.
      if (s > 0) { score += s * resources[i].weight; weights += resources[i].weight; }
    }
    return weights === 0 ? 0 : Math.round(score / weights);
  };
}

function scorerFor(args: NodeResourcesFitArgs, resources: readonly ResourceSpec[]): Scorer {
  const type = args.scoringStrategy?.type ?? 'LeastAllocated';
  switch (type) {
    case 'LeastAllocated': return weightedScorer(resources, leastRequested);
    case 'MostAllocated': return weightedScorer(resources, mostRequested);
    case 'RequestedToCapacityRatio': {
      const shape = args.scoringStrategy?.requestedToCapacityRatio?.shape;
      if (!shape?.length) throw new Error('NodeResourcesFit: RequestedToCapacityRatio needs a shape');
      return requestedToCapacityRatioScorer(resources, shape);
    }
    default: throw new Error(`scoring strategy ${String(type)} is not supported`);
  }
}

export const factory: PluginFactory = (_handle, rawArgs): PreFilterPlugin & FilterPlugin & PreScorePlugin & ScorePlugin => {
  const args = (rawArgs ?? {}) as NodeResourcesFitArgs;
  const resources = args.scoringStrategy?.resources ?? DEFAULT_RESOURCES;
  const ignored = new Set(args.ignoredResources ?? []);
  const ignoredGroups = new Set(args.ignoredResourceGroups ?? []);
  const scorer = new ResourceAllocationScorer(resources, false, scorerFor(args, resources));
  const preFilterSlot = new StateSlot<Resource>('PreFilter' + NAME);
  const preScoreSlot = new StateSlot<number[]>('PreScore' + NAME);
  return {
    name: NAME,
    preFilter(state: CycleState, pod: Pod) {
      preFilterSlot.write(state, podRequests(pod));
      return { status: Status.success() };
    },
    filter(state, pod, ni) {
      const req = preFilterSlot.read(state) ?? podRequests(pod);
      const insufficient = insufficientResources(req, ni, ignored, ignoredGroups);
      if (insufficient.length === 0) return Status.success();
      return Status.unschedulable(...insufficient.map((r) => r.reason));
    },
    preScore(state, pod) {
      preScoreSlot.write(state, podRequestList(pod, resources, true));
      return Status.success();
    },
    score(state, pod, ni) {
      return scorer.score(ni, preScoreSlot.read(state) ?? podRequestList(pod, resources, true));
    },
  };
};
