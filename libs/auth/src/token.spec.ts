import { execFileSync } from 'node:child_process';
import { createHash, createHmac, createPublicKey, generateKeyPairSync, KeyObject, sign } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { publicKeyPem } from './signing-key';
import { keyId, signToken, TokenClaims, tokenGrants, TokenError, verifyToken, VerifyOptions } from './token';

// 2048 bits keeps the suite fast; the algorithm does not depend on the size.
const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const other = generateKeyPairSync('rsa', { modulusLength: 2048 });

const NOW = 1_800_000_000;
const ISSUER = 'wharf-token-service';
const AUDIENCE = 'wharf-registry';
const verifyOptions: VerifyOptions = { publicKey, issuer: ISSUER, audience: AUDIENCE, now: NOW };

function b64(value: unknown): string {
  return Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
}

/** A validly signed token with whatever header and claims a test needs, built without signToken. */
function forge(header: Record<string, unknown>, claims: unknown, key: KeyObject = privateKey): string {
  const input = `${b64(header)}.${b64(claims)}`;
  return `${input}.${sign('RSA-SHA256', Buffer.from(input), key).toString('base64url')}`;
}

function baseClaims(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    iss: ISSUER,
    sub: 'alice',
    aud: AUDIENCE,
    exp: NOW + 300,
    nbf: NOW - 5,
    iat: NOW,
    jti: 'j1',
    access: [{ type: 'repository', name: 'team/app', actions: ['pull'] }],
    ...overrides,
  };
}

const header = (extra: Record<string, unknown> = {}) => ({ typ: 'JWT', alg: 'RS256', kid: keyId(privateKey), ...extra });

async function expectRefused(token: string, message?: RegExp, options: Partial<VerifyOptions> = {}): Promise<void> {
  let caught: unknown;
  try {
    await verifyToken(token, { ...verifyOptions, ...options });
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(TokenError);
  if (message) expect((caught as Error).message).toMatch(message);
}

describe('signToken / verifyToken', () => {
  const access = [
    { type: 'repository', name: 'team/app', actions: ['pull', 'push'] },
    { type: 'registry', name: 'catalog', actions: ['*'] },
  ];

  it('round-trips the claims', async () => {
    const { token, claims } = await signToken(privateKey, { issuer: ISSUER, audience: AUDIENCE, subject: 'alice', access, expiresIn: 300, now: NOW });
    expect(token.split('.')).toHaveLength(3);
    expect(claims).toMatchObject({ iss: ISSUER, sub: 'alice', aud: AUDIENCE, exp: NOW + 300, iat: NOW, access });
    expect(claims.nbf).toBeLessThanOrEqual(NOW);
    expect(claims.jti).toMatch(/^[0-9a-f-]{36}$/);
    expect(await verifyToken(token, verifyOptions)).toEqual(claims);
    const head = JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString()) as Record<string, unknown>;
    expect(head).toEqual({ typ: 'JWT', alg: 'RS256', kid: keyId(publicKey) });
  });

  it('gives every token its own id', async () => {
    const options = { issuer: ISSUER, audience: AUDIENCE, subject: 'alice', access: [], expiresIn: 60, now: NOW };
    expect((await signToken(privateKey, options)).claims.jti).not.toBe((await signToken(privateKey, options)).claims.jti);
  });

  it('accepts an audience list that contains the service, and tokens without kid', async () => {
    const claims = await verifyToken(forge(header(), baseClaims({ aud: ['other', AUDIENCE] })), verifyOptions);
    expect(claims.aud).toBe(AUDIENCE);
    expect((await verifyToken(forge({ alg: 'RS256' }, baseClaims()), verifyOptions)).sub).toBe('alice');
  });

  it('accepts a public key or the private key as the verifier', async () => {
    const { token } = await signToken(privateKey, { issuer: ISSUER, audience: AUDIENCE, subject: 'a', access: [], expiresIn: 60, now: NOW });
    expect((await verifyToken(token, { ...verifyOptions, publicKey: createPublicKey(publicKeyPem(privateKey)) })).sub).toBe('a');
    expect((await verifyToken(token, { ...verifyOptions, publicKey: privateKey })).sub).toBe('a');
  });

  it('tolerates clock skew within the leeway only', async () => {
    const token = forge(header(), baseClaims({ exp: NOW - 10, nbf: NOW + 10 }));
    expect((await verifyToken(token, { ...verifyOptions, leeway: 20 })).sub).toBe('alice');
    await expectRefused(token, /expired/, { leeway: 0 });
  });

  it('fills optional claims with neutral values', async () => {
    const claims = await verifyToken(forge(header(), { iss: ISSUER, sub: '', aud: AUDIENCE, exp: NOW + 1 }), verifyOptions);
    expect(claims).toEqual({ iss: ISSUER, sub: '', aud: AUDIENCE, exp: NOW + 1, nbf: 0, iat: 0, jti: '', access: [] });
  });
});

describe('verifyToken refuses', () => {
  const good = () => forge(header(), baseClaims());

  it('a tampered payload', async () => {
    const [h, , s] = good().split('.');
    await expectRefused(`${h}.${b64(baseClaims({ access: [{ type: 'repository', name: 'team/app', actions: ['push'] }] }))}.${s}`, /signature/);
    await expectRefused(`${h}.${b64(baseClaims({ sub: 'admin' }))}.${s}`, /signature/);
  });

  it('a tampered signature', async () => {
    const [h, p, s] = good().split('.');
    const bytes = Buffer.from(s, 'base64url');
    bytes[10] ^= 1;
    await expectRefused(`${h}.${p}.${bytes.toString('base64url')}`, /signature/);
    await expectRefused(`${h}.${p}.${bytes.subarray(0, 100).toString('base64url')}`, /signature/);
    await expectRefused(`${h}.${p}.`, /signature/);
  });

  it('alg none, with or without a signature', async () => {
    const p = b64(baseClaims());
    await expectRefused(`${b64({ alg: 'none', typ: 'JWT' })}.${p}.`, /algorithm/);
    await expectRefused(`${b64({ alg: 'none' })}.${p}.${good().split('.')[2]}`, /algorithm/);
    await expectRefused(`${b64({ alg: 'None' })}.${p}.`, /algorithm/);
    await expectRefused(`${b64({})}.${p}.`, /algorithm/);
  });

  it('HS256 keyed with the public key (algorithm confusion)', async () => {
    for (const secret of [publicKeyPem(privateKey), publicKey.export({ type: 'spki', format: 'der' })]) {
      const input = `${b64({ alg: 'HS256', typ: 'JWT', kid: keyId(publicKey) })}.${b64(baseClaims())}`;
      await expectRefused(`${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`, /algorithm/);
    }
  });

  it('other RS algorithms and other keys', async () => {
    await expectRefused(forge(header({ alg: 'RS512' }), baseClaims()), /algorithm/);
    // Signed by another key, claiming our key id: the signature fails.
    await expectRefused(forge(header(), baseClaims(), other.privateKey), /signature/);
    // Signed by another key with its own key id: refused before the signature is even checked.
    await expectRefused(forge(header({ kid: keyId(other.publicKey) }), baseClaims(), other.privateKey), /unknown key/);
    await expectRefused(forge({ alg: 'RS256' }, baseClaims(), other.privateKey), /signature/);
    // Our token, checked against another public key.
    await expectRefused(good(), /unknown key/, { publicKey: other.publicKey });
  });

  it('a wrong issuer or audience', async () => {
    await expectRefused(forge(header(), baseClaims({ iss: 'someone-else' })), /issuer/);
    await expectRefused(forge(header(), baseClaims({ iss: undefined })), /issuer/);
    await expectRefused(good(), /issuer/, { issuer: 'another-issuer' });
    await expectRefused(forge(header(), baseClaims({ aud: 'another-service' })), /another service/);
    await expectRefused(forge(header(), baseClaims({ aud: ['a', 'b'] })), /another service/);
    await expectRefused(forge(header(), baseClaims({ aud: undefined })), /another service/);
    await expectRefused(good(), /another service/, { audience: 'another-service' });
  });

  it('expired tokens and tokens not valid yet', async () => {
    await expectRefused(forge(header(), baseClaims({ exp: NOW - 31 })), /expired/);
    await expectRefused(forge(header(), baseClaims({ exp: NOW - 30 })), /expired/);
    expect((await verifyToken(forge(header(), baseClaims({ exp: NOW - 29 })), verifyOptions)).sub).toBe('alice');
    await expectRefused(forge(header(), baseClaims({ exp: undefined })), /expired/);
    await expectRefused(forge(header(), baseClaims({ exp: String(NOW + 300) })), /expired/);
    await expectRefused(forge(header(), baseClaims({ nbf: NOW + 31 })), /not valid yet/);
    const { token } = await signToken(privateKey, { issuer: ISSUER, audience: AUDIENCE, subject: 'a', access: [], expiresIn: 60, now: NOW });
    await expectRefused(token, /expired/, { now: NOW + 60 + 30 });
    await expectRefused(token, /not valid yet/, { now: NOW - 100 });
  });

  it('malformed tokens', async () => {
    const [h, p, s] = good().split('.');
    for (const token of ['', 'abc', `${h}.${p}`, `${h}.${p}.${s}.${s}`, `${h}.${p}.${s}=`, `${h}+.${p}.${s}`, `${h}.${p}.${s} `, `.${p}.${s}`, `${h}..${s}`]) {
      await expectRefused(token);
    }
    await expectRefused(`${b64('not json')}.${p}.${s}`, /malformed token header/);
    await expectRefused(`${b64([1, 2])}.${p}.${s}`, /malformed token header/);
    await expectRefused(`${b64('null')}.${p}.${s}`, /malformed token header/);
    await expectRefused(forge(header(), '{"sub":'), /malformed token claims/);
    await expectRefused(forge(header(), [baseClaims()]), /malformed token claims/);
    await expectRefused(forge(header(), 42), /malformed token claims/);
    await expectRefused(forge(header(), baseClaims({ sub: 7 })), /subject/);
  });

  it.each<[string, unknown]>([
    ['an object', { type: 'repository', name: 'a', actions: ['pull'] }],
    ['a string', 'repository:a:pull'],
    ['a list with null', [null]],
    ['a list with a string', ['repository:a:pull']],
    ['an entry without type', [{ name: 'a', actions: ['pull'] }]],
    ['a numeric name', [{ type: 'repository', name: 1, actions: ['pull'] }]],
    ['actions as a string', [{ type: 'repository', name: 'a', actions: 'pull' }]],
    ['a numeric action', [{ type: 'repository', name: 'a', actions: ['pull', 1] }]],
    ['a null action list', [{ type: 'repository', name: 'a', actions: null }]],
  ])('an access list that is %s', async (_label, access) => {
    await expectRefused(forge(header(), baseClaims({ access })), /access list/);
  });

  it('and only ever throws TokenError', async () => {
    const junk = ['....', 'a.b.c', '\u0000.\u0000.\u0000', '%%%.%%%.%%%', 'eyJhbGciOiJSUzI1NiJ9.eyJ.x'];
    for (const token of junk) await expectRefused(token);
  });
});

describe('tokenGrants', () => {
  const claims = (access: TokenClaims['access']): TokenClaims => ({ iss: 'i', sub: 's', aud: 'a', exp: 0, nbf: 0, iat: 0, jti: '', access });

  it('requires every action on the exact resource, across entries', async () => {
    const c = claims([
      { type: 'repository', name: 'team/app', actions: ['pull'] },
      { type: 'repository', name: 'team/app', actions: ['push'] },
      { type: 'repository', name: 'team/other', actions: ['delete'] },
    ]);
    expect(tokenGrants(c, 'repository', 'team/app', ['pull', 'push'])).toBe(true);
    expect(tokenGrants(c, 'repository', 'team/app', ['delete'])).toBe(false);
    expect(tokenGrants(c, 'repository', 'team/ap', ['pull'])).toBe(false);
    expect(tokenGrants(c, 'registry', 'team/app', ['pull'])).toBe(false);
    expect(tokenGrants(c, 'repository', 'team/app', [])).toBe(true);
  });

  it('treats * as every action', async () => {
    const c = claims([{ type: 'registry', name: 'catalog', actions: ['*'] }]);
    expect(tokenGrants(c, 'registry', 'catalog', ['*'])).toBe(true);
    expect(tokenGrants(c, 'registry', 'catalog', ['pull', 'delete'])).toBe(true);
    expect(tokenGrants(claims([]), 'registry', 'catalog', ['*'])).toBe(false);
  });
});

describe('keyId', () => {
  it('is libtrust’s format: twelve colon-separated groups of four base32 characters', async () => {
    expect(keyId(privateKey)).toMatch(/^[A-Z2-7]{4}(?::[A-Z2-7]{4}){11}$/);
    expect(keyId(privateKey)).toBe(keyId(publicKey));
    expect(keyId(privateKey)).not.toBe(keyId(other.privateKey));
  });

  it('matches the SHA-256 of the DER public key, first 240 bits, base32 (computed with openssl)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wharf-kid-'));
    try {
      const pem = join(dir, 'key.pub.pem');
      writeFileSync(pem, publicKeyPem(privateKey));
      const script = `openssl pkey -pubin -in '${pem}' -outform DER | openssl dgst -sha256 -binary | head -c 30 | base32 -w0`;
      const encoded = execFileSync('sh', ['-c', script], { encoding: 'utf8' }).trim();
      expect(encoded).toHaveLength(48);
      expect(keyId(privateKey)).toBe(encoded.match(/.{4}/g)?.join(':'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('matches a fixed key whose id was worked out once with openssl and base32', async () => {
    const pem = [
      '-----BEGIN PUBLIC KEY-----',
      'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEAsI1kVE/41OAbLsrlef1ZSnU++2R',
      '7NDtLqzecY62UJi8OWpmsBYO2Wn7BXmtgSHXPNEI8+Yj6LyWFBKSMfUCDQ==',
      '-----END PUBLIC KEY-----',
    ].join('\n');
    expect(keyId(createPublicKey(pem))).toBe('6KO6:XE6S:L5BZ:DGSH:32QV:U2AK:ET6G:VDZN:ULJF:2LLV:LCEL:R36P');
  });

  it('encodes the digest prefix as RFC 4648 base32 (an independent encoder)', async () => {
    const der = publicKey.export({ type: 'spki', format: 'der' });
    expect(keyId(publicKey)).toBe(base32Groups(createHash('sha256').update(der).digest().subarray(0, 30)));
  });
});

/** RFC 4648 base32 of 30 bytes (no padding needed), grouped by four: an independent encoder. */
function base32Groups(bytes: Buffer): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const bits = [...bytes].map((b) => b.toString(2).padStart(8, '0')).join('');
  let out = '';
  for (let i = 0; i < bits.length; i += 5) out += alphabet[parseInt(bits.slice(i, i + 5), 2)];
  return out.match(/.{4}/g)?.join(':') ?? '';
}
