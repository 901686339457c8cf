// Injected into the CommonJS bundle (scripts/skiff.sh): the sources are ES modules and read
// import.meta.url, which esbuild maps to this file URL of the bundle itself.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- CommonJS is the point here
export const import_meta_url = require('node:url').pathToFileURL(__filename).href;
