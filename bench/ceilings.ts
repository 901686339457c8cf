// Part A: ceilings. What the storage engine and the HTTPS stack can do without Skiff.

import { statfs } from 'node:fs/promises';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { open } from 'lmdb';
import { runLoad, type LoadResult } from './load.ts';
import type { Report } from './report.ts';
import { now, selfSignedCert, tempDir } from './util.ts';

const SECTION = 'A. ceilings';

/** ~1 KB JSON object, like a small stored Kubernetes object. */
function objectJson(i: number): string {
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: `cm-${i}`,
      namespace: 'default',
      uid: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      resourceVersion: String(i + 1),
      creationTimestamp: '2025-01-01T00:00:00Z',
      labels: { app: 'bench', tier: 'backend', release: 'stable' },
      annotations: { 'bench.skiff.dev/note': 'x'.repeat(420) },
    },
    data: { 'config.yaml': 'key: value\n'.repeat(30) },
  });
}

const FS_TYPES: Record<number, string> = { 0xef53: 'ext4', 0x01021994: 'tmpfs (fsync is a no-op!)', 0x794c7630: 'overlayfs', 0x58465342: 'xfs', 0x9123683e: 'btrfs', 0x2fc12fc1: 'zfs' };

async function fsType(dir: string): Promise<string> {
  const t = (await statfs(dir)).type;
  return FS_TYPES[t] ?? `fs 0x${t.toString(16)}`;
}

async function lmdbWrites(report: Report): Promise<void> {
  const dir = await tempDir('lmdb');
  // overlappingSync: false -> each commit is flushed (fsync'd) before its promises resolve.
  const root = open({ path: dir, overlappingSync: false, compression: false });
  const objects = root.openDB<string, string>({ name: 'objects', encoding: 'string' });
  const log = root.openDB<{ key: string; rev: number }, number>({ name: 'log', keyEncoding: 'uint32' });
  let rev = 0;
  const write = async (): Promise<void> => {
    const r = ++rev;
    const key = `/registry/configmaps/default/cm-${r}`;
    await Promise.all([objects.put(key, objectJson(r)), log.put(r, { key, rev: r })]);
  };
  const measure = async (inFlight: number, ms: number, maxWrites: number): Promise<{ rate: number; p50: number }> => {
    let done = 0;
    const lat: number[] = [];
    const t0 = now();
    const deadline = t0 + ms;
    await Promise.all(
      Array.from({ length: inFlight }, async () => {
        while (now() < deadline && done < maxWrites) {
          const s = now();
          await write();
          lat.push(now() - s);
          done++;
        }
      }),
    );
    lat.sort((a, b) => a - b);
    return { rate: done / ((now() - t0) / 1000), p50: lat[Math.floor(lat.length / 2)] ?? NaN };
  };
  try {
    await measure(1, 300, 1_000); // warm up
    const one = await measure(1, 2_000, 50_000);
    const many = await measure(32, 3_000, 500_000);
    await root.flushed;
    const note = `overlappingSync:false (fsync per commit) on ${await fsType(dir)}`;
    report.add(SECTION, 'LMDB durable put+log, 1 in flight', one.rate, 'writes/s', undefined, note);
    report.add(SECTION, 'LMDB durable put+log, 1 in flight p50', one.p50, 'ms');
    report.add(SECTION, 'LMDB durable put+log, 32 in flight', many.rate, 'writes/s', undefined, note);
  } finally {
    await root.close();
  }
}

type Listen = (server: https.Server) => Promise<string>;

const listen: Listen = (server) =>
  new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(`https://127.0.0.1:${(server.address() as AddressInfo).port}`));
  });

function closeServer(server: https.Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

function addLoad(report: Report, label: string, r: LoadResult): void {
  const note = r.errors > 0 ? `${r.errors} errors (${r.firstError ?? ''})` : undefined;
  report.add(SECTION, `${label} req/s, 32 clients`, r.rps, 'req/s', undefined, note);
  report.add(SECTION, `${label} p50 / p99, 32 clients`, r.p50, 'ms', undefined, `p99 ${r.p99.toFixed(2)} ms`);
}

async function httpsServers(report: Report): Promise<void> {
  const dir = await tempDir('tls');
  const { certPem, keyPem } = await selfSignedCert(dir);
  const body = JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Success', code: 200 });
  const load = (url: string): Promise<LoadResult> =>
    runLoad({ url, path: '/healthz', concurrency: 32, durationMs: 4_000, tls: { ca: certPem } });

  const bare = https.createServer({ cert: certPem, key: keyPem }, (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });
  try {
    addLoad(report, 'node:https bare', await load(await listen(bare)));
  } finally {
    await closeServer(bare);
  }

  const app = express();
  app.get('/healthz', (_req, res) => {
    res.type('application/json').send(body);
  });
  const viaExpress = https.createServer({ cert: certPem, key: keyPem }, app);
  try {
    addLoad(report, 'express 5 https', await load(await listen(viaExpress)));
  } finally {
    await closeServer(viaExpress);
  }
}

export async function runCeilings(report: Report): Promise<void> {
  await lmdbWrites(report);
  await httpsServers(report);
}
