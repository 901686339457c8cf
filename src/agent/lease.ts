// The node's heartbeat: a coordination.k8s.io/v1 Lease named after the node in
// kube-node-lease, owned by the Node, renewed on every tick (upstream's node lease
// controller). The last written Lease is kept, so a renewal is one PUT; a conflict or a
// missing Lease costs one more request.

import { isAlreadyExists, isConflict, isNotFound, resource, type RestClient } from '../client/rest.ts';
import type { Lease } from './types.ts';

export const NODE_LEASE_NAMESPACE = 'kube-node-lease';
const leases = resource('coordination.k8s.io/leases');

/** metav1.MicroTime text: UTC with exactly six fractional digits. */
export function microTime(ms = performance.timeOrigin + performance.now()): string {
  const whole = Math.floor(ms);
  const micros = Math.floor((ms - whole) * 1000);
  return new Date(whole).toISOString().replace(/\.(\d{3})Z$/, (_, m: string) => `.${m}${String(micros).padStart(3, '0')}Z`);
}

export class NodeLease {
  private lease: Lease | undefined;

  constructor(
    private readonly client: RestClient,
    private readonly nodeName: string,
    private readonly nodeUID: () => string | undefined,
    private readonly durationSeconds: number,
  ) {}

  /** The Lease as last written. */
  get current(): Lease | undefined { return this.lease; }

  async renew(): Promise<void> {
    const renewTime = microTime();
    if (this.lease) {
      try {
        this.lease = await this.client.update<Lease>(leases, NODE_LEASE_NAMESPACE, this.nodeName, this.renewed(this.lease, renewTime));
        return;
      } catch (e) {
        if (!isConflict(e) && !isNotFound(e)) throw e;
        this.lease = undefined;
      }
    }
    try {
      this.lease = await this.client.create<Lease>(leases, NODE_LEASE_NAMESPACE, this.renewed(undefined, renewTime));
    } catch (e) {
      if (!isAlreadyExists(e)) throw e;
      const existing = await this.client.get<Lease>(leases, NODE_LEASE_NAMESPACE, this.nodeName);
      this.lease = await this.client.update<Lease>(leases, NODE_LEASE_NAMESPACE, this.nodeName, this.renewed(existing, renewTime));
    }
  }

  private renewed(base: Lease | undefined, renewTime: string): Lease {
    const uid = this.nodeUID();
    const owners = uid ? [{ apiVersion: 'v1', kind: 'Node', name: this.nodeName, uid }] : undefined;
    return {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      ...base,
      metadata: { ...base?.metadata, name: this.nodeName, namespace: NODE_LEASE_NAMESPACE, ...(owners ? { ownerReferences: owners } : {}) },
      spec: { ...base?.spec, holderIdentity: this.nodeName, leaseDurationSeconds: this.durationSeconds, renewTime },
    };
  }
}
