// The real kubectl against an in-process Skiff over the generated kubeconfig.

import { expect } from 'chai';
import { execFile, spawn } from 'node:child_process';
import { join } from 'node:path';
import { sleep } from '../helpers.ts';

import { kubectlVersions } from './kubectl-versions.ts';
import { KubectlHarness, type Result } from './harness.ts';



for (const { label, path: KUBECTL } of kubectlVersions()) describe(`kubectl ${label} e2e`, function () {
  this.timeout(60_000);
  const h = new KubectlHarness(KUBECTL);
  const kubectl = (args: string[], input?: string) => h.run(args, { input });
  const ok = (args: string[], input?: string) => h.ok(args, { input });
  const manifest = (name: string, text: string) => h.file(name, text);

  /** `kubectl create -f` of YAML (the dynamic client sends JSON; kubectl 1.32's typed `create <kind>` sends protobuf). */
  const create = (yamlText: string) => ok(['create', '--validate=false', '-f', manifest(`m${Math.random().toString(36).slice(2)}.yaml`, yamlText)]);
  const cm = (name: string, extra = '') => create(`apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ${name}${extra}}\n`);

  before(() => h.start('kubectl'));
  after(() => h.stop());

  it('get --raw /version reports a v1.32 server', async () => {
    const v = JSON.parse(await ok(['get', '--raw', '/version'])) as { major: string; minor: string };
    expect(v).to.include({ major: '1', minor: '32' });
    const out = await ok(['version']);
    // 1.27 still prints the old struct form.
    expect(out).to.match(/Server Version: (v1\.32\.|version\.Info\{Major:"1", Minor:"32")/);
  });

  it('api-resources lists every served kind with short names', async () => {
    const out = await ok(['api-resources']);
    const rows = out.trim().split('\n').slice(1).map((l) => l.split(/\s+/));
    const names = rows.map((r) => r[0]);
    expect(names).to.include.members(['pods', 'services', 'configmaps', 'secrets', 'namespaces', 'nodes', 'events', 'endpoints',
      'serviceaccounts', 'persistentvolumeclaims', 'persistentvolumes', 'podtemplates', 'replicationcontrollers',
      'deployments', 'replicasets', 'statefulsets', 'daemonsets', 'controllerrevisions', 'leases', 'endpointslices']);
    expect(out).to.match(/^deployments\s+deploy\s+apps\/v1\s+true\s+Deployment$/m);
    expect(out).to.match(/^namespaces\s+ns\s+v1\s+false\s+Namespace$/m);
  });

  it('create -f, get by short name, -o yaml/json, replace', async () => {
    const f = manifest('cm.yaml', `apiVersion: v1
kind: ConfigMap
metadata:
  name: web-config
  labels: {app: web, tier: front}
data:
  greeting: hello
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: web
        image: busybox:1.36
        command: [httpd, -f, -p, "8080"]
`);
    const out = await ok(['create', '-f', f, '--validate=false']);
    expect(out).to.contain('configmap/web-config created');
    expect(out).to.contain('deployment.apps/web created');
    const yaml = await ok(['get', 'cm', 'web-config', '-o', 'yaml']);
    expect(yaml).to.match(/greeting: hello/);
    expect(yaml).to.match(/resourceVersion: "\d+"/);
    const deploy = JSON.parse(await ok(['get', 'deploy', 'web', '-o', 'json'])) as { spec: { strategy: { type: string }; revisionHistoryLimit: number } };
    expect(deploy.spec.strategy.type).to.equal('RollingUpdate');
    expect(deploy.spec.revisionHistoryLimit).to.equal(10);

    const replaced = manifest('cm2.yaml', `apiVersion: v1
kind: ConfigMap
metadata: {name: web-config, labels: {app: web}}
data: {greeting: bonjour}
`);
    expect(await ok(['replace', '-f', replaced, '--validate=false'])).to.contain('configmap/web-config replaced');
    expect(await ok(['get', 'configmap', 'web-config', '-o', 'jsonpath={.data.greeting}'])).to.equal('bonjour');
  });

  it('get -A, -l and --field-selector', async () => {
    await create('apiVersion: v1\nkind: Namespace\nmetadata: {name: other}\n');
    await cm('elsewhere', ', namespace: other');
    await ok(['label', 'configmap', 'elsewhere', '-n', 'other', 'app=web']);
    const all = await ok(['get', 'configmaps', '-A', '-l', 'app=web', '-o', 'name']);
    expect(all.trim().split('\n').sort()).to.deep.equal(['configmap/elsewhere', 'configmap/web-config']);
    const wide = await ok(['get', 'configmaps', '-A', '-l', 'app=web']);
    expect(wide).to.match(/^NAMESPACE\s+NAME/m);
    expect(wide).to.match(/^other\s+elsewhere/m);
    const fs = await ok(['get', 'cm', '-A', '--field-selector', 'metadata.namespace=other', '-o', 'name']);
    expect(fs.trim()).to.equal('configmap/elsewhere');
    const ns = await ok(['get', 'ns']);
    for (const n of ['default', 'kube-system', 'kube-public', 'kube-node-lease', 'other']) expect(ns).to.match(new RegExp(`^${n}\\s`, 'm'));
  });

  it('patch --type=merge and --type=json, label, annotate', async () => {
    expect(await ok(['patch', 'cm', 'web-config', '--type=merge', '-p', '{"data":{"extra":"1"}}'])).to.contain('patched');
    await ok(['patch', 'cm', 'web-config', '--type=json', '-p', '[{"op":"replace","path":"/data/greeting","value":"hola"},{"op":"remove","path":"/data/extra"}]']);
    await ok(['label', 'cm', 'web-config', 'color=blue']);
    await ok(['annotate', 'cm', 'web-config', 'owner=team-a']);
    await ok(['label', 'cm', 'web-config', 'tier-']);
    const cm = JSON.parse(await ok(['get', 'cm', 'web-config', '-o', 'json'])) as { data: Record<string, string>; metadata: { labels: Record<string, string>; annotations: Record<string, string> } };
    expect(cm.data).to.deep.equal({ greeting: 'hola' });
    expect(cm.metadata.labels).to.deep.equal({ app: 'web', color: 'blue' });
    expect(cm.metadata.annotations.owner).to.equal('team-a');
    const conflict = await kubectl(['label', 'cm', 'web-config', 'color=red']);
    expect(conflict.code).to.not.equal(0);
    expect(conflict.stderr).to.contain("'color' already has a value (blue), and --overwrite is false");
  });

  it('scale changes replicas through the scale subresource', async () => {
    expect(await ok(['scale', 'deploy', 'web', '--replicas=5'])).to.contain('deployment.apps/web scaled');
    expect(await ok(['get', 'deploy', 'web', '-o', 'jsonpath={.spec.replicas}'])).to.equal('5');
  });

  it('get -w streams changes', async () => {
    const child = spawn(KUBECTL, ['--kubeconfig', h.skiff.kubeconfigPath, '--cache-dir', join(h.work, 'cache'), 'get', 'cm', '-w', '-o', 'name', '-l', 'watched=yes']);
    let out = '';
    child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    await sleep(1500);
    await cm('w1');
    await ok(['label', 'cm', 'w1', 'watched=yes']);
    await cm('w2');
    await ok(['label', 'cm', 'w2', 'watched=yes']);
    for (let i = 0; i < 50 && !out.includes('w2'); i++) await sleep(100);
    child.kill();
    expect(out).to.contain('configmap/w1');
    expect(out).to.contain('configmap/w2');
  });

  it('wait --for=jsonpath sees a change made meanwhile', async () => {
    await create('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: waited}\ndata: {state: pending}\n');
    const waiting = kubectl(['wait', '--for=jsonpath={.data.state}=done', 'cm/waited', '--timeout=20s']);
    await sleep(1000);
    await ok(['patch', 'cm', 'waited', '--type=merge', '-p', '{"data":{"state":"done"}}']);
    const r = await waiting;
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.contain('configmap/waited condition met');
  });

  it('delete --wait and --grace-period', async () => {
    await cm('gone');
    expect(await ok(['delete', 'cm', 'gone', '--wait=true'])).to.contain('configmap "gone" deleted');
    const pod = manifest('pod.yaml', `apiVersion: v1
kind: Pod
metadata: {name: graceful}
spec:
  nodeName: somewhere
  containers: [{name: c, image: busybox}]
`);
    await ok(['create', '-f', pod, '--validate=false']);
    expect(await ok(['delete', 'pod', 'graceful', '--wait=false'])).to.contain('pod "graceful" deleted');
    const stillThere = JSON.parse(await ok(['get', 'pod', 'graceful', '-o', 'json'])) as { metadata: { deletionTimestamp?: string } };
    expect(stillThere.metadata.deletionTimestamp).to.be.a('string');
    await ok(['delete', 'pod', 'graceful', '--grace-period=0', '--force']);
    const r = await kubectl(['get', 'pod', 'graceful']);
    expect(r.stderr).to.contain('Error from server (NotFound): pods "graceful" not found');
  });

  it('typed create commands and auth reviews (protobuf bodies on kubectl 1.32+)', async () => {
    await ok(['create', 'namespace', 'typed']);
    expect(await ok(['create', 'configmap', 'typed-cm', '-n', 'typed', '--from-literal=a=b'])).to.contain('configmap/typed-cm created');
    expect(await ok(['create', 'secret', 'generic', 'typed-secret', '-n', 'typed', '--from-literal=p=q'])).to.contain('secret/typed-secret created');
    expect(await ok(['create', 'deployment', 'typed-web', '-n', 'typed', '--image=busybox', '--replicas=2', '--port=80'])).to.contain('deployment.apps/typed-web created');
    expect(await ok(['create', 'serviceaccount', 'typed-sa', '-n', 'typed'])).to.contain('serviceaccount/typed-sa created');
    expect(await ok(['create', 'service', 'clusterip', 'typed-svc', '-n', 'typed', '--tcp=80:8080'])).to.contain('service/typed-svc created');
    const d = JSON.parse(await ok(['get', 'deploy', 'typed-web', '-n', 'typed', '-o', 'json'])) as { spec: { replicas: number; template: { spec: { containers: { image: string; ports: { containerPort: number }[] }[] } } } };
    expect(d.spec.replicas).to.equal(2);
    expect(d.spec.template.spec.containers[0].ports[0].containerPort).to.equal(80);
    expect(await ok(['get', 'cm', 'typed-cm', '-n', 'typed', '-o', 'jsonpath={.data.a}'])).to.equal('b');
    expect((await ok(['auth', 'can-i', 'create', 'pods'])).trim()).to.equal('yes');
    expect(await ok(['auth', 'can-i', '--list', '-n', 'typed'])).to.match(/\*\.\*\s+\[\]\s+\[\]\s+\[\*\]/);
    // A service account token authenticates as that service account.
    const token = (await ok(['create', 'token', 'typed-sa', '-n', 'typed', '--duration=15m'])).trim();
    expect(token.split('.')).to.have.length(3);
    const saConfig = manifest('sa.kubeconfig', `apiVersion: v1
kind: Config
clusters: [{name: s, cluster: {server: "${h.skiff.url}", certificate-authority-data: ${Buffer.from(h.skiff.credentials.caPem).toString('base64')}}}]
users: [{name: sa, user: {token: "${token}"}}]
contexts: [{name: s, context: {cluster: s, user: sa}}]
current-context: s
`);
    const asSa = await new Promise<Result>((resolve) => execFile(KUBECTL, ['--kubeconfig', saConfig, 'get', 'cm', '-n', 'typed', 'typed-cm', '-o', 'name'], (err, stdout, stderr) => resolve({ code: err ? 1 : 0, stdout, stderr })));
    expect(asSa.stdout.trim(), asSa.stderr).to.equal('configmap/typed-cm');
    await ok(['delete', 'sa', 'typed-sa', '-n', 'typed']);
    const revoked = await new Promise<Result>((resolve) => execFile(KUBECTL, ['--kubeconfig', saConfig, 'get', 'cm', '-n', 'typed'], (err, stdout, stderr) => resolve({ code: err ? 1 : 0, stdout, stderr })));
    expect(revoked.stderr).to.match(/Unauthorized|must be logged in/);
    await ok(['create', 'serviceaccount', 'typed-sa', '-n', 'typed']);
    const tooShort = await kubectl(['create', 'token', 'typed-sa', '-n', 'typed', '--duration=1m']);
    expect(tooShort.stderr).to.contain('may not specify a duration less than 10 minutes');
    // kubectl 1.27 asks for SelfSubjectReview in v1beta1, which a v1.32 server no longer serves either.
    if (label !== '1.27') expect(await ok(['auth', 'whoami'])).to.contain('skiff-admin');
  });

  it('drain cordons the node and evicts its pods through pods/eviction', async () => {
    await create('apiVersion: v1\nkind: Node\nmetadata: {name: drained}\n');
    await create('apiVersion: v1\nkind: Pod\nmetadata: {name: on-drained}\nspec: {nodeName: drained, containers: [{name: c, image: busybox}]}\n');
    const out = await ok(['drain', 'drained', '--force', '--grace-period=0', '--timeout=20s']);
    expect(out).to.contain('node/drained cordoned');
    expect(out).to.contain('pod/on-drained evicted');
    expect(await ok(['get', 'node', 'drained', '-o', 'jsonpath={.spec.unschedulable}'])).to.equal('true');
    const r = await kubectl(['get', 'pod', 'on-drained']);
    expect(r.stderr).to.contain('not found');
  });

  it('prints upstream messages for bad input', async () => {
    const cases: { args: string[]; file?: string; stderr: RegExp }[] = [
      { args: ['get', 'widgets'], stderr: /the server doesn't have a resource type "widgets"/ },
      { args: ['get', 'cm', 'missing'], stderr: /Error from server \(NotFound\): configmaps "missing" not found/ },
      { args: ['create', '-f', 'FILE', '--validate=false'], file: 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: web-config}\n', stderr: /Error from server \(AlreadyExists\): error when creating ".*": configmaps "web-config" already exists/ },
      { args: ['create', '-f', 'FILE', '--validate=false'], file: 'apiVersion: v1\nkind: Namespace\nmetadata: {name: Bad_Name}\n', stderr: /The Namespace "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name"/ },
      { args: ['create', '-f', 'FILE', '--validate=false'], file: 'apiVersion: v1\nkind: Pod\nmetadata: {name: nocontainers}\nspec: {containers: []}\n', stderr: /The Pod "nocontainers" is invalid: spec.containers: Required value/ },
      { args: ['get', 'cm', '-l', 'a in ('], stderr: /unable to parse requirement|found '', expected/ },
      { args: ['create', '-f', 'FILE', '--validate=false'], file: 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x, namespace: no-such-ns}\n', stderr: /Error from server \(NotFound\): error when creating ".*": namespaces "no-such-ns" not found/ },
    ];
    for (const c of cases) {
      const args = c.file ? c.args.map((a) => (a === 'FILE' ? manifest('bad.yaml', c.file!) : a)) : c.args;
      const r = await kubectl(args);
      expect(r.code, args.join(' ')).to.not.equal(0);
      expect(r.stderr, args.join(' ')).to.match(c.stderr);
    }
  });

  it('refuses an unknown bearer token (401)', async () => {
    const bad = manifest('bad-token.kubeconfig', `apiVersion: v1
kind: Config
clusters: [{name: s, cluster: {server: "${h.skiff.url}", certificate-authority-data: ${Buffer.from(h.skiff.credentials.caPem).toString('base64')}}}]
users: [{name: nobody, user: {token: not-a-real-token}}]
contexts: [{name: s, context: {cluster: s, user: nobody}}]
current-context: s
`);
    const r = await new Promise<Result>((resolve) => {
      const c = execFile(KUBECTL, ['--kubeconfig', bad, 'get', 'pods'], { timeout: 20_000 }, (err, stdout, stderr) => resolve({ code: err ? 1 : 0, stdout, stderr }));
      c.stdin?.end();
    });
    expect(r.code).to.equal(1);
    expect(r.stderr).to.match(/error: You must be logged in to the server \((Unauthorized|the server has asked for the client to provide credentials)\)/);
  });
});
