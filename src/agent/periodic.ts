// A pass the agent runs every period (image GC, log rotation, the eviction check): one at a
// time (a timer tick while a pass runs does nothing), unref'd, and awaited on stop.

export class PeriodicPass {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  /** onError gets what a pass threw; the next pass runs regardless. */
  constructor(private readonly pass: () => Promise<unknown>, private readonly onError: (e: Error) => void) {}

  /** Runs the pass every periodMs from now on (and at once with immediately). */
  start(periodMs: number, immediately = false): void {
    if (immediately) void this.run();
    this.timer = setInterval(() => void this.run(), periodMs);
    this.timer.unref();
  }

  /** A pass now, or the one already running. */
  run(): Promise<void> {
    this.running ??= this.pass()
      .then(() => undefined, (e: unknown) => this.onError(e as Error))
      .finally(() => { this.running = undefined; });
    return this.running;
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }
}
