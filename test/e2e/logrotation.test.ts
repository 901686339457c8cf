// Container log rotation on containerd: the manager renames a running container's CRI log once
// it is large enough and has containerd reopen it, keeps maxFiles - 2 older rotations gzipped,
// and `kubectl logs` goes on reading the live file.

import { expect } from 'chai';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { ContainerLogManager } from '../../src/agent/logs/manager.ts';
import { request, until } from '../helpers.ts';
import { busyboxPod, createPod, describeRealRuntime, isRunning, waitForPod, useRealSkiffAndCri } from './runtime-harness.ts';

const CRI_LINE = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z stdout F line-\d+ x+$/;

describeRealRuntime('container log rotation on containerd', function () {
  this.timeout(120_000);
  const real = useRealSkiffAndCri();

  it('rotates a growing log by size, compresses older rotations, keeps maxFiles, and kubectl logs still reads', async () => {
    const pad = 'x'.repeat(200);
    await createPod(real.skiff, busyboxPod('chatty', ['sh', '-c', `trap "exit 0" TERM; i=0; while :; do i=$((i+1)); echo line-$i ${pad}; sleep 0.005; done`]));
    const pod = await waitForPod(real.skiff, 'default', 'chatty', isRunning);
    const id = (pod.status?.containerStatuses?.[0].containerID ?? '').replace(/^[a-z]+:\/\//, '');
    const live = (await real.cri.containerStatus(id)).logPath!;
    const dir = dirname(live);
    let clock = Date.parse('2026-11-26T10:00:00');
    const manager = new ContainerLogManager({ runtime: real.cri, policy: { maxSizeBytes: 8 * 1024, maxFiles: 3 }, now: () => new Date((clock += 1000)) });
    for (let round = 0; round < 4; round++) {
      await until(`log past 8 KiB (round ${round})`, () => ((statSync(live, { throwIfNoEntry: false })?.size ?? 0) >= 8 * 1024 ? true : undefined), 30_000, 50);
      await manager.rotateLogs();
    }
    const files = readdirSync(dir).filter((f) => f.startsWith(basename(live))).sort();
    const rotated = files.filter((f) => f !== basename(live));
    // The live file, the rotation just made (plain) and maxFiles - 2 = 1 older one (gzipped).
    expect(files, files.join(' ')).to.include(basename(live));
    expect(rotated).to.have.length(2);
    expect(rotated[0]).to.match(/^0\.log\.\d{8}-\d{6}\.gz$/);
    expect(rotated[1]).to.match(/^0\.log\.\d{8}-\d{6}$/);
    const older = gunzipSync(readFileSync(join(dir, rotated[0]))).toString('utf8').split('\n').filter(Boolean);
    const newer = readFileSync(join(dir, rotated[1]), 'utf8').split('\n').filter(Boolean);
    for (const l of [...older, ...newer]) expect(l).to.match(CRI_LINE);
    // Nothing lost between the two: the newer rotation continues where the older stopped.
    const n = (l: string) => Number(/line-(\d+)/.exec(l)?.[1]);
    expect(n(newer[0])).to.be.greaterThan(n(older[older.length - 1]));
    // containerd writes on under the old name.
    await until('the reopened log fills', () => ((statSync(live, { throwIfNoEntry: false })?.size ?? 0) > 0 ? true : undefined), 10_000, 50);
    const res = await request(real.skiff, 'GET', '/api/v1/namespaces/default/pods/chatty/log?tailLines=2');
    expect(res.status).to.equal(200);
    // The container keeps writing: what it appends while the tail is read comes along, as upstream's reader gives it.
    const tail = res.text.split('\n').filter(Boolean);
    expect(tail.length).to.be.at.least(2);
    for (const l of tail) expect(n(l)).to.be.greaterThan(n(newer[newer.length - 1]));
  });
});
