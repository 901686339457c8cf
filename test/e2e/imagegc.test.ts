// Image garbage collection on real containerd: with the image filesystem over the threshold
// (thresholds at 0 %, so the real disk always is), unused images are removed by ID through CRI
// while the image a running pod uses and the sandbox image stay, and the pod keeps running.

import { expect } from 'chai';
import { ImageGCManager } from '../../src/agent/imagegc.ts';
import { BUSYBOX, busyboxPod, createPod, describeRealRuntime, getPod, isRunning, SLEEP_FOREVER, waitForPod, useRealSkiffAndCri } from './runtime-harness.ts';

describeRealRuntime('image garbage collection on containerd', function () {
  this.timeout(180_000);
  const real = useRealSkiffAndCri();


  it('removes unused images by ID, keeping the running pod\'s image and the sandbox image', async () => {
    await createPod(real.skiff, busyboxPod('gc-user', SLEEP_FOREVER));
    await waitForPod(real.skiff, 'default', 'gc-user', isRunning);
    const unused = 'docker.io/library/httpd:2.4';
    await real.cri.pullImage({ image: unused });
    const httpd = await real.cri.imageStatus({ image: unused });
    const busybox = await real.cri.imageStatus({ image: BUSYBOX });
    expect(httpd, 'httpd pulled from the loopback registry').to.not.equal(undefined);
    expect(busybox).to.not.equal(undefined);
    const pause = (await real.cri.listImages()).find((i) => i.repoTags.some((t) => t.endsWith('/pause:3.10')));
    expect(pause, 'the sandbox image is present').to.not.equal(undefined);

    const events: string[] = [];
    const gc = new ImageGCManager({
      runtime: real.cri, policy: { highThresholdPercent: 0, lowThresholdPercent: 0, minAgeMs: 0 }, sandboxImage: pause!.repoTags[0],
      recordEvent: (_type, reason) => events.push(reason),
    });
    const r = await gc.garbageCollect();
    // The real image filesystem (ImageFsInfo's mountpoint, statfs'd) is in use, never empty.
    expect(r.usagePercent).to.be.within(1, 100);
    expect(r.removed).to.include(httpd!.id);
    expect(r.removed).to.not.include(busybox!.id);
    expect(r.removed).to.not.include(pause!.id);
    expect(await real.cri.imageStatus({ image: unused })).to.equal(undefined);
    expect(await real.cri.imageStatus({ image: BUSYBOX })).to.not.equal(undefined);
    // Asked to free the whole disk's usage, it could not: it says so on the Node.
    expect(events).to.deep.equal(['FreeDiskSpaceFailed']);
    const pod = await getPod(real.skiff, 'default', 'gc-user');
    expect(pod && isRunning(pod)).to.equal(true);
  });
});
