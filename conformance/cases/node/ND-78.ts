// Upstream: test/e2e/common/node/expansion.go, "Variable Expansion should verify that a
// failing subpath expansion can be modified during the lifecycle of a container". The
// subPathExpr needs an annotation the pod lacks, so it does not run (for PodStartShortTimeout,
// two minutes); once the annotation is added the container starts.

import { errorOf, fail, must, retryOnConflict } from '../../framework/expect.ts';
import { createPod, deleteSync, getPod, newVarExpansionPod, podsPath, subpathEnv, waitForPodRunning, POD_START_SHORT_MS } from '../../framework/nodepods.ts';
import type { ConformanceCase } from '../../framework/types.ts';

const testCase: ConformanceCase = {
  id: 'ND-78',
  codename: '[sig-node] Variable Expansion should verify that a failing subpath expansion can be modified during the lifecycle of a container [Slow] [Conformance]',
  class: 'run',
  needs: 'busybox; subPathExpr retried after the pod annotation feeding it changes; takes over 2 minutes',
  baseName: 'var-expansion',
  podSecurity: 'baseline',
  async run(ctx) {
    const pod = newVarExpansionPod(ctx.namespace, ['sh', '-c', 'tail -f /dev/null'], subpathEnv(), [
      { name: 'workdir1', mountPath: '/subpath_mount', subPathExpr: '$(ANNOTATION)/$(POD_NAME)' },
      { name: 'workdir1', mountPath: '/volume_mount' },
    ], [{ name: 'workdir1', emptyDir: {} }]);
    pod.metadata.annotations = { notmysubpath: 'mypath' };
    const name = pod.metadata.name;

    ctx.step('creating the pod with failed condition');
    await createPod(ctx, pod);
    const err = await errorOf(waitForPodRunning(ctx, name, POD_START_SHORT_MS));
    if (err === undefined) fail('while waiting for pod to be running: expected an error, the pod ran');

    ctx.step('updating the pod');
    await must(retryOnConflict(async () => {
      const p = await getPod(ctx, name);
      p.metadata.annotations = { ...p.metadata.annotations, mysubpath: 'mypath' };
      await ctx.rest.put(podsPath(ctx.namespace, name), p);
    }), 'updating the pod');

    ctx.step('waiting for pod running');
    await waitForPodRunning(ctx, name, POD_START_SHORT_MS);

    ctx.step('deleting the pod gracefully');
    await deleteSync(ctx, name);
  },
};

export default testCase;
