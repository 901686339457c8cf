// The node-volumes conformance cases (ConfigMap, Secret, downward API, projected, emptyDir and
// subPath volumes, upstream test/e2e/common/storage and test/e2e/storage) on real containers:
// an in-process Skiff whose host node runs pods in containerd, the runner on each case in
// turn, the table printed, and one test per case asserting it passed. Between cases the
// namespaces the runner deleted must vanish. A failure here is the agent's, the runtime's,
// the server's (or the case's) to fix, never to skip.

import { expect } from 'chai';
import type { Skiff } from '../../src/index.ts';
import { selectCases, type CaseResult } from '../../conformance/runner.ts';
import { describeRealRuntime, startRealSkiff } from '../e2e/runtime-harness.ts';
import { expectPassed, runEach } from './suite.ts';

/**
 * The cases that pass on the real runtime today. NV-38 (5 pods x 50 ConfigMap volumes, three
 * rounds) is the slowest; the volume-update cases keep a mounttest loop running until their
 * namespace goes.
 */
const IDS = ['NV-01', 'NV-02', 'NV-11', 'NV-38', 'NV-39', 'NV-49', 'NV-59', 'NV-60', 'NV-61', 'NV-76'];

/**
 * Left out until the agent serves the logs of a finished pod: every case built on
 * e2epodoutput.TestContainerOutput runs its pod to Succeeded and then reads the container's
 * log, but the pod worker removes a terminal pod's containers from the runtime at once
 * (PodWorker.releaseSandbox after markTerminal, src/agent/podworker.ts) and the agent's
 * pods/log finds only runtime containers (AgentServer.logTarget, src/agent/server/index.ts),
 * so the log request answers 400 "waiting to start - no logs yet". Upstream keeps a
 * finished pod's containers until the pod is deleted. With that fixed, all of these passed.
 */
const BLOCKED_BY_FINISHED_POD_LOGS = [
  'NV-04', 'NV-05', 'NV-06', 'NV-09', 'NV-12', 'NV-14', 'NV-15', 'NV-16', 'NV-18', 'NV-20',
  'NV-24', 'NV-25', 'NV-26', 'NV-33', 'NV-34', 'NV-35', 'NV-36', 'NV-37', 'NV-40',
  'NV-42', 'NV-43', 'NV-44', 'NV-45', 'NV-46', 'NV-47', 'NV-48', 'NV-50', 'NV-52', 'NV-53', 'NV-54', 'NV-55', 'NV-56',
  'NV-62', 'NV-63', 'NV-65', 'NV-66', 'NV-67', 'NV-70', 'NV-73', 'NV-74', 'NV-77', 'NV-78', 'NV-80', 'NV-81',
];

const cases = await selectCases({ cases: IDS });

describeRealRuntime('conformance: node-volumes cases on real containers (in-process Skiff, host node on containerd)', function () {
  this.timeout(900_000);
  let skiff: Skiff | undefined;
  let results = new Map<string, CaseResult>();

  before(async function () {
    skiff = await startRealSkiff();
    results = await runEach(skiff.kubeconfig, cases.map((c) => c.id), 300_000);
  });

  after(async () => { await skiff?.close(); });

  it('selects the cases listed', () => {
    expect(cases.map((c) => c.id)).to.deep.equal(IDS);
  });

  it('runs every node-volumes case not left out for a named Skiff bug', async () => {
    const all = (await selectCases({ focus: /^NV-/ })).map((c) => c.id);
    expect(IDS.filter((id) => BLOCKED_BY_FINISHED_POD_LOGS.includes(id))).to.deep.equal([]);
    expect([...IDS, ...BLOCKED_BY_FINISHED_POD_LOGS].sort()).to.deep.equal([...all].sort());
  });

  for (const c of cases) {
    it(`${c.id} ${c.codename}`, () => {
      expectPassed(results, c.id);
    });
  }
});
