// How the API server reaches a pod's node agent (upstream's KubeletClientConfig and
// GetConnectionInfo): the Node's InternalIP and status.daemonEndpoints.kubeletEndpoint.Port,
// over HTTPS with the API server's own client certificate (apiserver-kubelet-client).

import { readFile, writeFile, rename } from 'node:fs/promises';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';
import { badRequest } from '../errors.ts';
import { signClientCert, type Pki } from '../pki.ts';
import type { Node, Pod } from '../../agent/types.ts';
import { SimulatedNodeAnnotation } from '../../agent/node.ts';

/** The subject of the API server's client certificate toward agents (kubeadm's). */
export const KUBELET_CLIENT_CN = 'kube-apiserver-kubelet-client';
export const KUBELET_CLIENT_GROUP = 'kubeadm:cluster-admins';


export interface KubeletCredentials { certPem: string; keyPem: string }

/**
 * The API server's client certificate for agents, kept beside the cluster PKI
 * (`<dir>/pki/apiserver-kubelet-client.{crt,key}`) and made on first use.
 */
export function kubeletClientCredentials(pki: Pki, dataDir: string): () => Promise<KubeletCredentials> {
  let loaded: Promise<KubeletCredentials> | undefined;
  const certPath = join(dataDir, 'pki', 'apiserver-kubelet-client.crt');
  const keyPath = join(dataDir, 'pki', 'apiserver-kubelet-client.key');
  const load = async (): Promise<KubeletCredentials> => {
    try {
      const [certPem, keyPem] = await Promise.all([readFile(certPath, 'utf8'), readFile(keyPath, 'utf8')]);
      const cert = new X509Certificate(certPem);
      const ca = new X509Certificate(pki.caCertPem);
      if (cert.verify(ca.publicKey) && Date.parse(cert.validTo) > Date.now() + 86_400_000) return { certPem, keyPem };
    } catch {
      // Missing or unreadable: issue a new one.
    }
    const issued = await signClientCert(pki, { cn: KUBELET_CLIENT_CN, orgs: [KUBELET_CLIENT_GROUP] });
    await writeFile(`${keyPath}.tmp`, issued.keyPem, { mode: 0o600 });
    await rename(`${keyPath}.tmp`, keyPath);
    await writeFile(`${certPath}.tmp`, issued.certPem, { mode: 0o644 });
    await rename(`${certPath}.tmp`, certPath);
    return issued;
  };
  return () => (loaded ??= load().catch((e: unknown) => { loaded = undefined; throw e; }));
}

/** Addresses of this machine: the only ones the API server dials for a node agent. */
function isLocalAddress(ip: string): boolean {
  if (ip === '::1' || /^127\.\d+\.\d+\.\d+$/.test(ip)) return true;
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) if (a.address === ip) return true;
  }
  return false;
}

/** The agent endpoint serving a pod; BadRequest when the pod has none we may dial. */
export function agentLocation(pod: Pod, node: Node | undefined): URL {
  const name = pod.metadata.name;
  const nodeName = pod.spec?.nodeName;
  if (!nodeName) throw badRequest(`pod ${name} does not have a host assigned`);
  if (!node) throw badRequest(`node "${nodeName}" of pod ${name} not found`);
  if (node.metadata.annotations?.[SimulatedNodeAnnotation] === 'true') {
    throw badRequest(`pod ${name} runs on the simulated node ${nodeName}, whose runtime runs no containers: it has no logs, exec, attach or port-forward`);
  }
  const port = node.status?.daemonEndpoints?.kubeletEndpoint?.Port ?? 0;
  const ip = node.status?.addresses?.find((a) => a.type === 'InternalIP')?.address;
  if (!ip || port <= 0) throw badRequest(`node ${nodeName} publishes no agent endpoint (InternalIP and daemonEndpoints.kubeletEndpoint.Port)`);
  // Network safety: the agents run on this machine; never dial anything else.
  if (!isLocalAddress(ip)) throw badRequest(`node ${nodeName}'s address ${ip} is not an address of this machine; refusing to dial it`);
  return new URL(`https://${ip.includes(':') ? `[${ip}]` : ip}:${port}`);
}
