// Service account tokens (upstream's TokenRequest and the service-account JWT authenticator):
// ES256 JWTs signed with a key kept in the data dir, bound to the service account's uid.

import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, randomUUID, type KeyObject } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { timestamp } from '../../registry/object.ts';

export const ISSUER = 'https://kubernetes.default.svc.cluster.local';

export interface ServiceAccountClaims {
  namespace: string;
  name: string;
  uid: string;
  audiences: string[];
  expirationSeconds: number;
  /** The object the token is bound to (a Pod or Secret), if any. */
  boundObject?: { kind: string; name: string; uid: string };
}

export interface VerifiedToken { namespace: string; name: string; uid: string }

const b64 = (v: string | Buffer) => Buffer.from(v).toString('base64url');

export class TokenSigner {
  private readonly privateKey: KeyObject;
  private readonly publicKey: KeyObject;
  private readonly kid: string;

  /** Loads dir/sa.key, creating it on first use (P-256, PKCS#8, mode 0600). */
  constructor(dir: string) {
    const path = join(dir, 'sa.key');
    if (!existsSync(path)) {
      const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      writeFileSync(path, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
    }
    this.privateKey = createPrivateKey(readFileSync(path));
    this.publicKey = createPublicKey(this.privateKey);
    this.kid = b64(this.publicKey.export({ type: 'spki', format: 'der' }).subarray(-16));
  }

  issue(c: ServiceAccountClaims, now = Date.now()): { token: string; expirationTimestamp: string } {
    const iat = Math.floor(now / 1000);
    const exp = iat + c.expirationSeconds;
    const payload = {
      aud: c.audiences,
      exp,
      iat,
      iss: ISSUER,
      jti: randomUUID(),
      'kubernetes.io': {
        namespace: c.namespace,
        serviceaccount: { name: c.name, uid: c.uid },
        ...(c.boundObject ? { [c.boundObject.kind.toLowerCase()]: { name: c.boundObject.name, uid: c.boundObject.uid } } : {}),
      },
      nbf: iat,
      sub: `system:serviceaccount:${c.namespace}:${c.name}`,
    };
    const signingInput = `${b64(JSON.stringify({ alg: 'ES256', kid: this.kid }))}.${b64(JSON.stringify(payload))}`;
    const signature = sign('sha256', Buffer.from(signingInput), { key: this.privateKey, dsaEncoding: 'ieee-p1363' });
    return { token: `${signingInput}.${b64(signature)}`, expirationTimestamp: timestamp(exp * 1000) };
  }

  /** The service account a token names, if its signature, issuer and lifetime check out. */
  verify(token: string, now = Date.now()): VerifiedToken | undefined {
    const parts = token.split('.');
    if (parts.length !== 3) return undefined;
    let ok = false;
    try {
      ok = verify('sha256', Buffer.from(`${parts[0]}.${parts[1]}`), { key: this.publicKey, dsaEncoding: 'ieee-p1363' }, Buffer.from(parts[2], 'base64url'));
    } catch {
      return undefined;
    }
    if (!ok) return undefined;
    let p: { iss?: unknown; exp?: unknown; nbf?: unknown; 'kubernetes.io'?: { namespace?: unknown; serviceaccount?: { name?: unknown; uid?: unknown } } };
    try {
      p = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as typeof p;
    } catch {
      return undefined;
    }
    const t = Math.floor(now / 1000);
    if (p.iss !== ISSUER || typeof p.exp !== 'number' || p.exp < t || (typeof p.nbf === 'number' && p.nbf > t + 60)) return undefined;
    const k = p['kubernetes.io'];
    const ns = k?.namespace, name = k?.serviceaccount?.name, uid = k?.serviceaccount?.uid;
    if (typeof ns !== 'string' || typeof name !== 'string' || typeof uid !== 'string') return undefined;
    return { namespace: ns, name, uid };
  }
}
