// Pushing images to a registry over the distribution HTTP API (plain HTTP, loopback):
// for each blob HEAD (present: skip), else a cross-repository mount from a repository
// known to hold it, else POST an upload and PUT the bytes with their digest; then PUT the
// manifest under its media type. A tag whose manifest digest already matches is skipped.

import http from 'node:http';
import type { Descriptor } from './oci.ts';
import type { RegistryPath } from './recipes.ts';

/** An image to push: its manifest bytes and where to read the blobs it names. */
export interface PushSource {
  manifest: Buffer;
  manifestDigest: string;
  mediaType: string;
  /** The config and layer descriptors the manifest names. */
  blobs: Descriptor[];
  readBlob(digest: string): Promise<Buffer>;
}

export interface PushResult { repo: string; tag: string; skipped: boolean; blobsUploaded: number; blobsMounted: number }

interface Response { status: number; headers: http.IncomingHttpHeaders; body: Buffer }

const MANIFEST_ACCEPT = [
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
].join(', ');

/** A client for one registry (host:port, plain HTTP) with a keep-alive connection pool. */
export class RegistryClient {
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
  /** digest -> a repository this client saw holding it: the source of cross-repository mounts. */
  private readonly holders = new Map<string, string>();

  constructor(readonly address: string) {}

  close(): void {
    this.agent.destroy();
  }

  request(method: string, path: string, opts: { headers?: Record<string, string | number>; body?: Buffer } = {}): Promise<Response> {
    const url = path.startsWith('http://') || path.startsWith('https://') ? path : `http://${this.address}${path}`;
    return new Promise((resolve, reject) => {
      const req = http.request(url, { method, agent: this.agent, headers: opts.headers, timeout: 60_000 }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      });
      req.on('timeout', () => req.destroy(new Error(`${method} ${url}: timed out`)));
      req.on('error', reject);
      req.end(opts.body);
    });
  }

  /** The digest the registry has for repo:tag, or undefined when it has none. */
  async manifestDigest(repo: string, tag: string): Promise<string | undefined> {
    const res = await this.request('HEAD', `/v2/${repo}/manifests/${tag}`, { headers: { Accept: MANIFEST_ACCEPT } });
    if (res.status === 404) return undefined;
    if (res.status !== 200) throw new Error(`HEAD /v2/${repo}/manifests/${tag}: HTTP ${res.status}`);
    return headerValue(res.headers['docker-content-digest']);
  }

  async hasBlob(repo: string, digest: string): Promise<boolean> {
    const res = await this.request('HEAD', `/v2/${repo}/blobs/${digest}`);
    if (res.status === 200) return true;
    if (res.status === 404) return false;
    throw new Error(`HEAD /v2/${repo}/blobs/${digest}: HTTP ${res.status}`);
  }

  /** Makes sure repo holds the blob; returns how it got there. */
  async pushBlob(repo: string, desc: Descriptor, read: () => Promise<Buffer>): Promise<'present' | 'mounted' | 'uploaded'> {
    if (await this.hasBlob(repo, desc.digest)) {
      this.holders.set(desc.digest, repo);
      return 'present';
    }
    const from = this.holders.get(desc.digest);
    const start = from && from !== repo
      ? await this.request('POST', `/v2/${repo}/blobs/uploads/?mount=${encodeURIComponent(desc.digest)}&from=${encodeURIComponent(from)}`)
      : await this.request('POST', `/v2/${repo}/blobs/uploads/`);
    if (start.status === 201) {
      this.holders.set(desc.digest, repo);
      return 'mounted';
    }
    if (start.status !== 202) throw new Error(`POST /v2/${repo}/blobs/uploads/: HTTP ${start.status} ${start.body.toString('utf8').slice(0, 200)}`);
    const location = headerValue(start.headers.location);
    if (!location) throw new Error(`POST /v2/${repo}/blobs/uploads/: no Location`);
    const data = await read();
    const url = `${location}${location.includes('?') ? '&' : '?'}digest=${encodeURIComponent(desc.digest)}`;
    const put = await this.request('PUT', url, { headers: { 'Content-Type': 'application/octet-stream', 'Content-Length': data.length }, body: data });
    if (put.status !== 201) throw new Error(`PUT blob ${desc.digest} to ${repo}: HTTP ${put.status} ${put.body.toString('utf8').slice(0, 200)}`);
    this.holders.set(desc.digest, repo);
    return 'uploaded';
  }

  async putManifest(repo: string, tag: string, mediaType: string, manifest: Buffer): Promise<string> {
    const res = await this.request('PUT', `/v2/${repo}/manifests/${tag}`, { headers: { 'Content-Type': mediaType, 'Content-Length': manifest.length }, body: manifest });
    if (res.status !== 201) throw new Error(`PUT /v2/${repo}/manifests/${tag}: HTTP ${res.status} ${res.body.toString('utf8').slice(0, 300)}`);
    return headerValue(res.headers['docker-content-digest']) ?? '';
  }

  /** Pushes one image under repo:tag unless that tag already names this manifest. */
  async push(dest: RegistryPath, src: PushSource): Promise<PushResult> {
    const result: PushResult = { repo: dest.repo, tag: dest.tag, skipped: false, blobsUploaded: 0, blobsMounted: 0 };
    if ((await this.manifestDigest(dest.repo, dest.tag)) === src.manifestDigest) {
      for (const b of src.blobs) this.holders.set(b.digest, dest.repo);
      result.skipped = true;
      return result;
    }
    for (const b of src.blobs) {
      const how = await this.pushBlob(dest.repo, b, () => src.readBlob(b.digest));
      if (how === 'uploaded') result.blobsUploaded++;
      if (how === 'mounted') result.blobsMounted++;
    }
    const digest = await this.putManifest(dest.repo, dest.tag, src.mediaType, src.manifest);
    if (digest && digest !== src.manifestDigest) throw new Error(`registry stored ${dest.repo}:${dest.tag} as ${digest}, expected ${src.manifestDigest}`);
    return result;
  }
}

function headerValue(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}
