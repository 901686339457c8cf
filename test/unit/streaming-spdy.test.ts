// SPDY/3.1 framing and sessions as Kubernetes streaming uses them (src/server/streaming/spdy.ts).

import { expect } from 'chai';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { FrameCodec, HEADER_DICTIONARY, SpdyConnection, type Frame, type SpdyStream } from '../../src/server/streaming/spdy.ts';

function adler32(b: Buffer): number {
  let a = 1, c = 0;
  for (const x of b) { a = (a + x) % 65521; c = (c + a) % 65521; }
  return ((c << 16) | a) >>> 0;
}

/** A connected TCP socket pair on loopback. */
async function socketPair(): Promise<[net.Socket, net.Socket, () => void]> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const accepted = new Promise<net.Socket>((r) => server.once('connection', r));
  const client = net.connect((server.address() as AddressInfo).port, '127.0.0.1');
  await new Promise<void>((r) => client.once('connect', r));
  return [client, await accepted, () => server.close()];
}

const readAll = (s: SpdyStream) => new Promise<string>((resolve) => {
  const chunks: Buffer[] = [];
  s.on('data', (d: Buffer) => chunks.push(d));
  s.on('end', () => resolve(Buffer.concat(chunks).toString()));
});

describe('SPDY/3.1 framing', () => {
  it('uses the SPDY/3 header dictionary (the DICTID kubectl sends is e3c6a7c2)', () => {
    expect(HEADER_DICTIONARY.length).to.equal(1423);
    expect(adler32(HEADER_DICTIONARY).toString(16)).to.equal('e3c6a7c2');
  });

  it('encodes a SYN_STREAM as kubectl 1.32 opens an exec (captured frame prefix and dictionary id)', () => {
    // First frame of `kubectl exec` over SPDY: stream 1, headers {streamtype: error}.
    const captured = Buffer.from('800300010000002900000001000000000000' + '78f9e3c6a7c2', 'hex');
    const codec = new FrameCodec();
    // The rest of the frame is the compressed block; re-encode ours and check the header prefix instead.
    const ours = new FrameCodec().encode({ type: 'syn_stream', streamId: 1, associatedTo: 0, priority: 0, fin: false, unidirectional: false, headers: { streamtype: 'error' } });
    expect(ours.subarray(0, 4).toString('hex')).to.equal(captured.subarray(0, 4).toString('hex'));
    expect(ours.subarray(8, 18).toString('hex')).to.equal(captured.subarray(8, 18).toString('hex'));
    // zlib header with the same dictionary id.
    expect(ours.subarray(20, 24).toString('hex')).to.equal('e3c6a7c2');
    expect(codec.decode(ours)).to.have.length(1);
  });

  it('round-trips every frame type, split at every byte boundary, with one compression context', () => {
    const frames: Frame[] = [
      { type: 'syn_stream', streamId: 1, associatedTo: 0, priority: 2, fin: false, unidirectional: false, headers: { streamtype: 'data', port: '80', requestid: '0' } },
      { type: 'syn_reply', streamId: 1, fin: false, headers: {} },
      { type: 'data', streamId: 1, fin: false, data: Buffer.from('GET / HTTP/1.0\r\n\r\n') },
      { type: 'syn_stream', streamId: 3, associatedTo: 0, priority: 0, fin: true, unidirectional: false, headers: { streamtype: 'error', port: '80', requestid: '0' } },
      { type: 'headers', streamId: 1, fin: false, headers: { a: 'b\0c' } },
      { type: 'data', streamId: 1, fin: true, data: Buffer.alloc(0) },
      { type: 'rst_stream', streamId: 3, status: 5 },
      { type: 'settings', entries: [{ flags: 0, id: 7, value: 65536 }] },
      { type: 'ping', id: 7 },
      { type: 'window_update', streamId: 1, delta: 1000 },
      { type: 'goaway', lastGoodStreamId: 3, status: 0 },
    ];
    const enc = new FrameCodec();
    const bytes = Buffer.concat(frames.map((f) => enc.encode(f)));
    const dec = new FrameCodec();
    const out: Frame[] = [];
    for (let i = 0; i < bytes.length; i += 7) out.push(...dec.decode(bytes.subarray(i, i + 7)));
    expect(out).to.deep.equal(frames);
  });
});

describe('SPDY/3.1 sessions', () => {
  it('carries streams both ways: SYN_STREAM/SYN_REPLY, data, half-close by FIN, headers per stream', async () => {
    const [a, b, done] = await socketPair();
    try {
      const client = new SpdyConnection(a, { server: false });
      const server = new SpdyConnection(b, { server: true });
      const seen: Record<string, string>[] = [];
      server.on('stream', (s: SpdyStream) => {
        seen.push(s.headers);
        s.reply();
        if (s.headers.streamtype === 'stdin') {
          // Echo stdin upper-cased on stdout once stdin is closed (FIN).
          void readAll(s).then((text) => { stdoutOf!.end(text.toUpperCase()); });
        }
        if (s.headers.streamtype === 'stdout') stdoutOf = s;
      });
      let stdoutOf: SpdyStream | undefined;
      const stdin = client.createStream({ streamtype: 'stdin' });
      const stdout = client.createStream({ streamtype: 'stdout' });
      await Promise.all([SpdyConnection.waitReply(stdin), SpdyConnection.waitReply(stdout)]);
      expect(stdin.id).to.equal(1);
      expect(stdout.id).to.equal(3);
      const got = readAll(stdout);
      stdin.write('hello ');
      stdin.end('world');
      expect(await got).to.equal('HELLO WORLD');
      expect(seen).to.deep.equal([{ streamtype: 'stdin' }, { streamtype: 'stdout' }]);
      client.close();
    } finally {
      a.destroy(); b.destroy(); done();
    }
  });

  it('moves large payloads intact and ends open streams when the transport closes', async () => {
    const [a, b, done] = await socketPair();
    try {
      const client = new SpdyConnection(a, { server: false });
      const server = new SpdyConnection(b, { server: true });
      const payload = Buffer.alloc(3 * 1024 * 1024 + 17, 'x');
      payload.write('end', payload.length - 3);
      const received = new Promise<Buffer>((resolve) => server.on('stream', (s: SpdyStream) => {
        s.reply();
        const chunks: Buffer[] = [];
        s.on('data', (d: Buffer) => chunks.push(d));
        s.on('end', () => resolve(Buffer.concat(chunks)));
      }));
      const s = client.createStream({ streamtype: 'data' });
      await SpdyConnection.waitReply(s);
      s.end(payload);
      expect((await received).equals(payload)).to.equal(true);

      const open = client.createStream({ streamtype: 'data' });
      await SpdyConnection.waitReply(open);
      const ended = new Promise<void>((r) => open.on('end', () => r()));
      open.resume();
      b.destroy();
      await ended;
      expect(client.isClosed).to.equal(true);
    } finally {
      a.destroy(); b.destroy(); done();
    }
  });

  it('answers pings and resets streams on RST_STREAM', async () => {
    const [a, b, done] = await socketPair();
    try {
      const client = new SpdyConnection(a, { server: false });
      const server = new SpdyConnection(b, { server: true });
      server.on('stream', (s: SpdyStream) => s.reset());
      const pong = new Promise<number>((r) => client.once('pong', r));
      client.ping();
      expect(await pong).to.equal(1);
      const s = client.createStream({ streamtype: 'error' });
      let failed = '';
      await SpdyConnection.waitReply(s).catch((e: Error) => { failed = e.message; });
      expect(failed).to.match(/reset/);
    } finally {
      a.destroy(); b.destroy(); done();
    }
  });
});
