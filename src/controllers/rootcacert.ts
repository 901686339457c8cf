// The root CA publisher (upstream pkg/controller/certificates/rootcacertpublisher): every
// namespace holds a `kube-root-ca.crt` ConfigMap whose `ca.crt` is the cluster CA, so pods can
// verify the API server. A copy that is deleted or changed is put back.

import type { KObject } from '../client/informer.ts';
import { apiErrorCode, isAlreadyExists, resource } from '../client/rest.ts';
import { Controller, type ControllerContext } from './framework/controller.ts';
import type { SharedInformer } from './framework/informers.ts';
import type { ControllerFactory } from './registry.ts';

export const ROOT_CA_CONFIGMAP = 'kube-root-ca.crt';
const DESCRIPTION_ANNOTATION = 'kubernetes.io/description';
const DESCRIPTION = 'Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.';

const configmaps = resource('configmaps');

interface ConfigMap extends KObject {
  metadata: KObject['metadata'] & { annotations?: Record<string, string> };
  data?: Record<string, string>;
}

export class RootCACertPublisher extends Controller {
  private readonly namespaces: SharedInformer<KObject>;
  private readonly configMaps: SharedInformer<ConfigMap>;

  constructor(ctx: ControllerContext, private readonly rootCA: string) {
    super('root-ca-cert-publisher', ctx, 1);
    this.namespaces = ctx.informers.for<KObject>('namespaces');
    this.configMaps = ctx.informers.for<ConfigMap>('configmaps');
    this.namespaces.addHandlers({
      add: (ns) => this.queue.add(ns.metadata.name),
      update: (_old, ns) => this.queue.add(ns.metadata.name),
    });
    const ours = (cm: ConfigMap) => { if (cm.metadata.name === ROOT_CA_CONFIGMAP) this.queue.add(cm.metadata.namespace ?? ''); };
    this.configMaps.addHandlers({ update: (_old, cm) => ours(cm), delete: ours });
  }

  protected async sync(namespace: string): Promise<void> {
    if (!this.namespaces.get(undefined, namespace)) return;
    const data = { 'ca.crt': this.rootCA };
    const cm = this.configMaps.get(namespace, ROOT_CA_CONFIGMAP);
    if (!cm) {
      try {
        await this.ctx.client.create(configmaps, namespace, {
          apiVersion: 'v1', kind: 'ConfigMap',
          metadata: { name: ROOT_CA_CONFIGMAP, namespace, annotations: { [DESCRIPTION_ANNOTATION]: DESCRIPTION } },
          data,
        });
      } catch (e) {
        // The namespace went away or is terminating: nothing to publish into.
        if (apiErrorCode(e) === 404 || apiErrorCode(e) === 403) return;
        // The cache has not seen it yet: an update follows, checking its content.
        if (isAlreadyExists(e)) { this.queue.addAfter(namespace, 100); return; }
        throw e;
      }
      return;
    }
    const same = Object.keys(cm.data ?? {}).length === 1 && cm.data?.['ca.crt'] === this.rootCA;
    if (same && cm.metadata.annotations?.[DESCRIPTION_ANNOTATION]) return;
    await this.ctx.client.update(configmaps, namespace, ROOT_CA_CONFIGMAP, {
      ...cm,
      metadata: { ...cm.metadata, annotations: { ...cm.metadata.annotations, [DESCRIPTION_ANNOTATION]: DESCRIPTION } },
      data,
    });
  }
}

export const newRootCACertPublisher: ControllerFactory = (ctx) => {
  const ca = ctx.client.config.caPem;
  if (!ca) throw new Error('root-ca-cert-publisher: the client config has no cluster CA');
  return new RootCACertPublisher(ctx, ca);
};
