// A container's environment as the kubelet makes it (kubelet_pods.go makeEnvironmentVariables):
// envFrom sources first, then env in order (value with $(VAR) expansion, or valueFrom a pod
// field, a resource, a ConfigMap key or a Secret key), then the service variables docker
// links used to provide. Also $(VAR) expansion itself (third_party/forked/golang/expansion)
// for command, args and subPathExpr, and the downward API's field and resource values,
// which volumes share.

import type { IContainer, IEnvVar, IObjectFieldSelector, IResourceFieldSelector } from 'kubernetes-models/v1';
import { isRelaxedEnvVarName } from '../registry/validation/names.ts';
import { quantityValue } from '../registry/validation/quantity.ts';
import type { PodObjects, Service } from './kuberuntime/objects.ts';
import type { Pod, ResourceList } from './types.ts';

export interface EnvVar { name: string; value: string }

/** Turns a variable name into its value; unknown names stay as written, `$(NAME)`. */
export type Mapping = (name: string) => string;

/**
 * Expands `$(VAR)` references: `$$` is an escaped `$`, a reference whose name the mapping
 * does not know stays as written, and an unterminated `$(` is left alone.
 */
export function expand(input: string, mapping: Mapping): string {
  let out = '';
  let checkpoint = 0;
  for (let cursor = 0; cursor < input.length; cursor++) {
    if (input[cursor] !== '$' || cursor + 1 >= input.length) continue;
    out += input.slice(checkpoint, cursor);
    const next = input[cursor + 1];
    let advance = 1;
    if (next === '$') out += '$';
    else if (next === '(') {
      const close = input.indexOf(')', cursor + 2);
      if (close < 0) out += '$(';
      else {
        out += mapping(input.slice(cursor + 2, close));
        advance = close - cursor;
      }
    } else out += `$${next}`;
    cursor += advance;
    checkpoint = cursor + 1;
  }
  return out + input.slice(checkpoint);
}

/** A mapping over maps tried in order; names none of them has expand to themselves. */
export function mappingFor(...contexts: ReadonlyMap<string, string>[]): Mapping {
  return (name) => {
    for (const c of contexts) {
      const v = c.get(name);
      if (v !== undefined) return v;
    }
    return `$(${name})`;
  };
}

/** Command and args with $(VAR) expanded against the container's final environment. */
export function expandCommandAndArgs(c: IContainer, env: EnvVar[]): { command?: string[]; args?: string[] } {
  const mapping = mappingFor(new Map(env.map((e) => [e.name, e.value])));
  return { command: c.command?.map((s) => expand(s, mapping)), args: c.args?.map((s) => expand(s, mapping)) };
}

/** subPathExpr expanded; every variable it names must be set and non-empty. */
export function expandSubPathExpr(expr: string, env: EnvVar[]): string {
  const values = new Map(env.map((e) => [e.name, e.value]));
  const missing = new Set<string>();
  const out = expand(expr, (name) => {
    const v = values.get(name);
    if (!v) missing.add(name);
    return v ?? '';
  });
  if (missing.size) throw new Error(`missing value for ${[...missing].sort().join(', ')}`);
  return out;
}

// --- Downward API ----------------------------------------------------------------------------

/** What the pod's own object does not say: its IPs come from the sandbox, the host IP from the node. */
export interface PodRuntimeFacts {
  podIP: string;
  hostIP: string;
}

/** fieldpath.FormatMap: sorted `key="value"` lines, values quoted. */
export function formatMap(m: Record<string, string> | undefined): string {
  return Object.keys(m ?? {}).sort().map((k) => `${k}=${JSON.stringify(m![k])}`).join('\n');
}

const subscript = /^metadata\.(labels|annotations)\['(.*)'\]$/;

/** The value of a pod field (env fieldRef and downwardAPI volume items); whole label and annotation maps only in volumes. */
export function podFieldValue(pod: Pod, ref: IObjectFieldSelector, facts: PodRuntimeFacts, allowMaps: boolean): string {
  const path = ref.fieldPath;
  const m = pod.metadata;
  const sub = subscript.exec(path);
  if (sub) return (sub[1] === 'labels' ? m.labels : m.annotations)?.[sub[2]] ?? '';
  const podIP = pod.spec?.hostNetwork ? facts.hostIP : facts.podIP;
  switch (path) {
    case 'metadata.name': return m.name;
    case 'metadata.namespace': return m.namespace ?? '';
    case 'metadata.uid': return m.uid ?? '';
    case 'metadata.labels': if (allowMaps) return formatMap(m.labels); break;
    case 'metadata.annotations': if (allowMaps) return formatMap(m.annotations); break;
    case 'spec.nodeName': return pod.spec?.nodeName ?? '';
    case 'spec.serviceAccountName': return pod.spec?.serviceAccountName ?? '';
    case 'status.hostIP': return facts.hostIP;
    case 'status.hostIPs': return facts.hostIP;
    case 'status.podIP': return podIP;
    case 'status.podIPs': return podIP;
  }
  throw new Error(`unsupported fieldPath: ${path}`);
}

const RESOURCE_NAMES = new Set(['cpu', 'memory', 'ephemeral-storage']);

/**
 * A container's resource as the downward API exposes it (resource.ExtractContainerResourceValue):
 * the value divided by the divisor, rounded up; cpu in whole cores by default. A limit the
 * container does not set is the node's allocatable (the kubelet's defaulting for the downward API).
 */
export function containerResourceValue(ref: IResourceFieldSelector, container: IContainer, allocatable: ResourceList): string {
  const [kind, name] = ref.resource.split('.', 2) as [string, string | undefined];
  if ((kind !== 'limits' && kind !== 'requests') || !name || !(RESOURCE_NAMES.has(name) || name.startsWith('hugepages-'))) {
    throw new Error(`unsupported container resource : ${ref.resource}`);
  }
  const res = container.resources ?? {};
  let q = (kind === 'limits' ? res.limits : res.requests)?.[name];
  if (q === undefined && kind === 'limits') q = allocatable[name];
  const value = quantityValue(q ?? 0) ?? 0;
  const divisor = quantityValue(ref.divisor ?? 0) || 1;
  if (name === 'cpu') {
    // In millicores, as convertResourceCPUToString does, so that "1m" divisors stay exact.
    return String(Math.ceil(Math.round(value * 1000) / Math.round(divisor * 1000 || 1000)));
  }
  return String(Math.ceil(value / divisor));
}

// --- Service variables -------------------------------------------------------------------------

const envName = (s: string): string => s.toUpperCase().replace(/-/g, '_');
const hostPort = (host: string, port: number): string => (host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`);

const isServiceIPSet = (s: Service): boolean => !!s.spec?.clusterIP && s.spec.clusterIP !== 'None';

/** envvars.FromServices: `<NAME>_SERVICE_HOST/_PORT[_<PORTNAME>]` and the docker-link `<NAME>_PORT...` variables. */
export function serviceEnvVars(list: Service[]): EnvVar[] {
  const out: EnvVar[] = [];
  for (const s of list) {
    if (!isServiceIPSet(s)) continue;
    const name = envName(s.metadata?.name ?? '');
    const host = s.spec!.clusterIP!;
    const ports = s.spec?.ports ?? [];
    out.push({ name: `${name}_SERVICE_HOST`, value: host });
    if (ports.length) out.push({ name: `${name}_SERVICE_PORT`, value: String(ports[0].port) });
    for (const p of ports) if (p.name) out.push({ name: `${name}_SERVICE_PORT_${envName(p.name)}`, value: String(p.port) });
    ports.forEach((p, i) => {
      const proto = (p.protocol ?? 'TCP').toLowerCase();
      const url = `${proto}://${hostPort(host, p.port)}`;
      if (i === 0) out.push({ name: `${name}_PORT`, value: url });
      const prefix = `${name}_PORT_${p.port}_${proto.toUpperCase()}`;
      out.push({ name: prefix, value: url }, { name: `${prefix}_PROTO`, value: proto }, { name: `${prefix}_PORT`, value: String(p.port) }, { name: `${prefix}_ADDR`, value: host });
    });
  }
  return out;
}

/** The master service is always there; the namespace's own services only with enableServiceLinks. */
async function serviceEnv(pod: Pod, objects: PodObjects): Promise<Map<string, string>> {
  const ns = pod.metadata.namespace ?? 'default';
  const links = pod.spec?.enableServiceLinks !== false;
  const byName = new Map<string, Service>();
  if (links) for (const s of await objects.services(ns)) if (isServiceIPSet(s)) byName.set(s.metadata?.name ?? '', s);
  if (ns !== 'default' || !links) {
    const master = (await objects.services('default')).find((s) => s.metadata?.name === 'kubernetes');
    if (master && isServiceIPSet(master) && !byName.has('kubernetes')) byName.set('kubernetes', master);
  }
  const sorted = [...byName.values()].sort((a, b) => ((a.metadata?.name ?? '') < (b.metadata?.name ?? '') ? -1 : 1));
  return new Map(serviceEnvVars(sorted).map((e) => [e.name, e.value]));
}

// --- The container's environment ---------------------------------------------------------------


export interface EnvContext {
  objects: PodObjects;
  facts: PodRuntimeFacts;
  /** The node's allocatable, the default for unset limits in resourceFieldRef (asked for only then). */
  allocatable(): Promise<ResourceList>;
  /** Records a Warning event on the pod (invalid envFrom keys). */
  warn(reason: string, message: string): void;
}

const decode = (b64: string): string => Buffer.from(b64, 'base64').toString('utf8');

/**
 * The environment of one container. Throws (with the kubelet's message) when a ConfigMap,
 * Secret or key it needs does not exist and is not optional: the container then waits in
 * CreateContainerConfigError.
 */
export async function makeEnvironmentVariables(pod: Pod, container: IContainer, ctx: EnvContext): Promise<EnvVar[]> {
  const ns = pod.metadata.namespace ?? 'default';
  const service = await serviceEnv(pod, ctx.objects);
  const env = new Map<string, string>();

  for (const from of container.envFrom ?? []) {
    const prefix = from.prefix ?? '';
    const invalid: string[] = [];
    const take = (data: Record<string, string> | undefined, conv: (v: string) => string) => {
      for (const [k, v] of Object.entries(data ?? {})) {
        const key = prefix + k;
        // 1.32's RelaxedEnvironmentVariableValidation (on by default), as the API server validates env names.
        if (isRelaxedEnvVarName(key).length) invalid.push(key);
        else env.set(key, conv(v));
      }
    };
    if (from.configMapRef) {
      const name = from.configMapRef.name ?? '';
      const cm = await ctx.objects.configMap(ns, name);
      if (!cm) {
        if (from.configMapRef.optional) continue;
        throw new Error(`configmap "${name}" not found`);
      }
      take(cm.data, (v) => v);
      if (invalid.length) ctx.warn('InvalidEnvironmentVariableNames', `Keys [${invalid.sort().join(', ')}] from the EnvFrom configMap ${ns}/${name} were skipped since they are considered invalid environment variable names.`);
    } else if (from.secretRef) {
      const name = from.secretRef.name ?? '';
      const secret = await ctx.objects.secret(ns, name);
      if (!secret) {
        if (from.secretRef.optional) continue;
        throw new Error(`secret "${name}" not found`);
      }
      take(secret.data, decode);
      if (invalid.length) ctx.warn('InvalidEnvironmentVariableNames', `Keys [${invalid.sort().join(', ')}] from the EnvFrom secret ${ns}/${name} were skipped since they are considered invalid environment variable names.`);
    }
  }

  const mapping = mappingFor(env, service);
  for (const v of container.env ?? []) {
    const value = await envValue(pod, container, v, mapping, ctx);
    if (value !== undefined) env.set(v.name, value);
  }

  const out: EnvVar[] = [...env].map(([name, value]) => ({ name, value }));
  for (const [name, value] of service) if (!env.has(name)) out.push({ name, value });
  return out;
}

/** One env entry's value, or undefined when an optional source is missing (the variable is left out). */
async function envValue(pod: Pod, container: IContainer, v: IEnvVar, mapping: Mapping, ctx: EnvContext): Promise<string | undefined> {
  if (v.value) return expand(v.value, mapping);
  const from = v.valueFrom;
  if (!from) return '';
  const ns = pod.metadata.namespace ?? 'default';
  if (from.fieldRef) return podFieldValue(pod, from.fieldRef, ctx.facts, false);
  if (from.resourceFieldRef) {
    const target = from.resourceFieldRef.containerName
      ? [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])].find((c) => c.name === from.resourceFieldRef!.containerName) ?? container
      : container;
    return containerResourceValue(from.resourceFieldRef, target, await ctx.allocatable());
  }
  if (from.configMapKeyRef) {
    const { name = '', key, optional } = from.configMapKeyRef;
    const cm = await ctx.objects.configMap(ns, name);
    if (!cm) {
      if (optional) return undefined;
      throw new Error(`configmap "${name}" not found`);
    }
    const value = cm.data?.[key];
    if (value === undefined) {
      if (optional) return undefined;
      throw new Error(`couldn't find key ${key} in ConfigMap ${ns}/${name}`);
    }
    return value;
  }
  if (from.secretKeyRef) {
    const { name = '', key, optional } = from.secretKeyRef;
    const secret = await ctx.objects.secret(ns, name);
    if (!secret) {
      if (optional) return undefined;
      throw new Error(`secret "${name}" not found`);
    }
    const value = secret.data?.[key];
    if (value === undefined) {
      if (optional) return undefined;
      throw new Error(`couldn't find key ${key} in Secret ${ns}/${name}`);
    }
    return decode(value);
  }
  return '';
}
