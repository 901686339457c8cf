// npm run bench:api [-- --only ceilings,etcd,skiff] [--json out.json]
//
// A. ceilings (LMDB durable writes, bare node:https and express 5 over TLS),
// B. etcd (the peer, started here on loopback ports),
// C. Skiff (in-process server + `skiff up` cold starts).
// Every part is bounded in time and request count; everything it starts is stopped
// and every temp dir removed at the end, on error and on SIGINT/SIGTERM.

import { writeFile } from 'node:fs/promises';
import os from 'node:os';
import { runCeilings } from './ceilings.ts';
import { runEtcd } from './etcd.ts';
import { Report, renderTable } from './report.ts';
import { runSkiff } from './skiff.ts';
import { errorText, now, runCleanups } from './util.ts';

const PARTS = ['ceilings', 'etcd', 'skiff'] as const;
type Part = (typeof PARTS)[number];
const SECTIONS: Record<Part, string> = { ceilings: 'A. ceilings', etcd: 'B. etcd', skiff: 'C. Skiff' };

function load(): string {
  return os.loadavg().map((l) => l.toFixed(2)).join(' ');
}

function parseArgs(argv: string[]): { parts: Part[]; json?: string } {
  let parts: Part[] = [...PARTS];
  let json: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = (): string => {
      const eq = a.indexOf('=');
      if (eq >= 0) return a.slice(eq + 1);
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--only' || a.startsWith('--only=')) {
      const wanted = value().split(',').map((s) => s.trim()).filter(Boolean);
      for (const w of wanted) if (!(PARTS as readonly string[]).includes(w)) throw new Error(`unknown part "${w}" (parts: ${PARTS.join(', ')})`);
      parts = PARTS.filter((p) => wanted.includes(p));
    } else if (a === '--json' || a.startsWith('--json=')) {
      json = value();
    } else if (a === '--help' || a === '-h') {
      process.stdout.write('usage: npm run bench:api -- [--only ceilings,etcd,skiff] [--json FILE]\n');
      process.exit(0);
    } else {
      throw new Error(`unknown argument ${a}`);
    }
  }
  return { parts, json };
}

async function main(): Promise<void> {
  const { parts, json } = parseArgs(process.argv.slice(2));
  const report = new Report();
  const runners: Record<Part, (r: Report) => Promise<void>> = { ceilings: runCeilings, etcd: runEtcd, skiff: runSkiff };
  process.stdout.write(`skiff bench:api — ${os.cpus().length} cores, node ${process.version}, load average ${load()}; parts: ${parts.join(', ')}\n`);
  const t0 = now();
  let failed = false;
  for (const part of parts) {
    const ts = now();
    process.stdout.write(`\n== ${part} ...\n`);
    try {
      await runners[part](report);
    } catch (err) {
      failed = true;
      process.stderr.write(`part ${part} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      report.add(SECTIONS[part], 'FAILED', null, '', undefined, errorText(err).split('\n')[0].slice(0, 160));
    } finally {
      await runCleanups();
    }
    process.stdout.write(`== ${part} done in ${((now() - ts) / 1000).toFixed(1)} s\n`);
  }
  process.stdout.write(`\n${renderTable(report.figures)}\n\ntotal ${((now() - t0) / 1000).toFixed(1)} s; load average now ${load()} (other work on this machine skews the figures)\n`);
  if (json) await writeFile(json, JSON.stringify(report.figures, null, 2));
  process.exitCode = failed ? 1 : 0;
}

// On SIGINT/SIGTERM: clean up, then exit. The signal may arrive twice (from the terminal's
// process group and relayed by tsx): only a repeat after 3 s forces an immediate exit.
let stoppingSince = 0;
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    if (stoppingSince) {
      if (now() - stoppingSince > 3_000) process.exit(130);
      return;
    }
    stoppingSince = now();
    process.stderr.write(`\n${sig}: cleaning up\n`);
    void runCleanups().finally(() => process.exit(130));
  });
}

main()
  .catch((err: unknown) => {
    process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 1;
  })
  .finally(async () => {
    await runCleanups();
    // Worker threads, agents or a stuck child must not keep the process alive.
    setTimeout(() => process.exit(), 200).unref();
  });
