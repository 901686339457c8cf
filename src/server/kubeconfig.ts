/**
 * kubeconfig generation: a standard `kind: Config` document with inline
 * (base64) CA and client credentials, loadable by stock kubectl and by
 * @kubernetes/client-node's KubeConfig.loadFromString.
 */
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

export interface KubeconfigOptions {
  /** API server URL, e.g. https://127.0.0.1:6443 */
  server: string;
  /** PEM of the CA that signed the serving certificate. */
  caPem: string;
  /** Client certificate PEM (x509 auth). Requires keyPem. */
  certPem?: string;
  /** Client key PEM (x509 auth). Requires certPem. */
  keyPem?: string;
  /** Bearer token (used instead of, or in addition to, a client certificate). */
  token?: string;
  clusterName?: string;
  userName?: string;
  contextName?: string;
  /** Default namespace for the context. */
  namespace?: string;
}

const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');

export function kubeconfigYaml(opts: KubeconfigOptions): string {
  const { server, caPem, certPem, keyPem, token, namespace } = opts;
  const clusterName = opts.clusterName ?? 'skiff';
  const userName = opts.userName ?? 'skiff-admin';
  const contextName = opts.contextName ?? 'skiff';
  if (!server) throw new Error('kubeconfig: server is required');
  if (!caPem) throw new Error('kubeconfig: caPem is required');
  if ((certPem === undefined) !== (keyPem === undefined)) {
    throw new Error('kubeconfig: certPem and keyPem must be given together');
  }
  if (certPem === undefined && !token) throw new Error('kubeconfig: need a client certificate (certPem+keyPem) or a token');

  const user: Record<string, string> = {};
  if (certPem !== undefined && keyPem !== undefined) {
    user['client-certificate-data'] = b64(certPem);
    user['client-key-data'] = b64(keyPem);
  }
  if (token) user['token'] = token;

  const context: Record<string, string> = { cluster: clusterName, user: userName };
  if (namespace) context['namespace'] = namespace;

  // Written by hand (the shape is fixed): every value as a JSON string, which YAML reads as a
  // double-quoted scalar, so no name or URL can change the document's structure.
  const q = (s: string) => JSON.stringify(s);
  const fields = (m: Record<string, string>, indent: string) => Object.entries(m).map(([k, v]) => `${indent}${k}: ${q(v)}\n`).join('');
  return 'apiVersion: v1\nkind: Config\npreferences: {}\n'
    + `clusters:\n- name: ${q(clusterName)}\n  cluster:\n${fields({ server, 'certificate-authority-data': b64(caPem) }, '    ')}`
    + `users:\n- name: ${q(userName)}\n  user:\n${fields(user, '    ')}`
    + `contexts:\n- name: ${q(contextName)}\n  context:\n${fields(context, '    ')}`
    + `current-context: ${q(contextName)}\n`;
}

/**
 * Write a kubeconfig with mode 0600 (creating parent directories), atomically:
 * readers never see a half-written file, and an existing file keeps no laxer mode.
 */
export async function writeKubeconfig(path: string, yamlText: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const tmp = `${path}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    await writeFile(tmp, yamlText, { mode: 0o600 });
    await chmod(tmp, 0o600); // in case the umask stripped bits or the file pre-existed
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}
