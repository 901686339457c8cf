// The agent's serving certificate when none is given: self-signed for the node's name and
// address, as the kubelet makes one without --tls-cert-file (the API server does not verify
// kubelet serving certificates unless told to; it authenticates itself with a client cert).

import { randomBytes, webcrypto } from 'node:crypto';
import { isIP } from 'node:net';
import { loadX509 } from '../../server/pki.ts';

export async function selfSignedServingCert(nodeName: string, addresses: string[]): Promise<{ certPem: string; keyPem: string }> {
  // Through pki.ts's loader: it installs the Reflect metadata shim x509 needs before loading it.
  const x509 = await loadX509();
  const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
  const keys = await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify']);
  const names: { type: 'dns' | 'ip'; value: string }[] = [{ type: 'dns', value: nodeName }];
  for (const a of addresses) names.push({ type: isIP(a) ? 'ip' : 'dns', value: a });
  const now = Date.now();
  const serial = randomBytes(16);
  serial[0] = (serial[0]! & 0x3f) | 0x40;
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial.toString('hex'),
    name: `CN=${nodeName}@${Math.floor(now / 1000)}`,
    notBefore: new Date(now - 5 * 60_000),
    notAfter: new Date(now + 365 * 86_400_000),
    keys,
    signingAlgorithm: alg,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
      new x509.ExtendedKeyUsageExtension(['1.3.6.1.5.5.7.3.1']),
      new x509.SubjectAlternativeNameExtension(names, false),
    ],
  });
  const der = await webcrypto.subtle.exportKey('pkcs8', keys.privateKey);
  const lines = Buffer.from(der).toString('base64').match(/.{1,64}/g) ?? [];
  return { certPem: cert.toString('pem') + '\n', keyPem: `-----BEGIN PRIVATE KEY-----\n${lines.join('\n')}\n-----END PRIVATE KEY-----\n` };
}
