// The images Skiff builds for itself and the names it publishes them under. Names follow
// kubernetes v1.32 test/utils/image/manifest.go where an e2e test asks for an image
// (registry.k8s.io/e2e-test-images/*, registry.k8s.io/pause), plus the Docker Hub names
// people type (busybox, httpd, nginx), so pods need no registry outside this host.

import type { ImageRunConfig } from './oci.ts';

/** Image tags of the e2e suite, kubernetes v1.32 test/utils/image/manifest.go. */
export const E2E_TAGS = {
  agnhost: '2.53',
  busybox: '1.37.0-1',
  httpd: '2.4.38-4',
  httpdNew: '2.4.39-4',
  nginx: '1.14-4',
  nginxNew: '1.15-4',
  nonewprivs: '1.3',
  pause: '3.10',
} as const;

/** Registry hosts whose names Skiff's registry serves (containerd mirrors them to it). */
export const MIRRORED_REGISTRIES = ['docker.io', 'registry.k8s.io'] as const;

/** The sandbox (pause) image as a path on Skiff's registry; the CRI's sandbox_image is `<registry>/<this>`. */
export const SANDBOX_IMAGE_PATH = `pause:${E2E_TAGS.pause}`;

export type LayerName = 'busybox' | 'pause' | 'httpd' | 'nginx' | 'agnhost' | 'nonewprivs';

export interface ImageRecipe {
  name: string;
  layers: LayerName[];
  config: ImageRunConfig;
  /** Full references it is published under (a registry host, a repository, a tag). */
  refs: string[];
}

export const DEFAULT_PATH = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

const e2e = (name: string, ...tags: string[]) => tags.map((t) => `registry.k8s.io/e2e-test-images/${name}:${t}`);
const hub = (name: string, ...tags: string[]) => tags.map((t) => `docker.io/library/${name}:${t}`);

/**
 * The images. The pause layer is a static C binary when gcc is at hand at build time,
 * else a busybox shell loop (then the image also carries the busybox layer).
 */
export const RECIPES: ImageRecipe[] = [
  {
    name: 'pause',
    layers: ['pause'],
    config: { Env: [DEFAULT_PATH], Entrypoint: ['/pause'] },
    // 3.10 is v1.32's; containerd 1.6 defaults to 3.6 and earlier releases used 3.9.
    refs: ['registry.k8s.io/pause:3.10', 'registry.k8s.io/pause:3.9', 'registry.k8s.io/pause:3.6'],
  },
  {
    name: 'busybox',
    layers: ['busybox'],
    config: { Env: [DEFAULT_PATH], Cmd: ['sh'] },
    refs: [
      ...hub('busybox', 'latest', 'stable', '1.35', '1.36', '1.37'),
      ...e2e('busybox', E2E_TAGS.busybox, '1.36.1-1'),
    ],
  },
  {
    name: 'httpd',
    layers: ['busybox', 'httpd'],
    config: { Env: [DEFAULT_PATH], Cmd: ['httpd-foreground'], WorkingDir: '/usr/local/apache2', ExposedPorts: { '80/tcp': {} } },
    refs: [...hub('httpd', 'latest', '2', '2.4'), ...e2e('httpd', E2E_TAGS.httpd, E2E_TAGS.httpdNew)],
  },
  {
    name: 'nginx',
    layers: ['busybox', 'nginx'],
    config: { Env: [DEFAULT_PATH], Cmd: ['nginx', '-g', 'daemon off;'], ExposedPorts: { '80/tcp': {} } },
    refs: [...hub('nginx', 'latest', 'stable'), ...e2e('nginx', E2E_TAGS.nginx, E2E_TAGS.nginxNew)],
  },
  {
    name: 'agnhost',
    layers: ['busybox', 'agnhost'],
    config: { Env: [DEFAULT_PATH], Entrypoint: ['/agnhost'], Cmd: ['pause'] },
    refs: e2e('agnhost', E2E_TAGS.agnhost, '2.52'),
  },
  {
    // allowPrivilegeEscalation's test image: a setuid-root helper that prints its effective uid.
    name: 'nonewprivs',
    layers: ['nonewprivs'],
    config: { Env: [DEFAULT_PATH], Entrypoint: ['/usr/local/bin/nnp'] },
    refs: e2e('nonewprivs', E2E_TAGS.nonewprivs),
  },
];

export interface RegistryPath { repo: string; tag: string }

/**
 * Where a full reference lives on Skiff's registry: the registry host is dropped (containerd
 * asks the mirror for /v2/<repo>/manifests/<tag>?ns=<host>, and the registry ignores ns),
 * and a one-component Docker Hub name gets its implicit "library/".
 */
export function registryPath(ref: string): RegistryPath {
  const { host, repo, tag } = parseReference(ref);
  const path = host === 'docker.io' && !repo.includes('/') ? `library/${repo}` : repo;
  return { repo: path, tag: tag ?? 'latest' };
}

/** Splits a reference as docker/distribution does: a first component with "." or ":" (or "localhost") is a host. */
export function parseReference(ref: string): { host: string; repo: string; tag?: string; digest?: string } {
  let rest = ref;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) { digest = rest.slice(at + 1); rest = rest.slice(0, at); }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) { tag = rest.slice(colon + 1); rest = rest.slice(0, colon); }
  const slash = rest.indexOf('/');
  const first = slash < 0 ? '' : rest.slice(0, slash);
  let host = 'docker.io';
  if (first && (first.includes('.') || first.includes(':') || first === 'localhost')) { host = first; rest = rest.slice(slash + 1); }
  if (host === 'index.docker.io' || host === 'registry-1.docker.io') host = 'docker.io';
  if (!/^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/.test(rest)) throw new Error(`invalid repository name in "${ref}"`);
  if (tag !== undefined && !/^[\w][\w.-]{0,127}$/.test(tag)) throw new Error(`invalid tag in "${ref}"`);
  return { host, repo: rest, tag: tag ?? (digest ? undefined : 'latest'), digest };
}

/** Skiff's own names for an image: skiff/<name>:<tag> for "latest" and every tag it is published under. */
export function skiffPaths(recipe: ImageRecipe): RegistryPath[] {
  const tags = new Set(['latest', ...recipe.refs.map((r) => registryPath(r).tag)]);
  return [...tags].map((tag) => ({ repo: `skiff/${recipe.name}`, tag }));
}
