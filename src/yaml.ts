// js-yaml, loaded on first use: YAML request and response bodies are rare next to JSON, and
// loading the package costs ~12 ms of `skiff up`'s start.

import { createRequire } from 'node:module';

type JsYaml = typeof import('js-yaml');
let mod: JsYaml | undefined;

export function jsYaml(): JsYaml {
  return (mod ??= createRequire(import.meta.url)('js-yaml') as JsYaml);
}
