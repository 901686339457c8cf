// Allocation failures, with upstream's ipallocator / portallocator messages. Plain Errors,
// so callers wrap them into field errors (e.g. `failed to allocate IP 10.0.0.1: <message>`).

export type AllocationFailure = 'NotInRange' | 'AlreadyAllocated' | 'Full' | 'Invalid';

export class AllocationError extends Error {
  constructor(readonly failure: AllocationFailure, message: string) {
    super(message);
    this.name = 'AllocationError';
  }
}

export const isAllocationError = (e: unknown): e is AllocationError => e instanceof AllocationError;
