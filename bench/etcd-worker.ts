// Worker thread: N etcd watchers on one prefix (the etcd3 client multiplexes them on
// one gRPC watch stream, as kube-apiserver does), recording (mod_revision, receipt time).

import { Etcd3, type Watcher } from 'etcd3';
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { errorText, now } from './util.ts';
import type { MainToWatcher, WatcherToMain } from './watch.ts';

export interface EtcdWatchWorkerData {
  etcdWatch: { endpoint: string; prefix: string; watchers: number };
}

async function main(port: NonNullable<typeof parentPort>, opts: EtcdWatchWorkerData['etcdWatch']): Promise<void> {
  const send = (m: WatcherToMain): void => port.postMessage(m);
  const client = new Etcd3({ hosts: opts.endpoint, grpcOptions: { 'grpc.max_receive_message_length': 256 << 20 } });
  const received: number[][] = Array.from({ length: opts.watchers }, () => []);
  let total = 0;
  let errors = 0;
  let firstError: string | undefined;
  const watchers: Watcher[] = [];
  for (let w = 0; w < opts.watchers; w++) {
    const list = received[w];
    const watcher = await client.watch().prefix(opts.prefix).create();
    watcher.on('put', (kv) => {
      list.push(Number(kv.mod_revision), now());
      total++;
    });
    watcher.on('error', (err: Error) => {
      errors++;
      firstError ??= errorText(err);
    });
    watchers.push(watcher);
  }
  send({ type: 'ready', connected: watchers.length, failed: 0 });
  port.on('message', (m: MainToWatcher) => {
    if (m.cmd === 'count') {
      send({ type: 'count', n: total });
      return;
    }
    const out = received.map((l) => Float64Array.from(l));
    send({ type: 'result', received: out, errors, firstError });
    void Promise.all(watchers.map((w) => w.cancel()))
      .catch(() => undefined)
      .finally(() => client.close());
  });
}

const wd: unknown = workerData;
if (!isMainThread && parentPort && typeof wd === 'object' && wd !== null && 'etcdWatch' in wd) {
  const port = parentPort;
  main(port, (wd as EtcdWatchWorkerData).etcdWatch).catch((err: unknown) => port.postMessage({ type: 'error', error: errorText(err) }));
}
