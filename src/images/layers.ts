// What each layer holds. A layer is described twice: its inputs (small and cheap to get,
// hashed into the build cache key) and its entries (read and generated only on a rebuild).

import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { asset } from './assets.ts';
import { renameApplets, renamedBusyboxWorks } from './busybox.ts';
import { sha256 } from './oci.ts';
import type { LayerName } from './recipes.ts';
import type { TarEntry } from './tar.ts';

export type PauseProgram = ({ kind: 'static' } & CompiledProgram) | { kind: 'script' };

/** A static binary compiled from one of the C assets: its path and the id of its source. */
export interface CompiledProgram { binary: string; source: string }

export interface BuildContext {
  /** The busybox-static binary and the sha256 of its bytes. */
  busybox: { path: string; sha256: string };
  pause: PauseProgram;
  /** nc, curl and wget (nettools.c), when a compiler was at hand. */
  nettools?: CompiledProgram;
  /** The nonewprivs image's setuid helper (nonewprivs.c), when a compiler was at hand. */
  nonewprivs?: CompiledProgram;
}

export interface LayerDef {
  inputs: unknown;
  entries(): Promise<TarEntry[]>;
}

const PASSWD = [
  'root:x:0:0:root:/root:/bin/sh',
  'daemon:x:1:1:daemon:/usr/sbin:/bin/false',
  'bin:x:2:2:bin:/bin:/bin/false',
  'sys:x:3:3:sys:/dev:/bin/false',
  'www-data:x:33:33:www-data:/var/www:/bin/false',
  'user:x:1000:1000:user:/home/user:/bin/sh',
  'nobody:x:65534:65534:nobody:/nonexistent:/bin/false',
].join('\n') + '\n';

const GROUP = [
  'root:x:0:', 'daemon:x:1:', 'bin:x:2:', 'sys:x:3:', 'tty:x:5:', 'www-data:x:33:', 'users:x:100:', 'user:x:1000:', 'nobody:x:65534:',
].join('\n') + '\n';

const HOSTS = '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n';

const text = (s: string) => Buffer.from(s, 'utf8');
const file = (path: string, data: Buffer, mode = 0o644): TarEntry => ({ path, type: 'file', mode, data });
const dir = (path: string, mode = 0o755, uid = 0, gid = 0): TarEntry => ({ path, type: 'dir', mode, uid, gid });

/** The files of the busybox layer besides the binary and its applet links. */
function busyboxFiles(): TarEntry[] {
  return [
    file('etc/passwd', text(PASSWD)),
    file('etc/group', text(GROUP)),
    file('etc/hosts', text(HOSTS)),
    file('etc/hostname', text('')),
    file('etc/resolv.conf', text('')),
    file('etc/nsswitch.conf', text('hosts: files dns\n')),
    dir('tmp', 0o1777),
    dir('var/tmp', 0o1777),
    dir('root', 0o700),
    dir('home/user', 0o755, 1000, 1000),
    dir('proc', 0o555),
    dir('sys', 0o555),
    dir('dev'),
    dir('var/log'),
    dir('usr/local/bin'),
  ];
}

async function applets(busybox: string): Promise<string[]> {
  const { stdout } = await promisify(execFile)(busybox, ['--list-full'], { encoding: 'utf8' });
  return stdout.split('\n').map((s) => s.trim()).filter(Boolean);
}

function busyboxLayer(ctx: BuildContext): LayerDef {
  const extra = busyboxFiles();
  const nettools = ctx.nettools;
  return {
    inputs: { busybox: ctx.busybox.sha256, nettools: nettools?.source ?? null, files: describe(extra), wget: sha256(asset('wget.sh')), binLinks: true },
    async entries() {
      const paths = await applets(ctx.busybox.path);
      const links: TarEntry[] = paths
        .filter((p) => p !== 'bin/busybox')
        .map((p) => ({ path: p, type: 'symlink', target: '/bin/busybox' }));
      // Upstream's busybox images have every applet in /bin (tests run /bin/sysctl, /bin/ip...);
      // Debian's list puts some in sbin/ and usr/: those get a /bin link too (not nc and wget,
      // whose applets are renamed below when nettools stand in for them).
      const inBin = new Set(paths.filter((p) => p.startsWith('bin/')).map((p) => p.slice(4)));
      for (const p of paths) {
        const name = p.slice(p.lastIndexOf('/') + 1);
        if (inBin.has(name) || (nettools && (name === 'nc' || name === 'wget'))) continue;
        inBin.add(name);
        links.push({ path: `bin/${name}`, type: 'symlink', target: '/bin/busybox' });
      }
      let binary: Buffer = await readFile(ctx.busybox.path);
      const tools: TarEntry[] = [];
      if (nettools) {
        // nc, curl and wget from nettools; sh finds them once busybox's nc and wget are renamed.
        const names = paths.map((p) => p.slice(p.lastIndexOf('/') + 1));
        const renamed = renameApplets(binary, names, ['nc', 'wget']);
        if (renamed && (await renamedBusyboxWorks(renamed, names))) binary = renamed.data;
        tools.push(
          file('usr/bin/nc', await readFile(nettools.binary), 0o755),
          { path: 'usr/bin/curl', type: 'symlink', target: '/usr/bin/nc' },
          { path: 'usr/bin/wget', type: 'symlink', target: '/usr/bin/nc' },
        );
      } else {
        // busybox 1.35's wget crashes on -T: a wrapper stands in for the applet link.
        tools.push(file('usr/bin/wget', asset('wget.sh'), 0o755));
      }
      return [file('bin/busybox', binary, 0o755), ...links, ...extra, ...tools];
    },
  };
}

/**
 * One program at path: the static binary compiled from a C asset, else (no compiler) its shell
 * script stand-in, which needs the busybox layer beneath it (build.ts layersOf).
 */
function programLayer(compiled: CompiledProgram | undefined, path: string, mode: number, script: Buffer): LayerDef {
  if (compiled) return { inputs: { kind: 'static', source: compiled.source }, entries: async () => [file(path, await readFile(compiled.binary), mode)] };
  return { inputs: { kind: 'script', script: sha256(script) }, entries: async () => [file(path, script, 0o755)] };
}

const pauseLayer = (ctx: BuildContext): LayerDef => programLayer(ctx.pause.kind === 'static' ? ctx.pause : undefined, 'pause', 0o755, asset('pause.sh'));

/**
 * /usr/local/bin/nnp, setuid root. Its script stand-in reports the same line but proves
 * nothing: the kernel ignores setuid on scripts.
 */
const nonewprivsLayer = (ctx: BuildContext): LayerDef =>
  programLayer(ctx.nonewprivs, 'usr/local/bin/nnp', 0o4755, text('#!/bin/sh\necho "Effective uid: $(id -u)"\n'));

function staticLayer(entries: TarEntry[]): LayerDef {
  return { inputs: describe(entries), entries: async () => entries };
}

const HTTPD_INDEX = '<html><body><h1>It works!</h1></body></html>\n';
const NGINX_INDEX = '<!DOCTYPE html>\n<html>\n<head>\n<title>Welcome to nginx!</title>\n</head>\n<body>\n<h1>Welcome to nginx!</h1>\n</body>\n</html>\n';

export function layerDef(name: LayerName, ctx: BuildContext): LayerDef {
  switch (name) {
    case 'busybox':
      return busyboxLayer(ctx);
    case 'pause':
      return pauseLayer(ctx);
    case 'httpd':
      return staticLayer([
        file('usr/local/apache2/htdocs/index.html', text(HTTPD_INDEX)),
        dir('usr/local/apache2/logs'),
        file('usr/local/bin/httpd-foreground', asset('httpd-foreground.sh'), 0o755),
      ]);
    case 'nginx':
      return staticLayer([
        file('usr/share/nginx/html/index.html', text(NGINX_INDEX)),
        file('usr/sbin/nginx', asset('nginx.sh'), 0o755),
      ]);
    case 'nonewprivs':
      return nonewprivsLayer(ctx);
    case 'agnhost':
      return staticLayer([
        file('agnhost', asset('agnhost.sh'), 0o755),
        { path: 'agnhost-2', type: 'symlink', target: '/agnhost' },
      ]);
  }
}

/** A stable description of entries for the cache key: metadata plus a digest of each file's bytes. */
function describe(entries: TarEntry[]): unknown[] {
  return entries.map((e) => (e.type === 'file' ? { ...e, data: sha256(e.data) } : e));
}
