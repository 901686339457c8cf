// Resolves a request path to the resource it addresses (upstream's RequestInfoFactory).

import { type ResourceInfo, lookupResource } from '../../api/resources.ts';

export interface ResourceRequest {
  resource: ResourceInfo;
  namespace?: string;
  name?: string;
  subresource?: string;
  /** The deprecated /watch/ path prefix was used. */
  watchPrefix: boolean;
}

export type PathResolution =
  | { kind: 'resource'; request: ResourceRequest }
  | { kind: 'unknown-resource'; group: string; version: string; resource: string }
  | { kind: 'other' };

/**
 * Paths: /api/v1/... or /apis/<group>/<version>/..., then
 *   [watch/]<resource>[/<name>[/<subresource>]]
 *   [watch/]namespaces/<ns>/<resource>[/<name>[/<subresource>]]
 */
export function resolvePath(path: string): PathResolution {
  const segs = path.split('/');
  // segs[0] is '' (leading slash)
  let i: number;
  let group: string;
  let version: string;
  if (segs[1] === 'api') {
    if (segs.length < 4 || !segs[2]) return { kind: 'other' };
    group = '';
    version = segs[2];
    i = 3;
  } else if (segs[1] === 'apis') {
    if (segs.length < 5 || !segs[3]) return { kind: 'other' };
    group = segs[2];
    version = segs[3];
    i = 4;
  } else {
    return { kind: 'other' };
  }
  if (segs[segs.length - 1] === '') segs.pop();
  let watchPrefix = false;
  if (segs[i] === 'watch') { watchPrefix = true; i++; }
  const rest = segs.slice(i).map(safeDecode);
  if (rest.length === 0 || rest.some((s) => s === undefined)) return { kind: 'other' };
  const parts = rest as string[];
  let namespace: string | undefined;
  if (parts[0] === 'namespaces' && parts.length >= 3) {
    const nsResource = lookupResource(group, version, parts[2]);
    if (nsResource?.namespaced || !['status', 'finalize'].includes(parts[2])) {
      namespace = parts[1];
      parts.splice(0, 2);
    }
  }
  const resource = lookupResource(group, version, parts[0]);
  if (!resource) return { kind: 'unknown-resource', group, version, resource: parts[0] };
  if (parts.length > 3) return { kind: 'other' };
  if (namespace !== undefined && !resource.namespaced) return { kind: 'other' };
  return {
    kind: 'resource',
    request: {
      resource,
      namespace: resource.namespaced ? namespace : undefined,
      name: parts[1],
      subresource: parts[2],
      watchPrefix,
    },
  };
}

function safeDecode(s: string): string | undefined {
  try {
    return decodeURIComponent(s);
  } catch {
    return undefined;
  }
}
