// The latest probe result of each container, by container ID (upstream prober/results):
// one cache per probe type. Setting a different result tells the owner, which looks at the
// pod again (readiness feeds its status, liveness and startup failures restart containers).

export type Result = 'Success' | 'Failure' | 'Unknown';

export class ResultsManager {
  private readonly results = new Map<string, Result>();

  constructor(private readonly onUpdate: (containerId: string, result: Result) => void) {}

  get(containerId: string): Result | undefined {
    return this.results.get(containerId);
  }

  set(containerId: string, result: Result): void {
    if (this.results.get(containerId) === result) return;
    this.results.set(containerId, result);
    this.onUpdate(containerId, result);
  }

  remove(containerId: string): void {
    this.results.delete(containerId);
  }
}
