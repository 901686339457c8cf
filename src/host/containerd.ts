// A private containerd for one Skiff data dir (../shared/docs/runtime-recipe.md §2): its own
// config, root, state, runc state and sockets under DIR/containerd, so it never disturbs a
// system containerd or another Skiff. The CRI plugin finds the CNI plugins in /usr/lib/cni
// and Skiff's network config in DIR/cni/net.d; image names resolve through DIR/containerd/certs.d,
// which sends the loopback registry's own name, docker.io and registry.k8s.io to that registry.

import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { mkdir, readFile, rm, rmdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CriRuntime } from '../agent/cri/runtime.ts';
import type { Logger } from '../log.ts';

export const CONTAINERD_BINARY = '/usr/bin/containerd';
export const RUNC_BINARY = '/usr/sbin/runc';
/** Where Debian's containernetworking-plugins are (containerd's default is /opt/cni/bin). */
export const CNI_BIN_DIR = '/usr/lib/cni';
/** The kernel's limit on a unix socket path (sun_path), less the terminating NUL. */
const MAX_SOCKET_PATH = 107;

export interface ContainerdOptions {
  dataDir: string;
  /** The pause image every sandbox runs (e.g. 127.0.0.1:5000/pause:3.9). */
  sandboxImage: string;
  /** host:port of the loopback registry that serves Skiff's images. */
  registry: string;
  /** Registries whose names resolve from the loopback registry first (default docker.io and registry.k8s.io). */
  mirrored?: string[];
  /**
   * Whether a mirrored name missing from the loopback registry is then fetched from the real
   * registry (default false: nothing leaves this machine, the pull fails instead).
   */
  upstreamFallback?: boolean;
  log?: Logger;
  /** How long to wait for the CRI to answer after a start (default 30 s). */
  startTimeoutMs?: number;
}

export interface Containerd {
  /** The CRI (and containerd API) socket. */
  socket: string;
  pid: number;
  /** Whether this call started it (false: one already running for the data dir was reused). */
  started: boolean;
  /** The config.toml it runs with. */
  configPath: string;
  /** SIGTERM by pid, then wait for it to exit (SIGKILL after 10 s). Containers keep running (they belong to their shims). */
  stop(): Promise<void>;
}

export interface ContainerdPaths { dir: string; config: string; socket: string; pidFile: string; log: string; certsDir: string }

export function containerdPaths(dataDir: string): ContainerdPaths {
  const dir = join(dataDir, 'containerd');
  return { dir, config: join(dir, 'config.toml'), socket: join(dir, 'containerd.sock'), pidFile: join(dir, 'containerd.pid'), log: join(dir, 'containerd.log'), certsDir: join(dir, 'certs.d') };
}

const toml = (s: string): string => JSON.stringify(s);

/** containerd's config.toml (version 2) for this data dir. */
export function containerdConfig(dataDir: string, sandboxImage: string): string {
  const p = containerdPaths(dataDir);
  const cri = 'plugins."io.containerd.grpc.v1.cri"';
  return `# Written by Skiff: a containerd private to ${dataDir}.
version = 2
root = ${toml(join(p.dir, 'root'))}
state = ${toml(join(p.dir, 'state'))}

[grpc]
  address = ${toml(p.socket)}

[ttrpc]
  address = ${toml(`${p.socket}.ttrpc`)}

[debug]
  address = ${toml(join(p.dir, 'debug.sock'))}
  level = "info"

[plugins."io.containerd.internal.v1.opt"]
  path = ${toml(join(p.dir, 'opt'))}

[${cri}]
  sandbox_image = ${toml(sandboxImage)}
  stream_server_address = "127.0.0.1"
  stream_server_port = "0"
  enable_tls_streaming = false
  netns_mounts_under_state_dir = true
  max_container_log_line_size = 16384
  # Root here lacks CAP_SYS_RESOURCE: without this, the sandbox's oom_score_adj -998 fails runc.
  restrict_oom_score_adj = true

  [${cri}.containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"

    [${cri}.containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"

      [${cri}.containerd.runtimes.runc.options]
        BinaryName = ${toml(RUNC_BINARY)}
        Root = ${toml(join(p.dir, 'runc'))}
        SystemdCgroup = false

  [${cri}.cni]
    bin_dir = ${toml(CNI_BIN_DIR)}
    conf_dir = ${toml(join(dataDir, 'cni', 'net.d'))}
    max_conf_num = 1

  [${cri}.registry]
    config_path = ${toml(p.certsDir)}
`;
}

const UPSTREAM: Record<string, string> = { 'docker.io': 'https://registry-1.docker.io', 'registry.k8s.io': 'https://registry.k8s.io' };

/** certs.d/<host>/hosts.toml for each registry name: the loopback registry first (recipe §3). */
export function registryHosts(registry: string, mirrored: string[], upstreamFallback: boolean): Map<string, string> {
  const local = `http://${registry}`;
  const host = (caps: string) => `[host.${toml(local)}]\n  capabilities = [${caps}]\n`;
  const files = new Map<string, string>();
  files.set(registry, `server = ${toml(local)}\n\n${host('"pull", "resolve", "push"')}`);
  for (const name of mirrored) {
    if (name === registry) continue;
    const server = upstreamFallback ? UPSTREAM[name] ?? `https://${name}` : local;
    files.set(name, `server = ${toml(server)}\n\n${host('"pull", "resolve"')}`);
  }
  return files;
}

async function writeIfChanged(path: string, text: string): Promise<boolean> {
  const old = await readFile(path, 'utf8').catch(() => undefined);
  if (old === text) return false;
  await writeFile(path, text);
  return true;
}

/** Whether pid is a live (not zombie) containerd running with this config. */
function isOurContainerd(pid: number, config: string): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    if (/\) Z /.test(stat)) return false;
    const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    return argv.some((a) => a.endsWith('containerd')) && argv.includes(config);
  } catch {
    return false;
  }
}

/** Whether a process is running (a zombie is not). */
export const alive = (pid: number): boolean => {
  try {
    return !/\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  while (alive(pid)) {
    if (Date.now() > until) return false;
    await sleep(50);
  }
  return true;
}

/** Waits until the CRI answers Version; fails early if the process died. */
async function waitForCri(socket: string, pid: number, timeoutMs: number, logPath: string): Promise<void> {
  const until = Date.now() + timeoutMs;
  const rt = new CriRuntime({ endpoint: socket });
  try {
    for (;;) {
      if (!alive(pid)) throw new Error(`containerd exited during start-up; see ${logPath}:\n${tail(logPath)}`);
      if (existsSync(socket)) {
        try {
          await rt.version('v1', 1000);
          return;
        } catch { /* not serving yet */ }
      }
      if (Date.now() > until) throw new Error(`containerd did not answer on ${socket} within ${timeoutMs} ms; see ${logPath}`);
      await sleep(100);
    }
  } finally {
    rt.close();
  }
}

function tail(path: string, lines = 20): string {
  try { return readFileSync(path, 'utf8').trimEnd().split('\n').slice(-lines).join('\n'); } catch { return ''; }
}

/**
 * Starts the data dir's containerd (config written first), or reuses the one already running
 * for it, and resolves once its CRI answers.
 */
export async function startContainerd(options: ContainerdOptions): Promise<Containerd> {
  const { dataDir, sandboxImage, registry, log } = options;
  const p = containerdPaths(dataDir);
  if (`${p.socket}.ttrpc`.length > MAX_SOCKET_PATH) throw new Error(`data dir ${dataDir} is too long for containerd's sockets (${p.socket}.ttrpc exceeds ${MAX_SOCKET_PATH} bytes)`);
  await mkdir(p.dir, { recursive: true });
  await mkdir(join(dataDir, 'cni', 'net.d'), { recursive: true });
  const configChanged = await writeIfChanged(p.config, containerdConfig(dataDir, sandboxImage));
  // hosts.toml files are read at each pull: they may change under a running containerd.
  await rm(p.certsDir, { recursive: true, force: true });
  for (const [name, text] of registryHosts(registry, options.mirrored ?? ['docker.io', 'registry.k8s.io'], options.upstreamFallback ?? false)) {
    await mkdir(join(p.certsDir, name), { recursive: true });
    await writeFile(join(p.certsDir, name, 'hosts.toml'), text);
  }

  const recorded = Number((await readFile(p.pidFile, 'utf8').catch(() => '')).trim());
  if (recorded > 0 && isOurContainerd(recorded, p.config)) {
    if (!configChanged) {
      log?.info('reusing the running containerd', { pid: recorded, socket: p.socket });
      await waitForCri(p.socket, recorded, options.startTimeoutMs ?? 30_000, p.log);
      return handle(p, recorded, false);
    }
    // A new sandbox image means a new config: restart it (containers keep running in their shims).
    log?.info('restarting containerd for its new config', { pid: recorded });
    await handle(p, recorded, false).stop();
  }

  const out = openSync(p.log, 'a');
  let pid: number;
  try {
    const child = spawn(CONTAINERD_BINARY, ['--config', p.config], { detached: true, stdio: ['ignore', out, out] });
    const spawned = await new Promise<number>((resolve, reject) => {
      child.once('spawn', () => resolve(child.pid!));
      child.once('error', reject);
    });
    child.unref();
    pid = spawned;
  } finally {
    closeSync(out);
  }
  await writeFile(p.pidFile, `${pid}\n`);
  log?.info('started containerd', { pid, config: p.config });
  try {
    await waitForCri(p.socket, pid, options.startTimeoutMs ?? 30_000, p.log);
  } catch (e) {
    await handle(p, pid, true).stop();
    throw e;
  }
  return handle(p, pid, true);
}

/** Directories containerd makes in places shared by every containerd (recipe P9): removed when empty. */
const SHARED_DIRS = ['/run/containerd/s', '/run/containerd/fifo', '/run/containerd/runc/k8s.io', '/run/containerd/runc', '/run/containerd'];

function handle(p: ContainerdPaths, pid: number, started: boolean): Containerd {
  let stopping: Promise<void> | undefined;
  return {
    socket: p.socket,
    pid,
    started,
    configPath: p.config,
    stop: () => (stopping ??= (async () => {
      try { process.kill(pid, 'SIGTERM'); } catch { /* already gone */ }
      if (!(await waitForExit(pid, 10_000))) {
        try { process.kill(pid, 'SIGKILL'); } catch { /* gone meanwhile */ }
        await waitForExit(pid, 5_000);
      }
      await rm(p.pidFile, { force: true });
      for (const d of SHARED_DIRS) await rmdir(d).catch(() => undefined);
    })()),
  };
}
