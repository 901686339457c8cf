// OCI image layout on disk (image-spec v1.0: oci-layout, index.json, blobs/sha256/<hex>)
// and the JSON of image configs and manifests. Every digest is the sha256 of the exact
// bytes written; JSON is serialised once and those bytes are what gets hashed, stored and
// pushed, never re-serialised.

import { createHash } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

export const MediaType = {
  manifest: 'application/vnd.oci.image.manifest.v1+json',
  index: 'application/vnd.oci.image.index.v1+json',
  config: 'application/vnd.oci.image.config.v1+json',
  layerGzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
  layerTar: 'application/vnd.oci.image.layer.v1.tar',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerManifestList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerConfig: 'application/vnd.docker.container.image.v1+json',
  dockerLayer: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
} as const;

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  platform?: { architecture: string; os: string };
  annotations?: Record<string, string>;
}

export interface ImageManifest { schemaVersion: 2; mediaType?: string; config: Descriptor; layers: Descriptor[] }

export interface ImageIndex { schemaVersion: 2; mediaType?: string; manifests: Descriptor[] }

/** What an image runs: the subset of the OCI config's "config" object Skiff sets. */
export interface ImageRunConfig {
  Env?: string[];
  Entrypoint?: string[];
  Cmd?: string[];
  WorkingDir?: string;
  ExposedPorts?: Record<string, Record<string, never>>;
  User?: string;
  StopSignal?: string;
}

export function sha256(data: Buffer | string): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

export function goArch(arch: string = process.arch): string {
  return arch === 'x64' ? 'amd64' : arch === 'ia32' ? '386' : arch;
}

export interface BuiltLayer { digest: string; diffId: string; size: number }

/** A layer blob from its uncompressed tar: gzip at a fixed level with no name or mtime. */
export function gzipLayer(tar: Buffer): { blob: Buffer; layer: BuiltLayer } {
  const blob = gzipSync(tar, { level: 9 });
  return { blob, layer: { digest: sha256(blob), diffId: sha256(tar), size: blob.length } };
}

export function configJson(run: ImageRunConfig, diffIds: string[], architecture = goArch()): Buffer {
  // Key order as the recipe fixes it; absent fields are left out.
  const config: ImageRunConfig = {};
  if (run.User !== undefined) config.User = run.User;
  if (run.Env) config.Env = run.Env;
  if (run.Entrypoint) config.Entrypoint = run.Entrypoint;
  if (run.Cmd) config.Cmd = run.Cmd;
  config.WorkingDir = run.WorkingDir ?? '/';
  if (run.ExposedPorts) config.ExposedPorts = run.ExposedPorts;
  if (run.StopSignal) config.StopSignal = run.StopSignal;
  return Buffer.from(JSON.stringify({
    architecture,
    os: 'linux',
    created: '1970-01-01T00:00:00Z',
    config,
    rootfs: { type: 'layers', diff_ids: diffIds },
  }));
}

export function manifestJson(config: Descriptor, layers: Descriptor[]): Buffer {
  const manifest: ImageManifest = {
    schemaVersion: 2,
    mediaType: MediaType.manifest,
    config: { mediaType: config.mediaType, digest: config.digest, size: config.size },
    layers: layers.map((l) => ({ mediaType: l.mediaType, digest: l.digest, size: l.size })),
  };
  return Buffer.from(JSON.stringify(manifest));
}

/** One OCI image layout directory; blobs are shared by every image it holds. */
export class OciLayout {
  constructor(readonly dir: string) {}

  blobPath(digest: string): string {
    const [alg, hex] = digest.split(':');
    if (!alg || !hex || !/^[a-z0-9]+$/.test(alg) || !/^[a-f0-9]+$/.test(hex)) throw new Error(`invalid digest ${digest}`);
    return join(this.dir, 'blobs', alg, hex);
  }

  async init(): Promise<void> {
    await mkdir(join(this.dir, 'blobs', 'sha256'), { recursive: true });
    const marker = join(this.dir, 'oci-layout');
    if (!existsSync(marker)) await writeFile(marker, JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  }

  hasBlob(digest: string, size?: number): boolean {
    const p = this.blobPath(digest);
    if (!existsSync(p)) return false;
    return size === undefined || statSize(p) === size;
  }

  /** Stores bytes under their digest (written to a temporary name, then renamed). */
  async putBlob(data: Buffer, expected?: string): Promise<{ digest: string; size: number }> {
    const digest = sha256(data);
    if (expected && expected !== digest) throw new Error(`blob digest mismatch: expected ${expected}, got ${digest}`);
    const p = this.blobPath(digest);
    if (!this.hasBlob(digest, data.length)) {
      await mkdir(join(this.dir, 'blobs', digest.split(':')[0] as string), { recursive: true });
      const tmp = `${p}.tmp-${process.pid}`;
      await writeFile(tmp, data);
      await rename(tmp, p);
    }
    return { digest, size: data.length };
  }

  readBlob(digest: string): Promise<Buffer> {
    return readFile(this.blobPath(digest));
  }

  async readIndex(): Promise<ImageIndex> {
    try {
      return JSON.parse(await readFile(join(this.dir, 'index.json'), 'utf8')) as ImageIndex;
    } catch {
      return { schemaVersion: 2, mediaType: MediaType.index, manifests: [] };
    }
  }

  async writeIndex(manifests: Descriptor[]): Promise<void> {
    const index: ImageIndex = { schemaVersion: 2, mediaType: MediaType.index, manifests };
    const p = join(this.dir, 'index.json');
    const tmp = `${p}.tmp-${process.pid}`;
    await writeFile(tmp, JSON.stringify(index, null, 2) + '\n');
    await rename(tmp, p);
  }
}

function statSize(p: string): number {
  try {
    return statSync(p).size;
  } catch {
    return -1;
  }
}
