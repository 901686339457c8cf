// Upstream: test/e2e/common/storage/configmap_volume.go, "ConfigMap should be immutable if
// `immutable` field is set". Once immutable, data edits and un-setting immutable are Invalid;
// label edits and delete still work.
// (Not in the public list; the ID follows its alphabetical numbering of the v1.32 codenames.)

import { apiErrorOf, isInvalid } from '../../framework/client.ts';
import { errorOf, fail, must } from '../../framework/expect.ts';
import type { KObject } from '../../framework/json.ts';
import type { ConformanceCase } from '../../framework/types.ts';

interface ConfigMap extends KObject { data?: Record<string, string>; immutable?: boolean }

function expectInvalid(e: unknown): void {
  if (e === undefined) fail('expected an Invalid error, the update succeeded');
  if (!isInvalid(e)) {
    const a = apiErrorOf(e);
    fail(`expected an Invalid error, got: ${a ? `${a.code} ${a.reason ?? ''}: ${a.message}` : String(e)}`);
  }
}

const testCase: ConformanceCase = {
  id: 'NV-10',
  codename: '[sig-storage] ConfigMap should be immutable if `immutable` field is set [Conformance]',
  class: 'API',
  needs: 'ConfigMap immutability validation on update',
  baseName: 'configmap',
  podSecurity: 'baseline',
  async run(ctx) {
    const ns = ctx.namespace;
    const name = 'immutable';
    const path = `/api/v1/namespaces/${ns}/configmaps`;
    const failed = (what: string) => `Failed to ${what} config map "${name}" in namespace "${ns}"`;

    ctx.step('creating the configmap');
    let current = await must(ctx.rest.post<ConfigMap>(path, {
      apiVersion: 'v1', kind: 'ConfigMap', metadata: { namespace: ns, name, creationTimestamp: null },
      data: { 'data-1': 'value-1', 'data-2': 'value-2', 'data-3': 'value-3' },
    }), failed('create'));

    ctx.step('updating its data');
    current.data = { ...current.data, 'data-4': 'value-4' };
    current = await must(ctx.rest.put<ConfigMap>(`${path}/${name}`, current), failed('update'));

    ctx.step('marking the configmap immutable');
    current.immutable = true;
    current = await must(ctx.rest.put<ConfigMap>(`${path}/${name}`, current), `${failed('mark')} as immutable`);

    ctx.step('changing its data (must be refused)');
    current.data = { ...current.data, 'data-5': 'value-5' };
    expectInvalid(await errorOf(ctx.rest.put<ConfigMap>(`${path}/${name}`, current)));

    ctx.step('switching it back to mutable (must be refused)');
    current = await must(ctx.rest.get<ConfigMap>(`${path}/${name}`), failed('get'));
    if (current.immutable !== true) fail(`config map ${name} is not immutable any more: immutable=${String(current.immutable)}`);
    current.immutable = false;
    expectInvalid(await errorOf(ctx.rest.put<ConfigMap>(`${path}/${name}`, current)));

    ctx.step('changing its labels');
    current = await must(ctx.rest.get<ConfigMap>(`${path}/${name}`), failed('get'));
    current.metadata.labels = { label1: 'value1' };
    await must(ctx.rest.put<ConfigMap>(`${path}/${name}`, current), failed('update'));

    ctx.step('deleting the immutable configmap');
    await must(ctx.rest.delete(`${path}/${name}`), failed('delete'));
  },
};

export default testCase;
