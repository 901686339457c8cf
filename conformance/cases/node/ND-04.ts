// Upstream: test/e2e/common/node/configmap.go, "should run through a ConfigMap lifecycle".
// A ConfigMap is created, read, strategic-merge patched, found through an all-namespaces
// label query and removed by deletecollection.

import { PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { expectEqual, expectLen, fail, must } from '../../framework/expect.ts';
import { uuid } from '../../framework/json.ts';
import type { ConformanceCase } from '../../framework/types.ts';

const testCase: ConformanceCase = {
  id: 'ND-04',
  codename: '[sig-node] ConfigMap should run through a ConfigMap lifecycle [Conformance]',
  class: 'API',
  needs: 'configmaps patch, cross-namespace list by label, deletecollection',
  baseName: 'configmap',
  podSecurity: 'baseline',
  async run(ctx) {
    const ns = ctx.namespace;
    const name = `test-configmap${uuid()}`;
    const testConfigMap = { metadata: { name, labels: { 'test-configmap-static': 'true' } }, data: { valueName: 'value' } };

    ctx.step('creating a ConfigMap');
    await must(ctx.core.createNamespacedConfigMap({ namespace: ns, body: testConfigMap }), 'failed to create ConfigMap');

    ctx.step('fetching the ConfigMap');
    const cm = await must(ctx.core.readNamespacedConfigMap({ namespace: ns, name }), 'failed to get ConfigMap');
    expectEqual(cm.data?.valueName, 'value', 'data.valueName');
    expectEqual(cm.metadata?.labels?.['test-configmap-static'], 'true', 'label test-configmap-static');

    // json.Marshal(v1.ConfigMap{...}) as the patch: the zero creationTimestamp comes along as null.
    const patch = { metadata: { labels: { 'test-configmap': 'patched' }, creationTimestamp: null }, data: { valueName: 'value1' } };
    ctx.step('patching the ConfigMap');
    await must(ctx.core.patchNamespacedConfigMap({ namespace: ns, name, body: patch }, setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch)), 'failed to patch ConfigMap');

    ctx.step('listing all ConfigMaps in all namespaces with a label selector');
    let list = await must(ctx.core.listConfigMapForAllNamespaces({ labelSelector: 'test-configmap=patched' }), 'failed to list ConfigMaps with LabelSelector');
    const found = list.items.some((c) => c.metadata?.name === name && c.metadata.namespace === ns
      && c.metadata.labels?.['test-configmap-static'] === 'true' && c.metadata.labels['test-configmap'] === 'patched'
      && c.data?.valueName === 'value1');
    if (!found) fail(`failed to find ConfigMap ${ns}/${name} by label selector`);

    ctx.step('deleting the ConfigMap by collection with a label selector');
    await must(ctx.core.deleteCollectionNamespacedConfigMap({ namespace: ns, labelSelector: 'test-configmap-static=true' }), 'failed to delete ConfigMap collection with LabelSelector');

    ctx.step('listing all ConfigMaps in test namespace');
    list = await must(ctx.core.listNamespacedConfigMap({ namespace: ns, labelSelector: 'test-configmap-static=true' }), 'failed to list ConfigMap by LabelSelector');
    expectLen(list.items, 0, 'ConfigMap is still present after being deleted by collection');
  },
};

export default testCase;
