// The ServiceAccount controller (upstream pkg/controller/serviceaccount): every active namespace
// has a `default` ServiceAccount, made when the namespace appears and made again whenever it is
// deleted. Namespaces being terminated are left alone.

import type { KObject } from '../client/informer.ts';
import { apiErrorCode, isAlreadyExists, resource } from '../client/rest.ts';
import { Controller, type ControllerContext } from './framework/controller.ts';
import type { SharedInformer } from './framework/informers.ts';
import type { ControllerFactory } from './registry.ts';

/** The service accounts every namespace gets (upstream DefaultServiceAccountsControllerOptions). */
const SERVICE_ACCOUNTS_TO_ENSURE = ['default'];

const serviceaccounts = resource('serviceaccounts');

interface Namespace extends KObject { status?: { phase?: string } }

export class ServiceAccountsController extends Controller {
  private readonly namespaces: SharedInformer<Namespace>;
  private readonly serviceAccounts: SharedInformer<KObject>;

  constructor(ctx: ControllerContext) {
    super('serviceaccount', ctx, 1);
    this.namespaces = ctx.informers.for<Namespace>('namespaces');
    this.serviceAccounts = ctx.informers.for<KObject>('serviceaccounts');
    this.namespaces.addHandlers({
      add: (ns) => this.queue.add(ns.metadata.name),
      update: (_old, ns) => this.queue.add(ns.metadata.name),
    });
    this.serviceAccounts.addHandlers({
      delete: (sa) => { if (SERVICE_ACCOUNTS_TO_ENSURE.includes(sa.metadata.name)) this.queue.add(sa.metadata.namespace ?? ''); },
    });
  }

  protected async sync(namespace: string): Promise<void> {
    const ns = this.namespaces.get(undefined, namespace);
    if (!ns || (ns.status?.phase ?? 'Active') !== 'Active') return;
    for (const name of SERVICE_ACCOUNTS_TO_ENSURE) {
      if (this.serviceAccounts.get(namespace, name)) continue;
      try {
        await this.ctx.client.create(serviceaccounts, namespace, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace } });
      } catch (e) {
        // Already there (the cache lags), or the namespace went away or began terminating.
        if (isAlreadyExists(e) || apiErrorCode(e) === 404 || apiErrorCode(e) === 403) continue;
        throw e;
      }
    }
  }
}

export const newServiceAccountController: ControllerFactory = (ctx) => new ServiceAccountsController(ctx);
