// Controller expectations (upstream pkg/controller ControllerExpectations): a controller that
// has just asked for N creates or deletes does not act on its owner again until the
// informer has shown it all N (or five minutes pass), so it never over-creates or
// over-deletes while its own writes are still on their way back through the watch.

const EXPECTATIONS_TTL_MS = 5 * 60_000;

interface Expectation { add: number; del: number; at: number }

export class Expectations {
  private readonly byKey = new Map<string, Expectation>();

  /** True when the controller may act on key: nothing pending, or the record expired. */
  satisfied(key: string): boolean {
    const e = this.byKey.get(key);
    if (!e) return true;
    if (e.add <= 0 && e.del <= 0) return true;
    return Date.now() - e.at > EXPECTATIONS_TTL_MS;
  }

  expectCreations(key: string, n: number): void { this.byKey.set(key, { add: n, del: 0, at: Date.now() }); }

  expectDeletions(key: string, n: number): void { this.byKey.set(key, { add: 0, del: n, at: Date.now() }); }

  /** An observed create (the informer's add), or a create that failed and will never be observed. */
  creationObserved(key: string): void {
    const e = this.byKey.get(key);
    if (e) e.add--;
  }

  deletionObserved(key: string): void {
    const e = this.byKey.get(key);
    if (e) e.del--;
  }

  delete(key: string): void { this.byKey.delete(key); }
}

/**
 * Deletions tracked by the deleted objects' keys (upstream UIDTrackingControllerExpectations):
 * a delete is observed once, whether it arrives as the final DELETED event or as the first
 * update carrying a deletionTimestamp.
 */
export class UIDTrackingExpectations extends Expectations {
  private readonly pending = new Map<string, Set<string>>();

  expectDeletionsOf(key: string, podKeys: string[]): void {
    this.pending.set(key, new Set(podKeys));
    this.expectDeletions(key, podKeys.length);
  }

  deletionObservedOf(key: string, podKey: string): void {
    const set = this.pending.get(key);
    if (set?.delete(podKey)) this.deletionObserved(key);
  }

  override delete(key: string): void {
    this.pending.delete(key);
    super.delete(key);
  }
}
