// Upstream: test/e2e/network/service.go, Services "should complete a service status
// lifecycle". A LoadBalancer Service's /status is read, merge-patched (ingress IP and an
// annotation) and updated (a condition); a spec patch and the deletion follow. Each change
// is observed through a watch from the resourceVersion of the initial list.

import { must, retryOnConflict } from '../../framework/expect.ts';
import { randString, type KList, type KObject } from '../../framework/json.ts';
import type { ConformanceCase } from '../../framework/types.ts';
import { watchUntil, type WatchEvent } from '../../framework/watch.ts';

interface Condition { type: string; status: string; observedGeneration?: number; lastTransitionTime?: string | null; reason: string; message: string }
interface Service extends KObject {
  spec?: Record<string, unknown>;
  status?: { loadBalancer?: { ingress?: { ip?: string }[] }; conditions?: Condition[] };
}

const SVC_READY_TIMEOUT_MS = 60_000;

const testCase: ConformanceCase = {
  id: 'NW-30',
  codename: '[sig-network] Services should complete a service status lifecycle [Conformance]',
  class: 'API',
  needs: 'services/status get, merge patch, update; LoadBalancer Services (nodePort allocation); label-selector watch from a list resourceVersion',
  baseName: 'services',
  podSecurity: 'privileged',
  async run(ctx) {
    const ns = ctx.namespace;
    const services = `/api/v1/namespaces/${ns}/services`;
    const testSvcName = `test-service-${randString(5)}`;
    const labelsFlat = 'test-service-static=true';

    const svcList = await must(ctx.rest.get<KList<Service>>('/api/v1/services', { labelSelector: labelsFlat }), 'failed to list Services');
    const startRv = svcList.metadata.resourceVersion ?? '';
    const until = (what: string, cond: (ev: WatchEvent<Service>) => boolean) => must(
      watchUntil<Service>(ctx.rest, services, { labelSelector: labelsFlat }, startRv, Math.min(SVC_READY_TIMEOUT_MS, ctx.remaining()), cond, ctx.signal), what);
    const isOurs = (svc: Service) => svc.metadata.name === testSvcName && svc.metadata.namespace === ns;

    ctx.step('creating a Service');
    const testService = {
      apiVersion: 'v1', kind: 'Service',
      metadata: { name: testSvcName, labels: { 'test-service-static': 'true' }, creationTimestamp: null },
      spec: {
        ports: [{ name: 'http', protocol: 'TCP', port: 80, targetPort: 80 }],
        type: 'LoadBalancer',
        loadBalancerClass: 'example.com/internal-vip',
      },
      status: { loadBalancer: {} },
    };
    await must(ctx.rest.post<Service>(services, testService), 'failed to create Service');

    ctx.step('watching for the Service to be added');
    await until(`Failed to locate Service ${testSvcName} in namespace ${ns}`,
      (ev) => isOurs(ev.object) && ev.object.metadata.labels?.['test-service-static'] === 'true');

    ctx.step('Getting /status');
    const svcStatus = await must(ctx.rest.get<Service>(`${services}/${testSvcName}/status`), `Failed to fetch ServiceStatus of Service ${testSvcName} in namespace ${ns}`);
    ctx.log(`Service ${testSvcName} has LoadBalancer: ${JSON.stringify(svcStatus.status?.loadBalancer)}`);

    ctx.step('patching the ServiceStatus');
    const lbStatusJSON = JSON.stringify({ ingress: [{ ip: '203.0.113.1' }] });
    await must(ctx.rest.patch(`${services}/${testSvcName}/status`, 'merge',
      `{"metadata":{"annotations":{"patchedstatus":"true"}},"status":{"loadBalancer":${lbStatusJSON}}}`), 'Could not patch service status');

    ctx.step('watching for the Service to be patched');
    await until(`failed to locate Service ${testSvcName} in namespace ${ns}`,
      (ev) => isOurs(ev.object) && ev.object.metadata.annotations?.patchedstatus === 'true');

    ctx.step('updating the ServiceStatus');
    const updated = await must(retryOnConflict(async () => {
      const toUpdate = await must(ctx.rest.get<Service>(`${services}/${testSvcName}`), `Unable to retrieve service ${testSvcName}`);
      toUpdate.status = toUpdate.status ?? {};
      // metav1.Condition as Go encodes it: the zero lastTransitionTime is null.
      toUpdate.status.conditions = [...(toUpdate.status.conditions ?? []),
        { type: 'StatusUpdate', status: 'True', lastTransitionTime: null, reason: 'E2E', message: 'Set from e2e test' }];
      return ctx.rest.put<Service>(`${services}/${testSvcName}/status`, toUpdate);
    }), 'Failed to UpdateStatus');
    ctx.log(`updatedStatus.Conditions: ${JSON.stringify(updated.status?.conditions)}`);

    ctx.step('watching for the Service to be updated');
    await until(`failed to locate Service ${testSvcName} in namespace ${ns}`, (ev) => {
      if (!isOurs(ev.object) || ev.object.metadata.annotations?.patchedstatus !== 'true') return false;
      // Upstream decides on the first condition listed.
      const first = ev.object.status?.conditions?.[0];
      return !!first && first.type === 'StatusUpdate' && first.reason === 'E2E' && first.message === 'Set from e2e test';
    });

    ctx.step('patching the service');
    // json.Marshal(v1.Service{ObjectMeta: {Labels}}): empty spec and status structs come along.
    const servicePatch = { metadata: { labels: { 'test-service': 'patched' }, creationTimestamp: null }, spec: {}, status: { loadBalancer: {} } };
    await must(ctx.rest.patch(`${services}/${testSvcName}`, 'strategic', servicePatch), 'failed to patch service');

    ctx.step('watching for the Service to be patched');
    await until(`failed to locate Service ${testSvcName} in namespace ${ns}`,
      (ev) => isOurs(ev.object) && ev.object.metadata.labels?.['test-service'] === 'patched');

    ctx.step('deleting the service');
    await must(ctx.rest.delete(`${services}/${testSvcName}`), 'failed to delete the Service');

    ctx.step('watching for the Service to be deleted');
    await until(`failed to delete Service ${testSvcName} in namespace ${ns}`,
      (ev) => ev.type === 'DELETED' && isOurs(ev.object) && ev.object.metadata.labels?.['test-service-static'] === 'true');
    ctx.log(`Service ${testSvcName} deleted`);
  },
};

export default testCase;
