// What the node-volumes cases share: the pod builders of test/e2e/common/storage
// (NewAgnhostPod, the mounttest file-mode expectations, the ConfigMap and Secret fixtures).
// The e2e pod helpers they run through (TestContainerOutput, CreateSync, GetPodLogs,
// DeleteSync) are the node cases' ones in nodepods.ts, re-exported here.

import type { V1ConfigMap, V1Container, V1Secret, V1Volume, V1VolumeMount } from '@kubernetes/client-node';
import { must } from './expect.ts';
import { images } from './images.ts';
import { eventuallyLogContains as eventuallyLogContainsMs, type Pod } from './nodepods.ts';
import type { CaseContext } from './types.ts';

export { createSync, deleteSync, getPodLogs, testContainerOutput, type Pod } from './nodepods.ts';

/** e2epod.GetPodSecretUpdateTimeout: the kubelet's sync period plus its ConfigMap/Secret cache TTL, padded (240 s). */
export const POD_SECRET_UPDATE_TIMEOUT_S = 240;

/** nonRootTestUserID of test/e2e/common/storage/util.go */
export const NON_ROOT_TEST_USER_ID = 1000;

// ---------------------------------------------------------------------------------------
// Builders

/** e2epod.NewAgnhostContainer: agnhost with the given args (pause when none). */
export function newAgnhostContainer(name: string, mounts: V1VolumeMount[], args: string[]): V1Container {
  return { name, image: images.agnhost, args: args.length ? args : ['pause'], volumeMounts: mounts };
}

/** e2epod.NewAgnhostPod: one agnhost container, an empty pod security context, no grace period. */
export function newAgnhostPod(namespace: string, name: string, volumes: V1Volume[], mounts: V1VolumeMount[], ...args: string[]): Pod {
  return {
    metadata: { name, namespace },
    spec: {
      containers: [newAgnhostContainer('agnhost-container', mounts, args)],
      volumes,
      securityContext: {},
      terminationGracePeriodSeconds: 0,
    },
  };
}

/** createMounts: a single mount of the volume. */
export function createMounts(volumeName: string, mountPath: string, readOnly: boolean): V1VolumeMount[] {
  return [{ name: volumeName, mountPath, readOnly }];
}

/** setPodNonRootUser (Linux): runAsUser 1000 on the pod. */
export function setPodNonRootUser(pod: Pod): void {
  pod.spec.securityContext = { ...pod.spec.securityContext, runAsUser: NON_ROOT_TEST_USER_ID };
}

/** Go's os.FileMode(perm).String() for a plain permission mask, e.g. 0o644 → -rw-r--r--. */
export function goFileMode(perm: number): string {
  const bits = 'rwxrwxrwx';
  let s = '-';
  for (let i = 0; i < 9; i++) s += perm & (1 << (8 - i)) ? bits[i] : '-';
  return s;
}

const quoteRegexp = (s: string): string => s.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');

/** getFileModeRegex: the mounttest mode line for the mask (0644 when none), Linux or Windows form. */
export function fileModeRegex(filePath: string, mask?: number): string {
  const linux = `mode of file "${filePath}": ${goFileMode(mask ?? 0o644)}`;
  const windows = `mode of Windows file "${filePath}": ${goFileMode(mask ?? 0o775)}`;
  return `(${quoteRegexp(linux)}|${quoteRegexp(windows)})`;
}

/** newConfigMap of configmap_volume.go: data-1..3 = value-1..3. */
export function newConfigMap(namespace: string, name: string): V1ConfigMap {
  return { metadata: { namespace, name }, data: { 'data-1': 'value-1', 'data-2': 'value-2', 'data-3': 'value-3' } };
}

const b64 = (s: string): string => Buffer.from(s).toString('base64');

/** secretForTest of secrets_volume.go: data-1..3 = "value-1..3\n". */
export function secretForTest(namespace: string, name: string): V1Secret {
  return { metadata: { namespace, name }, data: { 'data-1': b64('value-1\n'), 'data-2': b64('value-2\n'), 'data-3': b64('value-3\n') } };
}

/** A Secret's data map from plain strings (what []byte("...") literals are in Go). */
export function secretData(data: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(data).map(([k, v]) => [k, b64(v)]));
}

// ---------------------------------------------------------------------------------------
// API calls

export function createConfigMap(ctx: CaseContext, cm: V1ConfigMap): Promise<V1ConfigMap> {
  return must(ctx.rest.post<V1ConfigMap>(`/api/v1/namespaces/${ctx.namespace}/configmaps`, { apiVersion: 'v1', kind: 'ConfigMap', ...cm }),
    `unable to create test configMap ${cm.metadata?.name ?? ''}`);
}

export function createSecret(ctx: CaseContext, secret: V1Secret, namespace = ctx.namespace): Promise<V1Secret> {
  return must(ctx.rest.post<V1Secret>(`/api/v1/namespaces/${namespace}/secrets`, { apiVersion: 'v1', kind: 'Secret', ...secret }),
    `unable to create test secret ${secret.metadata?.name ?? ''}`);
}

/**
 * gomega.Eventually(GetPodLogs, timeout, framework.Poll).Should(ContainSubstring(want)),
 * with the timeout in seconds as the storage tests give it (podLogTimeout).
 */
export async function eventuallyLogContains(ctx: CaseContext, podName: string, containerName: string, want: string, timeoutS = POD_SECRET_UPDATE_TIMEOUT_S): Promise<void> {
  await eventuallyLogContainsMs(ctx, podName, containerName, want, timeoutS * 1000);
}
