// The scheduler as a component: `startScheduler(config)` runs the default-scheduler
// profile against an API server, as its own API client.

import type { ClientConfig } from '../client/rest.ts';
import { defaultProfile } from './plugins/index.ts';
import { DEFAULT_SCHEDULER_NAME, Scheduler, type SchedulerOptions } from './scheduler.ts';

export { Scheduler, DEFAULT_SCHEDULER_NAME, fitErrorMessage, type SchedulerOptions } from './scheduler.ts';

export async function startScheduler(config: ClientConfig, opts: Partial<SchedulerOptions> = {}): Promise<Scheduler> {
  const s = new Scheduler({ client: { userAgent: 'skiff-scheduler', ...config }, profiles: { [DEFAULT_SCHEDULER_NAME]: defaultProfile }, ...opts });
  await s.start();
  return s;
}
