// The node's pod network (../shared/docs/runtime-recipe.md §5): a CNI config for containerd's
// CRI plugin (bridge + host-local IPAM over the node's pod CIDR + portmap; containerd brings
// up each sandbox's loopback itself, so a loopback plugin in the list would only run twice) and the
// host routing policy that keeps every pod packet on this machine:
//   - the pod supernet and the service CIDR are blackholed (each instance adds its own
//     blackhole at its own metric, so one instance leaving never lifts another's);
//   - the service CIDR is routed to the bridge (so host → ClusterIP connects before DNAT);
//   - what a pod sends goes to its own subnet (main table) or into a table whose only
//     route is a blackhole default. The host's own addresses stay reachable (local table).
// Several Skiff instances (a `skiff up` and test clusters) coexist: instance N owns bridge
// skiff<N>, pod CIDR 10.88.<N>.0/24, table 18800+N. Claiming N is creating the bridge,
// which the kernel does for one claimant only.

import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, rmdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Logger } from '../log.ts';

const run = promisify(execFile);

export const POD_SUPERNET = '10.88.0.0/16';
export const DEFAULT_SERVICE_CIDR = '10.96.0.0/12';
export const CNI_NETWORK_NAME = 'skiff';
const BRIDGE_PREFIX = 'skiff';
const MAX_INSTANCE = 254;
const RULE_PREF_OWN_SUBNET = 999;
const RULE_PREF_BLACKHOLE = 1000;
/** Where the first instance records the host's ip_forward (the bridge plugin sets it to 1). */
const FORWARD_STATE = '/run/skiff-ip_forward';

export interface PodNetworkOptions {
  dataDir: string;
  /** The instance number: `skiff up` uses 0 (skiff0, 10.88.0.0/24); unset claims a free one in 1..254. */
  instance?: number;
  serviceCIDR?: string;
  log?: Logger;
}

export interface PodNetwork {
  instance: number;
  bridge: string;
  podCIDR: string;
  gateway: string;
  serviceCIDR: string;
  /** The routing table pod traffic falls into when it is not for the pod subnet. */
  table: number;
  conflistPath: string;
  /** Removes what this instance added: rules, routes, the bridge, the CNI config; the shared CNI state when it is the last. */
  teardown(): Promise<void>;
}

/** The addresses of instance n. */
export function instanceNetwork(n: number): { bridge: string; podCIDR: string; gateway: string; table: number; serviceMetric: number; blackholeMetric: number } {
  if (!Number.isInteger(n) || n < 0 || n > MAX_INSTANCE) throw new Error(`pod network instance ${n} out of range 0..${MAX_INSTANCE}`);
  return { bridge: `${BRIDGE_PREFIX}${n}`, podCIDR: `10.88.${n}.0/24`, gateway: `10.88.${n}.1`, table: 18800 + n, serviceMetric: 100 + n, blackholeMetric: 4000 + n };
}

/** The CNI network config list (containerd loads the first in its conf dir). */
export function cniConfList(bridge: string, podCIDR: string, gateway: string, ipamDir: string): object {
  return {
    cniVersion: '1.0.0',
    name: CNI_NETWORK_NAME,
    plugins: [
      {
        type: 'bridge', bridge, isGateway: true, hairpinMode: true,
        // No masquerading: the routing policy lets no pod packet leave the host anyway.
        ipMasq: false,
        ipam: { type: 'host-local', dataDir: ipamDir, ranges: [[{ subnet: podCIDR, gateway }]], routes: [{ dst: '0.0.0.0/0' }] },
      },
      { type: 'portmap', capabilities: { portMappings: true } },
    ],
  };
}

async function ip(...args: string[]): Promise<string> {
  const { stdout } = await run('ip', args);
  return stdout;
}

const fileExists = (e: unknown): boolean => /File exists|already assigned/.test((e as { stderr?: string }).stderr ?? '');

/** `ip ... add` that is fine when the thing exists already (a restarted instance). */
async function ensure(...args: string[]): Promise<void> {
  try {
    await ip(...args);
  } catch (e) {
    if (!fileExists(e)) throw e;
  }
}

/** Deletes quietly: a thing already gone is what we wanted. */
async function remove(...args: string[]): Promise<void> {
  await ip(...args).catch(() => undefined);
}

/** Skiff bridges on this host (skiff<N>). */
async function skiffBridges(): Promise<string[]> {
  const links = JSON.parse(await ip('-j', 'link', 'show', 'type', 'bridge')) as { ifname: string }[];
  return links.map((l) => l.ifname).filter((n) => new RegExp(`^${BRIDGE_PREFIX}\\d+$`).test(n));
}

/** The data dir of the instance that owns a bridge (its alias). */
async function bridgeOwner(bridge: string): Promise<string | undefined> {
  const [link] = JSON.parse(await ip('-j', 'link', 'show', 'dev', bridge)) as { ifalias?: string }[];
  return link?.ifalias || undefined;
}

/** Creates the bridge of instance n; false when it exists. */
async function claimBridge(bridge: string): Promise<boolean> {
  try {
    await ip('link', 'add', bridge, 'type', 'bridge');
    return true;
  } catch (e) {
    if (fileExists(e)) return false;
    throw e;
  }
}

async function readForwarding(): Promise<string> {
  return (await readFile('/proc/sys/net/ipv4/ip_forward', 'utf8')).trim();
}

/** Sets up the pod network of one instance; resolves once routes and the CNI config are in place. */
export async function setupPodNetwork(options: PodNetworkOptions): Promise<PodNetwork> {
  const log = options.log;
  const serviceCIDR = options.serviceCIDR ?? DEFAULT_SERVICE_CIDR;
  const bridges = await skiffBridges();
  // The first instance notes the host's forwarding setting for the last one to restore.
  if (bridges.length === 0) await writeFile(FORWARD_STATE, `${await readForwarding()}\n`, { flag: 'wx' }).catch(() => undefined);

  let n: number;
  if (options.instance !== undefined) {
    n = options.instance;
    const bridge = instanceNetwork(n).bridge;
    if (!(await claimBridge(bridge))) {
      // Ours from an earlier run (its pods may still be on it), or another data dir's: two clusters on one bridge would hand out the same IPs.
      const owner = await bridgeOwner(bridge);
      // A bridge whose data dir is gone has no cluster left to answer for it: taken over.
      if (owner !== undefined && owner !== options.dataDir && existsSync(owner)) throw new Error(`pod network ${bridge} belongs to the Skiff with data dir ${owner}: stop that one (or delete the bridge) first`);
    }
  } else {
    const start = 1 + Math.floor(Math.random() * MAX_INSTANCE);
    let claimed: number | undefined;
    for (let i = 0; i < MAX_INSTANCE && claimed === undefined; i++) {
      const candidate = 1 + ((start - 1 + i) % MAX_INSTANCE);
      if (await claimBridge(instanceNetwork(candidate).bridge)) claimed = candidate;
    }
    if (claimed === undefined) throw new Error('no free pod network instance (bridges skiff1..skiff254 all exist)');
    n = claimed;
  }
  const net = instanceNetwork(n);
  const prefix = net.podCIDR.split('/')[1];
  try {
    await ip('link', 'set', net.bridge, 'alias', options.dataDir);
    await ensure('addr', 'add', `${net.gateway}/${prefix}`, 'dev', net.bridge);
    await ip('link', 'set', net.bridge, 'up');
    // Destinations: nothing for the pod supernet or the service CIDR takes the default route.
    await ensure('route', 'add', 'blackhole', POD_SUPERNET, 'metric', String(net.blackholeMetric));
    await ensure('route', 'add', serviceCIDR, 'dev', net.bridge, 'metric', String(net.serviceMetric));
    await ensure('route', 'add', 'blackhole', serviceCIDR, 'metric', String(net.blackholeMetric));
    // Sources: a pod reaches its own subnet (and the host, through the local table), nothing else.
    await ensure('route', 'add', 'blackhole', 'default', 'table', String(net.table));
    await ensureRule('iif', net.bridge, 'to', net.podCIDR, 'lookup', 'main', 'pref', String(RULE_PREF_OWN_SUBNET));
    await ensureRule('iif', net.bridge, 'lookup', String(net.table), 'pref', String(RULE_PREF_BLACKHOLE));
  } catch (e) {
    await teardownInstance(n, serviceCIDR, options.dataDir, log);
    throw e;
  }

  const cniDir = join(options.dataDir, 'cni');
  const confDir = join(cniDir, 'net.d');
  await mkdir(confDir, { recursive: true });
  await mkdir(join(cniDir, 'ipam'), { recursive: true });
  const conflistPath = join(confDir, '10-skiff.conflist');
  await writeFile(conflistPath, JSON.stringify(cniConfList(net.bridge, net.podCIDR, net.gateway, join(cniDir, 'ipam')), null, 2) + '\n');
  log?.info('pod network ready', { bridge: net.bridge, podCIDR: net.podCIDR, serviceCIDR });

  let done: Promise<void> | undefined;
  return {
    instance: n,
    bridge: net.bridge,
    podCIDR: net.podCIDR,
    gateway: net.gateway,
    serviceCIDR,
    table: net.table,
    conflistPath,
    teardown: () => (done ??= teardownInstance(n, serviceCIDR, options.dataDir, log)),
  };
}

/** `ip rule add` unless the same rule is there (rules, unlike routes, may be duplicated). */
async function ensureRule(...spec: string[]): Promise<void> {
  const rules = await ip('rule', 'show');
  const iif = spec[spec.indexOf('iif') + 1];
  const pref = spec[spec.indexOf('pref') + 1];
  const to = spec.includes('to') ? spec[spec.indexOf('to') + 1] : undefined;
  const present = rules.split('\n').some((l) => l.startsWith(`${pref}:`) && l.includes(`iif ${iif} `) && (to === undefined ? !l.includes(' to ') : l.includes(`to ${to} `)));
  if (!present) await ip('rule', 'add', ...spec);
}

async function teardownInstance(n: number, serviceCIDR: string, dataDir: string, log: Logger | undefined): Promise<void> {
  const net = instanceNetwork(n);
  await remove('rule', 'del', 'iif', net.bridge, 'to', net.podCIDR, 'lookup', 'main', 'pref', String(RULE_PREF_OWN_SUBNET));
  await remove('rule', 'del', 'iif', net.bridge, 'lookup', String(net.table), 'pref', String(RULE_PREF_BLACKHOLE));
  await remove('route', 'del', 'blackhole', 'default', 'table', String(net.table));
  await remove('route', 'del', serviceCIDR, 'dev', net.bridge, 'metric', String(net.serviceMetric));
  await remove('route', 'del', 'blackhole', serviceCIDR, 'metric', String(net.blackholeMetric));
  await remove('route', 'del', 'blackhole', POD_SUPERNET, 'metric', String(net.blackholeMetric));
  await remove('link', 'del', net.bridge);
  await rm(join(dataDir, 'cni', 'net.d', '10-skiff.conflist'), { force: true });
  await rm(join(dataDir, 'cni', 'ipam'), { recursive: true, force: true });
  if ((await skiffBridges()).length === 0) await teardownShared(log);
  log?.info('pod network removed', { bridge: net.bridge });
}

const HOSTPORT_CHAINS = ['CNI-HOSTPORT-DNAT', 'CNI-HOSTPORT-MASQ', 'CNI-HOSTPORT-SETMARK'];

async function iptables(...args: string[]): Promise<string> {
  const { stdout } = await run('iptables', ['-w', '5', ...args]);
  return stdout;
}

/** The last instance out removes the host state CNI leaves behind (recipe P16) and restores ip_forward. */
async function teardownShared(log: Logger | undefined): Promise<void> {
  try {
    const nat = await iptables('-t', 'nat', '-S');
    // Jumps into the portmap chains from the built-in chains first, then the chains themselves.
    for (const line of nat.split('\n')) {
      const m = /^-A (PREROUTING|OUTPUT|POSTROUTING) (.*-j (CNI-HOSTPORT-[A-Z]+).*)$/.exec(line);
      if (m) await iptables('-t', 'nat', '-D', m[1], ...splitRule(m[2])).catch(() => undefined);
    }
    for (const chain of HOSTPORT_CHAINS) {
      if (!nat.includes(`-N ${chain}\n`)) continue;
      await iptables('-t', 'nat', '-F', chain).catch(() => undefined);
    }
    for (const chain of HOSTPORT_CHAINS) {
      if (!nat.includes(`-N ${chain}\n`)) continue;
      await iptables('-t', 'nat', '-X', chain).catch(() => undefined);
    }
  } catch (e) {
    log?.warn('removing the CNI portmap chains failed', { error: (e as Error).message });
  }
  const saved = (await readFile(FORWARD_STATE, 'utf8').catch(() => '')).trim();
  if (saved === '0' || saved === '1') await writeFile('/proc/sys/net/ipv4/ip_forward', `${saved}\n`).catch(() => undefined);
  await rm(FORWARD_STATE, { force: true });
  // libcni's result cache is shared by every CNI user on the host: removed only when empty.
  await rmdir('/var/lib/cni/results').catch(() => undefined);
  await rmdir('/var/lib/cni').catch(() => undefined);
}

/** iptables -S arguments, with quoted comments kept whole. */
function splitRule(rule: string): string[] {
  const out: string[] = [];
  const re = /"((?:[^"\\]|\\.)*)"|(\S+)/g;
  for (let m = re.exec(rule); m; m = re.exec(rule)) out.push(m[1] !== undefined ? m[1].replace(/\\"/g, '"') : m[2]);
  return out;
}
