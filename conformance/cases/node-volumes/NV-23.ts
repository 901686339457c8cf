// Upstream: test/e2e/common/storage/empty_dir.go, "EmptyDir volumes pod should support shared
// volumes between containers". One busybox container writes a file into an emptyDir, the
// other (mounting it elsewhere) reads it back through exec.
// (Not in the public list; the ID follows its alphabetical numbering of the v1.32 codenames.)

import { expectEqual } from '../../framework/expect.ts';
import { images } from '../../framework/images.ts';
import { uuid } from '../../framework/json.ts';
import { createPod, execOk, waitForPodRunning } from '../../framework/nodepods.ts';
import type { ConformanceCase } from '../../framework/types.ts';
import type { Pod } from '../../framework/volumes.ts';

/** e2epod.InfiniteSleepCommand */
const INFINITE_SLEEP = 'trap exit TERM; while true; do sleep 1; done';

const testCase: ConformanceCase = {
  id: 'NV-23',
  codename: '[sig-storage] EmptyDir volumes pod should support shared volumes between containers [Conformance]',
  class: 'run',
  needs: 'run; busybox; pods/exec',
  baseName: 'emptydir',
  podSecurity: 'baseline',
  async run(ctx) {
    const volumeName = 'shared-data';
    const mainPath = '/usr/share/volumeshare';
    const subPath = '/pod-data';
    const message = 'Hello from the busy-box sub-container';
    const mainContainer = 'busybox-main-container';
    const pod: Pod = {
      metadata: { name: `pod-sharedvolume-${uuid()}` },
      spec: {
        volumes: [{ name: volumeName, emptyDir: {} }],
        containers: [
          { name: mainContainer, image: images.busybox, command: ['/bin/sh'], args: ['-c', INFINITE_SLEEP], volumeMounts: [{ name: volumeName, mountPath: mainPath }] },
          { name: 'busybox-sub-container', image: images.busybox, command: ['/bin/sh'], args: ['-c', `echo ${message} > ${subPath}/shareddata.txt`], volumeMounts: [{ name: volumeName, mountPath: subPath }] },
        ],
        terminationGracePeriodSeconds: 0,
        restartPolicy: 'Never',
      },
    };

    ctx.step('Creating Pod');
    await createPod(ctx, pod);
    await waitForPodRunning(ctx, pod.metadata.name);

    ctx.step('Reading file content from the nginx-container');
    const result = await execOk(ctx, pod.metadata.name, mainContainer, '/bin/sh', '-c', `cat ${mainPath}/shareddata.txt`);
    expectEqual(result, message, `failed to match expected string ${message} with ${result}`);
  },
};

export default testCase;
