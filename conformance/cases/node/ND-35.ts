// Upstream: test/e2e/common/node/lease.go, "lease API should be available". A Lease goes
// through create, get, update, strategic-merge patch, list, deletecollection by label,
// delete and a NotFound get; each read-back spec equals what was written.

import { describeError, errorOf, expectLen, expectSemanticEqual, expectTrue, fail, must } from '../../framework/expect.ts';
import { isNotFound } from '../../framework/client.ts';
import { resourceVersionLess, validResourceVersion } from '../../framework/helpers.ts';
import { clone, microTimeFromZero, twoWayMergePatch, type KList, type KObject } from '../../framework/json.ts';
import type { ConformanceCase } from '../../framework/types.ts';

interface LeaseSpec {
  holderIdentity?: string; leaseDurationSeconds?: number; acquireTime?: string; renewTime?: string; leaseTransitions?: number;
}
interface Lease extends KObject { spec?: LeaseSpec }

/** A LeaseSpec whose times are offsets from the zero time.Time (year 1). */
function spec(holder: string, duration: number, acquire: number, renew: number, transitions: number): LeaseSpec {
  return { holderIdentity: holder, leaseDurationSeconds: duration, acquireTime: microTimeFromZero(acquire), renewTime: microTimeFromZero(renew), leaseTransitions: transitions };
}

const testCase: ConformanceCase = {
  id: 'ND-35',
  codename: '[sig-node] Lease lease API should be available [Conformance]',
  class: 'API',
  needs: 'coordination.k8s.io/v1 leases: CRUD, patch, deletecollection, list across namespaces',
  baseName: 'lease-test',
  podSecurity: 'privileged',
  async run(ctx) {
    const leases = `/apis/coordination.k8s.io/v1/namespaces/${ctx.namespace}/leases`;
    const name = 'lease';
    const lease: Lease = { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name, creationTimestamp: null }, spec: spec('holder', 30, 2, 5, 0) };

    ctx.step('creating a Lease');
    const createdLease = await must(ctx.rest.post<Lease>(leases, lease), 'creating Lease failed');
    expectTrue(validResourceVersion(createdLease.metadata.resourceVersion), `created Lease has an invalid resourceVersion ${JSON.stringify(createdLease.metadata.resourceVersion)}`);

    let readLease = await must(ctx.rest.get<Lease>(`${leases}/${name}`), "couldn't read Lease");
    expectSemanticEqual(lease.spec, readLease.spec, "Leases don't match");

    ctx.step('updating the Lease');
    createdLease.spec = spec('holder2', 30, 20, 50, 1);
    await must(ctx.rest.put<Lease>(`${leases}/${name}`, createdLease), 'updating Lease failed');
    readLease = await must(ctx.rest.get<Lease>(`${leases}/${name}`), "couldn't read Lease");
    expectSemanticEqual(createdLease.spec, readLease.spec, "Leases don't match");

    ctx.step('patching the Lease');
    const patchedLease = clone(readLease);
    patchedLease.spec = spec('holder3', 60, 50, 70, 2);
    await must(ctx.rest.patch<Lease>(`${leases}/${name}`, 'strategic', twoWayMergePatch(readLease, patchedLease)), 'patching Lease failed');
    readLease = await must(ctx.rest.get<Lease>(`${leases}/${name}`), "couldn't read Lease");
    expectSemanticEqual(patchedLease.spec, readLease.spec, "Leases don't match");
    expectTrue(resourceVersionLess(createdLease.metadata.resourceVersion, readLease.metadata.resourceVersion),
      `patched object should have a larger resource version (${createdLease.metadata.resourceVersion} -> ${readLease.metadata.resourceVersion})`);

    ctx.step('creating a second, labelled Lease');
    const lease2: Lease = { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'lease2', labels: { deletecollection: 'true' }, creationTimestamp: null }, spec: spec('holder', 30, 2, 5, 0) };
    await must(ctx.rest.post<Lease>(leases, lease2), 'creating Lease failed');

    let list = await must(ctx.rest.get<KList<Lease>>(leases), "couldn't list Leases");
    expectLen(list.items, 2, 'Leases in the test namespace');

    ctx.step('deleting the labelled Lease by collection');
    await must(ctx.rest.delete(leases, { labelSelector: 'deletecollection=true' }), "couldn't delete collection");
    list = await must(ctx.rest.get<KList<Lease>>(leases), "couldn't list Leases");
    expectLen(list.items, 1, 'Leases in the test namespace after deletecollection');

    ctx.step('deleting the Lease');
    await must(ctx.rest.delete(`${leases}/${name}`), 'deleting Lease failed');
    const getErr = await errorOf(ctx.rest.get<Lease>(`${leases}/${name}`));
    if (!isNotFound(getErr)) fail(`expected IsNotFound error, got ${getErr === undefined ? 'the Lease' : describeError(getErr)}`);

    ctx.step('listing Leases in all namespaces');
    await must(ctx.rest.get<KList<Lease>>('/apis/coordination.k8s.io/v1/leases'), "couldn't list Leases from all namespace");
  },
};

export default testCase;
