// The client's Informer against a real API server: what its cache keeps of each object.
// Like upstream's controller manager (informers.WithTransform), it drops managedFields
// unless asked to keep them, on the first list and on every watch event alike.

import { expect } from 'chai';
import { startSkiff, type Skiff } from '../../src/index.ts';
import { Informer, type KObject } from '../../src/client/informer.ts';
import { RestClient, resource } from '../../src/client/rest.ts';
import { until } from '../helpers.ts';

describe('Informer cache', () => {
  let skiff: Skiff;
  let client: RestClient;
  const configmaps = resource('configmaps');
  const informers: Informer<KObject>[] = [];

  before(async () => {
    skiff = await startSkiff({});
    client = new RestClient({ server: skiff.url, ...skiff.credentials });
    await client.create(configmaps, 'default', { metadata: { name: 'listed' }, data: { a: '1' } });
  });
  after(async () => {
    for (const i of informers) await i.stop();
    client?.close();
    await skiff?.close();
  });

  const started = async (keepManagedFields?: boolean) => {
    const inf = new Informer<KObject>(client, configmaps, { namespace: 'default', keepManagedFields }).start();
    informers.push(inf);
    await inf.synced;
    return inf;
  };

  it('drops managedFields by default, from listed and watched objects alike, while the server keeps them', async () => {
    const inf = await started();
    expect(inf.get('default/listed')?.metadata.name).to.equal('listed');
    expect(inf.get('default/listed')?.metadata.managedFields).to.equal(undefined);
    await client.create(configmaps, 'default', { metadata: { name: 'watched' }, data: { b: '2' } });
    await until('the watched configmap in the cache', () => inf.get('default/watched'));
    expect(inf.get('default/watched')?.metadata.managedFields).to.equal(undefined);
    expect(JSON.parse(JSON.stringify(inf.get('default/watched')))).to.not.have.nested.property('metadata.managedFields');
    const stored = await client.get<KObject>(configmaps, 'default', 'watched');
    expect(stored.metadata.managedFields).to.be.an('array').with.length.greaterThan(0);
  });

  it('keeps managedFields when asked to', async () => {
    const inf = await started(true);
    expect(inf.get('default/listed')?.metadata.managedFields).to.be.an('array').with.length.greaterThan(0);
    await client.create(configmaps, 'default', { metadata: { name: 'kept' }, data: { c: '3' } });
    await until('the kept configmap in the cache', () => inf.get('default/kept'));
    expect(inf.get('default/kept')?.metadata.managedFields).to.be.an('array').with.length.greaterThan(0);
  });
});
