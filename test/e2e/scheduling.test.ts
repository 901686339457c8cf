// kubectl against a Skiff with its scheduler and three simulated nodes: run, get -o wide,
// describe with events, get nodes, cordon/uncordon, taint, delete.

import { expect } from 'chai';
import { sleep } from '../helpers.ts';
import { KubectlHarness } from './harness.ts';

const ZONES = ['zone-a', 'zone-b', 'zone-c'];

describe('kubectl e2e: scheduling on simulated nodes', function () {
  this.timeout(90_000);
  const h = new KubectlHarness('/usr/bin/kubectl');
  let nodes: string[] = [];

  /** Polls kubectl until check() accepts its output. */
  async function until(args: string[], check: (out: string) => boolean, what: string, timeoutMs = 20_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    let last = '';
    for (;;) {
      const r = await h.run(args);
      last = r.stdout + r.stderr;
      if (r.code === 0 && check(r.stdout)) return r.stdout;
      if (Date.now() > deadline) expect.fail(`timed out waiting for ${what}; last output:\n${last}`);
      await sleep(200);
    }
  }

  const podField = (name: string, path: string) => h.ok(['get', 'pod', name, '-o', `jsonpath={${path}}`]);

  before(async () => {
    await h.start('scheduling', { scheduler: true, simNodes: { count: 3, zones: ZONES } });
    const out = await until(['get', 'nodes', '-o', 'name'], (o) => o.trim().split('\n').length === 3, '3 nodes');
    nodes = out.trim().split('\n').map((l) => l.replace('node/', '')).sort();
  });
  after(() => h.stop());

  it('get nodes shows three Ready nodes with their version', async () => {
    const out = await until(['get', 'nodes'], (o) => (o.match(/ Ready /g) ?? []).length === 3, 'Ready nodes');
    const lines = out.trim().split('\n');
    expect(lines[0]).to.match(/^NAME\s+STATUS\s+ROLES\s+AGE\s+VERSION$/);
    for (const l of lines.slice(1)) expect(l).to.match(/^\S+\s+Ready\s+\S+\s+\S+\s+v1\.32\.\d+$/);
    const zones = await h.ok(['get', 'nodes', '-o', 'jsonpath={.items[*].metadata.labels.topology\\.kubernetes\\.io/zone}']);
    expect(zones.split(' ').sort()).to.deep.equal(ZONES);
  });

  it('kubectl run: the pod is scheduled and Running, get -o wide shows NODE and IP', async () => {
    await h.ok(['run', 'web', '--image=registry.local/busybox:1', '--restart=Never', '--', 'sleep', '3600']);
    await until(['get', 'pod', 'web', '-o', 'jsonpath={.status.phase}'], (o) => o === 'Running', 'web Running');
    const node = await podField('web', '.spec.nodeName');
    const ip = await podField('web', '.status.podIP');
    expect(nodes).to.include(node);
    expect(ip).to.match(/^\d+\.\d+\.\d+\.\d+$/);
    const wide = (await h.ok(['get', 'pod', 'web', '-o', 'wide'])).trim().split('\n');
    expect(wide[0]).to.match(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\s+IP\s+NODE\s+NOMINATED NODE\s+READINESS GATES$/);
    expect(wide[1]).to.match(new RegExp(`^web\\s+1/1\\s+Running\\s+0\\s+\\S+\\s+${ip.replace(/\./g, '\\.')}\\s+${node}\\s+<none>\\s+<none>$`));
  });

  it('describe pod shows the Scheduled event and the kubelet events', async () => {
    const node = await podField('web', '.spec.nodeName');
    const out = await until(['describe', 'pod', 'web'], (o) => /Started/.test(o), 'Started event');
    expect(out).to.match(new RegExp(`Normal\\s+Scheduled\\s+\\S+\\s+default-scheduler\\s+Successfully assigned default/web to ${node}`));
    expect(out).to.match(/Normal\s+Started\s+\S+\s+kubelet\s+Started container web/);
    expect(out).to.match(new RegExp(`Node:\\s+${node}/`));
  });

  it('cordon keeps new pods off a node; an unschedulable pod gets FailedScheduling and schedules after uncordon', async () => {
    const target = nodes[0];
    await h.ok(['cordon', target]);
    await until(['get', 'node', target], (o) => /Ready,SchedulingDisabled/.test(o), 'SchedulingDisabled');
    await h.ok(['run', 'pinned', '--image=registry.local/busybox:1', '--restart=Never', `--overrides={"spec":{"nodeSelector":{"kubernetes.io/hostname":"${target}"}}}`, '--', 'sleep', '3600']);
    const ev = await until(['get', 'events', '--field-selector', 'involvedObject.name=pinned,reason=FailedScheduling', '-o', 'jsonpath={.items[*].message}'], (o) => o.length > 0, 'FailedScheduling');
    expect(ev).to.contain('0/3 nodes are available: 1 node(s) were unschedulable, 2 node(s) didn\'t match Pod\'s node affinity/selector.');
    expect(await podField('pinned', '.status.conditions[?(@.type=="PodScheduled")].reason')).to.equal('Unschedulable');
    expect(await podField('pinned', '.spec.nodeName')).to.equal('');
    await h.ok(['uncordon', target]);
    await until(['get', 'pod', 'pinned', '-o', 'jsonpath={.spec.nodeName}'], (o) => o === target, 'pinned scheduled after uncordon');
  });

  it('taint NoSchedule repels pods that do not tolerate it', async () => {
    const target = nodes[1];
    await h.ok(['taint', 'nodes', target, 'dedicated=infra:NoSchedule']);
    expect(await h.ok(['describe', 'node', target])).to.match(/Taints:\s+dedicated=infra:NoSchedule/);
    await h.ok(['run', 'repelled', '--image=registry.local/busybox:1', '--restart=Never', `--overrides={"spec":{"nodeSelector":{"kubernetes.io/hostname":"${target}"}}}`]);
    const ev = await until(['get', 'events', '--field-selector', 'involvedObject.name=repelled,reason=FailedScheduling', '-o', 'jsonpath={.items[*].message}'], (o) => o.length > 0, 'FailedScheduling');
    expect(ev).to.contain('1 node(s) had untolerated taint {dedicated: infra}');
    await h.ok(['taint', 'nodes', target, 'dedicated=infra:NoSchedule-']);
    await until(['get', 'pod', 'repelled', '-o', 'jsonpath={.spec.nodeName}'], (o) => o === target, 'repelled scheduled after the taint is removed');
  });

  it('delete pod finishes: the agent stops it and removes it', async () => {
    const r = await h.run(['delete', 'pod', 'web', '--timeout=30s']);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.contain('pod "web" deleted');
    const gone = await h.run(['get', 'pod', 'web']);
    expect(gone.code).to.equal(1);
    expect(gone.stderr).to.contain('pods "web" not found');
  });
});
