// A rate-limited, deduplicating work queue (client-go's workqueue): a key is queued at most
// once however often it is added, and never handed to two workers at once — a key added
// while a worker holds it is queued again when that worker is done. Failed keys come back
// after a per-key exponential backoff (5 ms doubling to 1000 s), within an overall token
// bucket (10 per second, bursts of 100), as upstream's default controller rate limiter.

const BASE_DELAY_MS = 5;
const MAX_DELAY_MS = 1000_000;
const BUCKET_QPS = 10;
const BUCKET_BURST = 100;

export class RateLimiter {
  private readonly failures = new Map<string, number>();
  private tokens = BUCKET_BURST;
  private last = Date.now();

  /** How long the key waits before its next try. */
  when(key: string): number {
    const n = this.failures.get(key) ?? 0;
    this.failures.set(key, n + 1);
    const exp = Math.min(BASE_DELAY_MS * 2 ** n, MAX_DELAY_MS);
    return Math.max(exp, this.bucketDelay());
  }

  private bucketDelay(): number {
    const now = Date.now();
    this.tokens = Math.min(BUCKET_BURST, this.tokens + ((now - this.last) / 1000) * BUCKET_QPS);
    this.last = now;
    this.tokens -= 1;
    return this.tokens >= 0 ? 0 : (-this.tokens / BUCKET_QPS) * 1000;
  }

  forget(key: string): void { this.failures.delete(key); }

  retries(key: string): number { return this.failures.get(key) ?? 0; }
}

export class WorkQueue {
  private readonly queue: string[] = [];
  private head = 0;
  private readonly dirty = new Set<string>();
  private readonly processing = new Set<string>();
  private readonly waiters: ((key: string | undefined) => void)[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private shuttingDown = false;
  readonly limiter = new RateLimiter();

  get length(): number { return this.queue.length - this.head; }

  add(key: string): void {
    if (this.shuttingDown || this.dirty.has(key)) return;
    this.dirty.add(key);
    if (this.processing.has(key)) return;
    const w = this.waiters.shift();
    if (w) {
      this.dirty.delete(key);
      this.processing.add(key);
      w(key);
      return;
    }
    this.queue.push(key);
  }

  addAfter(key: string, delayMs: number): void {
    if (this.shuttingDown) return;
    if (delayMs <= 0) return this.add(key);
    const t = setTimeout(() => { this.timers.delete(t); this.add(key); }, delayMs);
    t.unref?.();
    this.timers.add(t);
  }

  addRateLimited(key: string): void { this.addAfter(key, this.limiter.when(key)); }

  forget(key: string): void { this.limiter.forget(key); }

  /** The next key (the caller owns it until done(key)), or undefined once shut down. */
  get(): Promise<string | undefined> {
    if (this.length > 0) {
      const key = this.queue[this.head++];
      if (this.head > 1024 && this.head * 2 > this.queue.length) { this.queue.splice(0, this.head); this.head = 0; }
      this.dirty.delete(key);
      this.processing.add(key);
      return Promise.resolve(key);
    }
    if (this.shuttingDown) return Promise.resolve(undefined);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  done(key: string): void {
    this.processing.delete(key);
    if (this.dirty.has(key)) {
      this.dirty.delete(key);
      this.add(key);
    }
  }

  shutDown(): void {
    this.shuttingDown = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    for (const w of this.waiters.splice(0)) w(undefined);
  }
}
