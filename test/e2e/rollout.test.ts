// kubectl's rollout commands against a Skiff with its scheduler, three simulated nodes and the
// ReplicaSet and Deployment controllers: create deployment, rollout status, set image,
// rollout history (with change-cause), rollout undo, pause/resume, restart, and scale.

import { expect } from 'chai';
import { sleep } from '../helpers.ts';
import { KubectlHarness } from './harness.ts';
import { newReplicaSetController } from '../../src/controllers/replicaset.ts';
import { newDeploymentController } from '../../src/controllers/deployment/controller.ts';

describe('kubectl e2e: deployment rollouts', function () {
  this.timeout(120_000);
  const h = new KubectlHarness('/usr/bin/kubectl');

  before(async () => {
    await h.start('rollout', {
      scheduler: true, simNodes: { count: 3 },
      controllers: { names: ['replicaset', 'deployment'], factories: { replicaset: newReplicaSetController, deployment: newDeploymentController } },
    });
    await h.skiff.components;
  });
  after(() => h.stop());

  const status = () => h.ok(['rollout', 'status', 'deployment/web', '--timeout=90s']);
  const image = () => h.ok(['get', 'deployment', 'web', '-o', 'jsonpath={.spec.template.spec.containers[0].image}']);
  const revision = () => h.ok(['get', 'deployment', 'web', '-o', 'jsonpath={.metadata.annotations.deployment\\.kubernetes\\.io/revision}']);
  /** REVISION and CHANGE-CAUSE rows of rollout history. */
  async function history(): Promise<string[][]> {
    const out = await h.ok(['rollout', 'history', 'deployment/web']);
    return out.trim().split('\n').slice(2).map((l) => l.trim().split(/\s{2,}/));
  }

  it('create deployment rolls out; rollout status says so', async () => {
    expect(await h.ok(['create', 'deployment', 'web', '--image=registry.local/pause:3.10', '--replicas=3'])).to.equal('deployment.apps/web created\n');
    expect(await status()).to.match(/deployment "web" successfully rolled out\n$/);
    const out = await h.ok(['get', 'deployment', 'web']);
    expect(out).to.match(/^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE\nweb\s+3\/3\s+3\s+3\s+/);
    expect(await revision()).to.equal('1');
  });

  it('set image rolls out revision 2; history lists both with the change-cause', async () => {
    expect(await h.ok(['set', 'image', 'deployment/web', 'pause=registry.local/pause:3.11'])).to.equal('deployment.apps/web image updated\n');
    // As the docs do it: annotating afterwards records the cause on the new revision's ReplicaSet.
    await h.ok(['annotate', 'deployment/web', 'kubernetes.io/change-cause=to 3.11']);
    expect(await status()).to.match(/successfully rolled out/);
    expect(await revision()).to.equal('2');
    let rows: string[][] = [];
    for (let i = 0; i < 100; i++) {
      rows = await history();
      if (rows[1]?.[1] === 'to 3.11') break;
      await sleep(200);
    }
    expect(rows).to.deep.equal([['1', '<none>'], ['2', 'to 3.11']]);
    const rev1 = await h.ok(['rollout', 'history', 'deployment/web', '--revision=1']);
    expect(rev1).to.match(/deployment\.apps\/web with revision #1/);
    expect(rev1).to.match(/Image:\s+registry\.local\/pause:3\.10/);
    const rs = await h.ok(['get', 'rs', '-l', 'app=web', '-o', 'jsonpath={range .items[*]}{.spec.replicas}{" "}{end}']);
    expect(rs.trim().split(' ').sort()).to.deep.equal(['0', '3']);
  });

  it('rollout undo goes back to the previous template as revision 3', async () => {
    expect(await h.ok(['rollout', 'undo', 'deployment/web'])).to.equal('deployment.apps/web rolled back\n');
    expect(await status()).to.match(/successfully rolled out/);
    expect(await image()).to.equal('registry.local/pause:3.10');
    expect(await revision()).to.equal('3');
    expect((await history()).map((r) => r[0])).to.deep.equal(['2', '3']);
    const undoAgain = await h.ok(['rollout', 'undo', 'deployment/web', '--to-revision=2']);
    expect(undoAgain).to.equal('deployment.apps/web rolled back\n');
    expect(await status()).to.match(/successfully rolled out/);
    expect(await image()).to.equal('registry.local/pause:3.11');
    expect(await history()).to.deep.equal([['3', '<none>'], ['4', 'to 3.11']]);
  });

  it('rollout pause holds a template change until rollout resume', async () => {
    expect(await h.ok(['rollout', 'pause', 'deployment/web'])).to.equal('deployment.apps/web paused\n');
    await h.ok(['set', 'image', 'deployment/web', 'pause=registry.local/pause:3.12']);
    await sleep(1500);
    expect(await revision()).to.equal('4');
    const undo = await h.run(['rollout', 'undo', 'deployment/web']);
    expect(undo.code).to.not.equal(0);
    expect(undo.stderr).to.match(/you cannot rollback a paused deployment/);
    expect(await h.ok(['rollout', 'resume', 'deployment/web'])).to.equal('deployment.apps/web resumed\n');
    expect(await status()).to.match(/successfully rolled out/);
    expect(await revision()).to.equal('5');
  });

  it('rollout restart replaces the pods through a new revision', async () => {
    const before = (await h.ok(['get', 'pods', '-l', 'app=web', '-o', 'name'])).trim().split('\n').sort();
    expect(await h.ok(['rollout', 'restart', 'deployment/web'])).to.equal('deployment.apps/web restarted\n');
    expect(await status()).to.match(/successfully rolled out/);
    expect(await revision()).to.equal('6');
    const restartedAt = await h.ok(['get', 'deployment', 'web', '-o', 'jsonpath={.spec.template.metadata.annotations.kubectl\\.kubernetes\\.io/restartedAt}']);
    expect(restartedAt).to.match(/^\d{4}-\d\d-\d\dT/);
    let after: string[] = [];
    for (let i = 0; i < 100; i++) {
      after = (await h.ok(['get', 'pods', '-l', 'app=web', '-o', 'name'])).trim().split('\n').sort();
      if (after.length === 3 && after.every((p) => !before.includes(p))) break;
      await sleep(200);
    }
    expect(after).to.have.length(3);
    expect(after.filter((p) => before.includes(p))).to.deep.equal([]);
  });

  it('scale resizes the deployment without a new revision', async () => {
    expect(await h.ok(['scale', 'deployment/web', '--replicas=5'])).to.equal('deployment.apps/web scaled\n');
    expect(await status()).to.match(/successfully rolled out/);
    expect(await h.ok(['get', 'deployment', 'web'])).to.match(/\nweb\s+5\/5\s+5\s+5\s+/);
    expect(await revision()).to.equal('6');
    const describe = await h.ok(['describe', 'deployment', 'web']);
    expect(describe).to.match(/Normal\s+ScalingReplicaSet\s+\S+\s+deployment-controller\s+Scaled up replica set web-\w+ from 3 to 5/);
  });
});
