import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, KeyObject, randomUUID, sign, verify } from 'node:crypto';
import { link, mkdir, open, readFile, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';

/** One grant inside a registry token: what the bearer may do to one resource. */
export interface TokenAccess {
  type: string;
  name: string;
  actions: string[];
}

/** The claims of a registry bearer token (Docker registry token specification). */
export interface TokenClaims {
  iss: string;
  sub: string;
  aud: string;
  exp: number;
  nbf: number;
  iat: number;
  jti: string;
  access: TokenAccess[];
}

export class TokenError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TokenError';
  }
}

function base64url(data: Buffer | string): string {
  return Buffer.from(data).toString('base64url');
}

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/**
 * The key id registries expect in the `kid` header (libtrust's format): the first 240 bits of the
 * SHA-256 of the DER public key, base32, in twelve colon-separated groups of four.
 */
export function keyId(key: KeyObject): string {
  // Every token signed or verified asks for it: derive it once per key object.
  let id = keyIds.get(key);
  if (id === undefined) {
    id = computeKeyId(key);
    keyIds.set(key, id);
  }
  return id;
}

const keyIds = new WeakMap<KeyObject, string>();

function computeKeyId(key: KeyObject): string {
  const publicKey = key.type === 'private' ? createPublicKey(key) : key;
  const hash = createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest().subarray(0, 30);
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of hash) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return out.match(/.{4}/g)!.join(':');
}

export interface SignOptions {
  issuer: string;
  audience: string;
  subject: string;
  access: TokenAccess[];
  /** Seconds the token is valid. */
  expiresIn: number;
  /** Seconds since the epoch; defaults to now. */
  now?: number;
}

/** Signs a registry token with RS256. */
export function signToken(privateKey: KeyObject, options: SignOptions): { token: string; claims: TokenClaims } {
  const now = options.now ?? Math.floor(Date.now() / 1000);
  const claims: TokenClaims = {
    iss: options.issuer,
    sub: options.subject,
    aud: options.audience,
    exp: now + options.expiresIn,
    // A little slack for clocks of other replicas that run slightly behind.
    nbf: now - 5,
    iat: now,
    jti: randomUUID(),
    access: options.access,
  };
  const header = { typ: 'JWT', alg: 'RS256', kid: keyId(privateKey) };
  const input = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(claims))}`;
  const signature = sign('RSA-SHA256', Buffer.from(input), privateKey);
  return { token: `${input}.${base64url(signature)}`, claims };
}

export interface VerifyOptions {
  publicKey: KeyObject;
  issuer: string;
  audience: string;
  /** Seconds since the epoch; defaults to now. */
  now?: number;
  /** Tolerated clock difference, seconds. */
  leeway?: number;
}

function decodeJson(part: string, what: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw new TokenError(`malformed token ${what}`);
}

function isAccessList(value: unknown): value is TokenAccess[] {
  return (
    Array.isArray(value) &&
    value.every(
      (a) =>
        a !== null &&
        typeof a === 'object' &&
        typeof (a as TokenAccess).type === 'string' &&
        typeof (a as TokenAccess).name === 'string' &&
        Array.isArray((a as TokenAccess).actions) &&
        (a as TokenAccess).actions.every((x) => typeof x === 'string'),
    )
  );
}

/** Verifies signature, algorithm, key id, issuer, audience and lifetime; returns the claims. */
export function verifyToken(token: string, options: VerifyOptions): TokenClaims {
  const parts = token.split('.');
  if (parts.length !== 3 || parts.some((p) => !/^[A-Za-z0-9_-]*$/.test(p))) throw new TokenError('malformed token');
  const header = decodeJson(parts[0], 'header');
  // Only RS256: never "none", never an HMAC keyed with the public key.
  if (header.alg !== 'RS256') throw new TokenError('unsupported token algorithm');
  if (header.kid !== undefined && header.kid !== keyId(options.publicKey)) throw new TokenError('token signed by an unknown key');
  const valid = verify('RSA-SHA256', Buffer.from(`${parts[0]}.${parts[1]}`), options.publicKey, Buffer.from(parts[2], 'base64url'));
  if (!valid) throw new TokenError('invalid token signature');
  const claims = decodeJson(parts[1], 'claims');
  const now = options.now ?? Math.floor(Date.now() / 1000);
  const leeway = options.leeway ?? 30;
  if (claims.iss !== options.issuer) throw new TokenError('token issued by another issuer');
  const audience = claims.aud;
  if (!(audience === options.audience || (Array.isArray(audience) && audience.includes(options.audience)))) {
    throw new TokenError('token meant for another service');
  }
  if (typeof claims.exp !== 'number' || claims.exp + leeway <= now) throw new TokenError('token expired');
  if (typeof claims.nbf === 'number' && claims.nbf - leeway > now) throw new TokenError('token not valid yet');
  if (typeof claims.sub !== 'string') throw new TokenError('token without subject');
  const access = claims.access ?? [];
  if (!isAccessList(access)) throw new TokenError('malformed token access list');
  return {
    iss: claims.iss,
    sub: claims.sub,
    aud: options.audience,
    exp: claims.exp,
    nbf: typeof claims.nbf === 'number' ? claims.nbf : 0,
    iat: typeof claims.iat === 'number' ? claims.iat : 0,
    jti: typeof claims.jti === 'string' ? claims.jti : '',
    access,
  };
}

/** True when the claims grant every one of `actions` on repository `name`. */
export function tokenGrants(claims: TokenClaims, type: string, name: string, actions: readonly string[]): boolean {
  const held = new Set<string>();
  for (const a of claims.access) {
    if (a.type === type && a.name === name) for (const x of a.actions) held.add(x);
  }
  return actions.every((a) => held.has(a) || held.has('*'));
}

async function readKey(path: string): Promise<KeyObject | undefined> {
  try {
    return createPrivateKey(await readFile(path, 'utf8'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/**
 * The token signing key, generated on first use and kept as PEM with mode 0600. Several processes
 * may race on first start: each writes a complete file of its own, link(2) publishes exactly one
 * of them under `path` (it never replaces an existing file), and everyone uses that one.
 */
export async function loadOrCreateSigningKey(path: string): Promise<KeyObject> {
  const existing = await readKey(path);
  if (existing) return existing;
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 3072 });
  const temp = `${path}.${process.pid}.${randomUUID()}`;
  const handle = await open(temp, 'wx', 0o600);
  try {
    await handle.writeFile(privateKey.export({ type: 'pkcs8', format: 'pem' }) as string);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await link(temp, path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  } finally {
    await unlink(temp).catch(() => undefined);
  }
  const key = await readKey(path);
  if (!key) throw new Error(`failed to read the signing key at ${path}`);
  return key;
}

/** The public half of a key, for verifiers that only get the signer's public key file. */
export function publicKeyPem(key: KeyObject): string {
  return (key.type === 'private' ? createPublicKey(key) : key).export({ type: 'spki', format: 'pem' }) as string;
}
