// What a conformance case is, what it gets to work with, and what a run reports.

import type { CoordinationV1Api, CoreV1Api, DiscoveryV1Api, EventsV1Api, KubeConfig, VersionApi } from '@kubernetes/client-node';
import type { Query, RestClient } from './client.ts';
import type { KObject } from './json.ts';
import type { WatchStream } from './watch.ts';

/** The PUBLIC.md needs classes. */
export type CaseClass = 'API' | 'API+ctrl' | 'run' | 'net';

export type PodSecurityLevel = 'privileged' | 'baseline' | 'restricted';

export interface ConformanceCase {
  /** PUBLIC.md ID, e.g. AM-01. */
  id: string;
  /** The exact upstream codename (what --ginkgo.focus would select). */
  codename: string;
  class: CaseClass;
  /** What the case needs from the cluster beyond its class. */
  needs?: string;
  /** Base name of the test namespace: the argument of the upstream framework.NewDefaultFramework. */
  baseName?: string;
  /** The pod-security level the upstream test asks for its namespace (default restricted). */
  podSecurity?: PodSecurityLevel;
  run(ctx: CaseContext): Promise<void>;
}

export interface CaseContext {
  /** The case's fresh test namespace (`<baseName>-<random>`). */
  readonly namespace: string;
  readonly kc: KubeConfig;
  readonly rest: RestClient;
  readonly core: CoreV1Api;
  readonly events: EventsV1Api;
  readonly coordination: CoordinationV1Api;
  readonly discovery: DiscoveryV1Api;
  readonly version: VersionApi;
  /** Aborted when the case times out. */
  readonly signal: AbortSignal;
  /** How long "expect no event" style checks wait. */
  readonly quietPeriodMs: number;
  /** Milliseconds left before the case times out. */
  remaining(): number;
  /** ginkgo.By: names the step that an error is attributed to. */
  step(what: string): void;
  log(line: string): void;
  /** Ends the case as skipped. */
  skip(reason: string): never;
  /** framework.CreateNamespace: `<baseName>-<random>`, deleted after the case. */
  createNamespace(baseName: string, labels?: Record<string, string>): Promise<KObject>;
  /** Opens a watch that is closed after the case. */
  watch<T extends KObject = KObject>(path: string, query?: Query): Promise<WatchStream<T>>;
}

export type Outcome = 'pass' | 'fail' | 'skip';

export interface CaseResult {
  id: string;
  codename: string;
  class: CaseClass;
  outcome: Outcome;
  seconds: number;
  /** The failure or skip reason (first line is what the table shows). */
  error?: string;
  namespace?: string;
  /** The ginkgo.By steps that ran, in order. */
  steps: string[];
  log: string[];
}

export class SkipError extends Error {
  constructor(reason: string) { super(reason); this.name = 'SkipError'; }
}

/** A failed expectation (framework.Failf / gomega). */
export class Failure extends Error {
  constructor(message: string) { super(message); this.name = 'Failure'; }
}
