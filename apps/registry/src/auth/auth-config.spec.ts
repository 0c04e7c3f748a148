import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../config';
import { loadVerificationKey } from './verification-key';

describe('registry authentication settings', () => {
  it('token mode by default, with Harbor\'s names and the key in the data directory', () => {
    expect(loadConfig({ DATA_DIR: '/srv/wharf' }).auth).toEqual({
      mode: 'token',
      realm: 'http://127.0.0.1:8080/service/token',
      issuer: 'harbor-token-issuer',
      service: 'harbor-registry',
      privateKeyPath: '/srv/wharf/secret/core/private_key.pem',
      robotPrefix: 'robot$',
      authMode: 'db_auth',
    });
  });

  it('reads every variable; the realm follows EXTERNAL_URL unless given', () => {
    const env = {
      EXTERNAL_URL: 'https://harbor.example.com/',
      TOKEN_ISSUER: 'iss',
      TOKEN_SERVICE: 'svc',
      TOKEN_PUBLIC_KEY: '/keys/pub.pem',
      TOKEN_PRIVATE_KEY: '/keys/priv.pem',
      ROBOT_NAME_PREFIX: 'bot_',
      AUTH_MODE: 'ldap_auth',
    };
    expect(loadConfig(env).auth).toEqual({
      mode: 'token',
      realm: 'https://harbor.example.com/service/token',
      issuer: 'iss',
      service: 'svc',
      publicKeyPath: '/keys/pub.pem',
      privateKeyPath: '/keys/priv.pem',
      robotPrefix: 'bot_',
      authMode: 'ldap_auth',
    });
    expect(loadConfig({ ...env, TOKEN_REALM: 'https://auth.example.com/token' }).auth).toMatchObject({ realm: 'https://auth.example.com/token' });
  });

  it('REGISTRY_AUTH=none is an open registry; anything else is refused', () => {
    expect(loadConfig({ REGISTRY_AUTH: 'none' }).auth).toEqual({ mode: 'none' });
    expect(() => loadConfig({ REGISTRY_AUTH: 'basic' })).toThrow('invalid REGISTRY_AUTH: "basic" (expected "token" or "none")');
  });

  it('AUTH_MODE is the auth mode until the stored settings name one; unknown modes are refused', () => {
    expect(loadConfig({ AUTH_MODE: 'ldap_auth' }).auth).toMatchObject({ authMode: 'ldap_auth' });
    expect(() => loadConfig({ AUTH_MODE: 'oidc_auth' })).toThrow('invalid AUTH_MODE: "oidc_auth" (expected "db_auth" or "ldap_auth")');
  });

  describe('the verification key', () => {
    let dir: string;
    beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'wharf-keys-'))));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    const base = { mode: 'token' as const, realm: 'r', issuer: 'i', service: 's', robotPrefix: 'robot$' };

    it('comes from the public key file, else from the private key', () => {
      const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
      writeFileSync(join(dir, 'priv.pem'), privateKey.export({ type: 'pkcs8', format: 'pem' }));
      writeFileSync(join(dir, 'pub.pem'), publicKey.export({ type: 'spki', format: 'pem' }));
      const fromPrivate = loadVerificationKey({ ...base, privateKeyPath: join(dir, 'priv.pem') });
      const fromPublic = loadVerificationKey({ ...base, privateKeyPath: join(dir, 'absent.pem'), publicKeyPath: join(dir, 'pub.pem') });
      expect(fromPrivate.type).toBe('public');
      expect(fromPrivate.equals(publicKey)).toBe(true);
      expect(fromPublic.equals(publicKey)).toBe(true);
    });

    it('missing or unusable keys fail with the variable, the path and what to do', () => {
      expect(() => loadVerificationKey({ ...base, privateKeyPath: join(dir, 'absent.pem') })).toThrow(
        /TOKEN_PRIVATE_KEY \(.*absent\.pem\) cannot be read.*TOKEN_PUBLIC_KEY.*REGISTRY_AUTH=none/,
      );
      expect(() => loadVerificationKey({ ...base, privateKeyPath: 'x', publicKeyPath: join(dir, 'absent.pem') })).toThrow(/^REGISTRY_AUTH=token .*TOKEN_PUBLIC_KEY/);
      writeFileSync(join(dir, 'junk.pem'), 'not a key');
      expect(() => loadVerificationKey({ ...base, privateKeyPath: join(dir, 'junk.pem') })).toThrow(/TOKEN_PRIVATE_KEY .*junk\.pem.* does not hold a usable RSA key/);
      const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      writeFileSync(join(dir, 'ec.pem'), publicKey.export({ type: 'spki', format: 'pem' }));
      expect(() => loadVerificationKey({ ...base, privateKeyPath: 'x', publicKeyPath: join(dir, 'ec.pem') })).toThrow(/TOKEN_PUBLIC_KEY .*ec\.pem.* usable RSA key in PEM form: an ec key, tokens are RS256/);
    });
  });
});
