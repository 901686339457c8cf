// Where a node agent learns of the pods bound to its node. A kubelet watches its own
// (spec.nodeName=<node>); many simulated nodes in one process share one watch of every
// bound pod instead (spec.nodeName!=), handed out by node name, as kwok serves all its
// nodes from one informer: a thousand nodes then cost the API server one watch, whose
// events go out in shared writes, rather than a thousand watches each written to alone.

import { Informer, objectKey, type Handlers } from '../client/informer.ts';
import type { RestClient } from '../client/rest.ts';
import { resource } from '../client/rest.ts';
import type { Pod } from './types.ts';

const podsResource = resource('pods');

export interface PodSubscription {
  /** Resolves once the node's pods known at subscription have been handed to add. */
  readonly synced: Promise<void>;
  stop(): Promise<void>;
}

export interface PodSource {
  /** Calls handlers with the pods bound to nodeName: every current one as an add, then changes. */
  subscribe(nodeName: string, handlers: Handlers<Pod>, onError: (e: Error) => void): PodSubscription;
}

/** The kubelet's own watch of its node's pods. */
export function ownPodSource(client: RestClient): PodSource {
  return {
    subscribe(nodeName, handlers, onError) {
      const informer = new Informer<Pod>(client, podsResource, { fieldSelector: `spec.nodeName=${nodeName}` }, onError);
      informer.addHandlers(handlers).start();
      return { synced: informer.synced, stop: () => informer.stop() };
    },
  };
}

/** One watch of every bound pod, shared by the nodes that subscribe (simulated nodes). */
export class SharedPodSource implements PodSource {
  private readonly informer: Informer<Pod>;
  private readonly nodes = new Map<string, Handlers<Pod>>();
  /** The cached pods by node, so a node subscribing late gets its own without a scan of all. */
  private readonly byNode = new Map<string, Map<string, Pod>>();
  private readonly errorHandlers = new Set<(e: Error) => void>();
  private started = false;

  constructor(client: RestClient) {
    this.informer = new Informer<Pod>(client, podsResource, { fieldSelector: 'spec.nodeName!=' }, (e) => {
      for (const h of this.errorHandlers) h(e);
    });
    this.informer.addHandlers({
      add: (pod) => {
        this.index(pod);
        this.nodes.get(nodeOf(pod))?.add?.(pod);
      },
      update: (old, pod) => {
        this.index(pod);
        this.nodes.get(nodeOf(pod))?.update?.(old, pod);
      },
      delete: (pod) => {
        this.byNode.get(nodeOf(pod))?.delete(objectKey(pod));
        this.nodes.get(nodeOf(pod))?.delete?.(pod);
      },
    });
  }

  subscribe(nodeName: string, handlers: Handlers<Pod>, onError: (e: Error) => void): PodSubscription {
    if (!this.started) {
      this.started = true;
      this.informer.start();
    }
    let stopped = false;
    const stop = async () => {
      stopped = true;
      if (this.nodes.get(nodeName) === handlers) this.nodes.delete(nodeName);
      this.errorHandlers.delete(onError);
    };
    // The node's pods already cached are its first adds; later events come through the map.
    const synced = this.informer.synced.then(() => {
      if (stopped) return;
      this.nodes.set(nodeName, handlers);
      this.errorHandlers.add(onError);
      for (const pod of this.byNode.get(nodeName)?.values() ?? []) handlers.add?.(pod);
    });
    return { synced, stop };
  }

  private index(pod: Pod): void {
    const node = nodeOf(pod);
    let pods = this.byNode.get(node);
    if (!pods) this.byNode.set(node, (pods = new Map()));
    pods.set(objectKey(pod), pod);
  }

  async stop(): Promise<void> {
    this.nodes.clear();
    await this.informer.stop();
  }
}

const nodeOf = (pod: Pod): string => pod.spec?.nodeName ?? '';
