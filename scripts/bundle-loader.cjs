'use strict';
/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS loader, by design */
// dist/skiff.cjs: runs the CLI bundle (dist/skiff-main.cjs) through V8's code cache, as Node
// 22's module.enableCompileCache() would. Without a cache V8 parses the 1 MB bundle and
// compiles every function it runs at each start; with one it deserialises the bytecode of
// the functions the last run compiled. The packages the bundle leaves external (lmdb and its
// helpers, grpc-js …) go through a cache of their own, or their CommonJS files would be
// compiled afresh at every start (~20 ms for lmdb's alone).
//
// There is one cache per command (what `up` runs is not what `help` runs), and its name carries
// the bundle's size and mtime: V8 itself checks only the source length. It is written once,
// when missing or rejected: at the command's checkpoint (`up` calls it once it is serving, so
// the cache holds what a start runs and not what the hours after it compiled) or else at exit.
const { readFileSync, writeFileSync, renameSync, statSync } = require('node:fs');
const { join } = require('node:path');
const Module = require('node:module');
const vm = require('node:vm');

const file = join(__dirname, 'skiff-main.cjs');
const stat = statSync(file);
const command = /^[a-z-]+$/.test(process.argv[2] ?? '') ? process.argv[2] : 'other';
const cacheFile = `${file}.${stat.size}-${Math.floor(stat.mtimeMs)}.${command}.v8cache`;
const depsCacheFile = `${file}.${stat.size}-${Math.floor(stat.mtimeMs)}.${command}.deps.v8cache`;

function readCache(path) {
  try {
    return readFileSync(path);
  } catch {
    return undefined; // first run after a build
  }
}

function writeAtomically(path, data) {
  try {
    const tmp = `${path}.${process.pid}`;
    writeFileSync(tmp, data);
    renameSync(tmp, path);
  } catch { /* a read-only dist/ only costs the next start its compile */ }
}

// ---- the external packages' CommonJS files ----
// The deps cache: a 4-byte header length, a JSON header [[file, size, mtimeMs, bytes], ...], then
// each file's cached data in header order. A file whose size or mtime changed is compiled afresh.
const deps = new Map(); // filename -> { size, mtime, data }
const depScripts = new Map(); // filename -> { size, mtime, script } compiled this run
let depsDirty = false;
let depsBlob = readCache(depsCacheFile);
if (depsBlob === undefined) depsDirty = true;
else {
  try {
    const headerLength = depsBlob.readUInt32LE(0);
    let offset = 4 + headerLength;
    for (const [f, size, mtime, bytes] of JSON.parse(depsBlob.subarray(4, offset).toString('utf8'))) {
      deps.set(f, { size, mtime, data: depsBlob.subarray(offset, offset + bytes) });
      offset += bytes;
    }
  } catch {
    deps.clear();
    depsDirty = true;
  }
  depsBlob = undefined; // the entries hold views of it until their file is compiled (or the checkpoint)
}

const compile = Module.prototype._compile;
Module.prototype._compile = function compileWithCache(content, filename, format) {
  // Only CommonJS of packages. A script made from cached data cannot import() (see below), and
  // an ES module (.mjs, "type": "module", or syntax Node detects) goes Node's own way.
  if (format === 'module' || !filename.includes('/node_modules/') || !/\.c?js$/.test(filename) || content.includes('import(')) {
    return compile.call(this, content, filename, format);
  }
  let st;
  try {
    st = statSync(filename);
  } catch {
    return compile.call(this, content, filename, format);
  }
  const mtime = Math.floor(st.mtimeMs);
  const cached = deps.get(filename);
  const usable = cached !== undefined && cached.size === st.size && cached.mtime === mtime;
  const source = content.startsWith('#!') ? `//${content}` : content;
  let script;
  try {
    script = new vm.Script(Module.wrap(source), { filename, cachedData: usable ? cached.data : undefined });
  } catch {
    return compile.call(this, content, filename, format); // ES module syntax in a .js: Node detects and loads it
  }
  if (!usable || script.cachedDataRejected) depsDirty = true;
  if (cached !== undefined) cached.data = undefined;
  depScripts.set(filename, { size: st.size, mtime, script });
  const mod = this; // eslint-disable-line @typescript-eslint/no-this-alias -- the module the file's require() belongs to
  const require = (id) => mod.require(id);
  require.resolve = (request, options) => Module._resolveFilename(request, mod, false, options);
  require.resolve.paths = (request) => Module._resolveLookupPaths(request, mod);
  require.main = process.mainModule;
  require.extensions = Module._extensions;
  require.cache = Module._cache;
  const dirname = join(filename, '..');
  return script.runInThisContext({ displayErrors: true }).call(mod.exports, mod.exports, require, mod, filename, dirname);
};

function writeDepsCache() {
  // Entries of files this run did not load (the PKI generator of a first start) go too.
  if (!depsDirty && [...deps.keys()].every((f) => depScripts.has(f))) return;
  const header = [];
  const parts = [];
  for (const [f, { size, mtime, script }] of depScripts) {
    const data = script.createCachedData();
    header.push([f, size, mtime, data.length]);
    parts.push(data);
  }
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const length = Buffer.alloc(4);
  length.writeUInt32LE(json.length, 0);
  writeAtomically(depsCacheFile, Buffer.concat([length, json, ...parts]));
  depsDirty = false;
}

// ---- the bundle ----
let cachedData = readCache(cacheFile);
// The bundle has no dynamic import(): scripts/skiff.sh has esbuild turn it into require(), since
// a vm.Script compiled from a code cache cannot load ES modules (Node 20 drops the loader).
const script = new vm.Script(Module.wrap(readFileSync(file, 'utf8')), {
  filename: file,
  cachedData,
});
let mainDirty = cachedData === undefined || script.cachedDataRejected;
cachedData = undefined; // V8 has copied what it kept

/** Write whatever cache is missing or was rejected; later calls (and exit) do nothing more. */
function checkpoint() {
  if (mainDirty) {
    writeAtomically(cacheFile, script.createCachedData());
    mainDirty = false;
  }
  writeDepsCache();
  for (const entry of deps.values()) entry.data = undefined;
}
process.once('exit', checkpoint);
globalThis[Symbol.for('skiff.codeCacheCheckpoint')] = checkpoint;

const mod = new Module(file, module);
mod.filename = file;
mod.paths = Module._nodeModulePaths(__dirname);
script.runInThisContext()(mod.exports, Module.createRequire(file), mod, file, __dirname);
