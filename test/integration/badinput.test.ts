// Bad input never gets a 5xx: malformed shapes for every resource, verb, subresource and
// patch type answer with a 4xx metav1.Status, and the server stays up.

import { expect } from 'chai';
import { startSkiff, type Skiff } from '../../src/index.ts';
import { request } from '../helpers.ts';
import { resources, groupVersion } from '../../api/resources.ts';

const SHAPES: unknown[] = [
  null, 5, 'x', [], [1, 2], { metadata: 5 }, { metadata: { name: 5 } }, { metadata: { name: 'ok', labels: [1] } },
  { metadata: { name: 'ok', labels: { a: 5 } } }, { metadata: { name: 'ok', annotations: 'x' } }, { metadata: { name: 'ok', finalizers: 'x' } },
  { metadata: { name: 'ok', ownerReferences: [5] } }, { metadata: { name: 'ok' }, spec: 'x' }, { metadata: { name: 'ok' }, spec: [] },
  { metadata: { name: 'ok' }, spec: { containers: 'x', replicas: 'x', selector: 5, template: 'x', ports: 'x', type: 5 } },
  { metadata: { name: 'ok' }, spec: { containers: [null, 5, { name: 5, image: [] }], template: { spec: { containers: [{}] } } } },
  { metadata: { name: 'ok' }, data: 5, subsets: 'x', endpoints: 5, ports: [5] }, { metadata: { name: 'ok', generateName: 5 } },
  { apiVersion: 5, kind: [], metadata: { name: 'ok' } },
];

const REQUESTS: [string, string, string][] = [
  ['POST', '', 'application/json'], ['PUT', '/ok', 'application/json'], ['PATCH', '/ok', 'application/merge-patch+json'],
  ['PATCH', '/ok', 'application/strategic-merge-patch+json'], ['PATCH', '/ok', 'application/json-patch+json'],
  ['PATCH', '/ok?fieldManager=f', 'application/apply-patch+yaml'], ['PUT', '/ok/status', 'application/json'], ['PUT', '/ok/scale', 'application/json'],
];

describe('bad input', function () {
  this.timeout(120_000);
  let skiff: Skiff;
  before(async () => { skiff = await startSkiff({ logLevel: 'silent' }); });
  after(() => skiff?.close());

  it('gets a 4xx Status, never a 5xx, for every resource, verb and patch type', async () => {
    const fivexx: string[] = [];
    let n = 0;
    for (const r of resources) {
      const base = r.group ? `/apis/${groupVersion(r)}` : '/api/v1';
      const coll = r.namespaced ? `${base}/namespaces/default/${r.plural}` : `${base}/${r.plural}`;
      for (const shape of SHAPES) {
        const body = shape && typeof shape === 'object' && !Array.isArray(shape) ? { apiVersion: groupVersion(r), kind: r.kind, ...shape } : shape;
        for (const [method, suffix, contentType] of REQUESTS) {
          const res = await request(skiff, method, coll + suffix, { rawBody: JSON.stringify(body), contentType });
          n++;
          if (res.status >= 500) fivexx.push(`${method} ${coll}${suffix} ${contentType} ${JSON.stringify(body).slice(0, 80)} -> ${res.status} ${res.text.slice(0, 120)}`);
          else if (res.status >= 400) expect((res.json as { kind?: string }).kind, `${method} ${coll}${suffix}`).to.equal('Status');
        }
      }
    }
    expect(fivexx, `${fivexx.length} of ${n}`).to.deep.equal([]);
    expect((await request(skiff, 'GET', '/readyz', { anonymous: true })).status).to.equal(200);
  });
});
