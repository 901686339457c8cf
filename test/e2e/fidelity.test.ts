// kubectl fidelity against an in-process Skiff: columns of every kind, diff, edit,
// validation errors for multi-document files, with the real kubectl binaries.

import { expect } from 'chai';
import { resources, isStored } from '../../api/resources.ts';
import { printerFor } from '../../api/printers/index.ts';
import { sampleObjects, sampleClusterObjects } from '../fixtures/objects.ts';
import { kubectlVersions } from './kubectl-versions.ts';
import { KubectlHarness } from './harness.ts';
import yaml from 'js-yaml';

for (const { label, path: KUBECTL } of kubectlVersions()) describe(`kubectl ${label} fidelity`, function () {
  this.timeout(120_000);
  const h = new KubectlHarness(KUBECTL);
  const kubectl = (args: string[], env: Record<string, string> = {}) => h.run(args, { env });
  const ok = (args: string[], env: Record<string, string> = {}) => h.ok(args, { env });
  const file = (n: string, text: string) => h.file(n, text);

  before(async () => {
    await h.start('fidelity');
    await ok(['create', '-f', file('ns.yaml', 'apiVersion: v1\nkind: Namespace\nmetadata: {name: it}\n')]);
    const docs = [...sampleObjects('it'), ...sampleClusterObjects('fid')].map((o) => yaml.dump(o)).join('---\n');
    await ok(['create', '-f', file('samples.yaml', docs)]);
  });
  after(() => h.stop());

  it('get prints upstream columns for every kind, wide columns with -o wide', async () => {
    const kinds = resources.filter(isStored).filter((r) => printerFor(r.group, r.plural));
    for (const r of kinds) {
      const what = r.group ? `${r.plural}.${r.group}` : r.plural;
      const cols = printerFor(r.group, r.plural)!.columns;
      const header = (wide: boolean) => cols.filter((c) => wide || c.priority === 0).map((c) => c.name.toUpperCase());
      const scope = r.namespaced ? ['-n', 'it'] : [];
      const out = await ok(['get', what, ...scope]);
      const first = out.split('\n')[0].trim().split(/\s{2,}/);
      expect(first, `${what}: ${out}`).to.deep.equal(header(false));
      const wide = (await ok(['get', what, ...scope, '-o', 'wide'])).split('\n')[0].trim().split(/\s{2,}/);
      expect(wide, what).to.deep.equal(header(true));
    }
  });

  it('create -f validates: a multi-document file with an unknown field fails that document only, with the Strict text', async () => {
    const f = file('multi.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: good-doc}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: bad-doc}\nbogus: 1\n');
    const r = await kubectl(['create', '-f', f]);
    expect(r.code).to.equal(1);
    expect(r.stdout).to.contain('configmap/good-doc created');
    expect(r.stderr).to.contain('ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: unknown field "bogus"');
    const warn = await kubectl(['create', '-f', file('warn.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: warned}\nbogus: 1\n'), '--validate=warn']);
    expect(warn.code).to.equal(0);
    expect(warn.stderr).to.contain('Warning: unknown field "bogus"');
    const stored = JSON.parse(await ok(['get', 'cm', 'warned', '-o', 'json'])) as Record<string, unknown>;
    expect(stored).to.not.have.property('bogus');
  });

  it('create -f with a typo in the kind names it', async () => {
    const r = await kubectl(['create', '-f', file('typo.yaml', 'apiVersion: v1\nkind: ConfigMapp\nmetadata: {name: typo}\n')]);
    expect(r.code).to.equal(1);
    expect(r.stderr).to.contain('no matches for kind "ConfigMapp" in version "v1"');
  });

  it('diff shows what apply would change, and nothing when there is no change', async () => {
    const v1 = file('diff1.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: diffed}\ndata: {a: "1"}\n');
    await ok(['apply', '-f', v1]);
    expect((await kubectl(['diff', '-f', v1])).code).to.equal(0);
    const v2 = file('diff2.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: diffed}\ndata: {a: "2"}\n');
    const r = await kubectl(['diff', '-f', v2]);
    expect(r.code, r.stderr).to.equal(1);
    expect(r.stdout).to.match(/^-\s+a: "1"$/m);
    expect(r.stdout).to.match(/^\+\s+a: "2"$/m);
    expect(await ok(['get', 'cm', 'diffed', '-o', 'jsonpath={.data.a}'])).to.equal('1');
  });

  it('edit applies what a scripted EDITOR changed', async () => {
    await ok(['create', '-f', file('edit.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: edited}\ndata: {greeting: hello}\n')]);
    const out = await ok(['edit', 'cm', 'edited'], { EDITOR: "sed -i 's/greeting: hello/greeting: bonjour/'" });
    expect(out).to.contain('configmap/edited edited');
    expect(await ok(['get', 'cm', 'edited', '-o', 'jsonpath={.data.greeting}'])).to.equal('bonjour');
  });
});
