// Images to push, read from an OCI image layout directory or an OCI archive (a tar of one):
// Skiff's own layout or one a user brings (`skopeo copy ... oci:DIR`, `ctr export`, ...).

import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { goArch, MediaType, OciLayout, sha256, type Descriptor, type ImageIndex, type ImageManifest } from './oci.ts';
import type { PushSource } from './push.ts';
import { readTar } from './tar.ts';

type ReadBlob = (digest: string) => Promise<Buffer>;

const isIndex = (mediaType: string | undefined) => mediaType === MediaType.index || mediaType === MediaType.dockerManifestList;

/** The image behind a manifest descriptor; an index resolves to its linux/<this arch> entry. */
export async function manifestSource(desc: Descriptor, readBlob: ReadBlob): Promise<PushSource> {
  const bytes = await readBlob(desc.digest);
  if (sha256(bytes) !== desc.digest) throw new Error(`manifest ${desc.digest} does not match its bytes`);
  const parsed = JSON.parse(bytes.toString('utf8')) as Partial<ImageManifest & ImageIndex>;
  const mediaType = parsed.mediaType ?? desc.mediaType;
  if (isIndex(mediaType) || Array.isArray(parsed.manifests)) {
    const arch = goArch();
    const entry = (parsed.manifests ?? []).find((m) => m.platform?.os === 'linux' && m.platform.architecture === arch);
    if (!entry) throw new Error(`image index ${desc.digest} has no linux/${arch} image`);
    return manifestSource(entry, readBlob);
  }
  if (!parsed.config || !Array.isArray(parsed.layers)) throw new Error(`${desc.digest} is not an image manifest`);
  return { manifest: bytes, manifestDigest: desc.digest, mediaType: mediaType ?? MediaType.manifest, blobs: [parsed.config, ...parsed.layers], readBlob };
}

export interface OpenedImage {
  source: PushSource;
  /** The name the layout gives it (io.containerd.image.name, else org.opencontainers.image.ref.name). */
  name?: string;
}

/** Picks the image of an index.json: the one whose name or ref.name is `ref`, or the only one. */
function pick(index: ImageIndex, ref: string | undefined): Descriptor {
  const ms = index.manifests ?? [];
  if (ref) {
    const found = ms.find((m) => m.annotations?.['org.opencontainers.image.ref.name'] === ref || m.annotations?.['io.containerd.image.name'] === ref);
    if (!found) throw new Error(`no image named "${ref}" in the layout (has: ${names(ms).join(', ') || 'none'})`);
    return found;
  }
  if (ms.length !== 1) throw new Error(`the layout holds ${ms.length} images; name one (${names(ms).join(', ')})`);
  return ms[0] as Descriptor;
}

function names(ms: Descriptor[]): string[] {
  return ms.map((m) => m.annotations?.['org.opencontainers.image.ref.name'] ?? m.annotations?.['io.containerd.image.name'] ?? m.digest);
}

function nameOf(d: Descriptor): string | undefined {
  return d.annotations?.['io.containerd.image.name'] ?? d.annotations?.['org.opencontainers.image.ref.name'];
}

/** Opens an OCI layout directory or OCI archive tar; `ref` selects among several images. */
export async function openImage(path: string, ref?: string): Promise<OpenedImage> {
  const st = await stat(path);
  if (st.isDirectory()) {
    const layout = new OciLayout(path);
    const index = JSON.parse(await readFile(join(path, 'index.json'), 'utf8')) as ImageIndex;
    const desc = pick(index, ref);
    return { source: await manifestSource(desc, (d) => layout.readBlob(d)), name: nameOf(desc) };
  }
  const files = new Map<string, Buffer>();
  for (const m of readTar(await readFile(path))) if (m.type === 'file') files.set(m.path.replace(/^\.\//, ''), m.data);
  const indexBytes = files.get('index.json');
  if (!indexBytes) throw new Error(`${path} is neither an OCI layout directory nor an OCI archive (no index.json)`);
  const readBlob: ReadBlob = async (digest) => {
    const [alg, hex] = digest.split(':');
    const data = files.get(`blobs/${alg}/${hex}`);
    if (!data) throw new Error(`${path} has no blob ${digest}`);
    return data;
  };
  const desc = pick(JSON.parse(indexBytes.toString('utf8')) as ImageIndex, ref);
  return { source: await manifestSource(desc, readBlob), name: nameOf(desc) };
}
