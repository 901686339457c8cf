// NodeName (upstream nodename): a pod that names a node in spec.nodeName fits only there.

import { Status, type FilterPlugin, type PluginFactory } from '../framework/types.ts';

export const NAME = 'NodeName';
export const ERR_REASON = "node(s) didn't match the requested node name";

export const factory: PluginFactory = (): FilterPlugin => ({
  name: NAME,
  filter(_state, pod, ni) {
    const want = pod.spec?.nodeName;
    if (!want || want === ni.name) return Status.success();
    return Status.unresolvable(ERR_REASON);
  },
});
