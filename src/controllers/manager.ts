// The controller manager: one API client, shared informers, an event recorder per controller,
// and the enabled controllers, all running only while this copy holds the leader Lease
// (kube-system/kube-controller-manager), so two copies never both act.

import { EventRecorder } from '../client/events.ts';
import { RestClient, type ClientConfig } from '../client/rest.ts';
import { createLogger, type Logger } from '../log.ts';
import type { Controller, ControllerContext, ControllerOptions } from './framework/controller.ts';
import { InformerFactory } from './framework/informers.ts';
import { LeaderElector } from './leaderelection.ts';
import { CONTROLLERS, type ControllerFactory } from './registry.ts';

export interface ControllerManagerOptions {
  /** Controllers to run by name; default all. '-name' disables one (as --controllers=*,-name). */
  controllers?: string[];
  /** Controllers beyond (or instead of) the registry's, by name: for tests of one not yet registered. */
  factories?: Record<string, ControllerFactory>;
  /** Take the leader Lease before acting (default true). */
  leaderElect?: boolean;
  leaseDurationMs?: number;
  renewDeadlineMs?: number;
  retryPeriodMs?: number;
  options?: ControllerOptions;
  logger?: Logger;
}

export interface ControllerManager {
  /** Settles once this copy leads and its controllers' caches are synced. */
  readonly leading: Promise<void>;
  readonly controllers: ReadonlyMap<string, Controller>;
  stop(): Promise<void>;
}

export function enabledControllers(wanted: string[] | undefined, known: Record<string, ControllerFactory> = CONTROLLERS): string[] {
  const all = Object.keys(known);
  if (!wanted || wanted.length === 0) return all;
  const off = new Set(wanted.filter((w) => w.startsWith('-')).map((w) => w.slice(1)));
  const on = wanted.includes('*') ? all : wanted.filter((w) => !w.startsWith('-'));
  for (const n of on) if (!known[n]) throw new Error(`unknown controller ${n} (known: ${all.join(', ')})`);
  return on.filter((n) => !off.has(n));
}

export async function startControllerManager(config: ClientConfig, o: ControllerManagerOptions = {}): Promise<ControllerManager> {
  const logger = o.logger ?? createLogger('info', 'controller-manager');
  const known = { ...CONTROLLERS, ...o.factories };
  const names = enabledControllers(o.controllers, known);
  // Every shared informer holds a connection for its watch (the garbage collector alone has one
  // per served kind), so the pool must be well above the informer count to leave room for writes.
  const client = new RestClient({ ...config, userAgent: config.userAgent ?? 'kube-controller-manager/skiff', maxSockets: config.maxSockets ?? 256 });
  let running: { informers: InformerFactory; controllers: Map<string, Controller> } | undefined;
  const controllers = new Map<string, Controller>();
  let leadingResolve!: () => void;
  const leading = new Promise<void>((r) => { leadingResolve = r; });

  const startLeading = async () => {
    const informers = new InformerFactory(client, (e) => logger.debug('informer error', { error: e.message }));
    const recorders = new Map<string, EventRecorder>();
    const ctx: ControllerContext = {
      client,
      informers,
      recorder: (component) => {
        let r = recorders.get(component);
        if (!r) recorders.set(component, (r = new EventRecorder(client, component, undefined, { maxInFlight: 8 })));
        return r;
      },
      logger,
      options: o.options ?? {},
    };
    const mine = new Map<string, Controller>();
    for (const n of names) mine.set(n, await known[n](ctx));
    running = { informers, controllers: mine };
    informers.start();
    await informers.synced();
    if (running?.controllers !== mine) return; // lost the lease while syncing
    for (const [n, c] of mine) { c.run(); controllers.set(n, c); }
    logger.info(`controller manager: running ${names.join(', ')}`);
    leadingResolve();
  };
  const stopLeading = async () => {
    const r = running;
    running = undefined;
    controllers.clear();
    if (!r) return;
    await Promise.all([...r.controllers.values()].map((c) => c.stop()));
    await r.informers.stop();
  };

  let elector: LeaderElector | undefined;
  if (o.leaderElect === false) {
    await startLeading();
  } else {
    elector = new LeaderElector({
      client, name: 'kube-controller-manager', logger,
      leaseDurationMs: o.leaseDurationMs, renewDeadlineMs: o.renewDeadlineMs, retryPeriodMs: o.retryPeriodMs,
      onStartedLeading: startLeading, onStoppedLeading: stopLeading,
    });
    elector.start();
  }
  return {
    leading,
    controllers,
    async stop() {
      if (elector) await elector.stop();
      else await stopLeading();
      client.close();
    },
  };
}
