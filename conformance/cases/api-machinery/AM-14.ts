// Upstream: test/e2e/apimachinery/watch.go, "should observe add, update, and delete watch
// notifications on configmaps". Three label-selector watches (A, B, A-or-B) each see the
// ADDED/MODIFIED/DELETED events of the ConfigMaps they select and nothing of the others.

import { fail, must, retryOnConflict } from '../../framework/expect.ts';
import { semanticEqual, type KObject } from '../../framework/json.ts';
import type { CaseContext, ConformanceCase } from '../../framework/types.ts';
import type { WatchStream } from '../../framework/watch.ts';

const LABEL_KEY = 'watch-this-configmap';
const VALUE_A = 'multiple-watchers-A';
const VALUE_B = 'multiple-watchers-B';

interface ConfigMap extends KObject { data?: Record<string, string> }

/** metav1.FormatLabelSelector of `key In (values)`: values sorted, comma-separated. */
function inSelector(key: string, values: string[]): string {
  return `${key} in (${[...values].sort().join(',')})`;
}

function watchConfigMaps(ctx: CaseContext, resourceVersion: string, ...labels: string[]): Promise<WatchStream<ConfigMap>> {
  return ctx.watch<ConfigMap>(`/api/v1/namespaces/${ctx.namespace}/configmaps`, { resourceVersion, labelSelector: inSelector(LABEL_KEY, labels) });
}

/** waitForEvent: reads events until one has the type (and, if given, equals the object). */
async function waitForEvent(w: WatchStream<ConfigMap>, type: string, object: ConfigMap | undefined, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  for (;;) {
    const left = deadline - Date.now();
    if (left <= 0) return false;
    const ev = await w.next(left);
    if (!ev) return false;
    if (ev.type === type && (object === undefined || semanticEqual(object, ev.object))) return true;
  }
}

async function expectEvent(ctx: CaseContext, w: WatchStream<ConfigMap>, type: string, object: ConfigMap | undefined, who: string): Promise<void> {
  if (!await waitForEvent(w, type, object, Math.min(60_000, ctx.remaining()))) {
    fail(`Timed out waiting for expected watch notification on ${who}: ${type} ${object?.metadata.name ?? ''}`.trimEnd());
  }
}

async function expectNoEvent(ctx: CaseContext, w: WatchStream<ConfigMap>, type: string, object: ConfigMap | undefined, who: string): Promise<void> {
  if (await waitForEvent(w, type, object, ctx.quietPeriodMs)) fail(`Unexpected watch notification observed on ${who}: ${type} ${object?.metadata.name ?? ''}`.trimEnd());
}

/** updateConfigMap: get, mutate, update, retrying on conflicts. */
function updateConfigMap(ctx: CaseContext, name: string, mutate: (cm: ConfigMap) => void): Promise<ConfigMap> {
  const path = `/api/v1/namespaces/${ctx.namespace}/configmaps/${name}`;
  return retryOnConflict(async () => {
    const cm = await ctx.rest.get<ConfigMap>(path);
    mutate(cm);
    return ctx.rest.put<ConfigMap>(path, cm);
  });
}

const setData = (key: string, value: string) => (cm: ConfigMap) => { cm.data = { ...cm.data, [key]: value }; };

const testCase: ConformanceCase = {
  id: 'AM-14',
  codename: '[sig-api-machinery] Watchers should observe add, update, and delete watch notifications on configmaps [Conformance]',
  class: 'API',
  needs: 'label-selector watches on configmaps',
  baseName: 'watch',
  podSecurity: 'privileged',
  async run(ctx) {
    const ns = ctx.namespace;
    const cms = `/api/v1/namespaces/${ns}/configmaps`;

    ctx.step('creating a watch on configmaps with label A');
    const watchA = await must(watchConfigMaps(ctx, '', VALUE_A), `failed to create a watch on configmaps with label: ${VALUE_A}`);
    ctx.step('creating a watch on configmaps with label B');
    const watchB = await must(watchConfigMaps(ctx, '', VALUE_B), `failed to create a watch on configmaps with label: ${VALUE_B}`);
    ctx.step('creating a watch on configmaps with label A or B');
    const watchAB = await must(watchConfigMaps(ctx, '', VALUE_A, VALUE_B), `failed to create a watch on configmaps with label ${VALUE_A} or ${VALUE_B}`);

    const cmA = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'e2e-watch-test-configmap-a', labels: { [LABEL_KEY]: VALUE_A }, creationTimestamp: null } };
    const cmB = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'e2e-watch-test-configmap-b', labels: { [LABEL_KEY]: VALUE_B }, creationTimestamp: null } };

    ctx.step('creating a configmap with label A and ensuring the correct watchers observe the notification');
    let a = await must(ctx.rest.post<ConfigMap>(cms, cmA), `failed to create a configmap with label ${VALUE_A} in namespace: ${ns}`);
    await expectEvent(ctx, watchA, 'ADDED', a, 'watch A');
    await expectEvent(ctx, watchAB, 'ADDED', a, 'watch A-or-B');

    ctx.step('modifying configmap A and ensuring the correct watchers observe the notification');
    a = await must(updateConfigMap(ctx, a.metadata.name ?? '', setData('mutation', '1')), `failed to update configmap ${a.metadata.name} in namespace: ${ns}`);
    await expectEvent(ctx, watchA, 'MODIFIED', a, 'watch A');
    await expectEvent(ctx, watchAB, 'MODIFIED', a, 'watch A-or-B');

    ctx.step('modifying configmap A again and ensuring the correct watchers observe the notification');
    a = await must(updateConfigMap(ctx, a.metadata.name ?? '', setData('mutation', '2')), `failed to update configmap ${a.metadata.name} in namespace: ${ns}`);
    await expectEvent(ctx, watchA, 'MODIFIED', a, 'watch A');
    await expectEvent(ctx, watchAB, 'MODIFIED', a, 'watch A-or-B');

    ctx.step('deleting configmap A and ensuring the correct watchers observe the notification');
    await must(ctx.rest.delete(`${cms}/${a.metadata.name}`), `failed to delete configmap ${a.metadata.name} in namespace: ${ns}`);
    await expectEvent(ctx, watchA, 'DELETED', undefined, 'watch A');
    await expectEvent(ctx, watchAB, 'DELETED', undefined, 'watch A-or-B');

    ctx.step('creating a configmap with label B and ensuring the correct watchers observe the notification');
    const b = await must(ctx.rest.post<ConfigMap>(cms, cmB), `failed to create configmap ${cmB.metadata.name} in namespace: ${ns}`);
    await expectEvent(ctx, watchB, 'ADDED', b, 'watch B');
    await expectEvent(ctx, watchAB, 'ADDED', b, 'watch A-or-B');
    await expectNoEvent(ctx, watchA, 'ADDED', b, 'watch A');

    ctx.step('deleting configmap B and ensuring the correct watchers observe the notification');
    await must(ctx.rest.delete(`${cms}/${b.metadata.name}`), `failed to delete configmap ${b.metadata.name} in namespace: ${ns}`);
    await expectEvent(ctx, watchB, 'DELETED', undefined, 'watch B');
    await expectEvent(ctx, watchAB, 'DELETED', undefined, 'watch A-or-B');
    await expectNoEvent(ctx, watchA, 'DELETED', undefined, 'watch A');
  },
};

export default testCase;
