// One call for `skiff up` and the agent: build Skiff's images (cached) and make sure the
// loopback registry serves each under every name it is published as. Warm (everything
// built and pushed) it costs a few stats and one HEAD per tag.

import { buildImages, layoutOf, type BuiltImage } from './build.ts';
import { manifestSource } from './source.ts';
import { RegistryClient, type PushResult, type PushSource } from './push.ts';
import { MIRRORED_REGISTRIES, RECIPES, registryPath, SANDBOX_IMAGE_PATH, skiffPaths, type RegistryPath } from './recipes.ts';

export interface PublishOptions {
  /** Skiff's data directory (images are built under <dataDir>/images). */
  dataDir: string;
  /** The registry's host:port, e.g. 127.0.0.1:40123. */
  registry: string;
  log?: (msg: string) => void;
}

export interface PublishResult {
  /** What the CRI should use as its sandbox image, e.g. 127.0.0.1:40123/pause:3.10. */
  sandboxImage: string;
  /**
   * Every name a pod can use: upstream names on mirrored hosts (docker.io/library/busybox:1.36,
   * registry.k8s.io/e2e-test-images/agnhost:2.53, ...) and <registry>/skiff/<name>:<tag>.
   */
  images: string[];
}

/** Where an image goes on the registry: its published names, then skiff/<name>:<tag>. */
export function registryTargets(image: BuiltImage): RegistryPath[] {
  const recipe = RECIPES.find((r) => r.name === image.name);
  const mirrored = image.refs.map(registryPath);
  return recipe ? [...mirrored, ...skiffPaths(recipe)] : mirrored;
}

/** Pushes built images to the given registry paths; tags that already match are skipped. */
export async function pushBuiltImages(client: RegistryClient, dataDir: string, plan: { image: BuiltImage; targets: RegistryPath[] }[]): Promise<PushResult[]> {
  const layout = layoutOf(dataDir);
  // HEAD every tag first (in parallel): on a warm registry that is all there is to do.
  const checks = await Promise.all(plan.flatMap(({ image, targets }) => targets.map(async (t) => ({ image, t, have: await client.manifestDigest(t.repo, t.tag) }))));
  const results: PushResult[] = [];
  const sources = new Map<string, Promise<PushSource>>();
  const sourceOf = (image: BuiltImage) => {
    let src = sources.get(image.name);
    if (!src) sources.set(image.name, (src = manifestSource(image.manifest, (d) => layout.readBlob(d))));
    return src;
  };
  const missing = checks.filter(({ image, t, have }) => {
    if (have !== image.manifest.digest) return true;
    results.push({ repo: t.repo, tag: t.tag, skipped: true, blobsUploaded: 0, blobsMounted: 0 });
    return false;
  });
  // One tag per image first, one after another, so that a layer images share is uploaded
  // once; the other tags then only mount blobs from there, several repositories at a time
  // (but one tag at a time within a repository: concurrent writes to one repository make
  // distribution's filesystem storage answer 500).
  const first = new Set<string>();
  const byRepo = new Map<string, typeof missing>();
  for (const c of missing) {
    if (!first.has(c.image.name)) {
      first.add(c.image.name);
      results.push(await client.push(c.t, await sourceOf(c.image)));
      continue;
    }
    const group = byRepo.get(c.t.repo) ?? [];
    byRepo.set(c.t.repo, [...group, c]);
  }
  const groups = [...byRepo.values()];
  const worker = async () => {
    for (let group = groups.shift(); group; group = groups.shift()) {
      for (const c of group) results.push(await client.push(c.t, await sourceOf(c.image)));
    }
  };
  await Promise.all(Array.from({ length: Math.min(6, groups.length) }, worker));
  return results;
}

export async function publishLocalImages(opts: PublishOptions): Promise<PublishResult> {
  const log = opts.log ?? (() => undefined);
  const started = Date.now();
  const built = await buildImages({ dataDir: opts.dataDir, log });
  const client = new RegistryClient(opts.registry);
  try {
    const results = await pushBuiltImages(client, opts.dataDir, built.map((image) => ({ image, targets: registryTargets(image) })));
    const pushed = results.filter((r) => !r.skipped);
    if (pushed.length > 0) {
      const uploaded = pushed.reduce((n, r) => n + r.blobsUploaded, 0);
      log(`pushed ${pushed.length} tags to ${opts.registry} (${uploaded} blobs uploaded) in ${Date.now() - started} ms`);
    }
  } finally {
    client.close();
  }
  const images: string[] = [];
  for (const image of built) {
    images.push(...image.refs.filter((r) => MIRRORED_REGISTRIES.some((h) => r.startsWith(`${h}/`))));
    const recipe = RECIPES.find((r) => r.name === image.name);
    if (recipe) images.push(...skiffPaths(recipe).map((p) => `${opts.registry}/${p.repo}:${p.tag}`));
  }
  return { sandboxImage: `${opts.registry}/${SANDBOX_IMAGE_PATH}`, images };
}
