/**
 * Cluster PKI: a self-signed CA, the API server's serving certificate and an
 * admin client certificate, kept on disk under `<dir>/pki/` across restarts.
 *
 * Layout (kubeadm-like names):
 *   ca.crt / ca.key                 CN=skiff-ca, 10 years
 *   apiserver.crt / apiserver.key   CN=kube-apiserver, serverAuth, 1 year
 *   admin.crt / admin.key           CN=skiff-admin, O=system:masters, clientAuth, 1 year
 *
 * Keys are ECDSA P-256, stored as PKCS#8 PEM ("PRIVATE KEY"), mode 0600.
 *
 * The load path (every start after the first) only uses node:crypto; the
 * @peculiar/x509 generator is imported lazily, only when something has to be
 * (re)issued.
 */
import { X509Certificate, createPrivateKey, createPublicKey, randomBytes, webcrypto } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { isIP } from 'node:net';
import type { PeerCertificate } from 'node:tls';
import type * as X509 from '@peculiar/x509';

type CryptoKey = webcrypto.CryptoKey;
type CryptoKeyPair = webcrypto.CryptoKeyPair;
type Algorithm = webcrypto.Algorithm;
type EcdsaParams = webcrypto.EcdsaParams;

export interface Pki {
  caCertPem: string;
  caKeyPem: string;
  serverCertPem: string;
  serverKeyPem: string;
  adminCertPem: string;
  adminKeyPem: string;
}

export interface EnsurePkiOptions {
  /** Extra DNS names for the serving certificate. */
  hosts?: string[];
  /** Extra IP addresses for the serving certificate. */
  ips?: string[];
}

export interface IssuedCert {
  certPem: string;
  keyPem: string;
}

export interface ClientCertRequest {
  cn: string;
  orgs?: string[];
  /** Validity in days (default 365). */
  days?: number;
}

export const CA_CN = 'skiff-ca';
export const APISERVER_CN = 'kube-apiserver';
export const ADMIN_CN = 'skiff-admin';
export const ADMIN_GROUP = 'system:masters';

export const DEFAULT_SERVER_HOSTS: readonly string[] = [
  'localhost',
  'kubernetes',
  'kubernetes.default',
  'kubernetes.default.svc',
  'kubernetes.default.svc.cluster.local',
];
export const DEFAULT_SERVER_IPS: readonly string[] = ['127.0.0.1', '::1', '10.96.0.1'];

const FILES = {
  caCert: 'ca.crt',
  caKey: 'ca.key',
  serverCert: 'apiserver.crt',
  serverKey: 'apiserver.key',
  adminCert: 'admin.crt',
  adminKey: 'admin.key',
} as const;

const DAY_MS = 24 * 60 * 60 * 1000;
const CA_DAYS = 3650;
const LEAF_DAYS = 365;
/** Leaf certificates expiring sooner than this are re-issued on load. */
const RENEW_BEFORE_MS = 30 * DAY_MS;
/** Back-date notBefore a little to tolerate clock skew between hosts. */
const BACKDATE_MS = 5 * 60 * 1000;

const EC_GEN: webcrypto.EcKeyGenParams = { name: 'ECDSA', namedCurve: 'P-256' };
const EKU_SERVER_AUTH = '1.3.6.1.5.5.7.3.1';
const EKU_CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';

// ---------------------------------------------------------------------------
// lazy @peculiar/x509

type X509Module = typeof X509;
let x509Promise: Promise<X509Module> | undefined;

/**
 * @peculiar/x509 v2 depends on tsyringe, which refuses to load unless a
 * Reflect metadata API exists (normally from the `reflect-metadata` package,
 * which is not a dependency here). Install a minimal, spec-shaped subset —
 * only if nothing provides it already — before the first import.
 */
function ensureReflectMetadata(): void {
  const R = Reflect as unknown as Record<string, unknown>;
  if (typeof R['getMetadata'] === 'function') return;
  type Key = string | symbol | undefined;
  const store = new WeakMap<object, Map<Key, Map<unknown, unknown>>>();
  const own = (target: object, prop: Key, create: boolean): Map<unknown, unknown> | undefined => {
    let byProp = store.get(target);
    if (!byProp) {
      if (!create) return undefined;
      byProp = new Map();
      store.set(target, byProp);
    }
    let m = byProp.get(prop);
    if (!m && create) {
      m = new Map();
      byProp.set(prop, m);
    }
    return m;
  };
  const getOwnMetadata = (key: unknown, target: object, prop?: Key): unknown => own(target, prop, false)?.get(key);
  const hasOwnMetadata = (key: unknown, target: object, prop?: Key): boolean => own(target, prop, false)?.has(key) ?? false;
  const hasMetadata = (key: unknown, target: object, prop?: Key): boolean => {
    for (let t: object | null = target; t !== null; t = Object.getPrototypeOf(t) as object | null) {
      if (hasOwnMetadata(key, t, prop)) return true;
    }
    return false;
  };
  const getMetadata = (key: unknown, target: object, prop?: Key): unknown => {
    for (let t: object | null = target; t !== null; t = Object.getPrototypeOf(t) as object | null) {
      const m = own(t, prop, false);
      if (m?.has(key)) return m.get(key);
    }
    return undefined;
  };
  const defineMetadata = (key: unknown, value: unknown, target: object, prop?: Key): void => {
    own(target, prop, true)!.set(key, value);
  };
  const metadata =
    (key: unknown, value: unknown) =>
    (target: object, prop?: Key): void =>
      defineMetadata(key, value, target, prop);
  Object.assign(R, { getMetadata, getOwnMetadata, hasMetadata, hasOwnMetadata, defineMetadata, metadata });
}

/** @peculiar/x509 with its Reflect metadata shim and Node's webcrypto installed (for other certificate makers). */
export function loadX509(): Promise<X509Module> {
  ensureReflectMetadata();
  x509Promise ??= import('@peculiar/x509').then((m) => {
    m.cryptoProvider.set(webcrypto as Parameters<typeof m.cryptoProvider.set>[1]);
    return m;
  });
  return x509Promise;
}

// ---------------------------------------------------------------------------
// helpers

/** Positive, minimally-encoded (first byte 0x40..0x7f) 128-bit serial number. */
function serialHex(): string {
  const b = randomBytes(16);
  b[0] = (b[0]! & 0x3f) | 0x40;
  return b.toString('hex');
}

function toPem(der: ArrayBuffer | Buffer, label: string): string {
  const b64 = Buffer.from(der as ArrayBuffer).toString('base64');
  const lines: string[] = [];
  for (let i = 0; i < b64.length; i += 64) lines.push(b64.slice(i, i + 64));
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

async function exportPkcs8Pem(key: CryptoKey): Promise<string> {
  return toPem(await webcrypto.subtle.exportKey('pkcs8', key), 'PRIVATE KEY');
}

/** A signing key imported from PEM, with the matching signature algorithm. */
interface Signer {
  key: CryptoKey;
  alg: Algorithm | EcdsaParams;
}

/** Import any PEM private key Node understands (PKCS#8, SEC1, PKCS#1) as a WebCrypto signing key. */
async function importSigner(pem: string): Promise<Signer> {
  const ko = createPrivateKey(pem);
  const der = ko.export({ type: 'pkcs8', format: 'der' });
  if (ko.asymmetricKeyType === 'ec') {
    const curve = ko.asymmetricKeyDetails?.namedCurve;
    const namedCurve = curve === 'prime256v1' ? 'P-256' : curve === 'secp384r1' ? 'P-384' : curve === 'secp521r1' ? 'P-521' : undefined;
    if (!namedCurve) throw new Error(`pki: unsupported CA key curve ${curve ?? '(unknown)'}`);
    const hash = namedCurve === 'P-256' ? 'SHA-256' : namedCurve === 'P-384' ? 'SHA-384' : 'SHA-512';
    const key = await webcrypto.subtle.importKey('pkcs8', der, { name: 'ECDSA', namedCurve }, false, ['sign']);
    return { key, alg: { name: 'ECDSA', hash } as EcdsaParams };
  }
  if (ko.asymmetricKeyType === 'rsa') {
    const alg: webcrypto.RsaHashedImportParams = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
    const key = await webcrypto.subtle.importKey('pkcs8', der, alg, false, ['sign']);
    return { key, alg: { name: 'RSASSA-PKCS1-v1_5' } };
  }
  throw new Error(`pki: unsupported CA key type ${ko.asymmetricKeyType ?? '(unknown)'}`);
}

interface IssueParams {
  subject: X509.JsonName;
  days: number;
  eku: string[];
  dns?: readonly string[];
  ips?: readonly string[];
}

async function issue(caCertPem: string, signer: Signer, p: IssueParams): Promise<IssuedCert> {
  const x509 = await loadX509();
  const subtle = webcrypto.subtle;
  const keys = (await subtle.generateKey(EC_GEN, true, ['sign', 'verify'])) as CryptoKeyPair;
  const ca = new x509.X509Certificate(caCertPem);
  const now = Date.now();
  const extensions: X509.Extension[] = [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
    new x509.ExtendedKeyUsageExtension(p.eku, false),
  ];
  // AKI = the CA's SKI when it has one (user-supplied CAs may use another method).
  const caSki = ca.getExtension(x509.SubjectKeyIdentifierExtension);
  extensions.push(
    caSki
      ? new x509.AuthorityKeyIdentifierExtension(caSki.keyId, false)
      : await x509.AuthorityKeyIdentifierExtension.create(ca.publicKey, false),
  );
  const names: X509.JsonGeneralName[] = [];
  for (const d of p.dns ?? []) names.push({ type: 'dns', value: d });
  for (const ip of p.ips ?? []) names.push({ type: 'ip', value: ip });
  if (names.length > 0) extensions.push(new x509.SubjectAlternativeNameExtension(names, false));
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serialHex(),
    subject: p.subject,
    // Byte-exact copy of the CA subject: Go matches issuer to subject by raw bytes.
    issuer: ca.subjectName,
    notBefore: new Date(now - BACKDATE_MS),
    notAfter: new Date(now + p.days * DAY_MS),
    publicKey: keys.publicKey,
    signingKey: signer.key,
    signingAlgorithm: signer.alg,
    extensions,
  });
  return { certPem: cert.toString('pem') + '\n', keyPem: await exportPkcs8Pem(keys.privateKey) };
}

async function generateCa(): Promise<{ certPem: string; keyPem: string; signer: Signer }> {
  const x509 = await loadX509();
  const keys = (await webcrypto.subtle.generateKey(EC_GEN, true, ['sign', 'verify'])) as CryptoKeyPair;
  const now = Date.now();
  const alg: EcdsaParams = { name: 'ECDSA', hash: 'SHA-256' };
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serialHex(),
    name: [{ CN: [CA_CN] }],
    notBefore: new Date(now - BACKDATE_MS),
    notAfter: new Date(now + CA_DAYS * DAY_MS),
    keys,
    signingAlgorithm: alg,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.digitalSignature,
        true,
      ),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey, false),
    ],
  });
  return {
    certPem: cert.toString('pem') + '\n',
    keyPem: await exportPkcs8Pem(keys.privateKey),
    signer: { key: keys.privateKey, alg },
  };
}

function subjectFor(cn: string, orgs: readonly string[] = []): X509.JsonName {
  // One RDN per O, then CN (the order openssl/kubeadm produce: "O=a, O=b, CN=x").
  const name: X509.JsonName = orgs.map((o) => ({ O: [o] }));
  name.push({ CN: [cn] });
  return name;
}

function uniq(xs: Iterable<string>): string[] {
  return [...new Set(xs)];
}

function servingNames(opts: EnsurePkiOptions): { dns: string[]; ips: string[] } {
  const dns: string[] = [...DEFAULT_SERVER_HOSTS];
  const host = hostname();
  if (host) dns.push(host.toLowerCase());
  const ips: string[] = [...DEFAULT_SERVER_IPS];
  for (const h of opts.hosts ?? []) {
    // Be forgiving: an IP passed as a "host" goes into the IP SANs.
    if (isIP(h)) ips.push(h);
    else if (h) dns.push(h.toLowerCase());
  }
  for (const ip of opts.ips ?? []) {
    if (!isIP(ip)) throw new Error(`pki: not an IP address: ${JSON.stringify(ip)}`);
    ips.push(ip);
  }
  return { dns: uniq(dns), ips: uniq(ips) };
}

async function readOpt(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

/** Write atomically (tmp + rename) so a crash never leaves a truncated PEM. */
async function writeAtomic(path: string, data: string, mode: number): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  await writeFile(tmp, data, { mode });
  await rename(tmp, path);
}

function parseCert(pem: string, what: string): X509Certificate {
  try {
    return new X509Certificate(pem);
  } catch (e) {
    throw new Error(`pki: cannot parse ${what}: ${(e as Error).message}`);
  }
}

function keyMatchesCert(keyPem: string, cert: X509Certificate): boolean {
  const a = createPublicKey(createPrivateKey(keyPem)).export({ type: 'spki', format: 'der' });
  const b = cert.publicKey.export({ type: 'spki', format: 'der' });
  return a.equals(b);
}

/** Is `leaf` (with key `keyPem`) still usable under `ca`? */
function leafValid(ca: X509Certificate, leaf: X509Certificate, keyPem: string): boolean {
  if (!leaf.checkIssued(ca) || !leaf.verify(ca.publicKey)) return false;
  if (Date.parse(leaf.validTo) - Date.now() < RENEW_BEFORE_MS) return false;
  try {
    return keyMatchesCert(keyPem, leaf);
  } catch {
    return false;
  }
}

function servingCoversNames(cert: X509Certificate, dns: readonly string[], ips: readonly string[]): boolean {
  for (const d of dns) if (cert.checkHost(d, { subject: 'never', wildcards: false }) === undefined) return false;
  for (const ip of ips) if (cert.checkIP(ip) === undefined) return false;
  return true;
}

// ---------------------------------------------------------------------------
// public API

/**
 * Load the PKI from `<dir>/pki`, generating whatever is missing. The CA is
 * never replaced once it exists; the serving certificate is re-issued if it
 * lacks a requested DNS name / IP, is not signed by the CA, or is within 30
 * days of expiry; the admin certificate likewise (minus the SAN check).
 */
export async function ensurePki(dir: string, opts: EnsurePkiOptions = {}): Promise<Pki> {
  const pkiDir = join(dir, 'pki');
  await mkdir(pkiDir, { recursive: true, mode: 0o700 });
  const p = (f: string): string => join(pkiDir, f);

  const [caCert0, caKey0, srvCert0, srvKey0, admCert0, admKey0] = await Promise.all([
    readOpt(p(FILES.caCert)),
    readOpt(p(FILES.caKey)),
    readOpt(p(FILES.serverCert)),
    readOpt(p(FILES.serverKey)),
    readOpt(p(FILES.adminCert)),
    readOpt(p(FILES.adminKey)),
  ]);

  let caCertPem: string;
  let caKeyPem: string;
  let signer: Signer | undefined;
  let caObj: X509Certificate;
  const writes: Promise<void>[] = [];

  if (caCert0 === undefined && caKey0 === undefined) {
    const ca = await generateCa();
    caCertPem = ca.certPem;
    caKeyPem = ca.keyPem;
    signer = ca.signer;
    caObj = new X509Certificate(caCertPem);
    // Key first: a crash between the two writes leaves "key without cert",
    // which is reported below rather than silently replaced.
    await writeAtomic(p(FILES.caKey), caKeyPem, 0o600);
    await writeAtomic(p(FILES.caCert), caCertPem, 0o644);
  } else if (caCert0 === undefined || caKey0 === undefined) {
    throw new Error(
      `pki: ${pkiDir} has ${caCert0 === undefined ? FILES.caKey + ' but no ' + FILES.caCert : FILES.caCert + ' but no ' + FILES.caKey}; ` +
        'restore the missing file or remove both to create a new CA',
    );
  } else {
    caCertPem = caCert0;
    caKeyPem = caKey0;
    caObj = parseCert(caCertPem, p(FILES.caCert));
    if (!caObj.ca) throw new Error(`pki: ${p(FILES.caCert)} is not a CA certificate`);
    if (!keyMatchesCert(caKeyPem, caObj)) throw new Error(`pki: ${p(FILES.caKey)} does not match ${p(FILES.caCert)}`);
  }

  const getSigner = async (): Promise<Signer> => (signer ??= await importSigner(caKeyPem));

  // Serving certificate.
  const names = servingNames(opts);
  let serverCertPem = srvCert0;
  let serverKeyPem = srvKey0;
  let needServer = serverCertPem === undefined || serverKeyPem === undefined;
  if (!needServer) {
    const c = parseCert(serverCertPem!, p(FILES.serverCert));
    needServer = !leafValid(caObj, c, serverKeyPem!) || !servingCoversNames(c, names.dns, names.ips);
  }

  // Admin client certificate.
  let adminCertPem = admCert0;
  let adminKeyPem = admKey0;
  let needAdmin = adminCertPem === undefined || adminKeyPem === undefined;
  if (!needAdmin) {
    const c = parseCert(adminCertPem!, p(FILES.adminCert));
    needAdmin = !leafValid(caObj, c, adminKeyPem!);
  }

  if (needServer || needAdmin) {
    const s = await getSigner();
    const [srv, adm] = await Promise.all([
      needServer
        ? issue(caCertPem, s, {
            subject: subjectFor(APISERVER_CN),
            days: LEAF_DAYS,
            eku: [EKU_SERVER_AUTH],
            dns: names.dns,
            ips: names.ips,
          })
        : undefined,
      needAdmin
        ? issue(caCertPem, s, { subject: subjectFor(ADMIN_CN, [ADMIN_GROUP]), days: LEAF_DAYS, eku: [EKU_CLIENT_AUTH] })
        : undefined,
    ]);
    if (srv) {
      serverCertPem = srv.certPem;
      serverKeyPem = srv.keyPem;
      writes.push(
        writeAtomic(p(FILES.serverKey), srv.keyPem, 0o600).then(() => writeAtomic(p(FILES.serverCert), srv.certPem, 0o644)),
      );
    }
    if (adm) {
      adminCertPem = adm.certPem;
      adminKeyPem = adm.keyPem;
      writes.push(
        writeAtomic(p(FILES.adminKey), adm.keyPem, 0o600).then(() => writeAtomic(p(FILES.adminCert), adm.certPem, 0o644)),
      );
    }
  }
  await Promise.all(writes);

  const pki: Pki = {
    caCertPem,
    caKeyPem,
    serverCertPem: serverCertPem!,
    serverKeyPem: serverKeyPem!,
    adminCertPem: adminCertPem!,
    adminKeyPem: adminKeyPem!,
  };
  if (signer) signerCache.set(pki, Promise.resolve(signer));
  return pki;
}

const signerCache = new WeakMap<Pki, Promise<Signer>>();

/**
 * Issue a client certificate (clientAuth EKU) signed by the cluster CA, with
 * subject CN=`cn` and one O per entry of `orgs` — i.e. username `cn`, groups
 * `orgs` under x509 authentication. Not written to disk.
 */
export async function signClientCert(pki: Pki, req: ClientCertRequest): Promise<IssuedCert> {
  if (!req.cn) throw new Error('signClientCert: cn must not be empty');
  let s = signerCache.get(pki);
  if (!s) {
    s = importSigner(pki.caKeyPem);
    signerCache.set(pki, s);
  }
  return issue(pki.caCertPem, await s, {
    subject: subjectFor(req.cn, req.orgs ?? []),
    days: req.days ?? LEAF_DAYS,
    eku: [EKU_CLIENT_AUTH],
  });
}

/** Subject of a peer certificate as Kubernetes sees it: username = CN, groups = O. */
export interface CertSubject {
  user: string;
  groups: string[];
}

/**
 * Map a Node `tls.PeerCertificate` subject to { user: CN, groups: O[] }
 * (upstream's CommonNameUserConversion). Node reports repeated attributes as
 * arrays; for repeated CN the last one wins (as in Go's pkix.Name).
 * Returns undefined when there is no (non-empty) CN.
 */
export function parseCertSubject(cert: PeerCertificate): CertSubject | undefined {
  const subject: unknown = cert.subject;
  if (subject === null || typeof subject !== 'object') return undefined;
  const s = subject as Record<string, unknown>;
  const cnRaw = s['CN'];
  const cn = Array.isArray(cnRaw) ? cnRaw[cnRaw.length - 1] : cnRaw;
  if (typeof cn !== 'string' || cn === '') return undefined;
  const oRaw = s['O'];
  let groups: string[];
  if (typeof oRaw === 'string') groups = [oRaw];
  else if (Array.isArray(oRaw)) groups = oRaw.filter((x): x is string => typeof x === 'string');
  else groups = [];
  return { user: cn, groups };
}
