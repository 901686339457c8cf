// DefaultBinder (upstream defaultbinder): binds the pod to the chosen node. The API
// call (pods/binding) is the scheduler's, injected as args.bind.

import { Status, type BindPlugin, type PluginFactory, type Pod } from '../framework/types.ts';

export const NAME = 'DefaultBinder';

export type DefaultBinderArgs = { bind?: (pod: Pod, nodeName: string) => Promise<void> };

export const factory: PluginFactory = (_handle, rawArgs): BindPlugin => {
  const { bind } = (rawArgs ?? {}) as DefaultBinderArgs;
  return {
    name: NAME,
    async bind(_state, pod, nodeName) {
      if (!bind) return Status.error(`${NAME}: no bind function was given`);
      try {
        await bind(pod, nodeName);
        return Status.success();
      } catch (e) {
        return Status.error(e instanceof Error ? e.message : String(e));
      }
    },
  };
};
