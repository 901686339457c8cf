// A pod's name resolution (pkg/kubelet/network/dns, kubelet_pods.go): the sandbox's DNS
// config per dnsPolicy, its hostname and domain, and the per-pod /etc/hosts the kubelet
// writes and mounts into every container.

import type { IPodDNSConfigOption } from 'kubernetes-models/v1';
import type { DNSConfig } from '../runtime/types.ts';
import type { Pod } from '../types.ts';

export interface DNSSettings {
  /** Cluster DNS server IPs (the kubelet's --cluster-dns). */
  clusterDNS: string[];
  /** The kubelet's --cluster-domain. */
  clusterDomain: string;
  /** The host's resolver configuration as read from its resolv.conf ('' when there is none). */
  hostResolvConf: string;
}

/** resolv.conf limits the kubelet enforces (MaxDNSSearchPaths, MaxDNSSearchListChars, MaxDNSNameservers). */
const MAX_SEARCH_PATHS = 32;
const MAX_SEARCH_CHARS = 2048;
const MAX_NAMESERVERS = 3;

const unique = (list: string[]): string[] => [...new Set(list)];

/** nameserver, search (domain) and options lines of a resolv.conf. */
export function parseResolvConf(text: string): Required<DNSConfig> {
  const out: Required<DNSConfig> = { servers: [], searches: [], options: [] };
  for (const raw of text.split('\n')) {
    const line = raw.replace(/[#;].*$/, '').trim();
    const [key, ...fields] = line.split(/\s+/);
    if (key === 'nameserver' && fields[0]) out.servers.push(fields[0]);
    else if (key === 'search' || key === 'domain') out.searches = fields.filter((f) => f !== '');
    else if (key === 'options') out.options.push(...fields);
  }
  return out;
}

/** Pod options override the base's by name; `name:value`, or just the name. */
function mergeOptions(base: string[], pod: IPodDNSConfigOption[]): string[] {
  const byName = new Map<string, string>();
  for (const o of base) {
    const i = o.indexOf(':');
    byName.set(i < 0 ? o : o.slice(0, i), i < 0 ? '' : o.slice(i + 1));
  }
  for (const o of pod) if (o.name) byName.set(o.name, o.value ?? '');
  return [...byName].map(([k, v]) => (v ? `${k}:${v}` : k));
}

export type DNSPolicyType = 'cluster' | 'host' | 'none';

/** getPodDNSType: ClusterFirst means the host's resolver for hostNetwork pods (ClusterFirstWithHostNet does not). */
export function podDNSType(pod: Pod): DNSPolicyType {
  switch (pod.spec?.dnsPolicy ?? 'ClusterFirst') {
    case 'ClusterFirstWithHostNet': return 'cluster';
    case 'None': return 'none';
    case 'Default': return 'host';
    default: return pod.spec?.hostNetwork ? 'host' : 'cluster';
  }
}

/**
 * GetPodDNS. Returns the config and, when the cluster DNS is unknown for a ClusterFirst pod
 * or limits were exceeded, a warning for an event.
 */
export function podDNSConfig(pod: Pod, s: DNSSettings): { config: DNSConfig; warnings: { reason: string; message: string }[] } {
  const warnings: { reason: string; message: string }[] = [];
  const host = parseResolvConf(s.hostResolvConf);
  let config: Required<DNSConfig> = { servers: [...host.servers], searches: [...host.searches], options: [...host.options] };
  let type = podDNSType(pod);
  if (type === 'cluster' && s.clusterDNS.length === 0) {
    warnings.push({ reason: 'MissingClusterDNS', message: `pod: "${pod.metadata.name}_${pod.metadata.namespace ?? ''}(${pod.metadata.uid ?? ''})". kubelet does not have ClusterDNS IP configured and cannot create Pod using "ClusterFirst" policy. Falling back to "Default" policy.` });
    type = 'host';
  }
  if (type === 'cluster') {
    const ns = pod.metadata.namespace ?? 'default';
    const d = s.clusterDomain;
    config = {
      servers: [...s.clusterDNS],
      searches: d ? unique([`${ns}.svc.${d}`, `svc.${d}`, d, ...host.searches]) : host.searches,
      options: ['ndots:5'],
    };
  } else if (type === 'host' && !s.hostResolvConf) {
    // No resolver configured for the host: the local machine's, as the resolver library would assume.
    config = { servers: ['127.0.0.1'], searches: ['.'], options: [] };
  } else if (type === 'none') {
    config = { servers: [], searches: [], options: [] };
  }
  const own = pod.spec?.dnsConfig;
  if (own) {
    config.servers = unique([...config.servers, ...(own.nameservers ?? [])]);
    config.searches = unique([...config.searches, ...(own.searches ?? [])]);
    config.options = mergeOptions(config.options, own.options ?? []);
  }
  if (config.servers.length > MAX_NAMESERVERS) {
    warnings.push({ reason: 'DNSConfigForming', message: `Nameserver limits were exceeded, some nameservers have been omitted, the applied nameserver line is: ${config.servers.slice(0, MAX_NAMESERVERS).join(' ')}` });
    config.servers = config.servers.slice(0, MAX_NAMESERVERS);
  }
  let searches = config.searches.slice(0, MAX_SEARCH_PATHS);
  while (searches.join(' ').length > MAX_SEARCH_CHARS) searches = searches.slice(0, -1);
  if (searches.length < config.searches.length) {
    warnings.push({ reason: 'DNSConfigForming', message: `Search Line limits were exceeded, some search paths have been omitted, the applied search line is: ${searches.join(' ')}` });
    config.searches = searches;
  }
  return { config, warnings };
}

const MAX_HOSTNAME = 63;

/** GeneratePodHostNameAndDomain: spec.hostname or the pod name (truncated to 63), and `<subdomain>.<ns>.svc.<domain>`. */
export function podHostnameAndDomain(pod: Pod, clusterDomain: string): { hostname: string; domain: string } {
  let hostname = pod.spec?.hostname || pod.metadata.name;
  if (hostname.length > MAX_HOSTNAME) hostname = hostname.slice(0, MAX_HOSTNAME).replace(/[-.]+$/, '');
  const sub = pod.spec?.subdomain;
  const domain = sub ? `${sub}.${pod.metadata.namespace ?? 'default'}.svc.${clusterDomain}` : '';
  return { hostname, domain };
}

/** The sandbox's hostname: none for hostNetwork pods, the FQDN with setHostnameAsFQDN. */
export function sandboxHostname(pod: Pod, clusterDomain: string): string {
  if (pod.spec?.hostNetwork) return '';
  const { hostname, domain } = podHostnameAndDomain(pod, clusterDomain);
  if (pod.spec?.setHostnameAsFQDN && domain) {
    const fqdn = `${hostname}.${domain}`;
    if (fqdn.length > 64) throw new Error(`failed to construct FQDN from pod hostname and cluster domain, FQDN ${fqdn} is too long (64 characters is the max, ${fqdn.length} characters requested)`);
    return fqdn;
  }
  return hostname;
}

function hostAliasLines(pod: Pod): string {
  const aliases = pod.spec?.hostAliases ?? [];
  if (aliases.length === 0) return '';
  let out = '\n# Entries added by HostAliases.\n';
  for (const a of aliases) out += `${a.ip ?? ''}\t${(a.hostnames ?? []).join('\t')}\n`;
  return out;
}

/**
 * The managed /etc/hosts: localhost entries, the pod's IPs with its hostname (FQDN first
 * when it has a subdomain), then hostAliases. A hostNetwork pod gets the host's own file
 * plus its aliases.
 */
export function hostsFileContent(pod: Pod, podIPs: string[], clusterDomain: string, hostEtcHosts: string): string {
  if (pod.spec?.hostNetwork) return `# Kubernetes-managed hosts file (host network).\n${hostEtcHosts}${hostAliasLines(pod)}`;
  const { hostname, domain } = podHostnameAndDomain(pod, clusterDomain);
  let out = '# Kubernetes-managed hosts file.\n'
    + '127.0.0.1\tlocalhost\n'
    + '::1\tlocalhost ip6-localhost ip6-loopback\n'
    + 'fe00::0\tip6-localnet\n'
    + 'fe00::0\tip6-mcastprefix\n'
    + 'fe00::1\tip6-allnodes\n'
    + 'fe00::2\tip6-allrouters\n';
  for (const ip of podIPs) out += domain ? `${ip}\t${hostname}.${domain}\t${hostname}\n` : `${ip}\t${hostname}\n`;
  return out + hostAliasLines(pod);
}
