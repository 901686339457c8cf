// The LMDB backend and the watch cache: revision order, guarded writes, exactly-once watch
// delivery, 410 past the retained window, and durability across kill -9.

import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fork } from 'node:child_process';
import { LmdbBackend } from '../../src/registry/store/lmdb.ts';
import { CompactedError, KeyExistsError, RevisionConflictError, type Event } from '../../src/registry/store/backend.ts';
import { Cacher, type EventView, type WatchSink } from '../../src/watch/cacher.ts';
import { everything, allFields, parseLabelSelector } from '../../src/registry/selection.ts';
import { sleep } from '../helpers.ts';

const enc = (v: string) => (rev: number) => JSON.stringify({ metadata: { name: v, namespace: 'ns', resourceVersion: String(rev) }, v });

describe('LMDB backend', () => {
  let dir: string;
  let b: LmdbBackend;
  beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'skiff-store-')); b = new LmdbBackend({ path: dir }); });
  afterEach(async () => { await b.close(); rmSync(dir, { recursive: true, force: true }); });

  it('gives every write the next global revision', async () => {
    const r1 = await b.create('/registry/configmaps/ns/a', enc('a'));
    const r2 = await b.create('/registry/secrets/ns/a', enc('a'));
    const r3 = await b.update('/registry/configmaps/ns/a', r1.modRevision, enc('a2'));
    const r4 = await b.delete('/registry/secrets/ns/a', r2.modRevision);
    expect([r1.modRevision, r2.modRevision, r3.modRevision, r4.revision]).to.deep.equal([1, 2, 3, 4]);
    expect(r3.createRevision).to.equal(1);
    expect(b.currentRevision()).to.equal(4);
    expect(JSON.parse((await b.get('/registry/configmaps/ns/a'))!.value).metadata.resourceVersion).to.equal('3');
  });

  it('guards creates, updates and deletes', async () => {
    const a = await b.create('/registry/configmaps/ns/a', enc('a'));
    let err: unknown;
    try { await b.create('/registry/configmaps/ns/a', enc('a')); } catch (e) { err = e; }
    expect(err).to.be.instanceOf(KeyExistsError);
    await b.update('/registry/configmaps/ns/a', a.modRevision, enc('b'));
    err = undefined;
    try { await b.update('/registry/configmaps/ns/a', a.modRevision, enc('c')); } catch (e) { err = e; }
    expect(err).to.be.instanceOf(RevisionConflictError);
    err = undefined;
    try { await b.delete('/registry/configmaps/ns/a', a.modRevision); } catch (e) { err = e; }
    expect(err).to.be.instanceOf(RevisionConflictError);
  });

  it('lists by prefix in key order with limit and startKey', async () => {
    for (const n of ['c', 'a', 'b', 'd']) await b.create(`/registry/configmaps/ns/${n}`, enc(n));
    await b.create('/registry/configmapsx/ns/z', enc('z'));
    const p1 = await b.list('/registry/configmaps/', { limit: 2 });
    expect(p1.kvs.map((k) => k.key)).to.deep.equal(['/registry/configmaps/ns/a', '/registry/configmaps/ns/b']);
    expect(p1.more).to.equal(true);
    const p2 = await b.list('/registry/configmaps/', { startKey: '/registry/configmaps/ns/b' });
    expect(p2.kvs.map((k) => k.key)).to.deep.equal(['/registry/configmaps/ns/c', '/registry/configmaps/ns/d']);
    expect(p2.more).to.equal(false);
  });

  it('delivers every event exactly once, in order, to concurrent watchers, replaying from any revision', async () => {
    const seen: number[][] = [[], [], []];
    const stops = [b.watch(0, (ev) => seen[0].push(...ev.map((e) => e.revision)))];
    const writes: Promise<unknown>[] = [];
    for (let i = 0; i < 200; i++) writes.push(b.create(`/registry/configmaps/ns/c${i}`, enc(`c${i}`)));
    await Promise.all(writes.slice(0, 100));
    stops.push(b.watch(50, (ev) => seen[1].push(...ev.map((e) => e.revision))));
    await Promise.all(writes);
    stops.push(b.watch(150, (ev) => seen[2].push(...ev.map((e) => e.revision))));
    for (let i = 0; i < 50; i++) await b.delete(`/registry/configmaps/ns/c${i}`);
    for (const s of stops) s();
    const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
    expect(seen[0]).to.deep.equal(range(1, 250));
    expect(seen[1]).to.deep.equal(range(51, 250));
    expect(seen[2]).to.deep.equal(range(151, 250));
  });

  it('carries the previous value on deletes', async () => {
    await b.create('/registry/configmaps/ns/a', enc('last'));
    const events: Event[] = [];
    const stop = b.watch(b.currentRevision(), (ev) => events.push(...ev));
    await b.delete('/registry/configmaps/ns/a');
    stop();
    expect(events[0].type).to.equal('delete');
    expect(JSON.parse(events[0].prevKv!.value).v).to.equal('last');
  });

  it('refuses watches older than the compacted window with CompactedError', async () => {
    for (let i = 0; i < 10; i++) await b.create(`/registry/configmaps/ns/c${i}`, enc('x'));
    await b.compact(5);
    expect(() => b.watch(3, () => undefined)).to.throw(CompactedError);
    const got: number[] = [];
    b.watch(5, (ev) => got.push(...ev.map((e) => e.revision)))();
    expect(got).to.deep.equal([6, 7, 8, 9, 10]);
  });

  it('compacts by time window on its own', async () => {
    await b.close();
    b = new LmdbBackend({ path: dir, retainWindowMs: 100 });
    for (let i = 0; i < 5; i++) await b.create(`/registry/configmaps/ns/t${i}`, enc('x'));
    await sleep(400);
    await b.create('/registry/configmaps/ns/t-last', enc('x'));
    expect(b.compactRevision()).to.be.at.least(4);
    expect(() => b.watch(1, () => undefined)).to.throw(CompactedError);
  });

  it('shares one commit between concurrent writes (group commit)', async () => {
    const t0 = performance.now();
    await Promise.all(Array.from({ length: 500 }, (_, i) => b.create(`/registry/configmaps/ns/g${i}`, enc('g'))));
    const concurrent = performance.now() - t0;
    const t1 = performance.now();
    for (let i = 0; i < 20; i++) await b.create(`/registry/configmaps/ns/s${i}`, enc('s'));
    const perSequential = (performance.now() - t1) / 20;
    // 500 concurrent writes cost far less than 500 separate durable commits.
    expect(concurrent).to.be.lessThan(perSequential * 100);
  });
});

describe('durability across kill -9', function () {
  this.timeout(60_000);
  it('keeps every acknowledged write after the server process is killed mid-stream', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'skiff-kill-'));
    const child = fork(join(import.meta.dirname, 'store-writer.ts'), [dir], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
    const acked: string[] = [];
    child.on('message', (m: { acked?: string[] }) => { if (m.acked) acked.push(...m.acked); });
    while (acked.length < 2000) await sleep(20);
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    const b = new LmdbBackend({ path: dir });
    try {
      const missing: string[] = [];
      for (const key of acked) if (!(await b.get(key))) missing.push(key);
      expect(missing, `${missing.length} of ${acked.length} acknowledged writes lost`).to.deep.equal([]);
      // The revision counter resumes after the last durable write.
      const next = await b.create('/registry/configmaps/ns/after-restart', enc('x'));
      expect(next.modRevision).to.be.greaterThan(acked.length - 1);
    } finally {
      await b.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

class CollectSink implements WatchSink {
  events: { type: string; name: string; rv: string }[] = [];
  event(v: EventView): void {
    const o = v.entry.object;
    this.events.push({ type: v.type, name: o.metadata.name!, rv: o.metadata.resourceVersion! });
  }
  flush(): void {}
}

describe('watch cache', () => {
  let dir: string;
  let b: LmdbBackend;
  let c: Cacher;
  const fieldsFor = () => (o: { metadata: { name?: string; namespace?: string }; spec?: unknown }) => ({
    'metadata.name': o.metadata.name ?? '', 'metadata.namespace': o.metadata.namespace ?? '', 'spec.nodeName': (o.spec as { nodeName?: string } | undefined)?.nodeName ?? '',
  });
  const pod = (name: string, node: string, labels: Record<string, string> = {}) => (rev: number) =>
    JSON.stringify({ metadata: { name, namespace: 'ns', labels, resourceVersion: String(rev) }, spec: { nodeName: node } });

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'skiff-cacher-'));
    b = new LmdbBackend({ path: dir });
    c = new Cacher(b, { fieldsFor });
    await c.start();
  });
  afterEach(async () => { c.stop(); await b.close(); rmSync(dir, { recursive: true, force: true }); });

  it('delivers to watchers indexed by spec.nodeName only their own pods', async () => {
    const sinks = ['n1', 'n2'].map(() => new CollectSink());
    ['n1', 'n2'].forEach((n, i) => c.watch({ resource: 'pods', label: everything, field: { requirements: [{ field: 'spec.nodeName', value: n, equal: true }], empty: false }, fromRevision: 0, initialEvents: false }, sinks[i], '/registry/pods/'));
    const p1 = await b.create('/registry/pods/ns/p1', pod('p1', 'n1'));
    await b.create('/registry/pods/ns/p2', pod('p2', 'n2'));
    await b.update('/registry/pods/ns/p1', p1.modRevision, pod('p1', 'n2'));
    expect(sinks[0].events.map((e) => `${e.type} ${e.name}`)).to.deep.equal(['ADDED p1', 'DELETED p1']);
    expect(sinks[1].events.map((e) => `${e.type} ${e.name}`)).to.deep.equal(['ADDED p2', 'ADDED p1']);
    // The DELETED for a pod moving away carries the old object at the new revision.
    expect(sinks[0].events[1].rv).to.equal('3');
  });

  it('rebuilds history from the log after a restart so watches resume', async () => {
    const a = await b.create('/registry/pods/ns/a', pod('a', 'n1'));
    const mid = b.currentRevision();
    await b.update('/registry/pods/ns/a', a.modRevision, pod('a', 'n1', { v: '2' }));
    await b.create('/registry/pods/ns/b', pod('b', 'n1'));
    c.stop();
    await b.close();
    b = new LmdbBackend({ path: dir });
    c = new Cacher(b, { fieldsFor });
    await c.start();
    const sink = new CollectSink();
    c.watch({ resource: 'pods', label: parseLabelSelector('v=2'), field: allFields, fromRevision: mid, initialEvents: false }, sink, '/registry/pods/');
    expect(sink.events.map((e) => `${e.type} ${e.name}`)).to.deep.equal(['ADDED a']);
    const list = c.list('pods', '/registry/pods/', { label: everything, field: allFields, revision: mid });
    expect(list.items.map((e) => e.object.metadata.labels)).to.deep.equal([{}]);
  });
});
