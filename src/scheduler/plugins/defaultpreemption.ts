// DefaultPreemption (upstream defaultpreemption + framework/preemption), the PostFilter
// plugin. When a pod fits nowhere, each node that rejected it as Unschedulable (not
// UnschedulableAndUnresolvable) is tried in a dry run: remove every pod of lower
// priority, check the Filter plugins pass, then put back as many of those pods as still
// leave room, most important first; the rest are the victims. The node to nominate is
// the one whose victims hurt least (lowest highest priority, then smallest sum of
// priorities, fewest victims, latest start); its victims are deleted and the pod waits
// for it. PodDisruptionBudgets are not considered (every victim counts as non-violating).
//
// The plugin needs the profile's filters and PreFilter extensions for the dry runs and
// the scheduler's API calls for the deletions; both come in through the args.

import { addPod, cloneNodeInfo, removePod } from '../framework/nodeinfo.ts';
import {
  Code, Status,
  type CycleState, type NodeInfo, type PluginFactory, type Pod, type PodInfo, type PostFilterPlugin, type PreFilterPlugin,
} from '../framework/types.ts';
import { podPriority } from './prioritysort.ts';

export const NAME = 'DefaultPreemption';
export const NOT_HELPFUL = 'Preemption is not helpful for scheduling';
export const NO_VICTIMS = 'No preemption victims found for incoming pod';

/** The API writes preemption makes (the scheduler's client). */
export interface PreemptionClient {
  deletePod(pod: Pod): Promise<void>;
  /** Used to clear a nomination ('') that preemption can no longer back. */
  setNominatedNodeName?(pod: Pod, nodeName: string): Promise<void>;
}

/** DefaultPreemptionArgs, plus what the plugin is given to run dry runs and deletions. */
export type DefaultPreemptionArgs = {
  minCandidateNodesPercentage?: number;
  minCandidateNodesAbsolute?: number;
  /** The profile's Filter plugins on one node (Framework.runFilter). */
  runFilters?: (state: CycleState, pod: Pod, nodeInfo: NodeInfo) => Status;
  /** The profile's PreFilter plugins, whose addPod/removePod keep a dry run's state in step. */
  preFilterPlugins?: PreFilterPlugin[] | (() => PreFilterPlugin[]);
  preempt?: PreemptionClient;
  /** Index of the potential node the dry runs start at (upstream: random). */
  offset?: (numNodes: number) => number;
};

interface Candidate { name: string; victims: Pod[] }

const startTime = (p: Pod): number => {
  const t = p.status?.startTime as unknown;
  const ms = t instanceof Date ? t.getTime() : typeof t === 'string' ? Date.parse(t) : NaN;
  // A pod that has not started counts as starting now (GetPodStartTime).
  return Number.isNaN(ms) ? Date.now() : ms;
};

/** MoreImportantPod: higher priority, then the one that started first. */
const moreImportant = (a: Pod, b: Pod): number => podPriority(b) - podPriority(a) || startTime(a) - startTime(b);

/** GetEarliestPodStartTime: the earliest start among the highest-priority victims. */
function earliestStartOfTopVictims(victims: Pod[]): number {
  let top = podPriority(victims[0]), earliest = startTime(victims[0]);
  for (const v of victims) {
    const p = podPriority(v);
    if (p === top) earliest = Math.min(earliest, startTime(v));
    else if (p > top) { top = p; earliest = startTime(v); }
  }
  return earliest;
}

/** pickOneNodeForPreemption: each criterion narrows the field until one node is left. */
export function pickOneNodeForPreemption(candidates: Candidate[]): string | undefined {
  if (candidates.length === 0) return undefined;
  const criteria: ((c: Candidate) => number)[] = [
    (c) => -podPriority(c.victims[0]),
    (c) => -c.victims.reduce((s, v) => s + podPriority(v) + 2 ** 31, 0),
    (c) => -c.victims.length,
    (c) => earliestStartOfTopVictims(c.victims),
  ];
  let field = candidates;
  for (const score of criteria) {
    let best = -Infinity, next: Candidate[] = [];
    for (const c of field) {
      const s = score(c);
      if (s > best) { best = s; next = [c]; } else if (s === best) next.push(c);
    }
    if (next.length === 1) return next[0].name;
    field = next;
  }
  return field[0].name;
}

/** FitError.Error() over the dry runs' statuses; nodes not tried were not worth it. */
function fitErrorMessage(all: NodeInfo[], statuses: Map<string, Status>): string {
  const counts = new Map<string, number>();
  for (const ni of all) {
    for (const r of statuses.get(ni.name)?.reasons ?? [NOT_HELPFUL]) counts.set(r, (counts.get(r) ?? 0) + 1);
  }
  const parts = [...counts].map(([r, n]) => `${n} ${r}`).sort();
  return `0/${all.length} nodes are available: ${parts.join(', ')}.`;
}

export const factory: PluginFactory = (handle, rawArgs): PostFilterPlugin => {
  const args = (rawArgs ?? {}) as DefaultPreemptionArgs;
  const pct = args.minCandidateNodesPercentage ?? 10;
  const abs = args.minCandidateNodesAbsolute ?? 100;
  const offsetOf = args.offset ?? ((n: number) => Math.floor(Math.random() * n));
  const preFilters = (): PreFilterPlugin[] => (typeof args.preFilterPlugins === 'function' ? args.preFilterPlugins() : args.preFilterPlugins ?? []);

  function runFilters(state: CycleState, pod: Pod, ni: NodeInfo): Status {
    if (!args.runFilters) throw new Error(`${NAME}: no runFilters was given`);
    return args.runFilters(state, pod, ni);
  }

  function removeFromDryRun(state: CycleState, pod: Pod, pi: PodInfo, ni: NodeInfo): void {
    removePod(ni, pi.pod.metadata?.uid ?? '');
    for (const pl of preFilters()) if (!state.skipFilterPlugins.has(pl.name)) pl.removePod?.(state, pod, pi, ni);
  }

  function addToDryRun(state: CycleState, pod: Pod, pi: PodInfo, ni: NodeInfo): void {
    addPod(ni, pi);
    for (const pl of preFilters()) if (!state.skipFilterPlugins.has(pl.name)) pl.addPod?.(state, pod, pi, ni);
  }

  /** SelectVictimsOnNode, on copies of the node and the cycle state. */
  function selectVictims(state: CycleState, pod: Pod, original: NodeInfo): { victims?: Pod[]; status: Status } {
    const ni = cloneNodeInfo(original);
    const st = state.clone();
    const priority = podPriority(pod);
    const potential = original.pods.filter((pi) => podPriority(pi.pod) < priority);
    if (potential.length === 0) return { status: Status.unresolvable(NO_VICTIMS) };
    for (const pi of potential) removeFromDryRun(st, pod, pi, ni);
    const fits = runFilters(st, pod, ni);
    if (!fits.isSuccess()) return { status: fits };
    // Reprieve the most important pods first; whoever no longer fits back is a victim.
    potential.sort((a, b) => moreImportant(a.pod, b.pod));
    const victims: Pod[] = [];
    for (const pi of potential) {
      addToDryRun(st, pod, pi, ni);
      if (!runFilters(st, pod, ni).isSuccess()) {
        removeFromDryRun(st, pod, pi, ni);
        victims.push(pi.pod);
      }
    }
    if (victims.length === 0) return { status: Status.error(`expected at least one victim pod on node "${original.name}"`) };
    return { victims, status: Status.success() };
  }

  async function clearNomination(pod: Pod): Promise<void> {
    if (pod.status?.nominatedNodeName) await args.preempt?.setNominatedNodeName?.(pod, '');
  }

  const fail = (msg: string) => ({ status: Status.unschedulable(`preemption: ${msg}`) });

  return {
    name: NAME,
    async postFilter(state, pod, filteredNodeStatus) {
      const snapshot = handle.snapshot();
      // PodEligibleToPreemptOthers.
      if (pod.spec?.preemptionPolicy === 'Never') return fail('not eligible due to preemptionPolicy=Never.');
      const nominated = pod.status?.nominatedNodeName;
      if (nominated && filteredNodeStatus.get(nominated)?.code !== Code.UnschedulableAndUnresolvable) {
        const ni = snapshot.get(nominated);
        const priority = podPriority(pod);
        // Victims of an earlier preemption are still terminating there: wait for them.
        if (ni?.pods.some((pi) => podPriority(pi.pod) < priority && pi.pod.metadata?.deletionTimestamp)) {
          return fail('not eligible due to a terminating pod on the nominated node.');
        }
      }

      const all = snapshot.nodeInfos;
      if (all.length === 0) return { status: Status.error('preemption: no nodes available') };
      const potential = all.filter((ni) => filteredNodeStatus.get(ni.name)?.code === Code.Unschedulable);
      const statuses = new Map<string, Status>();
      const candidates: Candidate[] = [];
      const errors: string[] = [];
      if (potential.length > 0) {
        const wanted = Math.min(potential.length, Math.max(Math.floor((potential.length * pct) / 100), abs));
        const offset = offsetOf(potential.length);
        for (let i = 0; i < potential.length && candidates.length < wanted; i++) {
          const ni = potential[(offset + i) % potential.length];
          const { victims, status } = selectVictims(state, pod, ni);
          if (victims) candidates.push({ name: ni.name, victims });
          else {
            statuses.set(ni.name, status);
            if (status.code === Code.Error) errors.push(status.message());
          }
        }
      }
      if (candidates.length === 0) {
        if (errors.length > 0) return { status: Status.error(`preemption: ${errors.join(', ')}`) };
        await clearNomination(pod);
        return fail(fitErrorMessage(all, statuses));
      }

      const best = pickOneNodeForPreemption(candidates)!;
      const victims = candidates.find((c) => c.name === best)!.victims;
      if (!args.preempt) return { status: Status.error(`${NAME}: no preempt client was given`) };
      try {
        // A victim already terminating needs no second delete.
        await Promise.all(victims.filter((v) => !v.metadata?.deletionTimestamp).map((v) => args.preempt!.deletePod(v)));
      } catch (e) {
        return { status: Status.error(e instanceof Error ? e.message : String(e)) };
      }
      return { nominatedNodeName: best, status: Status.success() };
    },
  };
};
