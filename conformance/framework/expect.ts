// Assertions with e2e-framework flavour: ExpectNoError, Failf, gomega Equal/HaveLen, plus
// retry.RetryOnConflict and wait.Poll.

import { apiErrorOf, isConflict } from './client.ts';
import { brief, semanticDiff } from './json.ts';
import { Failure } from './types.ts';

export function fail(message: string): never {
  throw new Failure(message);
}

/** A one-line description of any error, API errors as "<code> <reason>: <message>". */
export function describeError(e: unknown): string {
  const a = apiErrorOf(e);
  if (a) return `${a.code}${a.reason ? ` ${a.reason}` : ''}: ${a.message}`;
  if (e instanceof Error) return e.message;
  return String(e);
}

/** framework.ExpectNoError around a call: awaits it, failing with `what` on any error. */
export async function must<T>(p: Promise<T>, what: string): Promise<T> {
  try {
    return await p;
  } catch (e) {
    if (e instanceof Failure) throw e;
    throw new Failure(`${what}: ${describeError(e)}`);
  }
}

/** gomega.HaveOccurred around a call: the call must fail; returns its error. */
export async function mustFail(p: Promise<unknown>, what: string): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  return fail(what);
}

export function expectEqual<T>(actual: T, expected: T, what: string): void {
  if (actual !== expected) fail(`${what}: expected ${brief(expected)}, got ${brief(actual)}`);
}

export function expectTrue(cond: boolean, what: string): void {
  if (!cond) fail(what);
}

export function expectLen(items: readonly unknown[] | undefined, n: number, what: string): void {
  const len = items?.length ?? 0;
  if (len !== n) fail(`${what}: expected ${n} items, got ${len}`);
}

/** apiequality.Semantic.DeepEqual(expected, actual), failing with the first difference. */
export function expectSemanticEqual(expected: unknown, actual: unknown, what: string): void {
  const d = semanticDiff(expected, actual);
  if (d) fail(`${what} (expected != actual at ${d})`);
}

/** retry.RetryOnConflict(retry.DefaultRetry, fn): up to 5 attempts, ~10ms apart. */
export async function retryOnConflict<T>(fn: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (e) {
      if (!isConflict(e) || attempt >= 5) throw e;
      await sleep(10 + Math.random());
    }
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/**
 * wait.PollUntilContextTimeout(interval, timeout, immediate=true, cond): true ends the wait,
 * an error aborts it, timing out fails with `what`.
 */
export async function poll(intervalMs: number, timeoutMs: number, cond: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await cond()) return;
    if (Date.now() + intervalMs > deadline) fail(`${what}: timed out after ${Math.round(timeoutMs / 1000)}s`);
    await sleep(intervalMs);
  }
}

/** The error a call ends with, or undefined when it succeeds. */
export async function errorOf(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
    return undefined;
  } catch (e) {
    return e;
  }
}
