// Leader election on a coordination.k8s.io/v1 Lease (client-go's leaderelection with a
// LeaseLock): candidates try to take or renew the lease every retry period; the holder leads
// while it renews within the renew deadline; another takes over only after the lease went
// unrenewed for its whole duration, measured on the candidate's own clock from when it last
// saw the record change (so clock skew between hosts does not matter).

import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { isConflict, isNotFound, resource, type RestClient } from '../client/rest.ts';
import type { Logger } from '../log.ts';

export interface LeaderElectionOptions {
  client: RestClient;
  namespace?: string;
  name: string;
  identity?: string;
  leaseDurationMs?: number;
  renewDeadlineMs?: number;
  retryPeriodMs?: number;
  logger: Logger;
  onStartedLeading(): void | Promise<void>;
  onStoppedLeading(): void | Promise<void>;
}

interface LeaseSpec {
  holderIdentity?: string;
  leaseDurationSeconds?: number;
  acquireTime?: string;
  renewTime?: string;
  leaseTransitions?: number;
}
interface Lease { metadata: { name: string; namespace?: string; resourceVersion?: string }; spec?: LeaseSpec }

const leases = resource('coordination.k8s.io/leases');

/** MicroTime as the API server writes it: RFC 3339 with six fractional digits. */
export const microTime = (d = new Date()): string => d.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');

export class LeaderElector {
  readonly identity: string;
  private leading = false;
  private stopped = false;
  private timer?: NodeJS.Timeout;
  private observed?: { record: string; at: number };
  private lastRenew = 0;
  private readonly ns: string;
  private readonly durationMs: number;
  private readonly deadlineMs: number;
  private readonly retryMs: number;

  constructor(private readonly o: LeaderElectionOptions) {
    this.identity = o.identity ?? `${hostname()}_${randomUUID()}`;
    this.ns = o.namespace ?? 'kube-system';
    this.durationMs = o.leaseDurationMs ?? 15_000;
    this.deadlineMs = o.renewDeadlineMs ?? 10_000;
    this.retryMs = o.retryPeriodMs ?? 2_000;
  }

  get isLeader(): boolean { return this.leading; }

  start(): void { void this.tick(); }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    if (this.leading) {
      this.leading = false;
      await this.release();
      await this.o.onStoppedLeading();
    }
  }

  private async tick(): Promise<void> {
    if (this.stopped) return;
    let ok = false;
    try {
      ok = await this.tryAcquireOrRenew();
    } catch (e) {
      this.o.logger.debug('leader election: lease update failed', { error: e instanceof Error ? e.message : String(e) });
    }
    if (this.stopped) return;
    const now = Date.now();
    if (ok) {
      this.lastRenew = now;
      if (!this.leading) {
        this.leading = true;
        this.o.logger.info(`leader election: ${this.identity} leads ${this.ns}/${this.o.name}`);
        await this.o.onStartedLeading();
      }
    } else if (this.leading && now - this.lastRenew > this.deadlineMs) {
      this.leading = false;
      this.o.logger.warn(`leader election: ${this.identity} lost ${this.ns}/${this.o.name}`);
      await this.o.onStoppedLeading();
    }
    if (!this.stopped) {
      this.timer = setTimeout(() => void this.tick(), this.retryMs);
      this.timer.unref?.();
    }
  }

  private async tryAcquireOrRenew(): Promise<boolean> {
    const now = new Date();
    let cur: Lease | undefined;
    try {
      cur = await this.o.client.get<Lease>(leases, this.ns, this.o.name);
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
    const spec: LeaseSpec = {
      holderIdentity: this.identity,
      leaseDurationSeconds: Math.round(this.durationMs / 1000),
      acquireTime: microTime(now),
      renewTime: microTime(now),
      leaseTransitions: 0,
    };
    if (!cur) {
      try {
        await this.o.client.create(leases, this.ns, { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: this.o.name, namespace: this.ns }, spec });
        return true;
      } catch (e) {
        if (isConflict(e)) return false;
        throw e;
      }
    }
    const old = cur.spec ?? {};
    const record = JSON.stringify(old);
    if (this.observed?.record !== record) this.observed = { record, at: now.getTime() };
    const held = old.holderIdentity && old.holderIdentity !== this.identity;
    const durationMs = (old.leaseDurationSeconds ?? 0) * 1000;
    if (held && this.observed.at + durationMs > now.getTime()) return false;
    if (old.holderIdentity === this.identity) {
      spec.acquireTime = old.acquireTime ?? spec.acquireTime;
      spec.leaseTransitions = old.leaseTransitions ?? 0;
    } else {
      spec.leaseTransitions = (old.leaseTransitions ?? 0) + 1;
    }
    try {
      await this.o.client.update(leases, this.ns, this.o.name, { ...cur, spec });
    } catch (e) {
      if (isConflict(e)) return false;
      throw e;
    }
    this.observed = { record: JSON.stringify(spec), at: now.getTime() };
    return true;
  }

  /** Give the lease up on a clean stop so a standby takes over at once (ReleaseOnCancel). */
  private async release(): Promise<void> {
    try {
      const cur = await this.o.client.get<Lease>(leases, this.ns, this.o.name);
      if (cur.spec?.holderIdentity !== this.identity) return;
      await this.o.client.update(leases, this.ns, this.o.name, {
        ...cur, spec: { ...cur.spec, holderIdentity: '', leaseDurationSeconds: 1, renewTime: microTime() },
      });
    } catch {
      // best effort: the lease expires anyway
    }
  }
}
