// Image garbage collection by disk thresholds (upstream image_gc_manager.go) over the
// simulated runtime's image store: which images go, in which order, and when nothing may.

import { expect } from 'chai';
import { ImageGCManager, validatePolicy, type FsStats } from '../../src/agent/imagegc.ts';
import { SimRuntime } from '../../src/agent/runtime/sim.ts';
import type { PodSandboxConfig } from '../../src/agent/runtime/types.ts';

const GiB = 1024 ** 3;

async function runContainer(rt: SimRuntime, image: string): Promise<void> {
  const config: PodSandboxConfig = { metadata: { name: 'p', uid: `uid-${image}`, namespace: 'default', attempt: 0 } };
  const sandbox = await rt.runPodSandbox(config);
  const id = await rt.createContainer(sandbox, { metadata: { name: 'c', attempt: 0 }, image: { image } }, config);
  await rt.startContainer(id);
}

describe('image garbage collection', () => {
  let clock: number;
  let fs: FsStats;
  let events: string[];
  const manager = (rt: SimRuntime, policy = { highThresholdPercent: 85, lowThresholdPercent: 80, minAgeMs: 60_000 }, sandboxImage?: string) =>
    new ImageGCManager({ runtime: rt, policy, sandboxImage, now: () => clock, fsStats: async () => fs, recordEvent: (type, reason, message) => events.push(`${type} ${reason} ${message}`) });

  beforeEach(() => {
    clock = 1_000_000;
    fs = { capacityBytes: 100 * GiB, availableBytes: 50 * GiB };
    events = [];
  });

  it('leaves images alone below the high threshold', async () => {
    const rt = new SimRuntime({ images: ['busybox:1.36', 'httpd:2.4'] });
    const gc = manager(rt);
    await gc.detectImages();
    clock += 3_600_000;
    const r = await gc.garbageCollect();
    expect(r).to.deep.equal({ usagePercent: 50, freedBytes: 0, removed: [] });
    expect(await rt.listImages()).to.have.length(2);
  });

  it('over the threshold removes unused images, least recently used first, until the low threshold is reached', async () => {
    const rt = new SimRuntime({ podCIDR: '10.244.0.0/24', images: ['busybox:1.36', 'httpd:2.4', 'nginx:1.14', 'agnhost:2.53'] });
    const [busybox, httpd, nginx] = await Promise.all(['busybox:1.36', 'httpd:2.4', 'nginx:1.14'].map(async (i) => (await rt.imageStatus({ image: i }))!));
    const gc = manager(rt);
    await gc.detectImages();
    // nginx ran a container a while ago, then it went: used, so it goes after never-used images.
    clock += 10_000;
    await runContainer(rt, 'nginx:1.14');
    await gc.detectImages();
    for (const c of await rt.listContainers()) { await rt.stopContainer(c.id, 0); await rt.removeContainer(c.id); }
    await runContainer(rt, 'busybox:1.36'); // in use now: never collected
    clock += 120_000;
    // 90 % used; freeing down to 80 % needs the size of one image more than nothing.
    fs = { capacityBytes: 100 * GiB, availableBytes: 10 * GiB };
    const needed = 10 * GiB;
    const r = await gc.garbageCollect();
    expect(r.usagePercent).to.equal(90);
    expect(r.removed).to.not.include(busybox.id);
    expect(r.removed[r.removed.length - 1]).to.equal(nginx.id, 'the image used most recently goes last');
    expect(r.removed).to.include(httpd.id);
    expect(r.freedBytes).to.be.below(needed);
    expect(events).to.deep.equal([`Warning FreeDiskSpaceFailed Failed to garbage collect required amount of images. Attempted to free ${needed} bytes, but only found ${r.freedBytes} bytes eligible to free.`]);
    const left = (await rt.listImages()).map((i) => i.id);
    expect(left).to.deep.equal([busybox.id]);
  });

  it('stops once enough is freed', async () => {
    const rt = new SimRuntime({ images: ['a:1', 'b:1', 'c:1'] });
    const gc = manager(rt, { highThresholdPercent: 80, lowThresholdPercent: 80, minAgeMs: 60_000 });
    await gc.detectImages();
    clock += 120_000;
    const sizes = new Map((await rt.listImages()).map((i) => [i.id, i.size]));
    const smallest = Math.min(...sizes.values());
    // Half the smallest image over the low threshold: the first image removed is enough.
    fs = { capacityBytes: 100 * smallest, availableBytes: 19.5 * smallest };
    const r = await gc.garbageCollect();
    expect(r.removed).to.have.length(1);
    expect(events).to.deep.equal([]);
    expect(await rt.listImages()).to.have.length(2);
  });

  it('keeps images younger than the minimum age and the sandbox image', async () => {
    const rt = new SimRuntime({ images: ['registry.k8s.io/pause:3.10', 'httpd:2.4'] });
    const gc = manager(rt, { highThresholdPercent: 50, lowThresholdPercent: 10, minAgeMs: 60_000 }, 'registry.k8s.io/pause:3.10');
    fs = { capacityBytes: 100 * GiB, availableBytes: 1 * GiB };
    expect((await gc.garbageCollect()).removed).to.deep.equal([], 'just detected: too young');
    clock += 60_000;
    const r = await gc.garbageCollect();
    expect(r.removed).to.have.length(1);
    expect((await rt.listImages()).map((i) => i.repoTags[0])).to.deep.equal(['registry.k8s.io/pause:3.10']);
  });

  it('refuses thresholds upstream refuses', () => {
    expect(() => validatePolicy({ highThresholdPercent: 101, lowThresholdPercent: 80, minAgeMs: 0 })).to.throw('invalid HighThresholdPercent 101, must be in range [0-100]');
    expect(() => validatePolicy({ highThresholdPercent: 70, lowThresholdPercent: 80, minAgeMs: 0 })).to.throw('LowThresholdPercent 80 can not be higher than HighThresholdPercent 70');
  });
});
