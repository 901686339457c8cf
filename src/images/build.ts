// Builds Skiff's images into one OCI layout under <dataDir>/images/oci, with a cache: an
// image is rebuilt only when its key (a hash of the recipe, the generated files and the
// digests of the source binaries) changes, so a second build only stats a few files.

import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { asset } from './assets.ts';
import { layerDef, type BuildContext, type CompiledProgram, type PauseProgram } from './layers.ts';
import { configJson, goArch, gzipLayer, manifestJson, MediaType, OciLayout, sha256, type BuiltLayer, type Descriptor } from './oci.ts';
import { RECIPES, type ImageRecipe, type LayerName } from './recipes.ts';
import { writeTar } from './tar.ts';

/** Bumped whenever the bytes a recipe produces change for the same inputs. */
const BUILDER_VERSION = 1;

export const BUSYBOX_PATH = '/bin/busybox';

export interface BuiltImage {
  name: string;
  /** The image manifest, as stored and pushed. */
  manifest: Descriptor;
  config: Descriptor;
  layers: Descriptor[];
  /** Bytes of manifest, config and compressed layers together. */
  size: number;
  /** The full references it is published under. */
  refs: string[];
}

export interface BuildOptions {
  dataDir: string;
  log?: (msg: string) => void;
  /** Build only these images (default: all). */
  names?: string[];
  /** 'auto' (default) compiles pause.c when gcc is present; 'script' forces the busybox pause. */
  pause?: 'auto' | 'script';
  /** The busybox-static binary (default /bin/busybox). */
  busybox?: string;
  /** false: leave out nc/curl/wget from nettools.c (as when there is no compiler). */
  nettools?: boolean;
}

interface SourceStamp { size: number; mtimeMs: number; ino: number; sha256: string }

interface BuildState {
  version: number;
  sources: Record<string, SourceStamp>;
  layers: Record<string, BuiltLayer>;
  images: Record<string, { key: string; manifest: Descriptor; config: Descriptor; layers: Descriptor[] }>;
}

export function imagesDir(dataDir: string): string {
  return join(dataDir, 'images');
}

export function layoutOf(dataDir: string): OciLayout {
  return new OciLayout(join(imagesDir(dataDir), 'oci'));
}

function statePath(dataDir: string): string {
  return join(imagesDir(dataDir), 'state.json');
}

function readState(dataDir: string): BuildState {
  try {
    const s = JSON.parse(readFileSync(statePath(dataDir), 'utf8')) as BuildState;
    if (s.version === BUILDER_VERSION) return s;
  } catch {
    // no state yet, or unreadable: build from scratch
  }
  return { version: BUILDER_VERSION, sources: {}, layers: {}, images: {} };
}

async function writeState(dataDir: string, state: BuildState): Promise<void> {
  const p = statePath(dataDir);
  const tmp = `${p}.tmp-${process.pid}`;
  await writeFile(tmp, JSON.stringify(state, null, 1));
  await rename(tmp, p);
}

/** sha256 of a source file, re-read only when its size, mtime or inode changed. */
function sourceDigest(state: BuildState, path: string): string {
  const st = statSync(path);
  const known = state.sources[path];
  if (known && known.size === st.size && known.mtimeMs === st.mtimeMs && known.ino === st.ino) return known.sha256;
  const digest = sha256(readFileSync(path));
  state.sources[path] = { size: st.size, mtimeMs: st.mtimeMs, ino: st.ino, sha256: digest };
  return digest;
}

function hasGcc(): boolean {
  return spawnSync('gcc', ['--version'], { stdio: 'ignore' }).status === 0;
}

/**
 * A static binary from one of the C assets, compiled once per source version and kept
 * under <dataDir>/images/cache; undefined when there is no working gcc.
 */
async function compileStatic(dataDir: string, name: string, log: (msg: string) => void): Promise<CompiledProgram | undefined> {
  const source = asset(`${name}.c`);
  const id = sha256(source).slice(7, 23);
  const cacheDir = join(imagesDir(dataDir), 'cache');
  const binary = join(cacheDir, `${name}-${id}`);
  if (existsSync(binary)) return { binary, source: id };
  if (!hasGcc()) {
    log(`gcc not found: the images are built without ${name}.c`);
    return undefined;
  }
  await mkdir(cacheDir, { recursive: true });
  const src = join(cacheDir, `${name}-${id}.c`);
  const tmp = `${binary}.tmp-${process.pid}`;
  await writeFile(src, source);
  try {
    execFileSync('gcc', ['-Os', '-static', '-s', '-o', tmp, src], { stdio: ['ignore', 'ignore', 'pipe'] });
    await rename(tmp, binary);
  } catch (e) {
    log(`compiling ${name}.c failed: ${e instanceof Error ? e.message : String(e)}`);
    await rm(tmp, { force: true });
    return undefined;
  } finally {
    await rm(src, { force: true });
  }
  log(`compiled ${name} (${statSync(binary).size} bytes)`);
  return { binary, source: id };
}

/** The pause program: the static binary, or (no compiler, or asked to) the busybox script. */
async function pauseProgram(dataDir: string, mode: 'auto' | 'script', log: (msg: string) => void): Promise<PauseProgram> {
  const compiled = mode === 'auto' ? await compileStatic(dataDir, 'pause', log) : undefined;
  return compiled ? { kind: 'static', ...compiled } : { kind: 'script' };
}

function layersOf(recipe: ImageRecipe, ctx: BuildContext): LayerName[] {
  // The script stand-ins (no compiler) need a shell underneath them.
  const script = (recipe.name === 'pause' && ctx.pause.kind === 'script') || (recipe.name === 'nonewprivs' && !ctx.nonewprivs);
  return script ? ['busybox', ...recipe.layers] : recipe.layers;
}

const keyOf = (value: unknown) => sha256(JSON.stringify({ v: BUILDER_VERSION, arch: goArch(), value }));

/** Builds (or finds in the cache) every image and returns them; idempotent. */
export async function buildImages(opts: BuildOptions): Promise<BuiltImage[]> {
  const log = opts.log ?? (() => undefined);
  const layout = layoutOf(opts.dataDir);
  await layout.init();
  const state = readState(opts.dataDir);
  const before = JSON.stringify(state);
  const busyboxPath = opts.busybox ?? BUSYBOX_PATH;
  if (!existsSync(busyboxPath)) throw new Error(`${busyboxPath} not found: install Debian's busybox-static`);
  const ctx: BuildContext = {
    busybox: { path: busyboxPath, sha256: sourceDigest(state, busyboxPath) },
    pause: await pauseProgram(opts.dataDir, opts.pause ?? 'auto', log),
    nettools: opts.nettools === false ? undefined : await compileStatic(opts.dataDir, 'nettools', log),
    nonewprivs: await compileStatic(opts.dataDir, 'nonewprivs', log),
  };
  const recipes = opts.names ? RECIPES.filter((r) => opts.names?.includes(r.name)) : RECIPES;
  for (const n of opts.names ?? []) if (!RECIPES.some((r) => r.name === n)) throw new Error(`unknown image "${n}" (known: ${RECIPES.map((r) => r.name).join(', ')})`);

  const built: BuiltImage[] = [];
  let changed = false;
  for (const recipe of recipes) {
    const defs = layersOf(recipe, ctx).map((name) => ({ name, def: layerDef(name, ctx) }));
    const layerKeys = defs.map(({ name, def }) => keyOf({ layer: name, inputs: def.inputs }));
    const key = keyOf({ image: recipe.name, layers: layerKeys, config: recipe.config });
    const cached = state.images[recipe.name];
    if (cached && cached.key === key && [cached.manifest, cached.config, ...cached.layers].every((d) => layout.hasBlob(d.digest, d.size))) {
      built.push(describeImage(recipe, cached));
      continue;
    }
    const started = Date.now();
    const layers: BuiltLayer[] = [];
    for (const [i, { name, def }] of defs.entries()) {
      const lk = layerKeys[i] as string;
      const known = state.layers[lk];
      if (known && layout.hasBlob(known.digest, known.size)) { layers.push(known); continue; }
      const { blob, layer } = gzipLayer(writeTar(await def.entries()));
      await layout.putBlob(blob);
      state.layers[lk] = layer;
      layers.push(layer);
      log(`built layer ${name} ${layer.digest} (${blob.length} bytes)`);
    }
    const configBytes = configJson(recipe.config, layers.map((l) => l.diffId));
    const config: Descriptor = { mediaType: MediaType.config, digest: sha256(configBytes), size: configBytes.length };
    await layout.putBlob(configBytes);
    const layerDescs: Descriptor[] = layers.map((l) => ({ mediaType: MediaType.layerGzip, digest: l.digest, size: l.size }));
    const manifestBytes = manifestJson(config, layerDescs);
    const manifest: Descriptor = { mediaType: MediaType.manifest, digest: sha256(manifestBytes), size: manifestBytes.length };
    await layout.putBlob(manifestBytes);
    state.images[recipe.name] = { key, manifest, config, layers: layerDescs };
    changed = true;
    built.push(describeImage(recipe, state.images[recipe.name]));
    log(`built image ${recipe.name} ${manifest.digest} in ${Date.now() - started} ms`);
  }
  if (changed || !existsSync(join(layout.dir, 'index.json'))) {
    await layout.writeIndex(indexEntries(state));
    await pruneBlobs(layout, state);
  }
  if (JSON.stringify(state) !== before) await writeState(opts.dataDir, state);
  return built;
}

/** Drops blobs (and cached layers) no current image refers to: what earlier recipes left. */
async function pruneBlobs(layout: OciLayout, state: BuildState): Promise<void> {
  const keep = new Set<string>();
  for (const img of Object.values(state.images)) for (const d of [img.manifest, img.config, ...img.layers]) keep.add(d.digest);
  for (const [key, layer] of Object.entries(state.layers)) if (!keep.has(layer.digest)) delete state.layers[key];
  const dir = join(layout.dir, 'blobs', 'sha256');
  for (const hex of await readdir(dir)) {
    if (!/^[a-f0-9]{64}$/.test(hex) || keep.has(`sha256:${hex}`)) continue;
    await rm(join(dir, hex), { force: true });
  }
}

function describeImage(recipe: ImageRecipe, s: BuildState['images'][string]): BuiltImage {
  const size = s.manifest.size + s.config.size + s.layers.reduce((n, l) => n + l.size, 0);
  return { name: recipe.name, manifest: s.manifest, config: s.config, layers: s.layers, size, refs: recipe.refs };
}

/** index.json: one manifest per image, named for containerd (`ctr import`) and for skopeo (oci:<dir>:<name>). */
function indexEntries(state: BuildState): Descriptor[] {
  return RECIPES.filter((r) => state.images[r.name]).map((r) => {
    const m = state.images[r.name]?.manifest as Descriptor;
    return {
      mediaType: m.mediaType,
      digest: m.digest,
      size: m.size,
      platform: { architecture: goArch(), os: 'linux' },
      annotations: { 'io.containerd.image.name': r.refs[0] as string, 'org.opencontainers.image.ref.name': r.name },
    };
  });
}

/** The images built so far, without building anything. */
export function listBuiltImages(dataDir: string): BuiltImage[] {
  const state = readState(dataDir);
  return RECIPES.filter((r) => state.images[r.name]).map((r) => describeImage(r, state.images[r.name] as BuildState['images'][string]));
}
