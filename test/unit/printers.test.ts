// Server-side printing: each kind's columns and cells as upstream's printers produce them
// (table-driven), the shared formatters, and the Table envelope.

import { GENERIC_KINDS } from '../../src/registry/strategies/generic.ts';
import { expect } from 'chai';
import { resources, isStored } from '../../api/resources.ts';
import { printerFor, defaultPrinter } from '../../api/printers/index.ts';
import type { Cell, Printer } from '../../api/printers/index.ts';
import { humanDuration, labelSelectorString, since } from '../../api/printers/format.ts';
import { canonicalQuantity } from '../../api/printers/quantity.ts';
import { tableOptionsFrom, toTable, watchTable } from '../../src/server/table.ts';
import { StatusError } from '../../src/server/errors.ts';
import type { KubeObject } from '../../src/registry/object.ts';
import { sampleClusterObjects, sampleObjects } from '../fixtures/objects.ts';

const NOW = Date.parse('2024-06-01T12:00:00Z');
/** An RFC 3339 timestamp `s` seconds before NOW. */
const ago = (s: number): string => new Date(NOW - s * 1000).toISOString().replace('.000Z', 'Z');
const meta = (name: string, ageSeconds = 60, extra: Record<string, unknown> = {}) => ({ name, namespace: 'default', creationTimestamp: ago(ageSeconds), ...extra });

function printer(group: string, resource: string): Printer {
  const p = printerFor(group, resource);
  if (!p) throw new Error(`no printer for ${group}/${resource}`);
  return p;
}

interface Case { name: string; obj: Record<string, unknown>; cells: Cell[] }

function runCases(group: string, resource: string, cases: Case[]): void {
  for (const c of cases) {
    it(c.name, () => {
      const p = printer(group, resource);
      const cells = p.row(c.obj as KubeObject, NOW);
      expect(cells).to.deep.equal(c.cells);
      expect(cells).to.have.length(p.columns.length);
    });
  }
}

/** Column headers as kubectl shows them, wide ones marked with a trailing "*". */
const headers = (p: Printer) => p.columns.map((c) => c.name + (c.priority ? '*' : ''));

describe('printers: column definitions', () => {
  const expected: [string, string, string[]][] = [
    ['', 'pods', ['Name', 'Ready', 'Status', 'Restarts', 'Age', 'IP*', 'Node*', 'Nominated Node*', 'Readiness Gates*']],
    ['', 'podtemplates', ['Name', 'Containers', 'Images', 'Pod Labels']],
    ['', 'replicationcontrollers', ['Name', 'Desired', 'Current', 'Ready', 'Age', 'Containers*', 'Images*', 'Selector*']],
    ['', 'services', ['Name', 'Type', 'Cluster-IP', 'External-IP', 'Port(s)', 'Age', 'Selector*']],
    ['', 'endpoints', ['Name', 'Endpoints', 'Age']],
    ['', 'configmaps', ['Name', 'Data', 'Age']],
    ['', 'secrets', ['Name', 'Type', 'Data', 'Age']],
    ['', 'serviceaccounts', ['Name', 'Secrets', 'Age']],
    ['', 'namespaces', ['Name', 'Status', 'Age']],
    ['', 'nodes', ['Name', 'Status', 'Roles', 'Age', 'Version', 'Internal-IP*', 'External-IP*', 'OS-Image*', 'Kernel-Version*', 'Container-Runtime*']],
    ['', 'events', ['Last Seen', 'Type', 'Reason', 'Object', 'Subobject*', 'Source*', 'Message', 'First Seen*', 'Count*', 'Name*']],
    ['events.k8s.io', 'events', ['Last Seen', 'Type', 'Reason', 'Object', 'Subobject*', 'Source*', 'Message', 'First Seen*', 'Count*', 'Name*']],
    ['', 'persistentvolumes', ['Name', 'Capacity', 'Access Modes', 'Reclaim Policy', 'Status', 'Claim', 'StorageClass', 'VolumeAttributesClass', 'Reason', 'Age', 'VolumeMode*']],
    ['', 'persistentvolumeclaims', ['Name', 'Status', 'Volume', 'Capacity', 'Access Modes', 'StorageClass', 'VolumeAttributesClass', 'Age', 'VolumeMode*']],
    ['apps', 'deployments', ['Name', 'Ready', 'Up-to-date', 'Available', 'Age', 'Containers*', 'Images*', 'Selector*']],
    ['apps', 'replicasets', ['Name', 'Desired', 'Current', 'Ready', 'Age', 'Containers*', 'Images*', 'Selector*']],
    ['apps', 'statefulsets', ['Name', 'Ready', 'Age', 'Containers*', 'Images*']],
    ['apps', 'daemonsets', ['Name', 'Desired', 'Current', 'Ready', 'Up-to-date', 'Available', 'Node Selector', 'Age', 'Containers*', 'Images*', 'Selector*']],
    ['apps', 'controllerrevisions', ['Name', 'Controller', 'Revision', 'Age']],
    ['coordination.k8s.io', 'leases', ['Name', 'Holder', 'Age']],
    ['discovery.k8s.io', 'endpointslices', ['Name', 'AddressType', 'Ports', 'Endpoints', 'Age']],
    ['storage.k8s.io', 'storageclasses', ['Name', 'Provisioner', 'ReclaimPolicy', 'VolumeBindingMode', 'AllowVolumeExpansion', 'Age']],
  ];
  for (const [group, resource, names] of expected) {
    it(`${group || 'core'}/${resource}`, () => expect(headers(printer(group, resource))).to.deep.equal(names));
  }

  // Kinds stored as given (jobs, ingresses, ...) print with the default columns for now.
  const printed = () => resources.filter(isStored).filter((r) => !GENERIC_KINDS.some(([k]) => k === `${r.group}/${r.plural}`));

  it('covers every stored resource', () => {
    for (const r of printed()) expect(printerFor(r.group, r.plural), `${r.group}/${r.plural}`).to.not.equal(undefined);
    expect(expected.map(([g, r]) => `${g}/${r}`).sort()).to.deep.equal(printed().map((r) => `${r.group}/${r.plural}`).sort());
  });

  it('marks exactly one column as the name, and types cells as upstream', () => {
    for (const r of printed()) {
      const cols = printer(r.group, r.plural).columns;
      expect(cols.filter((c) => c.format === 'name'), r.plural).to.have.length(1);
      for (const c of cols) expect(Object.keys(c)).to.deep.equal(['name', 'type', 'format', 'description', 'priority']);
    }
    const types = (g: string, res: string) => printer(g, res).columns.map((c) => c.type);
    expect(types('', 'pods')).to.deep.equal(['string', 'string', 'string', 'string', 'string', 'string', 'string', 'string', 'string']);
    expect(types('apps', 'replicasets')).to.deep.equal(['string', 'integer', 'integer', 'integer', 'string', 'string', 'string', 'string']);
    expect(types('apps', 'daemonsets').slice(1, 6)).to.deep.equal(['integer', 'integer', 'integer', 'integer', 'integer']);
  });

  it('prints a row of the right width for every sample object', () => {
    const byKind = new Map(resources.filter(isStored).map((r) => [`${r.group ? `${r.group}/` : ''}${r.version}/${r.kind}`, r]));
    for (const obj of [...sampleObjects('default'), ...sampleClusterObjects('x')]) {
      const r = byKind.get(`${obj.apiVersion}/${obj.kind}`);
      if (!r) throw new Error(`no resource for ${obj.apiVersion} ${obj.kind}`);
      const p = printer(r.group, r.plural);
      const cells = p.row(obj, NOW);
      expect(cells, r.plural).to.have.length(p.columns.length);
      for (const c of cells) expect(['string', 'number', 'boolean'], r.plural).to.include(typeof c);
    }
  });
});

const container = (name: string, image = `${name}:1`) => ({ name, image });
const running = (name: string, extra: Record<string, unknown> = {}) => ({ name, ready: true, started: true, restartCount: 0, state: { running: { startedAt: ago(100) } }, ...extra });
const waiting = (name: string, reason: string, extra: Record<string, unknown> = {}) => ({ name, ready: false, started: false, restartCount: 0, state: { waiting: { reason } }, ...extra });
const terminated = (name: string, exitCode: number, reason?: string, extra: Record<string, unknown> = {}) =>
  ({ name, ready: false, started: false, restartCount: 0, state: { terminated: { exitCode, ...(reason ? { reason } : {}), finishedAt: ago(30) } }, ...extra });
const lastTerminated = (secondsAgo: number) => ({ terminated: { exitCode: 1, reason: 'Error', finishedAt: ago(secondsAgo) } });
const ready = (status: 'True' | 'False') => ({ type: 'Ready', status });

function pod(name: string, spec: Record<string, unknown>, status: Record<string, unknown>, metaExtra: Record<string, unknown> = {}, ageSeconds = 60) {
  return { apiVersion: 'v1', kind: 'Pod', metadata: meta(name, ageSeconds, metaExtra), spec: { containers: [container('app')], ...spec }, status };
}

const NARROW_NONE = ['<none>', '<none>', '<none>', '<none>'];

describe('printers: pods', () => {
  runCases('', 'pods', [
    { name: 'Pending with no container statuses', obj: pod('p', {}, { phase: 'Pending' }, {}, 5), cells: ['p', '0/1', 'Pending', '0', '5s', ...NARROW_NONE] },
    {
      name: 'Pending / ContainerCreating',
      obj: pod('p', { nodeName: 'node-1' }, { phase: 'Pending', containerStatuses: [waiting('app', 'ContainerCreating')] }, {}, 5),
      cells: ['p', '0/1', 'ContainerCreating', '0', '5s', '<none>', 'node-1', '<none>', '<none>'],
    },
    {
      name: 'Running 1/1 with IP and node',
      obj: pod('p', { nodeName: 'node-1' }, { phase: 'Running', podIP: '10.244.0.5', podIPs: [{ ip: '10.244.0.5' }], conditions: [ready('True')], containerStatuses: [running('app')] }, {}, 192),
      cells: ['p', '1/1', 'Running', '0', '3m12s', '10.244.0.5', 'node-1', '<none>', '<none>'],
    },
    {
      name: 'podIPs alone gives the IP',
      obj: pod('p', {}, { phase: 'Running', podIPs: [{ ip: 'fd00::5' }], containerStatuses: [running('app')] }),
      cells: ['p', '1/1', 'Running', '0', '60s', 'fd00::5', '<none>', '<none>', '<none>'],
    },
    {
      name: 'CrashLoopBackOff with restarts "3 (10s ago)"',
      obj: pod('p', {}, { phase: 'Running', containerStatuses: [waiting('app', 'CrashLoopBackOff', { restartCount: 3, lastState: lastTerminated(10) })] }, {}, 600),
      cells: ['p', '0/1', 'CrashLoopBackOff', '3 (10s ago)', '10m', ...NARROW_NONE],
    },
    {
      name: 'restarts without a last termination time print the bare count',
      obj: pod('p', {}, { phase: 'Running', containerStatuses: [running('app', { restartCount: 5 })] }),
      cells: ['p', '1/1', 'Running', '5', '60s', ...NARROW_NONE],
    },
    {
      name: 'restarts sum over containers and take the latest termination',
      obj: pod('p', { containers: [container('a'), container('b')] }, {
        phase: 'Running',
        containerStatuses: [running('a', { restartCount: 2, lastState: lastTerminated(7200) }), running('b', { restartCount: 1, lastState: lastTerminated(300) })],
      }, {}, 86400 * 3),
      cells: ['p', '2/2', 'Running', '3 (5m ago)', '3d', ...NARROW_NONE],
    },
    { name: 'ErrImagePull', obj: pod('p', {}, { phase: 'Pending', containerStatuses: [waiting('app', 'ErrImagePull')] }), cells: ['p', '0/1', 'ErrImagePull', '0', '60s', ...NARROW_NONE] },
    { name: 'ImagePullBackOff', obj: pod('p', {}, { phase: 'Pending', containerStatuses: [waiting('app', 'ImagePullBackOff')] }), cells: ['p', '0/1', 'ImagePullBackOff', '0', '60s', ...NARROW_NONE] },
    {
      name: 'Completed',
      obj: pod('p', {}, { phase: 'Succeeded', containerStatuses: [terminated('app', 0, 'Completed')] }),
      cells: ['p', '0/1', 'Completed', '0', '60s', ...NARROW_NONE],
    },
    {
      name: 'Error with exit code 1',
      obj: pod('p', {}, { phase: 'Failed', containerStatuses: [terminated('app', 1, 'Error')] }),
      cells: ['p', '0/1', 'Error', '0', '60s', ...NARROW_NONE],
    },
    { name: 'ExitCode:137 when the kubelet gave no reason', obj: pod('p', {}, { phase: 'Failed', containerStatuses: [terminated('app', 137)] }), cells: ['p', '0/1', 'ExitCode:137', '0', '60s', ...NARROW_NONE] },
    {
      name: 'Signal:9 when terminated by a signal without reason',
      obj: pod('p', {}, { phase: 'Failed', containerStatuses: [{ name: 'app', restartCount: 0, state: { terminated: { exitCode: 137, signal: 9 } } }] }),
      cells: ['p', '0/1', 'Signal:9', '0', '60s', ...NARROW_NONE],
    },
    { name: 'Evicted (status.reason wins over the phase)', obj: pod('p', {}, { phase: 'Failed', reason: 'Evicted' }), cells: ['p', '0/1', 'Evicted', '0', '60s', ...NARROW_NONE] },
    {
      name: 'the first container\'s reason is the one shown',
      obj: pod('p', { containers: [container('a'), container('b')] }, { phase: 'Pending', containerStatuses: [waiting('a', 'ContainerCreating'), waiting('b', 'ErrImagePull')] }),
      cells: ['p', '0/2', 'ContainerCreating', '0', '60s', ...NARROW_NONE],
    },
    {
      name: 'a finished container beside a running one: NotReady',
      obj: pod('p', { containers: [container('a'), container('b')] }, { phase: 'Running', conditions: [ready('False')], containerStatuses: [terminated('a', 0, 'Completed'), running('b')] }),
      cells: ['p', '1/2', 'NotReady', '0', '60s', ...NARROW_NONE],
    },
    {
      name: 'a finished container beside a running one with Ready: Running',
      obj: pod('p', { containers: [container('a'), container('b')] }, { phase: 'Running', conditions: [ready('True')], containerStatuses: [terminated('a', 0, 'Completed'), running('b')] }),
      cells: ['p', '1/2', 'Running', '0', '60s', ...NARROW_NONE],
    },
    {
      name: 'Init:0/1 while the init container runs',
      obj: pod('p', { initContainers: [container('init')] }, { phase: 'Pending', initContainerStatuses: [{ ...running('init'), ready: false }], containerStatuses: [waiting('app', 'PodInitializing')] }),
      cells: ['p', '0/1', 'Init:0/1', '0', '60s', ...NARROW_NONE],
    },
    {
      name: 'Init:1/2 after the first init container succeeded',
      obj: pod('p', { initContainers: [container('i1'), container('i2')] }, {
        phase: 'Pending', initContainerStatuses: [terminated('i1', 0, 'Completed'), waiting('i2', 'PodInitializing')], containerStatuses: [waiting('app', 'PodInitializing')],
      }),
      cells: ['p', '0/1', 'Init:1/2', '0', '60s', ...NARROW_NONE],
    },
    {
      name: 'Init:CrashLoopBackOff counts init restarts',
      obj: pod('p', { initContainers: [container('init')] }, {
        phase: 'Pending', initContainerStatuses: [waiting('init', 'CrashLoopBackOff', { restartCount: 4, lastState: lastTerminated(20) })], containerStatuses: [waiting('app', 'PodInitializing')],
      }),
      cells: ['p', '0/1', 'Init:CrashLoopBackOff', '4 (20s ago)', '60s', ...NARROW_NONE],
    },
    {
      name: 'Init:Error',
      obj: pod('p', { initContainers: [container('init')] }, { phase: 'Pending', initContainerStatuses: [terminated('init', 1, 'Error')] }),
      cells: ['p', '0/1', 'Init:Error', '0', '60s', ...NARROW_NONE],
    },
    {
      name: 'Init:ExitCode:2 and Init:Signal:15 without reasons',
      obj: pod('p', { initContainers: [container('init')] }, { phase: 'Pending', initContainerStatuses: [terminated('init', 2)] }),
      cells: ['p', '0/1', 'Init:ExitCode:2', '0', '60s', ...NARROW_NONE],
    },
    {
      name: 'Init:Signal:15',
      obj: pod('p', { initContainers: [container('init')] }, { phase: 'Pending', initContainerStatuses: [{ name: 'init', restartCount: 0, state: { terminated: { exitCode: 143, signal: 15 } } }] }),
      cells: ['p', '0/1', 'Init:Signal:15', '0', '60s', ...NARROW_NONE],
    },
    {
      name: 'PodInitializing once init containers are done',
      obj: pod('p', { initContainers: [container('init')] }, {
        phase: 'Pending', initContainerStatuses: [terminated('init', 0, 'Completed')], containerStatuses: [waiting('app', 'PodInitializing')],
      }),
      cells: ['p', '0/1', 'PodInitializing', '0', '60s', ...NARROW_NONE],
    },
    {
      name: 'a sidecar counts towards READY and keeps its restarts',
      obj: pod('p', { initContainers: [{ name: 'proxy', image: 'envoy', restartPolicy: 'Always' }] }, {
        phase: 'Running', conditions: [{ type: 'Initialized', status: 'True' }, ready('True')],
        initContainerStatuses: [running('proxy', { restartCount: 2, lastState: lastTerminated(60) })], containerStatuses: [running('app')],
      }),
      cells: ['p', '2/2', 'Running', '2 (60s ago)', '60s', ...NARROW_NONE],
    },
    {
      name: 'init restarts stop counting once initialised',
      obj: pod('p', { initContainers: [container('init')] }, {
        phase: 'Running', initContainerStatuses: [terminated('init', 0, 'Completed', { restartCount: 2, lastState: lastTerminated(50) })], containerStatuses: [running('app')],
      }),
      cells: ['p', '1/1', 'Running', '0', '60s', ...NARROW_NONE],
    },
    {
      name: 'Terminating when deletionTimestamp is set',
      obj: pod('p', {}, { phase: 'Running', containerStatuses: [running('app')] }, { deletionTimestamp: ago(0) }),
      cells: ['p', '1/1', 'Terminating', '0', '60s', ...NARROW_NONE],
    },
    {
      name: 'a deleted pod that already finished keeps its status',
      obj: pod('p', {}, { phase: 'Succeeded', containerStatuses: [terminated('app', 0, 'Completed')] }, { deletionTimestamp: ago(0) }),
      cells: ['p', '0/1', 'Completed', '0', '60s', ...NARROW_NONE],
    },
    { name: 'NodeLost', obj: pod('p', {}, { phase: 'Running', reason: 'NodeLost', containerStatuses: [running('app')] }), cells: ['p', '1/1', 'NodeLost', '0', '60s', ...NARROW_NONE] },
    {
      name: 'Unknown when a NodeLost pod is being deleted',
      obj: pod('p', {}, { phase: 'Running', reason: 'NodeLost', containerStatuses: [running('app')] }, { deletionTimestamp: ago(0) }),
      cells: ['p', '1/1', 'Unknown', '0', '60s', ...NARROW_NONE],
    },
    {
      name: 'SchedulingGated',
      obj: pod('p', { schedulingGates: [{ name: 'g' }] }, { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'SchedulingGated' }] }),
      cells: ['p', '0/1', 'SchedulingGated', '0', '60s', ...NARROW_NONE],
    },
    {
      name: 'nominated node and readiness gates',
      obj: pod('p', { readinessGates: [{ conditionType: 'example.com/a' }, { conditionType: 'example.com/b' }] }, {
        phase: 'Running', nominatedNodeName: 'node-2', conditions: [{ type: 'example.com/a', status: 'True' }, { type: 'example.com/b', status: 'False' }], containerStatuses: [running('app')],
      }),
      cells: ['p', '1/1', 'Running', '0', '60s', '<none>', '<none>', 'node-2', '1/2'],
    },
    { name: 'no creationTimestamp: <unknown>', obj: { metadata: { name: 'p' }, spec: { containers: [] } }, cells: ['p', '0/0', '', '0', '<unknown>', ...NARROW_NONE] },
  ]);

  it('marks finished pods with a Completed row condition', () => {
    const p = printer('', 'pods');
    expect(p.conditions?.(pod('p', {}, { phase: 'Succeeded' }) as KubeObject)).to.deep.equal([{ type: 'Completed', status: 'True', reason: 'Succeeded', message: 'The pod has completed successfully.' }]);
    expect(p.conditions?.(pod('p', {}, { phase: 'Failed' }) as KubeObject)).to.deep.equal([{ type: 'Completed', status: 'True', reason: 'Failed', message: 'The pod failed.' }]);
    expect(p.conditions?.(pod('p', {}, { phase: 'Running' }) as KubeObject)).to.equal(undefined);
  });
});

const template = (containers: { name: string; image: string }[], labels: Record<string, string> = { app: 'web' }, extra: Record<string, unknown> = {}) =>
  ({ metadata: { labels }, spec: { containers, ...extra } });

describe('printers: workloads', () => {
  describe('deployments', () => runCases('apps', 'deployments', [
    {
      name: 'READY/UP-TO-DATE/AVAILABLE',
      obj: { metadata: meta('web', 3600 * 5 + 60 * 3), spec: { replicas: 3, selector: { matchLabels: { app: 'web' } }, template: template([container('nginx', 'nginx:1.27')]) }, status: { replicas: 3, readyReplicas: 2, updatedReplicas: 3, availableReplicas: 2 } },
      cells: ['web', '2/3', 3, 2, '5h3m', 'nginx', 'nginx:1.27', 'app=web'],
    },
    {
      name: 'new deployment without status; selector with expressions',
      obj: {
        metadata: meta('web', 30),
        spec: {
          replicas: 1,
          selector: { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['b', 'a'] }, { key: 'env', operator: 'Exists' }, { key: 'legacy', operator: 'DoesNotExist' }] },
          template: template([container('a'), container('b')]),
        },
      },
      cells: ['web', '0/1', 0, 0, '30s', 'a,b', 'a:1,b:1', 'app=web,env,!legacy,tier in (a,b)'],
    },
  ]));

  describe('replicasets', () => runCases('apps', 'replicasets', [
    {
      name: 'desired/current/ready',
      obj: { metadata: meta('web-7d4b9', 86400 * 10), spec: { replicas: 3, selector: { matchLabels: { app: 'web', 'pod-template-hash': '7d4b9' } }, template: template([container('nginx', 'nginx:1.27')]) }, status: { replicas: 3, readyReplicas: 3 } },
      cells: ['web-7d4b9', 3, 3, 3, '10d', 'nginx', 'nginx:1.27', 'app=web,pod-template-hash=7d4b9'],
    },
    {
      name: 'scaled to zero, empty selector prints <none>',
      obj: { metadata: meta('old', 60), spec: { replicas: 0, selector: {}, template: template([]) }, status: { replicas: 0 } },
      cells: ['old', 0, 0, 0, '60s', '', '', '<none>'],
    },
    {
      name: 'NotIn selector',
      obj: { metadata: meta('rs', 60), spec: { replicas: 1, selector: { matchExpressions: [{ key: 'env', operator: 'NotIn', values: ['prod'] }] }, template: template([]) } },
      cells: ['rs', 1, 0, 0, '60s', '', '', 'env notin (prod)'],
    },
  ]));

  describe('replicationcontrollers', () => runCases('', 'replicationcontrollers', [
    {
      name: 'selector is a label map',
      obj: { metadata: meta('rc', 60), spec: { replicas: 2, selector: { app: 'sample', tier: 'fe' }, template: template([container('main', 'busybox:1.36')]) }, status: { replicas: 2, readyReplicas: 1 } },
      cells: ['rc', 2, 2, 1, '60s', 'main', 'busybox:1.36', 'app=sample,tier=fe'],
    },
  ]));

  describe('statefulsets', () => runCases('apps', 'statefulsets', [
    {
      name: 'READY ready/desired',
      obj: { metadata: meta('db', 60 * 45), spec: { replicas: 3, serviceName: 'db', selector: { matchLabels: { app: 'db' } }, template: template([container('pg', 'postgres:16')]) }, status: { replicas: 2, readyReplicas: 1 } },
      cells: ['db', '1/3', '45m', 'pg', 'postgres:16'],
    },
  ]));

  describe('daemonsets', () => runCases('apps', 'daemonsets', [
    {
      name: 'counts, node selector and selector',
      obj: {
        metadata: meta('agent', 3600 * 30),
        spec: { selector: { matchLabels: { app: 'agent' } }, template: template([container('agent', 'agent:1')], { app: 'agent' }, { nodeSelector: { 'kubernetes.io/os': 'linux' } }) },
        status: { desiredNumberScheduled: 2, currentNumberScheduled: 2, numberReady: 1, updatedNumberScheduled: 2, numberAvailable: 1 },
      },
      cells: ['agent', 2, 2, 1, 2, 1, 'kubernetes.io/os=linux', '30h', 'agent', 'agent:1', 'app=agent'],
    },
    {
      name: 'no status, no node selector',
      obj: { metadata: meta('agent', 60), spec: { selector: { matchLabels: { app: 'agent' } }, template: template([container('agent', 'agent:1')]) } },
      cells: ['agent', 0, 0, 0, 0, 0, '<none>', '60s', 'agent', 'agent:1', 'app=agent'],
    },
  ]));

  describe('controllerrevisions', () => runCases('apps', 'controllerrevisions', [
    {
      name: 'owned by a daemonset',
      obj: { metadata: meta('agent-5d8f', 60, { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'agent', uid: 'u', controller: true }] }), data: {}, revision: 2 },
      cells: ['agent-5d8f', 'daemonset.apps/agent', 2, '60s'],
    },
    {
      name: 'owned by a core kind',
      obj: { metadata: meta('r', 60, { ownerReferences: [{ apiVersion: 'v1', kind: 'ReplicationController', name: 'rc', uid: 'u', controller: true }] }), revision: 1 },
      cells: ['r', 'replicationcontroller/rc', 1, '60s'],
    },
    {
      name: 'no controller',
      obj: { metadata: meta('r', 60, { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 's', uid: 'u' }] }), revision: 7 },
      cells: ['r', '<none>', 7, '60s'],
    },
  ]));

  describe('podtemplates', () => runCases('', 'podtemplates', [
    { name: 'containers, images and pod labels; no AGE', obj: { metadata: meta('pt'), template: template([container('main', 'busybox:1.36')], { b: '2', a: '1' }) }, cells: ['pt', 'main', 'busybox:1.36', 'a=1,b=2'] },
    { name: 'no labels', obj: { metadata: meta('pt'), template: { spec: { containers: [] } } }, cells: ['pt', '', '', '<none>'] },
  ]));
});

describe('printers: services and endpoints', () => {
  const svc = (name: string, spec: Record<string, unknown>, status: Record<string, unknown> = {}) => ({ metadata: meta(name, 86400 * 2 + 3600 * 3), spec, status });
  describe('services', () => runCases('', 'services', [
    {
      name: 'ClusterIP',
      obj: svc('kube-dns', { type: 'ClusterIP', clusterIP: '10.96.0.10', clusterIPs: ['10.96.0.10'], ports: [{ name: 'dns', port: 53, protocol: 'UDP' }, { name: 'dns-tcp', port: 53, protocol: 'TCP' }], selector: { 'k8s-app': 'kube-dns' } }),
      cells: ['kube-dns', 'ClusterIP', '10.96.0.10', '<none>', '53/UDP,53/TCP', '2d3h', 'k8s-app=kube-dns'],
    },
    {
      name: 'NodePort shows port:nodePort',
      obj: svc('web', { type: 'NodePort', clusterIP: '10.96.1.2', ports: [{ port: 80, nodePort: 30080, protocol: 'TCP' }, { port: 443, nodePort: 30443, protocol: 'TCP' }], selector: { app: 'web' } }),
      cells: ['web', 'NodePort', '10.96.1.2', '<none>', '80:30080/TCP,443:30443/TCP', '2d3h', 'app=web'],
    },
    {
      name: 'LoadBalancer pending',
      obj: svc('lb', { type: 'LoadBalancer', clusterIP: '10.96.1.3', ports: [{ port: 80, nodePort: 31000, protocol: 'TCP' }] }),
      cells: ['lb', 'LoadBalancer', '10.96.1.3', '<pending>', '80:31000/TCP', '2d3h', '<none>'],
    },
    {
      name: 'LoadBalancer with ingress (sorted, not clipped) and external IPs',
      obj: svc('lb', { type: 'LoadBalancer', clusterIP: '10.96.1.3', externalIPs: ['5.6.7.8'], ports: [{ port: 80, nodePort: 31000, protocol: 'TCP' }] }, { loadBalancer: { ingress: [{ hostname: 'a-very-long-load-balancer.example.com' }, { ip: '1.2.3.4' }] } }),
      cells: ['lb', 'LoadBalancer', '10.96.1.3', '1.2.3.4,a-very-long-load-balancer.example.com,5.6.7.8', '80:31000/TCP', '2d3h', '<none>'],
    },
    {
      name: 'ClusterIP with external IPs',
      obj: svc('ext', { type: 'ClusterIP', clusterIP: '10.96.1.4', externalIPs: ['5.6.7.8', '5.6.7.9'], ports: [{ port: 8080, protocol: 'SCTP' }] }),
      cells: ['ext', 'ClusterIP', '10.96.1.4', '5.6.7.8,5.6.7.9', '8080/SCTP', '2d3h', '<none>'],
    },
    {
      name: 'headless',
      obj: svc('db', { type: 'ClusterIP', clusterIP: 'None', clusterIPs: ['None'], ports: [{ port: 5432, protocol: 'TCP' }], selector: { app: 'db' } }),
      cells: ['db', 'ClusterIP', 'None', '<none>', '5432/TCP', '2d3h', 'app=db'],
    },
    {
      name: 'ExternalName',
      obj: svc('ext', { type: 'ExternalName', externalName: 'example.com' }),
      cells: ['ext', 'ExternalName', '<none>', 'example.com', '<none>', '2d3h', '<none>'],
    },
  ]));

  const ep = (subsets: unknown) => ({ metadata: meta('svc', 60), ...(subsets === undefined ? {} : { subsets }) });
  describe('endpoints', () => runCases('', 'endpoints', [
    { name: 'ip:port pairs', obj: ep([{ addresses: [{ ip: '10.0.0.1' }, { ip: '10.0.0.2' }], ports: [{ port: 80 }] }]), cells: ['svc', '10.0.0.1:80,10.0.0.2:80', '60s'] },
    {
      name: 'more than three',
      obj: ep([{ addresses: [{ ip: '10.0.0.1' }, { ip: '10.0.0.2' }], ports: [{ port: 80 }, { port: 443 }] }, { addresses: [{ ip: '10.0.0.3' }], ports: [{ port: 80 }] }]),
      cells: ['svc', '10.0.0.1:80,10.0.0.2:80,10.0.0.1:443 + 2 more...', '60s'],
    },
    { name: 'IPv6 in brackets', obj: ep([{ addresses: [{ ip: 'fd00::1' }], ports: [{ port: 80 }] }]), cells: ['svc', '[fd00::1]:80', '60s'] },
    { name: 'headless without ports', obj: ep([{ addresses: [{ ip: '10.0.0.1' }] }]), cells: ['svc', '10.0.0.1', '60s'] },
    { name: 'no subsets', obj: ep(undefined), cells: ['svc', '<none>', '60s'] },
    { name: 'only not-ready addresses', obj: ep([{ notReadyAddresses: [{ ip: '10.0.0.1' }], ports: [{ port: 80 }] }]), cells: ['svc', '', '60s'] },
  ]));

  const slice = (ports: unknown, endpoints: unknown) => ({ metadata: meta('svc-abcde', 60), addressType: 'IPv4', ports, endpoints });
  describe('endpointslices', () => runCases('discovery.k8s.io', 'endpointslices', [
    { name: 'ports and addresses', obj: slice([{ port: 80, protocol: 'TCP' }, { port: 443 }], [{ addresses: ['10.0.0.1'] }, { addresses: ['10.0.0.2'] }]), cells: ['svc-abcde', 'IPv4', '80,443', '10.0.0.1,10.0.0.2', '60s'] },
    { name: 'empty slice', obj: slice(null, []), cells: ['svc-abcde', 'IPv4', '<unset>', '<unset>', '60s'] },
    { name: 'named and unnumbered ports', obj: slice([{ name: 'http' }, {}], []), cells: ['svc-abcde', 'IPv4', 'http,*', '<unset>', '60s'] },
    {
      name: 'more than three',
      obj: slice([{ port: 1 }, { port: 2 }, { port: 3 }, { port: 4 }], [{ addresses: ['a', 'b'] }, { addresses: ['c', 'd', 'e'] }]),
      cells: ['svc-abcde', 'IPv4', '1,2,3 + 1 more...', 'a,b,c + 2 more...', '60s'],
    },
  ]));
});

describe('printers: config kinds', () => {
  describe('configmaps', () => runCases('', 'configmaps', [
    { name: 'data and binaryData keys', obj: { metadata: meta('cm'), data: { a: '1', b: '2' }, binaryData: { c: 'AA==' } }, cells: ['cm', 3, '60s'] },
    { name: 'empty', obj: { metadata: meta('cm') }, cells: ['cm', 0, '60s'] },
  ]));
  describe('secrets', () => runCases('', 'secrets', [
    { name: 'TYPE and DATA', obj: { metadata: meta('s'), type: 'Opaque', data: { password: 'czNjcmV0' } }, cells: ['s', 'Opaque', 1, '60s'] },
    { name: 'stringData not yet merged counts too', obj: { metadata: meta('s'), type: 'kubernetes.io/basic-auth', data: { username: 'dQ==' }, stringData: { username: 'u', password: 'p' } }, cells: ['s', 'kubernetes.io/basic-auth', 2, '60s'] },
  ]));
  describe('serviceaccounts', () => runCases('', 'serviceaccounts', [
    { name: 'no secrets', obj: { metadata: meta('default') }, cells: ['default', 0, '60s'] },
    { name: 'listed secrets', obj: { metadata: meta('builder'), secrets: [{ name: 'a' }, { name: 'b' }] }, cells: ['builder', 2, '60s'] },
  ]));
  describe('namespaces', () => runCases('', 'namespaces', [
    { name: 'Active', obj: { metadata: { name: 'default', creationTimestamp: ago(86400 * 400) }, status: { phase: 'Active' } }, cells: ['default', 'Active', '400d'] },
    { name: 'Terminating', obj: { metadata: { name: 'gone', creationTimestamp: ago(86400 * 365 * 3 + 86400 * 20) }, status: { phase: 'Terminating' } }, cells: ['gone', 'Terminating', '3y20d'] },
  ]));
  describe('leases', () => runCases('coordination.k8s.io', 'leases', [
    { name: 'holder', obj: { metadata: meta('node-1'), spec: { holderIdentity: 'node-1', leaseDurationSeconds: 40 } }, cells: ['node-1', 'node-1', '60s'] },
    { name: 'no holder', obj: { metadata: meta('free'), spec: {} }, cells: ['free', '', '60s'] },
  ]));
});

describe('printers: nodes', () => {
  const node = (labels: Record<string, string>, spec: Record<string, unknown>, status: Record<string, unknown>) => ({ metadata: { name: 'n1', creationTimestamp: ago(86400 * 9), labels }, spec, status });
  const info = { kubeletVersion: 'v1.32.0', osImage: 'Debian GNU/Linux 12 (bookworm)', kernelVersion: '6.1.0', containerRuntimeVersion: 'containerd://1.7.20' };
  runCases('', 'nodes', [
    {
      name: 'Ready control plane with addresses',
      obj: node({ 'node-role.kubernetes.io/control-plane': '', 'kubernetes.io/hostname': 'n1' }, {}, {
        conditions: [{ type: 'MemoryPressure', status: 'False' }, { type: 'Ready', status: 'True' }],
        addresses: [{ type: 'Hostname', address: 'n1' }, { type: 'InternalIP', address: '172.18.0.2' }],
        nodeInfo: info,
      }),
      cells: ['n1', 'Ready', 'control-plane', '9d', 'v1.32.0', '172.18.0.2', '<none>', info.osImage, info.kernelVersion, info.containerRuntimeVersion],
    },
    {
      name: 'cordoned, several roles from both label styles',
      obj: node({ 'node-role.kubernetes.io/worker': '', 'node-role.kubernetes.io/': '', 'kubernetes.io/role': 'infra', 'node-role.kubernetes.io/infra': 'x' }, { unschedulable: true }, {
        conditions: [{ type: 'Ready', status: 'True' }], addresses: [{ type: 'ExternalIP', address: '34.1.2.3' }], nodeInfo: info,
      }),
      cells: ['n1', 'Ready,SchedulingDisabled', 'infra,worker', '9d', 'v1.32.0', '<none>', '34.1.2.3', info.osImage, info.kernelVersion, info.containerRuntimeVersion],
    },
    {
      name: 'NotReady without roles',
      obj: node({}, {}, { conditions: [{ type: 'Ready', status: 'Unknown' }], nodeInfo: info }),
      cells: ['n1', 'NotReady', '<none>', '9d', 'v1.32.0', '<none>', '<none>', info.osImage, info.kernelVersion, info.containerRuntimeVersion],
    },
    {
      name: 'just registered: Unknown, no node info',
      obj: node({}, { unschedulable: true }, {}),
      cells: ['n1', 'Unknown,SchedulingDisabled', '<none>', '9d', '', '<none>', '<none>', '<unknown>', '<unknown>', '<unknown>'],
    },
  ]);
});

describe('printers: events', () => {
  const coreEvent = {
    apiVersion: 'v1', kind: 'Event',
    metadata: meta('web.17a2b3c4d5e6f'),
    involvedObject: { kind: 'Pod', namespace: 'default', name: 'web', fieldPath: 'spec.containers{main}' },
    reason: 'Pulled', message: 'Successfully pulled image "nginx"\n', type: 'Normal',
    source: { component: 'kubelet', host: 'node-1' },
    firstTimestamp: ago(300), lastTimestamp: ago(30), count: 4,
  };
  const v1Event = {
    apiVersion: 'events.k8s.io/v1', kind: 'Event',
    metadata: meta('sample-ev2'),
    eventTime: new Date(NOW - 20_000).toISOString().replace('Z', '000Z'),
    reportingController: 'test/ctrl', reportingInstance: 'test-1', action: 'Testing', reason: 'Testing', note: 'hi', type: 'Normal',
    regarding: { kind: 'Pod', name: 'sample-pod', namespace: 'default' },
    deprecatedSource: {}, deprecatedFirstTimestamp: null, deprecatedLastTimestamp: null,
  };
  const cases: Case[] = [
    { name: 'core event: LAST SEEN/TYPE/REASON/OBJECT/MESSAGE', obj: coreEvent, cells: ['30s', 'Normal', 'Pulled', 'pod/web', 'spec.containers{main}', 'kubelet, node-1', 'Successfully pulled image "nginx"', '5m', 4, 'web.17a2b3c4d5e6f'] },
    { name: 'events.k8s.io event: eventTime, reporting controller, count 1', obj: v1Event, cells: ['20s', 'Normal', 'Testing', 'pod/sample-pod', '', 'test/ctrl, test-1', 'hi', '20s', 1, 'sample-ev2'] },
    {
      name: 'core shape of a new-style event (as stored)',
      obj: { apiVersion: 'v1', kind: 'Event', metadata: meta('e'), eventTime: v1Event.eventTime, reportingComponent: 'test/ctrl', reportingInstance: 'test-1', reason: 'Testing', message: 'hi', type: 'Normal', involvedObject: { kind: 'Pod', name: 'sample-pod' }, source: {}, firstTimestamp: null, lastTimestamp: null },
      cells: ['20s', 'Normal', 'Testing', 'pod/sample-pod', '', 'test/ctrl, test-1', 'hi', '20s', 1, 'e'],
    },
    {
      name: 'series: last observed time and series count',
      obj: { ...coreEvent, series: { count: 7, lastObservedTime: new Date(NOW - 120_000).toISOString().replace('Z', '000Z') } },
      cells: ['2m', 'Normal', 'Pulled', 'pod/web', 'spec.containers{main}', 'kubelet, node-1', 'Successfully pulled image "nginx"', '5m', 7, 'web.17a2b3c4d5e6f'],
    },
    {
      name: 'object without a name, source without host, no timestamps',
      obj: { apiVersion: 'v1', kind: 'Event', metadata: meta('n'), involvedObject: { kind: 'Node' }, reason: 'Starting', type: 'Warning', message: ' x ', source: { component: 'kube-proxy' } },
      cells: ['<unknown>', 'Warning', 'Starting', 'node', '', 'kube-proxy', 'x', '<unknown>', 1, 'n'],
    },
  ];
  describe('core/v1', () => runCases('', 'events', cases));
  describe('events.k8s.io/v1', () => runCases('events.k8s.io', 'events', cases));
});

describe('printers: storage', () => {
  describe('persistentvolumes', () => runCases('', 'persistentvolumes', [
    {
      name: 'bound volume; capacity canonicalised; modes in fixed order',
      obj: {
        metadata: { name: 'pv-1', creationTimestamp: ago(3600) },
        spec: { capacity: { storage: '1024Mi' }, accessModes: ['ReadWriteMany', 'ReadWriteOnce'], persistentVolumeReclaimPolicy: 'Retain', claimRef: { namespace: 'default', name: 'data' }, storageClassName: 'standard', volumeMode: 'Filesystem' },
        status: { phase: 'Bound' },
      },
      cells: ['pv-1', '1Gi', 'RWO,RWX', 'Retain', 'Bound', 'default/data', 'standard', '<unset>', '', '60m', 'Filesystem'],
    },
    {
      name: 'beta class annotation wins; terminating; failed reason',
      obj: {
        metadata: { name: 'pv-2', creationTimestamp: ago(3600), deletionTimestamp: ago(1), annotations: { 'volume.beta.kubernetes.io/storage-class': 'slow' } },
        spec: { capacity: { storage: '1536Mi' }, accessModes: ['ReadWriteOncePod', 'ReadOnlyMany'], persistentVolumeReclaimPolicy: 'Delete', storageClassName: 'fast', volumeAttributesClassName: 'gold' },
        status: { phase: 'Failed', reason: 'Boom' },
      },
      cells: ['pv-2', '1536Mi', 'ROX,RWOP', 'Delete', 'Terminating', '', 'slow', 'gold', 'Boom', '60m', '<unset>'],
    },
  ]));

  describe('persistentvolumeclaims', () => runCases('', 'persistentvolumeclaims', [
    {
      name: 'bound claim shows the volume\'s capacity and modes',
      obj: {
        metadata: meta('data', 60),
        spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, volumeName: 'pv-1', storageClassName: 'standard', volumeMode: 'Filesystem' },
        status: { phase: 'Bound', capacity: { storage: '2Gi' }, accessModes: ['ReadWriteOnce'] },
      },
      cells: ['data', 'Bound', 'pv-1', '2Gi', 'RWO', 'standard', '<unset>', '60s', 'Filesystem'],
    },
    {
      name: 'pending claim leaves capacity and modes blank',
      obj: { metadata: meta('data', 60), spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } }, status: { phase: 'Pending' } },
      cells: ['data', 'Pending', '', '', '', '', '<unset>', '60s', '<unset>'],
    },
  ]));
});

describe('printers: formatting', () => {
  it('AGE follows duration.HumanDuration', () => {
    const table: [number, string][] = [
      [0, '0s'], [-1_500, '0s'], [-2_500, '<invalid>'], [5_000, '5s'], [119_999, '119s'], [120_000, '2m'], [192_000, '3m12s'],
      [599_000, '9m59s'], [600_000, '10m'], [179 * 60_000, '179m'], [180 * 60_000, '3h'], [(3 * 60 + 5) * 60_000, '3h5m'],
      [8 * 3_600_000, '8h'], [47 * 3_600_000, '47h'], [48 * 3_600_000, '2d'], [51 * 3_600_000, '2d3h'], [8 * 86_400_000, '8d'],
      [729 * 86_400_000, '729d'], [730 * 86_400_000, '2y'], [731 * 86_400_000, '2y1d'], [365 * 8 * 86_400_000, '8y'], [365 * 20 * 86_400_000, '20y'],
    ];
    for (const [ms, want] of table) expect(humanDuration(ms), String(ms)).to.equal(want);
  });

  it('unset timestamps read <unknown>', () => {
    expect(since(undefined, NOW)).to.equal('<unknown>');
    expect(since(null, NOW)).to.equal('<unknown>');
    expect(since('0001-01-01T00:00:00Z', NOW)).to.equal('<unknown>');
    expect(since(ago(3), NOW)).to.equal('3s');
  });

  it('canonicalises quantities as resource.Quantity does', () => {
    const table: [unknown, string][] = [
      ['1Gi', '1Gi'], ['1024Mi', '1Gi'], ['1536Mi', '1536Mi'], ['0.5Gi', '512Mi'], ['1.5Gi', '1536Mi'], ['512Ki', '512Ki'], ['0.5Ki', '512'],
      ['1000', '1k'], ['1500', '1500'], ['1.5', '1500m'], ['0.1', '100m'], ['100M', '100M'], ['2G', '2G'], ['1000M', '1G'], ['1e3', '1e3'],
      ['12e2', '1200'], ['0', '0'], [undefined, '0'], [1073741824, '1073741824'], ['0.0000000001', '1n'], ['-1Gi', '-1Gi'], ['10Ti', '10Ti'],
    ];
    for (const [q, want] of table) expect(canonicalQuantity(q), String(q)).to.equal(want);
  });

  it('prints label selectors as labels.Selector.String()', () => {
    expect(labelSelectorString(undefined)).to.equal('');
    expect(labelSelectorString({})).to.equal('');
    expect(labelSelectorString({ matchLabels: { b: '2', a: '1' } })).to.equal('a=1,b=2');
    expect(labelSelectorString({ matchExpressions: [{ key: 'k', operator: 'Bogus' }] })).to.equal(undefined);
    expect(labelSelectorString({ matchExpressions: [{ key: 'k', operator: 'In', values: [] }] })).to.equal(undefined);
  });

  it('gives kinds without a printer upstream\'s default columns', () => {
    expect(printerFor('example.com', 'widgets')).to.equal(undefined);
    expect(defaultPrinter.columns.map((c) => [c.name, c.type, c.format])).to.deep.equal([['Name', 'string', 'name'], ['Created At', 'date', '']]);
    expect(defaultPrinter.row({ metadata: { name: 'w', creationTimestamp: '2024-01-01T00:00:00.5Z' } }, NOW)).to.deep.equal(['w', '2024-01-01T00:00:00Z']);
    expect(defaultPrinter.row({ metadata: { name: 'w' } }, NOW)).to.deep.equal(['w', '0001-01-01T00:00:00Z']);
  });
});

describe('table envelope', () => {
  const pods = [
    pod('a', { nodeName: 'n1' }, { phase: 'Running', containerStatuses: [running('app')] }, { resourceVersion: '10', uid: 'ua', labels: { app: 'a' } }),
    pod('b', {}, { phase: 'Succeeded' }, { resourceVersion: '11', uid: 'ub' }),
  ] as KubeObject[];
  const v1 = { includeObject: 'Metadata' as const, apiVersion: 'meta.k8s.io/v1' as const, now: NOW };

  it('wraps a list with its metadata, columns and PartialObjectMetadata rows', () => {
    const t = JSON.parse(JSON.stringify(toTable('', 'pods', pods, { resourceVersion: '42', continue: 'c1', remainingItemCount: 5 }, v1)));
    expect(Object.keys(t)).to.deep.equal(['kind', 'apiVersion', 'metadata', 'columnDefinitions', 'rows']);
    expect(t.kind).to.equal('Table');
    expect(t.apiVersion).to.equal('meta.k8s.io/v1');
    expect(t.metadata).to.deep.equal({ resourceVersion: '42', continue: 'c1', remainingItemCount: 5 });
    expect(t.columnDefinitions[0]).to.deep.equal({ name: 'Name', type: 'string', format: 'name', description: printer('', 'pods').columns[0].description, priority: 0 });
    expect(t.rows).to.have.length(2);
    expect(t.rows[0]).to.deep.equal({
      cells: ['a', '1/1', 'Running', '0', '60s', '<none>', 'n1', '<none>', '<none>'],
      object: { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: pods[0].metadata },
    });
    expect(Object.keys(t.rows[1])).to.deep.equal(['cells', 'conditions', 'object']);
    expect(t.rows[1].conditions[0].reason).to.equal('Succeeded');
  });

  it('omits empty list metadata and handles an empty list', () => {
    const t = toTable('', 'pods', [], {}, v1);
    expect(t.metadata).to.deep.equal({});
    expect(t.rows).to.deep.equal([]);
    expect(t.columnDefinitions).to.have.length(9);
  });

  it('honours includeObject None and Object', () => {
    const none = toTable('', 'pods', pods, { resourceVersion: '1' }, { ...v1, includeObject: 'None' });
    expect(Object.keys(none.rows[0])).to.deep.equal(['cells']);
    const whole = toTable('', 'pods', pods, { resourceVersion: '1' }, { ...v1, includeObject: 'Object' });
    expect(whole.rows[0].object).to.equal(pods[0]);
    const bare = { metadata: { name: 'd', creationTimestamp: ago(1) }, spec: { replicas: 1 } } as KubeObject;
    const typed = toTable('apps', 'deployments', [bare], {}, { ...v1, includeObject: 'Object' });
    expect(typed.rows[0].object).to.deep.equal({ apiVersion: 'apps/v1', kind: 'Deployment', ...bare });
  });

  it('speaks meta.k8s.io/v1beta1 when asked', () => {
    const t = toTable('', 'configmaps', [{ metadata: meta('cm') }], {}, { ...v1, apiVersion: 'meta.k8s.io/v1beta1' });
    expect(t.apiVersion).to.equal('meta.k8s.io/v1beta1');
    expect(t.rows[0].object).to.deep.include({ kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1beta1' });
  });

  it('uses default columns for unknown kinds', () => {
    const t = toTable('example.com', 'widgets', [{ metadata: { name: 'w', creationTimestamp: '2024-01-01T00:00:00Z' } }], {}, v1);
    expect(t.columnDefinitions?.map((c) => c.name)).to.deep.equal(['Name', 'Created At']);
    expect(t.rows[0].cells).to.deep.equal(['w', '2024-01-01T00:00:00Z']);
  });

  it('builds watch event tables, with columns only on request', () => {
    const first = JSON.parse(JSON.stringify(watchTable('', 'pods', pods[0], true, v1)));
    expect(first.metadata).to.deep.equal({ resourceVersion: '10' });
    expect(first.columnDefinitions).to.have.length(9);
    expect(first.rows).to.have.length(1);
    expect(first.rows[0].cells[0]).to.equal('a');
    const later = JSON.parse(JSON.stringify(watchTable('', 'pods', pods[1], false, v1)));
    expect(later.columnDefinitions).to.equal(null);
    expect(later.rows[0].cells[2]).to.equal('Succeeded');
  });

  it('reads table options from Accept and the query', () => {
    const kubectl = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json';
    expect(tableOptionsFrom(kubectl, new URLSearchParams())).to.deep.equal({ includeObject: 'Metadata', apiVersion: 'meta.k8s.io/v1' });
    expect(tableOptionsFrom('application/json;as=Table;v=v1beta1;g=meta.k8s.io', new URLSearchParams('includeObject=Object')))
      .to.deep.equal({ includeObject: 'Object', apiVersion: 'meta.k8s.io/v1beta1' });
    expect(tableOptionsFrom('application/json; as=Table; v=v2; g=meta.k8s.io, application/json;as=Table;v=v1;g=meta.k8s.io', new URLSearchParams('includeObject=None')))
      .to.deep.equal({ includeObject: 'None', apiVersion: 'meta.k8s.io/v1' });
    expect(tableOptionsFrom(undefined, new URLSearchParams('includeObject='))).to.deep.equal({ includeObject: 'Metadata', apiVersion: 'meta.k8s.io/v1' });
    try {
      tableOptionsFrom(kubectl, new URLSearchParams('includeObject=All'));
      expect.fail('should throw');
    } catch (e) {
      expect(e).to.be.instanceOf(StatusError);
      expect((e as StatusError).code).to.equal(400);
      expect((e as StatusError).message).to.equal('unrecognized includeObject value: "All"');
    }
  });
});
