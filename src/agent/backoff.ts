// Per-key exponential back-off (upstream client-go flowcontrol.Backoff), for container
// restarts (CrashLoopBackOff) and image pulls (ImagePullBackOff): the delay starts at the
// base, doubles on every step up to the maximum, and starts over once a key has been
// quiet for twice the maximum.

interface Entry { delayMs: number; lastUpdate: number }

export class Backoff {
  private readonly entries = new Map<string, Entry>();

  constructor(readonly baseMs: number, readonly maxMs: number) {}

  private expired(entry: Entry, at: number): boolean {
    return at - entry.lastUpdate > 2 * this.maxMs;
  }

  /** The current delay of the key (0 when it has none). */
  get(key: string): number {
    return this.entries.get(key)?.delayMs ?? 0;
  }

  /** Steps the key's delay (eventTime: when what is being backed off last happened). */
  next(key: string, eventTime: number, now = Date.now()): void {
    const e = this.entries.get(key);
    if (!e || this.expired(e, eventTime)) this.entries.set(key, { delayMs: this.baseMs, lastUpdate: now });
    else this.entries.set(key, { delayMs: Math.min(e.delayMs * 2, this.maxMs), lastUpdate: now });
  }

  /** Whether, measured from eventTime, the key is still within its delay. */
  inBackoffSince(key: string, eventTime: number, now = Date.now()): boolean {
    const e = this.entries.get(key);
    if (!e || this.expired(e, now)) return false;
    return now - eventTime < e.delayMs;
  }

  /** Whether the key's delay has not yet passed since its last step. */
  inBackoffSinceUpdate(key: string, now = Date.now()): boolean {
    const e = this.entries.get(key);
    if (!e || this.expired(e, now)) return false;
    return now - e.lastUpdate < e.delayMs;
  }

  /** When the delay since the last step ends. */
  updateExpiresAt(key: string): number | undefined {
    const e = this.entries.get(key);
    return e && e.lastUpdate + e.delayMs;
  }

  reset(key: string): void {
    this.entries.delete(key);
  }
}
