// The scheduling conformance cases (SC-01, SC-02, SC-03, SC-07) against an in-process Skiff
// running the scheduler and three simulated nodes (one per zone): the conformance runner on
// each case in turn, the table printed, and one test per case asserting it passed. A failure
// here is the server's, scheduler's, node agent's (or the case's) to fix, never to skip.

import { expect } from 'chai';
import { startSkiff, type Skiff } from '../../src/index.ts';
import { selectCases, type CaseResult } from '../../conformance/runner.ts';
import { expectPassed, runEach } from './suite.ts';

const IDS = ['SC-01', 'SC-02', 'SC-03', 'SC-07'];
const cases = await selectCases({ cases: IDS });

describe('conformance: scheduling against an in-process Skiff with a scheduler and 3 simulated nodes', function () {
  this.timeout(300_000);
  let skiff: Skiff | undefined;
  let results = new Map<string, CaseResult>();

  before(async function () {
    // The namespace controller finishes the namespace each case leaves behind (SC-01 and SC-03
    // leave an unschedulable pod the next case's WaitForStableCluster would otherwise wait for).
    skiff = await startSkiff({ scheduler: true, controllers: { names: ['namespace'] }, simNodes: { count: 3, zones: ['zone-a', 'zone-b', 'zone-c'] } });
    results = await runEach(skiff.kubeconfig, cases.map((c) => c.id), 60_000);
  });

  after(async () => { await skiff?.close(); });

  it('selects the four scheduling cases of PUBLIC.md', () => {
    expect(cases.map((c) => c.id)).to.deep.equal(IDS);
  });

  for (const c of cases) {
    it(`${c.id} ${c.codename}`, () => {
      expectPassed(results, c.id);
    });
  }
});
