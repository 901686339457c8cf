// Upstream: test/e2e/common/node/expansion.go, "Variable Expansion should succeed in writing
// subpaths in container". A file written into the volume's mypath/foo shows up in the
// subPathExpr mount $(ANNOTATION)/$(POD_NAME); changing the annotation later does not disturb
// the running pod, and it is deleted cleanly.

import { fail, must, retryOnConflict } from '../../framework/expect.ts';
import { deleteSync, execShellInPod, getPod, newVarExpansionPod, podsPath, subpathEnv, waitForPodRunning, createPod, POD_START_SHORT_MS } from '../../framework/nodepods.ts';
import type { ConformanceCase } from '../../framework/types.ts';

const testCase: ConformanceCase = {
  id: 'ND-77',
  codename: '[sig-node] Variable Expansion should succeed in writing subpaths in container [Slow] [Conformance]',
  class: 'run',
  needs: 'busybox; subPathExpr from a downward-API env var; exec',
  baseName: 'var-expansion',
  podSecurity: 'baseline',
  async run(ctx) {
    const pod = newVarExpansionPod(ctx.namespace, ['sh', '-c', 'tail -f /dev/null'], subpathEnv(), [
      { name: 'workdir1', mountPath: '/subpath_mount', subPathExpr: '$(ANNOTATION)/$(POD_NAME)' },
      { name: 'workdir1', mountPath: '/volume_mount' },
    ], [{ name: 'workdir1', emptyDir: {} }]);
    pod.metadata.annotations = { mysubpath: 'mypath' };
    const name = pod.metadata.name;

    ctx.step('creating the pod');
    await createPod(ctx, pod);

    ctx.step('waiting for pod running');
    await waitForPodRunning(ctx, name, POD_START_SHORT_MS);

    ctx.step('creating a file in subpath');
    let r = await must(execShellInPod(ctx, pod, 'touch /volume_mount/mypath/foo/test.log'), 'exec touch');
    if (r.exitCode !== 0 || r.error) fail(`expected to be able to write to subpath (${r.error ?? ''} ${r.stderr})`);

    ctx.step('test for file in mounted path');
    r = await must(execShellInPod(ctx, pod, 'test -f /subpath_mount/test.log'), 'exec test');
    if (r.exitCode !== 0 || r.error) fail(`expected to be able to verify file (${r.error ?? ''} ${r.stderr})`);

    ctx.step('updating the annotation value');
    await must(retryOnConflict(async () => {
      const p = await getPod(ctx, name);
      p.metadata.annotations = { ...p.metadata.annotations, mysubpath: 'mynewpath' };
      await ctx.rest.put(podsPath(ctx.namespace, name), p);
    }), 'updating the pod');

    ctx.step('waiting for annotated pod running');
    await waitForPodRunning(ctx, name, POD_START_SHORT_MS);

    ctx.step('deleting the pod gracefully');
    await deleteSync(ctx, name);
  },
};

export default testCase;
