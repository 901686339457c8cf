// The conformance framework's own pieces: semantic equality, patches, timestamps, case
// discovery and the table.

import { expect } from 'chai';
import { canonicalTime, microTimeFromUnix, microTimeFromZero, semanticDiff, semanticEqual, twoWayMergePatch } from '../../conformance/framework/json.ts';
import { loadCases } from '../../conformance/framework/registry.ts';
import { formatTable } from '../../conformance/runner.ts';

describe('conformance framework', () => {
  describe('semanticEqual (apiequality.Semantic.DeepEqual on JSON)', () => {
    it('treats null, missing and empty lists/maps as the same', () => {
      expect(semanticEqual({ a: null, b: [], c: {} }, {})).to.equal(true);
      expect(semanticEqual({ status: { loadBalancer: {} } }, { status: {} })).to.equal(true);
      expect(semanticEqual({ items: [] }, { items: null })).to.equal(true);
    });
    it('tells zero scalars from missing ones (pointer fields)', () => {
      expect(semanticEqual({ leaseTransitions: 0 }, {})).to.equal(false);
      expect(semanticEqual({ holderIdentity: '' }, {})).to.equal(false);
      expect(semanticEqual({ immutable: false }, {})).to.equal(false);
    });
    it('compares timestamps as instants', () => {
      expect(semanticEqual('2017-09-19T13:49:16.000000Z', '2017-09-19T13:49:16Z')).to.equal(true);
      expect(semanticEqual('2017-09-19T15:49:16+02:00', '2017-09-19T13:49:16Z')).to.equal(true);
      expect(semanticEqual('2017-09-19T13:49:16.000001Z', '2017-09-19T13:49:16Z')).to.equal(false);
      expect(semanticEqual('0001-01-01T00:00:02.000000Z', '0001-01-01T00:00:02Z')).to.equal(true);
    });
    it('names the first difference', () => {
      expect(semanticDiff({ metadata: { labels: { a: '1' } } }, { metadata: { labels: { a: '2' } } })).to.equal('.metadata.labels.a: "1" != "2"');
      expect(semanticDiff({ xs: [1, 2] }, { xs: [1] })).to.equal('.xs: 2 items != 1 items');
      expect(semanticDiff({ series: { count: 2 } }, { series: { count: 100 } })).to.equal('.series.count: 2 != 100');
    });
  });

  it('twoWayMergePatch yields the changed keys, nulls for removed ones', () => {
    expect(twoWayMergePatch({ a: 1, b: { c: 1, d: 2 }, e: 3 }, { a: 1, b: { c: 5, d: 2 }, f: [1] })).to.deep.equal({ b: { c: 5 }, f: [1], e: null });
    expect(twoWayMergePatch({ spec: { x: 'a' } }, { spec: { x: 'a' } })).to.deep.equal({});
  });

  it('writes MicroTimes as Go does', () => {
    expect(microTimeFromUnix(1505828956)).to.equal('2017-09-19T13:49:16.000000Z');
    expect(microTimeFromZero(2)).to.equal('0001-01-01T00:00:02.000000Z');
    expect(microTimeFromZero(70)).to.equal('0001-01-01T00:01:10.000000Z');
    expect(canonicalTime('nonsense')).to.equal(undefined);
  });

  it('discovers every case module, each with a unique ID and a codename ending in [Conformance]', async () => {
    const cases = await loadCases();
    expect(cases.length).to.be.greaterThan(0);
    expect(new Set(cases.map((c) => c.id)).size).to.equal(cases.length);
    for (const c of cases) {
      expect(c.id).to.match(/^[A-Z]{2}-\d{2}$/);
      expect(c.codename).to.match(/^\[sig-[a-z-]+\] .*\[Conformance\]$/);
    }
  });

  it('formats a table with a summary line', () => {
    const t = formatTable([
      { id: 'AM-17', codename: '[sig-api-machinery] server version should find the server version [Conformance]', class: 'API', outcome: 'pass', seconds: 0.04, steps: [], log: [] },
      { id: 'AM-01', codename: '[sig-api-machinery] Discovery x [Conformance]', class: 'API', outcome: 'fail', seconds: 1.5, error: 'first line\nsecond line', steps: [], log: [] },
    ]);
    expect(t).to.include('AM-01  FAIL');
    expect(t).to.include('first line');
    expect(t).to.not.include('second line');
    expect(t.trimEnd().split('\n').pop()).to.equal('2 cases: 1 passed, 1 failed, 0 skipped in 1.5s');
  });
});
