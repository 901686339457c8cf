/**
 * Request authentication, modelled on kube-apiserver's union authenticator:
 *
 *   1. x509 client certificates (--client-ca-file): a verified peer
 *      certificate maps to user = subject CN, groups = subject O.
 *   2. static bearer tokens (--token-auth-file).
 *
 * Authenticated users get "system:authenticated" appended (upstream's
 * AuthenticatedGroupAdder). Unauthenticated requests yield undefined; whether
 * to treat them as system:anonymous or answer 401 is the caller's decision.
 *
 * Hot path notes: the cert-derived user is computed once per TLS connection
 * (cached in a WeakMap keyed by the socket), token users are precomputed at
 * construction, and the returned UserInfo objects are shared and frozen —
 * copy before modifying.
 */
import { readFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { parseCertSubject } from './pki.ts';

export interface UserInfo {
  username: string;
  uid?: string;
  groups: string[];
}

export const GROUP_AUTHENTICATED = 'system:authenticated';
export const GROUP_UNAUTHENTICATED = 'system:unauthenticated';
export const USER_ANONYMOUS = 'system:anonymous';

const EKU_CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';
const EKU_ANY = '2.5.29.37.0';

// ---------------------------------------------------------------------------
// --token-auth-file

/**
 * Split one CSV record (RFC 4180 quoting, like Go's encoding/csv with
 * TrimLeadingSpace; unquoted fields are also right-trimmed). Returns an
 * error string for malformed quoting.
 */
function splitCsvLine(line: string): string[] | string {
  const out: string[] = [];
  let i = 0;
  const n = line.length;
  for (;;) {
    while (i < n && (line[i] === ' ' || line[i] === '\t')) i++; // TrimLeadingSpace
    if (i < n && line[i] === '"') {
      let field = '';
      i++;
      for (;;) {
        const q = line.indexOf('"', i);
        if (q < 0) return 'unterminated quoted field';
        field += line.slice(i, q);
        i = q + 1;
        if (line[i] === '"') {
          field += '"';
          i++;
          continue;
        }
        break;
      }
      out.push(field);
      if (i >= n) return out;
      if (line[i] !== ',') return `unexpected character ${JSON.stringify(line[i])} after quoted field`;
      i++;
    } else {
      const c = line.indexOf(',', i);
      const field = c < 0 ? line.slice(i) : line.slice(i, c);
      if (field.includes('"')) return 'bare " in non-quoted field';
      out.push(field.trimEnd());
      if (c < 0) return out;
      i = c + 1;
    }
  }
}

/**
 * Parse token-file text: `token,user,uid[,"group1,group2,..."]` per line;
 * blank lines and lines starting with # are skipped. Extra columns are
 * ignored (as upstream). A repeated token: the last line wins (as upstream).
 * Throws on malformed lines, naming `source` and the line number.
 */
export function parseTokenFile(text: string, source = 'token file'): Map<string, UserInfo> {
  const tokens = new Map<string, UserInfo>();
  const lines = text.split('\n');
  for (let ln = 0; ln < lines.length; ln++) {
    let line = lines[ln]!;
    if (line.endsWith('\r')) line = line.slice(0, -1);
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const where = `${source}:${ln + 1}`;
    const rec = splitCsvLine(line);
    if (typeof rec === 'string') throw new Error(`${where}: malformed CSV: ${rec}`);
    if (rec.length < 3) {
      throw new Error(`${where}: must have at least 3 columns (token, user name, user uid), found ${rec.length}`);
    }
    const [token, username, uid, groupCol] = rec as [string, string, string, string | undefined];
    if (token === '') throw new Error(`${where}: empty token`);
    if (/\s/.test(token)) throw new Error(`${where}: token contains whitespace`);
    if (username === '') throw new Error(`${where}: empty user name`);
    const groups =
      groupCol === undefined
        ? []
        : groupCol
            .split(',')
            .map((g) => g.trim())
            .filter((g) => g !== '');
    const info: UserInfo = { username, groups };
    if (uid !== '') info.uid = uid;
    tokens.set(token, info);
  }
  return tokens;
}

/** Read and parse an upstream-format --token-auth-file. */
export function loadTokenFile(path: string): Map<string, UserInfo> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new Error(`token file ${path}: ${(e as Error).message}`);
  }
  return parseTokenFile(text, path);
}

// ---------------------------------------------------------------------------
// Authenticator

/** Upstream AuthenticatedGroupAdder semantics; returns a frozen UserInfo. */
function finalizeUser(username: string, groups: readonly string[], uid?: string): UserInfo {
  let g = [...groups];
  if (
    username !== USER_ANONYMOUS &&
    !g.includes(GROUP_AUTHENTICATED) &&
    !g.includes(GROUP_UNAUTHENTICATED)
  ) {
    g.push(GROUP_AUTHENTICATED);
  }
  g = Object.freeze(g) as string[];
  const u: UserInfo = uid === undefined ? { username, groups: g } : { username, uid, groups: g };
  return Object.freeze(u);
}

export interface AuthenticatorOptions {
  /** Static bearer tokens, e.g. from loadTokenFile(). */
  tokens?: Map<string, UserInfo>;
}

/** A user as upstream builds it: groups plus system:authenticated. */
export function userOf(username: string, groups: string[], uid?: string): UserInfo {
  return finalizeUser(username, groups, uid);
}

export class Authenticator {
  private readonly tokens: Map<string, UserInfo>;
  /** Per-connection result of x509 authentication; null = no usable cert. */
  private readonly certUsers = new WeakMap<TLSSocket, UserInfo | null>();

  constructor(opts: AuthenticatorOptions = {}) {
    this.tokens = new Map();
    for (const [tok, u] of opts.tokens ?? []) this.tokens.set(tok, finalizeUser(u.username, u.groups, u.uid));
  }

  /** Number of configured static tokens. */
  get tokenCount(): number {
    return this.tokens.size;
  }

  /** Extra bearer-token authenticators (service account JWTs), tried after static tokens. */
  private readonly tokenAuthenticators: ((token: string) => UserInfo | undefined)[] = [];

  addTokenAuthenticator(fn: (token: string) => UserInfo | undefined): void {
    this.tokenAuthenticators.push(fn);
  }

  /** A bearer token's user: static tokens first, then the other token authenticators. */
  authenticateToken(token: string): UserInfo | undefined {
    const u = this.tokens.get(token);
    if (u) return u;
    for (const fn of this.tokenAuthenticators) {
      const v = fn(token);
      if (v) return v;
    }
    return undefined;
  }

  authenticate(req: IncomingMessage): UserInfo | undefined {
    const sock = req.socket as TLSSocket;
    if (sock.encrypted) {
      let u = this.certUsers.get(sock);
      if (u === undefined) {
        u = Authenticator.userFromSocket(sock);
        this.certUsers.set(sock, u);
      }
      if (u !== null) return u;
    }
    if (this.tokens.size !== 0 || this.tokenAuthenticators.length !== 0) {
      const h = req.headers.authorization;
      if (h !== undefined) {
        const tok = bearerToken(h);
        if (tok !== undefined) return this.authenticateToken(tok);
      }
    }
    return undefined;
  }

  private static userFromSocket(sock: TLSSocket): UserInfo | null {
    if (!sock.authorized) return null;
    const cert = sock.getPeerCertificate(false);
    // No certificate → Node returns {} (or null once the socket is destroyed).
    if (!cert || !cert.raw) return null;
    // Like upstream's verify options (KeyUsages: ClientAuth): a cert that
    // restricts its extended key usage must allow clientAuth.
    const eku = cert.ext_key_usage;
    if (eku && eku.length > 0 && !eku.includes(EKU_CLIENT_AUTH) && !eku.includes(EKU_ANY)) return null;
    const s = parseCertSubject(cert);
    if (!s) return null;
    return finalizeUser(s.user, s.groups);
  }
}

const BEARER = 'bearer';

/**
 * Token from `Authorization: Bearer <token>` (scheme case-insensitive; like
 * upstream, anything after a second space is ignored). Undefined otherwise.
 */
export function bearerToken(header: string): string | undefined {
  let start = 0;
  let end = header.length;
  while (start < end && header.charCodeAt(start) <= 0x20) start++;
  while (end > start && header.charCodeAt(end - 1) <= 0x20) end--;
  if (end - start < 8 || header.charCodeAt(start + 6) !== 0x20) return undefined;
  for (let i = 0; i < 6; i++) {
    // ASCII case-fold without allocating: 'B' | 0x20 === 'b'.
    if ((header.charCodeAt(start + i) | 0x20) !== BEARER.charCodeAt(i)) return undefined;
  }
  const tokStart = start + 7;
  let tokEnd = header.indexOf(' ', tokStart);
  if (tokEnd < 0 || tokEnd > end) tokEnd = end;
  if (tokEnd === tokStart) return undefined;
  return header.slice(tokStart, tokEnd);
}
