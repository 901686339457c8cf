// Table lists from the watch cache's row templates: byte for byte what JSON.stringify of
// toTable() over the decoded objects gives, for every kind, includeObject and Table version,
// whether the template was made at write time or later from the stored JSON.

import { expect } from 'chai';
import { groupVersion, isStored, resources } from '../../api/resources.ts';
import type { KubeObject } from '../../src/registry/object.ts';
import { type IncludeObject, type TableOptions, type TableVersion, rowTemplates, tableListParts, toTable, topLevelValue } from '../../src/server/table.ts';
import { Entry } from '../../src/watch/cacher.ts';
import { sampleClusterObjects, sampleObjects } from '../fixtures/objects.ts';

const NOW = Date.parse('2024-06-01T12:00:00Z');
const ago = (s: number): string => new Date(NOW - s * 1000).toISOString().replace('.000Z', 'Z');
const noFields = () => ({});

/** An entry as the watch cache makes it: from a live write (decoded, then released) or loaded from the store. */
function entryOf(group: string, plural: string, obj: KubeObject, live: boolean): Entry {
  const json = JSON.stringify(obj);
  const e = new Entry(`/registry/${plural}/${obj.metadata.namespace ?? ''}/${obj.metadata.name}`, json, 7, 5, noFields, live ? obj : undefined, rowTemplates(group, plural));
  if (live) {
    void e.derived;
    e.release();
  }
  return e;
}

function bytes(parts: (Buffer | string)[]): string {
  return Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : p))).toString('utf8');
}

const OPTIONS: TableOptions[] = [];
for (const includeObject of ['Metadata', 'None', 'Object'] as IncludeObject[]) {
  for (const apiVersion of ['meta.k8s.io/v1', 'meta.k8s.io/v1beta1'] as TableVersion[]) OPTIONS.push({ includeObject, apiVersion, now: NOW });
}

function expectSame(group: string, plural: string, objects: KubeObject[], served?: (o: KubeObject) => KubeObject): void {
  const metas = [{ resourceVersion: '42' }, { resourceVersion: '43', continue: 'abc', remainingItemCount: 3 }, {}];
  for (const live of [true, false]) {
    const entries = objects.map((o) => entryOf(group, plural, o, live));
    for (const opts of OPTIONS) {
      for (const meta of metas) {
        const decoded = entries.map((e) => (served ? served(JSON.parse(e.json) as KubeObject) : (JSON.parse(e.json) as KubeObject)));
        const want = JSON.stringify(toTable(group, plural, decoded, meta, opts));
        const got = bytes(tableListParts(group, plural, entries, meta, opts, served ? (e) => served(JSON.parse(e.json) as KubeObject) : undefined));
        expect(got, `${group}/${plural} ${opts.includeObject} ${opts.apiVersion} live=${live}`).to.equal(want);
      }
    }
  }
}

const pod = (name: string, status: Record<string, unknown>, extra: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: 'v1', kind: 'Pod',
  metadata: { name, namespace: 'default', uid: `uid-${name}`, resourceVersion: '7', creationTimestamp: ago(3725), labels: { app: 'web' }, ...extra },
  spec: { nodeName: 'n1', containers: [{ name: 'app', image: 'app:1' }, { name: 'side', image: 'side:1' }] },
  status,
});

describe('table lists from row templates', () => {
  it('match toTable for every sample object of every kind', () => {
    const byKind = new Map(resources.filter(isStored).map((r) => [`${groupVersion(r)}/${r.kind}`, r]));
    const groups = new Map<string, { group: string; plural: string; objects: KubeObject[] }>();
    for (const obj of [...sampleObjects('default'), ...sampleClusterObjects('x')]) {
      const r = byKind.get(`${obj.apiVersion}/${obj.kind}`);
      if (!r) throw new Error(`no resource for ${obj.apiVersion} ${obj.kind}`);
      const k = `${r.group}/${r.plural}`;
      if (!groups.has(k)) groups.set(k, { group: r.group, plural: r.plural, objects: [] });
      groups.get(k)!.objects.push({ ...obj, metadata: { creationTimestamp: ago(90), ...obj.metadata } });
    }
    expect(groups.size).to.be.greaterThan(10);
    for (const { group, plural, objects } of groups.values()) expectSame(group, plural, objects);
  });

  it('match toTable for pods with restarts, conditions, odd text and odd shapes', () => {
    const restarted = { name: 'app', ready: true, restartCount: 3, state: { running: { startedAt: ago(50) } }, lastState: { terminated: { exitCode: 1, reason: 'Error', finishedAt: ago(172_900) } } };
    expectSame('', 'pods', [
      pod('running', { phase: 'Running', podIP: '10.0.0.1', containerStatuses: [restarted, { name: 'side', ready: true, state: { running: {} } }] }),
      pod('done', { phase: 'Succeeded' }),
      pod('failed', { phase: 'Failed', reason: 'Evicted' }),
      pod('ünïcødé-😀', { phase: 'Pending' }, { annotations: { note: 'quote " backslash \\ newline \n tab \t nul \u0000 \u2028 lone \ud800' } }),
      pod('meta-later', { phase: 'Running' }),
      // A pod with a nested "metadata" key before its own: the template must find the top-level one.
      { spec: { template: { metadata: { name: 'inner' } }, containers: [] }, apiVersion: 'v1', kind: 'Pod', metadata: { name: 'nested', namespace: 'default', creationTimestamp: ago(5) } } as KubeObject,
      // Without type meta (stored bare), with half of it, and without a creation time.
      { metadata: { name: 'bare', namespace: 'default', creationTimestamp: ago(1) }, spec: { containers: [] } } as KubeObject,
      { apiVersion: 'v1', metadata: { name: 'half', namespace: 'default' }, spec: {} } as KubeObject,
      { kind: '', apiVersion: 'v1', metadata: { name: 'empty-kind' } } as KubeObject,
      { metadata: { name: 'numbers', labels: { '10': 'ten', '2': 'two', b: 'x' } }, spec: { containers: [] }, status: { phase: 'Running' } } as KubeObject,
      { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'future', creationTimestamp: ago(-30) } } as KubeObject,
    ]);
  });

  it('match toTable for events, also when served converted (events.k8s.io)', () => {
    const core = (name: string, extra: Record<string, unknown>): KubeObject => ({
      apiVersion: 'v1', kind: 'Event', metadata: { name, namespace: 'default', creationTimestamp: ago(100) },
      involvedObject: { kind: 'Pod', name: 'p', fieldPath: 'spec.containers{app}' }, reason: 'Pulled', message: ' pulled "app:1" ', type: 'Normal', source: { component: 'kubelet', host: 'n1' }, ...extra,
    });
    const events = [
      core('old-style', { firstTimestamp: ago(4000), lastTimestamp: ago(30), count: 4 }),
      core('new-style', { eventTime: '2024-06-01T11:59:00.123456Z', series: { count: 2, lastObservedTime: '2024-06-01T11:59:50.000000Z' } }),
      core('singleton', { eventTime: '2024-06-01T11:00:00.000000Z' }),
    ];
    expectSame('', 'events', events);
    // events.k8s.io shares the storage and the printer, and is printed from its served form.
    const toV1 = (ev: KubeObject): KubeObject => ({ apiVersion: 'events.k8s.io/v1', kind: 'Event', metadata: ev.metadata, note: ev.message, reason: ev.reason, regarding: ev.involvedObject, type: ev.type, deprecatedCount: ev.count });
    expectSame('events.k8s.io', 'events', events, toV1);
  });

  it('prints an object again when the template was made with another printer', () => {
    const cm: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'default', creationTimestamp: ago(10) }, data: { a: '1' } };
    const e = entryOf('', 'pods', cm, true);
    const opts: TableOptions = { includeObject: 'Metadata', apiVersion: 'meta.k8s.io/v1', now: NOW };
    expect(bytes(tableListParts('', 'configmaps', [e], {}, opts))).to.equal(JSON.stringify(toTable('', 'configmaps', [cm], {}, opts)));
  });

  it('finds top-level values only', () => {
    const find = (json: string, key: string) => {
      const buf = Buffer.from(json);
      const span = topLevelValue(buf, Buffer.from(JSON.stringify(key)));
      return span && buf.subarray(span[0], span[1]).toString();
    };
    expect(find('{"a":{"metadata":1},"metadata":{"x":"}"}}', 'metadata')).to.equal('{"x":"}"}');
    expect(find('{"s":"\\"metadata\\":2","metadata":[1,{"a":"\\\\"}],"z":0}', 'metadata')).to.equal('[1,{"a":"\\\\"}]');
    expect(find('{"n":-1.5e3,"t":true,"metadata":null}', 'metadata')).to.equal('null');
    expect(find('{"a":1}', 'metadata')).to.equal(undefined);
    expect(find('{ "metadata": {} }', 'metadata')).to.equal(undefined);
    expect(find('{"metadata":{"a":"unterminated}', 'metadata')).to.equal(undefined);
    expect(find('[]', 'metadata')).to.equal(undefined);
  });
});
