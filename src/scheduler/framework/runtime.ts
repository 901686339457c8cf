// The framework runtime (upstream framework/runtime): one profile's plugins, and the
// extension points run in order. Filter stops at the first rejection per node; Score
// sums normalised plugin scores times their weights.

import {
  Code, CycleState, MAX_NODE_SCORE, Status,
  isBind, isFilter, isPostFilter, isPreBind, isPreFilter, isPreScore, isReserve, isScore,
  type BindPlugin, type FilterPlugin, type NodeInfo, type NodeScore, type Plugin, type Pod, type PostFilterPlugin,
  type PreBindPlugin, type PreFilterPlugin, type PreFilterResult, type PreScorePlugin, type ReservePlugin, type ScorePlugin,
} from './types.ts';

export interface ProfilePlugins {
  /** Plugins by extension point, in order (a plugin may appear at several). */
  preFilter: Plugin[];
  filter: Plugin[];
  postFilter: Plugin[];
  preScore: Plugin[];
  score: { plugin: Plugin; weight: number }[];
  reserve: Plugin[];
  preBind: Plugin[];
  bind: Plugin[];
}

export class Framework {
  readonly preFilters: PreFilterPlugin[];
  readonly filters: FilterPlugin[];
  readonly postFilters: PostFilterPlugin[];
  readonly preScores: PreScorePlugin[];
  readonly scores: { plugin: ScorePlugin; weight: number }[];
  readonly reserves: ReservePlugin[];
  readonly preBinds: PreBindPlugin[];
  readonly binds: BindPlugin[];

  constructor(readonly profileName: string, p: ProfilePlugins) {
    this.preFilters = p.preFilter.filter(isPreFilter);
    this.filters = p.filter.filter(isFilter);
    this.postFilters = p.postFilter.filter(isPostFilter);
    this.preScores = p.preScore.filter(isPreScore);
    this.scores = p.score.filter((s) => isScore(s.plugin)) as { plugin: ScorePlugin; weight: number }[];
    this.reserves = p.reserve.filter(isReserve);
    this.preBinds = p.preBind.filter(isPreBind);
    this.binds = p.bind.filter(isBind);
  }

  /** PreFilter: a rejection fails the whole cycle; results narrow the candidate nodes. */
  runPreFilter(state: CycleState, pod: Pod, nodes: NodeInfo[]): { result?: PreFilterResult; status: Status } {
    let result: PreFilterResult | undefined;
    for (const pl of this.preFilters) {
      const { result: r, status } = pl.preFilter(state, pod, nodes);
      if (status.isSkip()) { state.skipFilterPlugins.add(pl.name); continue; }
      if (!status.isSuccess()) return { status: status.withPlugin(pl.name) };
      if (r?.nodeNames) {
        result = { nodeNames: result?.nodeNames ? new Set([...r.nodeNames].filter((n) => result?.nodeNames?.has(n))) : r.nodeNames };
        if (result.nodeNames?.size === 0) {
          return { result, status: Status.unresolvable(`node(s) didn't satisfy plugin(s) [${pl.name}] simultaneously`).withPlugin(pl.name) };
        }
      }
    }
    return { result, status: Status.success() };
  }

  runFilter(state: CycleState, pod: Pod, nodeInfo: NodeInfo): Status {
    for (const pl of this.filters) {
      if (state.skipFilterPlugins.size > 0 && state.skipFilterPlugins.has(pl.name)) continue;
      const st = pl.filter(state, pod, nodeInfo);
      if (!st.isSuccess()) return st.withPlugin(pl.name);
    }
    return Status.success();
  }

  /** Re-runs the PreFilter extensions' AddPod/RemovePod so a dry run sees pods added or removed. */
  runPreFilterAddPod(state: CycleState, pod: Pod, add: import('./types.ts').PodInfo, ni: NodeInfo): void {
    for (const pl of this.preFilters) if (!state.skipFilterPlugins.has(pl.name)) pl.addPod?.(state, pod, add, ni);
  }

  runPreFilterRemovePod(state: CycleState, pod: Pod, remove: import('./types.ts').PodInfo, ni: NodeInfo): void {
    for (const pl of this.preFilters) if (!state.skipFilterPlugins.has(pl.name)) pl.removePod?.(state, pod, remove, ni);
  }

  async runPostFilter(state: CycleState, pod: Pod, statuses: Map<string, Status>): Promise<{ nominatedNodeName?: string; status: Status }> {
    let last: { nominatedNodeName?: string; status: Status } = { status: Status.unschedulable() };
    for (const pl of this.postFilters) {
      const r = await pl.postFilter(state, pod, statuses);
      if (r.status.isSuccess()) return r;
      last = { ...r, status: r.status.withPlugin(pl.name) };
      if (r.status.code !== Code.Unschedulable) return last;
    }
    return last;
  }

  runPreScore(state: CycleState, pod: Pod, nodes: NodeInfo[]): Status {
    for (const pl of this.preScores) {
      const st = pl.preScore(state, pod, nodes);
      if (st.isSkip()) { state.skipScorePlugins.add(pl.name); continue; }
      if (!st.isSuccess()) return st.withPlugin(pl.name);
    }
    return Status.success();
  }

  /** Total weighted score per node, in the order of nodes. */
  runScore(state: CycleState, pod: Pod, nodes: NodeInfo[]): number[] {
    const totals = new Array<number>(nodes.length).fill(0);
    for (const { plugin, weight } of this.scores) {
      if (state.skipScorePlugins.has(plugin.name)) continue;
      const scores: NodeScore[] = nodes.map((ni) => ({ name: ni.name, score: plugin.score(state, pod, ni) }));
      plugin.normalizeScore?.(state, pod, scores);
      for (let i = 0; i < scores.length; i++) {
        const s = Math.max(0, Math.min(MAX_NODE_SCORE, scores[i].score));
        totals[i] += s * weight;
      }
    }
    return totals;
  }

  runReserve(state: CycleState, pod: Pod, nodeName: string): Status {
    for (const pl of this.reserves) {
      const st = pl.reserve(state, pod, nodeName);
      if (!st.isSuccess()) return st.withPlugin(pl.name);
    }
    return Status.success();
  }

  runUnreserve(state: CycleState, pod: Pod, nodeName: string): void {
    for (let i = this.reserves.length - 1; i >= 0; i--) this.reserves[i].unreserve(state, pod, nodeName);
  }

  async runPreBind(state: CycleState, pod: Pod, nodeName: string): Promise<Status> {
    for (const pl of this.preBinds) {
      const st = await pl.preBind(state, pod, nodeName);
      if (!st.isSuccess()) return st.withPlugin(pl.name);
    }
    return Status.success();
  }

  async runBind(state: CycleState, pod: Pod, nodeName: string): Promise<Status> {
    for (const pl of this.binds) {
      const st = await pl.bind(state, pod, nodeName);
      if (st.isSkip()) continue;
      return st.withPlugin(pl.name);
    }
    return Status.error('no bind plugin bound the pod');
  }
}
