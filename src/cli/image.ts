// `skiff image build|push|list`: Skiff's local OCI images.

import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { buildImages, listBuiltImages, type BuiltImage } from '../images/build.ts';
import { pushBuiltImages, registryTargets } from '../images/publish.ts';
import { RegistryClient } from '../images/push.ts';
import { parseReference, RECIPES, registryPath, type RegistryPath } from '../images/recipes.ts';
import { openImage } from '../images/source.ts';

const USAGE = `Usage: skiff image <command> [flags]

Commands:
  build   Build Skiff's images (cached: only what changed is rebuilt) and print them
          --data-dir DIR        where images are kept, under DIR/images (default ~/.skiff)
  push SRC --registry HOST:PORT [--name REPO:TAG]
          Push SRC to a registry over plain HTTP. SRC is a built image (${RECIPES.map((r) => r.name).join(', ')}),
          an OCI image layout directory or an OCI archive (.tar). A built image goes under
          all its names unless --name is given; a layout needs --name unless it names its image.
          --ref NAME            which image of a layout holding several (its ref.name)
          --data-dir DIR        as for build
  list    The images built so far, their digests, sizes and names
          --data-dir DIR        as for build
`;

function dataDirOf(v: string | undefined): string {
  return resolve(v ?? join(homedir(), '.skiff'));
}

function mib(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MiB` : `${(bytes / 1024).toFixed(0)} KiB`;
}

function printImages(images: BuiltImage[], withRefs: boolean): void {
  const width = Math.max(...images.map((i) => i.name.length), 4);
  process.stdout.write(`${'NAME'.padEnd(width)}  ${'DIGEST'.padEnd(71)}  SIZE\n`);
  for (const i of images) {
    process.stdout.write(`${i.name.padEnd(width)}  ${i.manifest.digest}  ${mib(i.size)}\n`);
    if (withRefs) for (const r of i.refs) process.stdout.write(`${''.padEnd(width)}    ${r}\n`);
  }
}

/** A repo:tag for --name; a registry host in it, if any, is dropped as for the mirrored names. */
function destination(name: string): RegistryPath {
  const { host } = parseReference(name);
  if (host !== 'docker.io' || name.startsWith('docker.io/')) return registryPath(name);
  const slash = name.lastIndexOf('/');
  const colon = name.lastIndexOf(':');
  return colon > slash ? { repo: name.slice(0, colon), tag: name.slice(colon + 1) } : { repo: name, tag: 'latest' };
}

async function build(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { 'data-dir': { type: 'string' }, help: { type: 'boolean', short: 'h' } }, strict: true });
  if (values.help) { process.stdout.write(USAGE); return 0; }
  const started = Date.now();
  const images = await buildImages({ dataDir: dataDirOf(values['data-dir']), log: (m) => process.stderr.write(`${m}\n`) });
  printImages(images, false);
  process.stderr.write(`${images.length} images in ${Date.now() - started} ms\n`);
  return 0;
}

async function list(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { 'data-dir': { type: 'string' }, help: { type: 'boolean', short: 'h' } }, strict: true });
  if (values.help) { process.stdout.write(USAGE); return 0; }
  const images = listBuiltImages(dataDirOf(values['data-dir']));
  if (images.length === 0) { process.stdout.write('no images built yet (skiff image build)\n'); return 0; }
  printImages(images, true);
  return 0;
}

async function push(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { registry: { type: 'string' }, name: { type: 'string' }, ref: { type: 'string' }, 'data-dir': { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    allowPositionals: true,
    strict: true,
  });
  if (values.help) { process.stdout.write(USAGE); return 0; }
  const src = positionals[0];
  if (!src || positionals.length > 1) { process.stderr.write(`skiff image push: want exactly one SRC\n${USAGE}`); return 2; }
  if (!values.registry) { process.stderr.write(`skiff image push: --registry HOST:PORT is required\n`); return 2; }
  const client = new RegistryClient(values.registry);
  try {
    if (RECIPES.some((r) => r.name === src) && !existsSync(src)) {
      const dataDir = dataDirOf(values['data-dir']);
      const [image] = await buildImages({ dataDir, names: [src] });
      if (!image) throw new Error(`image ${src} was not built`);
      const targets = values.name ? [destination(values.name)] : registryTargets(image);
      const results = await pushBuiltImages(client, dataDir, [{ image, targets }]);
      for (const r of results) process.stdout.write(`${values.registry}/${r.repo}:${r.tag} ${image.manifest.digest}${r.skipped ? ' (already there)' : ''}\n`);
      return 0;
    }
    const opened = await openImage(src, values.ref);
    const name = values.name ?? opened.name;
    if (!name) throw new Error(`${src} does not name its image: give --name REPO:TAG`);
    const dest = destination(name);
    const r = await client.push(dest, opened.source);
    process.stdout.write(`${values.registry}/${dest.repo}:${dest.tag} ${opened.source.manifestDigest}${r.skipped ? ' (already there)' : ''}\n`);
    return 0;
  } finally {
    client.close();
  }
}

/** Runs `skiff image ...` (argv after "image"); returns the exit code. */
export async function runImageCommand(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  try {
    switch (cmd) {
      case 'build':
        return await build(rest);
      case 'push':
        return await push(rest);
      case 'list':
      case 'ls':
        return await list(rest);
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        process.stdout.write(USAGE);
        return 0;
      default:
        process.stderr.write(`skiff image: unknown command "${cmd}"\n${USAGE}`);
        return 2;
    }
  } catch (e) {
    process.stderr.write(`skiff image ${cmd}: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
}
