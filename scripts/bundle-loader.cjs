'use strict';
/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS loader, by design */
// dist/skiff.cjs: runs the CLI bundle (dist/skiff-main.cjs) through V8's code cache, as Node
// 22's module.enableCompileCache() would. Without a cache V8 parses the 1 MB bundle and
// compiles every function it runs at each start; with one it deserialises the bytecode of
// the functions the last run compiled. The cache is written at exit when it was missing or
// V8 rejected it, so the first run after a build pays, every later one does not. There is one
// cache per command (what `up` runs is not what `help` runs), and its name carries the
// bundle's size and mtime: V8 itself checks only the source length.
const { readFileSync, writeFileSync, renameSync, statSync } = require('node:fs');
const { join } = require('node:path');
const Module = require('node:module');
const vm = require('node:vm');

const file = join(__dirname, 'skiff-main.cjs');
const stat = statSync(file);
const command = /^[a-z-]+$/.test(process.argv[2] ?? '') ? process.argv[2] : 'other';
const cacheFile = `${file}.${stat.size}-${Math.floor(stat.mtimeMs)}.${command}.v8cache`;
let cachedData;
try { cachedData = readFileSync(cacheFile); } catch { /* first run after a build */ }
// The bundle has no dynamic import(): scripts/skiff.sh has esbuild turn it into require(), since
// a vm.Script compiled from a code cache cannot load ES modules (Node 20 drops the loader).
const script = new vm.Script(Module.wrap(readFileSync(file, 'utf8')), {
  filename: file,
  cachedData,
});
if (cachedData === undefined || script.cachedDataRejected) {
  process.once('exit', () => {
    try {
      const tmp = `${cacheFile}.${process.pid}`;
      writeFileSync(tmp, script.createCachedData());
      renameSync(tmp, cacheFile);
    } catch { /* a read-only dist/ only costs the next start its compile */ }
  });
}
const mod = new Module(file, module);
mod.filename = file;
mod.paths = Module._nodeModulePaths(__dirname);
script.runInThisContext()(mod.exports, Module.createRequire(file), mod, file, __dirname);
