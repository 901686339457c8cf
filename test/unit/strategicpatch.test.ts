// Strategic merge patch: upstream's apply semantics (apimachinery pkg/util/strategicpatch), checked
// on the test type upstream uses (MergeItem) and on real kinds with the patches kubectl sends.

import { expect } from 'chai';
import yaml from 'js-yaml';
import { strategicMergePatch, strategicMergePatchWithSchema, goFormat } from '../../src/server/strategicpatch.ts';
import { StatusError } from '../../src/server/errors.ts';
import type { Node, StructNode, FieldNode } from '../../api/openapi/model.ts';

// ---------------------------------------------------------------------------------------------
// Upstream's MergeItem test struct as a schema node:
//   name, value, other string; mergingList []MergeItem (merge, key name); nonMergingList []MergeItem;
//   mergingIntList []int (merge); nonMergingIntList []int; mergeItemPtr *MergeItem (merge, key name);
//   simpleMap map[string]string; replacingItem RawExtension (replace); retainKeysMap RetainKeysMergeItem
//   (retainKeys); retainKeysMergingList []MergeItem (merge,retainKeys, key name)

const scalar: Node = { kind: 'scalar' };
const field = (node: Node, strategy = '', mergeKey = ''): FieldNode => ({ node, strategies: strategy ? strategy.split(',') : [], mergeKey });

const mergeItem: StructNode = { kind: 'struct', name: 'test.MergeItem', fields: new Map() };
const retainKeysItem: StructNode = { kind: 'struct', name: 'test.RetainKeysMergeItem', fields: new Map() };
for (const [k, f] of Object.entries({
  name: field(scalar), value: field(scalar), other: field(scalar),
  mergingList: field({ kind: 'list', items: mergeItem }, 'merge', 'name'),
  nonMergingList: field({ kind: 'list', items: mergeItem }),
  mergingIntList: field({ kind: 'list', items: scalar }, 'merge'),
  nonMergingIntList: field({ kind: 'list', items: scalar }),
  mergeItemPtr: field({ kind: 'list', items: mergeItem }, 'merge', 'name'),
  simpleMap: field({ kind: 'map', values: scalar }),
  replacingItem: field({ kind: 'any' }, 'replace'),
  retainKeysMap: field(retainKeysItem, 'retainKeys'),
  retainKeysMergingList: field({ kind: 'list', items: mergeItem }, 'merge,retainKeys', 'name'),
})) mergeItem.fields.set(k, f);
for (const [k, f] of Object.entries({
  name: field(scalar), value: field(scalar), other: field(scalar),
  simpleMap: field({ kind: 'map', values: scalar }),
  mergingIntList: field({ kind: 'list', items: scalar }, 'merge'),
  mergingList: field({ kind: 'list', items: mergeItem }, 'merge', 'name'),
  nonMergingList: field({ kind: 'list', items: mergeItem }),
})) retainKeysItem.fields.set(k, f);

const y = (s: string): unknown => yaml.load(s) ?? {};

interface Case { description: string; original: string; patch: string; result?: string; error?: string }

// Cases modelled on upstream's patch_test.go (original + patch → result, or an error substring).
const cases: Case[] = [
  {
    description: 'unique scalars when merging lists',
    original: 'mergingIntList: [1, 2]',
    patch: 'mergingIntList: [2, 3]',
    result: 'mergingIntList: [1, 2, 3]',
  },
  {
    description: 'delete map from nested map',
    original: 'simpleMap: {key1: "1", key2: "1"}',
    patch: 'simpleMap: {$patch: delete}',
    result: 'simpleMap: {}',
  },
  {
    description: 'delete all items from merging list',
    original: 'mergingList: [{name: "1"}, {name: "2"}]',
    patch: 'mergingList: [{$patch: replace}]',
    result: 'mergingList: []',
  },
  {
    description: 'merge empty merging lists',
    original: 'mergingList: []',
    patch: 'mergingList: []',
    result: 'mergingList: []',
  },
  {
    description: 'delete all keys from map',
    original: 'name: "1"\nvalue: "1"',
    patch: '$patch: replace',
    result: '{}',
  },
  {
    description: 'add key and delete all keys from map',
    original: 'name: "1"\nvalue: "1"',
    patch: 'other: a\n$patch: replace',
    result: 'other: a',
  },
  {
    description: 'delete all duplicate entries in a merging list',
    original: 'mergingList: [{name: "1"}, {name: "1"}, {name: "2", value: a}, {name: "3"}, {name: "3"}]',
    patch: 'mergingList: [{name: "1", $patch: delete}, {name: "3", $patch: delete}]',
    result: 'mergingList: [{name: "2", value: a}]',
  },
  {
    description: 'retainKeys map can add a field when no retainKeys directive present',
    original: 'retainKeysMap: {name: foo}',
    patch: 'retainKeysMap: {value: bar}',
    result: 'retainKeysMap: {name: foo, value: bar}',
  },
  {
    description: 'retainKeys map can delete a field when no retainKeys directive present',
    original: 'retainKeysMap: {name: foo, value: a}',
    patch: 'retainKeysMap: {value: null}',
    result: 'retainKeysMap: {name: foo}',
  },
  {
    description: 'retainKeys list can change a field when no retainKeys directive present',
    original: 'retainKeysMergingList: [{name: bar}, {name: foo, value: a}]',
    patch: 'retainKeysMergingList: [{name: foo, value: b}]',
    result: 'retainKeysMergingList: [{name: bar}, {name: foo, value: b}]',
  },
  {
    description: 'preserve the order from the patch in a merging list',
    original: 'mergingList: [{name: "1"}, {name: "2", value: b}, {name: "3"}]',
    patch: 'mergingList: [{name: "3", value: c}, {name: "1", value: a}, {name: "2", other: x}]',
    result: 'mergingList: [{name: "3", value: c}, {name: "1", value: a}, {name: "2", value: b, other: x}]',
  },
  {
    description: 'preserve the order from the patch in a merging list 2',
    original: 'mergingList: [{name: "1"}, {name: "2", value: b}, {name: "3"}]',
    patch: 'mergingList: [{name: "3", value: c}, {name: "1", value: a}]',
    result: 'mergingList: [{name: "2", value: b}, {name: "3", value: c}, {name: "1", value: a}]',
  },
  {
    description: 'preserve the order from the patch in a merging int list',
    original: 'mergingIntList: [1, 2, 3]',
    patch: 'mergingIntList: [3, 1, 2]',
    result: 'mergingIntList: [3, 1, 2]',
  },
  {
    description: '$setElementOrder contains item that is not present in the list to be merged',
    original: 'mergingList: [{name: "1"}, {name: "3"}]',
    patch: '$setElementOrder/mergingList: [{name: "3"}, {name: "2"}, {name: "1"}]\nmergingList: [{name: "3", value: "3"}, {name: "1", value: "1"}]',
    result: 'mergingList: [{name: "3", value: "3"}, {name: "1", value: "1"}]',
  },
  {
    description: '$setElementOrder contains item that is not present in the int list to be merged',
    original: 'mergingIntList: [1, 3]',
    patch: '$setElementOrder/mergingIntList: [3, 2, 1]',
    result: 'mergingIntList: [3, 1]',
  },
  {
    description: 'should check if order in $setElementOrder and patch list match',
    original: 'mergingList: [{name: "1"}, {name: "3"}, {name: "2"}]',
    patch: '$setElementOrder/mergingList: [{name: "1"}, {name: "2"}, {name: "3"}]\nmergingList: [{name: "3", value: "3"}, {name: "1", value: "1"}]',
    error: "doesn't match",
  },
  {
    description: 'should check if order in $setElementOrder and patch int list match',
    original: 'mergingIntList: [1, 3, 2]',
    patch: '$setElementOrder/mergingIntList: [1, 2, 3]\nmergingIntList: [3, 1]',
    error: "doesn't match",
  },
  {
    description: 'missing merge key should error out',
    original: 'mergingList: [{name: "1", value: a}]',
    patch: 'mergingList: [{value: b}]',
    error: 'does not contain declared merge key',
  },
  {
    description: '$deleteFromPrimitiveList of nonexistent item in primitive list should not add the item to the list',
    original: 'mergingIntList: [1, 2]',
    patch: '$deleteFromPrimitiveList/mergingIntList: [3]',
    result: 'mergingIntList: [1, 2]',
  },
  {
    description: '$deleteFromPrimitiveList on empty primitive list should not add the item to the list',
    original: 'mergingIntList: null',
    patch: '$deleteFromPrimitiveList/mergingIntList: [3]',
    result: 'mergingIntList: null',
  },
  {
    description: '$deleteFromPrimitiveList on nonexistent primitive list should not add the primitive list',
    original: 'foo: [bar]',
    patch: '$deleteFromPrimitiveList/mergingIntList: [3]',
    result: 'foo: [bar]',
  },
  {
    description: '$deleteFromPrimitiveList should delete item from a list with merge patch strategy',
    original: 'mergingIntList: [1, 2, 3]',
    patch: '$deleteFromPrimitiveList/mergingIntList: [2]',
    result: 'mergingIntList: [1, 3]',
  },
  {
    description: '$deleteFromPrimitiveList should delete item from a list without merge patch strategy',
    original: 'nonMergingIntList: [1, 2, 3]',
    patch: '$deleteFromPrimitiveList/nonMergingIntList: [2]',
    result: 'nonMergingIntList: [1, 3]',
  },
  {
    description: 'set elements order in a list with server-only items',
    original: 'mergingList: [{name: "1", other: a}, {name: "3", value: "3"}, {name: "4", value: "4"}, {name: "2", value: "2"}, {name: "9"}]',
    patch: '$setElementOrder/mergingList: [{name: "4"}, {name: "2"}, {name: "3"}, {name: "1"}]',
    result: 'mergingList: [{name: "4", value: "4"}, {name: "2", value: "2"}, {name: "3", value: "3"}, {name: "1", other: a}, {name: "9"}]',
  },
  {
    description: 'set elements order in a list with server-only items 3',
    original: 'mergingList: [{name: "1", other: a}, {name: "2", value: "2"}, {name: "7"}, {name: "9"}, {name: "8"}, {name: "3", value: "3"}, {name: "4", value: "4"}]',
    patch: '$setElementOrder/mergingList: [{name: "2"}, {name: "1"}, {name: "4"}, {name: "3"}]',
    result: 'mergingList: [{name: "2", value: "2"}, {name: "1", other: a}, {name: "7"}, {name: "9"}, {name: "8"}, {name: "4", value: "4"}, {name: "3", value: "3"}]',
  },
  {
    description: 'delete items in lists of scalars with a parallel list and set their order',
    original: 'mergingIntList: [1, 2, 3]',
    patch: '$setElementOrder/mergingIntList: [1]\n$deleteFromPrimitiveList/mergingIntList: [2, 3]',
    result: 'mergingIntList: [1]',
  },
  {
    description: 'add and delete items in lists of scalars',
    original: 'mergingIntList: [1, 2, 3]',
    patch: '$setElementOrder/mergingIntList: [1, 4]\nmergingIntList: [4]\n$deleteFromPrimitiveList/mergingIntList: [2, 3]',
    result: 'mergingIntList: [1, 4]',
  },
  {
    description: 'replace non merging list nested in merging list',
    original: 'mergingList: [{name: "1", nonMergingList: [{name: "1"}, {name: "2", value: "2"}]}, {name: "2"}]',
    patch: '$setElementOrder/mergingList: [{name: "1"}, {name: "2"}]\nmergingList: [{name: "1", nonMergingList: [{name: "1", value: "1"}]}]',
    result: 'mergingList: [{name: "1", nonMergingList: [{name: "1", value: "1"}]}, {name: "2"}]',
  },
  {
    description: 'add field to map in merging list nested in merging list',
    original: 'mergingList: [{name: "1", mergingList: [{name: "1"}, {name: "2", value: "2"}]}, {name: "2"}]',
    patch: 'mergingList: [{name: "1", $setElementOrder/mergingList: [{name: "1"}, {name: "2"}], mergingList: [{name: "1", value: "1"}]}]',
    result: 'mergingList: [{name: "1", mergingList: [{name: "1", value: "1"}, {name: "2", value: "2"}]}, {name: "2"}]',
  },
  {
    description: 'retainKeys map should clear defaulted field',
    original: 'retainKeysMap: {name: foo, value: bar, other: a}',
    patch: 'retainKeysMap: {$retainKeys: [name, value], value: baz}',
    result: 'retainKeysMap: {name: foo, value: baz}',
  },
  {
    description: 'retainKeys map deletes a field and clears a field',
    original: 'retainKeysMap: {name: foo, value: bar, other: a}',
    patch: 'retainKeysMap: {$retainKeys: [name], value: null}',
    result: 'retainKeysMap: {name: foo}',
  },
  {
    description: 'retainKeys list of maps clears a field',
    original: 'retainKeysMergingList: [{name: bar}, {name: foo, value: a, other: b}]',
    patch: '$setElementOrder/retainKeysMergingList: [{name: bar}, {name: foo}]\nretainKeysMergingList: [{name: foo, $retainKeys: [name, value]}]',
    result: 'retainKeysMergingList: [{name: bar}, {name: foo, value: a}]',
  },
  {
    description: 'retainKeys directive must list every patched field',
    original: 'retainKeysMap: {name: foo}',
    patch: 'retainKeysMap: {$retainKeys: [name], value: bar}',
    error: 'invalid patch format of retainKeys',
  },
  {
    description: 'replacing item (patchStrategy replace) is replaced, not merged',
    original: 'replacingItem: {a: 1, b: {c: 2}}',
    patch: 'replacingItem: {b: {d: 3}}',
    result: 'replacingItem: {b: {d: 3}}',
  },
  {
    description: 'null deletes a field; nulls inside new values are dropped',
    original: 'name: a\nvalue: b',
    patch: 'value: null\nsimpleMap: {x: "1", y: null}',
    result: 'name: a\nsimpleMap: {x: "1"}',
  },
  {
    description: 'unknown $patch directive on a map is an error',
    original: 'simpleMap: {a: "1"}',
    patch: 'simpleMap: {$patch: merge}',
    error: 'unknown patch type: merge in map: map[$patch:merge]',
  },
  {
    description: '$patch: merge in a list is not supported',
    original: 'mergingList: [{name: "1"}]',
    patch: 'mergingList: [{$patch: merge}]',
    error: 'merging lists cannot yet be specified in the patch',
  },
  {
    description: 'non merging lists are replaced',
    original: 'nonMergingList: [{name: "1"}, {name: "2"}]\nnonMergingIntList: [1, 2]',
    patch: 'nonMergingList: [{name: "3"}]\nnonMergingIntList: [3]',
    result: 'nonMergingList: [{name: "3"}]\nnonMergingIntList: [3]',
  },
  {
    description: 'type change takes the patch value',
    original: 'value: [a]\nother: {x: 1}',
    patch: 'value: b\nother: [1]',
    result: 'value: b\nother: [1]',
  },
];

describe('strategic merge patch (upstream cases on MergeItem)', () => {
  for (const c of cases) {
    it(c.description, () => {
      const original = y(c.original);
      const patch = y(c.patch);
      const before = JSON.stringify({ original, patch });
      if (c.error !== undefined) {
        expect(() => strategicMergePatchWithSchema(original, patch, mergeItem)).to.throw(StatusError).with.property('message').that.contains(c.error);
      } else {
        expect(strategicMergePatchWithSchema(original, patch, mergeItem)).to.deep.equal(y(c.result as string));
      }
      expect(JSON.stringify({ original, patch }), 'inputs are not modified').to.equal(before);
    });
  }
});

// ---------------------------------------------------------------------------------------------
// Real kinds

const DEPLOY = { group: 'apps', version: 'v1', kind: 'Deployment' };
const POD = { group: '', version: 'v1', kind: 'Pod' };

/** A Deployment as stored after `kubectl apply` of a manifest (server defaults filled in). */
function storedDeployment(): Record<string, unknown> {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: 'web', namespace: 'default', uid: 'u1', resourceVersion: '10', generation: 1,
      labels: { app: 'web', tier: 'front' },
      annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{...}\n', 'deployment.kubernetes.io/revision': '1' },
    },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: 'web' } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: {
          containers: [{
            name: 'nginx', image: 'nginx:1.25',
            ports: [{ containerPort: 80, protocol: 'TCP' }, { containerPort: 443, protocol: 'TCP' }],
            env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }],
            resources: {}, terminationMessagePath: '/dev/termination-log', imagePullPolicy: 'IfNotPresent',
          }],
          restartPolicy: 'Always', dnsPolicy: 'ClusterFirst',
        },
      },
    },
    status: { observedGeneration: 1, replicas: 1 },
  };
}

describe('strategic merge patch (what kubectl apply sends)', () => {
  it('second apply: changes the image, removes an env var and a container port (kubectl 1.27 and 1.32 send the same patch)', () => {
    const patch = {
      metadata: { annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{new}\n' } },
      spec: { template: { spec: {
        '$setElementOrder/containers': [{ name: 'nginx' }],
        containers: [{
          '$setElementOrder/env': [{ name: 'A' }],
          '$setElementOrder/ports': [{ containerPort: 80 }],
          env: [{ $patch: 'delete', name: 'B' }],
          image: 'nginx:1.26',
          name: 'nginx',
          ports: [{ $patch: 'delete', containerPort: 443 }],
        }],
      } } },
    };
    const original = storedDeployment();
    const out = strategicMergePatch(original, patch, DEPLOY) as ReturnType<typeof storedDeployment>;
    const expected = storedDeployment();
    const spec = expected.spec as { template: { spec: { containers: Record<string, unknown>[] } } };
    const c = spec.template.spec.containers[0];
    c.image = 'nginx:1.26';
    c.ports = [{ containerPort: 80, protocol: 'TCP' }];
    c.env = [{ name: 'A', value: '1' }];
    (expected.metadata as { annotations: Record<string, string> }).annotations['kubectl.kubernetes.io/last-applied-configuration'] = '{new}\n';
    expect(out).to.deep.equal(expected);
    expect(original).to.deep.equal(storedDeployment(), 'original untouched');
  });

  it('third apply: removes a label (null)', () => {
    const out = strategicMergePatch(storedDeployment(), { metadata: { annotations: {}, labels: { tier: null } } }, DEPLOY) as { metadata: { labels: unknown } };
    expect(out.metadata.labels).to.deep.equal({ app: 'web' });
  });

  it('a large apply: reorder containers, drop an init container, finalizers, labels, strategy, volume source (patch as kubectl 1.27/1.28/1.32 compute it)', () => {
    const stored = {
      apiVersion: 'apps/v1', kind: 'Deployment',
      metadata: { annotations: {}, finalizers: ['example.com/a', 'example.com/b'], labels: { app: 'cmp', x: 'y' }, name: 'cmp', namespace: 'default' },
      spec: {
        progressDeadlineSeconds: 600, replicas: 1, revisionHistoryLimit: 10, selector: { matchLabels: { app: 'cmp' } },
        strategy: { rollingUpdate: { maxSurge: 1, maxUnavailable: '25%' }, type: 'RollingUpdate' },
        template: { metadata: { labels: { app: 'cmp' } }, spec: {
          containers: [
            { args: ['a', 'b'], env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }], image: 'nginx:1.25', imagePullPolicy: 'IfNotPresent', name: 'app',
              ports: [{ containerPort: 80, name: 'http', protocol: 'TCP' }, { containerPort: 81, protocol: 'UDP' }], resources: {},
              volumeMounts: [{ mountPath: '/data', name: 'data' }, { mountPath: '/cfg', name: 'cfg' }] },
            { image: 'busybox', imagePullPolicy: 'Always', name: 'side', resources: {} },
          ],
          dnsPolicy: 'ClusterFirst',
          initContainers: [{ command: ['sh', '-c', 'true'], image: 'busybox', name: 'init' }],
          restartPolicy: 'Always', tolerations: [{ key: 'a', operator: 'Exists' }],
          volumes: [{ emptyDir: {}, name: 'data' }, { configMap: { defaultMode: 420, name: 'c' }, name: 'cfg' }],
        } },
      },
    };
    const patch = {
      metadata: { '$deleteFromPrimitiveList/finalizers': ['example.com/a'], '$setElementOrder/finalizers': ['example.com/b', 'example.com/c'], annotations: {}, finalizers: ['example.com/c'], labels: { x: null } },
      spec: {
        strategy: { $retainKeys: ['type'], rollingUpdate: null, type: 'Recreate' },
        template: { spec: {
          '$setElementOrder/containers': [{ name: 'side' }, { name: 'app' }],
          '$setElementOrder/volumes': [{ name: 'data' }, { name: 'cfg' }],
          containers: [
            { image: 'busybox:2', name: 'side' },
            { '$setElementOrder/env': [{ name: 'B' }, { name: 'C' }], '$setElementOrder/ports': [{ containerPort: 80 }], '$setElementOrder/volumeMounts': [{ mountPath: '/cfg' }],
              args: ['c'], env: [{ name: 'B', value: '3' }, { name: 'C', value: '4' }, { $patch: 'delete', name: 'A' }], image: 'nginx:1.26', name: 'app',
              ports: [{ containerPort: 80, name: 'web' }, { $patch: 'delete', containerPort: 81 }], volumeMounts: [{ $patch: 'delete', mountPath: '/data' }] },
          ],
          initContainers: null,
          tolerations: [{ key: 'b', operator: 'Exists' }],
          volumes: [{ $retainKeys: ['configMap', 'name'], configMap: { name: 'd' }, emptyDir: null, name: 'data' }],
        } },
      },
    };
    const out = strategicMergePatch(stored, patch, DEPLOY);
    expect(out).to.deep.equal({
      apiVersion: 'apps/v1', kind: 'Deployment',
      metadata: { annotations: {}, finalizers: ['example.com/b', 'example.com/c'], labels: { app: 'cmp' }, name: 'cmp', namespace: 'default' },
      spec: {
        progressDeadlineSeconds: 600, replicas: 1, revisionHistoryLimit: 10, selector: { matchLabels: { app: 'cmp' } },
        strategy: { type: 'Recreate' },
        template: { metadata: { labels: { app: 'cmp' } }, spec: {
          containers: [
            { image: 'busybox:2', imagePullPolicy: 'Always', name: 'side', resources: {} },
            { args: ['c'], env: [{ name: 'B', value: '3' }, { name: 'C', value: '4' }], image: 'nginx:1.26', imagePullPolicy: 'IfNotPresent', name: 'app',
              ports: [{ containerPort: 80, name: 'web', protocol: 'TCP' }], resources: {}, volumeMounts: [{ mountPath: '/cfg', name: 'cfg' }] },
          ],
          dnsPolicy: 'ClusterFirst', restartPolicy: 'Always', tolerations: [{ key: 'b', operator: 'Exists' }],
          volumes: [{ name: 'data', configMap: { name: 'd' } }, { configMap: { defaultMode: 420, name: 'c' }, name: 'cfg' }],
        } },
      },
    });
  });

  it('adds a container after the existing one, keeping server-set fields', () => {
    const patch = { spec: { template: { spec: {
      '$setElementOrder/containers': [{ name: 'nginx' }, { name: 'sidecar' }],
      containers: [{ name: 'sidecar', image: 'busybox' }],
    } } } };
    const out = strategicMergePatch(storedDeployment(), patch, DEPLOY) as { spec: { template: { spec: { containers: { name: string; imagePullPolicy?: string }[] } } } };
    const cs = out.spec.template.spec.containers;
    expect(cs.map((x) => x.name)).to.deep.equal(['nginx', 'sidecar']);
    expect(cs[0].imagePullPolicy).to.equal('IfNotPresent');
  });

  it('reorders containers by $setElementOrder', () => {
    const d = storedDeployment();
    const tpl = (d.spec as { template: { spec: { containers: unknown[] } } }).template.spec;
    tpl.containers.push({ name: 'b', image: 'b' });
    const out = strategicMergePatch(d, { spec: { template: { spec: { '$setElementOrder/containers': [{ name: 'b' }, { name: 'nginx' }] } } } }, DEPLOY) as typeof d;
    expect((out.spec as typeof d.spec & { template: { spec: { containers: { name: string }[] } } }).template.spec.containers.map((x) => x.name)).to.deep.equal(['b', 'nginx']);
  });

  it('retainKeys: switching the deployment strategy to Recreate drops rollingUpdate', () => {
    const patch = { spec: { strategy: { $retainKeys: ['type'], rollingUpdate: null, type: 'Recreate' } } };
    const out = strategicMergePatch(storedDeployment(), patch, DEPLOY) as { spec: { strategy: unknown } };
    expect(out.spec.strategy).to.deep.equal({ type: 'Recreate' });
  });

  it('retainKeys: a volume changing its source keeps only the listed keys', () => {
    const pod = {
      apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' },
      spec: { containers: [{ name: 'c', image: 'x' }], volumes: [{ name: 'data', emptyDir: {} }, { name: 'other', emptyDir: {} }] },
    };
    const patch = { spec: {
      '$setElementOrder/volumes': [{ name: 'data' }, { name: 'other' }],
      volumes: [{ $retainKeys: ['configMap', 'name'], configMap: { name: 'cfg' }, emptyDir: null, name: 'data' }],
    } };
    const out = strategicMergePatch(pod, patch, POD) as { spec: { volumes: unknown[] } };
    expect(out.spec.volumes).to.deep.equal([{ name: 'data', configMap: { name: 'cfg' } }, { name: 'other', emptyDir: {} }]);
  });

  it('finalizers merge as a set; $deleteFromPrimitiveList removes', () => {
    const obj = { metadata: { name: 'x', finalizers: ['a', 'b'] } };
    expect(strategicMergePatch(obj, { metadata: { finalizers: ['b', 'c'] } }, POD)).to.deep.equal({ metadata: { name: 'x', finalizers: ['a', 'b', 'c'] } });
    expect(strategicMergePatch(obj, { metadata: { '$deleteFromPrimitiveList/finalizers': ['a'] } }, POD)).to.deep.equal({ metadata: { name: 'x', finalizers: ['b'] } });
    expect(strategicMergePatch(obj, { metadata: { '$setElementOrder/finalizers': ['b'], '$deleteFromPrimitiveList/finalizers': ['a'] } }, POD))
      .to.deep.equal({ metadata: { name: 'x', finalizers: ['b'] } });
  });

  it('atomic lists (args, tolerations) are replaced', () => {
    const pod = { spec: { containers: [{ name: 'c', args: ['a', 'b'] }], tolerations: [{ key: 'k1' }, { key: 'k2' }] } };
    const out = strategicMergePatch(pod, { spec: { containers: [{ name: 'c', args: ['z'] }], tolerations: [{ key: 'k3' }] } }, POD);
    expect(out).to.deep.equal({ spec: { containers: [{ name: 'c', args: ['z'] }], tolerations: [{ key: 'k3' }] } });
  });

  it('status conditions merge by type', () => {
    const pod = { status: { conditions: [{ type: 'Ready', status: 'False' }, { type: 'PodScheduled', status: 'True' }] } };
    const out = strategicMergePatch(pod, { status: { conditions: [{ type: 'Ready', status: 'True' }] } }, POD);
    expect(out).to.deep.equal({ status: { conditions: [{ type: 'Ready', status: 'True' }, { type: 'PodScheduled', status: 'True' }] } });
  });

  it('service ports merge by port; ownerReferences by uid (new items without $setElementOrder go first, as upstream)', () => {
    const svc = { metadata: { ownerReferences: [{ uid: '1', name: 'a' }] }, spec: { ports: [{ port: 80, targetPort: 8080 }, { port: 443 }] } };
    const out = strategicMergePatch(svc, { metadata: { ownerReferences: [{ uid: '2', name: 'b' }] }, spec: { ports: [{ port: 80, targetPort: 'http' }] } }, { group: '', version: 'v1', kind: 'Service' });
    expect(out).to.deep.equal({ metadata: { ownerReferences: [{ uid: '2', name: 'b' }, { uid: '1', name: 'a' }] }, spec: { ports: [{ port: 80, targetPort: 'http' }, { port: 443 }] } });
  });

  it('labels and annotations are plain maps: keys merge, null removes', () => {
    const out = strategicMergePatch({ metadata: { labels: { a: '1', b: '2' } } }, { metadata: { labels: { b: null, c: '3' } } }, POD);
    expect(out).to.deep.equal({ metadata: { labels: { a: '1', c: '3' } } });
  });

  it('$patch: replace on a struct and on a merging list', () => {
    const pod = { spec: { containers: [{ name: 'a' }, { name: 'b' }], securityContext: { runAsUser: 1, fsGroup: 2 } } };
    const out = strategicMergePatch(pod, { spec: { containers: [{ name: 'c' }, { $patch: 'replace' }], securityContext: { $patch: 'replace', runAsUser: 5 } } }, POD);
    expect(out).to.deep.equal({ spec: { containers: [{ name: 'c' }], securityContext: { runAsUser: 5 } } });
  });

  it('opaque values (RawExtension) merge as JSON maps', () => {
    const cr = { data: { spec: { a: 1, b: [1, 2] } }, revision: 1 };
    const out = strategicMergePatch(cr, { data: { spec: { b: [3], c: true } } }, { group: 'apps', version: 'v1', kind: 'ControllerRevision' });
    expect(out).to.deep.equal({ data: { spec: { a: 1, b: [3], c: true } }, revision: 1 });
  });

  it('kinds outside the model merge maps and replace lists', () => {
    const out = strategicMergePatch({ spec: { l: [1], m: { a: 1 } } }, { spec: { l: [2], m: { b: 2 } } }, { group: 'example.com', version: 'v1', kind: 'Thing' });
    expect(out).to.deep.equal({ spec: { l: [2], m: { a: 1, b: 2 } } });
  });

  it('a null patch is a no-op; a non-object patch is a 400', () => {
    const obj = { metadata: { name: 'x' } };
    expect(strategicMergePatch(obj, null, POD)).to.deep.equal(obj);
    expect(() => strategicMergePatch(obj, [1], POD)).to.throw('json: cannot unmarshal array into Go value of type map[string]interface {}')
      .with.property('code', 400);
  });

  it('errors carry upstream texts and codes', () => {
    const pod = { spec: { containers: [{ name: 'a', image: 'x' }] } };
    const err = (patch: unknown): StatusError => {
      try {
        strategicMergePatch(pod, patch, POD);
      } catch (e) {
        return e as StatusError;
      }
      throw new Error('no error');
    };
    const noKey = err({ spec: { containers: [{ image: 'y' }] } });
    // Upstream answers 500 here; bad input never gets a 500 from Skiff.
    expect([noKey.code, noKey.reason]).to.deep.equal([422, 'Invalid']);
    expect(noKey.message).to.equal('map: map[image:y] does not contain declared merge key: name');
    const badRetain = err({ spec: { $retainKeys: 'x' } });
    expect([badRetain.code, badRetain.reason, badRetain.message]).to.deep.equal([400, 'BadRequest', 'invalid patch format of retainKeys']);
    const badList = err({ spec: { '$deleteFromPrimitiveList': ['a'] } });
    expect([badList.code, badList.message]).to.deep.equal([400, 'invalid patch format of primitive list']);
    const listOfLists = strategicMergePatchWithSchema({ l: [[1]] }, { l: [[2]] }, { kind: 'struct', name: 'x.T', fields: new Map([['l', field({ kind: 'list', items: { kind: 'list', items: scalar } })]]) });
    expect(listOfLists).to.deep.equal({ l: [[2]] }, 'lists of lists without a merge strategy are replaced');
    let e422: StatusError | undefined;
    try {
      strategicMergePatchWithSchema({ l: [[1]] }, { l: [[2]] }, { kind: 'struct', name: 'x.T', fields: new Map([['l', field({ kind: 'list', items: scalar }, 'merge')]]) });
    } catch (e) {
      e422 = e as StatusError;
    }
    expect(e422?.code).to.equal(422);
    expect(e422?.details?.causes?.[0].message).to.equal('lists of lists are not supported');
  });

  it('formats values like Go %v', () => {
    expect(goFormat({ b: [1, 'x', null], a: { c: true, d: 1.5 } })).to.equal('map[a:map[c:true d:1.5] b:[1 x <nil>]]');
    expect(goFormat(1e-7)).to.equal('1e-07');
  });

  it('applies the same patch again and again to the same result, leaving the stored object as it was', () => {
    // (How fast this is lives in bench/, not here: timing targets never fail the suite.)
    const patch = { spec: { template: { spec: { '$setElementOrder/containers': [{ name: 'nginx' }], containers: [{ image: 'nginx:1.26', name: 'nginx' }] } } } };
    const d = storedDeployment();
    const before = JSON.stringify(d);
    const first = strategicMergePatch(d, patch, DEPLOY);
    for (let i = 0; i < 100; i++) expect(strategicMergePatch(d, patch, DEPLOY)).to.deep.equal(first);
    expect(JSON.stringify(d)).to.equal(before);
  });
});
