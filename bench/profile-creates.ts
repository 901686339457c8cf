// Ad-hoc: ConfigMap creates with 32 clients (load in a worker) against an in-process server,
// for profiling the server's write path with --cpu-prof. Prints creates/s.
import { startSkiff } from '../src/index.ts';
import { runLoad } from './load.ts';

const skiff = await startSkiff();
const tls = { ca: skiff.credentials.caPem, cert: skiff.credentials.certPem, key: skiff.credentials.keyPem };
const body = JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm-{{i}}' }, data: { a: 'b' } });
const r = await runLoad({ url: skiff.url, method: 'POST', path: '/api/v1/namespaces/default/configmaps', body, concurrency: 32, count: Number(process.argv[2] ?? 20000), tls });
console.log(`creates/s ${r.rps.toFixed(0)} p50 ${r.p50.toFixed(2)} ms p99 ${r.p99.toFixed(2)} ms errors ${r.errors}`);
await skiff.close();
