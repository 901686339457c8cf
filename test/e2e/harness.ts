// What every kubectl e2e script needs: an in-process Skiff, a work dir, and kubectl runs
// against it (asynchronous on purpose: the server answering kubectl runs in this process).

import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSkiff, type Skiff, type SkiffOptions } from '../../src/index.ts';

export interface Result { code: number; stdout: string; stderr: string }

export class KubectlHarness {
  skiff!: Skiff;
  work!: string;

  constructor(readonly binary: string) {}

  async start(name: string, options?: SkiffOptions): Promise<void> {
    this.skiff = await startSkiff(options);
    this.work = mkdtempSync(join(tmpdir(), `skiff-${name}-`));
  }

  async stop(): Promise<void> {
    await this.skiff?.close();
    if (this.work) rmSync(this.work, { recursive: true, force: true });
  }

  run(args: string[], opts: { input?: string; env?: Record<string, string> } = {}): Promise<Result> {
    return new Promise((resolve) => {
      const child = execFile(this.binary, ['--kubeconfig', this.skiff.kubeconfigPath, '--cache-dir', join(this.work, 'cache'), ...args],
        { timeout: 30_000, env: { ...process.env, ...opts.env } }, (err, stdout, stderr) => {
          const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
          resolve({ code, stdout, stderr });
        });
      if (opts.input !== undefined) child.stdin?.write(opts.input);
      child.stdin?.end();
    });
  }

  async ok(args: string[], opts: { input?: string; env?: Record<string, string> } = {}): Promise<string> {
    const r = await this.run(args, opts);
    expect(r.code, `kubectl ${args.join(' ')}\n${r.stderr}`).to.equal(0);
    return r.stdout;
  }

  file(name: string, text: string): string {
    const p = join(this.work, name);
    writeFileSync(p, text);
    return p;
  }
}
