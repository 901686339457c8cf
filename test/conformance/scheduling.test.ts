// The scheduling conformance cases (SC-01, SC-02, SC-03, SC-07) against an in-process Skiff
// running the scheduler and three simulated nodes (one per zone): the conformance runner on
// each case in turn, the table printed, and one test per case asserting it passed. A failure
// here is the server's, scheduler's, node agent's (or the case's) to fix, never to skip.

import { expect } from 'chai';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { startSkiff, type Skiff } from '../../src/index.ts';
import { formatTable, runConformance, selectCases, type CaseResult } from '../../conformance/runner.ts';

const IDS = ['SC-01', 'SC-02', 'SC-03', 'SC-07'];
const cases = await selectCases({ cases: IDS });

/**
 * Stands in for the namespace controller Skiff does not have yet: deletes the pods of every
 * Terminating namespace and waits (up to 30s) until they are gone. The runner only issues the
 * delete of a case's namespace, and SC-01 and SC-03 each leave an unschedulable pod behind,
 * which the next of them would wait for in vain (WaitForStableCluster wants every live pod in
 * the cluster bound). Remove this once namespaces finish deleting on their own.
 */
async function finishNamespaceDeletion(core: CoreV1Api): Promise<void> {
  const terminating = (await core.listNamespace()).items.filter((ns) => ns.status?.phase === 'Terminating').map((ns) => ns.metadata?.name ?? '');
  for (const namespace of terminating) await core.deleteCollectionNamespacedPod({ namespace });
  const deadline = Date.now() + 30_000;
  for (;;) {
    let left = 0;
    for (const namespace of terminating) left += (await core.listNamespacedPod({ namespace })).items.length;
    if (left === 0) return;
    if (Date.now() > deadline) throw new Error(`${left} pods still in terminating namespaces ${terminating.join(', ')}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('conformance: scheduling against an in-process Skiff with a scheduler and 3 simulated nodes', function () {
  this.timeout(300_000);
  let skiff: Skiff | undefined;
  const results = new Map<string, CaseResult>();

  before(async function () {
    skiff = await startSkiff({ scheduler: true, simNodes: { count: 3, zones: ['zone-a', 'zone-b', 'zone-c'] } });
    const kc = new KubeConfig();
    kc.loadFromString(skiff.kubeconfig);
    const core = kc.makeApiClient(CoreV1Api);
    const run: CaseResult[] = [];
    for (const c of cases) {
      const [r] = await runConformance({ kubeconfig: skiff.kubeconfig, cases: [c.id], timeoutMs: 60_000 });
      run.push(r);
      results.set(r.id, r);
      await finishNamespaceDeletion(core);
    }
    console.log(`\n${formatTable(run, { errorWidth: 160 })}\n`);
  });

  after(async () => { await skiff?.close(); });

  it('selects the four scheduling cases of PUBLIC.md', () => {
    expect(cases.map((c) => c.id)).to.deep.equal(IDS);
  });

  for (const c of cases) {
    it(`${c.id} ${c.codename}`, () => {
      const r = results.get(c.id);
      expect(r, `${c.id} did not run`).to.not.equal(undefined);
      if (r && r.outcome !== 'pass') {
        const detail = [`${c.id} ${r.outcome}: ${r.error ?? ''}`, `namespace: ${r.namespace ?? '-'}`, ...r.log.slice(-15)].join('\n  ');
        expect.fail(detail);
      }
    });
  }
});
