// TCP socket probes (upstream pkg/probe/tcp): success is a connection made within the
// timeout, closed at once; anything else fails with Go's dial error text.

import { connect } from 'node:net';
import { joinHostPort, type ProbeAnswer } from './probe.ts';

export function tcpProbe(host: string, port: number, timeoutMs: number): Promise<ProbeAnswer> {
  const addr = joinHostPort(host, port);
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const finish = (answer: ProbeAnswer) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(answer);
    };
    const timer = setTimeout(() => finish({ result: 'Failure', output: `dial tcp ${addr}: i/o timeout` }), timeoutMs);
    socket.once('connect', () => finish({ result: 'Success', output: '' }));
    socket.once('error', (e: NodeJS.ErrnoException) => {
      const why = e.code === 'ECONNREFUSED' ? 'connect: connection refused' : e.code === 'EHOSTUNREACH' ? 'connect: no route to host' : e.message;
      finish({ result: 'Failure', output: `dial tcp ${addr}: ${why}` });
    });
  });
}
