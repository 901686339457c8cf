import { expect } from 'chai';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { type BodyPart, sendJson, sendParts } from '../../src/server/respond.ts';

/** Serves one handler on loopback and returns each GET's status, headers and body bytes. */
async function serve(handler: (res: http.ServerResponse) => void, fn: (get: () => Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }>) => Promise<void>): Promise<void> {
  const server = http.createServer((_req, res) => handler(res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const get = () => new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
    http.get({ host: '127.0.0.1', port, path: '/', agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    }).on('error', reject);
  });
  try {
    await fn(get);
  } finally {
    agent.destroy();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

const concat = (parts: BodyPart[]) => Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : p)));

describe('sendParts', () => {
  it('sends small, multi-byte, slice-sized and larger-than-slice parts byte for byte, with their length', async () => {
    const parts: BodyPart[] = ['{"items":['];
    for (let i = 0; i < 3000; i++) {
      if (i > 0) parts.push(Buffer.from(','));
      parts.push(i % 3 === 0 ? `{"n":${i},"s":"é€😀"}` : Buffer.from(JSON.stringify({ n: i, pad: 'x'.repeat(i % 700) })));
      if (i === 1000) parts.push(',', Buffer.alloc(256 * 1024, 'a'));
      if (i === 2000) parts.push(',"', 'b'.repeat(700_000), '"');
    }
    parts.push(']}');
    const want = concat(parts);
    await serve((res) => sendParts(res, 200, parts), async (get) => {
      // Twice over one connection: the second reuses the slices the first returned.
      for (let round = 0; round < 2; round++) {
        const got = await get();
        expect(got.status).to.equal(200);
        expect(got.headers['content-type']).to.equal('application/json');
        expect(Number(got.headers['content-length'])).to.equal(want.length);
        expect(got.body.equals(want)).to.equal(true);
      }
    });
  });

  it('sends empty and single-part bodies', async () => {
    for (const parts of [[], [''], ['{}'], [Buffer.from('[]')]] as BodyPart[][]) {
      await serve((res) => sendParts(res, 201, parts), async (get) => {
        const got = await get();
        expect(got.status).to.equal(201);
        expect(got.body.equals(concat(parts))).to.equal(true);
        expect(Number(got.headers['content-length'])).to.equal(got.body.length);
      });
    }
  });

  it('streams a large sendJson body unchanged', async () => {
    const body = JSON.stringify({ items: Array.from({ length: 5000 }, (_, i) => ({ i, v: 'ü'.repeat(100) })) });
    await serve((res) => sendJson(res, 200, body), async (get) => {
      const got = await get();
      expect(got.body.toString('utf8')).to.equal(body);
      expect(Number(got.headers['content-length'])).to.equal(Buffer.byteLength(body));
    });
  });
});

describe('sendParts with a client that goes away', () => {
  it('stops writing and keeps serving', async () => {
    const big: BodyPart[] = Array.from({ length: 400 }, () => Buffer.alloc(64 * 1024, 'z'));
    let closed = 0;
    const server = http.createServer((_req, res) => {
      res.on('close', () => closed++);
      sendParts(res, 200, big);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      await new Promise<void>((resolve) => {
        const req = http.get({ host: '127.0.0.1', port, path: '/' }, (res) => {
          res.once('data', () => { req.destroy(); resolve(); });
        });
        req.on('error', () => resolve());
      });
      for (let i = 0; i < 50 && closed === 0; i++) await new Promise((r) => setTimeout(r, 10));
      expect(closed).to.equal(1);
      const length = await new Promise<number>((resolve, reject) => {
        http.get({ host: '127.0.0.1', port, path: '/' }, (res) => {
          let n = 0;
          res.on('data', (c: Buffer) => { n += c.length; });
          res.on('end', () => resolve(n));
        }).on('error', reject);
      });
      expect(length).to.equal(400 * 64 * 1024);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
