// The API client's HTTP/1.1 transport against real node:http servers on loopback: bodies by
// length and chunked (split anywhere), bodiless answers, Connection: close, the pool's
// socket limit and queue, and the one retry of a read on a kept connection the server closed.

import http from 'node:http';
import net from 'node:net';
import { expect } from 'chai';
import { HttpConnection, HttpPool } from '../../src/client/transport.ts';

async function listen(server: net.Server): Promise<URL> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return new URL(`http://127.0.0.1:${(server.address() as net.AddressInfo).port}`);
}

/** A raw TCP server that answers each request with the given bytes, written in pieces. */
async function rawServer(answer: (request: string) => string[]): Promise<{ url: URL; server: net.Server }> {
  const server = net.createServer((s) => {
    let buf = '';
    s.on('data', (c) => {
      buf += c.toString('latin1');
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) return;
      const head = buf.slice(0, end);
      const length = Number(/content-length: (\d+)/i.exec(head)?.[1] ?? 0);
      if (buf.length < end + 4 + length) return;
      const req = buf.slice(0, end + 4 + length);
      buf = buf.slice(end + 4 + length);
      // Each piece in its own write, a moment apart, so the client sees them in separate reads.
      let i = 0;
      const pieces = answer(req);
      const next = (): void => { if (i < pieces.length) { s.write(pieces[i++]); setTimeout(next, 2); } };
      next();
    });
  });
  return { url: await listen(server), server };
}

describe('client transport (HTTP/1.1 connections and pool)', () => {
  const servers: net.Server[] = [];
  afterEach(async () => {
    for (const s of servers.splice(0)) {
      (s as http.Server).closeAllConnections?.();
      await new Promise((r) => s.close(r));
    }
  });

  it('reads a Content-Length body, sends the request body and headers, and reuses the connection', async () => {
    const seen: { method?: string; url?: string; body: string; type?: string; remote: number }[] = [];
    const server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        seen.push({ method: req.method, url: req.url, body, type: req.headers['content-type'], remote: req.socket.remotePort! });
        res.end(JSON.stringify({ echo: body }));
      });
    });
    servers.push(server);
    const url = await listen(server);
    const conn = new HttpConnection(url);
    const a = await conn.request('POST', '/x?y=1', 'Content-Type: application/json\r\n', '{"a":"ü"}');
    const b = await conn.request('GET', '/z', '');
    conn.destroy();
    expect(a.status).to.equal(200);
    expect(JSON.parse(a.body.toString())).to.deep.equal({ echo: '{"a":"ü"}' });
    expect(b.status).to.equal(200);
    expect(seen.map((s) => [s.method, s.url, s.type])).to.deep.equal([['POST', '/x?y=1', 'application/json'], ['GET', '/z', undefined]]);
    expect(seen[0].remote).to.equal(seen[1].remote);
  });

  it('reads chunked bodies split across reads, and bodiless answers', async () => {
    const { url, server } = await rawServer((req) => req.startsWith('GET /chunked')
      ? ['HTTP/1.1 200 OK\r\nTransfer-', 'Encoding: chunked\r\n\r\n5\r\nhel', 'lo\r\n6\r\n world\r', '\n0\r\n\r\n']
      : ['HTTP/1.1 204 No Content\r\n\r\n']);
    servers.push(server);
    const conn = new HttpConnection(url);
    const a = await conn.request('GET', '/chunked', '');
    const b = await conn.request('DELETE', '/empty', '');
    const c = await conn.request('GET', '/chunked', '');
    conn.destroy();
    expect([a.status, a.body.toString()]).to.deep.equal([200, 'hello world']);
    expect([b.status, b.body.length]).to.deep.equal([204, 0]);
    expect(c.body.toString()).to.equal('hello world');
  });

  it('counts without keeping when told to discard bodies', async () => {
    const server = http.createServer((_req, res) => res.end('x'.repeat(100_000)));
    servers.push(server);
    const conn = new HttpConnection(await listen(server), undefined, false);
    const r = await conn.request('GET', '/', '');
    conn.destroy();
    expect([r.bytes, r.body.length]).to.deep.equal([100_000, 0]);
  });

  it('closes the connection when the server says Connection: close', async () => {
    const server = http.createServer((_req, res) => { res.setHeader('Connection', 'close'); res.end('bye'); });
    servers.push(server);
    const conn = new HttpConnection(await listen(server));
    const r = await conn.request('GET', '/', '');
    expect(r.body.toString()).to.equal('bye');
    expect(conn.open).to.equal(false);
  });

  it('pool: at most maxSockets connections, requests beyond wait their turn', async () => {
    let open = 0, most = 0;
    const server = http.createServer((_req, res) => { setTimeout(() => res.end('ok'), 20); });
    server.on('connection', (s) => { open++; most = Math.max(most, open); s.on('close', () => open--); });
    servers.push(server);
    const pool = new HttpPool(await listen(server), () => ({}), 3);
    const all = await Promise.all(Array.from({ length: 10 }, () => pool.request('GET', '/', '')));
    pool.close();
    expect(all.map((r) => r.body.toString())).to.deep.equal(Array(10).fill('ok'));
    expect(most).to.equal(3);
  });

  it('pool: after a burst, only a few idle connections are kept', async function () {
    this.timeout(5_000);
    let open = 0;
    const server = http.createServer((_req, res) => { setTimeout(() => res.end('ok'), 20); });
    server.on('connection', (s) => { open++; s.on('close', () => open--); });
    servers.push(server);
    const pool = new HttpPool(await listen(server), () => ({}), 16);
    await Promise.all(Array.from({ length: 16 }, () => pool.request('GET', '/', '')));
    await new Promise((r) => setTimeout(r, 50));
    expect(open).to.equal(16); // kept a moment for the next burst
    await new Promise((r) => setTimeout(r, 2_200));
    expect(open).to.equal(4);
    pool.close();
  });

  it('pool: a read on a kept connection the server has closed is sent again on a new one; a write is not', async () => {
    // Each connection answers its first request and drops the second unanswered, as a server
    // does that closed an idle connection just as the request went out.
    let connections = 0;
    const server = net.createServer((s) => {
      connections++;
      let served = 0;
      s.on('data', (c) => {
        if (!c.toString('latin1').includes('\r\n\r\n')) return;
        if (served++ === 0) s.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok');
        else s.destroy();
      });
    });
    servers.push(server);
    const pool = new HttpPool(await listen(server), () => ({}), 1);
    expect((await pool.request('GET', '/', '')).body.toString()).to.equal('ok');
    expect((await pool.request('GET', '/', '')).body.toString()).to.equal('ok');
    expect(connections).to.equal(2);
    const write = await pool.request('POST', '/', '', '{}').then(() => 'answered', (e: Error) => e.message);
    expect(write).to.equal('connection closed');
    expect(connections).to.equal(2);
    pool.close();
  });

  it('rejects when nothing listens, and after close', async () => {
    const server = net.createServer();
    const url = await listen(server);
    await new Promise((r) => server.close(r));
    const pool = new HttpPool(url, () => ({}), 2);
    let err = '';
    await pool.request('GET', '/', '').catch((e: Error) => { err = e.message; });
    expect(err).to.match(/ECONNREFUSED/);
    pool.close();
    err = '';
    await pool.request('GET', '/', '').catch((e: Error) => { err = e.message; });
    expect(err).to.match(/closed/);
  });
  it('connects over a local socket when given one (plain HTTP, the URL naming the Host)', async () => {
    const seen: string[] = [];
    const server = http.createServer((req, res) => {
      seen.push(`${req.method} ${req.url} host=${req.headers.host}`);
      res.end('{"over":"socket"}');
    });
    servers.push(server);
    const socketPath = `\0skiff-transport-test-${process.pid}`;
    await new Promise<void>((resolve) => server.listen(socketPath, resolve));
    const pool = new HttpPool(new URL('https://127.0.0.1:6443'), () => ({}), 2, undefined, socketPath);
    try {
      const a = await pool.request('GET', '/a', '');
      const b = await pool.request('GET', '/b', '');
      expect([a.status, a.body.toString(), b.status]).to.deep.equal([200, '{"over":"socket"}', 200]);
      expect(seen).to.deep.equal(['GET /a host=127.0.0.1:6443', 'GET /b host=127.0.0.1:6443']);
    } finally {
      pool.close();
    }
  });
});
