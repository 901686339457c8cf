// Conformance runner: upstream Kubernetes conformance tests re-implemented in TypeScript,
// named by their exact codenames, run against any kubeconfig (a real cluster or Skiff).
//
//   tsx conformance/runner.ts --kubeconfig FILE [--focus REGEX] [--class API] [--json]
//
// Each selected case runs in its own fresh test namespace; a table of results and a
// summary are printed, and the exit status is non-zero when any selected case failed.

import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatTable, runConformance, selectCases } from './framework/run.ts';
import type { CaseClass, CaseResult } from './framework/types.ts';

export { runConformance, formatTable, summarize, selectCases, type RunOptions } from './framework/run.ts';
export type { CaseResult, ConformanceCase, CaseContext, CaseClass, Outcome } from './framework/types.ts';

const USAGE = `usage: tsx conformance/runner.ts [--kubeconfig FILE] [--focus REGEX] [--class CLASS[,CLASS]] [--json]
                                  [--timeout SECONDS] [--quiet-period MS] [--list] [--verbose]

  --kubeconfig FILE   cluster to test (default: $KUBECONFIG, then ~/.kube/config)
  --focus REGEX       run cases whose codename or ID matches REGEX
  --class CLASS       run cases of these needs classes: API, API+ctrl, run, net (repeatable)
  --json              print the results as JSON instead of a table
  --timeout SECONDS   time limit per case (default 120)
  --quiet-period MS   how long "no such event" checks wait (default 2000; upstream 10000)
  --list              list the selected cases and exit
  --verbose           print the steps and log of every failed case`;

interface CliArgs {
  kubeconfig?: string; focus?: RegExp; classes?: CaseClass[]; json: boolean; timeoutMs?: number; quietPeriodMs?: number; list: boolean; verbose: boolean;
}

function parseArgs(argv: string[]): CliArgs {
  const out: CliArgs = { json: false, list: false, verbose: false };
  const value = (i: number, flag: string): string => {
    const v = argv[i + 1];
    if (v === undefined) throw new Error(`${flag} needs a value`);
    return v;
  };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].startsWith('--') && argv[i].includes('=') ? [argv[i].slice(0, argv[i].indexOf('=')), argv[i].slice(argv[i].indexOf('=') + 1)] : [argv[i], undefined];
    const take = (): string => { if (inline !== undefined) return inline; const v = value(i, flag); i++; return v; };
    switch (flag) {
      case '--kubeconfig': out.kubeconfig = take(); break;
      case '--focus': out.focus = new RegExp(take()); break;
      case '--class': {
        const classes = take().split(',').map((s) => s.trim()).filter(Boolean);
        for (const c of classes) if (!['API', 'API+ctrl', 'run', 'net'].includes(c)) throw new Error(`unknown class ${c}`);
        out.classes = [...(out.classes ?? []), ...(classes as CaseClass[])];
        break;
      }
      case '--json': out.json = true; break;
      case '--timeout': out.timeoutMs = Number(take()) * 1000; break;
      case '--quiet-period': out.quietPeriodMs = Number(take()); break;
      case '--list': out.list = true; break;
      case '--verbose': case '-v': out.verbose = true; break;
      case '--help': case '-h': console.log(USAGE); process.exit(0); break;
      default: throw new Error(`unknown argument ${argv[i]}`);
    }
  }
  if (out.timeoutMs !== undefined && !(out.timeoutMs > 0)) throw new Error('--timeout must be a positive number of seconds');
  if (out.quietPeriodMs !== undefined && !(out.quietPeriodMs >= 0)) throw new Error('--quiet-period must be a number of milliseconds');
  return out;
}

function details(r: CaseResult): string {
  return [`--- ${r.id} ${r.codename}`, `namespace: ${r.namespace ?? '-'}`, `error: ${r.error ?? ''}`, ...r.log.map((l) => `  ${l}`)].join('\n');
}

async function main(): Promise<number> {
  let args: CliArgs;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (e) {
    console.error(`${e instanceof Error ? e.message : String(e)}\n\n${USAGE}`);
    return 2;
  }
  if (args.list) {
    for (const c of await selectCases(args)) console.log(`${c.id}\t${c.class}\t${c.codename}`);
    return 0;
  }
  const kubeconfig = args.kubeconfig ?? process.env.KUBECONFIG?.split(':')[0] ?? join(homedir(), '.kube', 'config');
  const results = await runConformance({
    kubeconfig, focus: args.focus, classes: args.classes, timeoutMs: args.timeoutMs, quietPeriodMs: args.quietPeriodMs,
    onResult: args.json ? undefined : (r) => process.stderr.write(`${r.outcome.toUpperCase().padEnd(4)} ${r.id} ${r.seconds.toFixed(2)}s\n`),
  });
  if (args.json) {
    console.log(JSON.stringify(results, null, 2));
  } else {
    console.log(formatTable(results));
    if (args.verbose) for (const r of results) if (r.outcome === 'fail') console.log(`\n${details(r)}`);
  }
  return results.some((r) => r.outcome === 'fail') ? 1 : 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  // A closed pipe (e.g. `| head`) ends the output quietly.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => { if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0); else throw e; });
  main().then((code) => { process.exitCode = code; }, (e: unknown) => {
    console.error(e instanceof Error ? e.stack ?? e.message : String(e));
    process.exitCode = 2;
  });
}
