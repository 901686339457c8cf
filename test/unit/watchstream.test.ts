// WatchStream over real HTTP connections: watchers fed the same events in the same turn
// share one encoded chunk, and each stream still carries exactly its own events, in order;
// the chunks it frames itself are valid chunked coding, also for a watch pipelined behind
// another response and on a connection that goes on to serve another request.

import { expect } from 'chai';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { WatchStream } from '../../src/server/watchstream.ts';
import { Entry, EventView } from '../../src/watch/cacher.ts';

describe('WatchStream', () => {
  let server: http.Server;
  const streams: WatchStream[] = [];
  let connected: () => void = () => undefined;

  before(async () => {
    server = http.createServer((req, res) => {
      if (req.url === '/slow') return void setTimeout(() => res.end('slow'), 30);
      if (req.url === '/plain') return void res.end('plain');
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

  /** Splits raw HTTP/1.1 responses into their bodies, decoding chunked ones strictly. */
  const bodiesOf = (raw: string): string[] => {
    const out: string[] = [];
    let at = 0;
    while (at < raw.length) {
      const headEnd = raw.indexOf('\r\n\r\n', at);
      const head = raw.slice(at, headEnd);
      at = headEnd + 4;
      const length = /content-length: (\d+)/i.exec(head);
      if (length) {
        out.push(raw.slice(at, at + Number(length[1])));
        at += Number(length[1]);
        continue;
      }
      expect(head).to.match(/transfer-encoding: chunked/i);
      let body = '';
      for (;;) {
        const lineEnd = raw.indexOf('\r\n', at);
        const size = parseInt(raw.slice(at, lineEnd), 16);
        expect(raw.slice(at, lineEnd)).to.match(/^[0-9a-f]+$/);
        at = lineEnd + 2;
        body += raw.slice(at, at + size);
        expect(raw.slice(at + size, at + size + 2)).to.equal('\r\n');
        at += size + 2;
        if (size === 0) break;
      }
      out.push(body);
    }
    return out;
  };

  it('frames a watch pipelined behind a slow response, and the connection serves the next request', async () => {
    const socket = net.connect((server.address() as AddressInfo).port, '127.0.0.1');
    let raw = '';
    socket.setEncoding('utf8');
    socket.on('data', (c: string) => { raw += c; });
    const watching = new Promise<void>((resolve) => { connected = resolve; });
    socket.write('GET /slow HTTP/1.1\r\nHost: x\r\n\r\nGET /watch HTTP/1.1\r\nHost: x\r\n\r\n');
    await watching;
    const [w] = streams.splice(0);
    // Written while the slow response still holds the connection, then after it is done.
    w.event(view(1));
    w.event(view(2));
    w.flush();
    await new Promise((r) => setTimeout(r, 60));
    w.event(view(3));
    w.flush();
    await new Promise((r) => setTimeout(r, 10));
    w.end();
    socket.write('GET /plain HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    await new Promise((r) => socket.on('close', r));
    const [slow, watched, plain] = bodiesOf(raw);
    expect(slow).to.equal('slow');
    expect(names(watched)).to.deep.equal(['cm-1', 'cm-2', 'cm-3']);
    expect(plain).to.equal('plain');
  });
});
