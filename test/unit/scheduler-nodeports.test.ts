// NodePorts, as upstream's nodeports/node_ports_test.go: host port conflicts per
// protocol and IP, with 0.0.0.0 (or no hostIP) meaning every IP.

import { expect } from 'chai';
import type { V1ContainerPort } from '@kubernetes/client-node';
import { Code, CycleState, isPreFilter } from '../../src/scheduler/framework/types.ts';
import * as nodePorts from '../../src/scheduler/plugins/nodeports.ts';
import { fakeHandle, node, nodeInfo, pod, runFilter, view, type PodOptions } from './scheduler-fixtures.ts';

/** Containers with host ports, each "protocol/hostIP/port". */
function withPorts(...specs: string[]): PodOptions {
  const ports: V1ContainerPort[] = specs.map((s) => {
    const [protocol, hostIP, port] = s.split('/');
    return { containerPort: Number(port), hostPort: Number(port), protocol, ...(hostIP ? { hostIP } : {}) };
  });
  return { containers: [{ name: 'c', image: 'x', ports }] };
}

describe('NodePorts filter', () => {
  const ok = { code: Code.Success, reasons: [] as string[] };
  const conflict = { code: Code.Unschedulable, reasons: ["node(s) didn't have free ports for the requested pod ports"] };
  const cases: { name: string; pod: PodOptions; existing: PodOptions[]; want: typeof ok }[] = [
    { name: 'nothing running', pod: withPorts('UDP/127.0.0.1/8080'), existing: [], want: ok },
    { name: 'other port', pod: withPorts('UDP/127.0.0.1/8080'), existing: [withPorts('UDP/127.0.0.1/9090')], want: ok },
    { name: 'same udp port', pod: withPorts('UDP/127.0.0.1/8080'), existing: [withPorts('UDP/127.0.0.1/8080')], want: conflict },
    { name: 'same tcp port', pod: withPorts('TCP/127.0.0.1/8080'), existing: [withPorts('TCP/127.0.0.1/8080')], want: conflict },
    { name: 'different host ip', pod: withPorts('TCP/127.0.0.1/8080'), existing: [withPorts('TCP/127.0.0.2/8080')], want: ok },
    { name: 'different protocol', pod: withPorts('UDP/127.0.0.1/8080'), existing: [withPorts('TCP/127.0.0.1/8080')], want: ok },
    { name: 'second udp port conflict', pod: withPorts('UDP/127.0.0.1/8000', 'UDP/127.0.0.1/8080'), existing: [withPorts('UDP/127.0.0.1/8080')], want: conflict },
    { name: 'first tcp port conflict', pod: withPorts('TCP/127.0.0.1/8001', 'UDP/127.0.0.1/8080'), existing: [withPorts('TCP/127.0.0.1/8001', 'UDP/127.0.0.1/8081')], want: conflict },
    { name: 'first tcp port conflict due to 0.0.0.0 hostIP', pod: withPorts('TCP/0.0.0.0/8001'), existing: [withPorts('TCP/127.0.0.1/8001')], want: conflict },
    { name: 'TCP hostPort conflict due to 0.0.0.0 hostIP', pod: withPorts('TCP/10.0.10.10/8001', 'TCP/0.0.0.0/8001'), existing: [withPorts('TCP/127.0.0.1/8001')], want: conflict },
    { name: 'second tcp port conflict to 0.0.0.0 hostIP', pod: withPorts('TCP/127.0.0.1/8001'), existing: [withPorts('TCP/0.0.0.0/8001')], want: conflict },
    { name: 'second different protocol', pod: withPorts('UDP/127.0.0.1/8001'), existing: [withPorts('TCP/0.0.0.0/8001')], want: ok },
    { name: 'UDP hostPort conflict due to 0.0.0.0 hostIP', pod: withPorts('UDP/127.0.0.1/8001'), existing: [withPorts('TCP/0.0.0.0/8001', 'UDP/0.0.0.0/8001')], want: conflict },
    { name: 'no hostIP means 0.0.0.0', pod: withPorts('TCP//8001'), existing: [withPorts('TCP/10.0.0.1/8001')], want: conflict },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const ni = nodeInfo(node('n'), c.existing.map((o, i) => pod(`e${i}`, o)));
      const { statuses } = runFilter(nodePorts.factory(fakeHandle([ni])), pod('p', c.pod), [ni]);
      expect(view(statuses.get('n'))).to.deep.equal(c.want);
    });
  }

  it('skips pods without host ports in PreFilter', () => {
    const ni = nodeInfo(node('n'), [pod('e', withPorts('TCP/0.0.0.0/80'))]);
    const pl = nodePorts.factory(fakeHandle([ni]));
    if (!isPreFilter(pl)) throw new Error('NodePorts has a PreFilter');
    const only = pod('p', { containers: [{ name: 'c', image: 'x', ports: [{ containerPort: 80 }] }] });
    expect(pl.preFilter(new CycleState(), only, [ni]).status.code).to.equal(Code.Skip);
  });
});
