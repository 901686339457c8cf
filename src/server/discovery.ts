// Discovery documents, legacy (APIVersions, APIGroupList, APIResourceList) and aggregated
// (apidiscovery.k8s.io v2 and v2beta1), built once from the resource table.

import { type ResourceInfo, groupVersion, groups, resources, resourcesIn } from '../../api/resources.ts';

export interface DiscoveryDocs {
  /** Keyed by request path: /api, /apis, /api/v1, /apis/apps, /apis/apps/v1 */
  legacy: Map<string, string>;
  aggregatedApi: { v2: string; v2beta1: string };
  aggregatedApis: { v2: string; v2beta1: string };
}

const versionsOf = (group: string) => [...new Set(resources.filter((r) => r.group === group).map((r) => r.version))];

function apiResource(r: ResourceInfo): object[] {
  const main = {
    name: r.plural,
    singularName: r.singular,
    namespaced: r.namespaced,
    kind: r.kind,
    verbs: r.verbs,
    ...(r.shortNames.length ? { shortNames: r.shortNames } : {}),
    ...(r.categories.length ? { categories: r.categories } : {}),
    storageVersionHash: storageVersionHash(r),
  };
  const subs = r.subresources.map((s) => ({
    name: `${r.plural}/${s.name}`,
    singularName: '',
    namespaced: r.namespaced,
    ...(s.kind.group !== r.group || s.kind.version !== r.version ? { group: s.kind.group, version: s.kind.version } : {}),
    kind: s.kind.kind,
    verbs: s.verbs,
  }));
  return [main, ...subs];
}

/** An opaque, stable hash per resource as upstream advertises (clients only compare it). */
function storageVersionHash(r: ResourceInfo): string {
  let h = 2166136261;
  for (const c of `${r.group}/${r.version}/${r.kind}`) h = Math.imul(h ^ c.charCodeAt(0), 16777619) >>> 0;
  return Buffer.from(h.toString(16).padStart(8, '0')).toString('base64').slice(0, 11) + '=';
}

function aggregatedResource(r: ResourceInfo): object {
  return {
    resource: r.plural,
    responseKind: { group: r.group, version: r.version, kind: r.kind },
    scope: r.namespaced ? 'Namespaced' : 'Cluster',
    singularResource: r.singular,
    verbs: r.verbs,
    ...(r.shortNames.length ? { shortNames: r.shortNames } : {}),
    ...(r.categories.length ? { categories: r.categories } : {}),
    ...(r.subresources.length ? {
      subresources: r.subresources.map((s) => ({ subresource: s.name, responseKind: s.kind, verbs: s.verbs })),
    } : {}),
  };
}

function aggregatedGroup(group: string): object {
  return {
    metadata: group ? { name: group, creationTimestamp: null } : { creationTimestamp: null },
    versions: versionsOf(group).map((version) => ({
      version,
      resources: resourcesIn(group, version).map(aggregatedResource),
      freshness: 'Current',
    })),
  };
}

function aggregatedList(items: object[], version: 'v2' | 'v2beta1'): string {
  return JSON.stringify({ kind: 'APIGroupDiscoveryList', apiVersion: `apidiscovery.k8s.io/${version}`, metadata: {}, items });
}

export function buildDiscovery(serverAddress: string): DiscoveryDocs {
  const legacy = new Map<string, string>();
  legacy.set('/api', JSON.stringify({
    kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  }));
  const namedGroups = groups.filter((g) => g !== '');
  const groupDoc = (g: string) => {
    const versions = versionsOf(g).map((v) => ({ groupVersion: `${g}/${v}`, version: v }));
    return { name: g, versions, preferredVersion: versions[0] };
  };
  legacy.set('/apis', JSON.stringify({ kind: 'APIGroupList', apiVersion: 'v1', groups: namedGroups.map(groupDoc) }));
  for (const g of groups) {
    if (g) legacy.set(`/apis/${g}`, JSON.stringify({ kind: 'APIGroup', apiVersion: 'v1', ...groupDoc(g) }));
    for (const v of versionsOf(g)) {
      const gv = groupVersion({ group: g, version: v });
      const list = { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: gv, resources: resourcesIn(g, v).flatMap(apiResource) };
      legacy.set(g ? `/apis/${gv}` : '/api/v1', JSON.stringify(list));
    }
  }
  const core = [aggregatedGroup('')];
  const named = namedGroups.map(aggregatedGroup);
  return {
    legacy,
    aggregatedApi: { v2: aggregatedList(core, 'v2'), v2beta1: aggregatedList(core, 'v2beta1') },
    aggregatedApis: { v2: aggregatedList(named, 'v2'), v2beta1: aggregatedList(named, 'v2beta1') },
  };
}

/** Which aggregated discovery version the Accept header asks for first, if any. */
export function aggregatedVersionAccepted(accept: string | undefined): 'v2' | 'v2beta1' | undefined {
  if (!accept || !accept.includes('APIGroupDiscoveryList')) return undefined;
  for (const part of accept.split(',')) {
    if (!part.includes('as=APIGroupDiscoveryList') || !part.includes('g=apidiscovery.k8s.io')) continue;
    if (/;\s*v=v2beta1\b/.test(part)) return 'v2beta1';
    if (/;\s*v=v2\b/.test(part)) return 'v2';
  }
  return undefined;
}

export const aggregatedContentType = (v: 'v2' | 'v2beta1') => `application/json;g=apidiscovery.k8s.io;v=${v};as=APIGroupDiscoveryList`;
