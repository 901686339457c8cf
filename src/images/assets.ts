// The files that go into the images (scripts, the pause program's source), read from
// ./assets beside this module or, from the CLI bundle in dist/, from the source tree.

import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const cache = new Map<string, Buffer>();

export function assetPath(name: string): string {
  const beside = fileURLToPath(new URL(`./assets/${name}`, import.meta.url));
  if (existsSync(beside)) return beside;
  return fileURLToPath(new URL(`../src/images/assets/${name}`, import.meta.url));
}

export function asset(name: string): Buffer {
  let data = cache.get(name);
  if (!data) cache.set(name, (data = readFileSync(assetPath(name))));
  return data;
}
