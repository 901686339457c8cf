// Exec probes and hooks (upstream pkg/probe/exec and the runtime's RunInContainer): the
// command runs in the container through CRI ExecSync; its stdout and stderr together (at
// most 10 KiB) are the output, a non-zero exit fails, and a timeout fails with Go's words.

import type { Container } from '../types.ts';
import { RuntimeError, type ContainerRuntime } from '../runtime/types.ts';
import { limitOutput, ProbeError, type ProbeAnswer } from './probe.ts';

export interface RunResult {
  output: string;
  /** RunInContainer's error text, when the command did not exit 0 (or did not run). */
  error?: string;
  timedOut?: boolean;
}

/**
 * $(VAR) references to the container's literal env values, $$ as a literal $
 * (ExpandContainerCommandOnlyStatic); a reference to anything else stays as written.
 */
export function expandCommand(cmd: string[], container: Container): string[] {
  const env = new Map<string, string>();
  for (const e of container.env ?? []) if (e.value !== undefined) env.set(e.name, e.value);
  return cmd.map((arg) => arg.replace(/\$\$|\$\(([^)]*)\)/g, (m: string, name: string | undefined) => (m === '$$' ? '$' : env.get(name ?? '') ?? m)));
}

/** RunInContainer: timeoutSeconds 0 waits as long as the command runs. */
export async function runInContainer(runtime: ContainerRuntime, containerId: string, cmd: string[], timeoutSeconds: number): Promise<RunResult> {
  if (!runtime.execSync) throw new ProbeError('the container runtime does not support exec');
  try {
    const res = await runtime.execSync(containerId, cmd, timeoutSeconds);
    const output = limitOutput([res.stdout, res.stderr]);
    if (res.exitCode === 0) return { output };
    return { output, error: `command '${cmd.join(' ')}' exited with ${res.exitCode}: ${res.stderr.toString('utf8')}` };
  } catch (e) {
    if (e instanceof RuntimeError && e.code === 'DeadlineExceeded') return { output: '', error: `command "${cmd.join(' ')}" timed out`, timedOut: true };
    throw e;
  }
}

export async function execProbe(runtime: ContainerRuntime, containerId: string, cmd: string[], timeoutSeconds: number): Promise<ProbeAnswer> {
  const res = await runInContainer(runtime, containerId, cmd, timeoutSeconds);
  // A timed-out command has no output: the timeout itself is the message.
  if (res.timedOut) return { result: 'Failure', output: res.error ?? '' };
  return { result: res.error === undefined ? 'Success' : 'Failure', output: res.output };
}
