// The pod's and containers' securityContext as CRI takes it (kuberuntime security_context.go,
// generatePodSandboxLinuxConfig, pkg/securitycontext): the container's own settings over the
// pod's, user and group IDs, supplemental groups (fsGroup first), capabilities, privileged,
// a read-only root filesystem, no_new_privs from allowPrivilegeEscalation, and the /proc
// paths a default procMount masks or makes read-only. Also the runAsNonRoot check the kubelet
// makes before creating a container.
//
// These are CRI's LinuxContainerSecurityContext / LinuxSandboxSecurityContext fields (camelCase
// of runtime.v1); a runtime that does not know a field ignores it.

import type { IContainer, ISecurityContext } from 'kubernetes-models/v1';
import type { NamespaceOption } from '../runtime/types.ts';
import { podDescription, type Pod } from '../types.ts';

export interface Int64Value { value: number }

/** runtime.v1 LinuxContainerSecurityContext (capabilities=1, privileged=2, namespace_options=3, run_as_user=5, readonly_rootfs=7, supplemental_groups=8, no_new_privs=11, run_as_group=12, masked_paths=13, readonly_paths=14). */
export interface LinuxContainerSecurityContext {
  capabilities?: { addCapabilities?: string[]; dropCapabilities?: string[] };
  privileged?: boolean;
  namespaceOptions?: NamespaceOption;
  runAsUser?: Int64Value;
  runAsGroup?: Int64Value;
  readonlyRootfs?: boolean;
  supplementalGroups?: number[];
  noNewPrivs?: boolean;
  maskedPaths?: string[];
  readonlyPaths?: string[];
}

/** runtime.v1 LinuxSandboxSecurityContext (namespace_options=1, run_as_user=3, readonly_rootfs=4, supplemental_groups=5, privileged=6, run_as_group=8). */
export interface LinuxSandboxSecurityContext {
  namespaceOptions?: NamespaceOption;
  runAsUser?: Int64Value;
  runAsGroup?: Int64Value;
  supplementalGroups?: number[];
  privileged?: boolean;
}

/** What a default procMount hides (securitycontext defaultMaskedPaths) ... */
export const DEFAULT_MASKED_PATHS = [
  '/proc/asound', '/proc/acpi', '/proc/kcore', '/proc/keys', '/proc/latency_stats', '/proc/timer_list', '/proc/timer_stats',
  '/proc/sched_debug', '/proc/scsi', '/sys/firmware', '/sys/devices/virtual/powercap',
];
/** ... and makes read-only (defaultReadonlyPaths). */
export const DEFAULT_READONLY_PATHS = ['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger'];

/** DetermineEffectiveSecurityContext: the container's settings, falling back to the pod's for the fields both have. */
export function effectiveSecurityContext(pod: Pod, container: IContainer): ISecurityContext {
  const podSc = pod.spec?.securityContext ?? {};
  const sc: ISecurityContext = { ...(container.securityContext ?? {}) };
  sc.runAsUser ??= podSc.runAsUser;
  sc.runAsGroup ??= podSc.runAsGroup;
  sc.runAsNonRoot ??= podSc.runAsNonRoot;
  sc.seLinuxOptions ??= podSc.seLinuxOptions;
  sc.seccompProfile ??= podSc.seccompProfile;
  return sc;
}

/** fsGroup first, then the pod's supplementalGroups (as the kubelet orders them). */
function podSupplementalGroups(pod: Pod): number[] {
  const sc = pod.spec?.securityContext;
  return [...(sc?.fsGroup !== undefined ? [sc.fsGroup] : []), ...(sc?.supplementalGroups ?? [])];
}

const int64 = (v: number | undefined): Int64Value | undefined => (v === undefined ? undefined : { value: v });

export function containerSecurityContext(pod: Pod, container: IContainer, namespaceOptions: NamespaceOption): LinuxContainerSecurityContext {
  const sc = effectiveSecurityContext(pod, container);
  const out: LinuxContainerSecurityContext = { namespaceOptions };
  if (sc.runAsUser !== undefined) out.runAsUser = int64(sc.runAsUser);
  if (sc.runAsGroup !== undefined) out.runAsGroup = int64(sc.runAsGroup);
  if (sc.privileged) out.privileged = true;
  if (sc.readOnlyRootFilesystem) out.readonlyRootfs = true;
  const caps = sc.capabilities;
  if (caps?.add?.length || caps?.drop?.length) out.capabilities = { addCapabilities: caps.add ?? [], dropCapabilities: caps.drop ?? [] };
  const groups = podSupplementalGroups(pod);
  if (groups.length) out.supplementalGroups = groups;
  // AddNoNewPrivileges: only an explicit allowPrivilegeEscalation: false sets it.
  if (sc.allowPrivilegeEscalation === false) out.noNewPrivs = true;
  if ((sc.procMount ?? 'Default') === 'Default') {
    out.maskedPaths = [...DEFAULT_MASKED_PATHS];
    out.readonlyPaths = [...DEFAULT_READONLY_PATHS];
  }
  return out;
}

/** The sandbox's: the pod-level user, group and supplemental groups, and whether any container is privileged. */
export function sandboxSecurityContext(pod: Pod, namespaceOptions: NamespaceOption): LinuxSandboxSecurityContext {
  const sc = pod.spec?.securityContext;
  const out: LinuxSandboxSecurityContext = { namespaceOptions };
  if (sc?.runAsUser !== undefined) out.runAsUser = int64(sc.runAsUser);
  if (sc?.runAsGroup !== undefined) out.runAsGroup = int64(sc.runAsGroup);
  const groups = podSupplementalGroups(pod);
  if (groups.length) out.supplementalGroups = groups;
  const all = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])];
  if (all.some((c) => c.securityContext?.privileged)) out.privileged = true;
  return out;
}

/**
 * verifyRunAsNonRoot, for the part the agent can see: a runAsNonRoot container whose
 * runAsUser is 0 is refused (CreateContainerConfigError). Without a runAsUser upstream asks
 * the image's user, which the runtime interface here does not report.
 */
export function verifyRunAsNonRoot(pod: Pod, container: IContainer, imageUser?: ImageUser): void {
  const sc = effectiveSecurityContext(pod, container);
  if (!sc.runAsNonRoot) return;
  if (sc.runAsUser !== undefined) {
    if (sc.runAsUser === 0) throw new Error(`container's runAsUser breaks non-root policy (pod: "${podDescription(pod)}", container: ${container.name})`);
    return;
  }
  if (!imageUser) return;
  // Only a numeric user can be verified; an image that names none runs as root (getImageUser).
  if (imageUser.uid === undefined && imageUser.username) {
    throw new Error(`container has runAsNonRoot and image has non-numeric user (${imageUser.username}), cannot verify user is non-root (pod: "${podDescription(pod)}", container: ${container.name})`);
  }
  if ((imageUser.uid ?? 0) === 0) throw new Error(`container has runAsNonRoot and image will run as root (pod: "${podDescription(pod)}", container: ${container.name})`);
}

/** The user an image's config runs as (CRI ImageStatus uid or username). */
export interface ImageUser { uid?: number; username?: string }

/** Whether verifyRunAsNonRoot needs the image's user: runAsNonRoot without a runAsUser. */
export function needsImageUser(pod: Pod, container: IContainer): boolean {
  const sc = effectiveSecurityContext(pod, container);
  return sc.runAsNonRoot === true && sc.runAsUser === undefined;
}
