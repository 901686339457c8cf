// WatchStream over real HTTP connections: watchers fed the same events in the same turn
// share one encoded chunk, and each stream still carries exactly its own events, in order.

import { expect } from 'chai';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WatchStream } from '../../src/server/watchstream.ts';
import { Entry, EventView } from '../../src/watch/cacher.ts';

describe('WatchStream', () => {
  let server: http.Server;
  const streams: WatchStream[] = [];
  let connected: () => void = () => undefined;

  before(async () => {
    server = http.createServer((_req, res) => {
      streams.push(new WatchStream(res, { kind: 'ConfigMap', apiVersion: 'v1', bookmarks: false, bookmarkIntervalMs: 60_000, timeoutMs: 60_000, currentRevision: () => 0 }));
      connected();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  });
  after(() => new Promise<void>((r) => server.close(() => r())));

  /** Opens a watch and collects what it receives until the stream ends. */
  const open = () => new Promise<{ body: Promise<string> }>((resolve) => {
    connected = () => undefined;
    const body = new Promise<string>((done) => {
      http.get({ host: '127.0.0.1', port: (server.address() as AddressInfo).port, path: '/' }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => { text += c; });
        res.on('end', () => done(text));
      });
    });
    connected = () => resolve({ body });
  });

  const view = (i: number) => new EventView('ADDED', new Entry(`/cm/${i}`, JSON.stringify({ kind: 'ConfigMap', metadata: { name: `cm-${i}`, resourceVersion: String(i) } }), i, i, () => ({})));
  const names = (text: string) => text.trim().split('\n').map((l) => (JSON.parse(l) as { object: { metadata: { name: string } } }).object.metadata.name);

  it('gives each watcher its own events when some share batches and others do not', async () => {
    const bodies = [(await open()).body, (await open()).body, (await open()).body];
    const [a, b, c] = streams.splice(0);
    // Turn 1: a and b get the same three events, c only the middle one.
    const first = [view(1), view(2), view(3)];
    for (const v of first) { a.event(v); b.event(v); }
    c.event(first[1]);
    for (const s of [a, b, c]) s.flush();
    await new Promise((r) => setTimeout(r, 20));
    // Turn 2: b gets one event more than a; c the same as a.
    const second = [view(4), view(5)];
    a.event(second[0]); c.event(second[0]);
    b.event(second[0]); b.event(second[1]);
    for (const s of [a, b, c]) s.flush();
    await new Promise((r) => setTimeout(r, 20));
    for (const s of [a, b, c]) s.end();
    const [ta, tb, tc] = await Promise.all(bodies);
    expect(names(ta)).to.deep.equal(['cm-1', 'cm-2', 'cm-3', 'cm-4']);
    expect(names(tb)).to.deep.equal(['cm-1', 'cm-2', 'cm-3', 'cm-4', 'cm-5']);
    expect(names(tc)).to.deep.equal(['cm-2', 'cm-4']);
  });
});
