// The apps and garbage-collector/namespace conformance cases the controller manager enables
// (#5), against an in-process Skiff running the scheduler, every registered controller and
// three simulated nodes: the conformance runner on each case in turn, the table printed, and
// one test per case asserting it passed. Between cases the namespaces the runner deleted must
// vanish. A failure here is the server's, a controller's, the node agent's (or the case's) to
// fix, never to skip.

import { expect } from 'chai';
import { startSkiff, type Skiff } from '../../src/index.ts';
import { SimRuntime } from '../../src/agent/runtime/sim.ts';
import { selectCases, type CaseResult } from '../../conformance/runner.ts';
import { expectPassed, runEach } from './suite.ts';

const IDS = ['AM-03', 'AM-05', 'AM-10', 'AP-01', 'AP-02', 'AP-03', 'AP-05', 'AP-06', 'AP-09', 'AP-11', 'AP-13', 'AP-15', 'AP-23'];
const cases = await selectCases({ cases: IDS });

describe('conformance: apps and api-machinery cases of the controllers, against an in-process Skiff with 3 simulated nodes', function () {
  this.timeout(600_000);
  let skiff: Skiff | undefined;
  let results = new Map<string, CaseResult>();

  before(async function () {
    skiff = await startSkiff({ scheduler: true, controllers: true, simNodes: { count: 3, zones: ['zone-a', 'zone-b', 'zone-c'] } });
    // AP-06 rolls out to "webserver:404", an image no registry has: the simulated runtime must fail its pull as a real one would.
    for (const agent of skiff.nodes) if (agent.runtime instanceof SimRuntime) agent.runtime.failImagePull('webserver:404');
    results = await runEach(skiff.kubeconfig, cases.map((c) => c.id), 120_000);
  });

  after(async () => { await skiff?.close(); });

  it('selects the cases listed', () => {
    expect(cases.map((c) => c.id)).to.deep.equal(IDS);
  });

  for (const c of cases) {
    it(`${c.id} ${c.codename}`, () => {
      expectPassed(results, c.id);
    });
  }
});
