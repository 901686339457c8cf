// Event recording (client-go's record.EventRecorder with its EventCorrelator, reduced):
// components write core/v1 Events about the objects they act on, and a repeat of the
// same event (same object, type, reason and message) within ten minutes bumps the
// existing Event's count and lastTimestamp instead of writing a new one. Recording is
// fire-and-forget: an event that cannot be written never fails the caller's work.

import { resource, type RestClient } from './rest.ts';
import type { KObject } from './informer.ts';

export interface ObjectReference {
  apiVersion?: string;
  kind: string;
  namespace?: string;
  name: string;
  uid?: string;
  resourceVersion?: string;
  fieldPath?: string;
}

const events = resource('events');
const CORRELATION_WINDOW_MS = 10 * 60_000;
const MAX_REMEMBERED = 4096;

interface Seen { name: string; namespace: string; count: number; first: string; at: number }

export interface EventRecorderOptions {
  /**
   * Most event writes in flight at once (default: no limit); the others wait their turn, and
   * past a thousand waiting new ones are dropped, as client-go's broadcaster does. Each write
   * in flight may hold a connection of the client's pool, which adds up over many clients.
   */
  maxInFlight?: number;
}

const MAX_QUEUED = 1000;

export function referenceTo(obj: KObject, kind: string, apiVersion = 'v1'): ObjectReference {
  return {
    apiVersion,
    kind,
    namespace: obj.metadata.namespace,
    name: obj.metadata.name,
    uid: obj.metadata.uid,
    resourceVersion: obj.metadata.resourceVersion,
  };
}

export class EventRecorder {
  private readonly seen = new Map<string, Seen>();
  private inFlight = 0;
  private readonly queued: (() => void)[] = [];

  constructor(private readonly client: RestClient, private readonly component: string, private readonly host?: string, private readonly options: EventRecorderOptions = {}) {}

  event(ref: ObjectReference, type: 'Normal' | 'Warning', reason: string, message: string): void {
    const run = () => {
      this.inFlight++;
      void this.record(ref, type, reason, message).catch(() => undefined).finally(() => {
        this.inFlight--;
        this.queued.shift()?.();
      });
    };
    const limit = this.options.maxInFlight;
    if (limit === undefined || this.inFlight < limit) run();
    else if (this.queued.length < MAX_QUEUED) this.queued.push(run);
  }

  private async record(ref: ObjectReference, type: string, reason: string, message: string): Promise<void> {
    const namespace = ref.namespace || 'default';
    const key = `${ref.kind}\0${namespace}\0${ref.name}\0${ref.uid ?? ''}\0${type}\0${reason}\0${message}`;
    const now = new Date();
    const ts = now.toISOString().replace(/\.\d+Z$/, 'Z');
    const prior = this.seen.get(key);
    if (prior && now.getTime() - prior.at < CORRELATION_WINDOW_MS) {
      prior.count++;
      prior.at = now.getTime();
      this.seen.delete(key);
      this.seen.set(key, prior);
      try {
        await this.client.patch(events, prior.namespace, prior.name, 'merge', { count: prior.count, lastTimestamp: ts }, { discardResponse: true });
        return;
      } catch {
        // The event expired or was deleted: write a new one.
      }
    }
    const name = `${ref.name}.${(BigInt(now.getTime()) * 1_000_000n + BigInt(Math.floor(Math.random() * 1e6))).toString(16)}`;
    const source = this.host ? { component: this.component, host: this.host } : { component: this.component };
    await this.client.create(events, namespace, {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name, namespace },
      involvedObject: ref,
      reason,
      message,
      type,
      source,
      count: 1,
      firstTimestamp: ts,
      lastTimestamp: ts,
      reportingComponent: this.component,
      reportingInstance: this.host ?? '',
    }, undefined, undefined, { discardResponse: true });
    this.seen.set(key, { name, namespace, count: 1, first: ts, at: now.getTime() });
    if (this.seen.size > MAX_REMEMBERED) this.seen.delete(this.seen.keys().next().value as string);
  }
}
