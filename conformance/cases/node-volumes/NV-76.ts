// Upstream: test/e2e/common/storage/secrets_volume.go, "should be immutable if `immutable`
// field is set". Once immutable, data edits and un-setting immutable are Invalid; label
// edits and delete still work.

import { errorOf, fail, must } from '../../framework/expect.ts';
import { apiErrorOf, isInvalid } from '../../framework/client.ts';
import type { KObject } from '../../framework/json.ts';
import type { ConformanceCase } from '../../framework/types.ts';

interface Secret extends KObject { data?: Record<string, string>; immutable?: boolean }

const b64 = (s: string) => Buffer.from(s).toString('base64');

/** secretForTest */
function secretForTest(namespace: string, name: string): Secret {
  return {
    apiVersion: 'v1', kind: 'Secret',
    metadata: { namespace, name, creationTimestamp: null },
    data: { 'data-1': b64('value-1\n'), 'data-2': b64('value-2\n'), 'data-3': b64('value-3\n') },
  };
}

function expectInvalid(e: unknown): void {
  if (e === undefined) fail("expected 'invalid' as error, got instead: the update succeeded");
  if (!isInvalid(e)) {
    const a = apiErrorOf(e);
    fail(`expected 'invalid' as error, got instead: ${a ? `${a.code} ${a.reason ?? ''}: ${a.message}` : String(e)}`);
  }
}

const testCase: ConformanceCase = {
  id: 'NV-76',
  codename: '[sig-storage] Secrets should be immutable if `immutable` field is set [Conformance]',
  class: 'API',
  needs: 'Secret immutability validation on update',
  baseName: 'secrets',
  podSecurity: 'baseline',
  async run(ctx) {
    const ns = ctx.namespace;
    const name = 'immutable';
    const secrets = `/api/v1/namespaces/${ns}/secrets`;

    ctx.step('creating the secret');
    let current = await must(ctx.rest.post<Secret>(secrets, secretForTest(ns, name)), `Failed to create secret "${name}" in namespace "${ns}"`);

    ctx.step('updating its data');
    current.data = { ...current.data, 'data-4': b64('value-4\n') };
    current = await must(ctx.rest.put<Secret>(`${secrets}/${name}`, current), `Failed to update secret "${name}" in namespace "${ns}"`);

    ctx.step('marking the secret immutable');
    current.immutable = true;
    current = await must(ctx.rest.put<Secret>(`${secrets}/${name}`, current), `Failed to mark secret "${name}" in namespace "${ns}" as immutable`);

    ctx.step('changing its data (must be refused)');
    current.data = { ...current.data, 'data-5': b64('value-5\n') };
    expectInvalid(await errorOf(ctx.rest.put<Secret>(`${secrets}/${name}`, current)));

    ctx.step('switching it back to mutable (must be refused)');
    current = await must(ctx.rest.get<Secret>(`${secrets}/${name}`), `Failed to get secret "${name}" in namespace "${ns}"`);
    if (!current.immutable) fail(`currentSecret ${name} can be switched from immutable to mutable`);
    current.immutable = false;
    expectInvalid(await errorOf(ctx.rest.put<Secret>(`${secrets}/${name}`, current)));

    ctx.step('changing its labels');
    current = await must(ctx.rest.get<Secret>(`${secrets}/${name}`), `Failed to get secret "${name}" in namespace "${ns}"`);
    current.metadata.labels = { label1: 'value1' };
    await must(ctx.rest.put<Secret>(`${secrets}/${name}`, current), `Failed to update secret "${name}" in namespace "${ns}"`);

    ctx.step('deleting the immutable secret');
    await must(ctx.rest.delete(`${secrets}/${name}`), `Failed to delete secret "${name}" in namespace "${ns}"`);
  },
};

export default testCase;
