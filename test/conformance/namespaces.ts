// What the e2e framework's AfterEach does between conformance cases, shared by the suites.

import type { CoreV1Api } from '@kubernetes/client-node';

/**
 * Waits (up to 60s) until the namespaces the runner deleted after a case are gone, as the e2e
 * framework's AfterEach does: the namespace controller must finish them, and leftover pods of
 * one case must not load the next.
 */
export async function waitForTerminatingNamespaces(core: CoreV1Api): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const terminating = (await core.listNamespace()).items.filter((ns) => ns.status?.phase === 'Terminating').map((ns) => ns.metadata?.name ?? '');
    if (terminating.length === 0) return;
    if (Date.now() > deadline) throw new Error(`namespaces still terminating after 60s: ${terminating.join(', ')}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
