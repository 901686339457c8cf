// Child process for the kill -9 durability test: writes concurrently and reports each
// acknowledged key to the parent, until it is killed.

import { LmdbBackend } from '../../src/registry/store/lmdb.ts';

const b = new LmdbBackend({ path: process.argv[2] });
let n = 0;
async function writer(): Promise<void> {
  for (;;) {
    const key = `/registry/configmaps/ns/k${n++}`;
    await b.create(key, (rev) => JSON.stringify({ metadata: { name: key, resourceVersion: String(rev) }, data: { x: 'y'.repeat(200) } }));
    process.send?.({ acked: [key] });
  }
}
for (let i = 0; i < 16; i++) void writer();
