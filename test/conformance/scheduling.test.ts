// The scheduling conformance cases (SC-01, SC-02, SC-03, SC-07) against an in-process Skiff
// running the scheduler and three simulated nodes (one per zone): the conformance runner on
// each case in turn, the table printed, and one test per case asserting it passed. A failure
// here is the server's, scheduler's, node agent's (or the case's) to fix, never to skip.

import { expect } from 'chai';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { startSkiff, type Skiff } from '../../src/index.ts';
import { formatTable, runConformance, selectCases, type CaseResult } from '../../conformance/runner.ts';
import { waitForTerminatingNamespaces } from './namespaces.ts';

const IDS = ['SC-01', 'SC-02', 'SC-03', 'SC-07'];
const cases = await selectCases({ cases: IDS });

describe('conformance: scheduling against an in-process Skiff with a scheduler and 3 simulated nodes', function () {
  this.timeout(300_000);
  let skiff: Skiff | undefined;
  const results = new Map<string, CaseResult>();

  before(async function () {
    // The namespace controller finishes the namespace each case leaves behind (SC-01 and SC-03
    // leave an unschedulable pod the next case's WaitForStableCluster would otherwise wait for).
    skiff = await startSkiff({ scheduler: true, controllers: { names: ['namespace'] }, simNodes: { count: 3, zones: ['zone-a', 'zone-b', 'zone-c'] } });
    const kc = new KubeConfig();
    kc.loadFromString(skiff.kubeconfig);
    const core = kc.makeApiClient(CoreV1Api);
    const run: CaseResult[] = [];
    for (const c of cases) {
      const [r] = await runConformance({ kubeconfig: skiff.kubeconfig, cases: [c.id], timeoutMs: 60_000 });
      run.push(r);
      results.set(r.id, r);
      await waitForTerminatingNamespaces(core);
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
