// What the conformance suites share: running cases one by one as the e2e framework does
// (waiting for each case's namespaces to go), and the assertion of one case's test.

import { expect } from 'chai';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { formatTable, runConformance, type CaseResult } from '../../conformance/runner.ts';

/**
 * Waits (up to 60s) until the namespaces the runner deleted after a case are gone, as the e2e
 * framework's AfterEach does: the namespace controller must finish them, and leftover pods of
 * one case must not load the next.
 */
export async function waitForTerminatingNamespaces(core: CoreV1Api): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const terminating = (await core.listNamespace()).items.filter((ns) => ns.status?.phase === 'Terminating').map((ns) => ns.metadata?.name ?? '');
    if (terminating.length === 0) return;
    if (Date.now() > deadline) throw new Error(`namespaces still terminating after 60s: ${terminating.join(', ')}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * Run the cases one at a time against a cluster, waiting between them until the namespaces
 * each case deleted are gone; print the table; resolve with the results by case ID.
 */
export async function runEach(kubeconfig: string, ids: string[], timeoutMs: number): Promise<Map<string, CaseResult>> {
  const kc = new KubeConfig();
  kc.loadFromString(kubeconfig);
  const core = kc.makeApiClient(CoreV1Api);
  const results = new Map<string, CaseResult>();
  for (const id of ids) {
    const [r] = await runConformance({ kubeconfig, cases: [id], timeoutMs });
    results.set(r.id, r);
    await waitForTerminatingNamespaces(core);
  }
  console.log(`\n${formatTable([...results.values()], { errorWidth: 160 })}\n`);
  return results;
}

/** The assertion of one case's test: it ran and passed, else its error and the end of its log. */
export function expectPassed(results: ReadonlyMap<string, CaseResult>, id: string): void {
  const r = results.get(id);
  expect(r, `${id} did not run`).to.not.equal(undefined);
  if (r && r.outcome !== 'pass') {
    const detail = [`${id} ${r.outcome}: ${r.error ?? ''}`, `namespace: ${r.namespace ?? '-'}`, ...r.log.slice(-15)].join('\n  ');
    expect.fail(detail);
  }
}
