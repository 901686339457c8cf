// The in-tree plugin registry and the default profile (upstream plugins/registry.go and
// apis/config/v1/default_plugins.go). A profile is the MultiPoint list: each enabled
// plugin is built once and placed at every extension point it implements, in list
// order; Score weights as upstream's defaults. buildProfile wires the scheduler's API
// calls into the plugins that need them (DefaultBinder's bind, DefaultPreemption's
// deletes, VolumeBinding's PV binding) and DefaultPreemption's dry runs into the
// profile's own filters.

import type { ProfilePlugins } from '../framework/runtime.ts';
import {
  Status, isFilter, isPreFilter,
  type CycleState, type FilterPlugin, type Handle, type NodeInfo, type Plugin, type PluginFactory, type Pod, type PreFilterPlugin,
} from '../framework/types.ts';
import * as balancedAllocation from './balancedallocation.ts';
import * as defaultBinder from './defaultbinder.ts';
import * as defaultPreemption from './defaultpreemption.ts';
import * as interPodAffinity from './interpodaffinity.ts';
import * as nodeAffinity from './nodeaffinity.ts';
import * as nodeName from './nodename.ts';
import * as nodePorts from './nodeports.ts';
import * as nodeResourcesFit from './noderesourcesfit.ts';
import * as nodeUnschedulable from './nodeunschedulable.ts';
import * as podTopologySpread from './podtopologyspread.ts';
import * as prioritySort from './prioritysort.ts';
import * as taintToleration from './tainttoleration.ts';
import * as volumeBinding from './volumebinding.ts';

export { less as prioritySortLess } from './prioritysort.ts';

/** Plugin name → factory. */
export const REGISTRY: Readonly<Record<string, PluginFactory>> = {
  [prioritySort.NAME]: prioritySort.factory,
  [nodeUnschedulable.NAME]: nodeUnschedulable.factory,
  [nodeName.NAME]: nodeName.factory,
  [taintToleration.NAME]: taintToleration.factory,
  [nodeAffinity.NAME]: nodeAffinity.factory,
  [nodePorts.NAME]: nodePorts.factory,
  [nodeResourcesFit.NAME]: nodeResourcesFit.factory,
  [volumeBinding.NAME]: volumeBinding.factory,
  [podTopologySpread.NAME]: podTopologySpread.factory,
  [interPodAffinity.NAME]: interPodAffinity.factory,
  [defaultPreemption.NAME]: defaultPreemption.factory,
  [balancedAllocation.NAME]: balancedAllocation.factory,
  [defaultBinder.NAME]: defaultBinder.factory,
};

export interface PluginEntry { name: string; weight?: number }

export interface ProfileConfig {
  /** The QueueSort plugin (its less() orders the scheduling queue). */
  queueSort: string;
  /** MultiPoint: the enabled plugins in order; weight applies where the plugin scores (default 1). */
  plugins: PluginEntry[];
  /** Per-plugin args (NodeResourcesFitArgs, PodTopologySpreadArgs, ...). */
  pluginConfig?: Record<string, Record<string, unknown>>;
}

/**
 * Upstream v1.32's default MultiPoint list, less the plugins Skiff does not have
 * (SchedulingGates, VolumeRestrictions, NodeVolumeLimits, VolumeZone, ImageLocality).
 */
export const DEFAULT_PROFILE: Readonly<ProfileConfig> = {
  queueSort: prioritySort.NAME,
  plugins: [
    { name: nodeUnschedulable.NAME },
    { name: nodeName.NAME },
    { name: taintToleration.NAME, weight: 3 },
    { name: nodeAffinity.NAME, weight: 2 },
    { name: nodePorts.NAME },
    { name: nodeResourcesFit.NAME, weight: 1 },
    { name: volumeBinding.NAME },
    { name: podTopologySpread.NAME, weight: 2 },
    { name: interPodAffinity.NAME, weight: 2 },
    { name: defaultPreemption.NAME },
    { name: balancedAllocation.NAME, weight: 1 },
    { name: defaultBinder.NAME },
  ],
};

/** The scheduler's side of the plugins: API writes (the scheduler's SchedulerServices satisfies this). */
export interface PluginServices {
  bind(pod: Pod, nodeName: string): Promise<void>;
  deletePod(pod: Pod): Promise<void>;
  setNominatedNodeName(pod: Pod, nodeName: string): Promise<void>;
  /** Binds chosen PVs to claims / marks claims for provisioning (VolumeBinding PreBind); optional. */
  bindVolumes?: volumeBinding.BindVolumes;
}

/** A built profile: its plugins by extension point, and the queue order. */
export interface BuiltProfile extends ProfilePlugins {
  less: (a: prioritySort.QueuedPod, b: prioritySort.QueuedPod) => boolean;
}

/** Framework.runFilter, over this profile's filters (for DefaultPreemption's dry runs). */
function filterRunner(filters: FilterPlugin[]) {
  return (state: CycleState, pod: Pod, ni: NodeInfo): Status => {
    for (const pl of filters) {
      if (state.skipFilterPlugins.has(pl.name)) continue;
      const st = pl.filter(state, pod, ni);
      if (!st.isSuccess()) return st.withPlugin(pl.name);
    }
    return Status.success();
  };
}

/** Instantiates a profile: every plugin once, at each of its extension points, in MultiPoint order. */
export function buildProfile(handle: Handle, services: PluginServices, config: ProfileConfig = DEFAULT_PROFILE): BuiltProfile {
  const built: { plugin: Plugin; weight: number }[] = [];
  const filters: FilterPlugin[] = [];
  const preFilters: PreFilterPlugin[] = [];
  const injected: Record<string, Record<string, unknown>> = {
    [defaultBinder.NAME]: { bind: services.bind },
    [defaultPreemption.NAME]: {
      runFilters: filterRunner(filters),
      preFilterPlugins: preFilters,
      preempt: { deletePod: services.deletePod, setNominatedNodeName: services.setNominatedNodeName },
    },
    [volumeBinding.NAME]: services.bindVolumes ? { bindVolumes: services.bindVolumes } : {},
  };
  const seen = new Set<string>();
  for (const { name, weight } of config.plugins) {
    const factory = REGISTRY[name];
    if (!factory) throw new Error(`plugin "${name}" does not exist`);
    if (seen.has(name)) throw new Error(`plugin "${name}" already registered`);
    seen.add(name);
    const plugin = factory(handle, { ...config.pluginConfig?.[name], ...injected[name] });
    built.push({ plugin, weight: weight ?? 1 });
    if (isFilter(plugin)) filters.push(plugin);
    if (isPreFilter(plugin)) preFilters.push(plugin);
  }
  const queueSort = REGISTRY[config.queueSort]?.(handle, config.pluginConfig?.[config.queueSort]) as prioritySort.QueueSortPlugin | undefined;
  if (!queueSort || typeof queueSort.less !== 'function') throw new Error(`queue sort plugin "${config.queueSort}" does not exist`);
  const plugins = built.map((b) => b.plugin);
  return {
    less: queueSort.less,
    preFilter: plugins,
    filter: plugins,
    postFilter: plugins,
    preScore: plugins,
    score: built,
    reserve: plugins,
    preBind: plugins,
    bind: plugins,
  };
}

/** The default profile, as the scheduler's ProfileBuilder. */
export const defaultProfile = (handle: Handle, services: PluginServices): BuiltProfile => buildProfile(handle, services);
