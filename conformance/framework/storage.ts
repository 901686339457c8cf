// The test bodies test/e2e/common/storage and test/e2e/storage share between several
// conformance tests (doConfigMapE2EWithoutMappings, doSecretE2EWithMapping, the downward
// API pod builders, the emptyDir doTest* family, SubpathTestPod + TestBasicSubpathFile...),
// written once here and called by the node-volumes cases with each test's parameters.
// The plain and "projected" variants differ in names, paths and where a mode goes, exactly
// as upstream's two copies of each helper do.

import type {
  V1ConfigMap, V1Container, V1DownwardAPIVolumeFile, V1KeyToPath, V1Volume, V1VolumeMount,
} from '@kubernetes/client-node';
import { isAlreadyExists } from './client.ts';
import { describeError, fail, must, retryOnConflict } from './expect.ts';
import { images } from './images.ts';
import { randString, uuid } from './json.ts';
import type { CaseContext } from './types.ts';
import {
  createConfigMap, createMounts, createSecret, createSync, eventuallyLogContains, fileModeRegex, goFileMode, newAgnhostPod,
  newConfigMap, NON_ROOT_TEST_USER_ID, POD_SECRET_UPDATE_TIMEOUT_S, secretData, secretForTest, setPodNonRootUser, testContainerOutput,
  type Pod,
} from './volumes.ts';

// ---------------------------------------------------------------------------------------
// ConfigMap volumes (configmap_volume.go, projected_configmap.go)

interface Flavour { projected: boolean }

const cmNames = ({ projected }: Flavour) => projected
  ? { prefix: 'projected-configmap-test-volume-', volume: 'projected-configmap-volume', mount: '/etc/projected-configmap-volume', pod: 'pod-projected-configmaps-' }
  : { prefix: 'configmap-test-volume-', volume: 'configmap-volume', mount: '/etc/configmap-volume', pod: 'pod-configmaps-' };

function configMapVolume(volumeName: string, cmName: string, projected: boolean, extra: { items?: V1KeyToPath[]; optional?: boolean } = {}): V1Volume {
  const ref = { name: cmName, ...(extra.items ? { items: extra.items } : {}), ...(extra.optional !== undefined ? { optional: extra.optional } : {}) };
  return projected ? { name: volumeName, projected: { sources: [{ configMap: ref }] } } : { name: volumeName, configMap: ref };
}

/** createConfigMapVolumeMounttestPod / createProjectedConfigMapMounttestPod */
export function configMapMounttestPod(ns: string, f: Flavour, volumeName: string, cmName: string, mountPath: string, ...mounttestArgs: string[]): Pod {
  const pod = newAgnhostPod(ns, `${cmNames(f).pod}${uuid()}`, [configMapVolume(volumeName, cmName, f.projected)], createMounts(volumeName, mountPath, true), 'mounttest', ...mounttestArgs);
  pod.spec.restartPolicy = 'Never';
  return pod;
}

/** doConfigMapE2EWithoutMappings / doProjectedConfigMapE2EWithoutMappings */
export async function doConfigMapE2EWithoutMappings(ctx: CaseContext, f: Flavour, asUser: boolean, fsGroup: number, defaultMode?: number): Promise<void> {
  const n = cmNames(f);
  const name = `${n.prefix}${uuid()}`;
  ctx.step(`Creating ${f.projected ? 'projection with configMap that has name' : 'configMap with name'} ${name}`);
  await createConfigMap(ctx, newConfigMap(ctx.namespace, name));
  const file = `${n.mount}/data-1`;
  const pod = configMapMounttestPod(ctx.namespace, f, n.volume, name, n.mount, `--file_content=${file}`, `--file_mode=${file}`);
  if (!f.projected) pod.spec.terminationGracePeriodSeconds = 1;
  if (asUser) setPodNonRootUser(pod);
  if (fsGroup !== 0) pod.spec.securityContext = { ...pod.spec.securityContext, fsGroup };
  if (defaultMode !== undefined) {
    const v = pod.spec.volumes?.[0];
    if (f.projected && v?.projected) v.projected.defaultMode = defaultMode;
    else if (v?.configMap) v.configMap.defaultMode = defaultMode;
  }
  await testContainerOutput(ctx, 'consume configMaps', pod, 0, [`content of file "${file}": value-1`, fileModeRegex(file, defaultMode)], 'regexp');
}

/** doConfigMapE2EWithMappings / doProjectedConfigMapE2EWithMappings (the projected one puts the mode on the volume). */
export async function doConfigMapE2EWithMappings(ctx: CaseContext, f: Flavour, asUser: boolean, fsGroup: number, itemMode?: number): Promise<void> {
  const n = cmNames(f);
  const name = `${n.prefix}map-${uuid()}`;
  ctx.step(`Creating ${f.projected ? 'projection with configMap that has name' : 'configMap with name'} ${name}`);
  await createConfigMap(ctx, newConfigMap(ctx.namespace, name));
  const file = `${n.mount}/path/to/data-2`;
  const pod = configMapMounttestPod(ctx.namespace, f, n.volume, name, n.mount, `--file_content=${file}`, `--file_mode=${file}`);
  const items: V1KeyToPath[] = [{ key: 'data-2', path: 'path/to/data-2' }];
  const v = pod.spec.volumes?.[0];
  if (f.projected) {
    const src = v?.projected?.sources?.[0].configMap;
    if (src) src.items = items;
  } else if (v?.configMap) {
    v.configMap.items = items;
    pod.spec.terminationGracePeriodSeconds = 1;
  }
  if (asUser) setPodNonRootUser(pod);
  if (fsGroup !== 0) pod.spec.securityContext = { ...pod.spec.securityContext, fsGroup };
  if (itemMode !== undefined) {
    if (f.projected && v?.projected) v.projected.defaultMode = itemMode;
    else items[0].mode = itemMode;
  }
  const output = [`content of file "${file}": value-2`];
  if (fsGroup === 0) output.push(fileModeRegex(file, itemMode));
  await testContainerOutput(ctx, 'consume configMaps', pod, 0, output, 'regexp');
}

/** "updates should be reflected in volume": an update of a mounted ConfigMap reaches the running pod. */
export async function configMapUpdateTest(ctx: CaseContext, f: Flavour): Promise<void> {
  const n = cmNames(f);
  const name = `${f.projected ? 'projected-configmap-test-upd-' : 'configmap-test-upd-'}${uuid()}`;
  const cm: V1ConfigMap = { metadata: { namespace: ctx.namespace, name }, data: { 'data-1': 'value-1' } };
  ctx.step(`Creating ${f.projected ? 'projection with configMap that has name' : 'configMap with name'} ${name}`);
  await createConfigMap(ctx, cm);
  const pod = configMapMounttestPod(ctx.namespace, f, n.volume, name, n.mount,
    '--break_on_expected_content=false', `--retry_time=${POD_SECRET_UPDATE_TIMEOUT_S}`, `--file_content_in_loop=${n.mount}/data-1`);
  ctx.step('Creating the pod');
  await createSync(ctx, pod);
  const container = pod.spec.containers[0].name;
  await eventuallyLogContains(ctx, pod.metadata.name, container, 'value-1');

  ctx.step(`Updating configmap ${name}`);
  cm.data = { 'data-1': 'value-2' };
  await must(ctx.rest.put(`/api/v1/namespaces/${ctx.namespace}/configmaps/${name}`, { apiVersion: 'v1', kind: 'ConfigMap', ...cm }),
    `Failed to update configmap "${name}" in namespace "${ctx.namespace}"`);

  ctx.step('waiting to observe update in volume');
  await eventuallyLogContains(ctx, pod.metadata.name, container, 'value-2');
}

/**
 * "optional updates should be reflected in volume" of ConfigMaps and Secrets, plain and
 * projected: three optional volumes — one whose object is deleted, one updated, one created
 * only after the pod runs — each watched by a mounttest loop in its own container.
 */
export async function optionalUpdatesTest(ctx: CaseContext, kind: 'configMap' | 'secret', f: Flavour): Promise<void> {
  const cm = kind === 'configMap';
  const mountRoot = `/etc/${f.projected ? 'projected-' : ''}${cm ? 'configmap' : 'secret'}-volumes`;
  const objPrefix = cm ? 'cm-test-opt-' : 's-test-opt-';
  const roles = {
    delete: { name: `${objPrefix}del-${uuid()}`, container: cm ? 'delcm-volume-test' : 'dels-volume-test', volume: cm ? 'deletecm-volume' : 'deletes-volume', file: 'data-1' },
    update: { name: `${objPrefix}upd-${uuid()}`, container: cm ? 'updcm-volume-test' : 'upds-volume-test', volume: cm ? 'updatecm-volume' : 'updates-volume', file: 'data-3' },
    create: { name: `${objPrefix}create-${uuid()}`, container: cm ? 'createcm-volume-test' : 'creates-volume-test', volume: cm ? 'createcm-volume' : 'creates-volume', file: 'data-1' },
  };
  const plural = cm ? 'configmaps' : 'secrets';
  const objPath = (name?: string) => `/api/v1/namespaces/${ctx.namespace}/${plural}${name ? `/${name}` : ''}`;
  const object = (name: string, data: Record<string, string>) => cm
    ? { apiVersion: 'v1', kind: 'ConfigMap', metadata: { namespace: ctx.namespace, name }, data }
    : { apiVersion: 'v1', kind: 'Secret', metadata: { namespace: ctx.namespace, name }, data: secretData(data) };
  const what = cm ? 'configMap' : 'secret';

  for (const r of [roles.delete, roles.update]) {
    ctx.step(`Creating ${what} with name ${r.name}`);
    await must(ctx.rest.post(objPath(), object(r.name, { 'data-1': 'value-1' })), `unable to create test ${what} ${r.name}`);
  }

  const volume = (volName: string, objName: string): V1Volume => {
    if (cm) return configMapVolume(volName, objName, f.projected, { optional: true });
    return f.projected
      ? { name: volName, projected: { sources: [{ secret: { name: objName, optional: true } }] } }
      : { name: volName, secret: { secretName: objName, optional: true } };
  };
  const container = (r: typeof roles.delete, sub: string): V1Container => ({
    name: r.container,
    image: images.agnhost,
    args: ['mounttest', '--break_on_expected_content=false', `--retry_time=${POD_SECRET_UPDATE_TIMEOUT_S}`, `--file_content_in_loop=${mountRoot}/${sub}/${r.file}`],
    volumeMounts: [{ name: r.volume, mountPath: `${mountRoot}/${sub}`, readOnly: true }],
  });
  const pod: Pod = {
    metadata: { name: `${f.projected ? 'pod-projected-' : 'pod-'}${cm ? 'configmaps' : 'secrets'}-${uuid()}` },
    spec: {
      volumes: [volume(roles.delete.volume, roles.delete.name), volume(roles.update.volume, roles.update.name), volume(roles.create.volume, roles.create.name)],
      containers: [container(roles.delete, 'delete'), container(roles.update, 'update'), container(roles.create, 'create')],
      restartPolicy: 'Never',
    },
  };
  ctx.step('Creating the pod');
  await createSync(ctx, pod);

  const p = pod.metadata.name;
  await eventuallyLogContains(ctx, p, roles.create.container, `Error reading file ${mountRoot}/create/data-1`);
  await eventuallyLogContains(ctx, p, roles.update.container, `Error reading file ${mountRoot}/update/data-3`);
  await eventuallyLogContains(ctx, p, roles.delete.container, 'value-1');

  ctx.step(`Deleting ${cm ? 'configmap' : 'secret'} ${roles.delete.name}`);
  await must(ctx.rest.delete(objPath(roles.delete.name)), `Failed to delete ${cm ? 'configmap' : 'secret'} "${roles.delete.name}" in namespace "${ctx.namespace}"`);

  ctx.step(`Updating ${cm ? 'configmap' : 'secret'} ${roles.update.name}`);
  await must(ctx.rest.put(objPath(roles.update.name), object(roles.update.name, { 'data-3': 'value-3' })),
    `Failed to update ${cm ? 'configmap' : 'secret'} "${roles.update.name}" in namespace "${ctx.namespace}"`);

  ctx.step(`Creating ${what} with name ${roles.create.name}`);
  await must(ctx.rest.post(objPath(), object(roles.create.name, { 'data-1': 'value-1' })), `unable to create test ${what} ${roles.create.name}`);

  ctx.step('waiting to observe update in volume');
  await eventuallyLogContains(ctx, p, roles.create.container, 'value-1');
  await eventuallyLogContains(ctx, p, roles.update.container, 'value-3');
  await eventuallyLogContains(ctx, p, roles.delete.container, `Error reading file ${mountRoot}/delete/data-1`);
}

/** "should be consumable in multiple volumes in the same pod": one object mounted twice. */
export async function multipleVolumesTest(ctx: CaseContext, kind: 'configMap' | 'secret', f: Flavour): Promise<void> {
  const cm = kind === 'configMap';
  const base = `${f.projected ? 'projected-' : ''}${cm ? 'configmap' : 'secret'}`;
  const name = `${base}-test-${cm ? 'volume-' : ''}${uuid()}`;
  const [vol1, vol2] = [`${base}-volume`, `${base}-volume-2`];
  const [mount1, mount2] = [`/etc/${base}-volume`, `/etc/${base}-volume-2`];
  ctx.step(`Creating ${cm ? 'configMap' : 'secret'} with name ${name}`);
  if (cm) await createConfigMap(ctx, newConfigMap(ctx.namespace, name));
  else await createSecret(ctx, secretForTest(ctx.namespace, name));

  const volume = (volName: string): V1Volume => {
    if (cm) return configMapVolume(volName, name, f.projected);
    return f.projected ? { name: volName, projected: { sources: [{ secret: { name } }] } } : { name: volName, secret: { secretName: name } };
  };
  const file = `${mount1}/data-1`;
  const pod: Pod = {
    metadata: { name: `pod-${f.projected ? 'projected-' : ''}${cm ? 'configmaps' : 'secrets'}-${uuid()}` },
    spec: {
      volumes: [volume(vol1), volume(vol2)],
      containers: [{
        name: cm ? `${base}-volume-test` : 'secret-volume-test',
        image: images.agnhost,
        args: cm ? ['mounttest', `--file_content=${file}`] : ['mounttest', `--file_content=${file}`, `--file_mode=${file}`],
        volumeMounts: [{ name: vol1, mountPath: mount1, readOnly: true }, { name: vol2, mountPath: mount2, readOnly: true }],
      }],
      restartPolicy: 'Never',
    },
  };
  if (cm) await testContainerOutput(ctx, 'consume configMaps', pod, 0, [`content of file "${file}": value-1`]);
  else await testContainerOutput(ctx, 'consume secrets', pod, 0, [`content of file "${file}": value-1`, fileModeRegex(file)], 'regexp');
}

// ---------------------------------------------------------------------------------------
// Secret volumes (secrets_volume.go, projected_secret.go)

const secretNames = ({ projected }: Flavour) => projected
  ? { volume: 'projected-secret-volume', mount: '/etc/projected-secret-volume', pod: 'pod-projected-secrets-', container: 'projected-secret-volume-test', creating: 'Creating projection with secret that has name' }
  : { volume: 'secret-volume', mount: '/etc/secret-volume', pod: 'pod-secrets-', container: 'secret-volume-test', creating: 'Creating secret with name' };

function secretVolume(volumeName: string, secretName: string, projected: boolean, items?: V1KeyToPath[]): V1Volume {
  return projected
    ? { name: volumeName, projected: { sources: [{ secret: { name: secretName, ...(items ? { items } : {}) } }] } }
    : { name: volumeName, secret: { secretName, ...(items ? { items } : {}) } };
}

/** doSecretE2EWithoutMapping / doProjectedSecretE2EWithoutMapping */
export async function doSecretE2EWithoutMapping(ctx: CaseContext, f: Flavour, defaultMode: number | undefined, secretName: string, fsGroup?: number, uid?: number): Promise<void> {
  const n = secretNames(f);
  ctx.step(`${n.creating} ${secretName}`);
  await createSecret(ctx, secretForTest(ctx.namespace, secretName));
  const file = `${n.mount}/data-1`;
  const pod: Pod = {
    metadata: { name: `${n.pod}${uuid()}`, namespace: ctx.namespace },
    spec: {
      volumes: [secretVolume(n.volume, secretName, f.projected)],
      containers: [{ name: n.container, image: images.agnhost, args: ['mounttest', `--file_content=${file}`, `--file_mode=${file}`], volumeMounts: [{ name: n.volume, mountPath: n.mount }] }],
      restartPolicy: 'Never',
    },
  };
  const v = pod.spec.volumes?.[0];
  if (defaultMode !== undefined) {
    if (v?.projected) v.projected.defaultMode = defaultMode;
    else if (v?.secret) v.secret.defaultMode = defaultMode;
  }
  if (fsGroup !== undefined || uid !== undefined) pod.spec.securityContext = { fsGroup, runAsUser: uid };
  await testContainerOutput(ctx, 'consume secrets', pod, 0, [`content of file "${file}": value-1`, fileModeRegex(file, defaultMode)], 'regexp');
}

/** doSecretE2EWithMapping / doProjectedSecretE2EWithMapping (the projected one puts the mode on the volume). */
export async function doSecretE2EWithMapping(ctx: CaseContext, f: Flavour, mode?: number): Promise<void> {
  const n = secretNames(f);
  const name = `${f.projected ? 'projected-secret-test-map-' : 'secret-test-map-'}${uuid()}`;
  ctx.step(`${n.creating} ${name}`);
  await createSecret(ctx, secretForTest(ctx.namespace, name));
  const file = `${n.mount}/new-path-data-1`;
  const items: V1KeyToPath[] = [{ key: 'data-1', path: 'new-path-data-1' }];
  const pod: Pod = {
    metadata: { name: `${n.pod}${uuid()}` },
    spec: {
      volumes: [secretVolume(n.volume, name, f.projected, items)],
      containers: [{ name: n.container, image: images.agnhost, args: ['mounttest', `--file_content=${file}`, `--file_mode=${file}`], volumeMounts: [{ name: n.volume, mountPath: n.mount }] }],
      restartPolicy: 'Never',
    },
  };
  if (mode !== undefined) {
    const v = pod.spec.volumes?.[0];
    if (f.projected && v?.projected) v.projected.defaultMode = mode;
    else items[0].mode = mode;
  }
  await testContainerOutput(ctx, 'consume secrets', pod, 0, [`content of file "${file}": value-1`, fileModeRegex(file, mode)], 'regexp');
}

// ---------------------------------------------------------------------------------------
// Downward API volumes (downwardapi_volume.go, projected_downwardapi.go)

function downwardItems(): V1DownwardAPIVolumeFile[] {
  const res = (path: string, resource: string): V1DownwardAPIVolumeFile => ({ path, resourceFieldRef: { containerName: 'client-container', resource } });
  return [
    { path: 'podname', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.name' } },
    res('cpu_limit', 'limits.cpu'), res('cpu_request', 'requests.cpu'), res('memory_limit', 'limits.memory'), res('memory_request', 'requests.memory'),
  ];
}

/** downwardAPIVolumeBasePod / projectedDownwardAPIVolumeBasePod: volume "podinfo" with the name and resource items. */
export function downwardAPIVolumeBasePod(name: string, f: Flavour, labels?: Record<string, string>, annotations?: Record<string, string>): Pod {
  const items = downwardItems();
  return {
    metadata: { name, ...(labels ? { labels } : {}), ...(annotations ? { annotations } : {}) },
    spec: {
      volumes: [f.projected ? { name: 'podinfo', projected: { sources: [{ downwardAPI: { items } }] } } : { name: 'podinfo', downwardAPI: { items } }],
      containers: [],
      restartPolicy: 'Never',
    },
  };
}

function downwardItemsOf(pod: Pod): V1DownwardAPIVolumeFile[] {
  const v = pod.spec.volumes?.[0];
  const items = v?.projected?.sources?.[0].downwardAPI?.items ?? v?.downwardAPI?.items;
  if (!items) fail('the podinfo volume has no items');
  return items;
}

const podinfoMount = (readOnly?: boolean): V1VolumeMount[] => [{ name: 'podinfo', mountPath: '/etc/podinfo', ...(readOnly !== undefined ? { readOnly } : {}) }];

/** downwardAPIVolumePodForSimpleTest: mounttest prints the file. */
export function downwardAPIVolumePodForSimpleTest(name: string, filePath: string): Pod {
  const pod = downwardAPIVolumeBasePod(name, { projected: false });
  pod.spec.containers = [{ name: 'client-container', image: images.agnhost, args: ['mounttest', `--file_content=${filePath}`], volumeMounts: podinfoMount(false) }];
  return pod;
}

/** downwardAPIVolumePodForModeTest / projectedDownwardAPIVolumePodForModeTest: mounttest prints the file's mode. */
export function downwardAPIVolumePodForModeTest(name: string, filePath: string, f: Flavour, itemMode?: number, defaultMode?: number): Pod {
  const pod = downwardAPIVolumeBasePod(name, f);
  pod.spec.containers = [{ name: 'client-container', image: images.agnhost, args: ['mounttest', `--file_mode=${filePath}`], volumeMounts: podinfoMount() }];
  if (itemMode !== undefined) downwardItemsOf(pod)[0].mode = itemMode;
  if (defaultMode !== undefined) {
    const v = pod.spec.volumes?.[0];
    if (v?.projected) v.projected.defaultMode = defaultMode;
    else if (v?.downwardAPI) v.downwardAPI.defaultMode = defaultMode;
  }
  return pod;
}

/** downwardAPIVolumeForContainerResources: requests 250m/32Mi, limits 1250m/64Mi. */
export function downwardAPIVolumeForContainerResources(name: string, filePath: string): Pod {
  const pod = downwardAPIVolumeBasePod(name, { projected: false });
  pod.spec.containers = [{
    name: 'client-container', image: images.agnhost, args: ['mounttest', `--file_content=${filePath}`],
    resources: { requests: { cpu: '250m', memory: '32Mi' }, limits: { cpu: '1250m', memory: '64Mi' } },
    volumeMounts: podinfoMount(false),
  }];
  return pod;
}

/** downwardAPIVolumeForDefaultContainerResources: no resources, so limits default to node allocatable. */
export function downwardAPIVolumeForDefaultContainerResources(name: string, filePath: string): Pod {
  const pod = downwardAPIVolumeBasePod(name, { projected: false });
  pod.spec.containers = [{ name: 'client-container', image: images.agnhost, args: ['mounttest', `--file_content=${filePath}`], volumeMounts: podinfoMount() }];
  return pod;
}

/**
 * "should update labels/annotations on modification": a mounttest loop prints the labels or
 * annotations file; a change of the pod's metadata must show up in the running container.
 */
export async function downwardAPIUpdateTest(ctx: CaseContext, f: Flavour, what: 'labels' | 'annotations'): Promise<void> {
  const labels: Record<string, string> = what === 'labels' ? { key1: 'value1', key2: 'value2' } : {};
  const annotations: Record<string, string> = what === 'annotations' ? { builder: 'bar' } : {};
  const podName = `${what === 'labels' ? 'labelsupdate' : 'annotationupdate'}${uuid()}`;
  const pod = downwardAPIVolumeBasePod(podName, f, labels, annotations);
  const filePath = `/etc/podinfo/${what}`;
  pod.spec.containers = [{
    name: 'client-container', image: images.agnhost,
    args: ['mounttest', '--break_on_expected_content=false', `--retry_time=${f.projected ? 1200 : 120}`, `--file_content_in_loop=${filePath}`],
    volumeMounts: podinfoMount(false),
  }];
  downwardItemsOf(pod).push({ path: what, fieldRef: { apiVersion: 'v1', fieldPath: `metadata.${what}` } });
  const timeoutS = f.projected ? 120 : 180;

  ctx.step('Creating the pod');
  await createSync(ctx, pod);
  await eventuallyLogContains(ctx, podName, 'client-container', what === 'labels' ? 'key1="value1"\n' : 'builder="bar"\n', timeoutS);

  ctx.step(`Updating the pod's ${what}`);
  const path = `/api/v1/namespaces/${ctx.namespace}/pods/${podName}`;
  await must(retryOnConflict(async () => {
    const cur = await ctx.rest.get<Pod>(path);
    if (what === 'labels') cur.metadata.labels = { ...cur.metadata.labels, key3: 'value3' };
    else cur.metadata.annotations = { ...cur.metadata.annotations, builder: 'foo' };
    return ctx.rest.put(path, cur);
  }), `failed to update pod ${podName}`);

  await eventuallyLogContains(ctx, podName, 'client-container', what === 'labels' ? 'key3="value3"\n' : 'builder="foo"\n', timeoutS);
}

// ---------------------------------------------------------------------------------------
// emptyDir (empty_dir.go)

const VOLUME_PATH = '/test-volume';
const NON_ROOT_UID = 1001;
export { NON_ROOT_UID as EMPTYDIR_NON_ROOT_UID };

/** testPodWithVolume: agnhost running as uid (root when 0) with the emptyDir at /test-volume. */
function testPodWithVolume(uid: number, medium: '' | 'Memory'): Pod {
  const pod: Pod = {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name: `pod-${uuid()}` },
    spec: {
      containers: [{ name: 'test-container', image: images.agnhost, volumeMounts: [{ name: 'test-volume', mountPath: VOLUME_PATH }] }],
      securityContext: { seLinuxOptions: { level: 's0' } },
      restartPolicy: 'Never',
      volumes: [{ name: 'test-volume', emptyDir: medium ? { medium } : {} }],
    },
  };
  if (uid !== 0) pod.spec.securityContext = { ...pod.spec.securityContext, runAsUser: uid };
  return pod;
}

const formatMedium = (medium: '' | 'Memory'): string => medium === 'Memory' ? 'tmpfs' : 'node default medium';

/** doTest0644 / doTest0666 / doTest0777: a new file of that mode, its perms and content (and tmpfs for Memory). */
export async function doTestFileMode(ctx: CaseContext, uid: number, medium: '' | 'Memory', perm: 0o644 | 0o666 | 0o777): Promise<void> {
  const filePath = `${VOLUME_PATH}/test-file`;
  const pod = testPodWithVolume(uid, medium);
  const octal = perm.toString(8).padStart(4, '0');
  pod.spec.containers[0].args = ['mounttest', `--fs_type=${VOLUME_PATH}`, `--new_file_${octal}=${filePath}`, `--file_perm=${filePath}`];
  const out = [`perms of file "${filePath}": ${goFileMode(perm)}`, `content of file "${filePath}": mount-tester new file`];
  if (medium === 'Memory') out.push(`mount type of "${VOLUME_PATH}": tmpfs`);
  await testContainerOutput(ctx, `emptydir ${octal} on ${formatMedium(medium)}`, pod, 0, out);
}

/** doTestVolumeMode: the volume directory is drwxrwxrwx (and tmpfs for Memory). */
export async function doTestVolumeMode(ctx: CaseContext, uid: number, medium: '' | 'Memory'): Promise<void> {
  const pod = testPodWithVolume(uid, medium);
  pod.spec.containers[0].args = ['mounttest', `--fs_type=${VOLUME_PATH}`, `--file_perm=${VOLUME_PATH}`];
  const out = [`perms of file "${VOLUME_PATH}": -rwxrwxrwx`];
  if (medium === 'Memory') out.push(`mount type of "${VOLUME_PATH}": tmpfs`);
  await testContainerOutput(ctx, `emptydir volume type on ${formatMedium(medium)}`, pod, 0, out);
}

// ---------------------------------------------------------------------------------------
// Subpath with atomic-writer volumes (test/e2e/storage/subpath.go, testsuites/subpath.go)

/** testsuites' retryDuration: how long the reader loops (seconds). */
const SUBPATH_RETRY_S = 20;

/** A volume's source: a V1Volume without its name. */
export type VolumeSource = Omit<V1Volume, 'name'>;

/** The objects the "Atomic writer volumes" BeforeEach creates (an existing one is fine). */
export async function setUpAtomicWriterData(ctx: CaseContext): Promise<void> {
  ctx.step('Setting up data');
  const ns = ctx.namespace;
  await ctx.rest.post(`/api/v1/namespaces/${ns}/secrets`, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'my-secret' }, data: secretData({ 'secret-key': 'secret-value' }) })
    .catch((e: unknown) => ignoreAlreadyExists(e, 'while creating secret'));
  await ctx.rest.post(`/api/v1/namespaces/${ns}/configmaps`, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'my-configmap' }, data: { 'configmap-key': 'configmap-value' } })
    .catch((e: unknown) => ignoreAlreadyExists(e, 'while creating configmap'));
}

function ignoreAlreadyExists(e: unknown, what: string): void {
  if (!isAlreadyExists(e)) fail(`${what}: ${describeError(e)}`);
}

/** generateSuffixForPodName: non-alphanumerics to '-', plus '-' and four random characters, lower-cased. */
function suffixForPodName(s: string): string {
  return `${s.replace(/[^A-Za-z0-9]/g, '-')}-${randString(4)}`.toLowerCase();
}

/**
 * SubpathTestPod after removeUnusedContainers (what the basic tests create): one agnhost
 * container with the volume at /test-volume through subPath, plus the probe emptyDir.
 */
export function subpathTestPod(ctx: CaseContext, subpath: string, volumeType: string, source: VolumeSource): Pod {
  const suffix = suffixForPodName(volumeType);
  return {
    metadata: { name: `pod-subpath-test-${suffix}`, namespace: ctx.namespace },
    spec: {
      containers: [{
        name: `test-container-subpath-${suffix}`, image: images.agnhost, args: ['mounttest'],
        volumeMounts: [{ name: 'test-volume', mountPath: VOLUME_PATH, subPath: subpath }, { name: 'liveness-probe-volume', mountPath: '/probe-volume' }],
      }],
      restartPolicy: 'Never',
      terminationGracePeriodSeconds: 1,
      volumes: [{ name: 'test-volume', ...source }, { name: 'liveness-probe-volume', emptyDir: {} }],
      securityContext: { seLinuxOptions: { level: 's0:c0,c1' } },
    },
  };
}

/** TestBasicSubpathFile (TestBasicSubpath reads /test-volume): the subPath's content shows in a read loop. */
export async function testBasicSubpathFile(ctx: CaseContext, contents: string, pod: Pod, filePath = VOLUME_PATH): Promise<void> {
  pod.spec.containers[0].args = ['mounttest', `--file_content_in_loop=${filePath}`, `--retry_time=${SUBPATH_RETRY_S}`];
  ctx.step(`Creating pod ${pod.metadata.name}`);
  await testContainerOutput(ctx, 'atomic-volume-subpath', pod, 0, [contents]);
}

export { NON_ROOT_TEST_USER_ID };
