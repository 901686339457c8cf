// kubectl apply, client-side and server-side, against an in-process Skiff; objects read back.

import { expect } from 'chai';

import { kubectlVersions } from './kubectl-versions.ts';
import { KubectlHarness } from './harness.ts';

interface Deployment {
  metadata: { labels?: Record<string, string>; annotations?: Record<string, string>; managedFields?: { manager: string; operation: string; fieldsV1: Record<string, unknown> }[] };
  spec: { replicas: number; template: { spec: { containers: { name: string; image: string; env?: { name: string }[]; ports?: { containerPort: number }[] }[] } } };
}

for (const { label, path: KUBECTL } of kubectlVersions()) describe(`kubectl ${label} apply`, function () {
  this.timeout(60_000);
  const h = new KubectlHarness(KUBECTL);
  const kubectl = (args: string[]) => h.run(args);
  const ok = (args: string[]) => h.ok(args);
  const file = (n: string, text: string) => h.file(n, text);
  const get = async (name: string) => JSON.parse(await ok(['get', 'deploy', name, '-o', 'json', '--show-managed-fields'])) as Deployment;

  const deployment = (name: string, opts: { image: string; env: string[]; ports: number[]; labels: Record<string, string> }) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  labels: ${JSON.stringify(opts.labels)}
spec:
  replicas: 2
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: {labels: {app: ${name}}}
    spec:
      containers:
      - name: main
        image: ${opts.image}
        env: ${JSON.stringify(opts.env.map((n) => ({ name: n, value: 'x' })))}
        ports: ${JSON.stringify(opts.ports.map((p) => ({ containerPort: p })))}
`;

  before(() => h.start('apply'));
  after(() => h.stop());

  it('client-side: create, change image and drop an env var and a port, then drop a label', async () => {
    const v1 = file('csa1.yaml', deployment('csa', { image: 'busybox:1', env: ['A', 'B'], ports: [80, 81], labels: { app: 'csa', team: 'x' } }));
    expect(await ok(['apply', '-f', v1, '--validate=false'])).to.contain('deployment.apps/csa created');
    let d = await get('csa');
    expect(d.metadata.annotations?.['kubectl.kubernetes.io/last-applied-configuration']).to.be.a('string');

    const v2 = file('csa2.yaml', deployment('csa', { image: 'busybox:2', env: ['A'], ports: [80], labels: { app: 'csa', team: 'x' } }));
    expect(await ok(['apply', '-f', v2, '--validate=false'])).to.contain('deployment.apps/csa configured');
    d = await get('csa');
    const c = d.spec.template.spec.containers[0];
    expect(c.image).to.equal('busybox:2');
    expect(c.env?.map((e) => e.name)).to.deep.equal(['A']);
    expect(c.ports?.map((p) => p.containerPort)).to.deep.equal([80]);

    const v3 = file('csa3.yaml', deployment('csa', { image: 'busybox:2', env: ['A'], ports: [80], labels: { app: 'csa' } }));
    await ok(['apply', '-f', v3, '--validate=false']);
    d = await get('csa');
    expect(d.metadata.labels).to.deep.equal({ app: 'csa' });
    const last = JSON.parse(d.metadata.annotations!['kubectl.kubernetes.io/last-applied-configuration']) as { metadata: { labels: Record<string, string> } };
    expect(last.metadata.labels).to.deep.equal({ app: 'csa' });
    expect(await ok(['apply', '-f', v3, '--validate=false'])).to.contain('deployment.apps/csa unchanged');
  });

  it('server-side: create, re-apply with removals, conflict with another manager, force', async () => {
    const v1 = file('ssa1.yaml', deployment('ssa', { image: 'busybox:1', env: ['A', 'B'], ports: [80], labels: { app: 'ssa' } }));
    expect(await ok(['apply', '--server-side', '-f', v1, '--validate=false'])).to.contain('deployment.apps/ssa serverside-applied');
    let d = await get('ssa');
    const applyEntry = d.metadata.managedFields?.find((m) => m.manager === 'kubectl' && m.operation === 'Apply');
    expect(applyEntry?.fieldsV1).to.have.nested.property('f:spec.f:replicas');

    const v2 = file('ssa2.yaml', deployment('ssa', { image: 'busybox:2', env: ['A'], ports: [80], labels: { app: 'ssa' } }));
    await ok(['apply', '--server-side', '-f', v2, '--validate=false']);
    d = await get('ssa');
    expect(d.spec.template.spec.containers[0].env?.map((e) => e.name)).to.deep.equal(['A']);
    expect(d.spec.template.spec.containers[0].image).to.equal('busybox:2');

    // kubectl scale is an Update by manager "kubectl" (its User-Agent) that takes spec.replicas over.
    await ok(['scale', 'deploy', 'ssa', '--replicas=4']);
    d = await get('ssa');
    const scaler = () => d.metadata.managedFields?.find((m) => m.operation === 'Update' && 'f:spec' in m.fieldsV1);
    expect(scaler()?.fieldsV1).to.deep.equal({ 'f:spec': { 'f:replicas': {} } });

    const conflict = await kubectl(['apply', '--server-side', '-f', v2, '--validate=false']);
    expect(conflict.code).to.equal(1);
    expect(conflict.stderr).to.contain(`Apply failed with 1 conflict: conflict with "${scaler()!.manager}" using apps/v1: .spec.replicas`);

    await ok(['apply', '--server-side', '--force-conflicts', '-f', v2, '--validate=false']);
    d = await get('ssa');
    expect(d.spec.replicas).to.equal(2);
    expect(scaler()).to.equal(undefined);
  });

  it('server-side apply over a client-side applied Service with two ports', async () => {
    const svc = file('svc.yaml', `apiVersion: v1
kind: Service
metadata: {name: two-ports}
spec:
  selector: {app: x}
  ports: [{name: http, port: 80, targetPort: 8080}, {name: https, port: 443, targetPort: 8443}]
`);
    await ok(['apply', '-f', svc]);
    await ok(['apply', '--server-side', '--force-conflicts', '-f', svc]);
    const s = JSON.parse(await ok(['get', 'svc', 'two-ports', '-o', 'json'])) as { spec: { ports: { port: number }[] } };
    expect(s.spec.ports.map((p) => p.port)).to.deep.equal([80, 443]);
  });

  it('tracks Update operations in managedFields', async () => {
    await ok(['create', '-f', file('cm.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: tracked}\ndata: {a: "1"}\n'), '--validate=false']);
    await ok(['label', 'cm', 'tracked', 'color=blue']);
    const cm = JSON.parse(await ok(['get', 'cm', 'tracked', '-o', 'json', '--show-managed-fields'])) as Deployment;
    const byManager = Object.fromEntries((cm.metadata.managedFields ?? []).map((m) => [m.manager, m]));
    expect(byManager['kubectl-create']?.operation).to.equal('Update');
    expect(byManager['kubectl-create']?.fieldsV1).to.deep.equal({ 'f:data': { '.': {}, 'f:a': {} } });
    expect(byManager['kubectl-label']?.fieldsV1).to.deep.equal({ 'f:metadata': { 'f:labels': { '.': {}, 'f:color': {} } } });
  });
});
