// The ServiceAccount controller and the root CA publisher (upstream serviceaccounts_controller
// and rootcacertpublisher) against an in-process Skiff: a new namespace gets a `default`
// ServiceAccount and a `kube-root-ca.crt` ConfigMap holding the cluster CA; both come back
// after deletion, and a changed ConfigMap is put back.

import { expect } from 'chai';
import { startSkiff, type Skiff } from '../../src/index.ts';
import { RestClient, resource } from '../../src/client/rest.ts';
import { newServiceAccountController } from '../../src/controllers/serviceaccount.ts';
import { newRootCACertPublisher } from '../../src/controllers/rootcacert.ts';
import { sleep, until } from '../helpers.ts';

const namespaces = resource('namespaces');
const serviceaccounts = resource('serviceaccounts');
const configmaps = resource('configmaps');

interface ConfigMap { metadata: { name: string; uid: string; annotations?: Record<string, string> }; data?: Record<string, string> }
interface SA { metadata: { name: string; uid: string } }

describe('ServiceAccount controller and root CA publisher', function () {
  this.timeout(60_000);
  let skiff: Skiff;
  let client: RestClient;

  before(async () => {
    skiff = await startSkiff({
      controllers: {
        names: ['serviceaccount', 'root-ca-cert-publisher'],
        factories: { serviceaccount: newServiceAccountController, 'root-ca-cert-publisher': newRootCACertPublisher },
      },
    });
    await skiff.controllerManager?.leading;
    client = new RestClient({ server: skiff.url, ...skiff.credentials });
  });
  after(async () => {
    client?.close();
    await skiff?.close();
  });

  const sa = (ns: string) => client.get<SA>(serviceaccounts, ns, 'default');
  const rootCA = (ns: string) => client.get<ConfigMap>(configmaps, ns, 'kube-root-ca.crt');

  it('gives the namespaces that exist at start a default ServiceAccount and the root CA', async () => {
    for (const ns of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) {
      await until(`default ServiceAccount in ${ns}`, () => sa(ns));
      const cm = await until(`kube-root-ca.crt in ${ns}`, () => rootCA(ns));
      expect(cm.data).to.deep.equal({ 'ca.crt': skiff.credentials.caPem });
    }
  });

  it('gives a new namespace both, and makes them again after deletion', async () => {
    await client.create(namespaces, undefined, { metadata: { name: 'team-a' } });
    const first = await until('default ServiceAccount', () => sa('team-a'));
    const cm = await until('kube-root-ca.crt', () => rootCA('team-a'));
    expect(cm.data).to.deep.equal({ 'ca.crt': skiff.credentials.caPem });
    expect(cm.metadata.annotations?.['kubernetes.io/description']).to.match(/^Contains a CA bundle/);

    await client.delete(serviceaccounts, 'team-a', 'default');
    const again = await until('a new default ServiceAccount', async () => { const s = await sa('team-a'); return s.metadata.uid !== first.metadata.uid && s; });
    expect(again.metadata.name).to.equal('default');

    await client.delete(configmaps, 'team-a', 'kube-root-ca.crt');
    const cm2 = await until('a new kube-root-ca.crt', async () => { const c = await rootCA('team-a'); return c.metadata.uid !== cm.metadata.uid && c; });
    expect(cm2.data).to.deep.equal({ 'ca.crt': skiff.credentials.caPem });
  });

  it('puts back a kube-root-ca.crt that was changed', async () => {
    await client.create(namespaces, undefined, { metadata: { name: 'team-b' } });
    await until('kube-root-ca.crt', () => rootCA('team-b'));
    await client.patch(configmaps, 'team-b', 'kube-root-ca.crt', 'merge', { data: { 'ca.crt': 'not a CA', extra: 'x' } });
    const cm = await until('the CA restored', async () => { const c = await rootCA('team-b'); return c.data?.['ca.crt'] === skiff.credentials.caPem && c; });
    expect(cm.data).to.deep.equal({ 'ca.crt': skiff.credentials.caPem });
  });

  it('leaves a terminating namespace alone', async () => {
    await client.create(namespaces, undefined, { metadata: { name: 'team-c' } });
    await until('default ServiceAccount', () => sa('team-c'));
    // Without the namespace controller the namespace stays Terminating with its content.
    await client.delete(namespaces, undefined, 'team-c');
    await until('Terminating', async () => (await client.get<{ status?: { phase?: string } }>(namespaces, undefined, 'team-c')).status?.phase === 'Terminating');
    await client.delete(serviceaccounts, 'team-c', 'default');
    await sleep(1000);
    const left = await client.list<SA>(serviceaccounts, 'team-c');
    expect(left.items).to.have.length(0);
  });
});
