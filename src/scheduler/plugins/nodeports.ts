// NodePorts (upstream nodeports): the pod's hostPorts must be free on the node. A port
// bound on 0.0.0.0 conflicts with the same protocol/port on any IP, and a port wanted
// on 0.0.0.0 conflicts with it bound on any IP.

import { Status, type CycleState, type FilterPlugin, type HostPortInfo, type PluginFactory, type Pod, type PreFilterPlugin } from '../framework/types.ts';

export const NAME = 'NodePorts';
export const ERR_REASON = "node(s) didn't have free ports for the requested pod ports";
const STATE_KEY = 'PreFilter' + NAME;
const WILDCARD = '0.0.0.0';

interface WantedPort { ip: string; key: string }

/** Host ports of the containers (and of sidecars, which run alongside them, as NodeInfo counts them). */
export function wantedPorts(pod: Pod): WantedPort[] {
  const out: WantedPort[] = [];
  const containers = [...(pod.spec?.initContainers ?? []).filter((c) => c.restartPolicy === 'Always'), ...(pod.spec?.containers ?? [])];
  for (const c of containers) {
    for (const p of c.ports ?? []) {
      if (!p.hostPort || p.hostPort <= 0) continue;
      out.push({ ip: p.hostIP || WILDCARD, key: `${p.protocol || 'TCP'}/${p.hostPort}` });
    }
  }
  return out;
}

/** HostPortInfo.CheckConflict. */
export function conflicts(used: HostPortInfo, want: WantedPort): boolean {
  if (want.ip === WILDCARD) {
    for (const set of used.values()) if (set.has(want.key)) return true;
    return false;
  }
  return (used.get(WILDCARD)?.has(want.key) ?? false) || (used.get(want.ip)?.has(want.key) ?? false);
}

export const factory: PluginFactory = (): PreFilterPlugin & FilterPlugin => ({
  name: NAME,
  preFilter(state: CycleState, pod: Pod) {
    const ports = wantedPorts(pod);
    if (ports.length === 0) return { status: Status.skip() };
    state.write(STATE_KEY, ports);
    return { status: Status.success() };
  },
  filter(state, pod, ni) {
    const ports = state.read<WantedPort[]>(STATE_KEY) ?? wantedPorts(pod);
    if (ni.usedPorts.size === 0) return Status.success();
    for (const p of ports) if (conflicts(ni.usedPorts, p)) return Status.unschedulable(ERR_REASON);
    return Status.success();
  },
});
