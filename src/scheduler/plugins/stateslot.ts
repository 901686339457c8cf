// A plugin's entry in the CycleState, with the last lookup remembered: Filter and Score
// run once per node against the same state, so the map lookup is done once per cycle.
// Only the owning plugin writes its key, and always through write().

import type { CycleState } from '../framework/types.ts';

export class StateSlot<T> {
  private cs: CycleState | undefined;
  private value: T | undefined;

  constructor(readonly key: string) {}

  write(cs: CycleState, value: T): void {
    cs.write(this.key, value);
    this.cs = cs;
    this.value = value;
  }

  read(cs: CycleState): T | undefined {
    if (cs !== this.cs) {
      this.cs = cs;
      this.value = cs.read<T>(this.key);
    }
    return this.value;
  }
}
