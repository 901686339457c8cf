// Upstream: test/e2e/storage/empty_dir_wrapper.go, "EmptyDir wrapper volumes should not cause
// race condition when used for configmaps". Fifty ConfigMaps mounted into every pod of a
// five-replica ReplicationController pinned to one node; three rounds, each RC's pods must all
// run (the RCs stay until the end, as upstream's DeferCleanup removes them then).

import type { V1Volume, V1VolumeMount } from '@kubernetes/client-node';
import { corePath, podsCreatedByLabel, waitFor, waitForPodRunning } from '../../framework/apps.ts';
import { describeError, fail, must } from '../../framework/expect.ts';
import { images } from '../../framework/images.ts';
import { uuid, type KList, type KObject } from '../../framework/json.ts';
import type { CaseContext, ConformanceCase } from '../../framework/types.ts';

const VOLUME_COUNT = 50;
const POD_COUNT = 5;
const ITERATIONS = 3;
const RC_NAME_PREFIX = 'wrapped-volume-race-';
const HOSTNAME_LABEL = 'kubernetes.io/hostname';

interface Node extends KObject { spec?: { unschedulable?: boolean; taints?: { effect?: string }[] }; status?: { conditions?: { type: string; status: string }[] } }

/** createConfigmapsForRace */
async function createConfigmapsForRace(ctx: CaseContext): Promise<string[]> {
  ctx.step(`Creating ${VOLUME_COUNT} configmaps`);
  const names: string[] = [];
  for (let i = 0; i < VOLUME_COUNT; i++) {
    const name = `racey-configmap-${i}`;
    names.push(name);
    await must(ctx.rest.post(corePath(ctx.namespace, 'configmaps'), { apiVersion: 'v1', kind: 'ConfigMap', metadata: { namespace: ctx.namespace, name }, data: { 'data-1': 'value-1' } }), `creating configmap ${name}`);
  }
  return names;
}

/** makeConfigMapVolumes */
function makeConfigMapVolumes(names: string[]): { volumes: V1Volume[]; mounts: V1VolumeMount[] } {
  return {
    volumes: names.map((name, i) => ({ name: `racey-configmap-${i}`, configMap: { name, items: [{ key: 'data-1', path: 'data-1' }] } })),
    mounts: names.map((_, i) => ({ name: `racey-configmap-${i}`, mountPath: `/etc/config-${i}` })),
  };
}

/** e2enode.GetRandomReadySchedulableNode */
async function randomReadySchedulableNode(ctx: CaseContext): Promise<Node> {
  const nodes = await must(ctx.rest.get<KList<Node>>('/api/v1/nodes'), 'listing nodes');
  const ok = nodes.items.filter((n) => !n.spec?.unschedulable
    && n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')
    && !(n.spec?.taints ?? []).some((t) => t.effect === 'NoSchedule' || t.effect === 'NoExecute'));
  if (ok.length === 0) fail('there are currently no ready, schedulable nodes in the cluster');
  return ok[Math.floor(Math.random() * ok.length)];
}

/** testNoWrappedVolumeRace: one RC of pause pods with all the volumes, every pod running. */
async function testNoWrappedVolumeRace(ctx: CaseContext, volumes: V1Volume[], mounts: V1VolumeMount[], rcNames: string[]): Promise<void> {
  const rcName = `${RC_NAME_PREFIX}${uuid()}`;
  const node = await randomReadySchedulableNode(ctx);
  ctx.step('Creating RC which spawns configmap-volume pods');
  await must(ctx.rest.post(corePath(ctx.namespace, 'replicationcontrollers'), {
    apiVersion: 'v1', kind: 'ReplicationController',
    metadata: { name: rcName },
    spec: {
      replicas: POD_COUNT,
      selector: { name: rcName },
      template: {
        metadata: { labels: { name: rcName } },
        spec: {
          containers: [{ name: 'test-container', image: images.pause, volumeMounts: mounts }],
          affinity: {
            nodeAffinity: {
              requiredDuringSchedulingIgnoredDuringExecution: {
                nodeSelectorTerms: [{ matchExpressions: [{ key: HOSTNAME_LABEL, operator: 'In', values: [node.metadata.labels?.[HOSTNAME_LABEL] ?? ''] }] }],
              },
            },
          },
          dnsPolicy: 'Default',
          volumes,
        },
      },
    },
  }), 'error creating replication controller');
  rcNames.push(rcName);

  const pods = await podsCreatedByLabel(ctx, rcName, POD_COUNT, `name=${rcName}`);
  ctx.step('Ensuring each pod is running');
  for (const pod of pods) {
    if (pod.metadata.deletionTimestamp) continue;
    await waitForPodRunning(ctx, pod.metadata.name ?? '').catch((e: unknown) => fail(`Failed waiting for pod ${pod.metadata.name ?? ''} to enter running state: ${describeError(e)}`));
  }
}

/** e2erc.DeleteRCAndWaitForGC: delete the RC, then wait until its pods are gone. */
async function deleteRCAndWaitForGC(ctx: CaseContext, rcName: string): Promise<void> {
  await must(ctx.rest.delete(corePath(ctx.namespace, 'replicationcontrollers', rcName)), `deleting replication controller ${rcName}`);
  await waitFor(ctx, 1_000, 300_000, async () => {
    const list = await must(ctx.rest.get<KList>(corePath(ctx.namespace, 'pods'), { labelSelector: `name=${rcName}` }), 'listing pods');
    return list.items.length === 0;
  }, `pods of ${rcName} were not garbage collected`);
}

const testCase: ConformanceCase = {
  id: 'NV-38',
  codename: '[sig-storage] EmptyDir wrapper volumes should not cause race condition when used for configmaps [Serial] [Conformance]',
  class: 'run',
  needs: 'run; ReplicationController (not in brief) of 5 pods x 50 ConfigMap volumes; pinned to one node',
  baseName: 'emptydir-wrapper',
  podSecurity: 'baseline',
  async run(ctx) {
    const names = await createConfigmapsForRace(ctx);
    const { volumes, mounts } = makeConfigMapVolumes(names);
    const rcNames: string[] = [];
    try {
      for (let i = 0; i < ITERATIONS; i++) await testNoWrappedVolumeRace(ctx, volumes, mounts, rcNames);
    } finally {
      // DeferCleanup order: last registered first.
      for (const rc of [...rcNames].reverse()) await deleteRCAndWaitForGC(ctx, rc);
      ctx.step('Cleaning up the configMaps');
      for (const name of names) await must(ctx.rest.delete(corePath(ctx.namespace, 'configmaps', name)), `unable to delete configMap ${name}`);
    }
  },
};

export default testCase;
