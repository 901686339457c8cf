// The real kubectl against Tables from src/server/table.ts: a throwaway HTTP server answers
// legacy discovery and list requests, and kubectl's printed output is compared line by line
// with what it prints against a real cluster. Skipped when kubectl is not installed.

import { expect } from 'chai';
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isStored, resources } from '../../api/resources.ts';
import { printerFor } from '../../api/printers/index.ts';
import { sampleClusterObjects, sampleObjects } from '../fixtures/objects.ts';
import { buildDiscovery } from '../../src/server/discovery.ts';
import type { KubeObject } from '../../src/registry/object.ts';
import { tableOptionsFrom, toTable, watchTable } from '../../src/server/table.ts';

const DAY = 86_400_000;
/** Ages of whole days (>= 8) print as "<n>d" for a full day, so the output is stable. */
const daysAgo = (d: number) => new Date(Date.now() - d * DAY).toISOString().replace(/\.\d+Z$/, 'Z');

const running = (name: string) => ({ name, ready: true, restartCount: 0, state: { running: { startedAt: daysAgo(9) } } });

const objects: Record<string, KubeObject[]> = {
  '/events': [
    {
      apiVersion: 'v1', kind: 'Event',
      metadata: { name: 'web-1.17a', namespace: 'default', creationTimestamp: daysAgo(10) },
      involvedObject: { kind: 'Pod', namespace: 'default', name: 'web-1' }, reason: 'Pulled', type: 'Normal', message: 'Pulled image "nginx"',
      source: { component: 'kubelet', host: 'node-1' }, firstTimestamp: daysAgo(10), lastTimestamp: daysAgo(9), count: 2,
    },
  ],
  '/pods': [
    {
      apiVersion: 'v1', kind: 'Pod',
      metadata: { name: 'web-1', namespace: 'default', creationTimestamp: daysAgo(10), labels: { app: 'web', tier: 'fe' } },
      spec: { nodeName: 'node-1', containers: [{ name: 'app', image: 'nginx' }] },
      status: { phase: 'Running', podIP: '10.244.0.5', conditions: [{ type: 'Ready', status: 'True' }], containerStatuses: [running('app')] },
    },
    {
      apiVersion: 'v1', kind: 'Pod',
      metadata: { name: 'job-x', namespace: 'default', creationTimestamp: daysAgo(12), labels: { app: 'job' } },
      spec: { containers: [{ name: 'a', image: 'busybox' }, { name: 'b', image: 'busybox' }], initContainers: [{ name: 'init', image: 'busybox' }] },
      status: { phase: 'Pending', initContainerStatuses: [{ name: 'init', ready: false, restartCount: 0, state: { running: {} } }] },
    },
    {
      apiVersion: 'v1', kind: 'Pod',
      metadata: { name: 'dns', namespace: 'kube-system', creationTimestamp: daysAgo(20) },
      spec: { nodeName: 'node-1', containers: [{ name: 'coredns', image: 'coredns' }] },
      status: { phase: 'Running', podIP: '10.244.0.2', containerStatuses: [{ name: 'coredns', ready: false, restartCount: 3, state: { waiting: { reason: 'CrashLoopBackOff' } } }] },
    },
  ],
  '/services': [
    {
      apiVersion: 'v1', kind: 'Service',
      metadata: { name: 'web', namespace: 'default', creationTimestamp: daysAgo(10) },
      spec: { type: 'NodePort', clusterIP: '10.96.0.20', ports: [{ port: 80, nodePort: 30080, protocol: 'TCP' }], selector: { app: 'web' } },
    },
  ],
  '/nodes': [
    {
      apiVersion: 'v1', kind: 'Node',
      metadata: { name: 'node-1', creationTimestamp: daysAgo(30), labels: { 'node-role.kubernetes.io/control-plane': '' } },
      spec: { unschedulable: true },
      status: { conditions: [{ type: 'Ready', status: 'True' }], nodeInfo: { kubeletVersion: 'v1.32.0' } },
    },
  ],
  'apps/deployments': [
    {
      apiVersion: 'apps/v1', kind: 'Deployment',
      metadata: { name: 'web', namespace: 'default', creationTimestamp: daysAgo(10) },
      spec: { replicas: 2, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'app', image: 'nginx' }] } } },
      status: { replicas: 2, readyReplicas: 1, updatedReplicas: 2, availableReplicas: 1 },
    },
  ],
};

/** /api/v1/namespaces/ns/pods, /apis/apps/v1/deployments, ... → group, resource, namespace. */
function parseListPath(path: string): { group: string; resource: string; namespace?: string } | undefined {
  const parts = path.split('/').filter(Boolean);
  let rest: string[];
  let group = '';
  if (parts[0] === 'api' && parts.length >= 3) rest = parts.slice(2);
  else if (parts[0] === 'apis' && parts.length >= 4) {
    group = parts[1];
    rest = parts.slice(3);
  } else return undefined;
  if (rest.length === 3 && rest[0] === 'namespaces') return { group, resource: rest[2], namespace: rest[1] };
  if (rest.length === 1) return { group, resource: rest[0] };
  return undefined;
}

function kubectlAvailable(): boolean {
  try {
    execFileSync('kubectl', ['version', '--client'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('printers through the real kubectl', function () {
  this.timeout(60_000);
  let server: http.Server;
  let dir: string;
  let kubeconfig: string;

  before(async function () {
    if (!kubectlAvailable()) this.skip();
    server = http.createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const docs = buildDiscovery(`127.0.0.1:${(server.address() as AddressInfo).port}`);
      const legacy = docs.legacy.get(url.pathname);
      const send = (code: number, body: string) => {
        res.writeHead(code, { 'Content-Type': 'application/json' });
        res.end(body);
      };
      if (legacy) return send(200, legacy);
      const target = parseListPath(url.pathname);
      const known = target && resources.some((r) => r.group === target.group && r.plural === target.resource);
      if (!target || !known) return send(404, JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', code: 404, reason: 'NotFound', message: 'not found' }));
      const items = (objects[`${target.group}/${target.resource}`] ?? []).filter((o) => !target.namespace || o.metadata.namespace === target.namespace);
      const opts = tableOptionsFrom(req.headers.accept, url.searchParams);
      if (url.searchParams.get('watch') === 'true') {
        // Every stored object as ADDED, column definitions on the first event only, then the stream ends.
        res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' });
        items.forEach((o, i) => res.write(`${JSON.stringify({ type: 'ADDED', object: watchTable(target.group, target.resource, o, i === 0, opts) })}\n`));
        return res.end();
      }
      const table = toTable(target.group, target.resource, items, { resourceVersion: '7' }, opts);
      return send(200, JSON.stringify(table));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    dir = mkdtempSync(join(tmpdir(), 'skiff-printers-'));
    kubeconfig = join(dir, 'kubeconfig');
    const port = (server.address() as AddressInfo).port;
    writeFileSync(kubeconfig, [
      'apiVersion: v1', 'kind: Config', 'current-context: t',
      'clusters: [{name: t, cluster: {server: "http://127.0.0.1:' + port + '"}}]',
      'contexts: [{name: t, context: {cluster: t, user: u, namespace: default}}]',
      'users: [{name: u, user: {}}]', '',
    ].join('\n'));
  });

  after(() => {
    server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const kubectl = (...args: string[]) => new Promise<string[]>((resolve, reject) => {
    execFile('kubectl', ['--kubeconfig', kubeconfig, '--cache-dir', join(dir, 'cache'), ...args], { timeout: 30_000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`kubectl ${args.join(' ')}: ${err.message}\n${stderr}`));
      else resolve(stdout.trimEnd().split('\n').map((l) => l.trimEnd()));
    });
  });

  it('get pods', async () => {
    expect(await kubectl('get', 'pods')).to.deep.equal([
      'NAME    READY   STATUS     RESTARTS   AGE',
      'web-1   1/1     Running    0          10d',
      'job-x   0/2     Init:0/1   0          12d',
    ]);
  });

  it('get pods -o wide', async () => {
    expect(await kubectl('get', 'pods', '-o', 'wide')).to.deep.equal([
      'NAME    READY   STATUS     RESTARTS   AGE   IP           NODE     NOMINATED NODE   READINESS GATES',
      'web-1   1/1     Running    0          10d   10.244.0.5   node-1   <none>           <none>',
      'job-x   0/2     Init:0/1   0          12d   <none>       <none>   <none>           <none>',
    ]);
  });

  it('get pods -A adds the namespace from the row metadata', async () => {
    expect(await kubectl('get', 'pods', '-A')).to.deep.equal([
      'NAMESPACE     NAME    READY   STATUS             RESTARTS   AGE',
      'default       web-1   1/1     Running            0          10d',
      'default       job-x   0/2     Init:0/1           0          12d',
      'kube-system   dns     0/1     CrashLoopBackOff   3          20d',
    ]);
  });

  it('get pods --show-labels and -L read labels from the row metadata', async () => {
    expect(await kubectl('get', 'pods', '--show-labels')).to.deep.equal([
      'NAME    READY   STATUS     RESTARTS   AGE   LABELS',
      'web-1   1/1     Running    0          10d   app=web,tier=fe',
      'job-x   0/2     Init:0/1   0          12d   app=job',
    ]);
    expect(await kubectl('get', 'pods', '-L', 'tier')).to.deep.equal([
      'NAME    READY   STATUS     RESTARTS   AGE   TIER',
      'web-1   1/1     Running    0          10d   fe',
      'job-x   0/2     Init:0/1   0          12d',
    ]);
  });

  it('get pods --sort-by works with includeObject=Object', async () => {
    const lines = await kubectl('get', 'pods', '--sort-by', '.metadata.name', '--no-headers');
    expect(lines.map((l) => l.split(/\s+/)[0])).to.deep.equal(['job-x', 'web-1']);
  });

  it('get services, deployments and nodes', async () => {
    expect(await kubectl('get', 'services')).to.deep.equal([
      'NAME   TYPE       CLUSTER-IP   EXTERNAL-IP   PORT(S)        AGE',
      'web    NodePort   10.96.0.20   <none>        80:30080/TCP   10d',
    ]);
    expect(await kubectl('get', 'deployments', '-o', 'wide')).to.deep.equal([
      'NAME   READY   UP-TO-DATE   AVAILABLE   AGE   CONTAINERS   IMAGES   SELECTOR',
      'web    1/2     2            1           10d   app          nginx    app=web',
    ]);
    expect(await kubectl('get', 'nodes')).to.deep.equal([
      'NAME     STATUS                     ROLES           AGE   VERSION',
      'node-1   Ready,SchedulingDisabled   control-plane   30d   v1.32.0',
    ]);
  });

  it('get pods --watch-only prints watch event tables', async () => {
    // kubectl flushes each watch row as it arrives, so widths are per line, as against a real cluster.
    expect(await kubectl('get', 'pods', '--watch-only', '-A')).to.deep.equal([
      'NAMESPACE   NAME    READY   STATUS    RESTARTS   AGE',
      'default     web-1   1/1     Running   0          10d',
      'default     job-x   0/2     Init:0/1   0          12d',
      'kube-system   dns     0/1     CrashLoopBackOff   3          20d',
    ]);
  });

  it('get events', async () => {
    expect(await kubectl('get', 'events')).to.deep.equal([
      'LAST SEEN   TYPE     REASON   OBJECT      MESSAGE',
      '9d          Normal   Pulled   pod/web-1   Pulled image "nginx"',
    ]);
  });

  it('prints every served kind, wide, without complaint', async () => {
    // The fixtures' kinds are served alongside the hand-made objects above.
    const samples = [...sampleObjects('samples'), ...sampleClusterObjects('samples')];
    for (const r of resources.filter(isStored)) {
      const gv = r.group ? `${r.group}/${r.version}` : r.version;
      const mine = samples.filter((o) => o.apiVersion === gv && o.kind === r.kind).map((o) => ({ ...o, metadata: { ...o.metadata, creationTimestamp: daysAgo(9) } }));
      const key = `${r.group}/${r.plural}`;
      objects[key] = [...(objects[key] ?? []), ...mine];
      if (mine.length === 0) continue;
      const lines = await kubectl('get', r.group ? `${r.plural}.${r.group}` : r.plural, '-o', 'wide', ...(r.namespaced ? ['-n', 'samples'] : []));
      const header = printerFor(r.group, r.plural)?.columns.map((c) => c.name.toUpperCase()) ?? [];
      expect(lines[0].split(/\s{2,}/), key).to.deep.equal(header);
      expect(lines.length, key).to.equal(1 + objects[key].filter((o) => !r.namespaced || o.metadata.namespace === 'samples').length);
    }
  });

  it('reports an empty namespace as upstream', async () => {
    const out = await new Promise<string>((resolve, reject) => {
      execFile('kubectl', ['--kubeconfig', kubeconfig, '--cache-dir', join(dir, 'cache'), 'get', 'configmaps', '-n', 'empty'], (err, stdout, stderr) => (err ? reject(err) : resolve(stdout + stderr)));
    });
    expect(out.trim()).to.equal('No resources found in empty namespace.');
  });
});
