// The one storage contract (after kine's Backend): a revisioned key-value store with a
// change log. Every write gets the next global revision; watches replay the log from any
// retained revision. The LMDB backend is the embedded default; others sit beside it.

export interface KeyValue {
  key: string;
  /** Serialised object (JSON), produced by the writer once its revision is known. */
  value: string;
  createRevision: number;
  modRevision: number;
}

export interface Event {
  type: 'put' | 'delete';
  revision: number;
  key: string;
  /** The new value for puts; undefined for deletes. */
  kv?: KeyValue;
  /**
   * The value before this event: always for deletes; for replayed puts when still within the
   * retained window; live puts omit it (watchers that keep state already have it).
   */
  prevKv?: KeyValue;
}

/** Produces the stored bytes given the revision the write is assigned (so objects can carry their resourceVersion). */
export type Encoder = (revision: number) => string;

export interface ListResult {
  revision: number;
  kvs: KeyValue[];
  /** More keys exist past the last one returned. */
  more: boolean;
}

export class KeyExistsError extends Error {
  constructor(readonly key: string) { super(`key exists: ${key}`); }
}

export class KeyNotFoundError extends Error {
  constructor(readonly key: string) { super(`key not found: ${key}`); }
}

/** The expected revision of a guarded update or delete did not match. */
export class RevisionConflictError extends Error {
  constructor(readonly key: string, readonly expected: number, readonly actual: number) {
    super(`revision conflict on ${key}: expected ${expected}, found ${actual}`);
  }
}

/** The requested revision is older than the compacted window. */
export class CompactedError extends Error {
  constructor(readonly requested: number, readonly compacted: number) {
    super(`required revision ${requested} has been compacted (oldest available ${compacted + 1})`);
  }
}

export type WatchCallback = (events: Event[]) => void;

export interface Backend {
  /** The revision of the last acknowledged write. */
  currentRevision(): number;
  /** Revisions at or below this one are gone from the log. */
  compactRevision(): number;
  get(key: string): Promise<KeyValue | undefined>;
  /** Keys with the prefix, in key order, strictly after startKey, at the current revision. */
  list(prefix: string, options?: { startKey?: string; limit?: number }): Promise<ListResult>;
  create(key: string, encode: Encoder): Promise<KeyValue>;
  /** Replace the value if its modRevision is still expectedRevision. */
  update(key: string, expectedRevision: number, encode: Encoder): Promise<KeyValue>;
  /** Remove the key if its modRevision is still expectedRevision (or unconditionally when omitted). */
  delete(key: string, expectedRevision?: number): Promise<{ revision: number; prevKv: KeyValue }>;
  /** Resolves once every write issued so far is acknowledged (or failed). */
  sync(): Promise<void>;
  /**
   * Deliver every event with revision > fromRevision, in order, exactly once, then live ones.
   * Throws CompactedError when fromRevision is older than the retained log. Returns a stop function.
   */
  watch(fromRevision: number, callback: WatchCallback): () => void;
  /** Drop log entries at or below revision. */
  compact(revision: number): Promise<void>;
  close(): Promise<void>;
}
