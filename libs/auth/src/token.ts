import { createHash, createPublicKey, KeyObject, randomUUID } from 'node:crypto';
import { decodeProtectedHeader, errors, type JWTPayload, jwtVerify, SignJWT } from 'jose';

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

/** Signs a registry token with RS256 (jose). */
export async function signToken(privateKey: KeyObject, options: SignOptions): Promise<{ token: string; claims: TokenClaims }> {
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
  const token = await new SignJWT(claims as unknown as JWTPayload).setProtectedHeader({ typ: 'JWT', alg: 'RS256', kid: keyId(privateKey) }).sign(privateKey);
  return { token, claims };
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

/** Three base64url parts without padding or stray characters: anything else is refused unread. */
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*$/;

const verifierKeys = new WeakMap<KeyObject, KeyObject>();

/** jose verifies with a public key: the private key a single-process setup holds gives its public half. */
function verifierKey(key: KeyObject): KeyObject {
  if (key.type !== 'private') return key;
  let publicKey = verifierKeys.get(key);
  if (!publicKey) {
    publicKey = createPublicKey(key);
    verifierKeys.set(key, publicKey);
  }
  return publicKey;
}

const CLAIM_PROBLEMS: Readonly<Record<string, string>> = {
  iss: 'token issued by another issuer',
  aud: 'token meant for another service',
  exp: 'token expired',
  nbf: 'token not valid yet',
  sub: 'token without subject',
};

/** jose's refusals in the words registry clients get back. */
function tokenError(err: unknown, now: number, leeway: number): TokenError {
  if (err instanceof errors.JWTExpired) return new TokenError(CLAIM_PROBLEMS.exp);
  if (err instanceof errors.JWTClaimValidationFailed) {
    // jose checks nbf before exp: a token past both is reported as expired, which tells a client to fetch a new one.
    const exp = err.payload.exp;
    if (err.claim === 'nbf' && typeof exp === 'number' && exp + leeway <= now) return new TokenError(CLAIM_PROBLEMS.exp);
    return new TokenError(CLAIM_PROBLEMS[err.claim] ?? `invalid token claim ${err.claim}`);
  }
  if (err instanceof errors.JWSSignatureVerificationFailed) return new TokenError('invalid token signature');
  if (err instanceof errors.JOSEAlgNotAllowed || err instanceof errors.JOSENotSupported) return new TokenError('unsupported token algorithm');
  if (err instanceof errors.JWTInvalid) return new TokenError('malformed token claims');
  return new TokenError('malformed token');
}

/**
 * Verifies signature, algorithm, key id, issuer, audience and lifetime (jose's jwtVerify, RS256
 * only); returns the claims. Every refusal is a TokenError.
 */
export async function verifyToken(token: string, options: VerifyOptions): Promise<TokenClaims> {
  if (!COMPACT_JWS.test(token)) throw new TokenError('malformed token');
  let header: ReturnType<typeof decodeProtectedHeader>;
  try {
    header = decodeProtectedHeader(token);
  } catch {
    throw new TokenError('malformed token header');
  }
  // Only RS256: never "none", never an HMAC keyed with the public key. jose would refuse them too;
  // checking first keeps the answer the same whatever else is wrong with the token.
  if (header.alg !== 'RS256') throw new TokenError('unsupported token algorithm');
  const publicKey = verifierKey(options.publicKey);
  if (header.kid !== undefined && header.kid !== keyId(publicKey)) throw new TokenError('token signed by an unknown key');
  const now = options.now ?? Math.floor(Date.now() / 1000);
  const leeway = options.leeway ?? 30;
  let claims: JWTPayload;
  try {
    ({ payload: claims } = await jwtVerify(token, publicKey, {
      algorithms: ['RS256'],
      issuer: options.issuer,
      audience: options.audience,
      currentDate: new Date(now * 1000),
      clockTolerance: leeway,
      requiredClaims: ['exp', 'sub'],
    }));
  } catch (err) {
    throw tokenError(err, now, leeway);
  }
  if (typeof claims.sub !== 'string') throw new TokenError('token without subject');
  const access = claims.access ?? [];
  if (!isAccessList(access)) throw new TokenError('malformed token access list');
  return {
    iss: options.issuer,
    sub: claims.sub,
    aud: options.audience,
    exp: claims.exp!,
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
