// Writes pod statuses to the API (upstream status manager). Pod workers hand in the status
// they want; the manager writes it with one merge patch of pods/status (no resourceVersion,
// so no conflicts with other writers; metadata.uid makes it fail for a pod re-created under
// the same name). Statuses that arrive while a write is in flight are coalesced: only the
// newest is written after it. An unchanged status is never written again.

import { apiErrorCode, resource, type ApiError, type RestClient } from '../client/rest.ts';
import type { Logger } from '../log.ts';
import type { Pod, PodStatus } from './types.ts';

const pods = resource('pods');
const RETRY_MIN_MS = 500;
const RETRY_MAX_MS = 30_000;

interface Entry {
  namespace: string;
  name: string;
  uid: string;
  desired?: PodStatus;
  desiredJson?: string;
  writtenJson?: string;
  writing?: Promise<void>;
  /** The pod is gone (or replaced): nothing more is written for it. */
  gone: boolean;
}

export class StatusManager {
  private readonly entries = new Map<string, Entry>();
  private closed = false;
  /** Status writes sent (for tests and benchmarks). */
  writes = 0;

  constructor(private readonly client: RestClient, private readonly log: Logger) {}

  /** Asks for the pod's status to become this. */
  setPodStatus(pod: Pod, status: PodStatus): void {
    const uid = pod.metadata.uid ?? '';
    let e = this.entries.get(uid);
    if (!e) {
      e = { namespace: pod.metadata.namespace ?? 'default', name: pod.metadata.name, uid, gone: false };
      this.entries.set(uid, e);
    }
    const json = JSON.stringify(status);
    if (json === e.desiredJson || e.gone) return;
    e.desired = status;
    e.desiredJson = json;
    e.writing ??= this.write(e).finally(() => { if (e) e.writing = undefined; });
  }

  /** Resolves once everything asked for this pod so far is written (or cannot be). */
  async flush(uid: string): Promise<void> {
    const e = this.entries.get(uid);
    while (e?.writing) await e.writing;
  }

  /** The status last written for the pod, if any. */
  written(uid: string): PodStatus | undefined {
    const e = this.entries.get(uid);
    return e?.writtenJson ? (JSON.parse(e.writtenJson) as PodStatus) : undefined;
  }

  forget(uid: string): void {
    this.entries.delete(uid);
  }

  close(): void {
    this.closed = true;
  }

  private async write(e: Entry): Promise<void> {
    let delay = RETRY_MIN_MS;
    while (!this.closed && !e.gone && e.desiredJson !== e.writtenJson) {
      const json = e.desiredJson;
      try {
        this.writes++;
        await this.client.patch(pods, e.namespace, e.name, 'merge', { metadata: { uid: e.uid }, status: e.desired }, { subresource: 'status', discardResponse: true });
        e.writtenJson = json;
        delay = RETRY_MIN_MS;
      } catch (err) {
        if ([404, 409, 422].includes(apiErrorCode(err) ?? 0)) {
          // Deleted, or a different pod by now: its status is no longer ours to write.
          e.gone = true;
          this.log.debug('pod status not written', { pod: `${e.namespace}/${e.name}`, reason: (err as ApiError).reason, message: (err as Error).message });
          return;
        }
        this.log.warn('writing pod status failed, retrying', { pod: `${e.namespace}/${e.name}`, error: (err as Error).message, retryInMs: delay });
        await new Promise((r) => setTimeout(r, delay).unref());
        delay = Math.min(delay * 2, RETRY_MAX_MS);
      }
    }
  }
}
